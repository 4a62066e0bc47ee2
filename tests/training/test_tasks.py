"""The daily training tasks (training/tasks.py) run eagerly: quotas released on their date
hand seats to the waiting list, supervisors are asked three months after a completed
session, and running either twice changes nothing. Their beat schedule exists after migrate."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django_celery_beat.models import PeriodicTask

from asn_portal.models import Notification
from tests.factories import EmployeeFactory
from tests.training.factories import TODAY, registered, session
from training import services, tasks
from training.models import FollowUp, Registration, SessionStatus

pytestmark = pytest.mark.django_db

RELEASE_ON = dt.date(2026, 11, 15)


def _state(registration) -> str:
    return Registration.objects.get(pk=registration.pk).state


def _release(on: dt.date) -> int:
    return tasks.release_due_quotas.delay(today=on.isoformat()).get()


def _ask(on: dt.date) -> int:
    return tasks.ask_due_follow_ups.delay(today=on.isoformat()).get()


# --- Quota release --------------------------------------------------------------------------------


@pytest.fixture
def reserved_session(city):
    """Two seats, one reserved for Dinas Pendidikan until RELEASE_ON; two Dinkes staff
    registered: the first holds the pool's seat, the second waits."""
    sess = session(capacity=2)
    services.set_quota(sess, opd=city.disdik, seats=1, release_on=RELEASE_ON, by=None, today=TODAY)
    first = registered(sess, city.staff_a, by=city.admin)
    second = registered(sess, city.staff_b, by=city.admin)
    return sess, first, second


def test_releasing_due_quotas_confirms_the_waiting_list_on_the_release_date(reserved_session, eager_tasks):
    sess, first, second = reserved_session

    confirmed = _release(RELEASE_ON)

    assert confirmed == 1
    assert (_state(first), _state(second)) == ("confirmed", "confirmed")
    sess.refresh_from_db()
    assert sess.confirmed_count == 2


def test_a_quota_not_yet_released_keeps_the_waiting_list_waiting(reserved_session, eager_tasks):
    _sess, _first, second = reserved_session

    confirmed = _release(RELEASE_ON - dt.timedelta(days=1))

    assert confirmed == 0
    assert _state(second) == "waitlisted"


def test_releasing_quotas_twice_confirms_nobody_twice(reserved_session, eager_tasks):
    sess, _first, second = reserved_session
    _release(RELEASE_ON)
    events = second.events.count()

    again = _release(RELEASE_ON + dt.timedelta(days=1))

    assert again == 0
    assert second.events.count() == events
    sess.refresh_from_db()
    assert sess.confirmed_count == 2


def test_a_cancelled_session_is_not_released(reserved_session, eager_tasks):
    sess, _first, _second = reserved_session
    services.set_session_status(sess, SessionStatus.CANCELLED, by=None, today=TODAY)

    assert _release(RELEASE_ON) == 0


# --- Follow-up ------------------------------------------------------------------------------------

ENDS_ON = dt.date(2026, 12, 2)  # the factory session's last day


def _completed(employee, sess, by):
    registration = registered(sess, employee, by=by)  # nominated by BKPP: straight to a seat
    return services.record_result(registration, passed=True, by=None, on=ENDS_ON)


@pytest.fixture
def completed(city):
    sess = session(capacity=3, approval_required=False)
    done = _completed(city.staff_a, sess, city.admin)
    loner = EmployeeFactory(unit=city.dinkes_bidang, supervisor=None)
    alone = _completed(loner, sess, city.admin)
    return done, alone


def test_the_supervisor_is_asked_ninety_days_after_the_session_ended(city, completed, eager_tasks):
    done, _alone = completed

    asked = _ask(ENDS_ON + dt.timedelta(days=90))

    follow_up = FollowUp.objects.get(registration=done)
    assert asked == 1
    assert follow_up.supervisor == city.supervisor
    assert follow_up.asked_on == ENDS_ON + dt.timedelta(days=90)
    assert Notification.objects.filter(recipient=city.supervisor.user, key=f"training-follow-up-{follow_up.pk}")


def test_nobody_is_asked_before_ninety_days_have_passed(completed, eager_tasks):
    asked = _ask(ENDS_ON + dt.timedelta(days=89))

    assert asked == 0
    assert not FollowUp.objects.exists()


def test_a_participant_without_a_supervisor_is_not_asked_about(completed, eager_tasks):
    _done, alone = completed

    _ask(ENDS_ON + dt.timedelta(days=90))

    assert not FollowUp.objects.filter(registration=alone).exists()


def test_a_missed_day_is_caught_up_but_old_sessions_are_never_asked_about(completed, eager_tasks):
    late = ENDS_ON + dt.timedelta(days=90 + tasks.FOLLOW_UP_CATCH_UP_DAYS - 1)
    too_late = ENDS_ON + dt.timedelta(days=90 + tasks.FOLLOW_UP_CATCH_UP_DAYS)

    assert _ask(too_late) == 0
    assert _ask(late) == 1


def test_asking_twice_creates_no_second_question_or_notification(city, completed, eager_tasks):
    _ask(ENDS_ON + dt.timedelta(days=90))
    notifications = Notification.objects.count()

    again = _ask(ENDS_ON + dt.timedelta(days=91))

    assert again == 0
    assert FollowUp.objects.count() == 1
    assert Notification.objects.count() == notifications


# --- The beat schedule ----------------------------------------------------------------------------


DAILY = {"training.tasks.release_due_quotas", "training.tasks.ask_due_follow_ups"}


def test_both_daily_tasks_are_scheduled_at_one_in_the_morning_jakarta_time():
    scheduled = {
        task.task: task
        for task in PeriodicTask.objects.filter(task__startswith="training.tasks.").select_related("crontab")
    }

    # The third is the monthly JP recap to OPD heads (declared in code: asn_portal.reminders).
    assert set(scheduled) == {*DAILY, "training.tasks.send_monthly_jp_recaps"}
    monthly = scheduled.pop("training.tasks.send_monthly_jp_recaps")
    assert (monthly.crontab.minute, monthly.crontab.hour, monthly.crontab.day_of_month) == ("0", "5", "1")
    for task in scheduled.values():
        assert task.enabled
        assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("0", "1", "*")
        assert str(task.crontab.timezone) == "Asia/Jakarta"


def test_running_the_schedule_migration_again_adds_no_rows():
    migration = importlib.import_module("training.migrations.0002_daily_tasks")
    before = PeriodicTask.objects.count()

    migration.create_schedule(apps, None)

    assert PeriodicTask.objects.count() == before
    assert PeriodicTask.objects.filter(task__in=DAILY).count() == 2
