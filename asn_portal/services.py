"""State-changing operations of the core app. Each owns its transaction and its checks; views,
the API, imports and commands call these and nothing writes employees another way.
Audit entries are written by django-auditlog for every saved model (see `audit.py`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asn_portal import dispatch, extensions
from asn_portal.audit import log_bulk
from asn_portal.models import (
    EducationLevel,
    Employee,
    EmployeeStatus,
    EmploymentType,
    Notification,
    OperatorGrant,
    OrgUnit,
    Position,
    Rank,
    Role,
    User,
)
from asn_portal.nip import IdentifierError, check_nik_matches_nip, parse_nik, parse_nip
from asn_portal.tasks import send_notification_email


class ServiceError(Exception):
    """A domain rule refused the change. `code` is stable (API); `message` is for people."""

    def __init__(self, message: str, code: str = "invalid", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


class EmployeeDataError(ServiceError):
    """One or more fields of an employee are wrong; `errors` lists (field, code, message)."""

    def __init__(self, errors: list[tuple[str, str, str]]):
        self.errors = errors
        super().__init__("; ".join(message for _field, _code, message in errors), "invalid_employee")


@dataclass
class EmployeeData:
    """Validated-shape input for creating or updating an employee. Forms, the API and the
    import build one of these; `check_employee_data` applies the rules."""

    nip: str
    name: str
    employment_type: str
    unit: OrgUnit
    front_title: str = ""
    back_title: str = ""
    status: str = EmployeeStatus.AKTIF
    nik: str = ""
    position: Position | None = None
    rank: Rank | None = None
    rank_tmt_on: dt.date | None = None
    pppk_grade: int | None = None
    education: EducationLevel | None = None
    cpns_tmt_on: dt.date | None = None
    pns_tmt_on: dt.date | None = None
    supervisor: Employee | None = None
    email: str = ""
    phone: str = ""
    derived: dict = field(default_factory=dict)  # born_on and gender, filled by the check


def check_employee_data(data: EmployeeData, *, today: dt.date) -> list[tuple[str, str, str]]:
    """Apply the registry rules to one employee's data; return (field, code, message) for
    every problem. Fills `data.derived` with the birth date and gender read from the NIP."""
    errors: list[tuple[str, str, str]] = []
    is_pppk = data.employment_type in EmploymentType.pppk()
    try:
        nip = parse_nip(data.nip, pppk=is_pppk, today=today)
    except IdentifierError as exc:
        errors.append(("nip", exc.code, exc.message))
        nip = None
    else:
        data.nip = nip.nip
        data.derived = {"born_on": nip.born_on, "gender": nip.gender}
    if data.nik:
        try:
            nik = parse_nik(data.nik)
            data.nik = nik.nik
            if nip is not None:
                check_nik_matches_nip(nik, nip)
        except IdentifierError as exc:
            errors.append(("nik", exc.code, exc.message))
    if not data.name.strip():
        errors.append(("name", "required", _("Name is required.")))

    for field_name, label in (
        ("rank_tmt_on", _("rank TMT")),
        ("cpns_tmt_on", _("TMT CPNS")),
        ("pns_tmt_on", _("TMT PNS")),
    ):
        value = getattr(data, field_name)
        if value is not None and value > today:
            errors.append(
                (
                    field_name,
                    "date_in_future",
                    _("The %(label)s cannot be in the future (%(date)s).")
                    % {"label": label, "date": value.isoformat()},
                )
            )
    if data.cpns_tmt_on and data.pns_tmt_on and data.pns_tmt_on < data.cpns_tmt_on:
        errors.append(("pns_tmt_on", "pns_before_cpns", _("TMT PNS cannot be earlier than TMT CPNS.")))
    if (
        nip is not None
        and nip.cpns_tmt_on
        and data.cpns_tmt_on
        and (data.cpns_tmt_on.year, data.cpns_tmt_on.month) != (nip.appointed_year, nip.appointed_month)
    ):
        errors.append(
            (
                "cpns_tmt_on",
                "tmt_cpns_mismatch",
                _("TMT CPNS %(date)s does not match the month encoded in the NIP (%(nip_month)s).")
                % {
                    "date": data.cpns_tmt_on.isoformat(),
                    "nip_month": f"{nip.appointed_month:02d}/{nip.appointed_year}",
                },
            )
        )
    if data.rank_tmt_on and data.cpns_tmt_on and data.rank_tmt_on < data.cpns_tmt_on:
        errors.append(("rank_tmt_on", "rank_before_cpns", _("The rank TMT cannot be earlier than TMT CPNS.")))

    if is_pppk:
        if data.rank is not None:
            errors.append(
                ("rank", "pppk_has_no_rank", _("PPPK hold no pangkat: give the PPPK grade (I–XVII) instead."))
            )
        if data.pppk_grade is not None and not 1 <= data.pppk_grade <= 17:
            errors.append(("pppk_grade", "pppk_grade_range", _("The PPPK grade must be between I and XVII.")))
    else:
        if data.pppk_grade is not None:
            errors.append(("pppk_grade", "grade_only_for_pppk", _("Only PPPK have a PPPK grade.")))
        if data.rank is None:
            errors.append(("rank", "required", _("Golongan is required for PNS and CPNS.")))
        if data.cpns_tmt_on is None:
            errors.append(("cpns_tmt_on", "required", _("TMT CPNS is required for PNS and CPNS.")))
        if data.employment_type == EmploymentType.PNS and data.pns_tmt_on is None:
            errors.append(("pns_tmt_on", "required", _("TMT PNS is required for a PNS.")))
        if data.employment_type == EmploymentType.CPNS and data.pns_tmt_on is not None:
            errors.append(("pns_tmt_on", "cpns_has_pns_tmt", _("A CPNS has no TMT PNS yet.")))
    if data.position is not None and data.position.unit.opd_id != data.unit.opd_id:
        errors.append(("position", "position_other_opd", _("The position belongs to another OPD than the unit.")))
    return errors


def find_supervisor_cycle(employee_id: int | None, supervisor: Employee | None) -> bool:
    """True when making `supervisor` the supervisor of `employee_id` closes a loop. Walks up
    the chain of supervisors (one query per level; chains are short: at most the depth of
    the organisation)."""
    if supervisor is None:
        return False
    if employee_id is None:
        return False
    seen: set[int] = set()
    current_id: int | None = supervisor.pk
    while current_id is not None and current_id not in seen:
        if current_id == employee_id:
            return True
        seen.add(current_id)
        current_id = Employee.objects.filter(pk=current_id).values_list("supervisor_id", flat=True).first()
    return False


_DATA_FIELDS = (
    "nip",
    "nik",
    "name",
    "front_title",
    "back_title",
    "employment_type",
    "status",
    "unit",
    "position",
    "supervisor",
    "rank",
    "rank_tmt_on",
    "pppk_grade",
    "education",
    "cpns_tmt_on",
    "pns_tmt_on",
    "email",
    "phone",
)


# Fields another app may derive from its history (asn_portal.extensions.HistoryOwnedFields).
_OWNABLE = ("rank_id", "rank_tmt_on", "education_id")


def _apply(employee: Employee, data: EmployeeData) -> None:
    for name in _DATA_FIELDS:
        setattr(employee, name, getattr(data, name))
    employee.opd_id = data.unit.opd_id
    employee.born_on = data.derived["born_on"]
    employee.gender = data.derived["gender"]


@transaction.atomic
def create_employee(data: EmployeeData, *, by: User | None, today: dt.date | None = None) -> Employee:
    """Create an employee and their login account (username = NIP, no usable password until
    they reset it). Raises `EmployeeDataError`."""
    today = today or timezone.localdate()
    errors = check_employee_data(data, today=today)
    if not errors and Employee.objects.filter(nip=data.nip).exists():
        errors.append(("nip", "nip_exists", _("An employee with NIP %(nip)s already exists.") % {"nip": data.nip}))
    if errors:
        raise EmployeeDataError(errors)
    employee = Employee()
    _apply(employee, data)
    try:
        # Two requests may pass the exists() check together; the unique index decides.
        with transaction.atomic():
            employee.save()
    except IntegrityError as exc:
        if Employee.objects.filter(nip=data.nip).exists():
            raise EmployeeDataError(
                [("nip", "nip_exists", _("An employee with NIP %(nip)s already exists.") % {"nip": data.nip})]
            ) from exc
        raise
    ensure_user_account(employee)
    return employee


@transaction.atomic
def update_employee(
    employee: Employee, data: EmployeeData, *, by: User | None, today: dt.date | None = None
) -> Employee:
    """Change an employee's registry data. The NIP itself is never changed here: corrections
    of a NIP are made by BKN (DOMAIN.md §1.1 rule 6). Raises `EmployeeDataError`."""
    today = today or timezone.localdate()
    errors = check_employee_data(data, today=today)
    if data.nip != employee.nip:
        errors.append(("nip", "nip_immutable", _("The NIP cannot be changed.")))
    if data.supervisor is not None and find_supervisor_cycle(employee.pk, data.supervisor):
        errors.append(
            (
                "supervisor",
                "supervisor_cycle",
                _("This supervisor would create a loop: %(name)s is already below this employee.")
                % {"name": data.supervisor.full_name},
            )
        )
    if errors:
        raise EmployeeDataError(errors)
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    before = {name: getattr(employee, name) for name in _OWNABLE}
    _apply(employee, data)
    changed = {name for name in _OWNABLE if getattr(employee, name) != before[name]}
    conflicts = extensions.history_conflicts({employee.pk: changed}).get(employee.pk, [])
    if conflicts:
        raise EmployeeDataError([(owner.form_field, "owned_by_history", owner.message()) for owner in conflicts])
    employee.save()
    if employee.user_id and employee.email and employee.user.email != employee.email:
        employee.user.email = employee.email
        employee.user.save(update_fields=["email"])
    return employee


def ensure_user_account(employee: Employee) -> User:
    """Link the employee to a login account whose username is the NIP."""
    if employee.user_id:
        return employee.user
    user = User.objects.filter(username=employee.nip).first()
    if user is None:
        user = User(username=employee.nip, email=employee.email, first_name=employee.name[:150])
        user.set_unusable_password()
        user.save()
    employee.user = user
    employee.save(update_fields=["user"])
    return user


# --- Roles -----------------------------------------------------------------------------------


def role_group(role: Role) -> Group:
    group, _created = Group.objects.get_or_create(name=role.value)
    return group


@transaction.atomic
def grant_role(user: User, role: Role, *, by: User | None) -> None:
    user.groups.add(role_group(role))


@transaction.atomic
def grant_operator(user: User, opd: OrgUnit, *, by: User | None) -> OperatorGrant:
    """Make `user` the Operator OPD of `opd` (a top-level unit)."""
    if not opd.is_opd:
        raise ServiceError(_("An operator is granted a whole OPD, not a sub-unit."), "not_an_opd", "opd")
    user.groups.add(role_group(Role.OPERATOR_OPD))
    grant, _created = OperatorGrant.objects.get_or_create(user=user, opd=opd, defaults={"granted_by": by})
    return grant


@transaction.atomic
def revoke_operator(user: User, opd: OrgUnit, *, by: User | None) -> None:
    OperatorGrant.objects.filter(user=user, opd=opd).delete()
    if not OperatorGrant.objects.filter(user=user).exists():
        user.groups.remove(role_group(Role.OPERATOR_OPD))


# --- Organisation ----------------------------------------------------------------------------


@transaction.atomic
def create_org_unit(*, code: str, name: str, kind: str, parent: OrgUnit | None, by: User | None) -> OrgUnit:
    """Add a unit to the tree; a unit without parent is an OPD and is its own `opd`."""
    if OrgUnit.objects.filter(code=code).exists():
        raise ServiceError(_("Unit code %(code)s is already used.") % {"code": code}, "code_exists", "code")
    if parent is None:
        unit = OrgUnit.objects.add_root({"code": code, "name": name, "kind": kind})
        unit.opd = unit
        unit.save(update_fields=["opd"])
    else:
        parent = OrgUnit.objects.get(pk=parent.pk)  # treebeard needs a fresh path
        unit = OrgUnit.objects.add_child(parent, {"code": code, "name": name, "kind": kind, "opd_id": parent.opd_id})
    return unit


@transaction.atomic
def move_org_unit(unit: OrgUnit, new_parent: OrgUnit | None, *, by: User | None) -> OrgUnit:
    """Move a unit and its subtree under `new_parent` (None: make it an OPD). Every unit of the
    subtree and every employee in it gets the new `opd`. Raises `ServiceError` for a move
    into the unit's own subtree."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    old_parent = OrgUnit.objects.get_parent(unit)
    if new_parent is not None:
        new_parent = OrgUnit.objects.get(pk=new_parent.pk)
        if new_parent.path.startswith(unit.path):
            raise ServiceError(_("A unit cannot be moved inside itself."), "move_into_self", "parent")
        OrgUnit.objects.move(unit, new_parent, "sorted-child" if OrgUnit.node_order_by else "last-child")
    else:
        first_root = OrgUnit.objects.opds().first()
        if first_root.pk != unit.pk:
            OrgUnit.objects.move(unit, first_root, "last-sibling")
    unit = OrgUnit.objects.get(pk=unit.pk)
    opd_id = unit.pk if new_parent is None else new_parent.opd_id
    OrgUnit.objects.filter(path__startswith=unit.path).update(opd_id=opd_id)
    Employee.objects.filter(unit__path__startswith=unit.path).update(opd_id=opd_id)
    # treebeard moves with queryset updates, which send no signals: audit the move here.
    log_bulk(
        OrgUnit,
        [
            (
                unit,
                LogEntry.Action.UPDATE,
                {"parent": [old_parent.code if old_parent else "", new_parent.code if new_parent else ""]},
            )
        ],
        actor=by,
    )
    return OrgUnit.objects.get(pk=unit.pk)


# --- Notifications ---------------------------------------------------------------------------


def notify(
    recipient: User,
    *,
    title: str,
    body: str = "",
    url: str = "",
    key: str = "",
    email: bool = True,
    kind: str = "",
) -> Notification | None:
    """Put a message in the recipient's bell and, when they have an address, e-mail it after
    the transaction commits. With a `key`, a second call for the same recipient and key does
    nothing and returns None (reminders may be redelivered). `kind` names a reminder kind
    (asn_portal.reminders): the recipient may have turned e-mail off for it.

    The row records the e-mail as due before anything is queued, so a broker that is down
    costs nothing: the sweep (tasks.sweep_undispatched) sends it later."""
    from asn_portal import reminders

    email_due = bool(email and recipient.email) and not reminders.opted_out(recipient, kind)
    fields = {"title": title, "body": body, "url": url, "kind": kind, "email_due": email_due}
    if key:
        notification, created = Notification.objects.get_or_create(recipient=recipient, key=key, defaults=fields)
        if not created:
            return None
    else:
        notification = Notification.objects.create(recipient=recipient, **fields)
    if email_due:
        dispatch.enqueue(send_notification_email, notification_id=notification.pk)
    return notification


def mark_notifications_read(recipient: User, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=recipient).unread()
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
