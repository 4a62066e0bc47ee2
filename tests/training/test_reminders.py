"""The training reminders (training/reminders.py): who hears about what, on which days, once
per occasion, by e-mail unless they turned it off (and whatever they chose for the mandatory
ones), in a fixed number of queries whatever the number of employees; and the two messages
the services send themselves (a seat confirmed from the waiting list, the follow-up question)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from asn_portal import reminders
from asn_portal.models import CollectiveLeave, EmailOptOut, EmploymentType, Notification, Rank
from tests.factories import EmployeeFactory
from tests.integrity.factories import sanction
from tests.training.factories import TODAY, program, registered, session
from training import reminders as training_reminders
from training import services
from training.models import OutsideLearning, OutsideStatus, Registration, RegistrationState, SessionStatus

# E-mails go out in-process, also in the CI pass that has a Redis broker.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]

SOON = training_reminders.SESSION_SOON
WAITING = training_reminders.APPROVAL_WAITING
CLOSING = training_reminders.WINDOW_CLOSING
WAITLIST = training_reminders.WAITLIST_CONFIRMED
SHORTFALL = training_reminders.JP_SHORTFALL
FOLLOW_UP = training_reminders.FOLLOW_UP
MONDAY = TODAY  # 2 November 2026


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def run(code, today, capture):
    """One daily run with its after-commit e-mail task executed (eagerly)."""
    with capture(execute=True):
        return reminders.run(code, today)


def recipients(code) -> set[int]:
    return set(Notification.objects.filter(kind=code).values_list("recipient_id", flat=True))


def users(city, *who) -> set[int]:
    return {city.user(w).pk for w in who}


def queries(collect, today) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as context:
        dues = list(collect(today))
    return len(context.captured_queries), dues


def earn(employee, jp: int, ends_on: dt.date = dt.date(2026, 6, 30)) -> OutsideLearning:
    """Verified outside learning: `jp` JP in the year `ends_on` falls in."""
    return OutsideLearning.objects.create(
        employee=employee,
        opd_id=employee.opd_id,
        title="E-learning Manajemen ASN",
        organiser="LAN",
        category="elearning",
        starts_on=ends_on,
        ends_on=ends_on,
        jp=jp,
        certificate="training/outside/sertifikat.pdf",
        certificate_type="application/pdf",
        status=OutsideStatus.VERIFIED,
    )


def test_the_kinds_are_registered_with_their_duty():
    kinds = {kind.code: kind for kind in reminders.all_kinds()}

    assert {SOON, WAITING, CLOSING, WAITLIST, SHORTFALL, FOLLOW_UP} <= set(kinds)
    assert {code for code in (SOON, WAITING, CLOSING, WAITLIST, SHORTFALL, FOLLOW_UP) if kinds[code].mandatory} == {
        WAITING,
        FOLLOW_UP,
    }
    assert list(kinds[WAITLIST].collect(MONDAY)) == [] and list(kinds[FOLLOW_UP].collect(MONDAY)) == []


# ---------------------------------------------------------------------------------------------
# 1. A session starts in 3 days and tomorrow
# ---------------------------------------------------------------------------------------------

STARTS = MONDAY + dt.timedelta(days=10)  # Thursday 12 November


def soon_session(capacity: int = 5, **fields):
    values = {
        "starts_on": STARTS,
        "ends_on": STARTS + dt.timedelta(days=1),
        "registration_closes_on": MONDAY + dt.timedelta(days=3),
        "cancellation_deadline": MONDAY + dt.timedelta(days=3),
    }
    values.update(fields)
    return session(capacity=capacity, **values)


@pytest.fixture
def starting(city):
    """staff_a confirmed (nominated by BKPP), staff_b waiting for the supervisor, the
    operator's seat cancelled."""
    sess = soon_session(place="Balai Diklat BKPP")
    confirmed = registered(sess, city.staff_a, by=city.admin)
    waiting = registered(sess, city.staff_b)
    cancelled = registered(sess, city.operator, by=city.admin)
    services.cancel(cancelled, by=city.operator.user, today=MONDAY)
    assert (confirmed.state, waiting.state) == (RegistrationState.CONFIRMED, RegistrationState.SUBMITTED)
    return sess, confirmed


def test_confirmed_participants_hear_three_days_before_and_the_day_before(city, starting, capture, mailoutbox):
    sess, confirmed = starting

    assert run(SOON, STARTS - dt.timedelta(days=4), capture).due == 0
    three = run(SOON, STARTS - dt.timedelta(days=3), capture)
    two = run(SOON, STARTS - dt.timedelta(days=2), capture)
    one = run(SOON, STARTS - dt.timedelta(days=1), capture)
    assert run(SOON, STARTS, capture).due == 0

    assert (three.created, two.created, one.created) == (1, 0, 1)
    assert recipients(SOON) == users(city, "staff_a")
    keys = set(Notification.objects.filter(kind=SOON).values_list("key", flat=True))
    assert keys == {f"{SOON}:session-{sess.pk}:h3", f"{SOON}:session-{sess.pk}:h1"}
    note = Notification.objects.get(kind=SOON, key__endswith=":h3")
    assert sess.program.title in note.title and "Balai Diklat BKPP" in note.body
    assert note.url == f"/training/registrations/{confirmed.pk}/"
    assert [m.to for m in mailoutbox] == [[city.staff_a.user.email]] * 2


def test_a_seat_confirmed_two_days_before_still_gets_the_first_reminder(city, capture):
    sess = soon_session()

    run(SOON, STARTS - dt.timedelta(days=3), capture)
    registered(sess, city.staff_a, by=city.admin, today=MONDAY)
    late = run(SOON, STARTS - dt.timedelta(days=2), capture)

    assert late.created == 1
    assert Notification.objects.get(kind=SOON).key == f"{SOON}:session-{sess.pk}:h3"


def test_a_second_run_the_same_day_sends_nothing(city, starting, capture, mailoutbox):
    run(SOON, STARTS - dt.timedelta(days=3), capture)

    again = run(SOON, STARTS - dt.timedelta(days=3), capture)

    assert (again.due, again.created, again.emailed) == (1, 0, 0)
    assert len(mailoutbox) == 1


def test_a_cancelled_session_reminds_nobody(city, starting, capture):
    sess, _confirmed = starting
    services.set_session_status(sess, SessionStatus.CANCELLED, by=None, today=MONDAY)

    assert run(SOON, STARTS - dt.timedelta(days=3), capture).due == 0


def test_an_opted_out_participant_gets_the_bell_but_no_e_mail(city, starting, capture, mailoutbox):
    EmailOptOut.objects.create(user=city.staff_a.user, kind=SOON)

    result = run(SOON, STARTS - dt.timedelta(days=1), capture)

    assert (result.created, result.emailed) == (1, 0)
    assert Notification.objects.get(kind=SOON, recipient=city.staff_a.user).email_due is False
    assert mailoutbox == []


def _participants(city, sess, count):
    for _ in range(count):
        employee = EmployeeFactory(unit=city.dinkes_bidang)
        Registration.objects.create(session=sess, employee=employee, opd=city.dinkes, state=RegistrationState.CONFIRMED)


def test_collecting_the_starting_reminders_costs_the_same_queries_for_n_and_3n(city):
    sess = soon_session(capacity=50)
    _participants(city, sess, 4)
    small, dues = queries(training_reminders.collect_session_soon, STARTS - dt.timedelta(days=3))
    assert len(dues) == 4
    _participants(city, sess, 8)

    large, dues = queries(training_reminders.collect_session_soon, STARTS - dt.timedelta(days=3))

    assert len(dues) == 12
    assert small == large == 1


# ---------------------------------------------------------------------------------------------
# 2. A registration waits for its approver
# ---------------------------------------------------------------------------------------------


def submitted_on(registration, day: dt.date) -> None:
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    Registration.objects.filter(pk=registration.pk).update(submitted_at=at)


@pytest.fixture
def waiting(city):
    """staff_a's registration waits for the supervisor since Monday 2 November."""
    sess = session()
    registration = registered(sess, city.staff_a)
    assert registration.state == RegistrationState.SUBMITTED
    submitted_on(registration, MONDAY)
    return registration


def test_the_approver_hears_after_more_than_two_working_days(city, waiting, capture, mailoutbox):
    wednesday, thursday = MONDAY + dt.timedelta(days=2), MONDAY + dt.timedelta(days=3)

    assert run(WAITING, wednesday, capture).due == 0  # Tuesday and Wednesday: 2 working days
    result = run(WAITING, thursday, capture)

    assert result.created == 1
    note = Notification.objects.get(kind=WAITING)
    assert note.recipient == city.supervisor.user
    assert note.key == f"{WAITING}:registration-{waiting.pk}:wait2"
    assert note.url == "/training/approvals/"
    assert city.staff_a.name in note.title
    assert [m.to for m in mailoutbox] == [[city.supervisor.user.email]]


def test_cuti_bersama_is_not_a_working_day(city, waiting, capture):
    CollectiveLeave.objects.create(date=MONDAY + dt.timedelta(days=3), name="Cuti bersama")

    assert run(WAITING, MONDAY + dt.timedelta(days=3), capture).due == 0
    assert run(WAITING, MONDAY + dt.timedelta(days=4), capture).created == 1


def test_after_five_working_days_the_opds_operator_hears_too(city, waiting, capture):
    next_monday, next_tuesday = MONDAY + dt.timedelta(days=7), MONDAY + dt.timedelta(days=8)
    run(WAITING, MONDAY + dt.timedelta(days=3), capture)

    assert run(WAITING, next_monday, capture).created == 0  # 5 working days: not more than 5
    result = run(WAITING, next_tuesday, capture)

    assert result.created == 2
    keys = set(Notification.objects.filter(kind=WAITING).values_list("recipient_id", "key"))
    key = f"{WAITING}:registration-{waiting.pk}"
    assert keys == {
        (city.supervisor.user.pk, f"{key}:wait2"),
        (city.supervisor.user.pk, f"{key}:wait5"),
        (city.operator.user.pk, f"{key}:wait5"),
    }
    operator_note = Notification.objects.get(recipient=city.operator.user, kind=WAITING)
    assert city.supervisor.name in operator_note.body and operator_note.url == "/training/opd/"


def test_a_decided_registration_reminds_nobody(city, waiting, capture):
    services.approve(waiting, by=city.supervisor.user, today=MONDAY)

    assert run(WAITING, MONDAY + dt.timedelta(days=8), capture).due == 0


def test_the_approval_reminder_is_e_mailed_even_to_who_opted_out(city, waiting, capture, mailoutbox):
    EmailOptOut.objects.create(user=city.supervisor.user, kind=WAITING)

    result = run(WAITING, MONDAY + dt.timedelta(days=3), capture)
    again = run(WAITING, MONDAY + dt.timedelta(days=3), capture)

    assert (result.created, result.emailed) == (1, 1)
    assert (again.created, again.emailed) == (0, 0)
    assert [m.to for m in mailoutbox] == [[city.supervisor.user.email]]


def test_collecting_the_approval_reminders_costs_the_same_queries_for_n_and_3n(city):
    sess = session(capacity=50)

    def waiting_registrations(count):
        for _ in range(count):
            employee = EmployeeFactory(unit=city.dinkes_bidang, supervisor=city.supervisor)
            registration = Registration.objects.create(session=sess, employee=employee, opd=city.dinkes)
            submitted_on(registration, MONDAY)

    late = MONDAY + dt.timedelta(days=8)
    waiting_registrations(3)
    small, dues = queries(training_reminders.collect_approval_waiting, late)
    assert len(dues) == 3 * 3  # wait2 and wait5 to the supervisor, wait5 to the operator
    waiting_registrations(6)

    large, dues = queries(training_reminders.collect_approval_waiting, late)

    assert len(dues) == 9 * 3
    assert small == large == 3  # the registrations, the days off, the operators


# ---------------------------------------------------------------------------------------------
# 3. A registration window closes in 2 days (employees short of JP)
# ---------------------------------------------------------------------------------------------

WEDNESDAY = MONDAY + dt.timedelta(days=2)


def closing_session(prog=None, *, closes_on=WEDNESDAY, **fields):
    return session(
        prog,
        capacity=5,
        starts_on=dt.date(2026, 12, 7),
        ends_on=dt.date(2026, 12, 8),
        registration_closes_on=closes_on,
        cancellation_deadline=closes_on,
        **fields,
    )


@pytest.fixture
def met_targets(city):
    """Only staff_a and staff_b are short of their 20 JP (2026)."""
    for who in (city.supervisor, city.operator, city.outsider):
        earn(who, 20)


def test_employees_short_of_jp_hear_when_a_session_they_may_join_closes_in_two_days(
    city, met_targets, capture, mailoutbox
):
    sess = closing_session(program(title="Bimtek Pelayanan Publik"))
    registered(sess, city.staff_b)  # already registered: nothing to remind

    assert run(CLOSING, MONDAY - dt.timedelta(days=1), capture).due == 0  # 3 days before
    result = run(CLOSING, MONDAY, capture)

    assert result.created == 1
    note = Notification.objects.get(kind=CLOSING)
    assert note.recipient == city.staff_a.user
    assert note.key == f"{CLOSING}:employee-{city.staff_a.pk}:2026-W45"
    assert "Bimtek Pelayanan Publik" in note.title and "0" in note.body
    assert note.url == f"/training/sessions/{sess.pk}/"
    assert [m.to for m in mailoutbox] == [[city.staff_a.user.email]]


def test_a_session_closing_tomorrow_or_already_closed_starts_no_reminder(city, met_targets, capture):
    closing_session(closes_on=MONDAY + dt.timedelta(days=1))

    assert run(CLOSING, MONDAY, capture).due == 0


def test_two_sessions_closing_the_same_week_make_one_message_listing_both(city, met_targets, capture):
    closing_session(program(title="Bimtek Arsip Digital"))
    closing_session(program(title="Bimtek Tata Naskah"), closes_on=MONDAY + dt.timedelta(days=4))

    run(CLOSING, MONDAY, capture)
    later = run(CLOSING, WEDNESDAY, capture)  # the second closes in 2 days now: same week

    notes = Notification.objects.filter(kind=CLOSING, recipient=city.staff_a.user)
    assert notes.count() == 1 and later.created == 0
    assert "Bimtek Arsip Digital" in notes[0].body and "Bimtek Tata Naskah" in notes[0].body
    assert notes[0].url == "/training/"


def test_the_weekly_reminder_comes_again_the_next_week(city, met_targets, capture):
    closing_session(program(title="Bimtek Arsip Digital"))
    closing_session(program(title="Bimtek Tata Naskah"), closes_on=MONDAY + dt.timedelta(days=9))
    run(CLOSING, MONDAY, capture)

    next_week = run(CLOSING, MONDAY + dt.timedelta(days=7), capture)

    assert next_week.created == 2  # staff_a and staff_b, who is not registered for this one
    assert set(Notification.objects.filter(kind=CLOSING).values_list("key", flat=True)) == {
        f"{CLOSING}:employee-{city.staff_a.pk}:2026-W45",
        f"{CLOSING}:employee-{city.staff_a.pk}:2026-W46",
        f"{CLOSING}:employee-{city.staff_b.pk}:2026-W45",
        f"{CLOSING}:employee-{city.staff_b.pk}:2026-W46",
    }


def test_only_employees_who_meet_the_prerequisites_hear(city, capture):
    prior = program(title="Bimtek Dasar")
    closing_session(program(title="Bimtek Lanjutan", prior_program=prior))
    pppk = EmployeeFactory(unit=city.dinkes_bidang, employment_type=EmploymentType.PPPK, pppk_grade=9)
    closing_session(program(title="Diklat Teknis Penata", min_rank=Rank.objects.get(code="III/a")))
    earn(city.operator, 20)
    completed = registered(session(prior, capacity=3, approval_required=False), city.staff_a, by=city.admin)
    Registration.objects.filter(pk=completed.pk).update(state=RegistrationState.COMPLETED)

    run(CLOSING, MONDAY, capture)

    bodies = dict(Notification.objects.filter(kind=CLOSING).values_list("recipient_id", "body"))
    assert "Bimtek Lanjutan" in bodies[city.staff_a.user.pk]  # completed the prior programme
    assert "Bimtek Lanjutan" not in bodies[city.staff_b.user.pk]
    assert "Diklat Teknis Penata" in bodies[city.staff_b.user.pk]
    assert "Bimtek Lanjutan" not in bodies.get(pppk.user.pk, "") and pppk.user.pk not in bodies  # no rank
    assert city.operator.user.pk not in bodies  # target met


def test_a_programme_closed_to_sanctioned_employees_is_not_offered_to_them(city, met_targets, capture):
    closing_session(program(title="Pelatihan Kepemimpinan Pengawas", category="pkp"))
    sanction(city.staff_a, "potong_tukin_25_6_bulan", dt.date(2026, 10, 1), today=MONDAY)  # sedang, 6 months

    run(CLOSING, MONDAY, capture)

    assert recipients(CLOSING) == users(city, "staff_b")


def test_an_opted_out_employee_gets_the_closing_reminder_in_the_bell_only(city, met_targets, capture, mailoutbox):
    closing_session()
    EmailOptOut.objects.create(user=city.staff_a.user, kind=CLOSING)

    result = run(CLOSING, MONDAY, capture)

    assert (result.created, result.emailed) == (2, 1)
    assert [m.to for m in mailoutbox] == [[city.staff_b.user.email]]
    assert Notification.objects.get(kind=CLOSING, recipient=city.staff_a.user).email_due is False


def test_collecting_the_closing_reminders_costs_the_same_queries_for_n_and_3n(city, met_targets):
    closing_session(program(title="Bimtek A"))
    closing_session(program(title="Bimtek B"), closes_on=MONDAY + dt.timedelta(days=5))

    def short(count):
        for _ in range(count):
            EmployeeFactory(unit=city.dinkes_bidang)

    short(2)  # with staff_a and staff_b: 4
    small, dues = queries(training_reminders.collect_window_closing, MONDAY)
    assert len(dues) == 4
    short(8)

    large, dues = queries(training_reminders.collect_window_closing, MONDAY)

    assert len(dues) == 12
    assert small == large == 2  # the sessions, the employees


# ---------------------------------------------------------------------------------------------
# 4. A seat confirmed from the waiting list (sent by the service)
# ---------------------------------------------------------------------------------------------


def test_a_seat_freed_by_a_cancellation_is_announced_at_once_under_its_kind(city, capture, mailoutbox):
    sess = session(capacity=1)
    first = registered(sess, city.staff_a, by=city.admin)
    second = registered(sess, city.staff_b, by=city.admin)
    assert second.state == RegistrationState.WAITLISTED
    EmailOptOut.objects.create(user=city.operator.user, kind=WAITLIST)  # someone else's choice

    with capture(execute=True):
        services.cancel(first, by=city.staff_a.user, today=MONDAY)

    note = Notification.objects.get(recipient=city.staff_b.user, kind=WAITLIST)
    assert note.key == f"training-registration-{second.pk}-confirmed" and note.email_due is False
    assert note.emailed_at is not None
    assert city.staff_b.user.email in [m.to[0] for m in mailoutbox]


def test_an_employee_may_turn_off_the_e_mail_of_a_seat_from_the_waiting_list(city, capture, mailoutbox):
    sess = session(capacity=1)
    first = registered(sess, city.staff_a, by=city.admin)
    second = registered(sess, city.staff_b, by=city.admin)
    EmailOptOut.objects.create(user=city.staff_b.user, kind=WAITLIST)
    mailoutbox.clear()

    with capture(execute=True):
        services.cancel(first, by=city.staff_a.user, today=MONDAY)

    note = Notification.objects.get(recipient=city.staff_b.user, kind=WAITLIST)
    assert note.key == f"training-registration-{second.pk}-confirmed"
    assert note.email_due is False and note.emailed_at is None
    assert city.staff_b.user.email not in [m.to[0] for m in mailoutbox]


def test_a_waiting_seat_bkpp_confirms_by_hand_is_announced_under_its_kind(city, capture, mailoutbox):
    from training.models import Session

    sess = session(capacity=1)
    registered(sess, city.staff_a, by=city.admin)
    second = registered(sess, city.staff_b, by=city.admin)
    Session.objects.filter(pk=sess.pk).update(capacity=2)  # a bigger room: one seat more
    second.refresh_from_db()

    with capture(execute=True):
        services.confirm(second, by=city.admin, today=MONDAY)

    note = Notification.objects.get(recipient=city.staff_b.user, key=f"training-registration-{second.pk}-confirmed")
    assert note.kind == WAITLIST
    first_seat = Notification.objects.get(recipient=city.staff_a.user, key__endswith="-confirmed")
    assert first_seat.kind == ""  # a seat confirmed at once is not a waiting-list message


# ---------------------------------------------------------------------------------------------
# 5. JP shortfall, monthly from October
# ---------------------------------------------------------------------------------------------

OCTOBER = dt.date(2026, 10, 1)


@pytest.fixture
def shortfall(city):
    """staff_a has 8 JP, staff_b met the target; the others (supervisor, operator, outsider)
    have none. A session staff_a may join is open for registration."""
    earn(city.staff_a, 8)
    earn(city.staff_b, 20)
    return session(
        program(title="Bimtek Penyusunan SKP"),
        capacity=5,
        registration_opens_on=dt.date(2026, 9, 1),
        registration_closes_on=dt.date(2026, 10, 20),
        cancellation_deadline=dt.date(2026, 10, 20),
    )


def test_from_october_employees_below_target_and_their_supervisors_hear_monthly(city, shortfall, capture, mailoutbox):
    assert run(SHORTFALL, dt.date(2026, 9, 30), capture).due == 0

    result = run(SHORTFALL, OCTOBER, capture)

    assert recipients(SHORTFALL) == users(city, "staff_a", "supervisor", "operator", "outsider")
    own = Notification.objects.get(kind=SHORTFALL, recipient=city.staff_a.user, key__contains=":employee-")
    assert own.key == f"{SHORTFALL}:employee-{city.staff_a.pk}:2026-10"
    assert "12" in own.title  # 12 JP to go
    assert "Bimtek Penyusunan SKP" in own.body and own.url == "/training/"
    team = Notification.objects.get(kind=SHORTFALL, key__contains=":team-")
    assert team.recipient == city.supervisor.user
    assert team.key == f"{SHORTFALL}:team-{city.supervisor.pk}:2026-10"
    assert team.title.startswith("1 ") and city.staff_a.name in team.body and city.staff_b.name not in team.body
    assert result.created == 5 and len(mailoutbox) == 5  # the supervisor: own and team


def test_the_shortfall_reminder_comes_once_a_month(city, shortfall, capture):
    run(SHORTFALL, OCTOBER, capture)

    same_month = run(SHORTFALL, dt.date(2026, 10, 15), capture)
    november = run(SHORTFALL, dt.date(2026, 11, 1), capture)

    assert same_month.created == 0
    assert november.created == 5
    assert Notification.objects.filter(kind=SHORTFALL, key__endswith=":2026-11").count() == 5


def test_an_opted_out_employee_gets_the_shortfall_in_the_bell_only(city, shortfall, capture, mailoutbox):
    EmailOptOut.objects.create(user=city.staff_a.user, kind=SHORTFALL)

    run(SHORTFALL, OCTOBER, capture)

    assert Notification.objects.get(kind=SHORTFALL, recipient=city.staff_a.user).email_due is False
    assert city.staff_a.user.email not in [m.to[0] for m in mailoutbox]


def test_collecting_the_shortfall_costs_the_same_queries_for_n_and_3n(city, shortfall):
    def short(count):
        for _ in range(count):
            EmployeeFactory(unit=city.dinkes_bidang, supervisor=city.supervisor)

    short(1)
    small, dues = queries(training_reminders.collect_jp_shortfall, OCTOBER)
    assert len(dues) == 5 + 1
    short(10)

    large, dues = queries(training_reminders.collect_jp_shortfall, OCTOBER)

    assert len(dues) == 5 + 11
    assert small == large == 2  # the open sessions, the employees


# ---------------------------------------------------------------------------------------------
# 6. The follow-up question (sent by the service)
# ---------------------------------------------------------------------------------------------


def test_the_follow_up_question_is_sent_under_its_mandatory_kind(city):
    sess = session(capacity=2, approval_required=False)
    registration = services.record_result(
        registered(sess, city.staff_a, by=city.admin), passed=True, by=None, on=dt.date(2026, 12, 2)
    )
    EmailOptOut.objects.create(user=city.supervisor.user, kind=FOLLOW_UP)  # cannot be stored by the page

    follow_up = services.ask_follow_up(registration, on=dt.date(2027, 3, 2))

    note = Notification.objects.get(recipient=city.supervisor.user, key=f"training-follow-up-{follow_up.pk}")
    assert note.kind == FOLLOW_UP and note.email_due is True
