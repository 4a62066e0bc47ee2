"""Once an employee has a rank (or education) history, the registry may not change the rank,
its TMT or the education: they follow the history alone (issue 5, part 1). Forms and the API
go through `asn_portal.services.update_employee`, the spreadsheet through the employee import;
both are refused with a clear reason and write nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from asn_portal import services
from asn_portal.models import EducationLevel, Employee, EmploymentType, Rank
from careers.models import EducationHistory, RankEntryKind
from tests.asn_portal.test_import import csv_bytes, problems, run, valid_row
from tests.careers.factories import rank_history

TODAY = dt.date(2026, 11, 28)

pytestmark = pytest.mark.django_db


def _data_of(employee: Employee, **overrides) -> services.EmployeeData:
    values = {
        "nip": employee.nip,
        "name": employee.name,
        "front_title": employee.front_title,
        "back_title": employee.back_title,
        "employment_type": employee.employment_type,
        "unit": employee.unit,
        "position": employee.position,
        "supervisor": employee.supervisor,
        "rank": employee.rank,
        "rank_tmt_on": employee.rank_tmt_on,
        "education": employee.education,
        "cpns_tmt_on": employee.cpns_tmt_on,
        "pns_tmt_on": employee.pns_tmt_on,
        "email": employee.email,
        "phone": employee.phone,
    }
    values.update(overrides)
    return services.EmployeeData(**values)


def _codes(error):
    return {(field, code) for field, code, _message in error.value.errors}


def _with_rank_history(employee: Employee) -> Employee:
    rank_history(employee, "III/a", employee.cpns_tmt_on, RankEntryKind.CPNS)
    employee.refresh_from_db()
    return employee


def test_the_registry_may_set_the_rank_while_there_is_no_history(city):
    employee = city.staff_a
    assert employee.employment_type == EmploymentType.PNS

    services.update_employee(employee, _data_of(employee, rank=Rank.objects.get(code="III/b")), by=None, today=TODAY)

    employee.refresh_from_db()
    assert employee.rank.code == "III/b"


def test_with_a_rank_history_the_form_may_not_change_the_rank_or_its_tmt(city):
    employee = _with_rank_history(city.staff_a)

    for change in ({"rank": Rank.objects.get(code="IV/a")}, {"rank_tmt_on": dt.date(2024, 4, 1)}):
        with pytest.raises(services.EmployeeDataError) as error:
            services.update_employee(employee, _data_of(employee, **change), by=None, today=TODAY)
        assert ("rank", "owned_by_history") in _codes(error)

    employee.refresh_from_db()
    assert employee.rank.code == "III/a"
    assert employee.rank_tmt_on == employee.cpns_tmt_on


def test_with_a_rank_history_other_fields_still_change(city):
    employee = _with_rank_history(city.staff_a)

    services.update_employee(employee, _data_of(employee, phone="0811111111"), by=None, today=TODAY)

    employee.refresh_from_db()
    assert employee.phone == "0811111111"


def test_with_an_education_history_the_form_may_not_change_the_education(city):
    employee = city.staff_a
    EducationHistory.objects.create(
        employee=employee,
        level=employee.education,
        institution="Universitas Diponegoro",
        graduated_on=dt.date(2012, 8, 30),
    )

    with pytest.raises(services.EmployeeDataError) as error:
        services.update_employee(
            employee, _data_of(employee, education=EducationLevel.objects.get(code="S3")), by=None, today=TODAY
        )

    assert ("education", "owned_by_history") in _codes(error)


def test_the_employee_import_may_not_change_a_rank_that_has_a_history(city):
    row = valid_row()
    assert run(csv_bytes([row])).ok
    employee = Employee.objects.get(nip=row["nip"])
    rank_history(employee, "III/b", employee.cpns_tmt_on, RankEntryKind.CPNS)
    rank_history(employee, "III/b", employee.pns_tmt_on, RankEntryKind.PNS)
    employee.refresh_from_db()
    tmt = employee.rank_tmt_on

    result = run(csv_bytes([valid_row(golongan="III/c", nama="Andi Wijaya Baru")]))

    assert not result.ok
    assert problems(result) == {(2, "golongan", "owned_by_history")}
    employee.refresh_from_db()
    assert (employee.rank.code, employee.rank_tmt_on, employee.name) == ("III/b", tmt, "Andi Wijaya")


def test_the_employee_import_leaves_a_rank_with_history_alone_when_the_file_agrees(city):
    row = valid_row()
    assert run(csv_bytes([row])).ok
    employee = Employee.objects.get(nip=row["nip"])
    rank_history(employee, "III/a", employee.cpns_tmt_on, RankEntryKind.CPNS)
    rank_history(employee, "III/b", dt.date(2018, 4, 1), RankEntryKind.REGULER)  # as in the file
    employee.refresh_from_db()
    assert (employee.rank.code, employee.rank_tmt_on) == ("III/b", dt.date(2018, 4, 1))

    result = run(csv_bytes([valid_row(nama="Andi Wijaya Baru")]))

    assert result.ok, result.errors
    employee.refresh_from_db()
    assert employee.name == "Andi Wijaya Baru"
