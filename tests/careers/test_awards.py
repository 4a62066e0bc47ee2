"""Who is due a Satyalancana Karya Satya (careers.awards): years of service from TMT CPNS, the
medal not yet received, no sedang/berat sanction within those years; set-based."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from asn_portal.models import Employee, EmployeeStatus, EmploymentType
from careers.awards import satyalancana_due, satyalancana_xlsx
from careers.models import AwardKind, SatyalancanaRule
from tests.careers.factories import award
from tests.factories import EmployeeFactory
from tests.integrity.factories import sanction

pytestmark = pytest.mark.django_db

TEN_YEARS = dt.date(2025, 3, 1)  # the city's employees became CPNS on 2015-03-01


def due(on=TEN_YEARS, queryset=None) -> dict[str, str]:
    rows = satyalancana_due(queryset if queryset is not None else Employee.objects.all(), on)
    return {row.employee.name: row.award for row in rows}


def test_ten_years_of_service_on_the_day_makes_the_medal_due(city):
    rows = satyalancana_due(Employee.objects.filter(pk=city.staff_a.pk), TEN_YEARS)

    assert [(r.employee, r.award, r.years, r.reached_on) for r in rows] == [
        (city.staff_a, AwardKind.SATYALANCANA_X, 10, TEN_YEARS)
    ]


def test_the_day_before_ten_years_it_is_not_due(city):
    assert due(TEN_YEARS - dt.timedelta(days=1)) == {}


def test_everyone_with_ten_years_is_listed_by_name(city):
    assert list(due()) == sorted(
        [city.operator.name, city.outsider.name, city.staff_a.name, city.staff_b.name, city.supervisor.name]
    )


def test_a_sedang_sanction_within_the_years_excludes(city):
    sanction(city.staff_a, "potong_tukin_25_6_bulan", dt.date(2020, 2, 1))

    assert city.staff_a.name not in due()


def test_a_berat_sanction_within_the_years_excludes(city):
    sanction(city.staff_a, "penurunan_jabatan_12_bulan", dt.date(2024, 6, 1))

    assert city.staff_a.name not in due()


def test_a_ringan_sanction_does_not_exclude(city):
    sanction(city.staff_a, "teguran_tertulis", dt.date(2020, 2, 1))

    assert due()[city.staff_a.name] == AwardKind.SATYALANCANA_X


def test_an_annulled_sanction_does_not_exclude(city):
    from integrity import services

    decree = sanction(city.staff_a, "potong_tukin_25_6_bulan", dt.date(2020, 2, 1))
    services.annul_sanction(
        decree, decree_number="800/9/BANDING", decree_on=dt.date(2020, 5, 1), by=None, today=dt.date(2026, 1, 1)
    )

    assert due()[city.staff_a.name] == AwardKind.SATYALANCANA_X


def test_a_sanction_after_the_years_were_reached_does_not_exclude(city):
    sanction(city.staff_a, "potong_tukin_25_6_bulan", dt.date(2025, 4, 1))

    assert due(dt.date(2025, 6, 1))[city.staff_a.name] == AwardKind.SATYALANCANA_X


def test_whoever_already_has_the_medal_is_not_due(city):
    award(city.staff_a, AwardKind.SATYALANCANA_X, dt.date(2025, 8, 17))

    assert city.staff_a.name not in due(dt.date(2025, 9, 1))


def test_the_highest_medal_reached_is_the_one_due(city):
    veteran = EmployeeFactory(unit=city.dinkes, name="Veteran", appointed=dt.date(1995, 3, 1))
    award(veteran, AwardKind.SATYALANCANA_X, dt.date(2005, 8, 17))

    assert due(dt.date(2025, 3, 1))[veteran.name] == AwardKind.SATYALANCANA_XXX


def test_a_sanction_that_excludes_the_higher_medal_leaves_the_lower_one_due(city):
    veteran = EmployeeFactory(unit=city.dinkes, name="Veteran", appointed=dt.date(2003, 3, 1))
    sanction(veteran, "potong_tukin_25_6_bulan", dt.date(2018, 2, 1))  # year 15

    assert due(dt.date(2025, 3, 1))[veteran.name] == AwardKind.SATYALANCANA_X


def test_holding_a_higher_medal_means_no_lower_one_is_due(city):
    veteran = EmployeeFactory(unit=city.dinkes, name="Veteran", appointed=dt.date(2003, 3, 1))
    award(veteran, AwardKind.SATYALANCANA_XX, dt.date(2023, 8, 17))

    assert veteran.name not in due(dt.date(2025, 3, 1))


def test_pppk_and_people_out_of_service_are_not_listed(city):
    EmployeeFactory(unit=city.dinkes, name="Kontrak", employment_type=EmploymentType.PPPK)
    Employee.objects.filter(pk=city.staff_b.pk).update(status=EmployeeStatus.PENSIUN)

    names = due()

    assert "Kontrak" not in names
    assert city.staff_b.name not in names


def test_the_rules_are_reference_data(city):
    SatyalancanaRule.objects.filter(award=AwardKind.SATYALANCANA_X).update(years=8, excluding_levels=["berat"])
    sanction(city.staff_a, "potong_tukin_25_6_bulan", dt.date(2020, 2, 1))

    assert due(dt.date(2023, 3, 1))[city.staff_a.name] == AwardKind.SATYALANCANA_X


def test_the_list_takes_the_same_queries_for_five_or_fifty_employees(city, django_assert_max_num_queries):
    for number in range(45):
        employee = EmployeeFactory(unit=city.dinkes, appointed=dt.date(2000 + number % 10, 3, 1))
        if number % 3 == 0:
            sanction(employee, "potong_tukin_25_6_bulan", dt.date(2012, 2, 1))
        if number % 4 == 0:
            award(employee, AwardKind.SATYALANCANA_X, dt.date(2016, 8, 17))

    with django_assert_max_num_queries(4):
        rows = satyalancana_due(Employee.objects.all(), TEN_YEARS)
        satyalancana_xlsx(rows)  # unit, OPD and rank of every row come with the employees

    assert len(rows) >= 30


def test_the_spreadsheet_lists_every_row(city):
    rows = satyalancana_due(Employee.objects.all(), TEN_YEARS)

    workbook = openpyxl.load_workbook(io.BytesIO(satyalancana_xlsx(rows)))

    sheet = workbook.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 1 + len(rows)
    first = values[1]
    assert first[1] == rows[0].employee.nip
    assert first[6].date() == dt.date(2015, 3, 1)
    assert first[7] == 10
    assert first[9].date() == TEN_YEARS
