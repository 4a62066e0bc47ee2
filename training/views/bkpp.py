"""BKPP's training pages (/training/manage/…): programmes, sessions with their schedule,
seats, OPD quotas and status, participants and confirmations, attendance, results and the
results import, certificates (PDF and revocation), evaluation summaries, and JP compliance
with the mandatory-training lists (these two also for operators, limited to their OPDs).

Thin views: each loads, validates a form, makes one service call (training.services) and
turns its `ServiceError` into a form error answered with 400. Lists run a fixed number of
queries whatever the number of rows."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from asn_portal import importing as core_importing
from asn_portal import imports
from asn_portal.extensions import NavItem, register_nav_item
from asn_portal.import_forms import ImportForm
from asn_portal.services import ServiceError
from training import certificates, compliance, forms_bkpp, permissions, services
from training import importing as results_import
from training.models import (
    Attendance,
    Certificate,
    Evaluation,
    FollowUp,
    Program,
    Registration,
    RegistrationState,
    Session,
    SessionDay,
    SessionStatus,
)

S = RegistrationState
BAD_INPUT = 400
PAGE_SIZE = 25
PARTICIPANTS_PAGE_SIZE = 50
WAITLIST_SHOWN = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RATINGS = (
    ("content", gettext_lazy("Content")),
    ("trainer", gettext_lazy("Trainer")),
    ("organisation", gettext_lazy("Organisation")),
    ("usefulness", gettext_lazy("Usefulness")),
)
STATUS_TONE = {
    SessionStatus.DRAFT: "gray",
    SessionStatus.OPEN: "green",
    SessionStatus.CLOSED: "amber",
    SessionStatus.RUNNING: "blue",
    SessionStatus.FINISHED: "gray",
    SessionStatus.CANCELLED: "red",
}


# ---------------------------------------------------------------------------------------------
# Shared
# ---------------------------------------------------------------------------------------------


def today():
    return timezone.localdate()


def require_bkpp(request) -> None:
    if not permissions.can_manage_training(request.user):
        raise PermissionDenied(_("Only Admin BKPP manages training programmes and sessions."))


def require_compliance_viewer(request) -> None:
    if not permissions.can_view_training_compliance(request.user):
        raise PermissionDenied(_("Only Admin BKPP and OPD operators see training compliance."))


def _session(pk: int) -> Session:
    session = Session.objects.select_related("program").filter(pk=pk).first()
    if session is None:
        raise Http404(_("Session not found."))
    return session


def _registration(pk: int) -> Registration:
    registration = (
        Registration.objects.select_related("session__program", "employee__position", "opd").filter(pk=pk).first()
    )
    if registration is None:
        raise Http404(_("Registration not found."))
    return registration


def _query(request, *drop: str) -> str:
    query = request.GET.copy()
    for name in ("page", *drop):
        query.pop(name, None)
    return query.urlencode()


def _state_counts(session: Session) -> Counter:
    return Counter(
        dict(session.registrations.order_by().values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    )


def _sections(form, layout) -> list[tuple[str, list[list]]]:
    """The form's bound fields in titled sections of rows (fields on one row share it on
    wide screens); fields the form does not have are skipped."""
    sections = []
    for title, rows in layout:
        shown = [[form[name] for name in row if name in form.fields] for row in rows]
        shown = [row for row in shown if row]
        if shown:
            sections.append((title, shown))
    return sections


PROGRAM_LAYOUT = (
    (gettext_lazy("Programme"), (("code", "title"), ("category", "method"), ("default_jp",), ("description",))),
    (
        gettext_lazy("Organiser and competencies"),
        (("organiser", "organiser_name"), ("competencies",)),
    ),
    (
        gettext_lazy("Prerequisites"),
        (
            ("min_rank", "max_rank"),
            ("position_kinds",),
            ("jenjang",),
            ("employment_types",),
            ("prior_program",),
            ("blocked_by_sanction",),
        ),
    ),
    (
        gettext_lazy("Mandatory training"),
        (("mandatory_for_position_kinds",), ("is_integrity_training",), ("is_active",)),
    ),
)
SESSION_LAYOUT = (
    (gettext_lazy("Programme and batch"), (("program", "batch"),)),
    (
        gettext_lazy("Dates and place"),
        (("starts_on", "ends_on"), ("place", "online_link"), ("jp", "capacity")),
    ),
    (
        gettext_lazy("Registration"),
        (
            ("registration_opens_on", "registration_closes_on"),
            ("cancellation_deadline",),
            ("approval_required",),
            ("confirmation_mode",),
        ),
    ),
    (gettext_lazy("Cost and notes"), (("cost_per_participant",), ("notes",))),
)


def _session_context(session: Session, section: str) -> dict:
    return {"session": session, "section": section, "status_tone": STATUS_TONE.get(session.status, "gray")}


# ---------------------------------------------------------------------------------------------
# Programmes
# ---------------------------------------------------------------------------------------------


@login_required
def program_list(request):
    require_bkpp(request)
    form = forms_bkpp.ProgramFilterForm(request.GET or None)
    programs = Program.objects.annotate(
        session_count=Count("sessions", distinct=True),
        open_count=Count("sessions", filter=Q(sessions__status=SessionStatus.OPEN), distinct=True),
    )
    if form.is_bound:
        programs = form.filter(programs) if form.is_valid() else programs.none()
    page = Paginator(programs.order_by("title", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": _query(request),
        "filtered": form.is_bound and any(form.data.get(name) for name in form.fields),
        "extra_filters": form.extra_count,
        "tab": "programs",
    }
    return render(request, "training/bkpp/program_list.html", context)


@login_required
def program_create(request):
    require_bkpp(request)
    return _program_form(request, Program())


@login_required
def program_edit(request, pk: int):
    require_bkpp(request)
    program = Program.objects.filter(pk=pk).first()
    if program is None:
        raise Http404(_("Programme not found."))
    return _program_form(request, program)


def _program_form(request, program: Program):
    status = 200
    if request.method == "POST":
        form = forms_bkpp.ProgramForm(request.POST, program=program)
        if form.is_valid():
            try:
                saved = services.save_program(form.apply_to(program), by=request.user)
            except ServiceError as error:
                form.add_service_error(error)
            except IntegrityError:
                form.add_error("code", _("Another programme already has this code."))
                form.mark_invalid()
            else:
                messages.success(request, _("Programme “%(title)s” saved.") % {"title": saved.title})
                return redirect(f"{reverse('training:manage-programs')}?q={saved.code}")
        status = BAD_INPUT
    else:
        form = forms_bkpp.ProgramForm(program=program)
    context = {
        "form": form,
        "sections": _sections(form, PROGRAM_LAYOUT),
        "program": program,
        "title": _("Edit programme") if program.pk else _("New programme"),
        "crumbs": [(reverse("training:manage-programs"), _("Training programmes"))],
    }
    return render(request, "training/bkpp/program_form.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# Sessions
# ---------------------------------------------------------------------------------------------


@login_required
def session_list(request):
    require_bkpp(request)
    form = forms_bkpp.SessionFilterForm(request.GET or None)
    sessions = Session.objects.select_related("program").annotate(
        waitlisted=Count("registrations", filter=Q(registrations__state=S.WAITLISTED)),
        pending=Count("registrations", filter=Q(registrations__state__in=(S.SUBMITTED, S.APPROVED))),
    )
    if form.is_bound:
        sessions = form.filter(sessions) if form.is_valid() else sessions.none()
    page = Paginator(sessions.order_by("-starts_on", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    by_status = dict(Session.objects.order_by().values_list("status").annotate(n=Count("id")))
    context = {
        "form": form,
        "page": page,
        "query": _query(request),
        "filtered": form.is_bound and any(form.data.get(name) for name in form.fields),
        "extra_filters": form.extra_count,
        "status_counts": [
            (value, label, by_status.get(value, 0), STATUS_TONE[value]) for value, label in SessionStatus.choices
        ],
        "status_tone": STATUS_TONE,
        "tab": "sessions",
    }
    response = render(request, "training/bkpp/session_list.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
def session_create(request):
    require_bkpp(request)
    status = 200
    if request.method == "POST":
        form = forms_bkpp.SessionForm(request.POST)
        if form.is_valid():
            try:
                session = services.create_session(
                    program=form.cleaned_data["program"], by=request.user, **form.service_kwargs()
                )
            except ServiceError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request,
                    _("Session created as a draft. Open it for registration when it is ready."),
                )
                return redirect("training:manage-session", pk=session.pk)
        status = BAD_INPUT
    else:
        initial = {}
        program = Program.objects.filter(pk=request.GET.get("program") or 0).first()
        if program is not None:
            initial = {"program": program.pk, "jp": program.default_jp}
        form = forms_bkpp.SessionForm(initial=initial)
    context = {
        "form": form,
        "sections": _sections(form, SESSION_LAYOUT),
        "title": _("New session"),
        "crumbs": [(reverse("training:manage-sessions"), _("Training sessions"))],
    }
    return render(request, "training/bkpp/session_form.html", context, status=status)


@login_required
def session_edit(request, pk: int):
    require_bkpp(request)
    session = _session(pk)
    status = 200
    if request.method == "POST":
        form = forms_bkpp.SessionForm(request.POST, session=session)
        if form.is_valid():
            try:
                services.update_session(session, by=request.user, **form.service_kwargs())
            except ServiceError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Session saved."))
                return redirect("training:manage-session", pk=session.pk)
        status = BAD_INPUT
    else:
        form = forms_bkpp.SessionForm(session=session)
    context = {
        "form": form,
        "sections": _sections(form, SESSION_LAYOUT),
        "title": _("Edit session"),
        **_session_context(session, "overview"),
    }
    return render(request, "training/bkpp/session_form.html", context, status=status)


def _quota_usage(session: Session) -> list[dict]:
    """Per OPD: its quota (if any), seats held, waiting. Two queries."""
    quotas = {q.opd_id: q for q in session.quotas.select_related("opd").order_by("opd__name")}
    usage: dict[int, dict] = {}
    rows = (
        session.registrations.order_by()
        .values("opd_id", "opd__name")
        .annotate(
            held=Count("id", filter=Q(state__in=services.SEAT_STATES)),
            waiting=Count("id", filter=Q(state=S.WAITLISTED)),
            pending=Count("id", filter=Q(state__in=(S.SUBMITTED, S.APPROVED))),
        )
    )
    for row in rows:
        usage[row["opd_id"]] = {
            "opd_id": row["opd_id"],
            "name": row["opd__name"],
            "held": row["held"],
            "waiting": row["waiting"],
            "pending": row["pending"],
            "quota": None,
        }
    for opd_id, quota in quotas.items():
        entry = usage.setdefault(
            opd_id, {"opd_id": opd_id, "name": quota.opd.name, "held": 0, "waiting": 0, "pending": 0, "quota": None}
        )
        entry["quota"] = quota
    on = today()
    for entry in usage.values():
        quota = entry["quota"]
        entry["released"] = quota is not None and quota.release_on <= on
        entry["full"] = quota is not None and not entry["released"] and entry["held"] >= quota.seats
    return sorted(usage.values(), key=lambda e: (e["quota"] is None, e["name"]))


def _detail_context(session: Session, **forms) -> dict:
    counts = _state_counts(session)
    on = today()
    quotas = _quota_usage(session)
    context = {
        **_session_context(session, "overview"),
        "counts": counts,
        "pending": counts[S.SUBMITTED] + counts[S.APPROVED],
        "quotas": quotas,
        "reserved": sum(e["quota"].seats for e in quotas if e["quota"] and not e["released"]),
        # Free seats that only the OPDs with an unreleased quota may still take.
        "held_for_quotas": min(
            session.seats_left,
            sum(max(e["quota"].seats - e["held"], 0) for e in quotas if e["quota"] and not e["released"]),
        ),
        "days": list(session.days.order_by("date")),
        "next_statuses": [
            (value, SessionStatus(value).label) for value in forms_bkpp.NEXT_STATUSES[SessionStatus(session.status)]
        ],
        "can_release": counts[S.WAITLISTED] > 0 and any(e["released"] for e in quotas),
        "capacity_form": forms.get("capacity_form") or forms_bkpp.CapacityForm(initial={"capacity": session.capacity}),
        "quota_form": forms.get("quota_form")
        or forms_bkpp.QuotaForm(initial={"release_on": session.registration_closes_on}),
        "status_form": forms.get("status_form") or forms_bkpp.StatusForm(),
        "today": on,
    }
    return context


@login_required
def session_detail(request, pk: int):
    require_bkpp(request)
    session = _session(pk)
    return render(request, "training/bkpp/session_detail.html", _detail_context(session))


@login_required
@require_POST
def session_capacity(request, pk: int):
    require_bkpp(request)
    session = _session(pk)
    form = forms_bkpp.CapacityForm(request.POST)
    if form.is_valid():
        try:
            services.change_capacity(session, form.cleaned_data["capacity"], by=request.user, today=today())
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Seats changed to %(seats)s.") % {"seats": form.cleaned_data["capacity"]})
            return redirect("training:manage-session", pk=session.pk)
    return render(
        request, "training/bkpp/session_detail.html", _detail_context(session, capacity_form=form), status=BAD_INPUT
    )


@login_required
@require_POST
def session_quota(request, pk: int):
    require_bkpp(request)
    session = _session(pk)
    form = forms_bkpp.QuotaForm(request.POST)
    if form.is_valid():
        try:
            quota = services.set_quota(session, by=request.user, today=today(), **form.cleaned_data)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("%(seats)s seats reserved for %(opd)s.") % {"seats": quota.seats, "opd": quota.opd.name}
            )
            return redirect(f"{reverse('training:manage-session', args=[session.pk])}#quotas")
    return render(
        request, "training/bkpp/session_detail.html", _detail_context(session, quota_form=form), status=BAD_INPUT
    )


@login_required
@require_POST
def session_status(request, pk: int):
    require_bkpp(request)
    session = _session(pk)
    form = forms_bkpp.StatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_session_status(
                session,
                form.cleaned_data["status"],
                by=request.user,
                today=today(),
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            label = SessionStatus(form.cleaned_data["status"]).label
            messages.success(request, _("The session is now “%(status)s”.") % {"status": label})
            return redirect("training:manage-session", pk=session.pk)
    return render(
        request, "training/bkpp/session_detail.html", _detail_context(session, status_form=form), status=BAD_INPUT
    )


@login_required
@require_POST
def session_release_quotas(request, pk: int):
    require_bkpp(request)
    session = _session(pk)
    confirmed = services.release_quotas(session, by=request.user, today=today())
    if confirmed:
        messages.success(
            request,
            _("Released quota seats went to the waiting list: %(count)d registration(s) confirmed.")
            % {"count": len(confirmed)},
        )
    else:
        messages.info(request, _("No waiting registration could take a released seat."))
    return redirect(f"{reverse('training:manage-session', args=[session.pk])}#quotas")


@login_required
def session_schedule(request, pk: int):
    """The days of the session (attendance is ticked per day): hours and topic, remove a day
    without attendance, add a day within the session's dates.

    There is no schedule service yet (training.services creates the days with the session),
    so the rows are written here, in one transaction; see the report to the lead."""
    require_bkpp(request)
    session = _session(pk)
    days = list(session.days.annotate(marks=Count("attendance")).order_by("date"))
    status = 200
    add_form = forms_bkpp.AddDayForm(session=session)
    day_forms = [forms_bkpp.SessionDayForm(prefix=f"day-{day.pk}", initial=_day_initial(day)) for day in days]
    for day, form in zip(days, day_forms, strict=True):
        # A day with attendance marks stays (the marks hang on it): no remove box.
        form.fields["delete"].disabled = bool(day.marks)
    if request.method == "POST" and request.POST.get("action") == "add":
        add_form = forms_bkpp.AddDayForm(request.POST, session=session)
        if add_form.is_valid():
            SessionDay.objects.get_or_create(session=session, date=add_form.cleaned_data["date"])
            messages.success(request, _("Day added to the schedule."))
            return redirect("training:manage-session-schedule", pk=session.pk)
        status = BAD_INPUT
    elif request.method == "POST":
        day_forms = [forms_bkpp.SessionDayForm(request.POST, prefix=f"day-{day.pk}") for day in days]
        for day, form in zip(days, day_forms, strict=True):
            form.fields["delete"].disabled = bool(day.marks)
        valid = all(form.is_valid() for form in day_forms)
        if valid and all(form.cleaned_data["delete"] for form in day_forms):
            day_forms[0].add_error("delete", _("A session needs at least one day."))
            valid = False
        if valid:
            with transaction.atomic():
                for day, form in zip(days, day_forms, strict=True):
                    if form.cleaned_data["delete"]:
                        day.delete()
                        continue
                    day.starts_at = form.cleaned_data["starts_at"]
                    day.ends_at = form.cleaned_data["ends_at"]
                    day.topic = form.cleaned_data["topic"].strip()
                    day.save(update_fields=["starts_at", "ends_at", "topic"])
            messages.success(request, _("Schedule saved."))
            return redirect("training:manage-session-schedule", pk=session.pk)
        status = BAD_INPUT
    context = {
        **_session_context(session, "schedule"),
        "rows": list(zip(days, day_forms, strict=True)),
        "add_form": add_form,
        "outside": [day for day in days if not session.starts_on <= day.date <= session.ends_on],
    }
    return render(request, "training/bkpp/session_schedule.html", context, status=status)


def _day_initial(day: SessionDay) -> dict:
    return {"starts_at": day.starts_at, "ends_at": day.ends_at, "topic": day.topic}


# ---------------------------------------------------------------------------------------------
# Participants
# ---------------------------------------------------------------------------------------------


def _participants_context(request, session: Session) -> dict:
    form = forms_bkpp.ParticipantFilterForm(request.GET or None)
    registrations = session.registrations.select_related("employee__position", "employee__rank", "opd", "nominated_by")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("q"):
            digits = "".join(ch for ch in data["q"] if ch.isdigit())
            condition = Q(employee__name__icontains=data["q"])
            if len(digits) >= 4:
                condition |= Q(employee__nip__startswith=digits)
            registrations = registrations.filter(condition)
        if data.get("state"):
            registrations = registrations.filter(state=data["state"])
        if data.get("opd"):
            registrations = registrations.filter(opd=data["opd"])
    elif form.is_bound:
        registrations = registrations.none()
    page = Paginator(registrations.order_by("submitted_at", "id"), PARTICIPANTS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    waiting = session.registrations.filter(state=S.WAITLISTED).select_related("employee", "opd")
    approved = session.registrations.filter(state=S.APPROVED).select_related("employee", "opd")
    counts = _state_counts(session)
    return {
        **_session_context(session, "participants"),
        "form": form,
        "page": page,
        "query": _query(request),
        "counts": counts,
        "total": sum(counts.values()),
        "state_counts": [(value, label, counts[value]) for value, label in S.choices if counts[value]],
        "waiting": list(waiting.order_by("queued_at", "id")[:WAITLIST_SHOWN]),
        "waiting_more": max(counts[S.WAITLISTED] - WAITLIST_SHOWN, 0),
        "approved": list(approved.order_by("queued_at", "id")[:WAITLIST_SHOWN]),
        "quotas": _quota_usage(session),
        "confirmable": (S.APPROVED, S.WAITLISTED),
        "cancellable": (S.SUBMITTED, S.APPROVED, S.WAITLISTED, S.CONFIRMED),
        "filtered": form.is_bound and any(form.data.get(name) for name in form.fields),
    }


@login_required
def participants(request, pk: int):
    require_bkpp(request)
    session = _session(pk)
    return render(request, "training/bkpp/participants.html", _participants_context(request, session))


@login_required
@require_POST
def registration_confirm(request, pk: int):
    require_bkpp(request)
    registration = _registration(pk)
    try:
        confirmed = services.confirm(registration, by=request.user, today=today())
    except ServiceError as error:
        context = _participants_context(request, registration.session)
        context["action_error"] = error.message
        return render(request, "training/bkpp/participants.html", context, status=BAD_INPUT)
    if confirmed.state == S.CONFIRMED:
        messages.success(request, _("Seat confirmed for %(name)s.") % {"name": registration.employee.full_name})
    else:
        messages.warning(
            request,
            _("No seat is free: %(name)s is on the waiting list.") % {"name": registration.employee.full_name},
        )
    return redirect("training:manage-participants", pk=registration.session_id)


@login_required
def registration_cancel(request, pk: int):
    require_bkpp(request)
    registration = _registration(pk)
    status = 200
    if request.method == "POST":
        form = forms_bkpp.CancelForm(request.POST)
        if form.is_valid():
            try:
                services.cancel(
                    registration, by=request.user, today=today(), reason=form.cleaned_data["reason"], as_bkpp=True
                )
            except ServiceError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request, _("Registration of %(name)s cancelled.") % {"name": registration.employee.full_name}
                )
                return redirect("training:manage-participants", pk=registration.session_id)
        status = BAD_INPUT
    else:
        form = forms_bkpp.CancelForm()
    context = {
        **_session_context(registration.session, "participants"),
        "registration": registration,
        "form": form,
    }
    return render(request, "training/bkpp/registration_cancel.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# Attendance
# ---------------------------------------------------------------------------------------------


def _pick_day(days: list[SessionDay], wanted) -> SessionDay | None:
    if not days:
        return None
    by_pk = {str(day.pk): day for day in days}
    if wanted and str(wanted) in by_pk:
        return by_pk[str(wanted)]
    on = today()
    return next((day for day in days if day.date == on), None) or (
        days[0] if on < days[0].date else next((d for d in reversed(days) if d.date <= on), days[0])
    )


def _attendance_rows(session: Session, day: SessionDay) -> list[dict]:
    """Every participant holding a seat, with the day's mark and their days present: three
    queries whatever the number of participants."""
    participants_ = list(
        session.registrations.filter(state__in=services.SEAT_STATES)
        .select_related("employee", "opd")
        .order_by("employee__name", "id")
    )
    marks = dict(Attendance.objects.filter(day=day).values_list("registration_id", "is_present"))
    present_days = dict(
        Attendance.objects.filter(registration__session=session, is_present=True)
        .order_by()
        .values_list("registration_id")
        .annotate(n=Count("id"))
    )
    return [
        {
            "registration": registration,
            "present": marks.get(registration.pk),
            "days_present": present_days.get(registration.pk, 0),
        }
        for registration in participants_
    ]


def _attendance_context(session: Session, day: SessionDay | None) -> dict:
    days = list(session.days.order_by("date"))
    rows = _attendance_rows(session, day) if day else []
    return {
        **_session_context(session, "attendance"),
        "days": days,
        "day": day,
        "rows": rows,
        "present_count": sum(1 for row in rows if row["present"]),
        "day_count": len(days),
    }


@login_required
def attendance(request, pk: int):
    """The attendance grid of one day. With htmx each tick saves at once (attendance_mark);
    without JavaScript the grid is a plain form saved with its button."""
    require_bkpp(request)
    session = _session(pk)
    days = list(session.days.order_by("date"))
    day = _pick_day(days, request.POST.get("day") or request.GET.get("day"))
    if request.method == "POST" and day is not None:
        shown = {int(value) for value in request.POST.getlist("shown") if value.isdigit()}
        present = {int(value) for value in request.POST.getlist("present") if value.isdigit()}
        try:
            services.record_attendance(day, present={pk_: pk_ in present for pk_ in shown}, by=request.user)
        except ServiceError as error:
            context = _attendance_context(session, day)
            context["action_error"] = error.message
            return render(request, "training/bkpp/attendance.html", context, status=BAD_INPUT)
        messages.success(request, _("Attendance saved."))
        return redirect(f"{reverse('training:manage-attendance', args=[session.pk])}?day={day.pk}")
    return render(request, "training/bkpp/attendance.html", _attendance_context(session, day))


def _session_day(session: Session, day_pk: int) -> SessionDay:
    day = SessionDay.objects.filter(session=session, pk=day_pk).first()
    if day is None:
        raise Http404(_("Day not found."))
    return day


@login_required
@require_POST
@never_cache
def attendance_mark(request, pk: int, day_pk: int):
    """One tick of the grid (htmx): the registration's mark for the day, then its row."""
    require_bkpp(request)
    session = _session(pk)
    day = _session_day(session, day_pk)
    registration_id = request.POST.get("registration", "")
    if not registration_id.isdigit():
        return HttpResponse(_("Choose a participant."), status=BAD_INPUT)
    # The switch posts its own value (the registration's pk) when ticked; htmx also sends the
    # grid form's other ticks, so look for this registration among them.
    is_present = registration_id in request.POST.getlist("present")
    try:
        services.record_attendance(day, present={int(registration_id): is_present}, by=request.user)
    except ServiceError as error:
        return HttpResponse(error.message, status=BAD_INPUT)
    if not request.htmx:
        return redirect(f"{reverse('training:manage-attendance', args=[session.pk])}?day={day.pk}")
    context = _attendance_context(session, day)
    row = next(r for r in context["rows"] if r["registration"].pk == int(registration_id))
    context.update(row=row, just_saved=True)
    return render(request, "training/bkpp/attendance.html#toggled", context)


@login_required
@require_POST
def attendance_all(request, pk: int, day_pk: int):
    require_bkpp(request)
    session = _session(pk)
    day = _session_day(session, day_pk)
    count = services.mark_all_present(day, by=request.user)
    if request.htmx:
        context = _attendance_context(session, day)
        context["saved_all"] = count
        return render(request, "training/bkpp/attendance.html#grid", context)
    messages.success(request, _("%(count)d participant(s) marked present.") % {"count": count})
    return redirect(f"{reverse('training:manage-attendance', args=[session.pk])}?day={day.pk}")


# ---------------------------------------------------------------------------------------------
# Results and certificates
# ---------------------------------------------------------------------------------------------


def _results_context(session: Session, *, form=None, upload_form=None) -> dict:
    registrations = list(
        session.registrations.filter(state__in=services.SEAT_STATES)
        .select_related("employee", "opd", "certificate")
        .order_by("employee__name", "id")
    )
    confirmed = [r for r in registrations if r.state == S.CONFIRMED]
    decided = [r for r in registrations if r.state != S.CONFIRMED]
    kind = imports.get(results_import.RESULTS)
    return {
        **_session_context(session, "results"),
        "form": form or forms_bkpp.ResultsForm(registrations=confirmed),
        "decided": decided,
        "upload_form": upload_form or ImportForm(kind=kind),
        "session_code": results_import.session_code(session),
        "kind": kind,
        "counts": Counter(r.state for r in registrations),
        "can_record": session.status in (SessionStatus.RUNNING, SessionStatus.FINISHED) or today() >= session.starts_on,
    }


@login_required
def results(request, pk: int):
    require_bkpp(request)
    session = _session(pk)
    if request.method != "POST":
        return render(request, "training/bkpp/results.html", _results_context(session))
    confirmed = session.registrations.filter(state=S.CONFIRMED).select_related("employee").order_by("employee__name")
    form = forms_bkpp.ResultsForm(request.POST, registrations=confirmed)
    if form.is_valid():
        entries = list(form.entries())
        if not entries:
            messages.info(request, _("Choose a result for at least one participant."))
            return redirect("training:manage-results", pk=session.pk)
        try:
            # All rows of the page or none: a refused row rolls back the others.
            with transaction.atomic():
                for registration, passed, score, notes in entries:
                    failed_on = registration
                    services.record_result(
                        registration, passed=passed, by=request.user, on=today(), score=score, notes=notes
                    )
        except ServiceError as error:
            form.add_row_error(failed_on, error)
        else:
            passed_count = sum(1 for _r, passed, _s, _n in entries if passed)
            messages.success(
                request,
                _("%(count)d result(s) recorded; %(passed)d certificate(s) issued.")
                % {"count": len(entries), "passed": passed_count},
            )
            return redirect("training:manage-results", pk=session.pk)
    return render(request, "training/bkpp/results.html", _results_context(session, form=form), status=BAD_INPUT)


@login_required
def results_sheet(request, pk: int):
    """The session's results sheet (.xlsx) with its participants filled in."""
    require_bkpp(request)
    session = _session(pk)
    response = HttpResponse(results_import.session_sheet(session), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{results_import.sheet_filename(session)}"'
    return response


@login_required
@require_POST
def results_upload(request, pk: int):
    """Upload this session's results sheet: checked here (file, header, that it is this
    session's), then imported by the import job of kind hasil_pelatihan (all or nothing)."""
    require_bkpp(request)
    session = _session(pk)
    kind = imports.get(results_import.RESULTS)
    if kind is None or not kind.may_use(request.user):
        raise PermissionDenied(_("You may not run this import."))
    form = ImportForm(request.POST, request.FILES, kind=kind)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        codes = results_import.codes_in_upload(upload, upload.name)
        expected = results_import.session_code(session)
        if codes and codes != {expected.casefold()}:
            form.add_error(
                "file",
                _("This file is not the results sheet of session %(code)s: its sesi column says %(found)s.")
                % {"code": expected, "found": ", ".join(sorted(codes))},
            )
        else:
            job = core_importing.start_import(upload, kind=kind.code, by=request.user, language=get_language())
            return redirect("portal:import-detail", pk=job.pk)
    status = 413 if form.is_too_large else BAD_INPUT
    return render(request, "training/bkpp/results.html", _results_context(session, upload_form=form), status=status)


@login_required
def certificate_revoke(request, pk: int):
    require_bkpp(request)
    certificate = (
        Certificate.objects.select_related("registration__session__program", "registration__employee")
        .filter(pk=pk)
        .first()
    )
    if certificate is None:
        raise Http404(_("Certificate not found."))
    session = certificate.registration.session
    status = 200
    if request.method == "POST":
        form = forms_bkpp.RevokeForm(request.POST)
        if form.is_valid():
            try:
                services.revoke_certificate(certificate, by=request.user, reason=form.cleaned_data["reason"])
            except ServiceError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Certificate %(number)s revoked.") % {"number": certificate.number})
                return redirect("training:manage-results", pk=session.pk)
        status = BAD_INPUT
    else:
        form = forms_bkpp.RevokeForm()
    context = {**_session_context(session, "results"), "certificate": certificate, "form": form}
    return render(request, "training/bkpp/certificate_revoke.html", context, status=status)


@login_required
def certificate_pdf(request, pk: int):
    """The certificate of a registration as PDF, for whoever may see the registration
    (training.permissions: the holder, their supervisor, their OPD's operator, BKPP). A
    registration one may not see, or without a certificate, is a 404; a revoked certificate
    is not handed out (410, with a page saying so)."""
    registration = permissions.get_registration_for_user(request.user, pk)
    certificate = (
        Certificate.objects.select_related("registration__session__program", "registration__employee")
        .filter(registration_id=registration.pk)
        .first()
    )
    if certificate is None:
        raise Http404(_("This registration has no certificate."))
    if not certificate.is_valid:
        context = {"certificate": certificate, "registration": registration}
        return render(request, "training/bkpp/certificate_revoked.html", context, status=410)
    response = HttpResponse(certificates.render_certificate(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificates.filename(certificate)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------


@login_required
def evaluation(request, pk: int):
    """The participants' questionnaire per session (averages, the spread of each rating,
    comments without names) and the supervisors' follow-up answers."""
    require_bkpp(request)
    session = _session(pk)
    evaluations = Evaluation.objects.filter(registration__session=session)
    aggregates = {"count": Count("id")}
    for name, _label in RATINGS:
        aggregates[f"{name}_avg"] = Avg(name)
        for value in range(1, 6):
            aggregates[f"{name}_{value}"] = Count("id", filter=Q(**{name: value}))
    summary = evaluations.aggregate(**aggregates)
    count = summary["count"]
    ratings = []
    for name, label in RATINGS:
        spread = [(value, summary[f"{name}_{value}"]) for value in range(5, 0, -1)]
        ratings.append(
            {
                "name": name,
                "label": label,
                "average": summary[f"{name}_avg"],
                "spread": [(value, n, round(100 * n / count) if count else 0) for value, n in spread],
            }
        )
    finished = session.registrations.filter(state__in=(S.COMPLETED, S.FAILED)).count()
    comments = Paginator(
        evaluations.exclude(comment="").order_by("-submitted_at", "-id").values("comment", "submitted_at"), 20
    ).get_page(request.GET.get("page"))
    follow_ups = list(
        FollowUp.objects.filter(registration__session=session)
        .select_related("registration__employee", "supervisor")
        .order_by("answered_at", "registration__employee__name", "id")
    )
    averages = [r["average"] for r in ratings if r["average"] is not None]
    context = {
        **_session_context(session, "evaluation"),
        "count": count,
        "finished": finished,
        "response_rate": round(100 * count / finished) if finished else None,
        "overall": round(sum(averages) / len(averages), 2) if averages else None,
        "ratings": ratings,
        "comments": comments,
        "follow_ups": follow_ups,
        "follow_up_counts": {
            "asked": len(follow_ups),
            "answered": sum(1 for f in follow_ups if f.answered_at),
            "used": sum(1 for f in follow_ups if f.is_used is True),
            "not_used": sum(1 for f in follow_ups if f.is_used is False),
        },
    }
    return render(request, "training/bkpp/evaluation.html", context)


# ---------------------------------------------------------------------------------------------
# Compliance (BKPP: every OPD; operators: their OPDs)
# ---------------------------------------------------------------------------------------------


def _compliance_filters(request):
    on = today()
    years = list(range(on.year, on.year - 5, -1))
    opds = compliance.opds_for(request.user).order_by("name")
    form = forms_bkpp.ComplianceForm(request.GET or None, years=years, opds=opds, initial={"year": on.year})
    year, opd = on.year, None
    if form.is_bound and form.is_valid():
        year, opd = form.cleaned_data["year"], form.cleaned_data["opd"]
    scope = compliance.scope_for(request.user)
    if opd is not None:
        scope = scope.filter(opd=opd)
    return form, year, opd, scope, on


@login_required
def compliance_page(request):
    require_compliance_viewer(request)
    form, year, opd, scope, on = _compliance_filters(request)
    rows = compliance.by_opd(scope, year)
    total = compliance.overall(rows)
    at_risk = Paginator(compliance.at_risk(scope, year), PAGE_SIZE).get_page(request.GET.get("page"))
    chart = [{"name": r.name, "share": r.share or 0, "met": r.met, "below": r.below} for r in rows]
    context = {
        "form": form,
        "year": year,
        "opd": opd,
        "rows": rows,
        "total": total,
        "at_risk": at_risk,
        "query": _query(request),
        "chart": chart,
        "chart_height": max(200, 34 * len(chart) + 70),
        "is_bkpp": permissions.can_manage_training(request.user),
        "operator_view": not permissions.can_manage_training(request.user),
        "targets": compliance.target_summary(),
        "today": on,
        "tab": "compliance",
    }
    return render(request, "training/bkpp/compliance.html", context)


@login_required
def mandatory(request):
    require_compliance_viewer(request)
    form, _year, opd, scope, on = _compliance_filters(request)
    tab = "integrity" if request.GET.get("list") == "integrity" else "leadership"
    leadership = compliance.missing_leadership(scope, on)
    integrity = compliance.missing_integrity(scope)
    page = Paginator(leadership if tab == "leadership" else integrity, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "opd": opd,
        "list": tab,
        "page": page,
        "counts": {"leadership": leadership.count(), "integrity": integrity.count()},
        "query": _query(request),
        "required": compliance.required_leadership(),
        "is_bkpp": permissions.can_manage_training(request.user),
        "operator_view": not permissions.can_manage_training(request.user),
        "today": on,
        "tab": "mandatory",
    }
    return render(request, "training/bkpp/mandatory.html", context)


# ---------------------------------------------------------------------------------------------
# Menu
# ---------------------------------------------------------------------------------------------


def _manages(request) -> bool:
    return permissions.can_manage_training(request.user)


def register_nav() -> None:
    """The "Kelola Diklat" menu entry of Admin BKPP (asn_portal.extensions), from
    TrainingConfig.ready(). Operators reach their OPDs' compliance from the pages of
    training/views/people.py."""
    register_nav_item(
        NavItem(
            "training-manage",
            gettext_lazy("Manage training"),
            "training:manage-sessions",
            "bi-mortarboard",
            _manages,
            order=45,
        )
    )
