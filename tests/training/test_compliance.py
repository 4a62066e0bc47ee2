"""JP compliance per OPD and the at-risk list (training.compliance), set-based on the one JP
definition (services.with_jp), and the mandatory-training lists; constant query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from asn_portal.models import Employee, EmployeeStatus, EmploymentType, PositionKind
from tests.factories import EmployeeFactory, PositionFactory
from tests.training.factories import program, session
from training import compliance
from training.models import OutsideLearning, OutsideStatus, Registration, RegistrationState

pytestmark = pytest.mark.django_db

YEAR = 2026
ON = dt.date(2026, 11, 2)


def completed(employee: Employee, *, jp: int, ended_on: dt.date = dt.date(2026, 6, 12), category: str = "bimtek"):
    """A completed registration worth `jp` JP. Written directly: this file tests the read
    paths over many rows; the state machine that produces such rows is tested elsewhere."""
    prog = program(category=category, default_jp=jp)
    sess = session(
        prog,
        opened=False,
        starts_on=ended_on - dt.timedelta(days=1),
        ends_on=ended_on,
        registration_opens_on=ended_on - dt.timedelta(days=30),
        registration_closes_on=ended_on - dt.timedelta(days=2),
        cancellation_deadline=ended_on - dt.timedelta(days=2),
    )
    return Registration.objects.create(
        session=sess, employee=employee, opd_id=employee.opd_id, state=RegistrationState.COMPLETED
    )


def outside(employee: Employee, *, jp: int, status=OutsideStatus.VERIFIED, category: str = "seminar"):
    return OutsideLearning.objects.create(
        employee=employee,
        opd_id=employee.opd_id,
        title="Webinar Literasi Digital",
        organiser="Kominfo",
        category=category,
        starts_on=dt.date(2026, 5, 4),
        ends_on=dt.date(2026, 5, 4),
        jp=jp,
        certificate="training/outside/x.pdf",
        certificate_type="application/pdf",
        status=status,
        reason="" if status != OutsideStatus.REJECTED else "Tidak sah",
    )


def _rows(queryset=None):
    rows = compliance.by_opd(queryset if queryset is not None else Employee.objects.all(), YEAR)
    return [(r.name, r.total, r.met, r.share) for r in rows]


def test_the_share_per_opd_counts_active_employees_at_or_above_their_target(city):
    completed(city.staff_a, jp=20)
    completed(city.staff_b, jp=16)
    completed(city.outsider, jp=24)

    rows = _rows()

    # Dinkes: supervisor, staff_a, staff_b, operator — only staff_a has 20 JP.
    assert rows == [("Dinas Kesehatan", 4, 1, 25.0), ("Dinas Pendidikan", 1, 1, 100.0)]


def test_jp_count_in_the_year_the_training_ended(city):
    completed(city.staff_a, jp=20, ended_on=dt.date(2025, 12, 30))
    completed(city.outsider, jp=12, ended_on=dt.date(2026, 1, 2))
    completed(city.outsider, jp=8, ended_on=dt.date(2026, 3, 2))

    rows = _rows()

    assert rows == [("Dinas Kesehatan", 4, 0, 0.0), ("Dinas Pendidikan", 1, 1, 100.0)]


def test_verified_outside_learning_counts_and_unverified_does_not(city):
    outside(city.staff_a, jp=12)
    completed(city.staff_a, jp=8)
    outside(city.staff_b, jp=30, status=OutsideStatus.SUBMITTED)
    outside(city.supervisor, jp=30, status=OutsideStatus.REJECTED)

    at_risk = {e.pk: e.jp_total for e in compliance.at_risk(Employee.objects.filter(opd=city.dinkes), YEAR)}

    assert city.staff_a.pk not in at_risk
    assert at_risk[city.staff_b.pk] == 0 and at_risk[city.supervisor.pk] == 0


@override_settings(SIGAP_JP_TARGET_PNS=20, SIGAP_JP_TARGET_PPPK=24)
def test_the_pppk_target_comes_from_the_settings(city):
    pppk = EmployeeFactory(unit=city.disdik, employment_type=EmploymentType.PPPK, rank=None, pppk_grade=9)
    completed(pppk, jp=20)
    completed(city.outsider, jp=20)

    rows = {e.pk: (e.jp_total, e.jp_target, e.jp_shortfall) for e in compliance.at_risk(Employee.objects.all(), YEAR)}

    assert rows[pppk.pk] == (20, 24, 4)
    assert city.outsider.pk not in rows


def test_employees_not_in_active_service_are_not_counted(city):
    EmployeeFactory(unit=city.disdik, status=EmployeeStatus.TUGAS_BELAJAR)
    EmployeeFactory(unit=city.disdik, status=EmployeeStatus.PENSIUN)

    rows = _rows(Employee.objects.filter(opd=city.disdik))

    assert rows == [("Dinas Pendidikan", 1, 0, 0.0)]


def test_the_at_risk_list_has_everyone_below_target_fewest_jp_first(city):
    completed(city.staff_a, jp=8)
    completed(city.staff_b, jp=16)
    completed(city.operator, jp=40)

    listed = [
        (e.name, e.jp_total, e.jp_shortfall) for e in compliance.at_risk(Employee.objects.filter(opd=city.dinkes), YEAR)
    ]

    assert listed == [("Siti Rahmawati", 0, 20), ("Budi Santoso", 8, 12), ("Dewi Lestari", 16, 4)]


def test_each_role_sees_the_employees_of_its_scope(city):
    scopes = {
        role: set(compliance.scope_for(city.user(role)).values_list("opd_id", flat=True))
        for role in (
            "admin",
            "operator",
            "supervisor",
            "inspektur",
        )
    }

    assert scopes == {
        "admin": {city.dinkes.pk, city.disdik.pk},
        "operator": {city.dinkes.pk},
        "supervisor": set(),
        "inspektur": set(),
    }


def test_officials_without_their_leadership_training_after_a_year_in_post_are_listed(city):
    post = PositionFactory(unit=city.dinkes_bidang, kind=PositionKind.PENGAWAS, name="Kepala Seksi Surveilans")
    long_in_post = EmployeeFactory(unit=city.dinkes_bidang, position=post, position_since_on=dt.date(2024, 1, 2))
    trained = EmployeeFactory(unit=city.dinkes_bidang, position=post, position_since_on=dt.date(2024, 1, 2))
    completed(trained, jp=40, category="pkp", ended_on=dt.date(2024, 9, 1))
    EmployeeFactory(unit=city.dinkes_bidang, position=post, position_since_on=dt.date(2026, 3, 1))  # < 1 year

    listed = list(compliance.missing_leadership(Employee.objects.all(), ON))

    assert listed == [long_in_post]


def test_holders_of_corruption_prone_posts_without_integrity_training_are_listed(city):
    post = PositionFactory(unit=city.disdik, name="Pengelola Pengadaan", handles_procurement=True)
    untrained = EmployeeFactory(unit=city.disdik, position=post)
    trained = EmployeeFactory(unit=city.disdik, position=post)
    integrity_course = completed(trained, jp=16)
    integrity_course.session.program.is_integrity_training = True
    integrity_course.session.program.save()

    listed = list(compliance.missing_integrity(Employee.objects.all()))

    assert listed == [untrained]


def _count_queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured.captured_queries)


def test_compliance_runs_the_same_number_of_queries_for_few_and_many_employees(city):
    def everything():
        scope = Employee.objects.all()
        compliance.by_opd(scope, YEAR)
        list(compliance.at_risk(scope, YEAR)[:25])
        list(compliance.missing_leadership(scope, ON)[:25])
        list(compliance.missing_integrity(scope)[:25])

    completed(city.staff_a, jp=10)
    few = _count_queries(everything)

    for index in range(30):
        employee = EmployeeFactory(unit=city.disdik if index % 2 else city.dinkes_bidang)
        if index % 3 == 0:
            completed(employee, jp=4 * (index % 7) + 1)
    many = _count_queries(everything)

    assert few == many == 4
