"""Integrity cases (aduan): open one, read it (logged), move it step by step with who and
when, attach evidence, download evidence (permission-checked and logged)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asn_portal.uploads import protected_file_response
from integrity import permissions, selectors, services
from integrity.forms import CaseAdvanceForm, CaseForm, EvidenceForm
from integrity.views.common import BAD_INPUT, form_page, nip_from_query, register_crumb, require_manager, submit


@login_required
def case_create(request):
    require_manager(request)
    on = selectors.today()
    form = CaseForm(request.POST or None, user=request.user, initial={"opened_on": on, **nip_from_query(request)})
    status = 200
    if request.method == "POST":

        def open_case(data):
            case = services.open_case(
                employee=data["nip"],
                category=data["category"],
                source=data["source"],
                summary=data["summary"],
                opened_on=data["opened_on"],
                alleged_level=data["alleged_level"],
                by=request.user,
                today=selectors.today(),
            )
            messages.success(request, _("The case is opened."))
            return reverse("integrity:case-detail", args=[case.pk])

        response = submit(form, open_case)
        if response:
            return response
        status = BAD_INPUT
    return form_page(
        request,
        form=form,
        layout=[["nip"], ["category", "source"], ["alleged_level", "opened_on"], ["summary"]],
        title=_("Open a case"),
        lead=_(
            "A complaint or finding about an employee: from aduanasn.id, the public, an internal audit or a drug test."
        ),
        crumbs=register_crumb("aduan", _("Cases")),
        submit_label=_("Open the case"),
        cancel_url=reverse("integrity:register") + "?tab=aduan",
        status=status,
        notes=[
            _(
                "The case then moves through verification and clarification to a sanction recommendation or its "
                "closing; each step records who and when."
            ),
            _(
                "While a case about a moderate or severe violation is open, the employee is under examination: "
                "promotion waits."
            ),
            _("Only the Inspektorat sees cases. Others see no more than “under examination” in the standing."),
        ],
    )


@login_required
def case_detail(request, pk: int):
    case = permissions.get_case_for_user(request.user, pk)
    services.log_read(case)
    return _detail(request, case)


def _detail(request, case, *, advance_form=None, evidence_form=None, status=200):
    context = {
        "case": case,
        "employee": case.employee,
        "events": list(case.events.select_related("by").order_by("at", "id")),
        "evidence": list(case.evidence.select_related("uploaded_by").order_by("uploaded_at", "id")),
        "advance_form": advance_form
        or (
            CaseAdvanceForm(user=request.user, case=case, today=selectors.today(), initial={"on": selectors.today()})
            if case.is_open
            else None
        ),
        "evidence_form": evidence_form or EvidenceForm(user=request.user),
        "today": selectors.today(),
    }
    return render(request, "integrity/case_detail.html", context, status=status)


@login_required
@require_POST
def case_advance(request, pk: int):
    case = permissions.get_case_for_user(request.user, pk)
    require_manager(request)
    form = CaseAdvanceForm(request.POST, user=request.user, case=case, today=selectors.today())

    def advance(data):
        services.advance_case(
            case,
            status=data["status"],
            by=request.user,
            on=data["on"],
            note=data["note"],
            alleged_level=data["alleged_level"],
            sanction=data["sanction"],
            today=selectors.today(),
        )
        messages.success(request, _("The step is recorded."))
        return reverse("integrity:case-detail", args=[case.pk])

    response = submit(form, advance)
    if response:
        return response
    return _detail(request, case, advance_form=form, status=BAD_INPUT)


@login_required
@require_POST
def case_evidence_add(request, pk: int):
    case = permissions.get_case_for_user(request.user, pk)
    require_manager(request)
    form = EvidenceForm(request.POST, request.FILES, user=request.user)

    def attach(data):
        services.add_evidence(case, uploaded=data["file"], description=data["description"], by=request.user)
        messages.success(request, _("The evidence is attached."))
        return reverse("integrity:case-detail", args=[case.pk]) + "#evidence"

    response = submit(form, attach)
    if response:
        return response
    return _detail(request, case, evidence_form=form, status=BAD_INPUT)


@login_required
def case_evidence_download(request, pk: int, evidence_pk: int):
    case = permissions.get_case_for_user(request.user, pk)
    evidence = case.evidence.filter(pk=evidence_pk).first()
    if evidence is None:
        raise Http404(_("Evidence not found."))
    services.log_read(evidence)
    return protected_file_response(
        evidence.file, download_name=evidence.original_name, content_type=evidence.content_type
    )
