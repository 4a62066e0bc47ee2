"""Who may see and do what in training (DESIGN.md roles). Pages and API use these alike.

- Pegawai: the catalogue; their own registrations, JP, certificates and outside learning.
- Atasan: approves or rejects subordinates' registrations; sees their registrations and JP.
- Operator OPD: nominates employees of their OPD; sees the OPD's registrations, JP and outside
  learning, and verifies the outside learning of the OPD.
- Admin BKPP: everything in training: programmes, sessions, quotas, confirmations,
  attendance, results, certificates, evaluations, compliance.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from asn_portal import permissions as core
from asn_portal.models import Employee
from training.models import OutsideLearning, Program, Registration, RegistrationState, Session, SessionStatus


def can_manage_training(user) -> bool:
    actor = core.actor_for(user)
    return actor.is_admin or actor.is_superuser


def _employee_scope(user) -> Q | None:
    """Employees whose training records `user` sees; None means everyone."""
    actor = core.actor_for(user)
    if actor.is_admin or actor.is_superuser:
        return None
    condition = Q(pk__in=[])
    if actor.employee_id is not None:
        condition |= Q(employee_id=actor.employee_id) | Q(employee__supervisor_id=actor.employee_id)
    if actor.operator_opd_ids:
        condition |= Q(opd_id__in=actor.operator_opd_ids)
    return condition


def registrations_visible_to(user) -> QuerySet[Registration]:
    if not getattr(user, "is_authenticated", False):
        return Registration.objects.none()
    scope = _employee_scope(user)
    qs = Registration.objects.all()
    return qs if scope is None else qs.filter(scope)


def outside_learning_visible_to(user) -> QuerySet[OutsideLearning]:
    """The employee's own records, their OPD's for an operator, all for BKPP (supervisors see
    their team's JP totals, not the records)."""
    if not getattr(user, "is_authenticated", False):
        return OutsideLearning.objects.none()
    actor = core.actor_for(user)
    if actor.is_admin or actor.is_superuser:
        return OutsideLearning.objects.all()
    condition = Q(pk__in=[])
    if actor.employee_id is not None:
        condition |= Q(employee_id=actor.employee_id)
    if actor.operator_opd_ids:
        condition |= Q(opd_id__in=actor.operator_opd_ids)
    return OutsideLearning.objects.filter(condition)


def sessions_visible_to(user) -> QuerySet[Session]:
    """BKPP sees drafts too; everyone else the sessions that have been published."""
    if not getattr(user, "is_authenticated", False):
        return Session.objects.none()
    if can_manage_training(user):
        return Session.objects.all()
    return Session.objects.exclude(status=SessionStatus.DRAFT)


def can_register(user, employee: Employee) -> bool:
    """Oneself; an operator nominates employees of their OPD; BKPP nominates anyone."""
    actor = core.actor_for(user)
    if actor.employee_id == employee.pk:
        return True
    return can_manage_training(user) or employee.opd_id in actor.operator_opd_ids


def may_register_anyone(user) -> bool:
    """Whether `user` may register anybody at all (themselves, or as BKPP/operator someone
    else): asked before the request body is read."""
    actor = core.actor_for(user)
    return actor.employee_id is not None or actor.is_operator or can_manage_training(user)


def can_approve_registration(user, registration: Registration) -> bool:
    actor = core.actor_for(user)
    return (
        actor.employee_id is not None
        and registration.employee.supervisor_id == actor.employee_id
        and registration.state == RegistrationState.SUBMITTED
    )


def can_reject_registration(user, registration: Registration) -> bool:
    """The direct supervisor while it waits for them; BKPP while it waits for a seat."""
    # Not a SUBMITTED one for BKPP: that decision is the supervisor's (DESIGN.md, main flows).
    waits_for_seat = registration.state in (RegistrationState.APPROVED, RegistrationState.WAITLISTED)
    if waits_for_seat and can_manage_training(user):
        return True
    return can_approve_registration(user, registration)


def programs_visible_to(user) -> QuerySet[Program]:
    """Active programmes for everyone signed in; retired ones too for BKPP."""
    if not getattr(user, "is_authenticated", False):
        return Program.objects.none()
    return Program.objects.all() if can_manage_training(user) else Program.objects.active()


def can_cancel_registration(user, registration: Registration) -> bool:
    """The employee (before the deadline — the service checks the date) or BKPP."""
    return core.actor_for(user).employee_id == registration.employee_id or can_manage_training(user)


def can_verify_outside_learning(user, record: OutsideLearning) -> bool:
    """BKPP, or an operator of the record's OPD — never for their own record."""
    actor = core.actor_for(user)
    if actor.employee_id is not None and actor.employee_id == record.employee_id:
        return False
    return can_manage_training(user) or record.opd_id in actor.operator_opd_ids


def can_view_jp(user, employee: Employee) -> bool:
    return core.can_view_employee(user, employee)


def can_view_training_compliance(user) -> bool:
    actor = core.actor_for(user)
    return actor.is_admin or actor.is_superuser or actor.is_operator


def get_registration_for_user(user, pk) -> Registration:
    registration = (
        registrations_visible_to(user)
        .select_related("session__program", "employee__supervisor", "opd")
        .filter(pk=pk)
        .first()
    )
    if registration is None:
        raise Http404(_("Registration not found."))
    return registration


def get_session_for_user(user, pk) -> Session:
    session = sessions_visible_to(user).select_related("program").filter(pk=pk).first()
    if session is None:
        raise Http404(_("Session not found."))
    return session


def get_outside_learning_for_user(user, pk) -> OutsideLearning:
    record = outside_learning_visible_to(user).select_related("employee").filter(pk=pk).first()
    if record is None:
        raise Http404(_("Record not found."))
    return record
