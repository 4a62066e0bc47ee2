"""Two-factor sign-in (asn_portal.two_factor): set-up with a QR code, the code step after the
password (pages, htmx, API, admin), wrong codes and django-otp's back-off, turning it off,
the compulsory mode for roles, and the administrator's reset."""

from __future__ import annotations

import time
from base64 import b32encode

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from asn_portal import two_factor
from tests.asn_portal.test_security_headers import blocked_by_csp

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-sigap"  # tests.factories.UserFactory's password
ENGLISH = {"Accept-Language": "en"}
SETUP = "two_factor_setup"
VERIFY = "two_factor_verify"
TURN_OFF = "two_factor_turn_off"


def code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_ahead` 30-second steps later: a code
    is accepted once, so a second code in the same test comes from the next step)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    right = {code(device, steps_ahead=offset) for offset in (-1, 0, 1)}
    return next(candidate for candidate in ("000000", "111111", "222222", "333333") if candidate not in right)


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="SIGAP", confirmed=True)


def sign_in(client, user, next_url: str | None = None):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def verify_url(next_url: str) -> str:
    return two_factor.step_url(VERIFY, next_url)


def audit_entries(user):
    return [
        (entry.changes_dict.get("two_factor"), entry.actor_id)
        for entry in LogEntry.objects.filter(object_pk=str(user.pk), changes__has_key="two_factor").order_by("id")
    ]


# --- Set-up ------------------------------------------------------------------------------------


def test_the_set_up_page_shows_a_qr_code_and_the_secret_of_an_unconfirmed_device(city, login):
    login(city.admin)

    response = login(city.admin).get(reverse(SETUP))

    device = TOTPDevice.objects.get(user=city.admin)
    assert response.status_code == 200
    assert not device.confirmed
    html = response.content.decode()
    assert '<svg width="220" height="220"' in html
    secret = b32encode(device.bin_key).decode().rstrip("=")
    assert secret in response.context["secret"].replace(" ", "")
    assert response.context["secret"] in html
    found = blocked_by_csp(response)
    assert found.inline_scripts == [] and found.handlers == []


def test_reloading_the_set_up_page_keeps_the_same_secret(city, login):
    client = login(city.inspektur)

    first = client.get(reverse(SETUP)).context["secret"]
    second = client.get(reverse(SETUP)).context["secret"]

    assert first == second
    assert TOTPDevice.objects.filter(user=city.inspektur).count() == 1


def test_a_wrong_code_does_not_turn_it_on(city, login):
    client = login(city.admin)
    client.get(reverse(SETUP))
    device = TOTPDevice.objects.get(user=city.admin)

    response = client.post(reverse(SETUP), {"code": wrong_code(device)}, headers=ENGLISH)

    assert response.status_code == 200
    assert "wrong or has expired" in response.context["form"].errors["code"][0]
    device.refresh_from_db()
    assert not device.confirmed
    assert audit_entries(city.admin) == []


def test_the_right_code_turns_it_on_verifies_the_session_and_is_audit_logged(city, login):
    client = login(city.admin)
    client.get(reverse(SETUP))
    device = TOTPDevice.objects.get(user=city.admin)

    response = client.post(reverse(SETUP), {"code": code(device)})

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("portal:dashboard")).status_code == 200
    assert audit_entries(city.admin) == [(["off", "on"], city.admin.pk)]
    status = client.get(reverse(SETUP))
    assert status.status_code == 200
    assert "two_factor_status" in status.templates[0].name


@pytest.mark.parametrize("who", ["staff_a", "supervisor", "operator"])
def test_other_roles_are_refused_the_set_up_page(city, login, who):
    response = login(city.user(who)).get(reverse(SETUP))

    assert response.status_code == 403
    assert not TOTPDevice.objects.exists()


def test_the_account_menu_links_the_set_up_page_for_admin_bkpp_and_inspektorat_only(city, client):
    client.force_login(city.admin)
    admin_page = client.get(reverse("portal:dashboard")).content.decode()
    client.force_login(city.staff_a.user)
    employee_page = client.get(reverse("portal:dashboard")).content.decode()

    assert 'data-testid="nav-two-factor"' in admin_page
    assert 'data-testid="nav-two-factor"' not in employee_page


# --- The code step after the password ----------------------------------------------------------


def test_after_the_password_an_enrolled_account_is_held_at_the_code_step(city, client):
    enrolled(city.admin)

    signed_in = sign_in(client, city.admin)
    dashboard = client.get(reverse("portal:dashboard"))
    employees = client.get(reverse("portal:employee-list"))
    admin_site = client.get("/admin/")

    assert signed_in.status_code == 302
    assert client.session[SESSION_KEY] == str(city.admin.pk)
    assert dashboard.status_code == 302
    assert dashboard.url == verify_url(reverse("portal:dashboard"))
    assert employees.url == verify_url(reverse("portal:employee-list"))
    assert admin_site.status_code == 302 and admin_site.url.startswith(reverse(VERIFY))
    page = client.get(dashboard.url)
    assert page.status_code == 200
    assert 'data-testid="two-factor-verify-form"' in page.content.decode()
    assert 'data-testid="main-nav"' not in page.content.decode()  # no navbar before the code
    assert blocked_by_csp(page).inline_scripts == []


def test_the_right_code_opens_the_page_the_sign_in_was_going_to(city, client):
    device = enrolled(city.admin)
    target = reverse("portal:employee-list") + "?q=Budi"

    login = sign_in(client, city.admin, next_url=target)
    held = client.get(login.url)
    verified = client.post(held.url, {"code": code(device), "next": target})

    assert login.url == target
    assert held.url == verify_url(target)
    assert verified.status_code == 302
    assert verified.url == target
    assert client.get(target).status_code == 200


def test_signing_in_to_the_code_step_gives_the_session_a_new_key(city, client):
    device = enrolled(city.inspektur)
    sign_in(client, city.inspektur)
    before = client.session.session_key

    client.post(reverse(VERIFY), {"code": code(device)})

    assert client.session.session_key != before
    assert client.session[SESSION_KEY] == str(city.inspektur.pk)


def test_a_next_that_leaves_the_site_is_ignored(city, client):
    device = enrolled(city.admin)
    sign_in(client, city.admin)

    response = client.post(reverse(VERIFY), {"code": code(device), "next": "https://evil.example/"})

    assert response.url == reverse("portal:dashboard")


def test_a_wrong_code_is_refused_with_a_message_and_the_session_stays_held(city, client):
    device = enrolled(city.admin)
    sign_in(client, city.admin)

    response = client.post(reverse(VERIFY), {"code": wrong_code(device)}, headers=ENGLISH)

    assert response.status_code == 200
    assert "That code is wrong or has expired" in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get(reverse("portal:dashboard")).status_code == 302


def test_a_code_that_is_not_six_digits_is_refused_by_the_form(city, client):
    enrolled(city.admin)
    sign_in(client, city.admin)

    response = client.post(reverse(VERIFY), {"code": "12ab"}, headers=ENGLISH)

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["Enter the 6 digits your authenticator app shows."]


def test_after_a_wrong_code_even_the_right_one_waits_for_the_back_off(city, client, settings):
    # django-otp doubles the wait after each wrong code (1, 2, 4 … s times the factor); a large
    # factor keeps this test independent of how fast it runs.
    settings.OTP_TOTP_THROTTLE_FACTOR = 3600
    device = enrolled(city.admin)
    sign_in(client, city.admin)
    client.post(reverse(VERIFY), {"code": wrong_code(device)})

    response = client.post(reverse(VERIFY), {"code": code(device)}, headers=ENGLISH)

    assert response.status_code == 200
    assert "Too many wrong codes" in response.context["form"].errors["code"][0]
    assert DEVICE_ID_SESSION_KEY not in client.session
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # a throttled try is not even checked


def test_a_code_is_accepted_only_once(city, client):
    device = enrolled(city.admin)
    sign_in(client, city.admin)
    used = code(device)
    client.post(reverse(VERIFY), {"code": used})
    client.post(reverse("logout"))
    sign_in(client, city.admin)

    replay = client.post(reverse(VERIFY), {"code": used})

    assert replay.status_code == 200
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_an_htmx_request_of_a_held_session_redirects_the_whole_page(city, client):
    enrolled(city.admin)
    sign_in(client, city.admin)
    page = reverse("portal:employee-list")

    response = client.get(
        reverse("portal:notification-bell"),
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{page}"},
    )

    assert response["HX-Redirect"] == verify_url(page)


def test_signing_out_and_switching_language_work_at_the_code_step(city, client):
    enrolled(city.admin)
    sign_in(client, city.admin)

    language = client.post(reverse("set_language"), {"language": "en", "next": reverse(VERIFY)})
    logout = client.post(reverse("logout"))

    assert language.url == reverse(VERIFY)
    assert logout.status_code == 302
    assert SESSION_KEY not in client.session


def test_the_api_answers_a_held_session_with_otp_required(city, client):
    enrolled(city.admin)
    sign_in(client, city.admin)

    response = client.get(reverse("api-employee-list"))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "otp_required"


def test_api_requests_with_a_token_are_untouched(city, client):
    enrolled(city.admin)
    token = Token.objects.create(user=city.admin)

    alone = client.get(reverse("api-me"), headers={"Authorization": f"Token {token.key}"})
    sign_in(client, city.admin)  # a password-only session in the same client: the token decides
    beside_a_held_session = client.get(reverse("api-employee-list"), headers={"Authorization": f"Token {token.key}"})
    bad_token = client.get(reverse("api-employee-list"), headers={"Authorization": "Token not-a-token"})
    other_header = client.get(reverse("api-employee-list"), headers={"Authorization": "Basic eDp5"})

    assert alone.status_code == 200
    assert beside_a_held_session.status_code == 200
    assert bad_token.status_code == 401
    assert other_header.status_code == 403
    assert other_header.json()["error"]["code"] == "otp_required"


def _token(client, user, **extra):
    body = {"username": user.username, "password": PASSWORD, **extra}
    return client.post("/api/v1/auth/token/", body, content_type="application/json", headers=ENGLISH)


def test_a_token_for_an_account_with_two_factor_needs_a_current_code(city, client):
    device = enrolled(city.admin)

    without = _token(client, city.admin)
    wrong = _token(client, city.admin, otp=wrong_code(device))
    time.sleep(1.1)  # django-otp's back-off after one wrong code: one second
    right = _token(client, city.admin, otp=code(device))
    reused = _token(client, city.admin, otp=code(device))

    assert (without.status_code, without.json()["error"]["code"]) == (401, "otp_required")
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (401, "otp_invalid")
    assert right.status_code == 200
    assert right.json()["token"] == Token.objects.get(user=city.admin).key
    assert reused.status_code in (401, 429)  # a code is spent once


def test_a_token_request_during_the_back_off_is_throttled_with_retry_after(city, client):
    device = enrolled(city.admin)
    _token(client, city.admin, otp=wrong_code(device))

    throttled = _token(client, city.admin, otp=code(device))

    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "otp_throttled"
    assert int(throttled["Retry-After"]) >= 1
    assert not Token.objects.filter(user=city.admin).exists()


def test_a_token_without_two_factor_needs_no_code(city, client):
    response = _token(client, city.inspektur)

    assert response.status_code == 200


def test_a_verified_session_uses_the_api(city, client):
    device = enrolled(city.admin)
    sign_in(client, city.admin)
    client.post(reverse(VERIFY), {"code": code(device)})

    response = client.get(reverse("api-employee-list"))

    assert response.status_code == 200


# --- Accounts without a device -----------------------------------------------------------------


def test_accounts_without_a_device_sign_in_with_the_password_alone(city, client):
    for user in (city.admin, city.staff_a.user):
        client.post(reverse("logout"))
        login = sign_in(client, user)

        assert client.get(login.url).status_code == 200


def test_the_code_step_without_a_device_goes_on_to_next(city, login):
    response = login(city.admin).get(verify_url(reverse("portal:employee-list")))

    assert response.url == reverse("portal:employee-list")


def test_an_employees_request_does_not_look_for_a_device(city, login):
    client = login(city.staff_a.user)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portal:dashboard"))

    assert response.status_code == 200
    assert not [q for q in queries.captured_queries if "otp_totp" in q["sql"]]


def test_whether_the_account_has_a_device_is_looked_up_once_per_session(city, login):
    client = login(city.admin)
    client.get(reverse("portal:dashboard"))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portal:dashboard"))

    assert response.status_code == 200
    assert not [q for q in queries.captured_queries if "otp_totp" in q["sql"]]


def test_turning_it_on_ends_the_accounts_other_sessions(city, login):
    other = Client()
    other.force_login(city.admin)
    assert other.get(reverse("portal:dashboard")).status_code == 200  # remembers "no device"
    client = login(city.admin)
    client.get(reverse(SETUP))

    client.post(reverse(SETUP), {"code": code(TOTPDevice.objects.get(user=city.admin))})

    assert client.get(reverse("portal:dashboard")).status_code == 200
    assert other.get(reverse("portal:dashboard")).url.startswith(reverse("login"))


def test_a_device_confirmed_outside_the_set_up_page_ends_the_accounts_sessions(city, login):
    client = login(city.inspektur)
    assert client.get(reverse("portal:dashboard")).status_code == 200  # remembers "no device"

    device = TOTPDevice.objects.create(user=city.inspektur, name="SIGAP", confirmed=False)
    unconfirmed = client.get(reverse("portal:dashboard"))
    device.confirmed = True
    device.save()  # as the Django admin does
    after = client.get(reverse("portal:dashboard"))

    assert unconfirmed.status_code == 200
    assert after.url.startswith(reverse("login"))


def test_a_session_held_at_the_code_step_goes_on_once_it_was_turned_off_elsewhere(city, client):
    device = enrolled(city.admin)
    sign_in(client, city.admin)
    assert client.get(reverse("portal:dashboard")).status_code == 302
    other = Client()
    _verified(other, city.admin, device)
    other.post(reverse(TURN_OFF), {"password": PASSWORD, "code": code(device, steps_ahead=1)})

    held = client.get(reverse("portal:dashboard"))
    released = client.get(held.url)

    assert not TOTPDevice.objects.filter(user=city.admin).exists()
    assert released.url == reverse("portal:dashboard")
    assert client.get(reverse("portal:dashboard")).status_code == 200


# --- Turning it off ----------------------------------------------------------------------------


def _verified(client, user, device: TOTPDevice | None = None) -> TOTPDevice:
    device = device or enrolled(user)
    sign_in(client, user)
    client.post(reverse(VERIFY), {"code": code(device)})
    return device


def test_turning_it_off_needs_the_right_password(city, client):
    device = _verified(client, city.admin)

    response = client.post(
        reverse(TURN_OFF), {"password": "salah", "code": code(device, steps_ahead=1)}, headers=ENGLISH
    )

    assert response.status_code == 400
    assert response.context["form"].errors["password"] == ["The password is wrong."]
    assert TOTPDevice.objects.filter(user=city.admin, confirmed=True).exists()


def test_turning_it_off_needs_a_current_code(city, client):
    device = _verified(client, city.admin)

    response = client.post(reverse(TURN_OFF), {"password": PASSWORD, "code": wrong_code(device)})

    assert response.status_code == 400
    assert "code" in response.context["form"].errors
    assert TOTPDevice.objects.filter(user=city.admin, confirmed=True).exists()


def test_turning_it_off_with_password_and_code_removes_the_device_and_is_audit_logged(city, client):
    device = _verified(client, city.admin)

    response = client.post(reverse(TURN_OFF), {"password": PASSWORD, "code": code(device, steps_ahead=1)})

    assert response.url == reverse(SETUP)
    assert not TOTPDevice.objects.filter(user=city.admin).exists()
    assert audit_entries(city.admin) == [(["on", "off"], city.admin.pk)]
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_a_held_session_cannot_reach_the_turn_off_form(city, client):
    device = enrolled(city.admin)
    sign_in(client, city.admin)

    response = client.post(reverse(TURN_OFF), {"password": PASSWORD, "code": code(device)})

    assert response.status_code == 302
    assert response.url.startswith(reverse(VERIFY))
    assert TOTPDevice.objects.filter(user=city.admin).exists()


# --- Compulsory for roles ----------------------------------------------------------------------


def test_a_role_that_must_use_it_is_sent_to_set_up_until_it_has(city, client, settings):
    settings.SIGAP_REQUIRE_2FA_ROLES = ["admin_bkpp"]
    login = sign_in(client, city.admin)

    held = client.get(login.url)
    setup = client.get(held.url)
    api = client.get(reverse("api-employee-list"))
    device = TOTPDevice.objects.get(user=city.admin)
    done = client.post(held.url, {"code": code(device)})

    assert held.url == two_factor.step_url(SETUP, reverse("portal:dashboard"))
    assert setup.status_code == 200
    assert 'data-testid="two-factor-required"' in setup.content.decode()
    assert 'data-testid="main-nav"' not in setup.content.decode()
    assert api.json()["error"]["code"] == "otp_required"
    assert done.url == reverse("portal:dashboard")
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_roles_not_listed_stay_optional(city, client, settings):
    settings.SIGAP_REQUIRE_2FA_ROLES = ["admin_bkpp"]

    login = sign_in(client, city.inspektur)

    assert client.get(login.url).status_code == 200


def test_by_default_it_is_optional(city, client):
    login = sign_in(client, city.admin)

    assert client.get(login.url).status_code == 200


def test_requiring_it_of_a_role_it_is_not_offered_to_is_a_configuration_error(settings):
    settings.SIGAP_REQUIRE_2FA_ROLES = ["operator_opd"]

    with pytest.raises(ImproperlyConfigured, match="operator_opd"):
        two_factor.TwoFactorMiddleware(lambda request: None)


# --- The administrator's reset -----------------------------------------------------------------


def test_the_reset_command_removes_the_devices_ends_the_sessions_and_is_audit_logged(city, client, capsys):
    _verified(client, city.inspektur)

    call_command("reset_two_factor", "inspektur", "--by", "admin.bkpp")

    assert not TOTPDevice.objects.filter(user=city.inspektur).exists()
    assert SESSION_KEY not in client.session
    assert audit_entries(city.inspektur) == [(["on", "off"], city.admin.pk)]
    assert "reset" in capsys.readouterr().out
    login = sign_in(client, city.inspektur)
    assert client.get(login.url).status_code == 200  # the password alone again


def test_the_reset_command_without_a_device_changes_nothing(city, capsys):
    call_command("reset_two_factor", "admin.bkpp")

    assert "nothing to reset" in capsys.readouterr().out
    assert audit_entries(city.admin) == []


def test_the_reset_command_names_an_unknown_account(db):
    with pytest.raises(CommandError, match="nobody"):
        call_command("reset_two_factor", "nobody")


# --- Personal data -----------------------------------------------------------------------------


def test_the_two_factor_secret_is_not_part_of_data_saya():
    from asn_portal import privacy

    assert "otp_totp.totpdevice" not in {source.label for source in privacy.personal_sources()}
    assert "otp_totp.totpdevice" not in {source.label for source in privacy.resolvable_sources()}
