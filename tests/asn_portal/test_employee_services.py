"""The registry rules applied by services.create_employee / update_employee, and the audit
entries they leave."""

import datetime as dt
import time

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import IntegrityError, transaction

from asn_portal import services
from asn_portal.models import EducationLevel, Employee, EmploymentType, Rank
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 28)


def _data(city, **overrides):
    values = {
        "nip": "199203152019031004",
        "name": "Joko Prasetyo",
        "employment_type": EmploymentType.PNS,
        "unit": city.dinkes_bidang,
        "rank": Rank.objects.get(code="III/a"),
        "rank_tmt_on": dt.date(2019, 3, 1),
        "education": EducationLevel.objects.get(code="S1"),
        "cpns_tmt_on": dt.date(2019, 3, 1),
        "pns_tmt_on": dt.date(2020, 5, 1),
        "back_title": "S.Kom.",
    }
    values.update(overrides)
    return services.EmployeeData(**values)


def _codes(error):
    return {(field, code) for field, code, _message in error.value.errors}


def test_creating_an_employee_derives_birth_date_gender_and_opd_and_opens_an_account(city):
    employee = services.create_employee(_data(city), by=city.admin, today=TODAY)

    assert employee.born_on == dt.date(1992, 3, 15)
    assert employee.gender == "L"
    assert employee.opd == city.dinkes
    assert employee.user.username == "199203152019031004"
    assert not employee.user.has_usable_password()
    assert employee.full_name == "Joko Prasetyo, S.Kom."


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"nip": "19920315"}, ("nip", "nip_format")),
        ({"rank_tmt_on": dt.date(2027, 1, 1)}, ("rank_tmt_on", "date_in_future")),
        ({"pns_tmt_on": dt.date(2018, 1, 1)}, ("pns_tmt_on", "pns_before_cpns")),
        ({"cpns_tmt_on": dt.date(2019, 4, 1)}, ("cpns_tmt_on", "tmt_cpns_mismatch")),
        ({"rank": None}, ("rank", "required")),
        ({"pppk_grade": 9}, ("pppk_grade", "grade_only_for_pppk")),
        ({"employment_type": EmploymentType.CPNS}, ("pns_tmt_on", "cpns_has_pns_tmt")),
        ({"name": "  "}, ("name", "required")),
        ({"nik": "3374065503920001"}, ("nik", "nik_gender_mismatch")),
    ],
)
def test_a_rule_violation_is_refused_with_its_field_and_code(city, overrides, expected):
    with pytest.raises(services.EmployeeDataError) as error:
        services.create_employee(_data(city, **overrides), by=city.admin, today=TODAY)

    assert expected in _codes(error)
    assert not Employee.objects.filter(name="Joko Prasetyo").exists()


def test_a_pppk_has_a_grade_and_no_pangkat(city):
    data = _data(
        city,
        nip="199203152021211004",
        employment_type=EmploymentType.PPPK,
        rank=Rank.objects.get(code="III/a"),
        pppk_grade=9,
        cpns_tmt_on=None,
        pns_tmt_on=None,
        rank_tmt_on=None,
    )

    with pytest.raises(services.EmployeeDataError) as error:
        services.create_employee(data, by=city.admin, today=TODAY)
    data.rank = None
    employee = services.create_employee(data, by=city.admin, today=TODAY)

    assert ("rank", "pppk_has_no_rank") in _codes(error)
    assert employee.pppk_grade == 9
    assert employee.rank is None


def test_a_nip_is_registered_once(city):
    with pytest.raises(services.EmployeeDataError) as error:
        services.create_employee(
            _data(city, nip=city.staff_a.nip, cpns_tmt_on=city.staff_a.cpns_tmt_on), by=None, today=TODAY
        )

    assert ("nip", "nip_exists") in _codes(error)


def test_the_nip_cannot_be_changed_by_an_update(city):
    data = _data(city, nip="199203152019031004")

    with pytest.raises(services.EmployeeDataError) as error:
        services.update_employee(city.staff_a, data, by=city.admin, today=TODAY)

    assert ("nip", "nip_immutable") in _codes(error)


def test_a_supervisor_that_would_close_a_loop_is_refused(city):
    # supervisor → staff_a would make staff_a supervise their own supervisor.
    data = _data(
        city,
        nip=city.supervisor.nip,
        cpns_tmt_on=city.supervisor.cpns_tmt_on,
        rank_tmt_on=city.supervisor.rank_tmt_on,
        pns_tmt_on=city.supervisor.pns_tmt_on,
        supervisor=city.staff_a,
    )

    with pytest.raises(services.EmployeeDataError) as error:
        services.update_employee(city.supervisor, data, by=city.admin, today=TODAY)

    assert ("supervisor", "supervisor_cycle") in _codes(error)
    city.supervisor.refresh_from_db()
    assert city.supervisor.supervisor is None


def test_the_database_refuses_an_employee_as_their_own_supervisor(city):
    with pytest.raises(IntegrityError), transaction.atomic():
        Employee.objects.filter(pk=city.staff_a.pk).update(supervisor=city.staff_a)


def test_the_database_refuses_a_duplicate_nip(city):
    with pytest.raises(IntegrityError), transaction.atomic():
        EmployeeFactory(unit=city.dinkes, nip=city.staff_a.nip, user=None)


def test_the_database_refuses_a_pangkat_for_a_pppk(city):
    with pytest.raises(IntegrityError), transaction.atomic():
        Employee.objects.filter(pk=city.staff_a.pk).update(employment_type=EmploymentType.PPPK)


def test_an_update_is_audited_with_who_and_the_values_before_and_after(city):
    data = _data(
        city,
        nip=city.staff_a.nip,
        name="Budi Santoso",
        cpns_tmt_on=city.staff_a.cpns_tmt_on,
        pns_tmt_on=city.staff_a.pns_tmt_on,
        rank=Rank.objects.get(code="III/b"),
        rank_tmt_on=dt.date(2024, 4, 1),
        supervisor=city.supervisor,
        back_title="",
    )

    with set_actor(city.admin):
        services.update_employee(city.staff_a, data, by=city.admin, today=TODAY)

    entry = LogEntry.objects.get_for_object(city.staff_a).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == city.admin
    assert entry.changes_dict["rank"] == [
        str(Rank.objects.get(code="III/a").pk),
        str(Rank.objects.get(code="III/b").pk),
    ]
    assert entry.changes_dict["rank_tmt_on"] == ["2020-04-01", "2024-04-01"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_creations_of_one_nip_leave_one_employee_and_a_clear_error(city):
    import threading

    from django.db import connections

    inserted = threading.Event()
    outcome = {}

    def first():
        try:
            with transaction.atomic():
                services.create_employee(_data(city), by=None, today=TODAY)
                inserted.set()
                time.sleep(0.5)  # hold the uncommitted row while the second insert waits on it
        finally:
            connections.close_all()

    def second():
        inserted.wait(10)
        try:
            services.create_employee(_data(city, name="Joko Kembar"), by=None, today=TODAY)
            outcome["second"] = "created"
        except services.EmployeeDataError as error:
            outcome["second"] = sorted(code for _field, code, _message in error.errors)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert outcome["second"] == ["nip_exists"]
    assert list(Employee.objects.filter(nip="199203152019031004").values_list("name", flat=True)) == ["Joko Prasetyo"]


def test_the_audit_trail_records_the_connection_address_not_a_forged_header(city, rf):
    from auditlog.context import set_extra_data

    from asn_portal.middleware import AuditActorMiddleware

    request = rf.post("/", REMOTE_ADDR="10.20.30.40", HTTP_X_FORWARDED_FOR="1.2.3.4")
    request.user = city.admin
    staff = Employee.objects.get(pk=city.staff_a.pk)

    with set_extra_data(AuditActorMiddleware(lambda r: None).get_extra_data(request)):
        staff.phone = "0811"
        staff.save()

    entry = LogEntry.objects.get_for_object(staff).latest("timestamp")
    assert entry.remote_addr == "10.20.30.40"
    assert entry.actor == city.admin
