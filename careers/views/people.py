"""Careers pages of employees and supervisors: "Kenaikan pangkat saya" (the outlook for a
period, criterion by criterion, with the next date and one's proposals), the supervisor's
team (each subordinate's outlook and the proposals waiting for them), a proposal with its
timeline and the steps the viewer may take, and the supervisor's approve / return."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asn_portal import permissions as core_permissions
from asn_portal.services import ServiceError
from careers import eligibility, proposals, selectors
from careers import permissions as careers_permissions
from careers.forms import (
    ApproveForm,
    DecreeForm,
    DocumentsForm,
    PeriodForm,
    ReasonForm,
    SubmitForm,
)
from careers.models import DocumentKind, ProposalState
from careers.views import BAD_INPUT, careers_crumb, next_url, period_options

P = ProposalState


def _own_employee(request):
    employee = selectors.own_employee(request.user)
    if employee is None:
        raise PermissionDenied(
            _("This page is for employees. Your account is not linked to an employee record: ask Admin BKPP.")
        )
    return employee


@login_required
def home(request):
    """The menu's "Promotion": the candidates for BKPP and operators, one's own outlook for
    everyone else with an employee record."""
    if careers_permissions.can_view_candidates(request.user):
        return redirect("careers:candidates")
    _own_employee(request)
    return redirect("careers:my-outlook")


def _picked_period(request, choices, on):
    """The period of a page's picker (?period=): (form, period, status). A date that is not a
    period is answered with 400 and the picker's message; the page then shows the default."""
    form = PeriodForm(request.GET or None, choices=period_options(choices, on))
    period, status = None, 200
    if form.is_bound:
        if form.is_valid():
            period = form.cleaned_data["period"]
        else:
            status = BAD_INPUT
    return form, period or selectors.default_period(choices), status


# ---------------------------------------------------------------------------------------------
# Kenaikan pangkat saya
# ---------------------------------------------------------------------------------------------


@login_required
def my_outlook(request):
    employee = _own_employee(request)
    on = selectors.today()
    choices = selectors.period_choices(on)
    form, period, status = _picked_period(request, choices, on)
    outlook = eligibility.explain(employee, period) if period and not employee.is_pppk else None
    mine = selectors.my_proposals(employee)
    context = {
        "employee": employee,
        "form": form,
        "period": period,
        "window": selectors.choice_for(period, choices) if period else None,
        "choices": choices,
        "outlook": outlook,
        "is_pppk": employee.is_pppk,
        "proposals": mine,
        "current": next((p for p in mine if p.period_on == period and p.state in selectors.COUNTING), None),
        "today": on,
        "tab": "me",
        **_tabs(request),
    }
    return render(request, "careers/people/my_outlook.html", context, status=status)


def _tabs(request) -> dict:
    """Which careers sections the viewer's tab strip shows."""
    actor = core_permissions.actor_for(request.user)
    shown = {
        "show_me": actor.employee_id is not None,
        "show_team": core_permissions.is_supervisor(request.user),
        "show_candidates": careers_permissions.can_view_candidates(request.user),
        "show_satyalancana": careers_permissions.can_view_satyalancana(request.user),
        # Study leave (careers/views/study.py): one's own, the team's inbox, the HR lists.
        "show_study_mine": actor.employee_id is not None,
        "show_study_lists": careers_permissions.can_view_study_lists(request.user),
    }
    # The strip is worth showing only with a second section (candidates and the study lists
    # count as two each).
    shown["show_tabs"] = sum(shown.values()) + shown["show_candidates"] + shown["show_study_lists"] > 1
    return shown


# ---------------------------------------------------------------------------------------------
# The supervisor's team
# ---------------------------------------------------------------------------------------------


def _require_supervisor(request) -> int:
    if not core_permissions.is_supervisor(request.user):
        raise PermissionDenied(_("This page is for supervisors (atasan langsung) of other employees."))
    return core_permissions.actor_for(request.user).employee_id


@login_required
def team_outlook(request):
    supervisor_id = _require_supervisor(request)
    on = selectors.today()
    choices = selectors.period_choices(on)
    form, period, status = _picked_period(request, choices, on)
    context = eligibility.load_context(period)
    members = selectors.team(supervisor_id, period, context=context)
    inbox = list(selectors.supervisor_inbox(supervisor_id))
    for proposal in inbox:
        # The same field name as the proposal page's form; ids unique per row.
        proposal.return_form = ReasonForm(
            prefix="return", auto_id=f"id_r{proposal.pk}_%s", label=_("Reason for returning it")
        )
    page_context = {
        "form": form,
        "period": period,
        "window": selectors.choice_for(period, choices),
        "members": members,
        "eligible_count": sum(1 for m in members if m.judged and m.is_eligible),
        "inbox": inbox,
        "today": on,
        "tab": "team",
        **_tabs(request),
    }
    return render(request, "careers/people/team.html", page_context, status=status)


# ---------------------------------------------------------------------------------------------
# One proposal
# ---------------------------------------------------------------------------------------------


def _crumbs(request, proposal) -> list[tuple[str, str]]:
    actor = core_permissions.actor_for(request.user)
    if careers_permissions.can_view_candidates(request.user):
        return [careers_crumb(), (reverse("careers:proposal-list"), _("Proposals"))]
    if actor.employee_id == proposal.employee_id:
        return [(reverse("careers:my-outlook"), _("My promotion"))]
    return [(reverse("careers:team"), _("My team's promotion"))]


def document_codes(proposal) -> list[str]:
    """The proposal's checklist in the dossier's order (PostgreSQL's jsonb keeps no key order)."""
    order = {code: index for index, code in enumerate(DocumentKind.values)}
    return sorted(proposal.documents, key=lambda code: order.get(code, len(order)))


def _documents(proposal) -> list[dict]:
    return [
        {
            "code": code,
            "label": DocumentKind(code).label if code in DocumentKind.values else code,
            "present": proposal.documents[code],
        }
        for code in document_codes(proposal)
    ]


def proposal_page(request, proposal, *, status: int = 200, **forms):
    """The proposal page with the forms of the steps the viewer may take now; `forms` holds
    a bound form that failed (shown with its errors)."""
    user = request.user
    codes = document_codes(proposal)
    present = [code for code in codes if proposal.documents[code]]
    can = {
        "approve": careers_permissions.can_decide_as_supervisor(user, proposal),
        "return": careers_permissions.can_return(user, proposal),
        "verify": careers_permissions.can_verify(user, proposal),
        "submit": careers_permissions.can_submit(user, proposal),
        "decree": careers_permissions.can_record_decree(user, proposal),
        "reject": careers_permissions.can_reject(user, proposal),
        "resubmit": careers_permissions.can_resubmit(user, proposal),
        "withdraw": careers_permissions.can_withdraw(user, proposal),
    }
    events = selectors.events(proposal)
    snapshot = proposal.eligibility or {}
    context = {
        "proposal": proposal,
        "employee": proposal.employee,
        "snapshot": snapshot,
        "criteria": snapshot.get("criteria", []),
        "documents": _documents(proposal),
        "documents_missing": sum(1 for code in codes if not proposal.documents.get(code)),
        "events": events,
        "last_reason": next((e.reason for e in reversed(events) if e.to_state == proposal.state and e.reason), ""),
        "decree": selectors.decree_entry(proposal),
        "can": can,
        "can_any": any(can.values()),
        "approve_form": forms.get("approve_form") or ApproveForm(),
        "return_form": forms.get("return_form") or ReasonForm(prefix="return", label=_("Reason for returning it")),
        "verify_form": forms.get("verify_form") or DocumentsForm(documents=codes, initial={"documents": present}),
        "submit_form": forms.get("submit_form") or SubmitForm(initial={"bkn_reference": proposal.bkn_reference}),
        "decree_form": forms.get("decree_form")
        or DecreeForm(
            from_rank_id=proposal.from_rank_id,
            initial={"rank": proposal.to_rank_id, "tmt_on": proposal.period_on, "decree_on": selectors.today()},
        ),
        "reject_form": forms.get("reject_form") or ReasonForm(prefix="reject", label=_("Reason for the rejection")),
        "resubmit_form": forms.get("resubmit_form")
        or DocumentsForm(prefix="resubmit", documents=codes, initial={"documents": present}),
        "withdraw_form": forms.get("withdraw_form")
        or ReasonForm(prefix="withdraw", label=_("Reason for withdrawing it")),
        "crumbs": _crumbs(request, proposal),
        "is_own": core_permissions.actor_for(user).employee_id == proposal.employee_id,
        "today": selectors.today(),
    }
    return render(request, "careers/people/proposal_detail.html", context, status=status)


@login_required
def proposal_detail(request, pk: int):
    return proposal_page(request, careers_permissions.get_proposal_for_user(request.user, pk))


def _done(request, proposal, text: str):
    messages.success(request, text)
    return redirect(next_url(request, reverse("careers:proposal-detail", args=[proposal.pk])))


@login_required
@require_POST
def proposal_approve(request, pk: int):
    proposal = careers_permissions.get_proposal_for_user(request.user, pk)
    if not careers_permissions.can_decide_as_supervisor(request.user, proposal):
        raise PermissionDenied(_("Only the employee's direct supervisor approves a proposal waiting for them."))
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            proposals.approve_as_supervisor(proposal, by=request.user, note=form.cleaned_data["note"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            return _done(
                request,
                proposal,
                _("Approved: the proposal of %(name)s goes to BKPP for verification.")
                % {"name": proposal.employee.full_name},
            )
    return proposal_page(request, proposal, status=BAD_INPUT, approve_form=form)


@login_required
@require_POST
def proposal_return(request, pk: int):
    proposal = careers_permissions.get_proposal_for_user(request.user, pk)
    if not careers_permissions.can_return(request.user, proposal):
        raise PermissionDenied(_("You cannot return this proposal at its current step."))
    form = ReasonForm(request.POST, prefix="return", label=_("Reason for returning it"))
    if form.is_valid():
        try:
            proposals.return_to_opd(proposal, by=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            return _done(
                request,
                proposal,
                _("Returned to the OPD: %(name)s. The operator is notified.") % {"name": proposal.employee.full_name},
            )
    return proposal_page(request, proposal, status=BAD_INPUT, return_form=form)
