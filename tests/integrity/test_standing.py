"""`integrity.services.standing` — the one question careers and training ask — and its
set-based twin (DOMAIN.md §8.1, §8.3, §3.5, §9.1)."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asn_portal.models import Employee
from integrity import services
from integrity.models import CaseStatus, SanctionType, WealthReport
from tests.factories import EmployeeFactory
from tests.integrity.factories import TODAY, case, sanction

pytestmark = pytest.mark.django_db
START = dt.date(2026, 1, 10)


def test_a_six_month_sanction_blocks_until_the_day_before_it_ends(city):
    sanction(city.staff_a, "potong_tukin_25_6_bulan", START)  # ends 2026-07-10 (exclusive)

    before = services.standing(city.staff_a, dt.date(2026, 1, 9))
    first_day = services.standing(city.staff_a, START)
    last_day = services.standing(city.staff_a, dt.date(2026, 7, 9))
    end = services.standing(city.staff_a, dt.date(2026, 7, 10))

    assert before.sanction_free and before.in_good_standing
    assert not first_day.sanction_free and first_day.sanction_until == dt.date(2026, 7, 9)
    assert not last_day.sanction_free and not last_day.in_good_standing
    assert end.sanction_free and end.in_good_standing


def test_a_light_reprimand_never_blocks(city):
    sanction(city.staff_a, "teguran_tertulis", START)

    assert services.standing(city.staff_a, START).in_good_standing


def test_a_dismissal_blocks_for_ever_without_an_until(city):
    sanction(city.staff_a, "pemberhentian", START)

    later = services.standing(city.staff_a, dt.date(2030, 1, 1))

    assert not later.sanction_free
    assert later.sanction_until is None
    assert later.sanction_level == "berat"


def test_the_longest_of_two_overlapping_sanctions_decides_until_when(city):
    sanction(city.staff_a, "potong_tukin_25_6_bulan", START)
    sanction(city.staff_a, "penurunan_jabatan_12_bulan", dt.date(2026, 3, 1))

    result = services.standing(city.staff_a, dt.date(2026, 4, 1))

    assert result.sanction_until == dt.date(2027, 2, 28)
    assert result.sanction_level == "berat"


def test_an_annulled_sanction_no_longer_counts(city):
    record = sanction(city.staff_a, "potong_tukin_25_12_bulan", START)

    services.annul_sanction(record, decree_number="862/01/2026", decree_on=dt.date(2026, 2, 1), by=None, today=TODAY)

    assert services.standing(city.staff_a, dt.date(2026, 3, 1)).sanction_free


def test_an_open_case_about_a_severe_violation_means_under_examination(city):
    open_case = case(city.staff_a, level="berat", opened_on=dt.date(2026, 6, 1))

    during = services.standing(city.staff_a, dt.date(2026, 6, 15))
    services.advance_case(open_case, status=CaseStatus.DITUTUP, by=None, on=dt.date(2026, 7, 1), note="Tidak terbukti.")
    after = services.standing(city.staff_a, dt.date(2026, 7, 1))
    still_then = services.standing(city.staff_a, dt.date(2026, 6, 30))

    assert during.under_examination and not during.in_good_standing
    assert not after.under_examination and after.in_good_standing
    assert still_then.under_examination


def test_a_case_about_a_light_violation_does_not_block(city):
    case(city.staff_a, level="ringan")

    assert services.standing(city.staff_a, dt.date(2026, 7, 1)).in_good_standing


def test_an_unfiled_wealth_report_past_its_due_date_is_reported_but_does_not_block(city):
    WealthReport.objects.create(
        employee=city.staff_a, opd=city.dinkes, year=2025, kind="lhkasn", due_on=dt.date(2026, 3, 31)
    )

    on_due_day = services.standing(city.staff_a, dt.date(2026, 3, 31))
    after = services.standing(city.staff_a, dt.date(2026, 4, 1))
    services.record_submission(city.staff_a, year=2025, submitted_on=dt.date(2026, 4, 20), by=None, today=TODAY)
    filed = services.standing(city.staff_a, dt.date(2026, 5, 1))

    assert on_due_day.filings_complete  # on 31 March the 2025 report is not yet late
    assert not after.filings_complete and after.filing_year == 2025
    assert after.in_good_standing
    assert filed.filings_complete


def test_reasons_are_indonesian_and_never_quote_the_violation(city):
    sanction(city.staff_a, "potong_tukin_25_6_bulan", START, violation="Rahasia: menerima suap.")

    result = services.standing(city.staff_a, dt.date(2026, 2, 1))

    assert result.sanction_reason == "Sedang menjalani hukuman disiplin tingkat sedang sampai dengan 9 Juli 2026."
    assert all("suap" not in reason for reason in result.reasons)


def test_the_set_based_standing_costs_one_query_for_any_number_of_employees(city):
    for employee in EmployeeFactory.create_batch(30, unit=city.dinkes):
        sanction(employee, "potong_tukin_25_9_bulan", START)

    with CaptureQueriesContext(connection) as queries:
        result = services.standings(Employee.objects.all(), dt.date(2026, 3, 1))

    assert len(queries) == 1
    assert sum(not s.sanction_free for s in result.values()) == 30


def test_in_good_standing_filters_a_queryset(city):
    sanction(city.staff_a, "penurunan_jabatan_12_bulan", START)
    case(city.staff_b, level="sedang", opened_on=START)

    good = set(services.in_good_standing(Employee.objects.all(), dt.date(2026, 2, 1)))

    assert city.staff_a not in good and city.staff_b not in good
    assert city.supervisor in good


# --- The set-based twin equals the per-employee answer (property) -------------------------------

CODES = [
    "teguran_lisan",
    "potong_tukin_25_6_bulan",
    "potong_tukin_25_9_bulan",
    "potong_tukin_25_12_bulan",
    "penurunan_jabatan_12_bulan",
    "pemberhentian",
]
days = st.integers(min_value=0, max_value=900)
sanction_spec = st.tuples(st.sampled_from(CODES), days, st.booleans())  # code, start offset, annulled
case_spec = st.tuples(st.sampled_from(["", "ringan", "sedang", "berat"]), days, st.one_of(st.none(), days))
filing_spec = st.one_of(st.none(), st.tuples(st.integers(2023, 2025), st.one_of(st.none(), days)))
person = st.tuples(st.lists(sanction_spec, max_size=3), st.lists(case_spec, max_size=2), filing_spec)
BASE = dt.date(2024, 1, 1)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(population=st.lists(person, min_size=1, max_size=6), on_offset=days)
def test_the_set_based_standing_equals_the_per_employee_one(city, population, on_offset):
    on = BASE + dt.timedelta(days=on_offset)
    types = {t.code: t for t in SanctionType.objects.all()}
    with transaction.atomic():
        sid = transaction.savepoint()
        people = EmployeeFactory.create_batch(len(population), unit=city.dinkes, user=None)
        for employee, (sanctions, cases, filing) in zip(people, population, strict=True):
            for code, start, annulled in sanctions:
                record = services.record_sanction(
                    employee=employee,
                    type=types[code],
                    decree_number="X",
                    decree_on=BASE,
                    issued_by="PPK",
                    starts_on=BASE + dt.timedelta(days=start),
                    violation="-",
                    by=None,
                    today=dt.date(2030, 1, 1),
                )
                if annulled:
                    services.annul_sanction(
                        record, decree_number="Y", decree_on=BASE, by=None, today=dt.date(2030, 1, 1)
                    )
            for level, opened, closed in cases:
                item = services.open_case(
                    employee=employee,
                    category="lainnya",
                    source="lainnya",
                    summary="-",
                    alleged_level=level,
                    opened_on=BASE + dt.timedelta(days=opened),
                    by=None,
                    today=dt.date(2030, 1, 1),
                )
                if closed is not None:
                    services.advance_case(
                        item,
                        status=CaseStatus.DITUTUP,
                        by=None,
                        on=BASE + dt.timedelta(days=opened + closed),
                        today=dt.date(2030, 1, 1),
                    )
            if filing is not None:
                year, submitted = filing
                WealthReport.objects.create(
                    employee=employee,
                    opd=city.dinkes,
                    year=year,
                    kind="lhkasn",
                    due_on=dt.date(year + 1, 3, 31),
                    submitted_on=None if submitted is None else dt.date(year + 1, 1, 1) + dt.timedelta(days=submitted),
                )

        together = services.standings(Employee.objects.filter(pk__in=[p.pk for p in people]), on)
        one_by_one = {p.pk: services.standing(p, on) for p in people}

        transaction.savepoint_rollback(sid)
    assert together == one_by_one
