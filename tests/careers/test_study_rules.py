"""The study-leave pre-check and bond rules (careers.study_rules, DOMAIN.md §7.2–7.4): every
criterion at its boundary, judged on the planned start date with the numbers of the reference
data (StudyPolicy, StudyLevelRule) — so editing a row changes the outcome — and the length of
the service bond after a tugas belajar."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta

from asn_portal.models import EducationLevel, EmployeeStatus, EmploymentType
from careers import study
from careers import study_rules as rules
from careers.models import Accreditation, StudyKind, StudyLevelRule, StudyPolicy, StudyState
from tests.careers.study_factories import START, draft, plan, study_at
from tests.factories import EmployeeFactory
from tests.integrity.factories import sanction

pytestmark = pytest.mark.django_db

TB = StudyKind.TUGAS_BELAJAR
IB = StudyKind.IZIN_BELAJAR
A_DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def level(code: str) -> EducationLevel:
    return EducationLevel.objects.get(code=code)


def a_plan(*, kind=TB, level_code="S2", starts_on=START, months=24, ends_on=None, accreditation=Accreditation.A):
    return rules.Plan(
        kind, level(level_code), accreditation, starts_on, ends_on or starts_on + relativedelta(months=months)
    )


def person(city, **fields):
    """A PNS of Dinkes (S1, PNS since 1 March 2016, born 17 May 1990 unless told otherwise)."""
    return EmployeeFactory(unit=city.dinkes_bidang, supervisor=city.supervisor, **fields)


def check(employee, plan_, code: str, **kwargs) -> rules.Check:
    return rules.precheck(employee, plan_, **kwargs).check(code)


# ---------------------------------------------------------------------------------------------
# The whole pre-check
# ---------------------------------------------------------------------------------------------


def test_an_eligible_employee_passes_every_criterion_with_its_numbers(city):
    result = rules.precheck(city.staff_a, a_plan())

    assert result.eligible
    assert [c.code for c in result.checks] == list(rules.CODES)
    assert result.policy_valid_from == dt.date(2021, 1, 1)
    assert result.check("age").values == {"age": 36, "cap": 37, "special": 42}
    assert result.check("duration").values == {"months": 24, "limit": 24}
    assert result.snapshot()["eligible"] is True
    assert {c["code"] for c in result.snapshot()["criteria"]} == set(rules.CODES)


def test_izin_belajar_has_no_age_criterion_whatever_the_age(city):
    older = person(city, born=dt.date(1968, 1, 1))

    result = rules.precheck(older, a_plan(kind=IB, level_code="S2"))

    assert result.check("age") is None
    assert "age" not in [c.code for c in result.checks]
    assert result.eligible


# ---------------------------------------------------------------------------------------------
# Age (tugas belajar)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("level_code", "cap"), [("S1", 25), ("S2", 37), ("S3", 40)])
def test_the_age_cap_holds_until_the_day_before_the_next_birthday(city, level_code, cap):
    birthday_at_cap_on_start = person(city, born=START - relativedelta(years=cap))
    one_day_short_of_next = person(city, born=START - relativedelta(years=cap + 1) + A_DAY)
    next_birthday_on_start = person(city, born=START - relativedelta(years=cap + 1))
    study_plan = a_plan(level_code=level_code, months=12)

    on_birthday = check(birthday_at_cap_on_start, study_plan, "age")
    last_day = check(one_day_short_of_next, study_plan, "age")
    too_old = check(next_birthday_on_start, study_plan, "age")

    assert (on_birthday.ok, on_birthday.values["age"], on_birthday.values["cap"]) == (True, cap, cap)
    assert (last_day.ok, last_day.values["age"]) == (True, cap)
    assert (too_old.ok, too_old.values["age"]) == (False, cap + 1)


def test_the_age_cap_comes_from_the_level_rule(city):
    before = check(city.staff_a, a_plan(), "age")

    StudyLevelRule.objects.filter(level__code="S2").update(tugas_max_age=30)
    after = check(city.staff_a, a_plan(), "age")

    assert before.ok
    assert (after.ok, after.values["cap"]) == (False, 30)


# ---------------------------------------------------------------------------------------------
# Service, employment type, status
# ---------------------------------------------------------------------------------------------


def test_one_year_as_pns_exactly_on_the_start_date_passes_and_a_day_less_fails(city):
    exactly = person(city, pns_tmt_on=START - relativedelta(months=12))
    a_day_short = person(city, pns_tmt_on=START - relativedelta(months=12) + A_DAY)

    passes = check(exactly, a_plan(), "service")
    fails = check(a_day_short, a_plan(), "service")

    assert passes.ok
    assert passes.values == {"months": 12, "from_on": START.isoformat()}
    assert not fails.ok
    assert fails.values["from_on"] == (START + A_DAY).isoformat()


def test_a_pns_without_a_recorded_tmt_pns_fails_service(city):
    unknown = person(city, pns_tmt_on=None)

    assert not check(unknown, a_plan(), "service").ok


def test_the_service_needed_comes_from_the_policy(city):
    one_year = person(city, pns_tmt_on=START - relativedelta(months=12))
    two_years = person(city, pns_tmt_on=START - relativedelta(months=24))

    StudyPolicy.objects.update(min_service_months=24)

    assert not check(one_year, a_plan(), "service").ok
    assert check(two_years, a_plan(), "service").ok


def test_the_policy_in_force_on_the_start_date_applies(city):
    one_year = person(city, pns_tmt_on=dt.date(2025, 12, 1))
    StudyPolicy.objects.create(valid_from=dt.date(2027, 1, 1), min_service_months=24)

    under_old = rules.precheck(one_year, a_plan(starts_on=dt.date(2026, 12, 1)))
    under_new = rules.precheck(one_year, a_plan(starts_on=dt.date(2027, 2, 1)))

    assert under_old.policy_valid_from == dt.date(2021, 1, 1)
    assert under_old.check("service").ok
    assert under_new.policy_valid_from == dt.date(2027, 1, 1)
    assert not under_new.check("service").ok


@pytest.mark.parametrize("employment_type", [EmploymentType.CPNS, EmploymentType.PPPK])
def test_cpns_and_pppk_fail_employment(city, employment_type):
    employee = person(city, employment_type=employment_type)

    result = rules.precheck(employee, a_plan())

    assert not result.check("employment").ok
    assert not result.eligible
    assert check(city.staff_a, a_plan(), "employment").ok


@pytest.mark.parametrize(
    "status", [EmployeeStatus.TUGAS_BELAJAR, EmployeeStatus.CLTN, EmployeeStatus.DIBERHENTIKAN_SEMENTARA]
)
def test_an_employee_who_is_not_active_fails_status(city, status):
    employee = person(city, status=status)

    result = check(employee, a_plan(), "status")

    assert not result.ok
    assert result.values == {"status": status}


# ---------------------------------------------------------------------------------------------
# Discipline (integrity standing on the start date)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level_"), [("potong_tukin_25_6_bulan", "sedang"), ("penurunan_jabatan_12_bulan", "berat")]
)
def test_a_moderate_or_severe_sanction_in_force_on_the_start_date_fails_discipline(city, code, level_):
    sanction(city.staff_a, code, START - relativedelta(months=2), today=START)

    result = check(city.staff_a, a_plan(), "discipline")

    assert not result.ok
    assert result.values == {"sanction_level": level_}


def test_a_light_sanction_does_not_block_even_while_in_force(city):
    sanction(city.staff_a, "teguran_tertulis", START - relativedelta(months=1), ends_on=START + A_DAY, today=START)

    assert check(city.staff_a, a_plan(), "discipline").ok


def test_a_sanction_ending_the_day_before_the_start_passes_and_one_a_day_longer_fails(city):
    # Six months from 1 August 2026: in force up to 31 January 2027, the day before START.
    sanction(city.staff_a, "potong_tukin_25_6_bulan", START - relativedelta(months=6), today=START)
    sanction(city.staff_b, "potong_tukin_25_6_bulan", START - relativedelta(months=6) + A_DAY, today=START)

    assert check(city.staff_a, a_plan(), "discipline").ok
    assert not check(city.staff_b, a_plan(), "discipline").ok


def test_a_sanction_starting_after_the_start_date_does_not_count_on_it(city):
    sanction(city.staff_a, "potong_tukin_25_12_bulan", START + A_DAY, today=START + A_DAY)

    assert check(city.staff_a, a_plan(), "discipline").ok
    assert not check(city.staff_a, a_plan(starts_on=START + A_DAY), "discipline").ok


# ---------------------------------------------------------------------------------------------
# Accreditation and level
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accreditation", "ok"),
    [
        (Accreditation.C, False),
        (Accreditation.BAIK, False),
        (Accreditation.NONE, False),
        (Accreditation.B, True),
        (Accreditation.BAIK_SEKALI, True),
        (Accreditation.A, True),
        (Accreditation.UNGGUL, True),
        (Accreditation.LUAR_NEGERI, True),
    ],
)
def test_the_programme_needs_at_least_b_or_its_equivalent(city, accreditation, ok):
    result = check(city.staff_a, a_plan(accreditation=accreditation), "accreditation")

    assert result.ok is ok
    assert result.values == {"minimum": "B"}


def test_the_minimum_accreditation_comes_from_the_policy(city):
    StudyPolicy.objects.update(min_accreditation=Accreditation.A)

    assert not check(city.staff_a, a_plan(accreditation=Accreditation.B), "accreditation").ok
    assert not check(city.staff_a, a_plan(accreditation=Accreditation.BAIK_SEKALI), "accreditation").ok
    assert check(city.staff_a, a_plan(accreditation=Accreditation.UNGGUL), "accreditation").ok


@pytest.mark.parametrize(("level_code", "ok"), [("D3", False), ("S1", False), ("S2", True), ("S3", True)])
def test_the_level_must_be_above_the_highest_education(city, level_code, ok):
    # staff_a holds an S1.
    result = check(city.staff_a, a_plan(kind=IB, level_code=level_code), "level")

    assert result.ok is ok
    assert result.values == {"current": "S1"}


def test_without_a_recorded_education_the_level_passes_for_bkpp_to_judge(city):
    unknown = person(city, education=None)

    assert check(unknown, a_plan(), "level").ok


# ---------------------------------------------------------------------------------------------
# Duration
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("level_code", "months"), [("S1", 48), ("S2", 24), ("S3", 48), ("D3", 36)])
def test_the_longest_tugas_belajar_passes_and_a_day_more_fails(city, level_code, months):
    longest = START + relativedelta(months=months)

    exactly = check(city.staff_a, a_plan(level_code=level_code, ends_on=longest), "duration")
    a_day_more = check(city.staff_a, a_plan(level_code=level_code, ends_on=longest + A_DAY), "duration")

    assert (exactly.ok, exactly.values) == (True, {"months": months, "limit": months})
    assert (a_day_more.ok, a_day_more.values["limit"]) == (False, months)


def test_izin_belajar_has_no_duration_limit_unless_the_level_rule_sets_one(city):
    six_years = a_plan(kind=IB, months=72)

    unlimited = check(city.staff_a, six_years, "duration")
    StudyLevelRule.objects.filter(level__code="S2").update(izin_max_months=36)
    limited = check(city.staff_a, six_years, "duration")
    at_limit = check(city.staff_a, a_plan(kind=IB, months=36), "duration")

    assert (unlimited.ok, unlimited.values["limit"]) == (True, None)
    assert (limited.ok, limited.values["limit"]) == (False, 36)
    assert at_limit.ok


def test_the_longest_tugas_belajar_comes_from_the_level_rule(city):
    StudyLevelRule.objects.filter(level__code="S2").update(tugas_max_months=18)

    assert not check(city.staff_a, a_plan(months=24), "duration").ok
    assert check(city.staff_a, a_plan(months=18), "duration").ok


# ---------------------------------------------------------------------------------------------
# Bond and another open study
# ---------------------------------------------------------------------------------------------


def test_a_running_service_bond_fails_until_its_end_date_and_passes_on_it(city):
    earlier = study_at(StudyState.COMPLETED, city.staff_a, city, plan(level="S2", months=24))
    ends = earlier.bond_ends_on
    employee = type(city.staff_a).objects.get(pk=city.staff_a.pk)

    day_before = check(employee, a_plan(level_code="S3", starts_on=ends - A_DAY), "bond")
    on_the_day = check(employee, a_plan(level_code="S3", starts_on=ends), "bond")

    assert ends == earlier.returned_on + relativedelta(years=5)
    assert (day_before.ok, day_before.values["until"]) == (False, ends.isoformat())
    assert on_the_day.ok


def test_a_completed_izin_belajar_leaves_no_bond(city):
    earlier = study_at(StudyState.COMPLETED, city.staff_a, city, plan(kind=IB, level="S2", months=24))
    employee = type(city.staff_a).objects.get(pk=city.staff_a.pk)

    result = check(employee, a_plan(level_code="S3", starts_on=earlier.returned_on + A_DAY), "bond")

    assert earlier.bond_ends_on is None
    assert result.ok


def test_another_open_application_fails_studying_but_not_itself_or_a_withdrawn_one(city):
    open_one = draft(city.staff_a)

    other = check(city.staff_a, a_plan(), "studying")
    itself = check(city.staff_a, a_plan(), "studying", exclude=open_one)
    study.withdraw(open_one, by=city.staff_a.user)
    after_withdrawal = check(city.staff_a, a_plan(), "studying")

    assert not other.ok
    assert itself.ok
    assert after_withdrawal.ok


# ---------------------------------------------------------------------------------------------
# Bond length and dates
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("months", "years"), [(1, 3), (12, 3), (13, 5), (18, 5), (24, 5), (25, 7), (48, 9)])
def test_the_bond_is_2n_plus_1_years_with_n_rounded_up(months, years):
    assert rules.bond_years(rules.policy_on(START), months) == years


@pytest.mark.parametrize(("months", "years"), [(12, 2), (18, 4), (24, 4), (25, 6), (48, 8)])
def test_the_bond_formula_comes_from_the_policy(months, years):
    StudyPolicy.objects.update(bond_extra_years=0)

    assert rules.bond_years(rules.policy_on(START), months) == years


def test_the_bond_ends_on_the_anniversary_of_the_return():
    assert rules.bond_end(dt.date(2029, 2, 8), 5) == dt.date(2034, 2, 8)
    assert rules.bond_end(dt.date(2028, 2, 29), 3) == dt.date(2031, 2, 28)


@pytest.mark.parametrize(
    ("ends_on", "months"),
    [(dt.date(2028, 8, 31), 24), (dt.date(2028, 9, 1), 24), (dt.date(2028, 9, 2), 25), (dt.date(2026, 9, 1), 0)],
)
def test_months_between_counts_a_started_month_as_one(ends_on, months):
    assert rules.months_between(dt.date(2026, 9, 1), ends_on) == months
