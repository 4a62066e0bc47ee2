"""Who may see and do what in the core app. HTML views and the API both call these, so a
page and an endpoint can never disagree (DESIGN.md "Who uses it").

Roles are data: Django groups named after `Role` values, `OperatorGrant` rows for an
operator's OPDs, and `Employee.supervisor` for the implicit Atasan role.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from asn_portal.models import Employee, OperatorGrant, OrgUnit, Role


@dataclass(frozen=True)
class Actor:
    """What the permission checks need to know about a user, loaded once per request."""

    user_id: int | None
    employee_id: int | None
    employee_opd_id: int | None
    is_admin: bool
    is_inspektorat: bool
    operator_opd_ids: frozenset[int]
    is_superuser: bool
    # Someone's direct supervisor (atasan), the implicit role; and the kind of the employee's
    # position (PositionKind), so "heads an OPD" needs no query for the many who hold no
    # structural post. Read in the same query as the employee.
    is_supervisor: bool = False
    position_kind: str = ""

    @property
    def is_operator(self) -> bool:
        return bool(self.operator_opd_ids)

    @property
    def sees_everyone(self) -> bool:
        return self.is_admin or self.is_inspektorat or self.is_superuser


_ANONYMOUS = Actor(None, None, None, False, False, frozenset(), False)


def actor_for(user) -> Actor:
    """The roles of `user`, cached on the user object (one request, two small queries; a third
    for an operator's OPDs)."""
    if user is None or not user.is_authenticated:
        return _ANONYMOUS
    cached = getattr(user, "_sigap_actor", None)
    if cached is not None:
        return cached
    groups = set(user.groups.values_list("name", flat=True))
    employee = (
        Employee.objects.filter(user_id=user.pk)
        .annotate(leads=Exists(Employee.objects.filter(supervisor_id=OuterRef("pk"))))
        .values("id", "opd_id", "leads", "position__kind")
        .first()
    )
    operator_opds: frozenset[int] = frozenset()
    if Role.OPERATOR_OPD.value in groups:
        operator_opds = frozenset(OperatorGrant.objects.filter(user_id=user.pk).values_list("opd_id", flat=True))
    actor = Actor(
        user_id=user.pk,
        employee_id=employee["id"] if employee else None,
        employee_opd_id=employee["opd_id"] if employee else None,
        is_admin=Role.ADMIN_BKPP.value in groups,
        is_inspektorat=Role.INSPEKTORAT.value in groups,
        operator_opd_ids=operator_opds,
        is_superuser=user.is_superuser,
        is_supervisor=bool(employee and employee["leads"]),
        position_kind=(employee["position__kind"] or "") if employee else "",
    )
    user._sigap_actor = actor
    return actor


def forget_actor(user) -> None:
    """Drop the cached roles (after a grant changes within one request or test)."""
    if hasattr(user, "_sigap_actor"):
        delattr(user, "_sigap_actor")


def is_supervisor(user) -> bool:
    """Whether `user` is someone's direct supervisor (atasan): the implicit role, read with
    the other roles (`actor_for`)."""
    return actor_for(user).is_supervisor


# --- Employees ----------------------------------------------------------------------------


def employees_visible_to(user) -> QuerySet[Employee]:
    """Employees `user` may see: everyone for Admin BKPP and Inspektorat; an operator's
    OPDs; otherwise oneself and one's direct subordinates."""
    actor = actor_for(user)
    qs = Employee.objects.all()
    if actor.user_id is None:
        return qs.none()
    if actor.sees_everyone:
        return qs
    condition = Q(pk__in=[])
    if actor.employee_id is not None:
        condition |= Q(pk=actor.employee_id) | Q(supervisor_id=actor.employee_id)
    if actor.operator_opd_ids:
        condition |= Q(opd_id__in=actor.operator_opd_ids)
    return qs.filter(condition)


def can_view_employee(user, employee: Employee) -> bool:
    actor = actor_for(user)
    if actor.user_id is None:
        return False
    if actor.sees_everyone:
        return True
    if actor.employee_id is not None and (
        employee.pk == actor.employee_id or employee.supervisor_id == actor.employee_id
    ):
        return True
    return employee.opd_id in actor.operator_opd_ids


def can_manage_opd(user, opd_id: int | None) -> bool:
    """Admin BKPP manages every OPD; an operator only the OPDs granted to them."""
    actor = actor_for(user)
    if actor.is_admin or actor.is_superuser:
        return True
    return opd_id is not None and opd_id in actor.operator_opd_ids


def can_change_employee(user, employee: Employee) -> bool:
    """Change an employee's registry data: Admin BKPP, or the operator of the employee's OPD.
    Inspektorat reads everyone but changes no registry data."""
    return can_manage_opd(user, employee.opd_id)


def can_create_employee_in(user, unit: OrgUnit) -> bool:
    return can_manage_opd(user, unit.opd_id)


def can_add_employees(user) -> bool:
    """Admin BKPP anywhere, an operator in their OPD (`can_create_employee_in` names the unit)."""
    actor = actor_for(user)
    return actor.is_admin or actor.is_superuser or actor.is_operator


can_import_employees = can_add_employees


def importable_opd_ids(user) -> frozenset[int] | None:
    """OPDs whose employees `user` may write by import; None means all of them."""
    actor = actor_for(user)
    if actor.is_admin or actor.is_superuser:
        return None
    return actor.operator_opd_ids


# Import jobs: each import kind says who may run it and who sees all its jobs
# (asn_portal/imports.py: `jobs_visible_to`, `get_job_for_user`).


def can_view_headcount(user) -> bool:
    """The HR dashboard (headcount by OPD, rank and employment type)."""
    actor = actor_for(user)
    return actor.is_admin or actor.is_superuser or actor.is_operator


def can_view_audit_log(user) -> bool:
    """Admin BKPP, and the Inspektorat (who must see who read integrity records). Entries of
    restricted apps are hidden per user (extensions.register_audit_restriction)."""
    actor = actor_for(user)
    return actor.is_admin or actor.is_inspektorat or actor.is_superuser


def get_employee_for_user(user, *, pk: int | None = None, nip: str | None = None) -> Employee:
    """Load an employee `user` may see, or raise 404 — the same 404 for "missing" and
    "not yours", so nobody learns which NIPs exist."""
    lookup = {"pk": pk} if pk is not None else {"nip": nip}
    employee = (
        employees_visible_to(user).for_listing().select_related("supervisor", "education").filter(**lookup).first()
    )
    if employee is None:
        raise Http404(_("Employee not found."))
    return employee


# --- Organisation units ---------------------------------------------------------------------


def org_units_visible_to(user) -> QuerySet[OrgUnit]:
    """The organisation tree is not secret: every signed-in user may read it."""
    if not getattr(user, "is_authenticated", False):
        return OrgUnit.objects.none()
    return OrgUnit.objects.all()


def can_change_org_units(user) -> bool:
    actor = actor_for(user)
    return actor.is_admin or actor.is_superuser
