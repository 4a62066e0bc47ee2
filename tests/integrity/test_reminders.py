"""The integrity reminders (integrity/reminders.py): who hears about which deadline, on which
days, once per occasion, by e-mail whatever their settings (they are legal duties), in a fixed
number of queries whatever the number of employees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from asn_portal import reminders, workdays
from asn_portal import services as core_services
from asn_portal.models import EmailOptOut, EmployeeStatus, Notification, Position, PositionKind, Role
from integrity import reminders as integrity_reminders
from integrity import services
from integrity.models import GratificationStatus
from tests.factories import EmployeeFactory, UserFactory

# E-mails go out in-process, also in the CI pass that has a Redis broker.
pytestmark = pytest.mark.usefixtures("eager_tasks")

ANNUAL = integrity_reminders.ANNUAL
NEW = integrity_reminders.NEW_OBLIGEE
GRATIFICATION = integrity_reminders.GRATIFICATION
JANUARY = dt.date(2027, 1, 5)
GIVER = "PT Maju Sejahtera Abadi"


def run(code, today, capture):
    """One daily run with its after-commit e-mail task executed."""
    with capture(execute=True):
        return reminders.run(code, today)


def recipients(code) -> set[int]:
    return set(Notification.objects.filter(kind=code).values_list("recipient_id", flat=True))


def count_queries(function, *args) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as context:
        result = list(function(*args))
    return len(context.captured_queries), result


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_the_three_kinds_are_registered_as_mandatory():
    for code in (ANNUAL, NEW, GRATIFICATION):
        kind = reminders.get(code)

        assert kind is not None and kind.mandatory
        assert code not in {k.code for k in reminders.optional_kinds()}


# ---------------------------------------------------------------------------------------------
# The annual LHKPN/LHKASN
# ---------------------------------------------------------------------------------------------


def test_the_annual_reminder_goes_to_everyone_in_service_who_has_not_filed(city, capture, mailoutbox):
    services.open_filing_year(2026, today=JANUARY)
    services.record_submission(city.staff_a, year=2026, submitted_on=dt.date(2027, 1, 4), by=None, today=JANUARY)

    result = run(ANNUAL, JANUARY, capture)

    expected = {city.user(who).pk for who in ("supervisor", "staff_b", "operator", "outsider")}
    assert recipients(ANNUAL) == expected
    assert result.created == 4 and result.emailed == 4
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        city.user(w).email for w in ("supervisor", "staff_b", "operator", "outsider")
    )
    note = Notification.objects.get(recipient=city.staff_b.user, kind=ANNUAL)
    assert note.key == f"{ANNUAL}:filing-2026:2027-01"
    assert note.url == "/integrity/me/"
    assert "2026" in note.title and "LHKASN" in note.title
    assert "31 Maret 2027" in note.title  # run() speaks Indonesian


def test_the_annual_reminder_does_not_wait_for_the_year_to_be_opened(city, capture):
    run(ANNUAL, JANUARY, capture)

    assert city.staff_a.user.pk in recipients(ANNUAL)


def test_who_is_not_an_obligee_of_the_year_hears_nothing(city, capture):
    appointed_this_year = EmployeeFactory(unit=city.dinkes, appointed=dt.date(2027, 1, 1))
    pppk_appointed_this_year = EmployeeFactory(unit=city.dinkes, employment_type="pppk", appointed=dt.date(2027, 1, 1))
    pppk_of_last_year = EmployeeFactory(unit=city.dinkes, employment_type="pppk", appointed=dt.date(2026, 1, 1))
    retired = EmployeeFactory(unit=city.dinkes, status=EmployeeStatus.PENSIUN)
    locked_out = EmployeeFactory(unit=city.dinkes)
    locked_out.user.is_active = False
    locked_out.user.save()

    run(ANNUAL, JANUARY, capture)

    heard = recipients(ANNUAL)
    assert pppk_of_last_year.user.pk in heard
    for employee in (appointed_this_year, pppk_appointed_this_year, retired, locked_out):
        assert employee.user.pk not in heard
    assert city.inspektur.pk not in heard and city.admin.pk not in heard  # accounts without an employee


def test_a_filing_submitted_after_today_does_not_count_yet(city, capture):
    services.open_filing_year(2026, today=JANUARY)
    later = dt.date(2027, 1, 20)
    services.record_submission(city.staff_a, year=2026, submitted_on=later, by=None, today=later)

    run(ANNUAL, JANUARY, capture)

    assert city.staff_a.user.pk in recipients(ANNUAL)


@pytest.mark.parametrize(
    ("today", "sent"),
    [
        (dt.date(2026, 12, 31), False),
        (dt.date(2027, 1, 1), True),
        (dt.date(2027, 3, 31), True),
        (dt.date(2027, 4, 1), False),
    ],
)
def test_the_annual_window_runs_from_1_january_to_31_march(city, capture, today, sent):
    result = run(ANNUAL, today, capture)

    assert (city.staff_a.user.pk in recipients(ANNUAL)) is sent
    assert result.created == (5 if sent else 0)


def test_the_annual_reminder_is_monthly_and_a_second_run_sends_nothing(city, capture, mailoutbox):
    first = run(ANNUAL, JANUARY, capture)
    sent = len(mailoutbox)

    again = run(ANNUAL, JANUARY, capture)
    later_in_january = run(ANNUAL, dt.date(2027, 1, 28), capture)

    assert first.created == 5 and sent == 5
    assert again.created == 0 and later_in_january.created == 0
    assert len(mailoutbox) == sent

    february = run(ANNUAL, dt.date(2027, 2, 1), capture)

    assert february.created == 5 and len(mailoutbox) == 10
    keys = set(Notification.objects.filter(recipient=city.staff_a.user).values_list("key", flat=True))
    assert keys == {f"{ANNUAL}:filing-2026:2027-01", f"{ANNUAL}:filing-2026:2027-02"}


def test_the_annual_reminder_is_mailed_even_to_who_turned_reminder_mail_off(city, capture, mailoutbox):
    EmailOptOut.objects.create(user=city.staff_a.user, kind=ANNUAL)

    run(ANNUAL, JANUARY, capture)

    assert city.staff_a.user.email in [m.to[0] for m in mailoutbox]
    assert Notification.objects.get(recipient=city.staff_a.user, kind=ANNUAL).emailed_at is not None


def test_an_lhkpn_obligee_is_told_to_file_an_lhkpn(city, capture):
    head = Position.objects.create(name="Kepala Bidang P2P", kind=PositionKind.ADMINISTRATOR, unit=city.dinkes_bidang)
    city.supervisor.position = head
    city.supervisor.save()

    run(ANNUAL, JANUARY, capture)

    title = Notification.objects.get(recipient=city.supervisor.user, kind=ANNUAL).title
    body = Notification.objects.get(recipient=city.supervisor.user, kind=ANNUAL).body
    assert "LHKPN" in title and "LHKASN" not in title
    assert "e-LHKPN" in body
    assert city.staff_a.name not in body and city.staff_a.nip not in body


def test_the_annual_collect_runs_the_same_queries_for_n_and_3n_employees(city):
    for _ in range(5):
        EmployeeFactory(unit=city.dinkes)
    queries_n, dues_n = count_queries(integrity_reminders.collect_annual, JANUARY)
    for _ in range(20):
        EmployeeFactory(unit=city.disdik)

    queries_3n, dues_3n = count_queries(integrity_reminders.collect_annual, JANUARY)

    assert (len(dues_n), len(dues_3n)) == (10, 30)
    assert queries_n == queries_3n == 1


# ---------------------------------------------------------------------------------------------
# New obligees (PPK designation): 2 weeks before the 3-month deadline
# ---------------------------------------------------------------------------------------------

DESIGNATED = dt.date(2027, 2, 10)  # due 10 May 2027; the reminder from 26 April


def designate(employee, valid_from=DESIGNATED, *, must_file=True):
    return services.designate_lhkpn(
        employee,
        must_file=must_file,
        decree_number=f"821/{employee.pk}/2027",
        decree_on=valid_from,
        valid_from=valid_from,
        by=None,
        today=valid_from,
    )


@pytest.mark.parametrize(
    ("today", "sent"),
    [
        (dt.date(2027, 4, 25), False),
        (dt.date(2027, 4, 26), True),
        (dt.date(2027, 5, 10), True),
        (dt.date(2027, 5, 11), False),
    ],
)
def test_a_new_obligee_hears_two_weeks_before_the_three_month_deadline(city, capture, today, sent):
    designation = designate(city.staff_a)

    run(NEW, today, capture)

    notes = list(Notification.objects.filter(kind=NEW))
    assert [n.recipient_id for n in notes] == ([city.staff_a.user.pk] if sent else [])
    if sent:
        assert notes[0].key == f"{NEW}:designation-{designation.pk}:new-14d"
        assert "10 Mei 2027" in notes[0].title
        assert designation.decree_number in notes[0].body
        assert notes[0].url == "/integrity/me/"


def test_a_new_obligee_who_filed_an_lhkpn_since_the_designation_hears_nothing(city, capture):
    designate(city.staff_a)
    designate(city.staff_b)
    designate(city.supervisor)
    services.record_submission(
        city.staff_a, year=2027, submitted_on=dt.date(2027, 3, 1), by=None, today=dt.date(2027, 3, 1)
    )
    # An LHKASN of the previous year, filed after the designation, is not the LHKPN owed.
    services.open_filing_year(2026, today=dt.date(2027, 1, 2))
    services.record_submission(
        city.staff_b, year=2026, submitted_on=dt.date(2027, 3, 1), by=None, today=dt.date(2027, 3, 1)
    )

    run(NEW, dt.date(2027, 4, 26), capture)

    assert recipients(NEW) == {city.staff_b.user.pk, city.supervisor.user.pk}


def test_a_designation_that_removes_or_continues_an_obligation_is_not_a_new_obligee(city, capture):
    designate(city.staff_a, must_file=False)
    designate(city.staff_b, dt.date(2026, 1, 1))
    designate(city.staff_b)  # a renewed decree: the earlier one ends where this one starts
    designate(city.supervisor)
    city.supervisor.status = EmployeeStatus.PENSIUN
    city.supervisor.save()

    run(NEW, dt.date(2027, 4, 26), capture)

    assert recipients(NEW) == set()


def test_the_new_obligee_reminder_is_sent_once_and_mailed_despite_an_opt_out(city, capture, mailoutbox):
    designate(city.staff_a)
    EmailOptOut.objects.create(user=city.staff_a.user, kind=NEW)

    first = run(NEW, dt.date(2027, 4, 26), capture)
    second = run(NEW, dt.date(2027, 4, 27), capture)
    third = run(NEW, dt.date(2027, 4, 27), capture)

    assert (first.created, second.created, third.created) == (1, 0, 0)
    assert [m.to[0] for m in mailoutbox] == [city.staff_a.user.email]


def test_the_new_obligee_collect_runs_the_same_queries_for_n_and_3n_designations(city):
    for _ in range(4):
        designate(EmployeeFactory(unit=city.dinkes))
    queries_n, dues_n = count_queries(integrity_reminders.collect_new_obligees, dt.date(2027, 4, 30))
    for _ in range(8):
        designate(EmployeeFactory(unit=city.disdik))

    queries_3n, dues_3n = count_queries(integrity_reminders.collect_new_obligees, dt.date(2027, 4, 30))

    assert (len(dues_n), len(dues_3n)) == (4, 12)
    assert queries_n == queries_3n == 1


# ---------------------------------------------------------------------------------------------
# Gratification: the UPG's deadline to forward a report to the KPK
# ---------------------------------------------------------------------------------------------

REPORTED = dt.date(2026, 9, 7)  # a Monday


def report(employee, reported_on=REPORTED):
    return services.report_gratification(
        employee=employee,
        received_on=reported_on - dt.timedelta(days=3),
        giver=GIVER,
        description="Parsel berisi jam tangan.",
        estimated_value=Decimal("2750000"),
        relation_to_duty="Pemohon izin.",
        reported_on=reported_on,
        by=None,
    )


def working_days_before(day: dt.date, count: int) -> dt.date:
    """The day from which `day` is the `count`-th working day."""
    off = workdays.days_off(day - dt.timedelta(days=40), day)
    earlier = day - dt.timedelta(days=1)
    while workdays.add_working_days(earlier, count, off) != day:
        earlier -= dt.timedelta(days=1)
    return earlier


@pytest.fixture
def second_officer(db):
    officer = UserFactory(username="inspektur.dua")
    core_services.grant_role(officer, Role.INSPEKTORAT, by=None)
    return officer


def test_three_working_days_before_the_deadline_every_officer_hears_of_a_report_nobody_took_up(
    city, capture, second_officer, mailoutbox
):
    gift = report(city.staff_a)
    day = working_days_before(gift.forward_due_on, 3)

    result = run(GRATIFICATION, day, capture)

    assert recipients(GRATIFICATION) == {city.inspektur.pk, second_officer.pk}
    assert result.emailed == 2
    note = Notification.objects.filter(kind=GRATIFICATION).first()
    assert note.key == f"{GRATIFICATION}:gratification-{gift.pk}:d3"
    assert note.url == f"/integrity/gratification/{gift.pk}/"
    assert str(gift.pk) in note.title
    for message in mailoutbox:
        assert GIVER not in message.subject + message.body and "2.750.000" not in message.body
        assert city.staff_a.name not in message.subject + message.body


def test_the_reporting_employee_admin_and_operators_never_hear_of_the_upg_deadline(city, capture):
    gift = report(city.staff_a)

    run(GRATIFICATION, working_days_before(gift.forward_due_on, 3), capture)
    run(GRATIFICATION, gift.forward_due_on, capture)

    assert recipients(GRATIFICATION) == {city.inspektur.pk}


def test_once_an_officer_took_a_report_up_only_they_hear_three_days_before_but_everyone_on_the_day(
    city, capture, second_officer
):
    gift = report(city.staff_a)
    services.process_gratification(
        gift, status=GratificationStatus.DIVERIFIKASI, by=second_officer, on=REPORTED, today=REPORTED
    )

    run(GRATIFICATION, working_days_before(gift.forward_due_on, 3), capture)

    assert recipients(GRATIFICATION) == {second_officer.pk}

    run(GRATIFICATION, gift.forward_due_on, capture)

    on_the_day = Notification.objects.filter(kind=GRATIFICATION, key__endswith=":d0")
    assert {n.recipient_id for n in on_the_day} == {city.inspektur.pk, second_officer.pk}


@pytest.mark.parametrize(("offset", "occasion"), [(4, None), (3, "d3"), (1, "d3"), (0, "d0"), (-1, None)])
def test_the_upg_reminder_days(city, capture, offset, occasion):
    gift = report(city.staff_a)
    due = gift.forward_due_on
    off = workdays.days_off(due - dt.timedelta(days=30), due)
    day = (
        working_days_before(due, offset)
        if offset > 0
        else due
        if offset == 0
        else workdays.add_working_days(due, 1, off)
    )

    run(GRATIFICATION, day, capture)

    keys = list(Notification.objects.filter(kind=GRATIFICATION).values_list("key", flat=True))
    assert keys == ([f"{GRATIFICATION}:gratification-{gift.pk}:{occasion}"] if occasion else [])


def test_a_forwarded_or_decided_report_needs_no_reminder(city, capture):
    forwarded = report(city.staff_a)
    decided = report(city.staff_b)
    for gift in (forwarded, decided):
        services.process_gratification(
            gift, status=GratificationStatus.DIVERIFIKASI, by=city.inspektur, on=REPORTED, today=REPORTED
        )
    services.process_gratification(
        forwarded, status=GratificationStatus.DITERUSKAN, by=city.inspektur, on=REPORTED, today=REPORTED
    )
    services.process_gratification(
        decided,
        status=GratificationStatus.DITETAPKAN,
        decision="milik_penerima",
        by=city.inspektur,
        on=REPORTED,
        today=REPORTED,
    )

    run(GRATIFICATION, forwarded.forward_due_on, capture)

    assert recipients(GRATIFICATION) == set()


def test_the_upg_reminder_is_sent_once_per_occasion_and_mailed_despite_an_opt_out(city, capture, mailoutbox):
    gift = report(city.staff_a)
    EmailOptOut.objects.create(user=city.inspektur, kind=GRATIFICATION)
    day = working_days_before(gift.forward_due_on, 3)

    first = run(GRATIFICATION, day, capture)
    again = run(GRATIFICATION, day, capture)
    next_day = run(GRATIFICATION, working_days_before(gift.forward_due_on, 2), capture)

    assert (first.created, again.created, next_day.created) == (1, 0, 0)
    assert [m.to[0] for m in mailoutbox] == [city.inspektur.email]


def test_the_upg_collect_runs_the_same_queries_for_n_and_3n_reports(city, second_officer):
    employees = [EmployeeFactory(unit=city.dinkes) for _ in range(6)]
    first = [report(e) for e in employees[:2]]
    day = working_days_before(first[0].forward_due_on, 2)
    queries_n, dues_n = count_queries(integrity_reminders.collect_gratification, day)
    for employee in employees[2:]:
        report(employee)

    queries_3n, dues_3n = count_queries(integrity_reminders.collect_gratification, day)

    assert (len(dues_n), len(dues_3n)) == (4, 12)  # two officers each
    assert queries_n == queries_3n == 3
