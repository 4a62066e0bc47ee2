"""The careers daily tasks (careers.tasks) and the immediate bond-exit flag (careers.signals):
run through Celery's task API in eager mode; the real-worker runs are in the Redis tests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from asn_portal.models import Employee, EmployeeStatus, Notification
from careers import study, tasks
from careers.models import StudyState
from careers.study_rules import months_between
from tests.careers.study_factories import START, plan, study_at

pytestmark = pytest.mark.django_db


def test_the_daily_tasks_are_scheduled_by_the_migration():
    names = set(PeriodicTask.objects.filter(task__startswith="careers.tasks.").values_list("task", flat=True))

    assert names == {"careers.tasks.start_due_studies", "careers.tasks.flag_bond_exits"}


def test_start_due_studies_begins_an_approved_study_on_its_start_date_once(city):
    leave = study_at(StudyState.APPROVED, city.staff_a, city)

    before = tasks.start_due_studies.apply(kwargs={"today": (START - dt.timedelta(days=1)).isoformat()}).get()
    on_the_day = tasks.start_due_studies.apply(kwargs={"today": START.isoformat()}).get()
    again = tasks.start_due_studies.apply(kwargs={"today": START.isoformat()}).get()

    leave.refresh_from_db()
    assert (before, on_the_day, again) == (0, 1, 0)
    assert leave.state == StudyState.ONGOING
    assert Employee.objects.get(pk=city.staff_a.pk).status == EmployeeStatus.TUGAS_BELAJAR


def _completed_with_bond(city):
    leave = study_at(StudyState.ONGOING, city.staff_a, city, plan(months=24))
    return study.complete(
        leave,
        by=city.admin,
        graduated_on=dt.date(2029, 1, 15),
        returned_on=dt.date(2029, 2, 1),
        today=dt.date(2029, 2, 1),
    )


def test_leaving_the_service_during_the_bond_is_flagged_to_bkpp_when_the_status_is_saved(
    city, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    leave = _completed_with_bond(city)
    employee = Employee.objects.get(pk=city.staff_a.pk)

    with django_capture_on_commit_callbacks(execute=True):
        employee.status = EmployeeStatus.PINDAH
        employee.save()

    leave.refresh_from_db()
    assert leave.bond_ends_on == dt.date(2034, 2, 1)  # 2 × 2 + 1 years from the return
    assert leave.bond_broken_on == today
    assert leave.bond_remaining_months == months_between(today, dt.date(2034, 2, 1))
    assert (
        Notification.objects.filter(recipient=city.admin, key=f"study-bond-broken:{leave.pk}:{city.admin.pk}").count()
        == 1
    )
    assert tasks.flag_bond_exits.apply(kwargs={"today": today.isoformat()}).get() == 0


def test_saving_an_employee_who_stays_in_service_flags_nothing(city, django_capture_on_commit_callbacks):
    leave = _completed_with_bond(city)
    employee = Employee.objects.get(pk=city.staff_a.pk)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        employee.phone = "0812345"
        employee.save()

    leave.refresh_from_db()
    assert leave.bond_broken_on is None
    assert not any("flag_bond_exits" in repr(c) for c in callbacks)


def test_the_daily_sweep_flags_exits_made_without_signals(city):
    leave = _completed_with_bond(city)
    Employee.objects.filter(pk=city.staff_a.pk).update(status=EmployeeStatus.DIBERHENTIKAN)

    assert tasks.flag_bond_exits.apply(kwargs={"today": "2031-02-01"}).get() == 1

    leave.refresh_from_db()
    assert (leave.bond_broken_on, leave.bond_remaining_months) == (dt.date(2031, 2, 1), 36)
