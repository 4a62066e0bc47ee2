"""In-app notifications and their e-mails, in-process (the embedded default) and on a real
Celery worker over Redis."""

import time

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from asn_portal import services
from asn_portal.celery import app as celery_app
from asn_portal.models import Notification
from asn_portal.tasks import send_notification_email
from tests.factories import UserFactory


@pytest.mark.django_db
def test_a_notification_is_e_mailed_once_the_transaction_commits(
    city, eager_tasks, django_capture_on_commit_callbacks, mailoutbox
):
    user = city.staff_a.user

    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(user, title="Pendaftaran disetujui", body="Bimtek SIASN", url="/")
        assert mailoutbox == []  # nothing leaves before the commit

    notification.refresh_from_db()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "[SIGAP] Pendaftaran disetujui"
    assert "Bimtek SIASN" in mailoutbox[0].body
    assert notification.emailed_at is not None


@pytest.mark.django_db
def test_a_redelivered_e_mail_task_sends_nothing_the_second_time(city, mailoutbox):
    notification = services.notify(city.staff_a.user, title="Pengingat", email=False)

    first = send_notification_email(notification_id=notification.pk)
    second = send_notification_email(notification_id=notification.pk)

    assert (first, second) == (True, False)
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_notification_with_a_key_is_created_once(city):
    user = city.staff_a.user

    first = services.notify(user, title="Diklat dimulai 3 hari lagi", key="session-7-h3", email=False)
    second = services.notify(user, title="Diklat dimulai 3 hari lagi", key="session-7-h3", email=False)

    assert first is not None
    assert second is None
    assert Notification.objects.filter(recipient=user, key="session-7-h3").count() == 1


@pytest.mark.django_db
def test_no_e_mail_without_an_address(eager_tasks, django_capture_on_commit_callbacks, mailoutbox):
    user = UserFactory(email="")

    with django_capture_on_commit_callbacks(execute=True):
        services.notify(user, title="Tanpa e-mail")

    assert mailoutbox == []
    assert Notification.objects.filter(recipient=user).count() == 1


@pytest.mark.django_db
def test_the_bell_counts_unread_notifications_of_the_signed_in_user_only(city, login):
    services.notify(city.staff_a.user, title="Satu", email=False)
    services.notify(city.staff_a.user, title="Dua", email=False)
    services.notify(city.staff_b.user, title="Punya orang lain", email=False)
    client = login(city.staff_a.user)

    response = client.get(reverse("portal:notification-bell"))

    assert response.context["unread_count"] == 2
    assert {n.title for n in response.context["latest"]} == {"Satu", "Dua"}


@pytest.mark.django_db
def test_marking_all_as_read_empties_the_bell(city, login):
    services.notify(city.staff_a.user, title="Satu", email=False)
    other = services.notify(city.staff_b.user, title="Lain", email=False)
    client = login(city.staff_a.user)

    client.post(reverse("portal:notification-read"))

    assert Notification.objects.filter(recipient=city.staff_a.user).unread().count() == 0
    other.refresh_from_db()
    assert other.read_at is None


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_sends_the_e_mail(city):
    from celery.contrib.testing.worker import start_worker

    mail.outbox = []
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with transaction.atomic():
            notification = services.notify(city.staff_a.user, title="Lewat Redis")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            notification.refresh_from_db()
            if notification.emailed_at:
                break
            time.sleep(0.1)

    assert notification.emailed_at is not None
    assert [m.subject for m in mail.outbox] == ["[SIGAP] Lewat Redis"]


def test_without_redis_tasks_run_in_process(settings):
    if settings.REDIS_URL:
        assert celery_app.conf.task_always_eager is False
        assert celery_app.conf.broker_url.startswith("redis://")
    else:
        assert celery_app.conf.task_always_eager is True


@pytest.mark.django_db
def test_the_notification_list_pages_by_twenty(city, login):
    for i in range(25):
        services.notify(city.staff_a.user, title=f"Pesan {i}", email=False)
    client = login(city.staff_a.user)

    first = client.get(reverse("portal:notification-list"))
    second = client.get(reverse("portal:notification-list"), {"page": 2})

    assert len(first.context["page"].object_list) == 20
    assert 'href="?page=2"' in first.content.decode()
    assert len(second.context["page"].object_list) == 5
    assert 'href="?page=1"' in second.content.decode()
