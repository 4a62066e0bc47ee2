"""Who may see and do what in the core app. HTML views and the API both call these, so a
page and an endpoint can never disagree (DESIGN.md "Who uses it").

Roles are data: Django groups named after `Role` values, `OperatorGrant` rows for an
operator's OPDs, and `Employee.supervisor` for the implicit Atasan role.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q, QuerySet
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
    groups_sql, employee_sql = _roles_sql()
    with connection.cursor() as cursor:
        cursor.execute(groups_sql, [user.pk])
        groups = {name for (name,) in cursor.fetchall()}
        cursor.execute(employee_sql, [user.pk])
        employee = cursor.fetchone()
    operator_opds: frozenset[int] = frozenset()
    if Role.OPERATOR_OPD.value in groups:
        operator_opds = frozenset(OperatorGrant.objects.filter(user_id=user.pk).values_list("opd_id", flat=True))
    employee_id, opd_id, position_kind, leads = employee or (None, None, "", False)
    actor = Actor(
        user_id=user.pk,
        employee_id=employee_id,
        employee_opd_id=opd_id,
        is_admin=Role.ADMIN_BKPP.value in groups,
        is_inspektorat=Role.INSPEKTORAT.value in groups,
        operator_opd_ids=operator_opds,
        is_superuser=user.is_superuser,
        is_supervisor=bool(leads),
        position_kind=position_kind or "",
    )
    user._sigap_actor = actor
    return actor


@functools.cache
def _roles_sql() -> tuple[str, str]:
    """The two statements `actor_for` runs on every signed-in request, written once from the
    models' tables and columns. Plain SQL because this is the hottest read of the app: the
    ORM spent longer compiling these two than the database answering them (bench/RESULTS.md,
    page overhead). Standard SQL, the same on PostgreSQL and SQLite."""
    quote = connection.ops.quote_name
    user_groups = get_user_model()._meta.get_field("groups").remote_field.through._meta
    group = user_groups.get_field("group").remote_field.model._meta
    employee = Employee._meta
    position = employee.get_field("position").remote_field.model._meta

    def column(meta, name: str) -> str:
        return quote(meta.get_field(name).column)

    # Identifiers from the models' metadata, values as parameters: nothing comes from a request.
    groups_sql = (
        f"SELECT g.{column(group, 'name')} FROM {quote(group.db_table)} g "  # nosec B608
        f"INNER JOIN {quote(user_groups.db_table)} ug ON ug.{column(user_groups, 'group')} = g.{column(group, 'id')} "
        f"WHERE ug.{column(user_groups, 'user')} = %s"
    )
    employee_sql = (
        f"SELECT e.{column(employee, 'id')}, e.{column(employee, 'opd')}, p.{column(position, 'kind')}, "  # nosec B608
        f"EXISTS (SELECT 1 FROM {quote(employee.db_table)} s WHERE s.{column(employee, 'supervisor')} = e.{column(employee, 'id')}) "
        f"FROM {quote(employee.db_table)} e "
        f"LEFT OUTER JOIN {quote(position.db_table)} p ON p.{column(position, 'id')} = e.{column(employee, 'position')} "
        f"WHERE e.{column(employee, 'user')} = %s"
    )
    return groups_sql, employee_sql


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
