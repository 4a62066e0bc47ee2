"""Retention of personal data (UU 27/2022, issue 8): how long each kind of personal record is
kept, and the weekly run that deletes or anonymises what has expired. docs/privacy.md
("Retention") has the table of rules with the reason for each period.

The personnel file (arsip kepegawaian) is kept: career history, decisions, training records and
the Inspektorat's integrity records are the legal record of a civil servant and are never
deleted here (STYLE.md: nothing an auditor needs is hard-deleted). What expires is operational
data — notifications, sessions, sign-in logs, generated report files, uploaded import files,
the audit trail's reads — and the contact data of people who left the service (their NIP, name
and history stay as the record).

Each app registers its own rules (`register`) and the models it keeps on purpose (`keep`,
with the reason) from its AppConfig.ready(), as with reminders and reports; the core imports
none of the apps. A test fails when a model holding personal data has neither, so a new model
must decide.

`run(today, dry_run=True)` reports per rule what has expired (rows, oldest date, a few ids);
with `dry_run=False` it applies each rule set-based (one UPDATE or DELETE), in its own
transaction, with one summary entry in the audit trail per rule, and removes the rule's files
from storage after the commit. A rule that would delete rows protected by a PROTECT foreign
key is a bug: its transaction rolls back and the report shows the error.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.db import models, router, transaction
from django.db.models import Count, Min, Q, QuerySet
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

SAMPLE_SIZE = 5


class Action(enum.StrEnum):
    DELETE = "delete"  # the rows go (and their files, if the rule names a file field)
    ANONYMISE = "anonymise"  # the rows stay; the listed fields are blanked
    DELETE_FILE = "delete_file"  # the rows stay; the file goes and the field is emptied


@dataclass(frozen=True)
class RetentionRule:
    """One kind of personal record and how long it is kept.

    A row has expired when its `age_field` (a field or a lookup path, date or datetime) lies
    before the cutoff: the start of the day `days` days before `today` (TIME_ZONE). `days` is
    the default; settings.SIGAP_RETENTION_DAYS[code] overrides it. `scope` narrows the model's
    rows to those the rule is about (a notification still owed by e-mail, an open report job
    and a person still in service are never touched)."""

    code: str
    kind: str  # the record kind, shown in the report
    model: type[models.Model]
    age_field: str
    days: int
    action: Action
    reason: str  # why this period: the regulation where there is one, the operational need otherwise
    scope: Callable[[QuerySet], QuerySet] | None = None
    # ANONYMISE: field -> value, or a callable returning that dict (evaluated once per run).
    values: dict[str, Any] | Callable[[], dict[str, Any]] | None = None
    # ANONYMISE: the rows already anonymised (skipped, so a second run changes nothing).
    # Defaults to "every field already holds its value".
    done: Q | None = None
    file_field: str = ""  # DELETE_FILE: the file; DELETE: a file removed with the row
    show_ids: bool = True  # False where the primary key is itself a secret (session keys)
    order: int = 100

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def period_days(self) -> int:
        overrides = getattr(settings, "SIGAP_RETENTION_DAYS", None) or {}
        days = int(overrides.get(self.code, self.days))
        if days < 0:
            raise ValueError(f"retention period of {self.code} is negative: {days}")
        return days

    def cutoff(self, today: dt.date) -> dt.date | dt.datetime:
        day = today - dt.timedelta(days=self.period_days())
        if isinstance(_final_field(self.model, self.age_field), models.DateTimeField):
            return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())
        return day

    def _values(self) -> dict[str, Any]:
        return dict(self.values() if callable(self.values) else (self.values or {}))

    def expired(self, today: dt.date) -> QuerySet:
        """The rows this rule would change or delete on `today`."""
        queryset = self.model._default_manager.all()
        if self.scope is not None:
            queryset = self.scope(queryset)
        queryset = queryset.filter(**{f"{self.age_field}__lt": self.cutoff(today)})
        if self.action == Action.ANONYMISE:
            done = self.done if self.done is not None else Q(**self._values())
            queryset = queryset.exclude(done)
        elif self.action == Action.DELETE_FILE:
            queryset = queryset.exclude(**{self.file_field: ""})
        return queryset

    def protected_relations(self) -> list[str]:
        """For a DELETE rule, the PROTECT/RESTRICT foreign keys that would stop the delete,
        following CASCADE relations down ("app.model.field"). Must be empty."""
        if self.action != Action.DELETE:
            return []
        return _protected_below(self.model, set())


def _final_field(model: type[models.Model], path: str) -> models.Field:
    current = model
    field_ = None
    for part in path.split("__"):
        field_ = current._meta.get_field(part)
        if field_.is_relation:
            current = field_.related_model
    return field_


def _protected_below(model: type[models.Model], seen: set) -> list[str]:
    if model in seen:
        return []
    seen.add(model)
    found = []
    for rel in model._meta.related_objects:
        on_delete = rel.on_delete
        name = f"{rel.related_model._meta.label_lower}.{rel.field.name}"
        if on_delete in (models.PROTECT, models.RESTRICT):
            found.append(name)
        elif on_delete is models.CASCADE:
            found.extend(_protected_below(rel.related_model, seen))
    return found


# --- Registry ------------------------------------------------------------------------------------

_RULES: dict[str, RetentionRule] = {}
_KEPT: dict[str, str] = {}  # "app.model" -> why its rows are kept (no rule)


def register(rule: RetentionRule) -> None:
    if rule.action == Action.ANONYMISE and not rule.values:
        raise ValueError(f"retention rule {rule.code}: ANONYMISE needs values")
    if rule.action == Action.DELETE_FILE and not rule.file_field:
        raise ValueError(f"retention rule {rule.code}: DELETE_FILE needs file_field")
    _RULES[rule.code] = rule


def unregister(code: str) -> None:
    _RULES.pop(code, None)


def keep(label: str, reason: str) -> None:
    """Declare that the rows of model `label` ("app.model") are kept as the legal record (or
    for as long as what they belong to exists), and why. No rule touches them."""
    if not reason.strip():
        raise ValueError(f"a kept model needs a reason: {label}")
    _KEPT[label.lower()] = reason


def rules() -> list[RetentionRule]:
    return sorted(_RULES.values(), key=lambda rule: (rule.order, rule.code))


def get(code: str) -> RetentionRule | None:
    return _RULES.get(code)


def kept() -> dict[str, str]:
    return dict(sorted(_KEPT.items()))


# --- The run -------------------------------------------------------------------------------------


@dataclass
class RuleReport:
    code: str
    kind: str
    model: str
    action: str
    days: int
    cutoff: str
    rows: int = 0
    oldest: str | None = None
    sample_ids: list = field(default_factory=list)
    files: int = 0  # files removed (or, in a dry run, that would be)
    applied: bool = False
    error: str = ""

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _isoformat(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date().isoformat() if timezone.is_aware(value) else value.date().isoformat()
    return value.isoformat()


def _survey(rule: RetentionRule, queryset: QuerySet, report: RuleReport) -> None:
    figures = queryset.order_by().aggregate(rows=Count("pk"), oldest=Min(rule.age_field))
    report.rows = figures["rows"]
    report.oldest = _isoformat(figures["oldest"])
    if rule.show_ids and report.rows:
        ids = queryset.order_by(rule.age_field, "pk").values_list("pk", flat=True)[:SAMPLE_SIZE]
        report.sample_ids = [str(pk) for pk in ids]


def _file_names(rule: RetentionRule, queryset: QuerySet) -> list[str]:
    if not rule.file_field:
        return []
    names = queryset.order_by().exclude(**{rule.file_field: ""}).values_list(rule.file_field, flat=True)
    return [name for name in names if name]


def _remove_files(rule: RetentionRule, names: list[str]) -> None:
    storage = rule.model._meta.get_field(rule.file_field).storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:  # gone already, or the disk refuses: the row is gone either way
            logger.warning("retention %s: could not remove file %s", rule.code, name, exc_info=True)


def _log_summary(rule: RetentionRule, report: RuleReport, today: dt.date) -> None:
    """One audit entry for the whole rule (not one per row): bulk statements send no signals."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(rule.model, for_concrete_model=False),
        object_pk="",
        object_repr=f"retention: {rule.code}"[:200],
        action=LogEntry.Action.DELETE if rule.action == Action.DELETE else LogEntry.Action.UPDATE,
        actor=None,
        changes={},
        changes_text="",
        additional_data={
            "retention": rule.code,
            "action": str(rule.action),
            "today": today.isoformat(),
            "days": report.days,
            "cutoff": report.cutoff,
            "rows": report.rows,
            "oldest": report.oldest,
            "sample_ids": report.sample_ids,
            "files": report.files,
            "fields": sorted(rule._values()) if rule.action == Action.ANONYMISE else [],
        },
    )


def _apply(rule: RetentionRule, queryset: QuerySet, report: RuleReport, today: dt.date) -> list[str]:
    """Apply one rule inside the caller's transaction; return the files to remove after it."""
    names = _file_names(rule, queryset)
    if rule.action == Action.ANONYMISE:
        report.rows = queryset.order_by().update(**rule._values())
    elif rule.action == Action.DELETE_FILE:
        report.rows = queryset.order_by().update(**{rule.file_field: ""})
    else:
        _total, per_model = queryset.order_by().delete()
        report.rows = per_model.get(rule.model._meta.label, 0)
    report.files = len(names)
    if report.rows:
        _log_summary(rule, report, today)
    report.applied = True
    return names


def run(today: dt.date | None = None, *, dry_run: bool = True, codes=None) -> list[RuleReport]:
    """Report (and unless `dry_run`, apply) every registered rule, or only those in `codes`.
    Each rule costs a fixed number of queries whatever the number of rows."""
    today = today or timezone.localdate()
    reports = []
    for rule in rules():
        if codes is not None and rule.code not in codes:
            continue
        report = RuleReport(
            code=rule.code,
            kind=str(rule.kind),
            model=rule.label,
            action=str(rule.action),
            days=rule.period_days(),
            cutoff=_isoformat(rule.cutoff(today)),
        )
        reports.append(report)
        queryset = rule.expired(today)
        if dry_run:
            _survey(rule, queryset, report)
            report.files = len(_file_names(rule, queryset)) if rule.file_field else 0
            continue
        using = router.db_for_write(rule.model)
        try:
            with transaction.atomic(using=using):
                _survey(rule, queryset, report)
                if report.rows:
                    names = _apply(rule, queryset, report, today)
                    if names:
                        transaction.on_commit(lambda rule=rule, names=names: _remove_files(rule, names), using=using)
                else:
                    report.applied = True
        except (ProtectedError, RestrictedError) as exc:
            protected = sorted({obj._meta.label_lower for obj in exc.protected_objects if hasattr(obj, "_meta")})
            report.error = f"protected by {', '.join(protected) or 'a PROTECT foreign key'}; nothing was deleted"
            report.applied = False
            report.files = 0
            logger.error("retention rule %s hit a protected relation: %s", rule.code, report.error)
    return reports


def has_errors(reports: list[RuleReport]) -> bool:
    return any(report.error for report in reports)


# --- The core's own rules ----------------------------------------------------------------------------


# People who left the service (retired, transferred out, died, dismissed).
def _left(queryset: QuerySet, prefix: str = "") -> QuerySet:
    from asn_portal.models import EmployeeStatus

    return queryset.exclude(**{f"{prefix}status__in": EmployeeStatus.in_service()})


LEAVER_DAYS = 2 * 365
LEAVER_REASON = (
    "UU 27/2022 art. 42-43: personal data no longer needed for its purpose is deleted. After leaving, BKPP "
    "may still need to reach the person (pension, decree hand-over, a transfer's file); two years covers that. "
    "NIP, name and the whole history stay: the personnel file is kept under the archive retention schedule "
    "(UU 43/2009 Kearsipan)."
)


def _unusable_account() -> dict[str, Any]:
    return {"email": "", "is_active": False, "password": make_password(None)}


def register_core() -> None:
    """The core's rules and kept models (AsnPortalConfig.ready())."""
    from auditlog.models import LogEntry
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.sessions.models import Session
    from rest_framework.authtoken.models import Token

    from asn_portal.models import EmailOptOut, Employee, ImportJob, Notification, ReportJob, User

    register(
        RetentionRule(
            code="notifications",
            kind=_("Notifications"),
            model=Notification,
            age_field="created_at",
            days=365,
            action=Action.DELETE,
            scope=lambda qs: qs.filter(email_due=False),
            reason="Operational: the bell shows recent messages; a reminder's key only has to outlive its occasion "
            "(days to a month), and a year covers the annual cycles (LHKPN, JP recap). An e-mail still owed is kept.",
            order=10,
        )
    )
    register(
        RetentionRule(
            code="sessions",
            kind=_("Expired sessions"),
            model=Session,
            age_field="expire_date",
            days=0,
            action=Action.DELETE,
            show_ids=False,
            reason="Operational: an expired session can never be used again (Django's clearsessions).",
            order=20,
        )
    )
    register(
        RetentionRule(
            code="login_attempts",
            kind=_("Failed sign-in counters"),
            model=AccessAttempt,
            age_field="attempt_time",
            days=90,
            action=Action.DELETE,
            reason="Operational: the lock-out counts failures within minutes (AXES_COOLOFF_TIME); 90 days leaves "
            "time to look into an attack.",
            order=30,
        )
    )
    for code, model, kind, order in (
        ("login_log", AccessLog, _("Sign-in log"), 31),
        ("login_failure_log", AccessFailureLog, _("Failed sign-in log"), 32),
    ):
        register(
            RetentionRule(
                code=code,
                kind=kind,
                model=model,
                age_field="attempt_time",
                days=365,
                action=Action.DELETE,
                reason="Security: who signed in from where (IP address, browser) is needed to investigate a breach, "
                "found at the latest by the yearly audit; the breach query spans at most a year.",
                order=order,
            )
        )
    register(
        RetentionRule(
            code="audit_reads",
            kind=_("Audit trail: reads"),
            model=LogEntry,
            age_field="timestamp",
            days=5 * 365,
            action=Action.DELETE,
            scope=lambda qs: qs.filter(action=LogEntry.Action.ACCESS),
            reason="UU 27/2022 art. 31 (a record of every processing activity): reads answer who accessed a "
            "person's data; five years lets a request or the Inspektorat's audit reach back to earlier years. "
            "Changes (create, update, delete) are kept: they are the history of the legal record.",
            order=40,
        )
    )
    register(
        RetentionRule(
            code="report_files",
            kind=_("Generated reports and their files"),
            model=ReportJob,
            age_field="created_at",
            days=30,
            action=Action.DELETE,
            file_field="file",
            scope=lambda qs: qs.exclude(status__in=[ReportJob.Status.PENDING, ReportJob.Status.RUNNING]),
            reason="Operational: a report is a copy of data held elsewhere and can be built again; 30 days covers "
            "downloading it. Open jobs are left alone.",
            order=50,
        )
    )
    register(
        RetentionRule(
            code="import_files",
            kind=_("Uploaded import spreadsheets"),
            model=ImportJob,
            age_field="created_at",
            days=90,
            action=Action.DELETE_FILE,
            file_field="file",
            scope=lambda qs: qs.exclude(status__in=[ImportJob.Status.PENDING, ImportJob.Status.RUNNING]),
            reason="Operational: once imported the data lives in the records; 90 days leaves time to check an "
            "import against its sheet. The job row (who imported what, when, the row errors) is kept.",
            order=60,
        )
    )
    register(
        RetentionRule(
            code="leavers_contact",
            kind=_("Contact data of people who left"),
            model=Employee,
            age_field="updated_at",
            days=LEAVER_DAYS,
            action=Action.ANONYMISE,
            scope=_left,
            values={"email": "", "phone": "", "nik": ""},
            reason=LEAVER_REASON + " The clock is the employee row's last change (the leaving, or later).",
            order=70,
        )
    )
    register(
        RetentionRule(
            code="leavers_accounts",
            kind=_("Accounts of people who left"),
            model=User,
            age_field="employee__updated_at",
            days=LEAVER_DAYS,
            action=Action.ANONYMISE,
            scope=lambda qs: _left(qs, "employee__"),
            values=_unusable_account,
            done=Q(email="", is_active=False, password__startswith=UNUSABLE_PASSWORD_PREFIX),
            reason=LEAVER_REASON + " The account is deactivated and its e-mail blanked; the username (NIP) stays "
            "because the records name it as the actor.",
            order=71,
        )
    )
    register(
        RetentionRule(
            code="leavers_api_tokens",
            kind=_("API tokens of people who left"),
            model=Token,
            age_field="user__employee__updated_at",
            days=LEAVER_DAYS,
            action=Action.DELETE,
            scope=lambda qs: _left(qs, "user__employee__"),
            reason=LEAVER_REASON + " A credential of someone who left has no use.",
            order=72,
        )
    )
    register(
        RetentionRule(
            code="leavers_email_opt_outs",
            kind=_("E-mail choices of people who left"),
            model=EmailOptOut,
            age_field="user__employee__updated_at",
            days=LEAVER_DAYS,
            action=Action.DELETE,
            scope=lambda qs: _left(qs, "user__employee__"),
            reason=LEAVER_REASON + " The choice only matters while the account receives e-mail.",
            order=73,
        )
    )

    from django.apps import apps

    if apps.is_installed("django_otp.plugins.otp_totp"):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        register(
            RetentionRule(
                code="leavers_otp_devices",
                kind=_("Two-factor devices of people who left"),
                model=TOTPDevice,
                age_field="user__employee__updated_at",
                days=LEAVER_DAYS,
                action=Action.DELETE,
                scope=lambda qs: _left(qs, "user__employee__"),
                reason=LEAVER_REASON + " A two-factor secret of someone who left has no use.",
                order=74,
            )
        )

    keep(
        "asn_portal.operatorgrant",
        "The current authorisation of an Operator OPD: removed when revoked, not by age; its history is in the "
        "audit trail.",
    )
    keep(
        "admin.logentry",
        "Django admin's record of changes made by staff: accountability, kept like the audit trail's changes.",
    )
