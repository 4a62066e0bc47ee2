"""Reminder runs, whatever the kind: the unique key written before anything is sent (a second
or concurrent run sends nothing), e-mail only for the rows a run created, the opt-out of
optional kinds, a constant number of queries, the beat schedules declared in code, the sweep
that sends what a lost task left, and the notification settings page. The kinds themselves are
tested in their apps; a test kind over the `city` stands in here."""

from __future__ import annotations

import contextlib
import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from asn_portal import reminders, services
from asn_portal.models import EmailOptOut, Employee, Notification, ReportJob, User
from asn_portal.tasks import send_batch_emails, sweep_undispatched
from tests.factories import EmployeeFactory

CODE = "test_everyone"


def _collect(today: dt.date):
    """Everyone with an account, once a month: one query."""
    rows = Employee.objects.filter(user__isnull=False).values_list("user_id", "user__email", "pk")
    for user_id, email, pk in rows:
        yield reminders.Due(
            recipient_id=user_id,
            email=email or "",
            object_key=f"employee-{pk}",
            occasion=f"{today:%Y-%m}",
            title="Perbarui data Anda",
            body="Periksa data kepegawaian Anda.",
            url=reverse("portal:dashboard"),
        )


@contextlib.contextmanager
def _kind(mandatory: bool = False):
    reminders.register(
        reminders.ReminderKind(
            code=CODE, label="Uji", description="Untuk pengujian.", collect=_collect, mandatory=mandatory
        )
    )
    try:
        yield
    finally:
        reminders._KINDS.pop(CODE, None)


@pytest.fixture
def optional_kind():
    with _kind(mandatory=False):
        yield


@pytest.fixture
def mandatory_kind():
    with _kind(mandatory=True):
        yield


TODAY = dt.date(2026, 11, 2)


def _users_with_accounts() -> int:
    return Employee.objects.filter(user__isnull=False).count()


@pytest.mark.django_db
def test_a_run_writes_one_keyed_notification_per_person_and_emails_them_after_the_commit(
    city, optional_kind, eager_tasks, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        result = reminders.run(CODE, TODAY)

    people = _users_with_accounts()
    assert (result.due, result.created) == (people, people)
    staff = Notification.objects.get(recipient=city.user("staff_a"))
    assert staff.key == f"{CODE}:employee-{city.staff_a.pk}:2026-11"
    assert (staff.kind, staff.email_due) == (CODE, False)
    assert staff.emailed_at is not None
    with_email = Employee.objects.filter(user__isnull=False).exclude(user__email="").count()
    assert len(mailoutbox) == with_email == result.emailed


@pytest.mark.django_db
def test_a_second_run_the_same_month_sends_nothing_and_the_next_month_sends_again(
    city, optional_kind, eager_tasks, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        reminders.run(CODE, TODAY)
    sent = len(mailoutbox)

    with django_capture_on_commit_callbacks(execute=True):
        again = reminders.run(CODE, TODAY + dt.timedelta(days=5))
    assert (again.created, again.emailed, len(mailoutbox)) == (0, 0, sent)

    with django_capture_on_commit_callbacks(execute=True):
        december = reminders.run(CODE, dt.date(2026, 12, 1))
    assert december.created == _users_with_accounts()
    assert len(mailoutbox) == 2 * sent


@pytest.mark.django_db
def test_a_redelivered_email_batch_sends_nothing_twice(city, optional_kind, eager_tasks, mailoutbox):
    reminders.run(CODE, TODAY)  # the batch task is held: on_commit never fires in this test
    batch = Notification.objects.values_list("batch", flat=True).first()

    first = send_batch_emails(batch=str(batch))
    second = send_batch_emails(batch=str(batch))

    assert first == len(mailoutbox) > 0
    assert second == 0


@pytest.mark.django_db
def test_an_opted_out_person_gets_the_bell_but_no_email(
    city, optional_kind, eager_tasks, django_capture_on_commit_callbacks, mailoutbox
):
    staff = city.user("staff_a")
    EmailOptOut.objects.create(user=staff, kind=CODE)

    with django_capture_on_commit_callbacks(execute=True):
        reminders.run(CODE, TODAY)

    notification = Notification.objects.get(recipient=staff)
    assert (notification.email_due, notification.emailed_at) == (False, None)
    assert staff.email not in [address for message in mailoutbox for address in message.to]
    assert city.user("staff_b").email in [address for message in mailoutbox for address in message.to]


@pytest.mark.django_db
def test_a_mandatory_kind_ignores_the_opt_out(
    city, mandatory_kind, eager_tasks, django_capture_on_commit_callbacks, mailoutbox
):
    staff = city.user("staff_a")
    EmailOptOut.objects.create(user=staff, kind=CODE)

    with django_capture_on_commit_callbacks(execute=True):
        reminders.run(CODE, TODAY)

    assert staff.email in [address for message in mailoutbox for address in message.to]


@pytest.mark.django_db
def test_notify_with_a_kind_respects_the_opt_out(
    city, optional_kind, eager_tasks, django_capture_on_commit_callbacks, mailoutbox
):
    staff = city.user("staff_a")
    EmailOptOut.objects.create(user=staff, kind=CODE)

    with django_capture_on_commit_callbacks(execute=True):
        quiet = services.notify(staff, title="Sesi dikonfirmasi", kind=CODE)
        loud = services.notify(city.user("staff_b"), title="Sesi dikonfirmasi", kind=CODE)

    quiet.refresh_from_db()
    loud.refresh_from_db()
    assert (quiet.email_due, quiet.emailed_at) == (False, None)
    assert (loud.email_due, loud.emailed_at is not None) == (False, True)
    assert [message.to for message in mailoutbox] == [[city.user("staff_b").email]]


@pytest.mark.django_db
def test_a_run_takes_the_same_number_of_queries_for_ten_or_thirty_people(
    city, optional_kind, django_assert_max_num_queries
):
    for index in range(10):
        EmployeeFactory(unit=city.dinkes, name=f"Pegawai {index}")
    with django_assert_max_num_queries(8) as small:
        reminders.run(CODE, TODAY)
    for index in range(30):
        EmployeeFactory(unit=city.dinkes, name=f"Pegawai lagi {index}")

    with django_assert_max_num_queries(len(small.captured_queries)):
        reminders.run(CODE, dt.date(2026, 12, 1))


# --- Beat schedules --------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_reminder_kind_and_the_sweep_have_a_beat_schedule(optional_kind):
    from django_celery_beat.models import PeriodicTask

    reminders.sync_schedules()

    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert {f"reminder: {kind.code}" for kind in reminders.all_kinds()} <= names
    assert "sweep: undispatched e-mails and reports" in names
    task = PeriodicTask.objects.get(name=f"reminder: {CODE}")
    assert (task.task, json.loads(task.kwargs)) == ("asn_portal.tasks.send_reminders", {"kind": CODE})
    assert (task.crontab.hour, task.crontab.minute) == ("6", "0")
    sweep = PeriodicTask.objects.get(name="sweep: undispatched e-mails and reports")
    assert (sweep.interval.every, sweep.interval.period) == (5, "minutes")


@pytest.mark.django_db
def test_syncing_again_changes_nothing_and_keeps_a_schedule_an_admin_disabled(optional_kind):
    from django_celery_beat.models import PeriodicTask

    reminders.sync_schedules()
    PeriodicTask.objects.filter(name=f"reminder: {CODE}").update(enabled=False)
    count = PeriodicTask.objects.count()

    reminders.sync_schedules()

    assert PeriodicTask.objects.count() == count
    assert PeriodicTask.objects.get(name=f"reminder: {CODE}").enabled is False


@pytest.mark.django_db
def test_the_send_reminders_task_runs_a_kind_for_a_given_day(city, optional_kind):
    from asn_portal.tasks import send_reminders

    result = send_reminders(kind=CODE, today="2026-11-02")

    assert result["created"] == _users_with_accounts()
    assert Notification.objects.filter(key__endswith=":2026-11").count() == result["created"]


# --- The sweep -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sweep_sends_old_owed_emails_and_requeues_waiting_reports(city, eager_tasks, mailoutbox):
    staff = city.user("staff_a")
    old = Notification.objects.create(recipient=staff, title="Tertunda", email_due=True)
    fresh = Notification.objects.create(recipient=staff, title="Baru", email_due=True)
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(minutes=10))
    job = ReportJob.objects.create(kind="tidak_terdaftar", params={}, requested_by=city.admin)
    ReportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=10))

    result = sweep_undispatched()

    assert result == {"emailed": 1, "reports_requeued": 1}
    assert [message.subject for message in mailoutbox] == ["[SIGAP] Tertunda"]
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.email_due, fresh.email_due) == (False, True)  # the fresh one's own task is still coming
    job.refresh_from_db()
    assert (job.status, job.error_code) == ("failed", "unknown_kind")  # it ran: its kind is gone
    assert sweep_undispatched() == {"emailed": 0, "reports_requeued": 0}


@pytest.mark.django_db
def test_a_user_without_an_address_owes_no_email(city):
    nobody = User.objects.create_user("tanpa.surel", email="")

    notification = services.notify(nobody, title="Halo")

    assert notification.email_due is False


# --- The settings page -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_settings_page_turns_email_off_for_optional_kinds_only(city, login, optional_kind):
    mandatory = reminders.ReminderKind(
        code="test_duty", label="Tugas", description="Wajib.", collect=lambda today: [], mandatory=True
    )
    reminders.register(mandatory)
    try:
        client = login(city.user("staff_a"))
        page = client.get(reverse("portal:notification-settings")).content.decode()
        assert f'value="{CODE}"' in page and 'id="email-test_duty"' in page

        response = client.post(reverse("portal:notification-settings"), {"email": ["test_duty"]})

        assert response.status_code == 302
        opted = set(EmailOptOut.objects.filter(user=city.user("staff_a")).values_list("kind", flat=True))
        assert CODE in opted and "test_duty" not in opted
        client.post(reverse("portal:notification-settings"), {"email": [CODE]})
        assert not EmailOptOut.objects.filter(user=city.user("staff_a"), kind=CODE).exists()
    finally:
        reminders._KINDS.pop("test_duty", None)


@pytest.mark.django_db
def test_the_sync_schedules_command_puts_back_a_deleted_schedule(optional_kind):
    from django.core.management import call_command
    from django_celery_beat.models import PeriodicTask

    PeriodicTask.objects.filter(name=f"reminder: {CODE}").delete()

    call_command("sync_schedules", stdout=None)

    assert PeriodicTask.objects.filter(name=f"reminder: {CODE}", task="asn_portal.tasks.send_reminders").exists()


@pytest.mark.django_db
def test_a_refused_address_does_not_hold_up_the_rest_of_the_batch(city, optional_kind, monkeypatch, mailoutbox):
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    refused = city.user("staff_a").email
    real_send = EmailBackend.send_messages

    def send_messages(self, messages):
        if any(refused in message.to for message in messages):
            raise smtplib.SMTPRecipientsRefused({refused: (550, b"no such user")})
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)  # the edge: the mail server
    reminders.run(CODE, TODAY)
    batch = Notification.objects.values_list("batch", flat=True).first()

    sent = send_batch_emails(batch=str(batch))

    assert sent == len(mailoutbox) == Employee.objects.filter(user__isnull=False).exclude(user__email="").count() - 1
    staff = Notification.objects.get(recipient=city.user("staff_a"))
    assert (staff.email_due, staff.emailed_at) == (False, None)
    assert Notification.objects.filter(email_due=True).count() == 0
