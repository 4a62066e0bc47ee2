"""The reminders of careers (careers/reminders.py): who hears about a study-leave step or a
promotion proposal waiting more than 2 (and 5) working days, a semester report due or overdue,
a service bond ending, and a promotion window opening — and who does not; the boundary days;
a new step restarting the clock; a second run sending nothing; the e-mail opt-out; and a
constant number of queries for N and 3N employees.

The calendar: Monday 23 November 2026 to Tuesday 1 December 2026 has no national holiday, so
a step that began on Monday has waited 2 working days on Wednesday, 3 on Thursday, 5 on the
next Monday and 6 on Tuesday 1 December."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from asn_portal import reminders
from asn_portal.celery import app as celery_app
from asn_portal.models import CollectiveLeave, EducationLevel, EmailOptOut, EmployeeStatus, Notification, Rank
from careers import reminders as careers_reminders
from careers import study
from careers.models import (
    PromotionProposal,
    ProposalEvent,
    ProposalState,
    StudyEvent,
    StudyKind,
    StudyLeave,
    StudyState,
)
from tests.careers import page_factories
from tests.careers.study_factories import pdf, study_at
from tests.factories import EmployeeFactory

S = StudyState
P = ProposalState

MON = dt.date(2026, 11, 23)
WED = dt.date(2026, 11, 25)  # 2 working days after MON
THU = dt.date(2026, 11, 26)  # 3
FRI = dt.date(2026, 11, 27)  # 4
NEXT_MON = dt.date(2026, 11, 30)  # 5
NEXT_TUE = dt.date(2026, 12, 1)  # 6


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """`send(code, day)`: one reminder run, its e-mails sent after the commit (eagerly)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True

    def _send(code: str, today: dt.date):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.run(code, today)

    yield _send
    celery_app.conf.task_always_eager = previous


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def notes(code: str, user=None):
    qs = Notification.objects.filter(kind=code)
    if user is not None:
        qs = qs.filter(recipient=user)
    return qs


def keys(code: str, user) -> set[str]:
    return set(notes(code, user).values_list("key", flat=True))


def recipients(code: str) -> set[int]:
    return set(notes(code).values_list("recipient_id", flat=True))


def entered(leave: StudyLeave, state: str, day: dt.date, hour: int = 9) -> None:
    """Put the time the study entered `state` on `day` (the event the services wrote)."""
    StudyEvent.objects.filter(leave=leave, to_state=state).exclude(from_state=state).update(at=at(day, hour))


def proposal_entered(proposal: PromotionProposal, state: str, day: dt.date) -> None:
    ProposalEvent.objects.filter(proposal=proposal, to_state=state).exclude(from_state=state).update(at=at(day))


# ---------------------------------------------------------------------------------------------
# Rows made directly, for the query counts (the services are walked in the other tests)
# ---------------------------------------------------------------------------------------------

START = dt.date(2027, 2, 1)


def make_leave(employee, state: str, *, entered_on: dt.date = MON, **fields) -> StudyLeave:
    fields.setdefault("starts_on", START)
    fields.setdefault("ends_on", fields["starts_on"] + relativedelta(years=2))
    leave = StudyLeave.objects.create(
        employee=employee,
        opd_id=employee.opd_id,
        kind=fields.pop("kind", StudyKind.TUGAS_BELAJAR),
        level=EducationLevel.objects.get(code="S2"),
        program="Magister Kesehatan Masyarakat",
        institution="Universitas Diponegoro",
        accreditation="A",
        funding="apbd",
        relevance="Mendukung tugas.",
        state=state,
        decree_number="800/1/2026" if state in (S.APPROVED, S.ONGOING, S.COMPLETED) else "",
        created_by=employee.user,
        **fields,
    )
    event = StudyEvent.objects.create(leave=leave, action=state, from_state=S.DRAFT, to_state=state)
    StudyEvent.objects.filter(pk=event.pk).update(at=at(entered_on))
    return leave


def make_proposal(employee, state: str, *, proposer, entered_on: dt.date = MON) -> PromotionProposal:
    proposal = PromotionProposal.objects.create(
        employee=employee,
        opd_id=employee.opd_id,
        period_on=page_factories.PERIOD,
        kind="reguler",
        from_rank=Rank.objects.get(code="III/a"),
        to_rank=Rank.objects.get(code="III/b"),
        eligibility={},
        rule_version="test",
        proposed_by=proposer,
        state=state,
    )
    event = ProposalEvent.objects.create(proposal=proposal, from_state="", to_state=state)
    ProposalEvent.objects.filter(pk=event.pk).update(at=at(entered_on))
    return proposal


# ---------------------------------------------------------------------------------------------
# Study-leave steps waiting
# ---------------------------------------------------------------------------------------------

WAITING = "careers_study_waiting"


@pytest.mark.django_db
def test_a_sent_application_reaches_the_supervisor_on_the_third_working_day_not_the_second(city, mailoutbox, send):
    leave = study_at(S.SUBMITTED, city.staff_a, city)
    entered(leave, S.SUBMITTED, MON)
    mailoutbox.clear()

    on_wednesday = send(WAITING, WED)
    on_thursday = send(WAITING, THU)

    assert on_wednesday.due == 0
    assert on_thursday.created == 1
    assert keys(WAITING, city.supervisor.user) == {f"{WAITING}:study-{leave.pk}:submitted-20261123-wait2"}
    assert recipients(WAITING) == {city.supervisor.user_id}
    assert [m.to for m in mailoutbox] == [[city.supervisor.user.email]]
    note = notes(WAITING).get()
    assert city.staff_a.name in note.title
    assert note.url == f"/careers/study/{leave.pk}/"


@pytest.mark.django_db
def test_a_cuti_bersama_day_does_not_count_as_waiting(city, send):
    leave = study_at(S.SUBMITTED, city.staff_a, city)
    entered(leave, S.SUBMITTED, MON)
    CollectiveLeave.objects.create(date=WED, name="Cuti bersama")

    on_thursday = send(WAITING, THU)
    on_friday = send(WAITING, FRI)

    assert on_thursday.due == 0
    assert on_friday.created == 1


@pytest.mark.django_db
def test_after_five_working_days_the_operator_hears_too_and_the_supervisor_again(city, mailoutbox, send):
    leave = study_at(S.SUBMITTED, city.staff_a, city)
    entered(leave, S.SUBMITTED, MON)
    send(WAITING, THU)
    mailoutbox.clear()

    on_monday = send(WAITING, NEXT_MON)
    on_tuesday = send(WAITING, NEXT_TUE)

    assert on_monday.created == 0  # 5 working days is not more than 5
    assert on_tuesday.created == 2
    wait5 = f"{WAITING}:study-{leave.pk}:submitted-20261123-wait5"
    assert wait5 in keys(WAITING, city.supervisor.user)
    assert keys(WAITING, city.operator.user) == {wait5}
    assert recipients(WAITING) == {city.supervisor.user_id, city.operator.user_id}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([city.supervisor.user.email, city.operator.user.email])
    operator_note = notes(WAITING, city.operator.user).get()
    assert "5" in operator_note.title


@pytest.mark.django_db
def test_the_completeness_check_waits_for_the_operator_who_is_not_told_twice_at_five_days(city, send):
    leave = study_at(S.RECOMMENDED, city.staff_a, city)
    entered(leave, S.RECOMMENDED, MON)

    send(WAITING, THU)
    send(WAITING, NEXT_TUE)

    assert keys(WAITING, city.operator.user) == {
        f"{WAITING}:study-{leave.pk}:recommended-20261123-wait2",
        f"{WAITING}:study-{leave.pk}:recommended-20261123-wait5",
    }
    assert recipients(WAITING) == {city.operator.user_id}


@pytest.mark.django_db
def test_bkpps_decision_waits_for_admin_bkpp(city, send):
    leave = study_at(S.CHECKED, city.staff_a, city)
    entered(leave, S.CHECKED, MON)

    send(WAITING, THU)

    assert keys(WAITING, city.admin) == {f"{WAITING}:study-{leave.pk}:checked-20261123-wait2"}
    assert recipients(WAITING) == {city.admin.pk}


@pytest.mark.django_db
def test_without_a_supervisor_account_bkpp_is_asked_to_recommend(city, send):
    leave = study_at(S.SUBMITTED, city.staff_a, city)
    entered(leave, S.SUBMITTED, MON)
    city.supervisor.user = None
    city.supervisor.save()

    send(WAITING, THU)

    assert recipients(WAITING) == {city.admin.pk}


@pytest.mark.django_db
def test_a_new_step_restarts_the_clock(city, send):
    leave = study_at(S.SUBMITTED, city.staff_a, city)
    entered(leave, S.SUBMITTED, MON)
    send(WAITING, THU)
    study.recommend(leave, by=city.supervisor.user)
    entered(leave, S.RECOMMENDED, THU, hour=10)

    on_friday = send(WAITING, FRI)
    on_tuesday = send(WAITING, NEXT_TUE)  # recommended: 3 working days, not 6

    assert on_friday.due == 0
    assert on_tuesday.created == 1
    assert keys(WAITING, city.operator.user) == {f"{WAITING}:study-{leave.pk}:recommended-20261126-wait2"}
    assert keys(WAITING, city.supervisor.user) == {f"{WAITING}:study-{leave.pk}:submitted-20261123-wait2"}


@pytest.mark.django_db
def test_a_returned_and_resent_application_starts_again(city, send):
    leave = study_at(S.SUBMITTED, city.staff_a, city)
    entered(leave, S.SUBMITTED, MON)
    send(WAITING, THU)
    study.return_for_correction(leave, by=city.supervisor.user, reason="Lengkapi LoA")
    study.submit(leave, by=city.staff_a.user)
    StudyEvent.objects.filter(leave=leave, action="resubmitted").update(at=at(THU, 11))

    on_friday = send(WAITING, FRI)
    on_tuesday = send(WAITING, NEXT_TUE)

    assert on_friday.due == 0
    assert keys(WAITING, city.supervisor.user) == {
        f"{WAITING}:study-{leave.pk}:submitted-20261123-wait2",
        f"{WAITING}:study-{leave.pk}:submitted-20261126-wait2",
    }
    assert on_tuesday.created == 1


@pytest.mark.django_db
def test_a_document_added_meanwhile_does_not_restart_the_clock(city, send):
    leave = study_at(S.SUBMITTED, city.staff_a, city)
    entered(leave, S.SUBMITTED, MON)
    study.attach_document(leave, kind="other", uploaded=pdf("lain.pdf"), by=city.operator.user)

    result = send(WAITING, THU)

    assert result.created == 1


@pytest.mark.django_db
def test_a_second_run_the_same_day_sends_nothing(city, mailoutbox, send):
    leave = study_at(S.SUBMITTED, city.staff_a, city)
    entered(leave, S.SUBMITTED, MON)
    mailoutbox.clear()

    first = send(WAITING, THU)
    second = send(WAITING, THU)

    assert (first.created, second.created, second.due) == (1, 0, 1)
    assert len(mailoutbox) == 1
    assert notes(WAITING).count() == 1


@pytest.mark.django_db
def test_a_waiting_approval_is_mandatory_so_an_opt_out_does_not_stop_the_email(city, mailoutbox, send):
    leave = study_at(S.SUBMITTED, city.staff_a, city)
    entered(leave, S.SUBMITTED, MON)
    EmailOptOut.objects.create(user=city.supervisor.user, kind=WAITING)
    mailoutbox.clear()

    send(WAITING, THU)

    assert reminders.get(WAITING).mandatory
    assert [m.to for m in mailoutbox] == [[city.supervisor.user.email]]


@pytest.mark.django_db
def test_steps_not_waiting_for_an_approver_are_left_alone(city):
    for state, employee in ((S.DRAFT, city.staff_a), (S.RETURNED, city.staff_b)):
        leave = make_leave(employee, state)
        entered(leave, state, MON)

    assert careers_reminders.collect_study_waiting(NEXT_TUE) == []


def _study_batch(city, count: int) -> None:
    """`count` applications at each step, of new employees under the city's supervisor."""
    for _ in range(count):
        for state in (S.SUBMITTED, S.RECOMMENDED, S.CHECKED):
            employee = EmployeeFactory(unit=city.dinkes_bidang, supervisor=city.supervisor)
            make_leave(employee, state, entered_on=MON)


@pytest.mark.django_db
def test_collecting_waiting_studies_costs_the_same_queries_for_n_and_3n(city, django_assert_num_queries):
    _study_batch(city, 2)
    with django_assert_num_queries(4):
        few = careers_reminders.collect_study_waiting(NEXT_TUE)
    _study_batch(city, 4)
    with django_assert_num_queries(4):
        many = careers_reminders.collect_study_waiting(NEXT_TUE)

    # Each application: the approver, plus the operator at 5 days unless it is their step.
    assert len(few) == 2 * (2 + 1 + 2)
    assert len(many) == 3 * len(few)


# ---------------------------------------------------------------------------------------------
# Promotion proposals waiting
# ---------------------------------------------------------------------------------------------

PROPOSALS = "careers_proposal_waiting"


def _proposal(city, state: str):
    employee = page_factories.eligible(city.staff_a)
    return page_factories.proposal_at(
        state, employee, proposer=city.operator.user, bkpp=city.admin, supervisor_user=city.supervisor.user
    )


@pytest.mark.django_db
def test_a_proposal_waits_for_the_supervisor_from_the_third_working_day(city, send):
    proposal = _proposal(city, P.PROPOSED)
    proposal_entered(proposal, P.PROPOSED, MON)

    on_wednesday = send(PROPOSALS, WED)
    on_thursday = send(PROPOSALS, THU)

    assert on_wednesday.due == 0
    assert on_thursday.created == 1
    assert keys(PROPOSALS, city.supervisor.user) == {f"{PROPOSALS}:proposal-{proposal.pk}:proposed-20261123-wait2"}
    assert notes(PROPOSALS).get().url == f"/careers/proposals/{proposal.pk}/"


@pytest.mark.django_db
def test_bkpps_verification_waiting_five_days_reaches_the_operator_too(city, send):
    proposal = _proposal(city, P.SUPERVISOR_APPROVED)
    proposal_entered(proposal, P.SUPERVISOR_APPROVED, MON)

    send(PROPOSALS, NEXT_TUE)

    wait5 = f"{PROPOSALS}:proposal-{proposal.pk}:supervisor_approved-20261123-wait5"
    assert keys(PROPOSALS, city.admin) == {wait5}
    assert keys(PROPOSALS, city.operator.user) == {wait5}
    assert recipients(PROPOSALS) == {city.admin.pk, city.operator.user_id}


@pytest.mark.django_db
def test_a_returned_proposal_waits_for_the_operator(city, send):
    proposal = _proposal(city, P.RETURNED)
    proposal_entered(proposal, P.RETURNED, MON)

    send(PROPOSALS, THU)

    assert recipients(PROPOSALS) == {city.operator.user_id}


@pytest.mark.django_db
def test_a_proposal_at_bkn_or_decided_reminds_nobody(city):
    proposal = _proposal(city, P.SUBMITTED)
    proposal_entered(proposal, P.SUBMITTED, MON)

    assert careers_reminders.collect_proposal_waiting(NEXT_TUE) == []


@pytest.mark.django_db
def test_a_proposal_moved_on_restarts_the_clock(city, send):
    proposal = _proposal(city, P.PROPOSED)
    proposal_entered(proposal, P.PROPOSED, MON)
    send(PROPOSALS, THU)
    from careers import proposals

    proposals.approve_as_supervisor(proposal, by=city.supervisor.user)
    proposal_entered(proposal, P.SUPERVISOR_APPROVED, THU)

    assert send(PROPOSALS, FRI).due == 0
    assert send(PROPOSALS, NEXT_TUE).created == 1
    assert keys(PROPOSALS, city.admin) == {f"{PROPOSALS}:proposal-{proposal.pk}:supervisor_approved-20261126-wait2"}


def _proposal_batch(city, count: int) -> None:
    for _ in range(count):
        for state in (P.PROPOSED, P.RETURNED, P.SUPERVISOR_APPROVED, P.VERIFIED):
            employee = EmployeeFactory(unit=city.dinkes_bidang, supervisor=city.supervisor)
            make_proposal(employee, state, proposer=city.operator.user)


@pytest.mark.django_db
def test_collecting_waiting_proposals_costs_the_same_queries_for_n_and_3n(city, django_assert_num_queries):
    _proposal_batch(city, 2)
    with django_assert_num_queries(4):
        few = careers_reminders.collect_proposal_waiting(THU)
    _proposal_batch(city, 4)
    with django_assert_num_queries(4):
        many = careers_reminders.collect_proposal_waiting(THU)

    assert len(few) == 2 * 4
    assert len(many) == 3 * len(few)


# ---------------------------------------------------------------------------------------------
# Semester reports
# ---------------------------------------------------------------------------------------------

REPORTS = "careers_study_report"
# A study started on 1 February 2027 reports its first semester by 31 August 2027 (six months
# and the policy's 30 days of grace).
FIRST_DUE = dt.date(2027, 8, 31)


@pytest.mark.django_db
def test_a_semester_report_is_announced_14_days_ahead_then_once_overdue(city, mailoutbox, send):
    leave = study_at(S.ONGOING, city.staff_a, city)
    assert leave.next_report_due_on == FIRST_DUE
    mailoutbox.clear()

    day_15 = send(REPORTS, FIRST_DUE - dt.timedelta(days=15))
    day_14 = send(REPORTS, FIRST_DUE - dt.timedelta(days=14))
    due_day = send(REPORTS, FIRST_DUE)
    overdue = send(REPORTS, FIRST_DUE + dt.timedelta(days=1))
    later = send(REPORTS, FIRST_DUE + dt.timedelta(days=20))

    assert (day_15.due, day_14.created, due_day.created, overdue.created, later.created) == (0, 1, 0, 1, 0)
    assert keys(REPORTS, city.staff_a.user) == {
        f"{REPORTS}:study-{leave.pk}:20270831-due14",
        f"{REPORTS}:study-{leave.pk}:20270831-overdue",
    }
    assert recipients(REPORTS) == {city.staff_a.user_id}
    assert [m.to for m in mailoutbox] == [[city.staff_a.user.email]] * 2


@pytest.mark.django_db
def test_a_sent_report_moves_the_reminder_to_the_next_semester(city, send):
    leave = study_at(S.ONGOING, city.staff_a, city)
    send(REPORTS, FIRST_DUE - dt.timedelta(days=14))
    sent_on = FIRST_DUE - dt.timedelta(days=3)
    study.submit_report(leave, semester=1, gpa="3.50", transcript=pdf(), by=city.staff_a.user, today=sent_on)
    leave.refresh_from_db()

    after = send(REPORTS, FIRST_DUE + dt.timedelta(days=1))

    assert after.due == 0
    assert leave.next_report_due_on == dt.date(2028, 3, 2)
    assert send(REPORTS, dt.date(2028, 2, 17)).created == 1


@pytest.mark.django_db
def test_a_finished_study_owes_no_report(city):
    make_leave(city.staff_a, S.COMPLETED, next_report_due_on=FIRST_DUE)

    assert careers_reminders.collect_study_reports(FIRST_DUE + dt.timedelta(days=1)) == []


@pytest.mark.django_db
def test_collecting_semester_reports_costs_one_query_for_n_and_3n(city, django_assert_num_queries):
    def batch(count):
        for _n in range(count):
            employee = EmployeeFactory(unit=city.dinkes_bidang)
            make_leave(employee, S.ONGOING, next_report_due_on=FIRST_DUE)

    batch(2)
    with django_assert_num_queries(1):
        few = careers_reminders.collect_study_reports(FIRST_DUE)
    batch(4)
    with django_assert_num_queries(1):
        many = careers_reminders.collect_study_reports(FIRST_DUE)

    assert (len(few), len(many)) == (2, 6)


# ---------------------------------------------------------------------------------------------
# Service bonds
# ---------------------------------------------------------------------------------------------

BONDS = "careers_bond_end"
BOND_ENDS = dt.date(2034, 2, 8)


def _bond(employee, ends_on: dt.date = BOND_ENDS, **fields) -> StudyLeave:
    return make_leave(
        employee,
        S.COMPLETED,
        finished_on=dt.date(2029, 2, 1),
        returned_on=dt.date(2029, 2, 8),
        bond_years=5,
        bond_ends_on=ends_on,
        **fields,
    )


@pytest.mark.django_db
def test_a_bond_ending_in_30_days_is_told_to_the_employee_and_bkpp_and_its_end_to_the_employee(city, mailoutbox, send):
    leave = _bond(city.staff_a)

    day_31 = send(BONDS, BOND_ENDS - dt.timedelta(days=31))
    day_30 = send(BONDS, BOND_ENDS - dt.timedelta(days=30))
    again = send(BONDS, BOND_ENDS - dt.timedelta(days=10))
    the_day = send(BONDS, BOND_ENDS)

    assert (day_31.due, day_30.created, again.created, the_day.created) == (0, 2, 0, 1)
    assert keys(BONDS, city.staff_a.user) == {f"{BONDS}:study-{leave.pk}:bond-d30", f"{BONDS}:study-{leave.pk}:bond-d0"}
    assert keys(BONDS, city.admin) == {f"{BONDS}:study-{leave.pk}:bond-d30"}
    assert recipients(BONDS) == {city.staff_a.user_id, city.admin.pk}
    assert len(mailoutbox) == 3


@pytest.mark.django_db
def test_a_bond_end_is_optional_so_an_opted_out_employee_gets_the_bell_without_email(city, mailoutbox, send):
    _bond(city.staff_a)
    EmailOptOut.objects.create(user=city.staff_a.user, kind=BONDS)

    send(BONDS, BOND_ENDS - dt.timedelta(days=30))

    assert not reminders.get(BONDS).mandatory
    assert notes(BONDS, city.staff_a.user).get().email_due is False
    assert [m.to for m in mailoutbox] == [[city.admin.email]]


@pytest.mark.django_db
def test_a_broken_bond_or_an_employee_gone_hears_nothing(city):
    _bond(city.staff_a, bond_broken_on=dt.date(2031, 1, 1), bond_remaining_months=37)
    _bond(city.staff_b)
    city.staff_b.status = EmployeeStatus.PENSIUN
    city.staff_b.save()

    assert careers_reminders.collect_bond_ends(BOND_ENDS - dt.timedelta(days=30)) == []


@pytest.mark.django_db
def test_collecting_bond_ends_costs_the_same_queries_for_n_and_3n(city, django_assert_num_queries):
    def batch(count):
        for _n in range(count):
            _bond(EmployeeFactory(unit=city.dinkes_bidang))

    on = BOND_ENDS - dt.timedelta(days=30)
    batch(2)
    with django_assert_num_queries(2):
        few = careers_reminders.collect_bond_ends(on)
    batch(4)
    with django_assert_num_queries(2):
        many = careers_reminders.collect_bond_ends(on)

    assert (len(few), len(many)) == (4, 12)  # the employee and the one Admin BKPP each


# ---------------------------------------------------------------------------------------------
# Promotion windows
# ---------------------------------------------------------------------------------------------

OPERATORS = "careers_window_operator"
EMPLOYEES = "careers_window_employee"
OPENS = dt.date(2026, 11, 16)  # the window of 1 January 2027 (page_factories.PERIOD)


@pytest.fixture
def candidates(city):
    """staff_a and the outsider (Disdik, no operator) are eligible on 1 January 2027; staff_b
    lacks only the time in rank."""
    page_factories.eligible(city.staff_a)
    page_factories.eligible(city.outsider)
    page_factories.held_back_by_time(city.staff_b)
    return city


@pytest.mark.django_db
def test_the_window_opening_tells_each_operator_the_count_and_each_eligible_employee(candidates, mailoutbox, send):
    city = candidates

    day_before = (send(OPERATORS, OPENS - dt.timedelta(days=1)), send(EMPLOYEES, OPENS - dt.timedelta(days=1)))
    operators = send(OPERATORS, OPENS)
    employees = send(EMPLOYEES, OPENS)

    assert [result.due for result in day_before] == [0, 0]
    assert (operators.created, employees.created) == (1, 2)
    assert keys(OPERATORS, city.operator.user) == {f"{OPERATORS}:opd-{city.dinkes.pk}:2027-01-01"}
    operator_note = notes(OPERATORS).get()
    assert ": 1 " in operator_note.title and "Dinas Kesehatan" in operator_note.title
    assert operator_note.url == f"/careers/candidates/?period=2027-01-01&opd={city.dinkes.pk}"
    assert recipients(EMPLOYEES) == {city.staff_a.user_id, city.outsider.user_id}
    assert keys(EMPLOYEES, city.staff_a.user) == {f"{EMPLOYEES}:employee-{city.staff_a.pk}:2027-01-01"}
    assert "III/c" in notes(EMPLOYEES, city.staff_a.user).get().body
    assert len(mailoutbox) == 3


@pytest.mark.django_db
def test_the_window_is_announced_once_per_period(candidates, mailoutbox, send):
    send(OPERATORS, OPENS)
    send(EMPLOYEES, OPENS)
    mailoutbox.clear()

    later = (send(OPERATORS, OPENS + dt.timedelta(days=4)), send(EMPLOYEES, OPENS))

    assert [result.created for result in later] == [0, 0]
    assert mailoutbox == []


@pytest.mark.django_db
def test_an_employee_may_turn_off_the_eligibility_email_but_an_operator_may_not(candidates, mailoutbox, send):
    city = candidates
    EmailOptOut.objects.create(user=city.staff_a.user, kind=EMPLOYEES)
    EmailOptOut.objects.create(user=city.operator.user, kind=OPERATORS)

    send(OPERATORS, OPENS)
    send(EMPLOYEES, OPENS)

    assert reminders.get(OPERATORS).mandatory and not reminders.get(EMPLOYEES).mandatory
    assert notes(EMPLOYEES, city.staff_a.user).get().email_due is False
    assert sorted(m.to[0] for m in mailoutbox) == sorted([city.operator.user.email, city.outsider.user.email])


@pytest.mark.django_db
def test_collecting_the_window_costs_the_same_queries_for_n_and_3n(city, django_assert_num_queries):
    def batch(count):
        for _n in range(count):
            page_factories.eligible(EmployeeFactory(unit=city.dinkes_bidang))
            page_factories.eligible(EmployeeFactory(unit=city.disdik))

    batch(1)
    with django_assert_num_queries(QUERIES_WINDOW_OPERATORS):
        few = careers_reminders.collect_window_operators(OPENS)
    with django_assert_num_queries(QUERIES_WINDOW_EMPLOYEES):
        few_employees = careers_reminders.collect_window_employees(OPENS)
    batch(2)
    with django_assert_num_queries(QUERIES_WINDOW_OPERATORS):
        many = careers_reminders.collect_window_operators(OPENS)
    with django_assert_num_queries(QUERIES_WINDOW_EMPLOYEES):
        many_employees = careers_reminders.collect_window_employees(OPENS)

    assert ": 1 " in few[0].title and ": 3 " in many[0].title  # Dinkes: 1 eligible, then 3
    assert (len(few), len(many)) == (1, 1)  # one operator, of Dinkes only
    assert (len(few_employees), len(many_employees)) == (2, 6)


QUERIES_WINDOW_OPERATORS = 10
QUERIES_WINDOW_EMPLOYEES = 9
