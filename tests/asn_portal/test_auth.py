"""Signing in with a NIP, the lock-out after repeated failures, and the sign-in log."""

import logging

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-sigap"  # tests.factories.UserFactory's password


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_an_employee_signs_in_with_the_nip_as_printed_with_spaces(city, client):
    response = _login(client, city.staff_a.formatted_nip, PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("portal:dashboard")
    assert client.get(reverse("portal:dashboard")).context["user"] == city.staff_a.user


def test_a_staff_account_signs_in_with_its_username(city, client):
    response = _login(client, "admin.bkpp", PASSWORD)

    assert response.status_code == 302


def test_a_wrong_password_shows_the_form_again_with_a_message(city, client):
    response = _login(client, city.staff_a.nip, "salah")

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_even_for_the_right_password(city, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, city.staff_a.nip, "salah")

    locked = _login(client, city.staff_a.nip, PASSWORD)

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username=city.staff_a.nip).exists()


def test_typing_the_nip_with_spaces_does_not_dodge_the_lock_out(city, client):
    for i in range(settings.AXES_FAILURE_LIMIT):
        typed = city.staff_a.formatted_nip if i % 2 else city.staff_a.nip
        _login(client, typed, "salah")

    locked = _login(client, city.staff_a.formatted_nip, PASSWORD)

    assert locked.status_code == 429


def test_the_lock_out_of_one_account_does_not_lock_another(city, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, city.staff_a.nip, "salah")

    other = _login(client, city.staff_b.nip, PASSWORD)

    assert other.status_code == 302


def test_sign_ins_and_failures_are_logged(city, client, caplog):
    with caplog.at_level(logging.INFO, logger="sigap.auth"):
        _login(client, city.staff_a.nip, "salah")
        _login(client, city.staff_a.nip, PASSWORD)

    messages = [(r.levelname, r.getMessage(), getattr(r, "username", None)) for r in caplog.records]
    assert ("WARNING", "login failed", city.staff_a.nip) in messages
    assert ("INFO", "login succeeded", city.staff_a.nip) in messages


def test_sessions_expire_after_a_working_day_and_with_the_browser():
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_password_change_requires_the_old_password(city, client):
    client.post(reverse("login"), {"username": city.staff_a.nip, "password": PASSWORD})

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Semarang-Hebat-2026", "new_password2": "Semarang-Hebat-2026"},
    )

    assert response.status_code == 302
    city.staff_a.user.refresh_from_db()
    assert city.staff_a.user.check_password("Semarang-Hebat-2026")


def test_an_imported_employee_without_a_password_can_ask_for_a_reset_link(city, client, mailoutbox):
    user = city.staff_b.user
    user.set_unusable_password()
    user.email = "dewi@semarangkota.go.id"
    user.save()

    response = client.post(reverse("password_reset"), {"email": "dewi@semarangkota.go.id"})

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["dewi@semarangkota.go.id"]
