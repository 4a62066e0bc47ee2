"""Study-leave pages (tugas belajar / izin belajar; DESIGN.md "Study leave", DOMAIN.md §7).

- The employee: "Studi saya" (applications and studies with their stage, next report due and
  service bond), the application form with the live pre-check (htmx posts the plan fields to
  `study_precheck` as they change), documents per kind, sending, withdrawing, the semester
  report and the extension request.
- The supervisor: the applications of their direct subordinates waiting for a recommendation.
- The Operator OPD and BKPP: the list with filters, the roster (studying now, service bonds,
  early exits), and one application with its steps, documents, reports, extensions and the
  forms of the steps the viewer may take (completeness check; BKPP's decision with the decree,
  extensions, completion and termination).

Thin views: load through careers.permissions (404 for what the viewer may not see, 403 for a
step that is not theirs), validate a form, make one call to careers.study, and turn its
`ServiceError` into a form error answered with 400. "Today" is careers.selectors.today()."""

from __future__ import annotations

import contextlib
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asn_portal import permissions as core_permissions
from asn_portal.services import ServiceError
from asn_portal.uploads import protected_file_response
from careers import permissions as careers_permissions
from careers import selectors, study, study_selectors
from careers import study_rules as rules
from careers.forms import ReasonForm
from careers.models import ExtensionState, StudyDocumentKind, StudyState
from careers.study_forms import (
    PLAN_FIELDS,
    CompleteForm,
    DocumentForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    NoteForm,
    ReportForm,
    StudyApproveForm,
    StudyFilter,
    StudyForm,
    TerminateForm,
    WithdrawForm,
)
from careers.views import BAD_INPUT, next_url, query_without
from careers.views.people import _own_employee, _tabs

S = StudyState
PAGE_SIZE = 25


def _require_lists(request) -> None:
    if not careers_permissions.can_view_study_lists(request.user):
        raise PermissionDenied(_("The study-leave lists are kept by the Operator OPD and BKPP."))


def _require_supervisor(request) -> int:
    if not core_permissions.is_supervisor(request.user):
        raise PermissionDenied(_("This page is for supervisors (atasan langsung) of other employees."))
    return core_permissions.actor_for(request.user).employee_id


def _mine_crumb() -> tuple[str, str]:
    return (reverse("careers:study-mine"), _("My study"))


def _list_crumb() -> tuple[str, str]:
    return (reverse("careers:study-list"), _("Study applications"))


@login_required
def study_home(request):
    """The study section's entry: the list for the Operator OPD and BKPP, one's own studies
    for everyone else with an employee record."""
    if careers_permissions.can_view_study_lists(request.user):
        return redirect("careers:study-list")
    _own_employee(request)
    return redirect("careers:study-mine")


# ---------------------------------------------------------------------------------------------
# Studi saya
# ---------------------------------------------------------------------------------------------


@login_required
def my_studies(request):
    employee = _own_employee(request)
    on = selectors.today()
    leaves = study_selectors.my_studies(employee)
    current = study_selectors.open_study(leaves)
    context = {
        "employee": employee,
        "leaves": leaves,
        "current": current,
        "bond": study_selectors.current_bond(leaves, on),
        "can_apply": current is None and careers_permissions.can_apply_for_study(request.user, employee),
        "stages": _stage_labels(),
        "today": on,
        "tab": "study-mine",
        **_tabs(request),
    }
    return render(request, "careers/study/mine.html", context)


def _stage_labels() -> list[str]:
    return [
        _("Draft"),
        _("Supervisor"),
        _("OPD check"),
        _("BKPP decision"),
        _("Studying"),
        _("Completed"),
    ]


# ---------------------------------------------------------------------------------------------
# The application form and its live pre-check
# ---------------------------------------------------------------------------------------------


def _precheck_context(employee, form: StudyForm, *, exclude=None) -> dict:
    """What the pre-check partial shows for the form's plan: every criterion with its message,
    or what is still missing, or why the plan can never be right."""
    plan = form.plan()
    if plan is None:
        return {"missing": form.missing_plan_fields()}
    try:
        rules.check_plan_fields(plan)
        return {"result": rules.precheck(employee, plan, exclude=exclude)}
    except ServiceError as error:
        return {"plan_error": error.message}


def _initial_precheck(employee, form: StudyForm, leave) -> dict:
    if form.is_bound:
        return _precheck_context(employee, form, exclude=leave)
    if leave is not None:
        result = _live_precheck(leave)
        if result is not None:
            return {"result": result}
    return {"missing": [str(form.fields[name].label) for name in PLAN_FIELDS]}


def _form_page(request, employee, form: StudyForm, *, leave=None, status: int = 200):
    context = {
        "employee": employee,
        "form": form,
        "leave": leave,
        "precheck": _initial_precheck(employee, form, leave),
        "precheck_url": reverse("careers:study-precheck-edit", args=[leave.pk])
        if leave
        else reverse("careers:study-precheck"),
        "crumbs": [_mine_crumb()],
        "tab": "study-mine",
        **_tabs(request),
    }
    return render(request, "careers/study/form.html", context, status=status)


@login_required
def study_create(request):
    employee = _own_employee(request)
    if request.method != "POST":
        current = study_selectors.open_study(study_selectors.my_studies(employee))
        if current is not None:
            messages.info(
                request,
                _("You already have an open application or study; finish or withdraw it before applying again."),
            )
            return redirect("careers:study-detail", current.pk)
        return _form_page(request, employee, StudyForm(initial={"country": "Indonesia"}))
    form = StudyForm(request.POST)
    if form.is_valid():
        try:
            leave = study.create_draft(employee, form.application(), by=request.user, today=selectors.today())
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Draft saved. Upload the documents below, then send the application to your supervisor."),
            )
            return redirect("careers:study-detail", leave.pk)
    return _form_page(request, employee, form, status=BAD_INPUT)


@login_required
def study_edit(request, pk: int):
    leave = careers_permissions.get_study_for_user(request.user, pk)
    if not careers_permissions.can_edit_study(request.user, leave):
        raise PermissionDenied(_("Only the employee edits their application, while it is a draft or returned."))
    employee = leave.employee
    if request.method != "POST":
        return _form_page(request, employee, StudyForm(initial=StudyForm.initial_for(leave)), leave=leave)
    form = StudyForm(request.POST)
    if form.is_valid():
        try:
            study.update_draft(leave, form.application(), by=request.user, today=selectors.today())
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("careers:study-detail", leave.pk)
    return _form_page(request, employee, form, leave=leave, status=BAD_INPUT)


@login_required
@require_POST
def study_precheck(request, pk: int | None = None):
    """The pre-check partial for the plan in the form (htmx, on every change). Writes nothing;
    always 200 so htmx swaps the answer in, which says what is missing or wrong."""
    leave = None
    if pk is not None:
        leave = careers_permissions.get_study_for_user(request.user, pk)
        if not careers_permissions.can_edit_study(request.user, leave):
            raise PermissionDenied(_("Only the employee edits their application, while it is a draft or returned."))
        employee = leave.employee
    else:
        employee = _own_employee(request)
    form = StudyForm(request.POST)
    context = {"precheck": _precheck_context(employee, form, exclude=leave)}
    return render(request, "careers/study/_precheck.html", context)


# ---------------------------------------------------------------------------------------------
# One application
# ---------------------------------------------------------------------------------------------


def _crumbs(request, leave) -> list[tuple[str, str]]:
    actor = core_permissions.actor_for(request.user)
    if actor.employee_id == leave.employee_id:
        return [_mine_crumb()]
    if careers_permissions.can_view_study_lists(request.user):
        return [_list_crumb()]
    return [(reverse("careers:study-team"), _("Team study"))]


def _live_precheck(leave):
    try:
        return rules.precheck(
            leave.employee,
            rules.Plan(leave.kind, leave.level, leave.accreditation, leave.starts_on, leave.ends_on),
            exclude=leave,
        )
    except ServiceError:
        return None


def study_page(request, leave, *, status: int = 200, **forms):
    """The application page with the forms of the steps the viewer may take now; `forms` holds
    a bound form that failed (shown with its errors)."""
    user = request.user
    on = selectors.today()
    extensions = study_selectors.extensions(leave)
    pending = next((e for e in extensions if e.state == ExtensionState.REQUESTED), None)
    can = {
        "edit": careers_permissions.can_edit_study(user, leave),
        "attach": careers_permissions.can_attach_study_document(user, leave),
        "withdraw": careers_permissions.can_withdraw_study(user, leave),
        "recommend": careers_permissions.can_recommend_study(user, leave),
        "return": careers_permissions.can_return_study(user, leave),
        "check": careers_permissions.can_check_study(user, leave),
        "decide": leave.state == S.CHECKED and careers_permissions.can_decide_study(user, leave),
        "report": careers_permissions.can_report_study(user, leave),
        "extension": careers_permissions.can_request_study_extension(user, leave) and pending is None,
        "decide_extension": leave.state == S.ONGOING
        and pending is not None
        and careers_permissions.can_decide_study(user, leave),
        "close": careers_permissions.can_close_study(user, leave),
    }
    is_own = core_permissions.actor_for(user).employee_id == leave.employee_id
    policy = None
    with contextlib.suppress(ServiceError):  # no policy configured: no checklist, no schedule
        policy = rules.policy_on(leave.starts_on)
    required = study.required_documents(leave, policy) if policy else []
    present = study_selectors.documents(leave)
    document_rows = study_selectors.document_rows(leave, present, required)
    upload_form = forms.get("upload_form")
    for row in document_rows:
        failed = upload_form is not None and upload_form.data.get("kind") == row["kind"]
        row["form"] = (
            upload_form if failed else DocumentForm(initial={"kind": row["kind"]}, auto_id=f"id_doc_{row['kind']}_%s")
        )
    reports = study_selectors.reports(leave)
    upcoming = None
    if leave.state == S.ONGOING and policy is not None:
        upcoming = rules.next_report_due(leave, policy, {r.semester for r in reports})
    events = study_selectors.events(leave)
    live = leave.state in (S.DRAFT, S.RETURNED)
    context = {
        "leave": leave,
        "employee": leave.employee,
        "can": can,
        "can_any": any(can.values()),
        "is_own": is_own,
        "live_precheck": {"result": _live_precheck(leave)} if live else None,
        "criteria": (leave.eligibility or {}).get("criteria", []),
        "documents": document_rows,
        "missing": [row for row in document_rows if row["required"] and row["document"] is None],
        "reports": reports,
        "upcoming": upcoming,
        "extensions": extensions,
        "pending_extension": pending,
        "policy": policy,
        "events": events,
        "last_reason": next((e.reason for e in reversed(events) if e.to_state == leave.state and e.reason), ""),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(prefix="withdraw", cancel=not is_own),
        "recommend_form": forms.get("recommend_form")
        or NoteForm(prefix="recommend", label=_("Note for the OPD and BKPP (optional)")),
        "return_form": forms.get("return_form") or ReasonForm(prefix="return", label=_("What must be corrected")),
        "check_form": forms.get("check_form") or NoteForm(prefix="check", label=_("Note for BKPP (optional)")),
        "approve_form": forms.get("approve_form") or StudyApproveForm(prefix="approve", initial={"decree_on": on}),
        "reject_form": forms.get("reject_form") or ReasonForm(prefix="reject", label=_("Reason for the rejection")),
        "report_form": forms.get("report_form")
        or ReportForm(prefix="report", initial={"semester": upcoming[0] if upcoming else None}),
        "extension_form": forms.get("extension_form") or ExtensionRequestForm(prefix="extension"),
        "decide_extension_form": forms.get("decide_extension_form") or ExtensionDecisionForm(prefix="decide"),
        "complete_form": forms.get("complete_form") or CompleteForm(prefix="complete"),
        "terminate_form": forms.get("terminate_form") or TerminateForm(prefix="terminate", initial={"on": on}),
        "submit_error": forms.get("submit_error"),
        "crumbs": _crumbs(request, leave),
        "today": on,
    }
    return render(request, "careers/study/detail.html", context, status=status)


@login_required
def study_detail(request, pk: int):
    return study_page(request, careers_permissions.get_study_for_user(request.user, pk))


def _step(request, pk: int, allowed, refusal: str):
    leave = careers_permissions.get_study_for_user(request.user, pk)
    if not allowed(request.user, leave):
        raise PermissionDenied(refusal)
    return leave


def _done(request, leave, text: str, anchor: str = ""):
    messages.success(request, text)
    return redirect(next_url(request, reverse("careers:study-detail", args=[leave.pk]) + anchor))


def _names(leave) -> dict:
    return {"name": leave.employee.full_name}


# --- The employee's steps ---------------------------------------------------------------------


@login_required
@require_POST
def study_document_upload(request, pk: int):
    leave = _step(
        request,
        pk,
        careers_permissions.can_attach_study_document,
        _("Documents are added by the employee while drafting, or by the OPD and BKPP before the check."),
    )
    form = DocumentForm(request.POST, request.FILES, auto_id=f"id_doc_{request.POST.get('kind', '')}_%s")
    if form.is_valid():
        kind = form.cleaned_data["kind"]
        try:
            study.attach_document(leave, kind=kind, uploaded=form.cleaned_data["file"], by=request.user)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            return _done(
                request, leave, _("Uploaded: %(document)s.") % {"document": StudyDocumentKind(kind).label}, "#documents"
            )
    return study_page(request, leave, status=BAD_INPUT, upload_form=form)


@login_required
def study_document(request, pk: int, document_pk: int):
    """A document of an application, to whoever may see the application."""
    leave = careers_permissions.get_study_for_user(request.user, pk)
    document = leave.documents.filter(pk=document_pk).first()
    if document is None:
        raise Http404(_("Document not found."))
    suffix = PurePath(document.file.name).suffix or ".pdf"
    return protected_file_response(
        document.file, download_name=f"{document.kind}-{leave.pk}{suffix}", content_type=document.content_type
    )


@login_required
def study_transcript(request, pk: int, report_pk: int):
    leave = careers_permissions.get_study_for_user(request.user, pk)
    report = leave.reports.filter(pk=report_pk).first()
    if report is None:
        raise Http404(_("Progress report not found."))
    suffix = PurePath(report.transcript.name).suffix or ".pdf"
    return protected_file_response(
        report.transcript,
        download_name=f"transkrip-{leave.pk}-semester-{report.semester}{suffix}",
        content_type=report.transcript_type,
    )


@login_required
@require_POST
def study_submit(request, pk: int):
    leave = _step(request, pk, careers_permissions.can_edit_study, _("Only the employee sends their own application."))
    try:
        study.submit(leave, by=request.user, today=selectors.today())
    except ServiceError as error:
        return study_page(request, leave, status=BAD_INPUT, submit_error=error.message)
    supervisor = leave.employee.supervisor
    if supervisor is not None and supervisor.user_id:
        text = _("Sent: your supervisor, %(name)s, is asked to recommend it.") % {"name": supervisor.full_name}
    else:
        text = _("Sent. You have no supervisor recorded, so BKPP takes the supervisor's step.")
    return _done(request, leave, text)


@login_required
@require_POST
def study_withdraw(request, pk: int):
    leave = _step(
        request,
        pk,
        careers_permissions.can_withdraw_study,
        _("The employee withdraws their application before the study starts; BKPP may cancel an approved one."),
    )
    is_own = core_permissions.actor_for(request.user).employee_id == leave.employee_id
    form = WithdrawForm(request.POST, prefix="withdraw", cancel=not is_own)
    if form.is_valid():
        try:
            study.withdraw(leave, by=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            if is_own:
                messages.success(request, _("The application is withdrawn. You may apply again at any time."))
                return redirect("careers:study-mine")
            return _done(
                request,
                leave,
                _("Cancelled before the start: the approved study of %(name)s. They are notified with your reason.")
                % _names(leave),
            )
    return study_page(request, leave, status=BAD_INPUT, withdraw_form=form)


@login_required
@require_POST
def study_report(request, pk: int):
    leave = _step(
        request,
        pk,
        careers_permissions.can_report_study,
        _("Progress reports are sent by the employee, the OPD or BKPP while the study runs."),
    )
    form = ReportForm(request.POST, request.FILES, prefix="report")
    if form.is_valid():
        data = form.cleaned_data
        try:
            study.submit_report(
                leave,
                semester=data["semester"],
                gpa=data["gpa"],
                transcript=data["transcript"],
                credits=data["credits"],
                notes=data["notes"],
                by=request.user,
                today=selectors.today(),
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            return _done(
                request, leave, _("Progress report of semester %(n)s sent.") % {"n": data["semester"]}, "#reports"
            )
    return study_page(request, leave, status=BAD_INPUT, report_form=form)


@login_required
@require_POST
def study_extension(request, pk: int):
    leave = _step(
        request,
        pk,
        careers_permissions.can_request_study_extension,
        _("An extension is asked for by the employee, the OPD or BKPP while the study runs."),
    )
    form = ExtensionRequestForm(request.POST, prefix="extension")
    if form.is_valid():
        try:
            study.request_extension(leave, by=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            return _done(request, leave, _("Extension requested: BKPP decides and you are notified."), "#extensions")
    return study_page(request, leave, status=BAD_INPUT, extension_form=form)


# --- The supervisor's and the OPD's steps -----------------------------------------------------


@login_required
@require_POST
def study_recommend(request, pk: int):
    leave = _step(
        request,
        pk,
        careers_permissions.can_recommend_study,
        _("Only the employee's direct supervisor recommends an application waiting for them."),
    )
    form = NoteForm(request.POST, prefix="recommend")
    if form.is_valid():
        try:
            study.recommend(leave, by=request.user, note=form.cleaned_data["note"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            return _done(
                request,
                leave,
                _("Recommended: the application of %(name)s goes to the OPD for the completeness check.")
                % _names(leave),
            )
    return study_page(request, leave, status=BAD_INPUT, recommend_form=form)


@login_required
@require_POST
def study_return(request, pk: int):
    leave = _step(
        request, pk, careers_permissions.can_return_study, _("You cannot return this application at its current step.")
    )
    form = ReasonForm(request.POST, prefix="return", label=_("What must be corrected"))
    if form.is_valid():
        try:
            study.return_for_correction(leave, by=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            return _done(
                request,
                leave,
                _("Returned to %(name)s for correction; they are notified with your reason.") % _names(leave),
            )
    return study_page(request, leave, status=BAD_INPUT, return_form=form)


@login_required
@require_POST
def study_check(request, pk: int):
    leave = _step(
        request,
        pk,
        careers_permissions.can_check_study,
        _("The completeness check is the Operator OPD's (or BKPP's) after the supervisor's recommendation."),
    )
    form = NoteForm(request.POST, prefix="check")
    if form.is_valid():
        try:
            study.check_complete(leave, by=request.user, note=form.cleaned_data["note"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            return _done(
                request, leave, _("Checked complete: the application of %(name)s goes to BKPP.") % _names(leave)
            )
    return study_page(request, leave, status=BAD_INPUT, check_form=form)


# --- BKPP's steps -----------------------------------------------------------------------------


def _decides(user, leave) -> bool:
    return leave.state == S.CHECKED and careers_permissions.can_decide_study(user, leave)


@login_required
@require_POST
def study_approve(request, pk: int):
    leave = _step(request, pk, _decides, _("Only BKPP decides on a checked application."))
    form = StudyApproveForm(request.POST, prefix="approve")
    if form.is_valid():
        data = form.cleaned_data
        try:
            leave = study.approve(
                leave,
                by=request.user,
                decree_number=data["decree_number"],
                decree_on=data["decree_on"],
                today=selectors.today(),
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            return _done(
                request,
                leave,
                _("Approved with decree %(number)s: %(name)s studies from %(date)s.")
                % {
                    "number": data["decree_number"],
                    "name": leave.employee.full_name,
                    "date": date_format(leave.starts_on, "j F Y"),
                },
            )
    return study_page(request, leave, status=BAD_INPUT, approve_form=form)


@login_required
@require_POST
def study_reject(request, pk: int):
    leave = _step(request, pk, _decides, _("Only BKPP decides on a checked application."))
    form = ReasonForm(request.POST, prefix="reject", label=_("Reason for the rejection"))
    if form.is_valid():
        try:
            study.reject(leave, by=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            return _done(request, leave, _("Rejected: the application of %(name)s.") % _names(leave))
    return study_page(request, leave, status=BAD_INPUT, reject_form=form)


def _decides_extension(user, leave) -> bool:
    return leave.state == S.ONGOING and careers_permissions.can_decide_study(user, leave)


@login_required
@require_POST
def study_extension_decide(request, pk: int, extension_pk: int):
    leave = _step(request, pk, _decides_extension, _("Only BKPP decides on an extension request."))
    extension = leave.extension_requests.filter(pk=extension_pk).first()
    if extension is None:
        raise Http404(_("Extension request not found."))
    form = ExtensionDecisionForm(request.POST, prefix="decide")
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            study.decide_extension(
                extension, by=request.user, approve=approve, note=form.cleaned_data["note"], today=selectors.today()
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            text = _("Extension approved for %(name)s.") if approve else _("Extension rejected for %(name)s.")
            return _done(request, leave, text % _names(leave), "#extensions")
    return study_page(request, leave, status=BAD_INPUT, decide_extension_form=form)


@login_required
@require_POST
def study_complete(request, pk: int):
    leave = _step(request, pk, careers_permissions.can_close_study, _("Only BKPP records the end of a study."))
    form = CompleteForm(request.POST, prefix="complete")
    if form.is_valid():
        data = form.cleaned_data
        try:
            leave = study.complete(
                leave,
                by=request.user,
                graduated_on=data["graduated_on"],
                returned_on=data["returned_on"],
                diploma_number=data["diploma_number"],
                today=selectors.today(),
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            text = _("Completed: the diploma of %(name)s is in the education history.") % _names(leave)
            if leave.bond_ends_on:
                text += " " + _("Service bond until %(date)s.") % {"date": date_format(leave.bond_ends_on, "j F Y")}
            return _done(request, leave, text)
    return study_page(request, leave, status=BAD_INPUT, complete_form=form)


@login_required
@require_POST
def study_terminate(request, pk: int):
    leave = _step(request, pk, careers_permissions.can_close_study, _("Only BKPP records the end of a study."))
    form = TerminateForm(request.POST, prefix="terminate")
    if form.is_valid():
        data = form.cleaned_data
        try:
            study.terminate(
                leave,
                by=request.user,
                reason_kind=data["reason_kind"],
                reason=data["reason"],
                on=data["on"],
                today=selectors.today(),
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            return _done(request, leave, _("Recorded as ended early: %(name)s is back at work.") % _names(leave))
    return study_page(request, leave, status=BAD_INPUT, terminate_form=form)


# ---------------------------------------------------------------------------------------------
# The supervisor's inbox
# ---------------------------------------------------------------------------------------------


@login_required
def study_team(request):
    supervisor_id = _require_supervisor(request)
    inbox = list(study_selectors.supervisor_inbox(supervisor_id))
    for leave in inbox:
        # The same field names as the application page's forms; ids unique per row.
        leave.return_form = ReasonForm(prefix="return", auto_id=f"id_r{leave.pk}_%s", label=_("What must be corrected"))
    on = selectors.today()
    team = list(
        study_selectors.for_listing(
            careers_permissions.studies_visible_to(request.user).filter(
                employee__supervisor_id=supervisor_id, state__in=(S.APPROVED, S.ONGOING)
            )
        )
    )
    context = {
        "inbox": inbox,
        "team": team,
        "today": on,
        "tab": "study-team",
        **_tabs(request),
    }
    return render(request, "careers/study/team.html", context)


# ---------------------------------------------------------------------------------------------
# The Operator OPD's and BKPP's list and roster
# ---------------------------------------------------------------------------------------------


def _state_tabs() -> list[tuple[str, str]]:
    return [
        ("review", _("In process")),
        (S.RECOMMENDED.value, _("OPD check")),
        (S.CHECKED.value, _("At BKPP")),
        ("studying", _("Studying")),
        (S.COMPLETED.value, _("Completed")),
        ("closed", _("Not continued")),
        ("all", _("All")),
    ]


@login_required
def study_list(request):
    _require_lists(request)
    on = selectors.today()
    scope = study_selectors.listable(request.user)
    study_filter = StudyFilter(
        request.GET or None, queryset=scope, opds=selectors.opds_for(request.user), today=on, request=request
    )
    status = 200
    filtered = scope
    if study_filter.is_bound:
        if study_filter.is_valid():
            filtered = study_filter.qs
        else:
            status = BAD_INPUT
            filtered = scope.none()
    counts = study_selectors.state_counts(filtered)
    tab = request.GET.get("state", "review")
    if tab not in study_selectors.STATE_TABS:
        tab = "review"
    listed = study_selectors.for_listing(filtered.filter(state__in=study_selectors.STATE_TABS[tab]))
    paginator = Paginator(listed, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    filter_names = ("q", "kind", "level", "opd", "bond", "overdue")
    context = {
        "filter": study_filter,
        "form": study_filter.form,
        "page": page,
        "state": tab,
        "state_tabs": [(key, label, counts[key]) for key, label in _state_tabs()],
        "query": query_without(request),
        "tab_query": query_without(request, "state"),
        "filtered": any(request.GET.get(name) for name in filter_names),
        "extra_filters": sum(1 for name in filter_names[1:] if request.GET.get(name)),
        "is_bkpp": careers_permissions.can_manage_careers(request.user),
        "today": on,
        "tab": "study-list",
        **_tabs(request),
    }
    template = "careers/study/list.html"
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
def study_roster(request):
    _require_lists(request)
    on = selectors.today()
    show = request.GET.get("show", "studying")
    if show not in study_selectors.ROSTER_TABS:
        show = "studying"
    rows = study_selectors.roster(request.user, show, on)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = study_selectors.roster_counts(request.user, on)
    context = {
        "show": show,
        "page": page,
        "counts": counts,
        "roster_tabs": [
            ("studying", _("Studying now"), counts["studying"]),
            ("bond", _("Under a service bond"), counts["bond"]),
            ("exits", _("Left during the bond"), counts["exits"]),
        ],
        "query": query_without(request),
        "is_bkpp": careers_permissions.can_manage_careers(request.user),
        "today": on,
        "tab": "study-roster",
        **_tabs(request),
    }
    return render(request, "careers/study/roster.html", context)
