"""Who may see and do what in careers (DESIGN.md roles). Pages and API use these alike.

- Pegawai: their own histories, promotion outlook and proposals.
- Atasan: their team's outlook; approves or returns their subordinates' proposals.
- Operator OPD: histories, candidates and proposals of their OPDs; proposes candidates,
  corrects and resends returned proposals, withdraws them before BKPP has verified them.
- Admin BKPP: everything in careers: verification, submission to BKN, decrees, overrides;
  also the supervisor's step when an employee has no supervisor with an account.
- Inspektorat: reads the histories on the profile (it reads every profile), nothing else here.

Nobody takes a step on their own proposal: an operator does not propose themselves, a BKPP
officer does not verify their own dossier (another officer does).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from asn_portal import permissions as core
from asn_portal.models import Employee
from careers.models import PromotionProposal, ProposalState, StudyLeave, StudyState

P = ProposalState
# An operator may withdraw their OPD's proposal until BKPP has verified it; BKPP at any live step.
OPERATOR_WITHDRAWABLE = (P.PROPOSED, P.RETURNED, P.SUPERVISOR_APPROVED)
# BKPP sends a proposal back to the OPD from its own steps, and records BKN's return.
BKPP_RETURNABLE = (P.SUPERVISOR_APPROVED, P.VERIFIED, P.SUBMITTED)
REJECTABLE = (P.SUPERVISOR_APPROVED, P.VERIFIED, P.SUBMITTED)


def can_manage_careers(user) -> bool:
    actor = core.actor_for(user)
    return actor.is_admin or actor.is_superuser


def _is_own(user, employee_id: int | None) -> bool:
    actor = core.actor_for(user)
    return actor.employee_id is not None and actor.employee_id == employee_id


# ---------------------------------------------------------------------------------------------
# Candidates and lists
# ---------------------------------------------------------------------------------------------


def can_view_candidates(user) -> bool:
    """The candidates list, the proposals list and their exports: BKPP and operators."""
    actor = core.actor_for(user)
    return can_manage_careers(user) or actor.is_operator


def candidates_visible_to(user) -> QuerySet[Employee]:
    """Employees whose promotion `user` prepares: everyone for BKPP, an operator's OPDs."""
    if can_manage_careers(user):
        return Employee.objects.all()
    actor = core.actor_for(user)
    if actor.operator_opd_ids:
        return Employee.objects.filter(opd_id__in=actor.operator_opd_ids)
    return Employee.objects.none()


def can_view_satyalancana(user) -> bool:
    return can_manage_careers(user)


# ---------------------------------------------------------------------------------------------
# Proposals
# ---------------------------------------------------------------------------------------------


def proposals_visible_to(user) -> QuerySet[PromotionProposal]:
    if not getattr(user, "is_authenticated", False):
        return PromotionProposal.objects.none()
    if can_manage_careers(user):
        return PromotionProposal.objects.all()
    actor = core.actor_for(user)
    condition = Q(pk__in=[])
    if actor.employee_id is not None:
        condition |= Q(employee_id=actor.employee_id) | Q(employee__supervisor_id=actor.employee_id)
    if actor.operator_opd_ids:
        condition |= Q(opd_id__in=actor.operator_opd_ids)
    return PromotionProposal.objects.filter(condition)


def get_proposal_for_user(user, pk: int) -> PromotionProposal:
    """A proposal `user` may see, or 404 — the same for "missing" and "not yours"."""
    proposal = (
        proposals_visible_to(user)
        .select_related(
            "employee__rank",
            "employee__position",
            "employee__unit",
            "employee__supervisor__user",
            "opd",
            "from_rank",
            "to_rank",
            "proposed_by__employee",
        )
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        raise Http404(_("Proposal not found."))
    return proposal


def can_propose(user, employee: Employee) -> bool:
    """The Operator OPD of the employee's OPD, or BKPP; never for oneself."""
    if _is_own(user, employee.pk):
        return False
    return can_manage_careers(user) or employee.opd_id in core.actor_for(user).operator_opd_ids


def can_override(user) -> bool:
    """Only BKPP may propose someone the engine found not eligible (with a written reason)."""
    return can_manage_careers(user)


def _has_supervisor_account(proposal: PromotionProposal) -> bool:
    supervisor = proposal.employee.supervisor
    return supervisor is not None and supervisor.user_id is not None


def can_decide_as_supervisor(user, proposal: PromotionProposal) -> bool:
    """The direct supervisor, while the proposal waits for them. When the employee has no
    supervisor who can sign in, BKPP takes that step so the proposal is not stuck."""
    if proposal.state != P.PROPOSED or _is_own(user, proposal.employee_id):
        return False
    actor = core.actor_for(user)
    if actor.employee_id is not None and proposal.employee.supervisor_id == actor.employee_id:
        return True
    return can_manage_careers(user) and not _has_supervisor_account(proposal)


def can_return(user, proposal: PromotionProposal) -> bool:
    """Back to the OPD with a reason: the supervisor while it waits for them; BKPP from its
    own steps and when BKN returns it."""
    if proposal.state == P.PROPOSED:
        return can_decide_as_supervisor(user, proposal)
    return proposal.state in BKPP_RETURNABLE and _bkpp_step(user, proposal)


def _bkpp_step(user, proposal: PromotionProposal) -> bool:
    return can_manage_careers(user) and not _is_own(user, proposal.employee_id)


def can_verify(user, proposal: PromotionProposal) -> bool:
    return proposal.state == P.SUPERVISOR_APPROVED and _bkpp_step(user, proposal)


def can_submit(user, proposal: PromotionProposal) -> bool:
    return proposal.state == P.VERIFIED and _bkpp_step(user, proposal)


def can_record_decree(user, proposal: PromotionProposal) -> bool:
    return proposal.state == P.SUBMITTED and _bkpp_step(user, proposal)


def can_reject(user, proposal: PromotionProposal) -> bool:
    return proposal.state in REJECTABLE and _bkpp_step(user, proposal)


def can_resubmit(user, proposal: PromotionProposal) -> bool:
    if proposal.state != P.RETURNED or _is_own(user, proposal.employee_id):
        return False
    return can_manage_careers(user) or proposal.opd_id in core.actor_for(user).operator_opd_ids


def can_withdraw(user, proposal: PromotionProposal) -> bool:
    if _is_own(user, proposal.employee_id):
        return False
    if can_manage_careers(user):
        return proposal.state in P.live()
    return proposal.state in OPERATOR_WITHDRAWABLE and proposal.opd_id in core.actor_for(user).operator_opd_ids


def histories_visible_to(user, model) -> QuerySet:
    """Rows of a history `model` of the employees `user` may see: the histories are on the
    profile, which the Inspektorat reads too."""
    return model.objects.filter(employee__in=core.employees_visible_to(user))


def can_view_outlook(user, employee: Employee) -> bool:
    """One employee's promotion outlook: it is shown on the profile's rank tab
    (careers/extensions.py), so whoever may open the profile reads it."""
    return core.can_view_employee(user, employee)


# ---------------------------------------------------------------------------------------------
# Study leave (tugas belajar / izin belajar)
# ---------------------------------------------------------------------------------------------
#
# - Pegawai: applies for themselves, edits and sends while draft or returned, withdraws before
#   the decision, sends semester reports, asks for an extension.
# - Atasan: recommends or returns their subordinates' applications.
# - Operator OPD: reads their OPDs' applications and studies, checks completeness (or returns),
#   attaches documents, sends reports and extension requests on the employee's behalf.
# - Admin BKPP: everything: the supervisor's step when there is no supervisor account, the
#   decision with the decree, extensions, completion and termination.
# - Inspektorat: nothing here (the application's sanction question is answered by the
#   integrity standing, not by showing records).
# Nobody decides on their own application.


def studies_visible_to(user) -> QuerySet[StudyLeave]:
    if not getattr(user, "is_authenticated", False):
        return StudyLeave.objects.none()
    if can_manage_careers(user):
        return StudyLeave.objects.all()
    actor = core.actor_for(user)
    condition = Q(pk__in=[])
    if actor.employee_id is not None:
        condition |= Q(employee_id=actor.employee_id) | (
            Q(employee__supervisor_id=actor.employee_id) & ~Q(state=StudyState.DRAFT)
        )
    if actor.operator_opd_ids:
        condition |= Q(opd_id__in=actor.operator_opd_ids) & ~Q(state=StudyState.DRAFT)
    return StudyLeave.objects.filter(condition)


def get_study_for_user(user, pk: int) -> StudyLeave:
    """A study leave `user` may see, or 404 — the same for "missing" and "not yours"."""
    leave = (
        studies_visible_to(user)
        .select_related(
            "employee__rank",
            "employee__position",
            "employee__unit",
            "employee__education",
            "employee__supervisor__user",
            "employee__user",
            "opd",
            "level",
            "released_position",
            "created_by",
        )
        .filter(pk=pk)
        .first()
    )
    if leave is None:
        raise Http404(_("Study leave not found."))
    return leave


def can_view_study_lists(user) -> bool:
    """The lists of applications and the roster of studies and bonds: BKPP and operators."""
    return can_view_candidates(user)


def _operator_of(user, leave: StudyLeave) -> bool:
    return leave.opd_id in core.actor_for(user).operator_opd_ids and not _is_own(user, leave.employee_id)


def _bkpp(user, leave: StudyLeave) -> bool:
    return can_manage_careers(user) and not _is_own(user, leave.employee_id)


def can_apply_for_study(user, employee: Employee) -> bool:
    """An employee applies for themselves."""
    return _is_own(user, employee.pk)


def can_edit_study(user, leave: StudyLeave) -> bool:
    return leave.state in (StudyState.DRAFT, StudyState.RETURNED) and _is_own(user, leave.employee_id)


def can_attach_study_document(user, leave: StudyLeave) -> bool:
    if leave.state in (StudyState.DRAFT, StudyState.RETURNED) and _is_own(user, leave.employee_id):
        return True
    return leave.state in (StudyState.SUBMITTED, StudyState.RECOMMENDED) and (
        _operator_of(user, leave) or _bkpp(user, leave)
    )


def _has_supervisor_account(leave: StudyLeave) -> bool:
    supervisor = leave.employee.supervisor
    return supervisor is not None and supervisor.user_id is not None


def can_recommend_study(user, leave: StudyLeave) -> bool:
    """The direct supervisor; BKPP when the employee has no supervisor who can sign in."""
    if leave.state != StudyState.SUBMITTED or _is_own(user, leave.employee_id):
        return False
    actor = core.actor_for(user)
    if actor.employee_id is not None and leave.employee.supervisor_id == actor.employee_id:
        return True
    return _bkpp(user, leave) and not _has_supervisor_account(leave)


def can_check_study(user, leave: StudyLeave) -> bool:
    return leave.state == StudyState.RECOMMENDED and (_operator_of(user, leave) or _bkpp(user, leave))


def can_decide_study(user, leave: StudyLeave) -> bool:
    """BKPP's decision on an application (checked) and on extensions (ongoing)."""
    return leave.state in (StudyState.CHECKED, StudyState.ONGOING) and _bkpp(user, leave)


def can_return_study(user, leave: StudyLeave) -> bool:
    if leave.state == StudyState.SUBMITTED:
        return can_recommend_study(user, leave)
    if leave.state == StudyState.RECOMMENDED:
        return can_check_study(user, leave)
    return leave.state == StudyState.CHECKED and _bkpp(user, leave)


def can_withdraw_study(user, leave: StudyLeave) -> bool:
    """The employee, until the study starts; BKPP may also cancel an approved study before its
    start date (the decree is revoked), with a reason."""
    live = (StudyState.DRAFT, StudyState.SUBMITTED, StudyState.RETURNED, StudyState.RECOMMENDED, StudyState.CHECKED)
    if leave.state in live:
        return _is_own(user, leave.employee_id)
    return leave.state == StudyState.APPROVED and (_is_own(user, leave.employee_id) or _bkpp(user, leave))


def can_precheck_study(user, employee: Employee) -> bool:
    """Whose plan `user` may pre-check: their own, a direct subordinate's, an employee of an OPD
    they operate, anyone's for Admin BKPP. (The Inspektorat reads profiles but has no part in
    study leave.)"""
    if can_manage_careers(user):
        return True
    actor = core.actor_for(user)
    if actor.employee_id is not None and actor.employee_id in (employee.pk, employee.supervisor_id):
        return True
    return employee.opd_id in actor.operator_opd_ids


def may_precheck_anyone(user) -> bool:
    """Whether `user` has any plan to pre-check at all (an account with no employee record, no
    OPD and no BKPP role has none): asked before the request body is read."""
    actor = core.actor_for(user)
    return can_manage_careers(user) or actor.employee_id is not None or actor.is_operator


def can_report_study(user, leave: StudyLeave) -> bool:
    if leave.state != StudyState.ONGOING:
        return False
    return _is_own(user, leave.employee_id) or _operator_of(user, leave) or _bkpp(user, leave)


def can_request_study_extension(user, leave: StudyLeave) -> bool:
    return can_report_study(user, leave)


def can_close_study(user, leave: StudyLeave) -> bool:
    """Completion and termination are BKPP's."""
    return leave.state == StudyState.ONGOING and _bkpp(user, leave)
