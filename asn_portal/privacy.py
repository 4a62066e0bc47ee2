"""Personal data under UU 27/2022 (Pelindungan Data Pribadi): what SIGAP holds about one
employee ("Data saya"), who accessed it, and, after a suspected breach, whose records one
account read or changed (the breach query). docs/privacy.md explains the choices.

The kinds of record are discovered from the model graph, not listed by hand, so a new model
that points at an employee is exported and resolved as soon as it exists:

- a *personal source* is a model with a ForeignKey (or one-to-one) to `Employee` or to the
  `User` that has a reverse name, plus the models one step further that point at such a
  record (a certificate of the person's registration, the events of their study leave).
  ForeignKeys declared with `related_name="+"` are actor references by the house convention
  (`created_by`, `recorded_by`, `decided_by`, an approval event's `by`, a follow-up's
  supervisor): the rows they point from are other people's records that the person handled,
  so they are not the person's data. The events of the person's *own* records are included,
  with the id of whoever acted on them.
- `EXCLUDED_FROM_EXPORT` names the few reverse relations that are not the person's record.

`asn_portal` imports none of the other apps: everything here goes through `apps`/`_meta`.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.core import serializers
from django.db import models
from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from asn_portal.models import Employee, User

# "app.model" (lower case) → why it is not part of the person's "Data saya".
EXCLUDED_FROM_EXPORT = {
    "asn_portal.employee": "Employee.supervisor: the subordinates are other people",
    "integrity.integritycase": "integrity cases (aduan) are need-to-know: the integrity app's own page never shows "
    "them to the person, to protect the reporter and the examination",
    "integrity.drugtestresult": "drug-test results are need-to-know like the cases: the integrity app's own page "
    "never shows them to the person; the Inspektorat answers such a request itself",
    "authtoken.token": "an API credential, not a record about the person",
    "otp_totp.totpdevice": "a sign-in credential (the two-factor secret), not a record about the person",
    "admin.logentry": "Django admin's log of what the person did as staff (the audit trail is listed separately)",
    "auditlog.logentry": "the audit trail is listed separately (who accessed the records)",
}
# For the breach query every record that points at a person counts, cases included.
EXCLUDED_FROM_RESOLUTION = {
    "asn_portal.employee": "the Employee row resolves to itself",
    "authtoken.token": "not audited",
    "otp_totp.totpdevice": "a credential, not audited (turning two-factor on or off is logged on the account)",
    "admin.logentry": "the audit trail itself",
    "auditlog.logentry": "the audit trail itself",
}


@dataclass(frozen=True)
class Source:
    """A kind of record and the lookup from it to its subject (`employee` or `user`)."""

    model: type[models.Model]
    path: str  # a lookup whose value is the subject's id, e.g. "registration__employee"
    subject: str  # "employee" or "user"

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


def _reverse_fks(model: type[models.Model]):
    """Reverse ForeignKey/one-to-one relations with a reverse name (hidden "+" ones excluded)."""
    return [rel for rel in model._meta.related_objects if (rel.one_to_many or rel.one_to_one) and rel.field.concrete]


def _discover(excluded: dict[str, str]) -> tuple[Source, ...]:
    sources: dict[str, Source] = {}
    for subject, target in (("employee", Employee), ("user", User)):
        for rel in _reverse_fks(target):
            label = rel.related_model._meta.label_lower
            if label in excluded or label == "asn_portal.employee" or label in sources:
                continue
            sources[label] = Source(rel.related_model, rel.field.name, subject)
    # One step further: records that hang on the person's records (certificates, events).
    for parent in [source for source in sources.values() if source.subject == "employee"]:
        for rel in _reverse_fks(parent.model):
            label = rel.related_model._meta.label_lower
            if label in excluded or label in sources or rel.related_model is parent.model:
                continue
            sources[label] = Source(rel.related_model, f"{rel.field.name}__{parent.path}", "employee")
    return tuple(sorted(sources.values(), key=lambda source: source.label))


@functools.cache
def personal_sources() -> tuple[Source, ...]:
    """Every kind of record that is the person's data (exported in "Data saya")."""
    return _discover(EXCLUDED_FROM_EXPORT)


@functools.cache
def resolvable_sources() -> tuple[Source, ...]:
    """Every kind of record that names a person (the breach query resolves entries through these)."""
    return _discover(EXCLUDED_FROM_RESOLUTION)


def _subject_id(source: Source, employee: Employee) -> int | None:
    return employee.pk if source.subject == "employee" else employee.user_id


def _rows(source: Source, employee: Employee) -> QuerySet:
    subject_id = _subject_id(source, employee)
    if subject_id is None:
        return source.model.objects.none()
    queryset = source.model.objects.filter(**{source.path: subject_id}).order_by("pk")
    many = [f.name for f in source.model._meta.many_to_many if f.concrete]
    return queryset.prefetch_related(*many) if many else queryset


# ---------------------------------------------------------------------------------------------
# "Data saya": the export
# ---------------------------------------------------------------------------------------------

ACCOUNT_FIELDS = ("id", "username", "first_name", "last_name", "email", "is_active", "date_joined", "last_login")


def _serialise(queryset) -> list[dict]:
    return [
        {"pk": row["pk"], **row["fields"]}
        for row in serializers.serialize("python", queryset, use_natural_foreign_keys=False)
    ]


def export(employee: Employee) -> dict:
    """Everything SIGAP holds about `employee`, grouped by "app.model": a fixed number of
    queries per kind of record, whatever the number of rows."""
    account = None
    if employee.user_id:
        account = User.objects.filter(pk=employee.user_id).values(*ACCOUNT_FIELDS).first()
        if account is not None:
            account["groups"] = list(
                User.groups.through.objects.filter(user_id=employee.user_id).values_list("group__name", flat=True)
            )
    records = {source.label: _serialise(_rows(source, employee)) for source in personal_sources()}
    return {
        "generated_at": timezone.now(),
        "employee": _serialise(Employee.objects.filter(pk=employee.pk))[0],
        "account": account,
        "records": records,
        "accesses": [_access_dict(entry) for entry in access_entries(employee)],
        "excluded": EXCLUDED_FROM_EXPORT,
    }


def record_counts(employee: Employee) -> list[tuple[str, str, int]]:
    """(label, verbose name, count) per kind of record the person has, one query per kind."""
    counts = []
    for source in personal_sources():
        count = _rows(source, employee).order_by().count()
        if count:
            counts.append((source.label, str(source.model._meta.verbose_name_plural), count))
    return counts


# ---------------------------------------------------------------------------------------------
# Who accessed the records
# ---------------------------------------------------------------------------------------------


def _content_types(models_):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_models(*models_, for_concrete_models=False)


def access_entries(employee: Employee) -> QuerySet[LogEntry]:
    """Audit entries (reads and changes) of the Employee row, the account and every personal
    record of `employee`, newest first: one query, the records' ids as subqueries."""
    audited = [source for source in personal_sources() if auditlog.contains(source.model)]
    content_types = _content_types([Employee, User, *(source.model for source in audited)])
    condition = Q(content_type=content_types[Employee], object_id=employee.pk)
    if employee.user_id:
        condition |= Q(content_type=content_types[User], object_id=employee.user_id)
    for source in audited:
        ids = _rows(source, employee).order_by().values("pk")
        condition |= Q(content_type=content_types[source.model], object_id__in=ids)
    return LogEntry.objects.filter(condition).select_related("actor", "content_type").order_by("-timestamp", "-id")


def _access_dict(entry: LogEntry) -> dict:
    return {
        "at": entry.timestamp,
        "actor": entry.actor.username if entry.actor else None,
        "action": entry.get_action_display(),
        "record": f"{entry.content_type.app_label}.{entry.content_type.model}",
        "object": entry.object_repr,
    }


# ---------------------------------------------------------------------------------------------
# The breach query
# ---------------------------------------------------------------------------------------------


@dataclass
class BreachRow:
    employee_id: int
    nip: str = ""
    name: str = ""
    opd: str = ""
    entries: int = 0
    reads: int = 0
    changes: int = 0
    first_at: dt.datetime | None = None
    last_at: dt.datetime | None = None
    kinds: set[str] = field(default_factory=set)

    def as_dict(self) -> dict:
        return {
            "employee_id": self.employee_id,
            "nip": self.nip,
            "name": self.name,
            "opd": self.opd,
            "entries": self.entries,
            "reads": self.reads,
            "changes": self.changes,
            "first_at": self.first_at.isoformat() if self.first_at else None,
            "last_at": self.last_at.isoformat() if self.last_at else None,
            "kinds": sorted(self.kinds),
        }


@dataclass
class BreachResult:
    username: str
    date_from: dt.date
    date_to: dt.date
    rows: list[BreachRow]
    entries: int  # audit entries of the account in the range
    unresolved: int  # entries about no person (an OPD, a session) or a record since deleted


MAX_RANGE_DAYS = 366


def validate_range(date_from: dt.date, date_to: dt.date, *, error=ValueError) -> None:
    """The breach query's range rules, shared by the page and the command."""
    if date_to < date_from:
        raise error(_("The end date must not be before the start date."))
    if (date_to - date_from).days + 1 > MAX_RANGE_DAYS:
        raise error(_("The range may be at most %(days)d days.") % {"days": MAX_RANGE_DAYS})


def local_range(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[from 00:00, day after `to` 00:00) in the project's time zone."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(date_from, dt.time.min), zone)
    end = timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min), zone)
    return start, end


def breach_query(user: User, date_from: dt.date, date_to: dt.date, *, hidden_apps=()) -> BreachResult:
    """Which people's records `user` read or changed between the two dates (inclusive), from
    the audit trail: one grouped query, one query per kind of record touched, one for the
    people. `hidden_apps`: app labels whose entries the asker may not see (the page passes
    the audit-trail restrictions of the signed-in user)."""
    start, end = local_range(date_from, date_to)
    entries = LogEntry.objects.filter(actor=user, timestamp__gte=start, timestamp__lt=end)
    if hidden_apps:
        entries = entries.exclude(content_type__app_label__in=list(hidden_apps))
    grouped = list(
        entries.values("content_type_id", "object_id")
        .annotate(
            n=Count("id"),
            reads=Count("id", filter=Q(action=LogEntry.Action.ACCESS)),
            first=Min("timestamp"),
            last=Max("timestamp"),
        )
        .order_by()
    )
    paths = {Employee: "pk", User: "employee"}
    paths.update({source.model: source.path for source in resolvable_sources()})
    content_types = _content_types(list(paths))
    model_of = {content_type.pk: model for model, content_type in content_types.items()}

    by_type: dict[int, set[int]] = {}
    for group in grouped:
        if group["object_id"] is not None and group["content_type_id"] in model_of:
            by_type.setdefault(group["content_type_id"], set()).add(group["object_id"])
    owner: dict[tuple[int, int], int] = {}
    for type_id, ids in by_type.items():
        model = model_of[type_id]
        lookup = paths[model]
        for pk, employee_id in model.objects.filter(pk__in=ids).values_list("pk", lookup):
            if employee_id is not None:
                owner[(type_id, pk)] = employee_id

    rows: dict[int, BreachRow] = {}
    unresolved = 0
    for group in grouped:
        employee_id = owner.get((group["content_type_id"], group["object_id"]))
        if employee_id is None:
            unresolved += group["n"]
            continue
        row = rows.setdefault(employee_id, BreachRow(employee_id))
        row.entries += group["n"]
        row.reads += group["reads"]
        row.changes += group["n"] - group["reads"]
        row.first_at = min(filter(None, (row.first_at, group["first"])))
        row.last_at = max(filter(None, (row.last_at, group["last"])))
        row.kinds.add(model_of[group["content_type_id"]]._meta.label_lower)
    people = Employee.objects.filter(pk__in=rows).values_list("pk", "nip", "name", "opd__name")
    for pk, nip, name, opd in people:
        rows[pk].nip, rows[pk].name, rows[pk].opd = nip, name, opd
    ordered = sorted(rows.values(), key=lambda row: (-row.entries, row.name, row.employee_id))
    total = sum(group["n"] for group in grouped)
    return BreachResult(user.username, date_from, date_to, ordered, total, unresolved)


BREACH_COLUMNS = ("employee_id", "nip", "name", "opd", "entries", "reads", "changes", "first_at", "last_at", "kinds")


def breach_csv_rows(result: BreachResult):
    """The header and one list per person, for csv.writer."""
    yield list(BREACH_COLUMNS)
    for row in result.rows:
        data = row.as_dict()
        data["kinds"] = " ".join(data["kinds"])
        yield [data[column] if data[column] is not None else "" for column in BREACH_COLUMNS]
