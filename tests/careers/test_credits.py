"""Angka kredit of functional positions (DOMAIN.md §4): the yearly conversion from the SKP
predikat and the jenjang's coefficient (with partial years), cumulative per jenjang since the
last PAK or the jenjang's TMT, reset on a jenjang move; the AK the next rank and jenjang need.
Every case is checked against the set-based twin too."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from asn_portal.models import EducationLevel, Employee, Position, PositionKind, Rank
from careers import credits
from careers.models import CreditAssessment, CreditCoefficient, PerformanceRating, PositionHistory
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def jf(city, jenjang: str = "ahli_pertama", rank: str = "III/a", since: dt.date | None = dt.date(2023, 1, 1)):
    kind = PositionKind.FUNGSIONAL_KEAHLIAN if jenjang.startswith("ahli") else PositionKind.FUNGSIONAL_KETERAMPILAN
    post, _ = Position.objects.get_or_create(name="Epidemiolog Kesehatan", kind=kind, jenjang=jenjang, unit=city.dinkes)
    return EmployeeFactory(
        unit=city.dinkes,
        user=None,
        position=post,
        position_since_on=since,
        rank=Rank.objects.get(code=rank),
        education=EducationLevel.objects.get(code="S1"),
    )


def moved(employee, tmt_on: dt.date, jenjang: str = "", kind: str = PositionKind.PELAKSANA):
    if jenjang:
        kind = PositionKind.FUNGSIONAL_KEAHLIAN if jenjang.startswith("ahli") else PositionKind.FUNGSIONAL_KETERAMPILAN
    PositionHistory.objects.create(
        employee=employee, name="Jabatan", kind=kind, jenjang=jenjang, unit=employee.unit, tmt_on=tmt_on
    )


def rated(employee, **years):
    for year, predikat in years.items():
        PerformanceRating.objects.create(employee=employee, year=int(year.lstrip("y")), predikat=predikat)


def pak(employee, assessed_on: dt.date, total: str, jenjang: str = "ahli_pertama"):
    CreditAssessment.objects.create(employee=employee, assessed_on=assessed_on, jenjang=jenjang, total=Decimal(total))


def both(employee, on: dt.date) -> credits.CreditBalance:
    """The per-employee balance, after checking the set-based twin says the same."""
    employee = Employee.objects.select_related("position").get(pk=employee.pk)
    result = credits.balance(employee, on)
    row = credits.with_credit(Employee.objects.filter(pk=employee.pk), on).get()
    row_dates = credits.with_credit_dates(Employee.objects.filter(pk=employee.pk), on).get()
    assert row.ak_units == result.units
    assert row.ak_rank_met == result.rank_met
    assert row.ak_jenjang_met == result.jenjang_met
    assert row.ak_needed_rank_units == credits.to_units(result.needed_for_rank)
    assert row_dates.ak_since_on == result.since_on
    assert row_dates.ak_assessment_on == result.assessment_on
    return result


def test_two_months_of_baik_in_ahli_pertama_earn_2_083(city):
    # DOMAIN.md §4.1: 2/12 × 100 % × 12,5 = 2,08
    employee = jf(city, since=dt.date(2025, 11, 1))
    rated(employee, y2025="baik")

    result = both(employee, dt.date(2026, 1, 1))

    assert [(c.year, c.months, c.percent, c.coefficient) for c in result.conversions] == [
        (2025, 2, 100, Decimal("12.50"))
    ]
    assert result.total == Decimal("2.083")
    assert result.units == 2 * 100 * 1250


def test_whole_years_add_up_with_the_rate_of_each_predikat(city):
    employee = jf(city, since=dt.date(2023, 1, 1))
    rated(employee, y2023="sangat_baik", y2024="baik", y2025="butuh_perbaikan")

    result = both(employee, dt.date(2026, 10, 1))

    assert result.total == Decimal("40.625")  # 12,5 × (1,5 + 1 + 0,75)


def test_a_tmt_in_the_middle_of_a_month_counts_from_the_next_month(city):
    employee = jf(city, since=dt.date(2025, 3, 15))
    rated(employee, y2025="baik")

    result = both(employee, dt.date(2026, 1, 1))

    assert result.conversions[0].months == 9  # April to December


def test_months_of_the_period_year_count_only_when_its_predikat_is_known(city):
    employee = jf(city, since=dt.date(2025, 1, 1))
    rated(employee, y2025="baik")
    before = both(employee, dt.date(2026, 10, 1)).total
    rated(employee, y2026="baik")

    after = both(employee, dt.date(2026, 10, 1))

    assert before == Decimal("12.5")
    assert after.conversions[-1].months == 9  # January to September 2026
    assert after.total == Decimal("21.875")


def test_a_pak_replaces_the_conversion_up_to_its_date(city):
    employee = jf(city, since=dt.date(2022, 1, 1))
    rated(employee, y2023="baik", y2024="sangat_baik", y2025="baik")
    pak(employee, dt.date(2024, 12, 31), "30")

    result = both(employee, dt.date(2026, 10, 1))

    assert result.assessment_on == dt.date(2024, 12, 31)
    assert [c.year for c in result.conversions] == [2025]
    assert result.total == Decimal("42.5")


def test_a_pak_in_the_middle_of_a_year_leaves_the_rest_of_the_year_to_convert(city):
    employee = jf(city, since=dt.date(2023, 1, 1))
    rated(employee, y2025="baik")
    pak(employee, dt.date(2025, 6, 15), "10")

    result = both(employee, dt.date(2026, 1, 1))

    assert result.conversions[0].months == 6  # July to December
    assert result.total == Decimal("16.25")


def test_moving_to_another_jenjang_starts_again_from_zero(city):
    employee = jf(city, jenjang="mahir", rank="III/a", since=dt.date(2025, 4, 1))
    moved(employee, dt.date(2019, 1, 1), jenjang="terampil")
    moved(employee, dt.date(2025, 4, 1), jenjang="mahir")
    pak(employee, dt.date(2024, 12, 31), "55", jenjang="terampil")
    rated(employee, y2024="baik", y2025="baik")

    result = both(employee, dt.date(2026, 1, 1))

    assert result.since_on == dt.date(2025, 4, 1)
    assert result.assessment_on is None
    assert result.total == Decimal("9.375")  # 9/12 × 12,5 (Mahir)


def test_a_pak_before_leaving_the_jenjang_and_coming_back_no_longer_counts(city):
    employee = jf(city, since=dt.date(2024, 7, 1))
    moved(employee, dt.date(2020, 1, 1), jenjang="ahli_pertama")
    pak(employee, dt.date(2022, 12, 31), "45")
    moved(employee, dt.date(2023, 1, 1), kind=PositionKind.PENGAWAS)
    moved(employee, dt.date(2024, 7, 1), jenjang="ahli_pertama")
    rated(employee, y2024="baik", y2025="baik")

    result = both(employee, dt.date(2026, 1, 1))

    assert result.assessment_on is None
    assert result.since_on == dt.date(2024, 7, 1)
    assert result.total == Decimal("18.75")  # 6 months of 2024 + 2025


def test_without_history_the_position_date_is_the_start_and_without_it_nothing_converts(city):
    employee = jf(city, since=dt.date(2025, 7, 1))
    rated(employee, y2025="baik")
    unknown = jf(city, since=None)
    rated(unknown, y2025="baik")

    assert both(employee, dt.date(2026, 1, 1)).total == Decimal("6.25")
    assert both(unknown, dt.date(2026, 1, 1)).total == 0


def test_a_new_coefficient_applies_from_its_year(city):
    CreditCoefficient.objects.create(jenjang="ahli_pertama", valid_from=dt.date(2025, 1, 1), coefficient=Decimal("15"))
    employee = jf(city, since=dt.date(2024, 1, 1))
    rated(employee, y2024="baik", y2025="baik")

    result = both(employee, dt.date(2026, 1, 1))

    assert [c.coefficient for c in result.conversions] == [Decimal("12.50"), Decimal("15.00")]
    assert result.total == Decimal("27.5")


def test_years_before_the_conversion_existed_earn_nothing_without_a_pak(city):
    employee = jf(city, since=dt.date(2021, 1, 1))
    rated(employee, y2021="baik", y2022="baik", y2023="baik")

    assert both(employee, dt.date(2024, 1, 1)).total == Decimal("12.5")  # only 2023


def test_the_next_rank_and_the_next_jenjang_needs(city):
    employee = jf(city, since=dt.date(2023, 1, 1))
    pak(employee, dt.date(2025, 12, 31), "49.999")

    short = both(employee, dt.date(2026, 2, 1))
    pak(employee, dt.date(2026, 1, 31), "50")
    enough = both(employee, dt.date(2026, 2, 1))

    assert (short.needed_for_rank, short.needed_for_jenjang) == (Decimal("50.00"), Decimal("100.00"))
    assert not short.rank_met and short.short_for_rank == Decimal("0.001")
    assert enough.rank_met and not enough.jenjang_met


def test_a_conversion_reaching_the_need_exactly_is_enough(city):
    employee = jf(city, since=dt.date(2023, 1, 1))
    pak(employee, dt.date(2024, 12, 31), "37.5")
    rated(employee, y2025="baik")

    result = both(employee, dt.date(2026, 10, 1))

    assert result.total == Decimal("50") and result.rank_met


def test_someone_outside_a_functional_post_has_no_balance(city):
    employee = EmployeeFactory(unit=city.dinkes, user=None)

    row = credits.with_credit(Employee.objects.filter(pk=employee.pk), dt.date(2026, 1, 1)).get()

    assert credits.balance(employee, dt.date(2026, 1, 1)) is None
    assert row.ak_units == 0 and not row.ak_rank_met


def test_the_set_based_balance_costs_the_same_queries_for_few_and_many(city):
    few = [jf(city) for _ in range(2)]
    for employee in few:
        rated(employee, y2024="baik", y2025="baik")
    with CaptureQueriesContext(connection) as small:
        list(credits.with_credit(Employee.objects.all(), dt.date(2026, 1, 1)).values_list("pk", "ak_units"))
    for _ in range(20):
        employee = jf(city)
        rated(employee, y2025="sangat_baik")
        pak(employee, dt.date(2024, 12, 31), "12")

    with CaptureQueriesContext(connection) as large:
        rows = list(credits.with_credit(Employee.objects.all(), dt.date(2026, 1, 1)).values_list("pk", "ak_units"))

    assert len(large) == len(small) == 4  # three reference tables, one query
    assert len(rows) == Employee.objects.count()
