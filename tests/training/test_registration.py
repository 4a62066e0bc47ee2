"""The registration state machine (DESIGN.md): every transition, every forbidden one, seat
allocation with quotas and the waiting list."""

import datetime as dt

import pytest

from asn_portal.models import Notification
from asn_portal.services import ServiceError
from tests.factories import EmployeeFactory
from tests.training.factories import TODAY, program, registered, session
from training import services
from training.models import Certificate, ConfirmationMode, Registration, SessionStatus

pytestmark = pytest.mark.django_db


def _steps(registration):
    return list(registration.events.order_by("at", "pk").values_list("from_state", "to_state"))


def _state(registration):
    return Registration.objects.get(pk=registration.pk).state


def test_a_registration_waits_for_the_supervisor_then_takes_a_seat(city):
    sess = session()

    reg = registered(sess, city.staff_a)
    services.approve(reg, by=city.supervisor.user, today=TODAY)

    assert _state(reg) == "confirmed"
    assert _steps(reg) == [("", "submitted"), ("submitted", "approved"), ("approved", "confirmed")]
    assert Notification.objects.filter(recipient=city.supervisor.user, title__contains="Bimtek").exists()
    sess.refresh_from_db()
    assert sess.confirmed_count == 1


def test_a_full_session_puts_the_next_one_on_the_waiting_list(city):
    sess = session(capacity=1)
    first, second = registered(sess, city.staff_a), registered(sess, city.staff_b)

    services.approve(first, by=city.supervisor.user, today=TODAY)
    services.approve(second, by=city.supervisor.user, today=TODAY)

    assert (_state(first), _state(second)) == ("confirmed", "waitlisted")


def test_cancelling_a_confirmed_seat_promotes_the_first_waitlisted_and_tells_them(city):
    sess = session(capacity=1)
    staff_c = EmployeeFactory(unit=city.dinkes_bidang, supervisor=city.supervisor)
    regs = [registered(sess, e) for e in (city.staff_a, city.staff_b, staff_c)]
    for reg in regs:
        services.approve(reg, by=city.supervisor.user, today=TODAY)

    services.cancel(regs[0], by=city.staff_a.user, today=TODAY, reason="Sakit")

    assert [_state(r) for r in regs] == ["cancelled", "confirmed", "waitlisted"]
    assert Notification.objects.filter(recipient=city.staff_b.user, title__startswith="Kursi terkonfirmasi").exists()
    sess.refresh_from_db()
    assert sess.confirmed_count == 1


def test_more_seats_confirm_the_waiting_list_in_arrival_order(city):
    sess = session(capacity=1)
    staff_c = EmployeeFactory(unit=city.dinkes_bidang, supervisor=city.supervisor)
    regs = [registered(sess, e) for e in (city.staff_a, city.staff_b, staff_c)]
    for reg in regs:
        services.approve(reg, by=city.supervisor.user, today=TODAY)

    services.change_capacity(sess, 2, by=city.admin, today=TODAY)

    assert [_state(r) for r in regs] == ["confirmed", "confirmed", "waitlisted"]


def test_seats_cannot_drop_below_the_confirmed(city):
    sess = session(capacity=2)
    for employee in (city.staff_a, city.staff_b):
        services.approve(registered(sess, employee), by=city.supervisor.user, today=TODAY)

    with pytest.raises(ServiceError) as error:
        services.change_capacity(sess, 1, by=city.admin, today=TODAY)

    assert error.value.code == "capacity_below_confirmed"
    sess.refresh_from_db()
    assert sess.capacity == 2


def test_a_rejection_needs_a_reason_and_ends_the_registration(city):
    reg = registered(session(), city.staff_a)

    with pytest.raises(ServiceError):
        services.reject(reg, by=city.supervisor.user, reason=" ")
    services.reject(reg, by=city.supervisor.user, reason="Beban kerja bulan Desember.")

    assert _state(reg) == "rejected"
    assert reg.events.get(to_state="rejected").reason == "Beban kerja bulan Desember."


@pytest.mark.parametrize(
    ("state_setup", "action"),
    [
        ("rejected", "approve"),
        ("confirmed", "approve"),
        ("cancelled", "cancel"),
        ("submitted", "result"),
        ("completed", "cancel"),
    ],
)
def test_forbidden_transitions_are_refused(city, state_setup, action):
    sess = session()
    reg = registered(sess, city.staff_a)
    if state_setup == "rejected":
        services.reject(reg, by=None, reason="x")
    elif state_setup in ("confirmed", "completed"):
        services.approve(reg, by=None, today=TODAY)
        if state_setup == "completed":
            services.set_session_status(sess, SessionStatus.RUNNING, by=None, today=TODAY)
            services.record_result(reg, passed=True, by=None, on=dt.date(2026, 12, 2))
    elif state_setup == "cancelled":
        services.cancel(reg, by=None, today=TODAY)

    with pytest.raises(ServiceError) as error:
        if action == "approve":
            services.approve(reg, by=None, today=TODAY)
        elif action == "cancel":
            services.cancel(reg, by=None, today=TODAY, as_bkpp=True)
        else:
            services.record_result(reg, passed=True, by=None, on=dt.date(2026, 12, 2))

    assert error.value.code == "invalid_transition"


def test_the_employee_cannot_cancel_after_the_deadline_but_bkpp_can(city):
    sess = session()
    reg = registered(sess, city.staff_a)
    late = dt.date(2026, 11, 26)

    with pytest.raises(ServiceError) as error:
        services.cancel(reg, by=city.staff_a.user, today=late)
    services.cancel(reg, by=city.admin, today=late, as_bkpp=True)

    assert error.value.code == "cancellation_deadline_passed"
    assert _state(reg) == "cancelled"


def test_bkpp_confirms_when_the_session_says_so(city):
    sess = session(confirmation_mode=ConfirmationMode.BKPP)
    reg = registered(sess, city.staff_a)
    services.approve(reg, by=city.supervisor.user, today=TODAY)
    waiting = _state(reg)

    services.confirm(reg, by=city.admin, today=TODAY)

    assert waiting == "approved"
    assert _state(reg) == "confirmed"


def test_an_operator_nomination_skips_the_supervisor_and_tells_the_employee(city):
    sess = session()

    reg = registered(sess, city.staff_a, by=city.operator.user)

    assert _state(reg) == "confirmed"
    assert reg.nominated_by == city.operator.user
    assert Notification.objects.filter(recipient=city.staff_a.user, title__contains="dinominasikan").exists()


def test_an_open_event_without_approval_confirms_at_once(city):
    reg = registered(session(approval_required=False), city.staff_a)

    assert _state(reg) == "confirmed"


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ("outside_window", "registration_closed"),
        ("cancelled", "session_cancelled"),
        ("twice", "already_registered"),
        ("draft", "registration_closed"),
    ],
)
def test_bad_registrations_are_refused_and_nothing_is_written(city, setup, code):
    sess = session(opened=setup != "draft")
    today = TODAY
    if setup == "outside_window":
        today = dt.date(2026, 11, 21)
    elif setup == "cancelled":
        services.set_session_status(sess, SessionStatus.CANCELLED, by=None, today=TODAY)
    elif setup == "twice":
        registered(sess, city.staff_a)
    before = Registration.objects.count()

    with pytest.raises(ServiceError) as error:
        services.register(session=sess, employee=city.staff_a, by=city.staff_a.user, today=today)

    assert error.value.code == code
    assert Registration.objects.count() == before


def test_a_registration_can_be_made_again_after_a_cancellation(city):
    sess = session()
    services.cancel(registered(sess, city.staff_a), by=None, today=TODAY)

    again = registered(sess, city.staff_a)

    assert _state(again) == "submitted"


def test_a_passed_result_issues_a_certificate_and_a_failed_one_does_not(city):
    sess = session()
    passed, failed = (registered(sess, e) for e in (city.staff_a, city.staff_b))
    for reg in (passed, failed):
        services.approve(reg, by=None, today=TODAY)
    services.set_session_status(sess, SessionStatus.RUNNING, by=None, today=TODAY)

    services.record_result(passed, passed=True, score=88, by=city.admin, on=dt.date(2026, 12, 2))
    services.record_result(failed, passed=False, score=40, by=city.admin, on=dt.date(2026, 12, 2))

    certificate = Certificate.objects.get()
    assert certificate.registration == passed
    assert certificate.jp == 16
    assert certificate.number.startswith(f"STTPP/{sess.program.code}/2026/")
    assert len(certificate.code) == 16
    assert (_state(passed), _state(failed)) == ("completed", "failed")


def test_cancelling_a_session_cancels_every_live_registration(city):
    sess = session()
    regs = [registered(sess, e) for e in (city.staff_a, city.staff_b)]
    services.approve(regs[0], by=None, today=TODAY)

    services.set_session_status(sess, SessionStatus.CANCELLED, by=city.admin, today=TODAY)

    assert [_state(r) for r in regs] == ["cancelled", "cancelled"]
    sess.refresh_from_db()
    assert sess.confirmed_count == 0


# --- Quotas ------------------------------------------------------------------------------------


def test_a_quota_reserves_seats_for_an_opd_until_its_release_date(city):
    sess = session(capacity=2)
    services.set_quota(sess, opd=city.disdik, seats=1, release_on=dt.date(2026, 11, 15), by=None, today=TODAY)
    dinkes_a, dinkes_b = city.staff_a, city.staff_b

    first = registered(sess, dinkes_a, by=city.admin)
    second = registered(sess, dinkes_b, by=city.admin)  # the pool (1 seat) is full
    teacher = registered(sess, city.outsider, by=city.admin)  # Disdik's reserved seat
    after_release = services.release_quotas(sess, by=None, today=dt.date(2026, 11, 15))

    assert (_state(first), _state(second), _state(teacher)) == ("confirmed", "waitlisted", "confirmed")
    assert after_release == []  # the reserved seat was used: nothing to release


def test_unused_reserved_seats_return_to_the_pool_on_the_release_date(city):
    sess = session(capacity=2)
    services.set_quota(sess, opd=city.disdik, seats=1, release_on=dt.date(2026, 11, 15), by=None, today=TODAY)
    first = registered(sess, city.staff_a, by=city.admin)
    second = registered(sess, city.staff_b, by=city.admin)
    before = _state(second)

    promoted = services.release_quotas(sess, by=None, today=dt.date(2026, 11, 15))

    assert (before, _state(first), _state(second)) == ("waitlisted", "confirmed", "confirmed")
    assert promoted == [Registration.objects.get(pk=second.pk)]


def test_an_opd_with_a_quota_is_capped_at_it_before_the_release(city):
    sess = session(capacity=3)
    services.set_quota(sess, opd=city.dinkes, seats=1, release_on=dt.date(2026, 11, 15), by=None, today=TODAY)

    first = registered(sess, city.staff_a, by=city.admin)
    second = registered(sess, city.staff_b, by=city.admin)

    assert (_state(first), _state(second)) == ("confirmed", "waitlisted")


def test_quotas_cannot_reserve_more_than_the_seats(city):
    sess = session(capacity=2)

    with pytest.raises(ServiceError) as error:
        services.set_quota(sess, opd=city.disdik, seats=3, release_on=dt.date(2026, 11, 15), by=None, today=TODAY)

    assert error.value.code == "quota_above_capacity"


# --- Eligibility -------------------------------------------------------------------------------


def test_eligibility_is_explained_criterion_by_criterion(city):
    prerequisite = program(title="Latsar CPNS", category="latsar")
    leadership = program(
        title="Pelatihan Kepemimpinan Pengawas",
        category="pkp",
        min_rank_id=11,
        max_rank_id=12,
        position_kinds=["pengawas"],
        prior_program=prerequisite,
    )
    sess = session(leadership)

    criteria = {c.code: c for c in services.eligibility(city.staff_a, sess)}

    assert leadership.blocked_by_sanction  # leadership training: sanctions block it
    assert not criteria["rank"].ok and "III/c – III/d" in criteria["rank"].message
    assert not criteria["position_kind"].ok
    assert not criteria["prior_program"].ok and "Latsar CPNS" in criteria["prior_program"].message
    assert criteria["standing"].ok
    assert criteria["overlap"].ok


def test_a_sanction_in_force_closes_leadership_training(city):
    from tests.integrity.factories import sanction

    sanction(city.staff_a, "potong_tukin_25_12_bulan", dt.date(2026, 6, 1), today=TODAY)
    sess = session(program(category="pka", title="PKA"))

    with pytest.raises(ServiceError) as error:
        registered(sess, city.staff_a)

    assert error.value.code == "not_eligible_standing"
    assert "hukuman disiplin" in error.value.message


def test_an_overlapping_confirmed_session_is_a_clash(city):
    first = session(program(title="Bimtek A"), approval_required=False)
    registered(first, city.staff_a)
    second = session(program(title="Bimtek B"), starts_on=dt.date(2026, 12, 2), ends_on=dt.date(2026, 12, 4))

    with pytest.raises(ServiceError) as error:
        registered(second, city.staff_a)

    assert error.value.code == "not_eligible_overlap"
    assert "Bimtek A" in error.value.message


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"ends_on": dt.date(2026, 11, 30)}, "ends_before_start"),
        ({"jp": 0}, "jp_not_positive"),
        ({"capacity": 0}, "capacity_not_positive"),
        ({"registration_closes_on": dt.date(2026, 9, 1)}, "registration_window"),
    ],
)
def test_a_session_with_bad_dates_seats_or_jp_is_refused(fields, code, db):
    with pytest.raises(ServiceError) as error:
        session(**fields)

    assert error.value.code == code


def test_a_programme_code_is_used_once(db):
    program(code="BIMTEK-SIASN")

    with pytest.raises(ServiceError) as error:
        program(code="BIMTEK-SIASN")

    assert error.value.code == "code_exists"


@pytest.mark.parametrize(
    ("days", "code"),
    [
        ([dt.date(2026, 12, 1), dt.date(2026, 12, 1)], "duplicate_day"),
        ([dt.date(2026, 12, 5)], "day_outside_session"),
    ],
)
def test_a_schedule_with_a_repeated_or_outside_day_is_refused(db, days, code):
    with pytest.raises(ServiceError) as error:
        session(days=days)

    assert error.value.code == code


def test_moving_a_session_moves_its_days(city):
    sess = session()

    services.update_session(sess, by=None, starts_on=dt.date(2026, 12, 2), ends_on=dt.date(2026, 12, 4))

    assert list(sess.days.order_by("date").values_list("date", flat=True)) == [
        dt.date(2026, 12, 2),
        dt.date(2026, 12, 3),
        dt.date(2026, 12, 4),
    ]


def test_a_negative_cost_is_refused(db):
    with pytest.raises(ServiceError) as error:
        session(cost_per_participant=-1)

    assert error.value.code == "negative_cost"


def test_bkpp_may_reject_a_waitlisted_registration_but_a_colleague_may_not(city):
    from training import permissions

    sess = session(capacity=1, approval_required=False)
    registered(sess, city.staff_a)
    waiting = registered(sess, city.staff_b)

    assert permissions.can_reject_registration(city.admin, waiting)
    assert not permissions.can_reject_registration(city.staff_a.user, waiting)
    assert not permissions.can_reject_registration(city.supervisor.user, waiting)  # no longer the supervisor's step


def test_bkpp_leaves_a_submitted_registration_to_the_supervisor(city):
    from training import permissions

    submitted = registered(session(approval_required=True), city.staff_a)

    assert submitted.state == "submitted"
    assert permissions.can_reject_registration(city.supervisor.user, submitted)
    assert not permissions.can_reject_registration(city.admin, submitted)


def test_an_operator_never_verifies_their_own_outside_learning(city):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from training import permissions

    record = services.record_outside_learning(
        employee=city.operator,
        title="Seminar",
        organiser="X",
        category="seminar",
        starts_on=dt.date(2026, 5, 1),
        ends_on=dt.date(2026, 5, 1),
        jp=4,
        certificate=SimpleUploadedFile("s.pdf", b"%PDF-1.4\n%%EOF\n"),
        by=None,
        today=TODAY,
    )

    assert not permissions.can_verify_outside_learning(city.operator.user, record)
    assert permissions.can_verify_outside_learning(city.admin, record)
