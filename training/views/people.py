"""Pages for employees (catalogue, session, my registrations, JP saya, outside learning,
questionnaire), supervisors (approval inbox with bulk decisions, team JP, follow-up) and the
Operator OPD (nominate, the OPD's registrations and JP shortfall, outside-learning
verification — with BKPP)."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asn_portal import permissions as core_permissions
from asn_portal.models import Employee
from asn_portal.services import ServiceError
from asn_portal.uploads import protected_file_response
from training import permissions, selectors, services
from training.forms_people import (
    BulkDecisionForm,
    CancelForm,
    CatalogueFilterForm,
    EvaluationForm,
    FollowUpForm,
    NominateForm,
    OutsideDecisionForm,
    OutsideLearningForm,
    RegisterForm,
    RejectForm,
)
from training.models import OutsideStatus, RegistrationState

BAD_INPUT = 400
PAGE_SIZES = (10, 25, 50, 100)
S = RegistrationState


def _page_size(request, default: int = 10) -> int:
    try:
        size = int(request.GET.get("per_page", default))
    except ValueError:
        return default
    return size if size in PAGE_SIZES else default


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _own_employee(request) -> Employee:
    employee = selectors.own_employee(request.user)
    if employee is None:
        raise PermissionDenied(
            _("This page is for employees. Your account is not linked to an employee record: ask Admin BKPP.")
        )
    return employee


def _next_url(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _catalogue_crumb() -> list[tuple[str, str]]:
    return [(reverse("training:catalogue"), _("Training catalogue"))]


def _registration_crumbs(request, registration) -> list[tuple[str, str]]:
    """Back to where the viewer came from: their own list, the approval inbox, the OPD's
    list, or the catalogue."""
    actor = core_permissions.actor_for(request.user)
    if actor.employee_id == registration.employee_id:
        return [*_catalogue_crumb(), (reverse("training:my-registrations"), _("My registrations"))]
    if actor.employee_id is not None and registration.employee.supervisor_id == actor.employee_id:
        return [(reverse("training:approvals"), _("Approvals"))]
    if registration.opd_id in actor.operator_opd_ids:
        return [(reverse("training:opd"), _("OPD training"))]
    return _catalogue_crumb()


def _url_or_empty(name: str) -> str:
    """A page of BKPP's pages (training/urls_bkpp.py), when it exists."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def certificate_url(registration) -> str:
    """The certificate PDF of a completed registration (BKPP's pages provide the view)."""
    try:
        return reverse("training:certificate-pdf", args=[registration.pk])
    except NoReverseMatch:
        return ""


def _certificate(registration):
    try:
        return registration.certificate
    except registration._meta.model.certificate.RelatedObjectDoesNotExist:
        return None


def _evaluation(registration):
    try:
        return registration.evaluation
    except registration._meta.model.evaluation.RelatedObjectDoesNotExist:
        return None


# ---------------------------------------------------------------------------------------------
# Catalogue and session
# ---------------------------------------------------------------------------------------------


@login_required
def catalogue(request):
    form = CatalogueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else getattr(form, "cleaned_data", {})
    employee = selectors.own_employee(request.user)
    on = selectors.today()
    sessions = selectors.catalogue_sessions(
        request.user,
        q=data.get("q", ""),
        category=data.get("category", ""),
        organiser=data.get("organiser", ""),
        month=data.get("month"),
    )
    open_only = bool(data.get("open")) and employee is not None
    if open_only:
        sessions = sessions.filter(pk__in=selectors.open_for(employee, sessions, on))
    paginator = Paginator(selectors.catalogue_programs(sessions), _page_size(request))
    page = paginator.get_page(request.GET.get("page"))
    listed = [s for program in page.object_list for s in program.listed_sessions]
    verdicts = selectors.eligibility_by_session(employee, listed) if employee else {}
    mine = selectors.live_registrations(employee, [s.pk for s in listed]) if employee else {}
    for session in listed:
        session.window_open = session.registration_open_on(on)
        session.criteria = verdicts.get(session.pk)
        session.eligible = bool(session.criteria) and all(c.ok for c in session.criteria)
        session.unmet = [c for c in session.criteria or () if not c.ok]
        session.mine = mine.get(session.pk)
    filters_set = sum(1 for name in ("q", "category", "organiser", "month", "open") if request.GET.get(name))
    context = {
        "form": form,
        "page": page,
        "query": _query_without_page(request),
        "employee": employee,
        "today": on,
        "open_only": open_only,
        "filters_set": filters_set,
        "session_count": len(listed),
    }
    return render(request, "training/people/catalogue.html", context)


def _session_page(request, session, *, form=None, status=200):
    employee = selectors.own_employee(request.user)
    on = selectors.today()
    registration = selectors.my_registration(employee, session) if employee else None
    live = registration is not None and registration.state in S.live()
    criteria = selectors.eligibility_by_session(employee, [session])[session.pk] if employee else []
    context = {
        "session": session,
        "program": session.program,
        "days": list(session.days.order_by("date", "id")),
        "employee": employee,
        "registration": registration,
        "live": live,
        "criteria": criteria,
        "eligible": all(c.ok for c in criteria),
        "window_open": session.registration_open_on(on),
        "window_upcoming": on < session.registration_opens_on,
        "can_cancel": live and registration.state in selectors.CANCELLABLE and on <= session.cancellation_deadline,
        "form": form or RegisterForm(),
        "today": on,
        "crumbs": _catalogue_crumb(),
    }
    return render(request, "training/people/session_detail.html", context, status=status)


@login_required
def session_detail(request, pk: int):
    return _session_page(request, selectors.session_for_page(request.user, pk))


@login_required
@require_POST
def session_register(request, pk: int):
    session = selectors.session_for_page(request.user, pk)
    employee = _own_employee(request)
    form = RegisterForm(request.POST)
    if form.is_valid():
        try:
            registration = services.register(
                session=session,
                employee=employee,
                by=request.user,
                today=selectors.today(),
                motivation=form.cleaned_data["motivation"],
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _registered_message(registration))
            return redirect("training:registration-detail", registration.pk)
    return _session_page(request, session, form=form, status=BAD_INPUT)


def _registered_message(registration) -> str:
    if registration.state == S.SUBMITTED:
        return _("You are registered. Your supervisor has been asked to approve.")
    if registration.state == S.CONFIRMED:
        return _("You are registered and your seat is confirmed.")
    if registration.state == S.WAITLISTED:
        return _("You are registered; the session is full, so you are on the waiting list.")
    return _("You are registered; BKPP will confirm the seats.")


# ---------------------------------------------------------------------------------------------
# My registrations, one registration
# ---------------------------------------------------------------------------------------------


@login_required
def my_registrations(request):
    employee = _own_employee(request)
    on = selectors.today()
    page = Paginator(selectors.my_registrations(employee), 20).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    reasons = selectors.rejection_reasons(rows)
    for row in rows:
        row.reason = reasons.get(row.pk, "")
        row.cert = _certificate(row) if row.state == S.COMPLETED else None
        row.certificate_url = certificate_url(row) if row.cert else ""
        row.can_cancel = row.state in selectors.CANCELLABLE and on <= row.session.cancellation_deadline
        row.can_evaluate = row.state in selectors.EVALUABLE and _evaluation(row) is None
    context = {"employee": employee, "page": page, "rows": rows, "today": on, "crumbs": _catalogue_crumb()}
    return render(request, "training/people/my_registrations.html", context)


def _registration_page(request, registration, *, cancel_form=None, reject_form=None, status=200):
    actor = core_permissions.actor_for(request.user)
    on = selectors.today()
    session = registration.session
    is_own = actor.employee_id == registration.employee_id
    cancellable = registration.state in selectors.CANCELLABLE
    certificate = _certificate(registration) if registration.state == S.COMPLETED else None
    events = selectors.events(registration)
    context = {
        "registration": registration,
        "session": session,
        "program": session.program,
        "employee": registration.employee,
        "events": events,
        "last_reason": next((e.reason for e in reversed(events) if e.to_state == registration.state), ""),
        "crumbs": _registration_crumbs(request, registration),
        "is_own": is_own,
        "can_cancel": cancellable
        and permissions.can_cancel_registration(request.user, registration)
        and (on <= session.cancellation_deadline or not is_own),
        "deadline_passed": cancellable and is_own and on > session.cancellation_deadline,
        "can_approve": permissions.can_approve_registration(request.user, registration),
        "certificate": certificate,
        "certificate_url": certificate_url(registration) if certificate else "",
        "can_evaluate": is_own and registration.state in selectors.EVALUABLE and _evaluation(registration) is None,
        "cancel_form": cancel_form or CancelForm(),
        "reject_form": reject_form or RejectForm(),
        "today": on,
    }
    return render(request, "training/people/registration_detail.html", context, status=status)


@login_required
def registration_detail(request, pk: int):
    return _registration_page(request, permissions.get_registration_for_user(request.user, pk))


@login_required
@require_POST
def registration_cancel(request, pk: int):
    registration = permissions.get_registration_for_user(request.user, pk)
    if not permissions.can_cancel_registration(request.user, registration):
        raise PermissionDenied(_("Only the employee (before the deadline) or BKPP can cancel a registration."))
    is_own = core_permissions.actor_for(request.user).employee_id == registration.employee_id
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.cancel(
                registration,
                by=request.user,
                today=selectors.today(),
                reason=form.cleaned_data["reason"],
                as_bkpp=permissions.can_manage_training(request.user) and not is_own,
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The registration is cancelled."))
            return redirect(_next_url(request, reverse("training:registration-detail", args=[registration.pk])))
    return _registration_page(request, registration, cancel_form=form, status=BAD_INPUT)


# ---------------------------------------------------------------------------------------------
# Supervisor: approvals, team JP, follow-up
# ---------------------------------------------------------------------------------------------


def _require_supervisor(request) -> int:
    actor = core_permissions.actor_for(request.user)
    if not core_permissions.is_supervisor(request.user):
        raise PermissionDenied(_("The approval inbox is for supervisors (atasan langsung) of other employees."))
    return actor.employee_id


# The team's JP table on the approval inbox, a page at a time (heads of large units have
# hundreds of direct subordinates).
TEAM_PAGE_SIZE = 25
# Open follow-up questions shown at once, oldest first; the next appear as these are answered.
FOLLOW_UPS_SHOWN = 20


def _approvals_page(request, supervisor_id, *, bulk_form=None, reject_forms=None, error="", status=200):
    year = selectors.today().year
    inbox = list(selectors.approval_inbox(supervisor_id))
    reject_forms = reject_forms or {}
    for registration in inbox:
        registration.reject_form = reject_forms.get(registration.pk) or RejectForm(prefix=f"r{registration.pk}")
    follow_ups, follow_up_count = selectors.open_follow_ups(supervisor_id, FOLLOW_UPS_SHOWN)
    team_all = selectors.team_jp(supervisor_id, year)
    team_page = Paginator(team_all, TEAM_PAGE_SIZE).get_page(request.GET.get("team_page"))
    team = list(team_page.object_list)
    for member in team:
        member.jp_percent = min(100, round(member.jp_total * 100 / member.jp_target)) if member.jp_target else 100
    context = {
        "inbox": inbox,
        "team": team,
        "team_page": team_page,
        "team_below": selectors.below_target_count(team_all) if team else 0,
        "follow_ups": follow_ups,
        "follow_up_count": follow_up_count,
        "bulk_form": bulk_form,
        "error": error,
        "year": year,
    }
    return render(request, "training/people/approvals.html", context, status=status)


@login_required
def approvals(request):
    return _approvals_page(request, _require_supervisor(request))


def _approvable(request, pk):
    registration = permissions.get_registration_for_user(request.user, pk)
    if not permissions.can_approve_registration(request.user, registration):
        raise PermissionDenied(_("Only the employee's direct supervisor decides on a registration waiting for them."))
    return registration


@login_required
@require_POST
def registration_approve(request, pk: int):
    supervisor_id = _require_supervisor(request)
    registration = _approvable(request, pk)
    try:
        services.approve(registration, by=request.user, today=selectors.today())
    except ServiceError as error:
        return _approvals_page(request, supervisor_id, error=error.message, status=BAD_INPUT)
    messages.success(
        request,
        _("Approved: %(name)s — %(title)s.") % _names(registration),
    )
    return redirect(_next_url(request, reverse("training:approvals")))


@login_required
@require_POST
def registration_reject(request, pk: int):
    supervisor_id = _require_supervisor(request)
    registration = _approvable(request, pk)
    form = RejectForm(request.POST, prefix=f"r{pk}")
    if form.is_valid():
        try:
            services.reject(registration, by=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Not approved: %(name)s — %(title)s.") % _names(registration))
            return redirect(_next_url(request, reverse("training:approvals")))
    return _approvals_page(request, supervisor_id, reject_forms={pk: form}, status=BAD_INPUT)


def _names(registration) -> dict:
    return {"name": registration.employee.full_name, "title": registration.session.program.title}


@login_required
@require_POST
def approvals_bulk(request):
    """Approve or reject every ticked registration — all or nothing: if one step is refused,
    none is taken."""
    supervisor_id = _require_supervisor(request)
    waiting = {r.pk: r for r in selectors.approval_inbox(supervisor_id)}
    form = BulkDecisionForm(request.POST, choices=list(waiting))
    if not form.is_valid():
        return _approvals_page(request, supervisor_id, bulk_form=form, status=BAD_INPUT)
    chosen = [waiting[pk] for pk in form.cleaned_data["registrations"]]
    approve = form.cleaned_data["decision"] == "approve"
    try:
        with transaction.atomic():
            for registration in chosen:
                if not permissions.can_approve_registration(request.user, registration):
                    raise PermissionDenied
                if approve:
                    services.approve(registration, by=request.user, today=selectors.today())
                else:
                    services.reject(registration, by=request.user, reason=form.cleaned_data["reason"])
    except ServiceError as error:
        return _approvals_page(request, supervisor_id, bulk_form=form, error=error.message, status=BAD_INPUT)
    if approve:
        text = _("%(count)s registrations approved.") if len(chosen) != 1 else _("1 registration approved.")
    else:
        text = _("%(count)s registrations not approved.") if len(chosen) != 1 else _("1 registration not approved.")
    messages.success(request, text % {"count": len(chosen)})
    return redirect("training:approvals")


@login_required
def follow_up(request, pk: int):
    actor = core_permissions.actor_for(request.user)
    question = selectors.get_follow_up_for_supervisor(actor.employee_id, pk)
    form = FollowUpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.answer_follow_up(
                    question,
                    is_used=form.cleaned_data["is_used"],
                    comment=form.cleaned_data["comment"],
                    by=request.user,
                )
            except ServiceError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Thank you: your answer is recorded."))
                return redirect("training:approvals")
        status = BAD_INPUT
    registration = question.registration
    context = {
        "question": question,
        "registration": registration,
        "employee": registration.employee,
        "form": form,
        "crumbs": [(reverse("training:approvals"), _("Approvals"))],
    }
    return render(request, "training/people/follow_up.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------


@login_required
def registration_evaluation(request, pk: int):
    registration = permissions.get_registration_for_user(request.user, pk)
    if core_permissions.actor_for(request.user).employee_id != registration.employee_id:
        raise PermissionDenied(_("Only the participant answers the questionnaire."))
    existing = _evaluation(registration)
    form = EvaluationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.submit_evaluation(registration, **form.cleaned_data)
            except ServiceError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Thank you for your answers: they help BKPP improve its training."))
                return redirect("training:my-registrations")
        status = BAD_INPUT
    context = {
        "registration": registration,
        "session": registration.session,
        "program": registration.session.program,
        "evaluation": existing,
        "open": registration.state in selectors.EVALUABLE,
        "form": form,
        "ratings": [form[name] for name in ("content", "trainer", "organisation", "usefulness")],
        "crumbs": [*_catalogue_crumb(), (reverse("training:my-registrations"), _("My registrations"))],
    }
    return render(request, "training/people/evaluation.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# JP saya and outside learning
# ---------------------------------------------------------------------------------------------


@login_required
def my_jp(request):
    """JP this year against the target, the last five years, the history, certificates and
    outside learning; the form records outside learning (POST)."""
    employee = _own_employee(request)
    on = selectors.today()
    form = OutsideLearningForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                record = services.record_outside_learning(
                    employee=employee,
                    title=data["title"],
                    organiser=data["organiser"],
                    category=data["category"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    jp=data["jp"],
                    certificate=data["certificate"],
                    by=request.user,
                    today=on,
                )
            except ServiceError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request,
                    _("“%(title)s” is recorded. Its JP count once your OPD's operator or BKPP verifies it.")
                    % {"title": record.title},
                )
                return redirect(reverse("training:my-jp") + "#outside")
        status = BAD_INPUT
    target = services.jp_target(employee)
    history = services.jp_history(employee)
    years = selectors.year_totals(history, target=target, year=on.year)
    certificates = selectors.certificates_of(employee)
    for certificate in certificates:
        certificate.pdf_url = certificate_url(certificate.registration)
    context = {
        "employee": employee,
        "this_year": years[0],
        "this_year_sessions": sum(e.jp for e in history if e.ended_on.year == on.year and e.source == "session"),
        "this_year_outside": sum(e.jp for e in history if e.ended_on.year == on.year and e.source == "outside"),
        "years": years,
        "history": [
            (
                entry,
                reverse(
                    "training:registration-detail" if entry.source == "session" else "training:outside-detail",
                    args=[entry.pk],
                ),
            )
            for entry in history
        ],
        "certificates": certificates,
        "outside": selectors.outside_records_of(employee),
        "form": form,
        "today": on,
        "crumbs": _catalogue_crumb(),
    }
    return render(request, "training/people/my_jp.html", context, status=status)


@login_required
def outside_queue(request):
    if not selectors.can_verify_queue(request.user):
        raise PermissionDenied(_("Outside learning is verified by the OPD's operator or by BKPP."))
    page = Paginator(selectors.verifiable_outside_learning(request.user), _page_size(request, 25)).get_page(
        request.GET.get("page")
    )
    actor = core_permissions.actor_for(request.user)
    context = {
        "page": page,
        "is_bkpp": permissions.can_manage_training(request.user),
        "crumbs": [(reverse("training:opd"), _("OPD training"))] if actor.is_operator else [],
    }
    return render(request, "training/people/outside_queue.html", context)


def _can_decide(request, record) -> bool:
    # Nobody verifies their own JP, even an operator of their own OPD.
    own = core_permissions.actor_for(request.user).employee_id == record.employee_id
    return permissions.can_verify_outside_learning(request.user, record) and not own


def _outside_crumbs(request, record) -> list[tuple[str, str]]:
    if core_permissions.actor_for(request.user).employee_id == record.employee_id:
        return [*_catalogue_crumb(), (reverse("training:my-jp"), _("My JP"))]
    if selectors.can_verify_queue(request.user):
        return [(reverse("training:outside-queue"), _("Outside learning to verify"))]
    return []


def _outside_page(request, record, *, form=None, status=200):
    context = {
        "record": record,
        "employee": record.employee,
        "can_decide": _can_decide(request, record) and record.status == OutsideStatus.SUBMITTED,
        "is_own": core_permissions.actor_for(request.user).employee_id == record.employee_id,
        "form": form or OutsideDecisionForm(),
        "crumbs": _outside_crumbs(request, record),
    }
    return render(request, "training/people/outside_detail.html", context, status=status)


@login_required
def outside_detail(request, pk: int):
    return _outside_page(request, permissions.get_outside_learning_for_user(request.user, pk))


@login_required
def outside_certificate(request, pk: int):
    record = permissions.get_outside_learning_for_user(request.user, pk)
    suffix = PurePath(record.certificate.name).suffix or ".pdf"
    return protected_file_response(
        record.certificate, download_name=f"sertifikat-{record.pk}{suffix}", content_type=record.certificate_type
    )


@login_required
@require_POST
def outside_decide(request, pk: int):
    record = permissions.get_outside_learning_for_user(request.user, pk)
    if not _can_decide(request, record):
        raise PermissionDenied(_("Outside learning is verified by the OPD's operator or by BKPP, never by its owner."))
    form = OutsideDecisionForm(request.POST)
    if form.is_valid():
        verified = form.cleaned_data["decision"] == "verify"
        try:
            services.decide_outside_learning(
                record, verified=verified, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                (_("Verified: %(title)s. Its JP now count.") if verified else _("Rejected: %(title)s."))
                % {"title": record.title},
            )
            return redirect("training:outside-queue")
    return _outside_page(request, record, form=form, status=BAD_INPUT)


# ---------------------------------------------------------------------------------------------
# Operator OPD
# ---------------------------------------------------------------------------------------------


def _operator_opds(request) -> frozenset[int]:
    opds = core_permissions.actor_for(request.user).operator_opd_ids
    if not opds:
        raise PermissionDenied(_("These pages are for the Operator OPD."))
    return opds


def _nominate_form(request, opds, data=None):
    return NominateForm(
        data,
        employees=Employee.objects.filter(opd_id__in=opds).in_service(),
        sessions=selectors.nominable_sessions(request.user, selectors.today()),
    )


def _opd_page(request, opds, *, form=None, status=200):
    registrations = selectors.opd_registrations(opds, selectors.today())
    state = request.GET.get("state", "")
    if state in S.values:
        registrations = registrations.filter(state=state)
    page = Paginator(registrations, _page_size(request, 25)).get_page(request.GET.get("page"))
    context = {
        "form": form or _nominate_form(request, opds),
        "page": page,
        "query": _query_without_page(request),
        "state": state,
        "states": S.choices,
        "opd_names": selectors.opd_names(opds),
        "waiting_outside": selectors.verifiable_outside_learning(request.user).count(),
    }
    return render(request, "training/people/opd.html", context, status=status)


@login_required
def opd(request):
    return _opd_page(request, _operator_opds(request))


@login_required
@require_POST
def opd_nominate(request):
    opds = _operator_opds(request)
    form = _nominate_form(request, opds, request.POST)
    if form.is_valid():
        employee, session = form.cleaned_data["nip"], form.cleaned_data["session"]
        if not permissions.can_register(request.user, employee):
            raise PermissionDenied(_("You can nominate only employees of the OPD you manage."))
        try:
            registration = services.register(
                session=session,
                employee=employee,
                by=request.user,
                today=selectors.today(),
                motivation=form.cleaned_data["motivation"],
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("%(name)s is nominated for %(title)s (%(state)s).")
                % {
                    "name": employee.full_name,
                    "title": session.program.title,
                    "state": RegistrationState(registration.state).label,
                },
            )
            return redirect("training:opd")
    return _opd_page(request, opds, form=form, status=BAD_INPUT)


@login_required
def opd_jp(request):
    opds = _operator_opds(request)
    year = selectors.today().year
    page = Paginator(selectors.opd_jp_shortfall(opds, year), _page_size(request, 25)).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.jp_percent = min(100, round(row.jp_total * 100 / row.jp_target)) if row.jp_target else 100
    context = {
        "page": page,
        "year": year,
        "summary": selectors.opd_jp_summary(opds, year),
        "opd_names": selectors.opd_names(opds),
        "query": _query_without_page(request),
        "crumbs": [(reverse("training:opd"), _("OPD training"))],
        # BKPP's compliance pages, which operators see for their own OPDs.
        "compliance_url": _url_or_empty("training:manage-compliance"),
        "mandatory_url": _url_or_empty("training:manage-mandatory"),
    }
    return render(request, "training/people/opd_jp.html", context)
