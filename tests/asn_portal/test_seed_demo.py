"""The demo city: `seed_demo` builds a consistent Kota Semarang, `demo_logins` lists its
accounts. One small city (120 employees) is seeded for the whole module inside a transaction
that is rolled back at the end; each test runs in a savepoint inside it. Files the other apps'
demo records store (signed pacts) go to a temporary MEDIA_ROOT."""

from __future__ import annotations

import datetime as dt
import importlib.machinery
import sys
import types
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.test import RequestFactory, override_settings
from django.utils import translation

from asn_portal import demo, services
from asn_portal.management.commands import seed_demo
from asn_portal.models import (
    CollectiveLeave,
    Employee,
    EmploymentType,
    OperatorGrant,
    OrgUnit,
    OrgUnitKind,
    Position,
    PositionKind,
    User,
)
from asn_portal.nip import parse_nip
from asn_portal.permissions import actor_for, is_supervisor

SIZE = 120


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed once for the module; what the first run printed is kept for the tests."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", "--if-empty", employees=SIZE, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def _counts() -> dict[str, int]:
    models = (OrgUnit, Position, Employee, User, OperatorGrant, CollectiveLeave)
    return {model.__name__: model.objects.count() for model in models}


def _sign_in(username: str):
    request = RequestFactory().post("/accounts/login/")  # django-axes needs the request
    return authenticate(request, username=username, password=demo.DEMO_PASSWORD)


# --- The generator alone (no database) --------------------------------------------------------


def test_the_same_seed_builds_the_same_city():
    first = demo.build_city(seed=7, employees=300)
    second = demo.build_city(seed=7, employees=300)

    assert first.employees == second.employees
    assert first.units == second.units
    assert first.positions == second.positions


def test_another_seed_builds_other_employees_on_the_same_tree():
    first = demo.build_city(seed=7, employees=300)
    other = demo.build_city(seed=8, employees=300)

    assert {e.nip for e in first.employees} != {e.nip for e in other.employees}
    assert first.units == other.units


def test_the_generator_makes_exactly_the_employees_asked_for():
    city = demo.build_city(employees=demo.MIN_EMPLOYEES)

    assert len(city.employees) == demo.MIN_EMPLOYEES


def test_a_city_smaller_than_the_minimum_is_refused():
    with pytest.raises(ValueError):
        demo.build_city(employees=demo.MIN_EMPLOYEES - 1)


def test_supervisors_come_before_their_subordinates_in_the_generated_list():
    city = demo.build_city(employees=500)

    position_of = {employee.nip: index for index, employee in enumerate(city.employees)}
    for index, employee in enumerate(city.employees):
        if employee.supervisor_nip:
            assert position_of[employee.supervisor_nip] < index


def test_the_cuti_bersama_list_has_the_decreed_days_of_2025_and_2026_on_working_days():
    days = {day.date: day.name for day in demo.COLLECTIVE_LEAVE}

    assert len(days) == len(demo.COLLECTIVE_LEAVE)
    assert sum(day.year == 2025 for day in days) == 11  # 10 decreed, 18 August added in 2025
    assert sum(day.year == 2026 for day in days) == 8
    assert any(day.year == 2027 for day in days)
    assert all(day.weekday() < 5 for day in days)
    assert all(name.startswith("Cuti bersama") for name in days.values())


# --- Other apps' demo records (the convention in seed_demo's docstring) -----------------------


def _fake_app(monkeypatch, name: str, seed=None):
    package = types.ModuleType(name)
    package.__path__ = []
    monkeypatch.setitem(sys.modules, name, package)
    if seed is not None:
        module = types.ModuleType(f"{name}.demo")
        module.__spec__ = importlib.machinery.ModuleSpec(f"{name}.demo", None)
        module.seed = seed
        monkeypatch.setitem(sys.modules, f"{name}.demo", module)
    return types.SimpleNamespace(name=name, label=name, module=package)


def test_every_other_app_with_a_demo_seed_function_adds_its_records(monkeypatch):
    calls = []

    def seed(city, *, today, log):
        calls.append((city, today))
        log("fake records written")
        return 3

    configs = [
        _fake_app(monkeypatch, "fake_with_demo", seed),
        _fake_app(monkeypatch, "fake_without_demo"),
        types.SimpleNamespace(name="asn_portal", label="asn_portal", module=sys.modules["asn_portal"]),
    ]
    monkeypatch.setattr(seed_demo.apps, "get_app_configs", lambda: configs)
    lines = []

    created = seed_demo.seed_app_demos("the city", today=dt.date(2026, 5, 4), log=lines.append)

    assert created == 3
    assert calls == [("the city", dt.date(2026, 5, 4))]
    assert "fake records written" in lines
    assert any("fake_with_demo" in line for line in lines)


# --- The seeded database -----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_empty_database_is_seeded_with_the_size_asked_for(seeded):
    assert "Demo city ready" in seeded
    assert Employee.objects.count() == SIZE


@pytest.mark.django_db
def test_the_cuti_bersama_days_are_in_the_working_day_calendar(seeded):
    assert set(CollectiveLeave.objects.values_list("date", "name")) == {
        (day.date, day.name) for day in demo.COLLECTIVE_LEAVE
    }


@pytest.mark.django_db
def test_the_other_apps_added_their_demo_records_in_the_same_run(seeded):
    assert "Demo records of" in seeded
    assert "records of the other apps" in seeded


@pytest.mark.django_db
def test_the_tree_has_16_kecamatan_with_177_kelurahan_and_bkpp(seeded):
    kecamatan = OrgUnit.objects.filter(kind=OrgUnitKind.KECAMATAN)
    kelurahan = OrgUnit.objects.filter(kind=OrgUnitKind.KELURAHAN)

    assert kecamatan.count() == 16
    assert all(unit.is_opd for unit in kecamatan)
    assert kelurahan.count() == 177
    assert set(kelurahan.values_list("opd__kind", flat=True)) == {OrgUnitKind.KECAMATAN}
    assert set(kelurahan.values_list("depth", flat=True)) == {2}
    bkpp = OrgUnit.objects.get(code="BKPP")
    assert (bkpp.kind, bkpp.is_opd) == (OrgUnitKind.BADAN, True)


@pytest.mark.django_db
def test_the_asisten_puskesmas_and_schools_sit_where_they_belong(seeded):
    setda = OrgUnit.objects.get(code="SETDA")
    dinkes = OrgUnit.objects.get(code="DINKES")
    disdik = OrgUnit.objects.get(code="DISDIK")

    asisten = OrgUnit.objects.filter(kind=OrgUnitKind.ASISTEN)
    assert asisten.count() == 3
    assert all(unit.depth == 2 and unit.path.startswith(setda.path) for unit in asisten)
    assert OrgUnit.objects.filter(kind=OrgUnitKind.PUSKESMAS, opd=dinkes).count() == 38
    assert not OrgUnit.objects.filter(kind=OrgUnitKind.PUSKESMAS).exclude(opd=dinkes).exists()
    assert OrgUnit.objects.filter(kind=OrgUnitKind.SEKOLAH, opd=disdik).exists()
    assert not OrgUnit.objects.filter(kind=OrgUnitKind.SEKOLAH).exclude(opd=disdik).exists()


@pytest.mark.django_db
def test_every_nip_parses_with_its_employment_type_and_is_unique(seeded):
    rows = list(Employee.objects.values_list("nip", "employment_type", "born_on", "gender", "cpns_tmt_on"))

    assert len({nip for nip, *_ in rows}) == len(rows) == SIZE
    for nip, employment_type, born_on, gender, cpns_tmt_on in rows:
        info = parse_nip(nip, pppk=employment_type in EmploymentType.pppk(), today=demo.REFERENCE_DATE)
        assert (info.born_on, info.gender) == (born_on, gender)
        assert info.cpns_tmt_on == cpns_tmt_on  # None for PPPK: no TMT CPNS


@pytest.mark.django_db
def test_every_supervisor_chain_ends_without_a_cycle(seeded):
    supervisor_of = dict(Employee.objects.values_list("id", "supervisor_id"))

    for employee_id in supervisor_of:
        seen = set()
        current = employee_id
        while current is not None:
            assert current not in seen, f"cycle through employee {current}"
            seen.add(current)
            current = supervisor_of[current]
    assert list(Employee.objects.filter(supervisor__isnull=True).values_list("position__name", flat=True)) == [
        "Sekretaris Daerah"
    ]


@pytest.mark.django_db
def test_every_employee_belongs_to_the_opd_of_their_unit(seeded):
    assert not Employee.objects.exclude(opd_id=F("unit__opd_id")).exists()
    assert not Employee.objects.exclude(position__isnull=True).exclude(position__unit_id=F("unit_id")).exists()


@pytest.mark.django_db
def test_pppk_have_a_grade_and_no_rank_while_pns_have_a_rank_and_no_grade(seeded):
    pppk = Employee.objects.filter(employment_type__in=EmploymentType.pppk())
    civil_servants = Employee.objects.exclude(employment_type__in=EmploymentType.pppk())

    assert pppk.exists()
    assert not pppk.filter(rank__isnull=False).exists()
    assert not pppk.filter(pppk_grade__isnull=True).exists()
    assert not civil_servants.filter(rank__isnull=True).exists()
    assert not civil_servants.filter(pppk_grade__isnull=False).exists()


@pytest.mark.django_db
def test_ranks_stay_under_the_diploma_ceiling_except_on_structural_posts(seeded):
    # The rule: a rank never exceeds the regular-promotion ceiling of the employee's diploma
    # (DOMAIN.md §2.2), except for holders of a structural post (JPT, administrator,
    # pengawas), who hold a rank inside the post's eselon range (§2.3) instead. Nobody is
    # below the starting rank of their diploma, except those who earned it after their rank's
    # TMT: they wait for a penyesuaian ijazah (the careers demo makes some, DOMAIN.md §3.1).
    structural = PositionKind.leadership()
    employees = Employee.objects.filter(rank__isnull=False).select_related("education", "position")

    for employee in employees:
        assert (
            employee.rank_id >= employee.education.starting_rank_id
            or employee.diplomas.filter(level=employee.education, graduated_on__gt=employee.rank_tmt_on).exists()
        ), employee
        if employee.position and employee.position.kind in structural:
            assert employee.position.min_rank_id <= employee.rank_id <= employee.position.max_rank_id, employee
        else:
            assert employee.rank_id <= employee.education.regular_promotion_ceiling_id, employee
    assert employees.filter(position__kind__in=structural, rank__gt=F("education__regular_promotion_ceiling")).exists()


@pytest.mark.django_db
def test_every_employee_passes_the_registry_checks_on_the_reference_date(seeded):
    # check_employee_data is what forms, the API and the import apply: NIP, TMT CPNS against
    # the NIP, dates not in the future, PPPK without rank, the position in the unit's OPD.
    employees = Employee.objects.select_related("unit", "position__unit", "rank", "education", "supervisor")

    for employee in employees:
        data = services.EmployeeData(**{name: getattr(employee, name) for name in services._DATA_FIELDS})
        assert services.check_employee_data(data, today=demo.REFERENCE_DATE) == [], employee.nip


@pytest.mark.django_db
def test_the_seeded_employees_are_those_of_the_generator(seeded):
    generated = demo.build_city(demo.DEFAULT_SEED, SIZE)

    assert set(Employee.objects.values_list("nip", flat=True)) == {employee.nip for employee in generated.employees}


@pytest.mark.django_db
def test_some_positions_carry_the_corruption_prone_flags(seeded):
    flagged = {
        "handles_budget_planning": "BPKAD",
        "handles_tax_retribution": "BAPENDA",
        "handles_hr_promotion": "BKPP",
        "handles_licensing": "DPMPTSP",
        "handles_grants": "DINSOS",
    }

    for flag, opd_code in flagged.items():
        assert Position.objects.filter(**{flag: True}, unit__opd__code=opd_code).exists(), flag
    assert not Position.objects.filter(unit__opd__code="DINKES", handles_budget_planning=True).exists()


@pytest.mark.django_db
def test_seeding_again_changes_nothing(seeded):
    before = _counts()
    nips_before = set(Employee.objects.values_list("nip", flat=True))

    out = StringIO()
    call_command("seed_demo", employees=SIZE, stdout=out)

    assert "nothing to add" in out.getvalue()
    assert _counts() == before
    assert set(Employee.objects.values_list("nip", flat=True)) == nips_before


@pytest.mark.django_db
def test_seeding_with_another_size_on_a_seeded_database_changes_nothing(seeded):
    before = _counts()

    call_command("seed_demo", employees=SIZE * 2, seed=99, stdout=StringIO())

    assert _counts() == before


@pytest.mark.django_db
def test_if_empty_does_nothing_on_a_seeded_database(seeded):
    before = _counts()

    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)

    assert "--if-empty" in out.getvalue()
    assert _counts() == before


# --- Demo accounts -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_bkpp_signs_in_and_may_open_the_admin_site_without_being_superuser(seeded):
    user = _sign_in("admin.bkpp")

    assert user is not None
    assert actor_for(user).is_admin
    assert user.is_staff
    assert not user.is_superuser
    assert not User.objects.filter(is_superuser=True).exists()


@pytest.mark.django_db
def test_the_inspektorat_officer_signs_in_with_the_inspektorat_role(seeded):
    user = _sign_in("inspektur")

    assert user is not None
    actor = actor_for(user)
    assert actor.is_inspektorat
    assert not actor.is_admin


@pytest.mark.django_db
def test_the_operator_signs_in_with_the_nip_and_operates_dinas_kesehatan(seeded):
    user = _sign_in(demo.PERSONA_OPERATOR.nip)

    assert user is not None
    actor = actor_for(user)
    assert actor.operator_opd_ids == {OrgUnit.objects.get(code="DINKES").pk}
    assert actor.employee_opd_id == OrgUnit.objects.get(code="DINKES").pk
    assert not actor.is_admin


@pytest.mark.django_db
def test_the_supervisor_is_a_kepala_bidang_at_dinas_kesehatan_with_at_least_three_subordinates(seeded):
    user = _sign_in(demo.PERSONA_SUPERVISOR.nip)

    assert user is not None
    assert is_supervisor(user)
    supervisor = user.employee
    assert supervisor.position.kind == PositionKind.ADMINISTRATOR
    assert supervisor.position.name.startswith("Kepala Bidang")
    assert supervisor.opd.code == "DINKES"
    assert supervisor.subordinates.count() >= 3
    assert not actor_for(user).is_operator


@pytest.mark.django_db
def test_the_plain_employee_signs_in_and_reports_to_the_supervisor(seeded):
    user = _sign_in(demo.PERSONA_EMPLOYEE.nip)

    assert user is not None
    employee = user.employee
    assert employee.supervisor.nip == demo.PERSONA_SUPERVISOR.nip
    actor = actor_for(user)
    assert not (actor.is_admin or actor.is_inspektorat or actor.is_operator)
    assert not is_supervisor(user)


@pytest.mark.django_db
def test_generated_employees_cannot_sign_in_with_the_demo_password(seeded):
    nip = Employee.objects.exclude(nip__in=[p.nip for p in demo.PERSONAS]).values_list("nip", flat=True).first()

    assert _sign_in(nip) is None
    assert not User.objects.get(username=nip).has_usable_password()


@pytest.mark.django_db
def test_demo_logins_prints_every_demo_account(seeded):
    out = StringIO()

    with translation.override("en"):
        call_command("demo_logins", stdout=out)

    text = out.getvalue()
    assert "http://127.0.0.1:8000/" in text
    assert text.count(demo.DEMO_PASSWORD) == 5
    for label in ("Admin BKPP", "Inspektorat", "Operator OPD", "Atasan", "Pegawai"):
        assert label in text
    assert "admin.bkpp" in text
    assert "inspektur" in text
    for persona in demo.PERSONAS:
        employee = Employee.objects.get(nip=persona.nip)
        assert employee.formatted_nip in text
        assert employee.full_name in text


@pytest.mark.django_db
def test_demo_logins_leaves_out_accounts_that_do_not_exist(seeded):
    # Renamed, not deleted: the demo's integrity records name this officer (PROTECT).
    User.objects.filter(username="inspektur").update(username="former.inspektur")
    Employee.objects.filter(nip=demo.PERSONA_EMPLOYEE.nip).update(user=None)

    out = StringIO()
    with translation.override("en"):
        call_command("demo_logins", stdout=out)

    text = out.getvalue()
    assert text.count(demo.DEMO_PASSWORD) == 3
    assert "inspektur" not in text
    assert "Pegawai" not in text


@pytest.mark.django_db
def test_demo_logins_without_demo_accounts_says_how_to_seed(seeded):
    for account in demo.STAFF_ACCOUNTS:
        User.objects.filter(username=account.username).update(username=f"former.{account.username}")
    Employee.objects.filter(nip__in=[persona.nip for persona in demo.PERSONAS]).update(user=None)

    out = StringIO()
    with translation.override("en"):
        call_command("demo_logins", stdout=out)

    assert "seed_demo" in out.getvalue()
    assert demo.DEMO_PASSWORD not in out.getvalue()
