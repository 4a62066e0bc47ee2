"""Careers pages of BKPP and the Operator OPD: the candidates per period (filters, htmx live
filtering like the directory, ticking candidates to propose them together, the XLSX export),
proposing one employee with the kind's document checklist (and BKPP's override with a
reason), the proposals lists per state, BKPP's steps on a proposal (verify, submit to BKN,
the decree, reject) and the OPD's (resend, withdraw), and the Satyalancana list with its
export. Operators see and act on their own OPDs only (careers.permissions)."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asn_portal.filters import search_employees
from asn_portal.services import ServiceError
from careers import awards, eligibility, proposals, selectors
from careers import permissions as careers_permissions
from careers.forms import (
    BulkProposeForm,
    CandidateFilterForm,
    DecreeForm,
    DocumentsForm,
    ProposalFilterForm,
    ProposeForm,
    ReasonForm,
    SatyalancanaFilterForm,
    SubmitForm,
)
from careers.models import PromotionKind, ProposalState
from careers.views import BAD_INPUT, careers_crumb, next_url, period_options, query_without
from careers.views.people import _tabs, document_codes, proposal_page

P = ProposalState
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 25
FILTERS = ("q", "opd", "kind", "target_rank", "failing")


def _require_candidates(request) -> None:
    if not careers_permissions.can_view_candidates(request.user):
        raise PermissionDenied(_("Promotion candidates and proposals are prepared by the Operator OPD and BKPP."))


def _require_bkpp(request) -> None:
    if not careers_permissions.can_manage_careers(request.user):
        raise PermissionDenied(_("Only Admin BKPP sees this list."))


# ---------------------------------------------------------------------------------------------
# Candidates
# ---------------------------------------------------------------------------------------------


def _candidate_filters(request):
    """(form, filters, period, choices, status): the candidates page's filters; bad input
    (a date that is not a period, an unknown OPD) answers 400 with the default period."""
    on = selectors.today()
    choices = selectors.period_choices(on)
    form = CandidateFilterForm(
        request.GET or None,
        choices=period_options(choices, on),
        opds=selectors.opds_for(request.user),
        initial={"status": "eligible"},
    )
    filters = {"status": "eligible"}
    period, status = None, 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            period = data["period"]
            filters = {
                "q": data["q"],
                "opd": data["opd"],
                "kind": data["kind"],
                "target_rank": data["target_rank"],
                "status": data["status"] or "eligible",
                "failing": data["failing"],
            }
        else:
            status = BAD_INPUT
    return form, filters, period or selectors.default_period(choices), choices, status


@login_required
def candidates(request):
    _require_candidates(request)
    form, filters, period, choices, status = _candidate_filters(request)
    on = selectors.today()
    context = eligibility.load_context(period)
    rows = selectors.candidates(request.user, period, context=context, **filters)
    per_page = form.cleaned_data.get("per_page") if form.is_bound and form.is_valid() else None
    paginator = Paginator(rows, per_page or PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    window = selectors.choice_for(period, choices)
    may_propose = window.is_open or careers_permissions.can_override(request.user)
    for row in page.object_list:
        row.failing = selectors.failing_labels(row)
        row.target_rank = context.ranks.get(row.target_rank_id)
        row.kind_label = PromotionKind(row.promotion_kind).label
        row.proposal_label = selectors.proposal_label(row.proposal_state)
        row.selectable = may_propose and row.is_eligible and row.proposal_pk is None
    page_context = {
        "form": form,
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "query": query_without(request),
        "export_query": query_without(request, "per_page"),
        "period": period,
        "window": window,
        "window_state": window.window_state(on),
        "may_propose": may_propose,
        "filters": filters,
        "extra_filters": sum(1 for name in FILTERS if request.GET.get(name))
        + (1 if request.GET.get("status") not in ("", None, "eligible") else 0),
        "failing_label": eligibility.CRITERIA_BY_CODE[filters["failing"]].label if filters.get("failing") else "",
        "is_bkpp": careers_permissions.can_manage_careers(request.user),
        "today": on,
        "tab": "candidates",
        **_tabs(request),
    }
    template = "careers/bkpp/candidates.html"
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, page_context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _export_headers() -> list[str]:
    return [
        _("No."),
        _("NIP"),
        _("Name"),
        _("Position"),
        _("Unit"),
        _("OPD"),
        _("Rank"),
        _("Rank TMT"),
        _("Kind"),
        _("Target rank"),
        _("Eligible"),
        _("Criteria not met"),
        _("Proposal"),
    ]


@login_required
def candidates_export(request):
    """The filtered candidates (every page) as .xlsx, written row by row (openpyxl's
    write-only mode) from a database iterator into a temporary file that is streamed back:
    memory stays flat for the whole city."""
    _require_candidates(request)
    form, filters, period, _choices, status = _candidate_filters(request)
    if status != 200:
        return HttpResponse(" ".join(str(e) for errors in form.errors.values() for e in errors), status=BAD_INPUT)
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    context = eligibility.load_context(period)
    rows = selectors.candidates(request.user, period, context=context, **filters)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Candidates"))
    for letter, width in zip("ABCDEFGHIJKLM", (6, 22, 36, 30, 34, 34, 8, 12, 30, 10, 10, 44, 26), strict=True):
        sheet.column_dimensions[letter].width = width
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DCE6F8")
    title = WriteOnlyCell(
        sheet, value=_("Promotion candidates for the period %(period)s") % {"period": date_format(period, "j F Y")}
    )
    title.font = bold
    sheet.append([title])
    header = []
    for text in _export_headers():
        cell = WriteOnlyCell(sheet, value=str(text))
        cell.font, cell.fill = bold, fill
        header.append(cell)
    sheet.append(header)
    states = dict(ProposalState.choices)
    yes, no = _("Yes"), _("No")
    for number, row in enumerate(rows.iterator(chunk_size=2000), start=1):
        nip = WriteOnlyCell(sheet, value=row.nip)
        nip.number_format = "@"
        tmt = WriteOnlyCell(sheet, value=row.rank_tmt_on)
        tmt.number_format = "yyyy-mm-dd"
        target = context.ranks.get(row.target_rank_id)
        sheet.append(
            [
                number,
                nip,
                row.full_name,
                row.position.name if row.position_id else "",
                row.unit.name,
                row.opd.name,
                row.rank.code if row.rank_id else "",
                tmt,
                str(PromotionKind(row.promotion_kind).label),
                target.code if target else "",
                yes if row.is_eligible else no,
                ", ".join(selectors.failing_labels(row)),
                str(states.get(row.proposal_state, "")) if row.proposal_state else "",
            ]
        )
    # FileResponse streams the file in blocks and closes it when the response is done.
    handle = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"kandidat-kenaikan-pangkat-{period.isoformat()}.xlsx",
        content_type=XLSX_TYPE,
    )


@login_required
@require_POST
def candidates_propose(request):
    """Propose every ticked candidate for the period (each on its own: one refusal does not
    stop the others); the refusals are listed with their reasons."""
    _require_candidates(request)
    back = next_url(request, reverse("careers:candidates"))
    form = BulkProposeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    period = form.cleaned_data["period"]
    chosen = list(
        selectors.promotable(careers_permissions.candidates_visible_to(request.user))
        .filter(pk__in=form.cleaned_data["employees"])
        .order_by("name", "id")
    )
    allowed = [e for e in chosen if careers_permissions.can_propose(request.user, e)]
    result = proposals.propose_many(allowed, period_on=period, by=request.user, today=selectors.today())
    if result.proposed:
        messages.success(
            request,
            _("%(count)s employees proposed for the period %(period)s; their supervisors are asked to approve.")
            % {"count": len(result.proposed), "period": date_format(period, "j F Y")},
        )
    for employee, error in result.refused:
        messages.warning(
            request, _("%(name)s not proposed: %(reason)s") % {"name": employee.full_name, "reason": error.message}
        )
    skipped = len(form.cleaned_data["employees"]) - len(allowed)
    if skipped:
        messages.warning(
            request,
            _("%(count)s ticked rows were not proposed: they are outside the OPDs you manage or your own.")
            % {"count": skipped},
        )
    return redirect(back)


def _employee_to_propose(request, pk: int):
    employee = (
        selectors.promotable(careers_permissions.candidates_visible_to(request.user))
        .select_related("rank", "position", "unit", "opd", "supervisor", "education")
        .filter(pk=pk)
        .first()
    )
    if employee is None:
        raise Http404(_("Employee not found."))
    if not careers_permissions.can_propose(request.user, employee):
        raise PermissionDenied(_("Nobody proposes their own promotion."))
    return employee


@login_required
def proposal_create(request, employee_pk: int):
    """One employee for a period: the engine's explanation now, the document checklist of the
    kind, and the proposal (BKPP may propose someone not eligible, with a written reason)."""
    _require_candidates(request)
    employee = _employee_to_propose(request, employee_pk)
    on = selectors.today()
    choices = selectors.period_choices(on)
    source = request.POST if request.method == "POST" else request.GET
    period_form = ProposeForm({"period": source.get("period") or ""}, documents=())
    status = 200
    if source.get("period") and not period_form.is_valid():
        # A date that is not a period: say so, propose nothing.
        return render(
            request,
            "careers/bkpp/proposal_create.html",
            {"employee": employee, "bad_period": period_form.errors.get("period"), **_tabs(request)},
            status=BAD_INPUT,
        )
    period = period_form.cleaned_data["period"] if source.get("period") else selectors.default_period(choices)
    outlook = eligibility.explain(employee, period)
    documents = proposals.required_documents(outlook.kind, eligibility.snapshot(outlook))
    override = not outlook.eligible and careers_permissions.can_override(request.user)
    existing = selectors.with_proposal(type(employee).objects.filter(pk=employee.pk), period).first()
    form = ProposeForm(
        request.POST if request.method == "POST" else None,
        documents=documents,
        override=override,
        initial={"period": period.isoformat()},
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                proposal = proposals.propose(
                    employee,
                    period_on=period,
                    by=request.user,
                    documents=form.cleaned_data["documents"],
                    override_reason=form.cleaned_data.get("override_reason", ""),
                    today=on,
                )
            except ServiceError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request,
                    _("%(name)s is proposed for %(rank)s on %(period)s; the supervisor is asked to approve.")
                    % {
                        "name": employee.full_name,
                        "rank": proposal.to_rank.code,
                        "period": date_format(period, "j F Y"),
                    },
                )
                return redirect("careers:proposal-detail", proposal.pk)
        status = BAD_INPUT
    window = selectors.choice_for(period, choices)
    context = {
        "employee": employee,
        "period": period,
        "window": window,
        "may_propose": window.is_open or careers_permissions.can_override(request.user),
        "outlook": outlook,
        "form": form,
        "override": override,
        "existing_pk": existing.proposal_pk if existing else None,
        "existing_state": existing.proposal_state if existing else "",
        "period_links": [(c.on, c.is_open) for c in choices[:6]],
        "crumbs": [careers_crumb(), (reverse("careers:candidates") + f"?period={period.isoformat()}", _("Candidates"))],
        "today": on,
        "tab": "candidates",
        **_tabs(request),
    }
    return render(request, "careers/bkpp/proposal_create.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# Proposals
# ---------------------------------------------------------------------------------------------


@login_required
def proposal_list(request):
    _require_candidates(request)
    opds = selectors.opds_for(request.user)
    form = ProposalFilterForm(request.GET or None, opds=opds)
    period = opd = None
    q = ""
    status = 200
    if form.is_bound:
        if form.is_valid():
            period, opd, q = form.cleaned_data["period"], form.cleaned_data["opd"], form.cleaned_data["q"]
        else:
            status = BAD_INPUT
    scope = selectors.proposals(request.user, period=period, opd=opd, q=q)
    counts = selectors.state_counts(scope)
    tab = request.GET.get("state", "live")
    if tab not in selectors.PROPOSAL_TABS:
        tab = "live"
    listed = selectors.for_listing(scope.filter(state__in=selectors.PROPOSAL_TABS[tab]))
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    tabs = [
        ("live", _("In progress")),
        (P.PROPOSED.value, _("At the supervisor")),
        (P.RETURNED.value, _("Returned")),
        (P.SUPERVISOR_APPROVED.value, _("To verify")),
        (P.VERIFIED.value, _("To send to BKN")),
        (P.SUBMITTED.value, _("At BKN")),
        (P.APPROVED.value, _("Granted")),
        (P.REJECTED.value, _("Rejected")),
        (P.WITHDRAWN.value, _("Withdrawn")),
        ("all", _("All")),
    ]
    context = {
        "form": form,
        "page": page,
        "state": tab,
        "state_tabs": [(key, label, counts[key]) for key, label in tabs],
        "query": query_without(request),
        "tab_query": query_without(request, "state"),
        "is_bkpp": careers_permissions.can_manage_careers(request.user),
        "filtered": bool(period or opd or q),
        "tab": "proposals",
        **_tabs(request),
    }
    return render(request, "careers/bkpp/proposal_list.html", context, status=status)


def _step(request, pk: int, allowed, refusal: str):
    proposal = careers_permissions.get_proposal_for_user(request.user, pk)
    if not allowed(request.user, proposal):
        raise PermissionDenied(refusal)
    return proposal


def _done(request, proposal, text: str):
    messages.success(request, text)
    return redirect(next_url(request, reverse("careers:proposal-detail", args=[proposal.pk])))


@login_required
@require_POST
def proposal_verify(request, pk: int):
    proposal = _step(
        request, pk, careers_permissions.can_verify, _("Only BKPP verifies a proposal the supervisor approved.")
    )
    form = DocumentsForm(request.POST, documents=document_codes(proposal))
    if form.is_valid():
        try:
            proposals.verify(proposal, by=request.user, documents=form.cleaned_data["documents"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            return _done(request, proposal, _("Verified: the dossier of %(name)s is complete.") % _names(proposal))
    return proposal_page(request, proposal, status=BAD_INPUT, verify_form=form)


@login_required
@require_POST
def proposal_submit(request, pk: int):
    proposal = _step(request, pk, careers_permissions.can_submit, _("Only BKPP sends a verified proposal to BKN."))
    form = SubmitForm(request.POST)
    if form.is_valid():
        try:
            proposals.submit_to_bkn(proposal, by=request.user, reference=form.cleaned_data["bkn_reference"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            return _done(request, proposal, _("Recorded as sent to BKN: %(name)s.") % _names(proposal))
    return proposal_page(request, proposal, status=BAD_INPUT, submit_form=form)


@login_required
@require_POST
def proposal_decree(request, pk: int):
    proposal = _step(
        request, pk, careers_permissions.can_record_decree, _("Only BKPP records BKN's decision on a proposal.")
    )
    form = DecreeForm(request.POST, from_rank_id=proposal.from_rank_id)
    if form.is_valid():
        data = form.cleaned_data
        try:
            proposals.record_decree(
                proposal,
                by=request.user,
                decree_number=data["decree_number"],
                decree_on=data["decree_on"],
                tmt_on=data["tmt_on"],
                rank=data["rank"],
                service_years=data["service_years"] or 0,
                service_months=data["service_months"] or 0,
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            return _done(
                request,
                proposal,
                _("Decree recorded: %(name)s is %(rank)s from %(tmt)s.")
                % {
                    "name": proposal.employee.full_name,
                    "rank": data["rank"].code,
                    "tmt": date_format(data["tmt_on"], "j F Y"),
                },
            )
    return proposal_page(request, proposal, status=BAD_INPUT, decree_form=form)


@login_required
@require_POST
def proposal_reject(request, pk: int):
    proposal = _step(request, pk, careers_permissions.can_reject, _("Only BKPP rejects a proposal."))
    form = ReasonForm(request.POST, prefix="reject", label=_("Reason for the rejection"))
    if form.is_valid():
        try:
            proposals.reject(proposal, by=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            return _done(request, proposal, _("Rejected: the proposal of %(name)s.") % _names(proposal))
    return proposal_page(request, proposal, status=BAD_INPUT, reject_form=form)


@login_required
@require_POST
def proposal_resubmit(request, pk: int):
    proposal = _step(
        request, pk, careers_permissions.can_resubmit, _("Only the OPD or BKPP resends a returned proposal.")
    )
    form = DocumentsForm(request.POST, prefix="resubmit", documents=document_codes(proposal))
    if form.is_valid():
        try:
            proposals.resubmit(proposal, by=request.user, documents=form.cleaned_data["documents"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            return _done(
                request, proposal, _("Sent again: the supervisor of %(name)s is asked to approve.") % _names(proposal)
            )
    return proposal_page(request, proposal, status=BAD_INPUT, resubmit_form=form)


@login_required
@require_POST
def proposal_withdraw(request, pk: int):
    proposal = _step(
        request, pk, careers_permissions.can_withdraw, _("You cannot withdraw this proposal at its current step.")
    )
    form = ReasonForm(request.POST, prefix="withdraw", label=_("Reason for withdrawing it"))
    if form.is_valid():
        try:
            proposals.withdraw(proposal, by=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            return _done(request, proposal, _("Withdrawn: the proposal of %(name)s.") % _names(proposal))
    return proposal_page(request, proposal, status=BAD_INPUT, withdraw_form=form)


def _names(proposal) -> dict:
    return {"name": proposal.employee.full_name}


# ---------------------------------------------------------------------------------------------
# Satyalancana Karya Satya
# ---------------------------------------------------------------------------------------------


def _satyalancana_rows(request):
    form = SatyalancanaFilterForm(request.GET or None)
    on = selectors.today()
    scope = careers_permissions.candidates_visible_to(request.user)
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            on = data["on"] or on
            if data["opd"] is not None:
                scope = scope.filter(opd=data["opd"])
            scope = search_employees(scope, data["q"])
        else:
            status = BAD_INPUT
            scope = scope.none()
    return form, on, awards.satyalancana_due(scope, on), status


@login_required
def satyalancana(request):
    _require_bkpp(request)
    form, on, rows, status = _satyalancana_rows(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "on": on,
        "page": page,
        "total": len(rows),
        "by_award": _by_award(rows),
        "query": query_without(request),
        "filtered": any(request.GET.get(name) for name in ("opd", "q")),
        "tab": "satyalancana",
        **_tabs(request),
    }
    return render(request, "careers/bkpp/satyalancana.html", context, status=status)


def _by_award(rows) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.award_label] = counts.get(row.award_label, 0) + 1
    return sorted(counts.items())


@login_required
def satyalancana_export(request):
    _require_bkpp(request)
    form, on, rows, status = _satyalancana_rows(request)
    if status != 200:
        return HttpResponse(" ".join(str(e) for errors in form.errors.values() for e in errors), status=BAD_INPUT)
    response = HttpResponse(awards.satyalancana_xlsx(rows), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="satyalancana-{on.isoformat()}.xlsx"'
    return response
