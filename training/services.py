"""Training state changes: programmes and sessions, the registration state machine with seat
allocation, attendance, results and certificates, evaluations, outside learning — and the JP
ledger, the one definition of "JP in a year" every page and report uses.

Seat allocation locks the session row (`select_for_update`) and keeps `confirmed_count`, which
a check constraint holds at or below `capacity`: no overbooking under any concurrency, and no
table lock (DESIGN.md). Transitions record who, when and why (RegistrationEvent); follow-up
e-mails leave after the commit (asn_portal.services.notify)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from asn_portal.models import Employee, OrgUnit, User
from asn_portal.services import ServiceError, notify
from asn_portal.uploads import check_document
from integrity import services as integrity
from training import rules
from training.models import (
    Attendance,
    Certificate,
    ConfirmationMode,
    Evaluation,
    FollowUp,
    OutsideLearning,
    OutsideStatus,
    Program,
    Registration,
    RegistrationEvent,
    RegistrationState,
    Session,
    SessionDay,
    SessionQuota,
    SessionStatus,
)

S = RegistrationState
# States that hold a seat: confirmed, and what a confirmed registration becomes.
SEAT_STATES = (S.CONFIRMED, S.COMPLETED, S.FAILED, S.NO_SHOW)

# ---------------------------------------------------------------------------------------------
# JP ledger (DOMAIN.md §6.1)
# ---------------------------------------------------------------------------------------------


def _jp_from_sessions(year: int):
    return (
        Registration.objects.filter(employee_id=OuterRef("pk"), state=S.COMPLETED, session__ends_on__year=year)
        .values("employee_id")
        .annotate(total=Sum("session__jp"))
        .values("total")
    )


def _jp_from_outside(year: int):
    return (
        OutsideLearning.objects.filter(employee_id=OuterRef("pk"), status=OutsideStatus.VERIFIED, ends_on__year=year)
        .values("employee_id")
        .annotate(total=Sum("jp"))
        .values("total")
    )


def with_jp(queryset: QuerySet[Employee], year: int) -> QuerySet[Employee]:
    """Annotate `jp_sessions`, `jp_outside` and `jp_total` for the calendar year: JP of
    completed sessions that ended that year plus verified outside learning that ended that
    year. One query however many employees."""
    return queryset.annotate(
        jp_sessions=Coalesce(Subquery(_jp_from_sessions(year), output_field=IntegerField()), Value(0)),
        jp_outside=Coalesce(Subquery(_jp_from_outside(year), output_field=IntegerField()), Value(0)),
    ).annotate(jp_total=F("jp_sessions") + F("jp_outside"))


def jp_target(employee: Employee) -> int:
    return rules.jp_target(
        employee.employment_type, pns=settings.SIGAP_JP_TARGET_PNS, pppk=settings.SIGAP_JP_TARGET_PPPK
    )


def jp_total(employee: Employee, year: int) -> int:
    return with_jp(Employee.objects.filter(pk=employee.pk), year).values_list("jp_total", flat=True).first() or 0


@dataclass(frozen=True)
class JpEntry:
    ended_on: dt.date
    title: str
    jp: int
    source: str  # "session" or "outside"
    pk: int


def jp_history(employee: Employee) -> list[JpEntry]:
    """Every JP-earning item of the employee, newest first (two queries)."""
    entries = [
        JpEntry(r.session.ends_on, r.session.program.title, r.session.jp, "session", r.pk)
        for r in Registration.objects.filter(employee=employee, state=S.COMPLETED).select_related("session__program")
    ] + [
        JpEntry(o.ends_on, o.title, o.jp, "outside", o.pk)
        for o in OutsideLearning.objects.filter(employee=employee, status=OutsideStatus.VERIFIED)
    ]
    return sorted(entries, key=lambda e: (e.ended_on, e.pk), reverse=True)


# ---------------------------------------------------------------------------------------------
# Programmes and sessions
# ---------------------------------------------------------------------------------------------


def _check_positive_jp(jp) -> None:
    if jp is None or jp <= 0:
        raise ServiceError(_("JP must be a whole number above zero."), "jp_not_positive", "jp")


@transaction.atomic
def save_program(program: Program, *, by: User | None) -> Program:
    """Create or update a programme (fields set by the caller's form); applies the rules."""
    _check_positive_jp(program.default_jp)
    if program.min_rank_id and program.max_rank_id and program.min_rank_id > program.max_rank_id:
        raise ServiceError(_("The lowest rank is above the highest."), "rank_range", "min_rank")
    if program.pk is None and program.is_leadership:
        program.blocked_by_sanction = True  # DOMAIN.md §8.3
    try:
        with transaction.atomic():
            program.save()
    except IntegrityError as exc:
        raise ServiceError(
            _("Programme code %(code)s is already used.") % {"code": program.code}, "code_exists", "code"
        ) from exc
    return program


def _check_session(session: Session) -> None:
    _check_positive_jp(session.jp)
    if session.ends_on < session.starts_on:
        raise ServiceError(_("The last day cannot be before the first day."), "ends_before_start", "ends_on")
    if session.registration_closes_on < session.registration_opens_on:
        raise ServiceError(
            _("Registration cannot close before it opens."), "registration_window", "registration_closes_on"
        )
    if session.registration_closes_on > session.ends_on:
        raise ServiceError(
            _("Registration must close by the session's last day."),
            "registration_after_session",
            "registration_closes_on",
        )
    if session.capacity is None or session.capacity <= 0:
        raise ServiceError(_("A session needs at least one seat."), "capacity_not_positive", "capacity")
    if session.cost_per_participant is not None and session.cost_per_participant < 0:
        raise ServiceError(_("The cost cannot be negative."), "negative_cost", "cost_per_participant")


def _check_days(session: Session, days: list[dt.date]) -> list[dt.date]:
    if len(set(days)) != len(days):
        raise ServiceError(_("A day appears twice in the schedule."), "duplicate_day", "days")
    outside = [d for d in days if not session.starts_on <= d <= session.ends_on]
    if outside:
        raise ServiceError(
            _("%(date)s is outside the session's dates.") % {"date": outside[0].isoformat()},
            "day_outside_session",
            "days",
        )
    return sorted(days)


@transaction.atomic
def create_session(*, program: Program, by: User | None, days: list[dt.date] | None = None, **fields) -> Session:
    """Create a session (draft) of a programme; JP default from the programme; a day row for
    every date from first to last day unless `days` says otherwise."""
    fields.setdefault("jp", program.default_jp)
    fields.setdefault("cancellation_deadline", fields.get("registration_closes_on"))
    batch = fields.pop("batch", None) or (
        (Session.objects.filter(program=program).order_by("-batch").values_list("batch", flat=True).first() or 0) + 1
    )
    session = Session(program=program, batch=batch, created_by=by, **fields)
    _check_session(session)
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError as exc:
        raise ServiceError(
            _("Batch %(batch)s of this programme exists already.") % {"batch": batch}, "batch_exists", "batch"
        ) from exc
    if days is None:
        days = [session.starts_on + dt.timedelta(days=i) for i in range((session.ends_on - session.starts_on).days + 1)]
    SessionDay.objects.bulk_create([SessionDay(session=session, date=day) for day in _check_days(session, days)])
    return session


@transaction.atomic
def update_session(session: Session, *, by: User | None, **fields) -> Session:
    """Change a session's dates, place, JP, window … (not its seats: `change_capacity`)."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if "capacity" in fields:
        raise ServiceError(_("Change the seats with the seats form."), "use_change_capacity", "capacity")
    for name, value in fields.items():
        setattr(session, name, value)
    _check_session(session)
    session.save()
    # Days outside new dates go (with their attendance), missing ones are added.
    if "starts_on" in fields or "ends_on" in fields:
        session.days.exclude(date__gte=session.starts_on, date__lte=session.ends_on).delete()
        have = set(session.days.values_list("date", flat=True))
        span = (session.ends_on - session.starts_on).days + 1
        wanted = [session.starts_on + dt.timedelta(days=i) for i in range(span)]
        SessionDay.objects.bulk_create([SessionDay(session=session, date=d) for d in wanted if d not in have])
    return session


@transaction.atomic
def change_capacity(session: Session, capacity: int, *, by: User | None, today: dt.date) -> Session:
    """Change the number of seats. Fewer than already confirmed is refused; more confirms the
    first waitlisted registrations at once."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if capacity <= 0:
        raise ServiceError(_("A session needs at least one seat."), "capacity_not_positive", "capacity")
    if capacity < session.confirmed_count:
        raise ServiceError(
            _("%(confirmed)s seats are already confirmed: the session cannot have fewer seats than that.")
            % {"confirmed": session.confirmed_count},
            "capacity_below_confirmed",
            "capacity",
        )
    reserved = _reserved_seats(session, today)
    if reserved > capacity:
        raise ServiceError(
            _("OPD quotas reserve %(reserved)s seats, more than %(capacity)s.")
            % {"reserved": reserved, "capacity": capacity},
            "quota_above_capacity",
            "capacity",
        )
    session.capacity = capacity
    session.save(update_fields=["capacity", "updated_at"])
    _fill_waitlist(session, by=by, today=today)
    return session


def _reserved_seats(session: Session, on: dt.date) -> int:
    return sum(q.seats for q in session.quotas.all() if q.release_on > on)


@transaction.atomic
def set_quota(
    session: Session, *, opd: OrgUnit, seats: int, release_on: dt.date, by: User | None, today: dt.date
) -> SessionQuota:
    """Reserve seats for an OPD (and limit it to them) until `release_on`."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if not opd.is_opd:
        raise ServiceError(_("Quotas are per OPD, not per sub-unit."), "not_an_opd", "opd")
    if seats <= 0:
        raise ServiceError(_("A quota needs at least one seat."), "quota_not_positive", "seats")
    others = sum(q.seats for q in session.quotas.exclude(opd=opd) if q.release_on > today)
    if others + seats > session.capacity:
        raise ServiceError(
            _("Quotas would reserve %(total)s seats, more than the %(capacity)s the session has.")
            % {"total": others + seats, "capacity": session.capacity},
            "quota_above_capacity",
            "seats",
        )
    quota, _created = SessionQuota.objects.update_or_create(
        session=session, opd=opd, defaults={"seats": seats, "release_on": release_on}
    )
    return quota


@transaction.atomic
def set_session_status(session: Session, status: str, *, by: User | None, today: dt.date, reason: str = "") -> Session:
    """Open, close, start, finish or cancel a session. Cancelling cancels every live
    registration and tells the employees."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    allowed = {
        SessionStatus.DRAFT: (SessionStatus.OPEN, SessionStatus.CANCELLED),
        SessionStatus.OPEN: (SessionStatus.CLOSED, SessionStatus.RUNNING, SessionStatus.CANCELLED, SessionStatus.DRAFT),
        SessionStatus.CLOSED: (SessionStatus.OPEN, SessionStatus.RUNNING, SessionStatus.CANCELLED),
        SessionStatus.RUNNING: (SessionStatus.FINISHED,),
        SessionStatus.FINISHED: (),
        SessionStatus.CANCELLED: (),
    }
    if status not in allowed[SessionStatus(session.status)]:
        raise ServiceError(
            _("A session that is “%(current)s” cannot become “%(next)s”.")
            % {"current": SessionStatus(session.status).label, "next": SessionStatus(status).label},
            "invalid_status",
            "status",
        )
    session.status = status
    session.save(update_fields=["status", "updated_at"])
    if status == SessionStatus.CANCELLED:
        for registration in session.registrations.filter(
            state__in=(S.SUBMITTED, S.APPROVED, S.WAITLISTED, S.CONFIRMED)
        ):
            _move(registration, S.CANCELLED, by=by, reason=reason or _("The session was cancelled."))
            _tell(registration, _("Training cancelled: %(title)s") % {"title": session.program.title}, "cancelled")
        session.confirmed_count = 0
        session.save(update_fields=["confirmed_count"])
    return session


# ---------------------------------------------------------------------------------------------
# Eligibility
# ---------------------------------------------------------------------------------------------


def candidate_for(employee: Employee, session: Session) -> rules.Candidate:
    """The employee's facts for eligibility: completed programmes, standing on the session's
    first day (integrity.services.standing), other confirmed sessions."""
    position = employee.position
    completed = frozenset(
        Registration.objects.filter(employee=employee, state=S.COMPLETED).values_list("session__program_id", flat=True)
    )
    standing = integrity.standing(employee, session.starts_on)
    busy = tuple(
        (r.session.starts_on, r.session.ends_on, r.session.program.title)
        for r in Registration.objects.filter(employee=employee, state=S.CONFIRMED)
        .exclude(session=session)
        .select_related("session__program")
    )
    return rules.Candidate(
        rank_id=employee.rank_id,
        rank_code=employee.rank.code if employee.rank else "",
        position_kind=position.kind if position else None,
        jenjang=position.jenjang if position else "",
        employment_type=employee.employment_type,
        completed_program_ids=completed,
        in_good_standing=standing.in_good_standing,
        standing_reason=" ".join(r for r in (standing.sanction_reason, standing.examination_reason)),
        busy_dates=busy,
    )


def offer_for(session: Session) -> rules.Offer:
    program = session.program
    return rules.Offer(
        min_rank_id=program.min_rank_id,
        min_rank_code=program.min_rank.code if program.min_rank else "",
        max_rank_id=program.max_rank_id,
        max_rank_code=program.max_rank.code if program.max_rank else "",
        position_kinds=tuple(program.position_kinds or ()),
        jenjang=tuple(program.jenjang or ()),
        employment_types=tuple(program.employment_types or ()),
        prior_program_id=program.prior_program_id,
        prior_program_title=program.prior_program.title if program.prior_program else "",
        blocked_by_sanction=program.blocked_by_sanction,
        starts_on=session.starts_on,
        ends_on=session.ends_on,
    )


def eligibility(employee: Employee, session: Session) -> list[rules.Criterion]:
    return rules.eligibility(candidate_for(employee, session), offer_for(session))


# ---------------------------------------------------------------------------------------------
# The registration state machine
# ---------------------------------------------------------------------------------------------


def _move(registration: Registration, to_state: str, *, by: User | None, reason: str = "") -> Registration:
    RegistrationEvent.objects.create(
        registration=registration, from_state=registration.state, to_state=to_state, by=by, reason=reason
    )
    registration.state = to_state
    if to_state in (S.APPROVED, S.WAITLISTED) and registration.queued_at is None:
        registration.queued_at = timezone.now()
    registration.save(update_fields=["state", "queued_at", "updated_at"])
    return registration


def _tell(registration: Registration, title: str, key: str, body: str = "", *, kind: str = "") -> None:
    user = registration.employee.user
    if user is None:
        return
    notify(
        user,
        title=title,
        body=body,
        url=reverse("training:registration-detail", args=[registration.pk]),
        key=f"training-registration-{registration.pk}-{key}",
        kind=kind,
    )


def _lock_session(session_id: int) -> Session:
    return Session.objects.select_for_update().select_related("program").get(pk=session_id)


def _can_take_seat(session: Session, opd_id: int, today: dt.date) -> bool:
    """Under the session's lock: a free seat, and room in the OPD's quota (or in the pool
    outside the unreleased quotas)."""
    if session.confirmed_count >= session.capacity:
        return False
    quotas = {q.opd_id: q.seats for q in session.quotas.all() if q.release_on > today}
    if not quotas:
        return True
    by_opd = Counter(
        dict(session.registrations.filter(state__in=SEAT_STATES).values_list("opd_id").annotate(n=Count("id")))
    )
    if opd_id in quotas:
        return by_opd[opd_id] < quotas[opd_id]
    pool = session.capacity - sum(quotas.values())
    return sum(n for opd, n in by_opd.items() if opd not in quotas) < pool


def _allocate(session: Session, registration: Registration, *, by: User | None, today: dt.date) -> Registration:
    """Confirm the registration if a seat (and quota) is free, else put it on the waiting list."""
    if _can_take_seat(session, registration.opd_id, today):
        from_waitlist = registration.state == S.WAITLISTED  # BKPP confirming a waiting seat by hand
        session.confirmed_count += 1
        session.save(update_fields=["confirmed_count"])
        _move(registration, S.CONFIRMED, by=by)
        _tell(
            registration,
            _("Seat confirmed: %(title)s") % {"title": session.program.title},
            "confirmed",
            kind="training_waitlist_confirmed" if from_waitlist else "",
        )
    else:
        _move(registration, S.WAITLISTED, by=by)
        _tell(registration, _("On the waiting list: %(title)s") % {"title": session.program.title}, "waitlisted")
    return registration


def _fill_waitlist(session: Session, *, by: User | None, today: dt.date) -> list[Registration]:
    """Under the session's lock: confirm waitlisted registrations in arrival order while seats
    (and their quotas) allow."""
    confirmed = []
    for registration in session.registrations.filter(state=S.WAITLISTED).order_by("queued_at", "id"):
        if session.confirmed_count >= session.capacity:
            break
        if _can_take_seat(session, registration.opd_id, today):
            session.confirmed_count += 1
            session.save(update_fields=["confirmed_count"])
            _move(registration, S.CONFIRMED, by=by, reason=_("A seat became free."))
            _tell(
                registration,
                _("Seat confirmed: %(title)s") % {"title": session.program.title},
                "confirmed",
                kind="training_waitlist_confirmed",  # training.reminders.WAITLIST_CONFIRMED
            )
            confirmed.append(registration)
    return confirmed


def _check_registration_open(session: Session, today: dt.date) -> None:
    if session.status == SessionStatus.CANCELLED:
        raise ServiceError(_("This session has been cancelled."), "session_cancelled", "session")
    if not session.registration_open_on(today):
        raise ServiceError(
            _("Registration for this session is not open (window %(opens)s – %(closes)s).")
            % {
                "opens": session.registration_opens_on.isoformat(),
                "closes": session.registration_closes_on.isoformat(),
            },
            "registration_closed",
            "session",
        )


@transaction.atomic
def register(
    *, session: Session, employee: Employee, by: User | None, today: dt.date, motivation: str = ""
) -> Registration:
    """Register an employee (themselves, or nominated by an operator or BKPP). Checks the
    window and every eligibility criterion. A nomination, or a session without approval,
    goes straight to seat allocation; otherwise the direct supervisor decides first.
    Raises `ServiceError`.

    The eligibility questions (standing, JP, prerequisites) are asked before the session's row
    is locked, so a burst of registrations queues only for the seat allocation itself."""
    session = Session.objects.select_related("program").get(pk=session.pk)
    _check_registration_open(session, today)
    if Registration.objects.filter(session=session, employee=employee, state__in=S.live()).exists():
        raise ServiceError(
            _("%(name)s is already registered for this session.") % {"name": employee.full_name},
            "already_registered",
            "employee",
        )
    failed = [c for c in eligibility(employee, session) if not c.ok]
    if failed:
        raise ServiceError(" ".join(c.message for c in failed), f"not_eligible_{failed[0].code}", "employee")
    session = _lock_session(session.pk)
    _check_registration_open(session, today)  # BKPP may have closed it meanwhile
    nominated = by is not None and by.pk != employee.user_id
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                session=session,
                employee=employee,
                opd_id=employee.opd_id,
                nominated_by=by if nominated else None,
                motivation=motivation.strip(),
            )
    except IntegrityError as exc:  # a simultaneous second registration
        raise ServiceError(
            _("%(name)s is already registered for this session.") % {"name": employee.full_name},
            "already_registered",
            "employee",
        ) from exc
    RegistrationEvent.objects.create(registration=registration, from_state="", to_state=S.SUBMITTED, by=by)
    if nominated:
        _tell(registration, _("You have been nominated for %(title)s") % {"title": session.program.title}, "nominated")
    if nominated or not session.approval_required or employee.supervisor_id is None:
        reason = (
            _("Nominated.")
            if nominated
            else (_("No approval needed.") if not session.approval_required else _("No direct supervisor recorded."))
        )
        _move(registration, S.APPROVED, by=by, reason=reason)
        if session.confirmation_mode == ConfirmationMode.AUTOMATIC:
            _allocate(session, registration, by=by, today=today)
    else:
        supervisor_user = employee.supervisor.user
        if supervisor_user is not None:
            notify(
                supervisor_user,
                title=_("Approval needed: %(name)s — %(title)s")
                % {"name": employee.full_name, "title": session.program.title},
                url=reverse("training:approvals"),
                key=f"training-registration-{registration.pk}-approval",
            )
    return registration


def _locked_registration(registration: Registration) -> tuple[Session, Registration]:
    # Lock order: session, then registration (the same everywhere: no deadlock).
    session = _lock_session(registration.session_id)
    registration = Registration.objects.select_for_update().select_related("employee").get(pk=registration.pk)
    return session, registration


def _require(registration: Registration, *states: str) -> None:
    if registration.state not in states:
        raise ServiceError(
            _("This registration is “%(state)s”: that step is not possible now.")
            % {"state": RegistrationState(registration.state).label},
            "invalid_transition",
            "state",
        )


@transaction.atomic
def approve(registration: Registration, *, by: User | None, today: dt.date) -> Registration:
    """The supervisor approves; with automatic confirmation the seat is allocated at once."""
    session, registration = _locked_registration(registration)
    _require(registration, S.SUBMITTED)
    _move(registration, S.APPROVED, by=by)
    if session.confirmation_mode == ConfirmationMode.AUTOMATIC:
        _allocate(session, registration, by=by, today=today)
    else:
        _tell(registration, _("Approved by your supervisor: %(title)s") % {"title": session.program.title}, "approved")
    return registration


@transaction.atomic
def reject(registration: Registration, *, by: User | None, reason: str) -> Registration:
    if not reason.strip():
        raise ServiceError(_("Give the reason for the rejection."), "reason_required", "reason")
    session, registration = _locked_registration(registration)
    _require(registration, S.SUBMITTED, S.APPROVED, S.WAITLISTED)
    _move(registration, S.REJECTED, by=by, reason=reason.strip())
    _tell(
        registration, _("Registration not approved: %(title)s") % {"title": session.program.title}, "rejected", reason
    )
    return registration


@transaction.atomic
def confirm(registration: Registration, *, by: User | None, today: dt.date) -> Registration:
    """BKPP allocates a seat to an approved registration (confirmation mode "BKPP confirms"),
    or to a waitlisted one when a seat is free."""
    session, registration = _locked_registration(registration)
    _require(registration, S.APPROVED, S.WAITLISTED)
    if registration.state == S.WAITLISTED and not _can_take_seat(session, registration.opd_id, today):
        raise ServiceError(_("No seat is free for this registration."), "no_seat", "state")
    return _allocate(session, registration, by=by, today=today)


@transaction.atomic
def cancel(
    registration: Registration, *, by: User | None, today: dt.date, reason: str = "", as_bkpp: bool = False
) -> Registration:
    """Cancel a registration: the employee until the cancellation deadline, BKPP (`as_bkpp`)
    any time before the result. A freed seat goes to the first waitlisted registration in the
    same transaction."""
    session, registration = _locked_registration(registration)
    _require(registration, S.SUBMITTED, S.APPROVED, S.WAITLISTED, S.CONFIRMED)
    if not as_bkpp and today > session.cancellation_deadline:
        raise ServiceError(
            _("The cancellation deadline (%(date)s) has passed; ask BKPP.")
            % {"date": session.cancellation_deadline.isoformat()},
            "cancellation_deadline_passed",
            "state",
        )
    held_seat = registration.state == S.CONFIRMED
    _move(registration, S.CANCELLED, by=by, reason=reason.strip())
    if held_seat:
        session.confirmed_count -= 1
        session.save(update_fields=["confirmed_count"])
        _fill_waitlist(session, by=by, today=today)
    return registration


@transaction.atomic
def release_quotas(session: Session, *, by: User | None, today: dt.date) -> list[Registration]:
    """Run on or after a quota's release date: its unused seats join the pool, so waitlisted
    registrations of other OPDs may now be confirmed."""
    session = _lock_session(session.pk)
    return _fill_waitlist(session, by=by, today=today)


# ---------------------------------------------------------------------------------------------
# Attendance, results, certificates
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def record_attendance(day: SessionDay, *, present: dict[int, bool], by: User | None) -> int:
    """Tick attendance for one day: {registration id: present}. Only confirmed participants
    of the day's session."""
    allowed = set(day.session.registrations.filter(state__in=SEAT_STATES).values_list("pk", flat=True))
    unknown = set(present) - allowed
    if unknown:
        raise ServiceError(_("Some entries are not confirmed participants of this session."), "not_a_participant")
    for registration_id, is_present in present.items():
        Attendance.objects.update_or_create(
            registration_id=registration_id, day=day, defaults={"is_present": bool(is_present), "recorded_by": by}
        )
    return len(present)


def mark_all_present(day: SessionDay, *, by: User | None) -> int:
    ids = day.session.registrations.filter(state=S.CONFIRMED).values_list("pk", flat=True)
    return record_attendance(day, present=dict.fromkeys(ids, True), by=by)


def _certificate_number(session: Session, issued_on: dt.date) -> str:
    sequence = Certificate.objects.filter(issued_on__year=issued_on.year).count() + 1
    return f"STTPP/{session.program.code}/{issued_on.year}/{sequence:06d}"


def issue_certificate(registration: Registration, *, by: User | None, on: dt.date) -> Certificate:
    """The certificate of a completed registration: a printed number and an unguessable code
    for the public verification page."""
    existing = Certificate.objects.filter(registration=registration).first()
    if existing is not None:
        return existing
    session = registration.session
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    registration=registration,
                    number=_certificate_number(session, on),
                    code=secrets.token_urlsafe(12)[:16],
                    jp=session.jp,
                    issued_on=on,
                    issued_by=by,
                )
        except IntegrityError:  # two certificates numbered at once: take the next number
            continue
    raise ServiceError(_("The certificate could not be numbered; try again."), "certificate_number")


@transaction.atomic
def record_result(
    registration: Registration,
    *,
    passed: bool | None,
    by: User | None,
    on: dt.date,
    score: Decimal | None = None,
    notes: str = "",
) -> Registration:
    """Enter the result of a confirmed participant: passed (certificate issued, JP credited),
    not passed, or `passed=None` for did not attend."""
    session, registration = _locked_registration(registration)
    _require(registration, S.CONFIRMED)
    if session.status not in (SessionStatus.RUNNING, SessionStatus.FINISHED) and on < session.starts_on:
        raise ServiceError(_("Results come after the session has started."), "session_not_started", "state")
    if score is not None and not (0 <= score <= 100):
        raise ServiceError(_("The score must be between 0 and 100."), "score_range", "score")
    registration.score = score
    registration.result_notes = notes.strip()
    registration.save(update_fields=["score", "result_notes", "updated_at"])
    if passed is None:
        _move(registration, S.NO_SHOW, by=by)
    elif passed:
        _move(registration, S.COMPLETED, by=by)
        issue_certificate(registration, by=by, on=on)
        _tell(
            registration,
            _("Completed: %(title)s — your certificate is ready") % {"title": session.program.title},
            "completed",
        )
    else:
        _move(registration, S.FAILED, by=by)
        _tell(registration, _("Result recorded: %(title)s") % {"title": session.program.title}, "failed")
    return registration


@transaction.atomic
def revoke_certificate(certificate: Certificate, *, by: User | None, reason: str) -> Certificate:
    if not reason.strip():
        raise ServiceError(_("Give the reason for the revocation."), "reason_required", "reason")
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        raise ServiceError(_("This certificate is already revoked."), "already_revoked")
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason.strip()
    certificate.save(update_fields=["revoked_at", "revoked_reason"])
    return certificate


# ---------------------------------------------------------------------------------------------
# Evaluation and follow-up
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def submit_evaluation(
    registration: Registration, *, content: int, trainer: int, organisation: int, usefulness: int, comment: str = ""
) -> Evaluation:
    if registration.state not in (S.COMPLETED, S.FAILED):
        raise ServiceError(_("The questionnaire opens after the session's result."), "not_finished")
    for name, value in (
        ("content", content),
        ("trainer", trainer),
        ("organisation", organisation),
        ("usefulness", usefulness),
    ):
        if value not in (1, 2, 3, 4, 5):
            raise ServiceError(_("Ratings are from 1 to 5."), "rating_range", name)
    try:
        with transaction.atomic():
            return Evaluation.objects.create(
                registration=registration,
                content=content,
                trainer=trainer,
                organisation=organisation,
                usefulness=usefulness,
                comment=comment.strip(),
            )
    except IntegrityError as exc:
        raise ServiceError(
            _("You have already answered the questionnaire for this session."), "already_evaluated"
        ) from exc


@transaction.atomic
def ask_follow_up(registration: Registration, *, on: dt.date) -> FollowUp | None:
    """Create the three-month follow-up question for the supervisor (idempotent)."""
    supervisor = registration.employee.supervisor
    if supervisor is None or registration.state != S.COMPLETED:
        return None
    follow_up, created = FollowUp.objects.get_or_create(
        registration=registration, defaults={"supervisor": supervisor, "asked_on": on}
    )
    if created and supervisor.user_id:
        notify(
            supervisor.user,
            title=_("Is %(name)s using “%(title)s” at work?")
            % {"name": registration.employee.full_name, "title": registration.session.program.title},
            url=reverse("training:follow-up", args=[follow_up.pk]),
            key=f"training-follow-up-{follow_up.pk}",
            kind="training_follow_up",  # training.reminders.FOLLOW_UP
        )
    return follow_up


@transaction.atomic
def answer_follow_up(follow_up: FollowUp, *, is_used: bool, comment: str, by: User | None) -> FollowUp:
    if follow_up.answered_at is not None:
        raise ServiceError(_("This question has already been answered."), "already_answered")
    follow_up.is_used = is_used
    follow_up.comment = comment.strip()
    follow_up.answered_at = timezone.now()
    follow_up.save(update_fields=["is_used", "comment", "answered_at"])
    return follow_up


# ---------------------------------------------------------------------------------------------
# Outside learning
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def record_outside_learning(
    *,
    employee: Employee,
    title: str,
    organiser: str,
    category: str,
    starts_on: dt.date,
    ends_on: dt.date,
    jp: int,
    certificate,
    by: User | None,
    today: dt.date,
) -> OutsideLearning:
    """An employee records training done elsewhere with its certificate (PDF or image,
    checked by content). It counts toward JP once verified."""
    _check_positive_jp(jp)
    if ends_on < starts_on:
        raise ServiceError(_("The last day cannot be before the first day."), "ends_before_start", "ends_on")
    if ends_on > today:
        raise ServiceError(_("Record training once it has ended."), "date_in_future", "ends_on")
    if not title.strip():
        raise ServiceError(_("Give the training's title."), "required", "title")
    content_type = check_document(certificate)
    return OutsideLearning.objects.create(
        employee=employee,
        opd_id=employee.opd_id,
        title=title.strip(),
        organiser=organiser.strip(),
        category=category,
        starts_on=starts_on,
        ends_on=ends_on,
        jp=jp,
        certificate=certificate,
        certificate_type=content_type,
    )


@transaction.atomic
def decide_outside_learning(
    record: OutsideLearning, *, verified: bool, by: User | None, reason: str = ""
) -> OutsideLearning:
    """The OPD operator or BKPP verifies (JP counted) or rejects (with a reason) a record."""
    record = OutsideLearning.objects.select_for_update().get(pk=record.pk)
    if record.status != OutsideStatus.SUBMITTED:
        raise ServiceError(_("This record has already been decided."), "already_decided")
    if not verified and not reason.strip():
        raise ServiceError(_("Give the reason for the rejection."), "reason_required", "reason")
    record.status = OutsideStatus.VERIFIED if verified else OutsideStatus.REJECTED
    record.reason = reason.strip()
    record.decided_by = by
    record.decided_at = timezone.now()
    record.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    if record.employee.user_id:
        notify(
            record.employee.user,
            title=(
                _("Outside training verified: %(title)s") if verified else _("Outside training not accepted: %(title)s")
            )
            % {"title": record.title},
            body=record.reason,
            url=reverse("training:my-jp"),
            key=f"training-outside-{record.pk}-{record.status}",
        )
    return record


# ---------------------------------------------------------------------------------------------
# Mandatory training compliance (DOMAIN.md §3.4; integrity training for corruption-prone posts)
# ---------------------------------------------------------------------------------------------


def missing_leadership_training(queryset: QuerySet[Employee], on: dt.date) -> QuerySet[Employee]:
    """Structural officials in post for over a year (or since an unknown date) without the
    leadership training their post requires, completed here or verified from outside."""
    grace = on - dt.timedelta(days=rules.LEADERSHIP_GRACE_DAYS)
    condition = Q(pk__in=[])
    for kind, category in rules.REQUIRED_LEADERSHIP.items():
        done_here = Registration.objects.filter(
            employee_id=OuterRef("pk"), state=S.COMPLETED, session__program__category=category
        )
        done_outside = OutsideLearning.objects.filter(
            employee_id=OuterRef("pk"), status=OutsideStatus.VERIFIED, category=category
        )
        ids = (
            queryset.filter(position__kind=kind)
            .filter(Q(position_since_on__isnull=True) | Q(position_since_on__lte=grace))
            .exclude(pk__in=Subquery(done_here.values("employee_id")))
            .exclude(pk__in=Subquery(done_outside.values("employee_id")))
            .values("pk")
        )
        condition |= Q(pk__in=ids)
    return queryset.filter(condition)


def missing_integrity_training(queryset: QuerySet[Employee]) -> QuerySet[Employee]:
    """Holders of posts with corruption-prone duties who never completed an integrity
    (anti-corruption) programme."""
    prone = Q(pk__in=[])
    for flag in (
        "handles_budget_planning",
        "handles_grants",
        "handles_tax_retribution",
        "handles_procurement",
        "handles_hr_promotion",
        "handles_licensing",
    ):
        prone |= Q(**{f"position__{flag}": True})
    done = Registration.objects.filter(state=S.COMPLETED, session__program__is_integrity_training=True).values(
        "employee_id"
    )
    return queryset.filter(prone).exclude(pk__in=done)
