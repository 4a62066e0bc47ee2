"""Security headers and sessions: the Content-Security-Policy (no inline script anywhere), the
other response headers and cookie flags, the idle timeout and absolute lifetime of a session,
and a deactivated account's sessions ending at once. `check --deploy` with production settings
is tested in test_ops.py."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse
from rest_framework.authtoken.models import Token

from asn_portal.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from asn_portal.models import User
from asn_portal.sessions import session_owner_tag
from tests.asn_portal.test_ops import ROOT, production_env

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-sigap"  # tests.factories.UserFactory's password


def csp(response) -> dict[str, list[str]]:
    policy = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *sources = directive.split()
        policy[name] = sources
    return policy


class ScriptFinder(HTMLParser):
    """Collects what a Content-Security-Policy without 'unsafe-inline' would block."""

    def __init__(self):
        super().__init__()
        self.inline_scripts: list[str] = []
        self.handlers: list[str] = []
        self.javascript_urls: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.handlers += [f"<{tag} {name}>" for name in attributes if name.startswith("on")]
        self.javascript_urls += [
            f"<{tag} {name}>"
            for name, value in attributes.items()
            if name in ("href", "src", "action", "formaction")
            and (value or "").strip().lower().startswith("javascript:")
        ]
        # json_script's data blocks (type="application/json") are never executed.
        if tag == "script" and "src" not in attributes and attributes.get("type") != "application/json":
            self._in_script = True
            self.inline_scripts.append("")

    def handle_data(self, data):
        if self._in_script:
            self.inline_scripts[-1] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def blocked_by_csp(response) -> ScriptFinder:
    finder = ScriptFinder()
    finder.feed(response.content.decode())
    return finder


def session_of(client):
    return Session.objects.get(pk=client.cookies[settings.SESSION_COOKIE_NAME].value).get_decoded()


def edit_session(client, **values):
    """Rewrite entries of the test client's stored session (how these tests move the clock)."""
    session = client.session
    session.update(values)
    session.save()


# --- Content-Security-Policy and other headers -------------------------------------------------


def test_pages_carry_a_policy_that_allows_only_sigaps_own_scripts(city, login):
    response = login(city.admin).get(reverse("portal:dashboard"))

    policy = csp(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["font-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]


def test_the_api_carries_the_policy_too(city, login):
    response = login(city.admin).get(reverse("api-me"))

    assert response.status_code == 200
    assert csp(response)["default-src"] == ["'self'"]
    assert csp(response)["frame-ancestors"] == ["'none'"]


def test_pages_carry_the_other_security_headers(city, login):
    response = login(city.staff_a.user).get(reverse("portal:dashboard"))

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    ("who", "url_name"),
    [
        ("admin", "portal:dashboard"),
        ("supervisor", "portal:dashboard"),
        ("operator", "portal:employee-list"),
        ("staff_a", "training:catalogue"),
        ("staff_a", "training:my-registrations"),
        ("admin", "portal:report-list"),
        (None, "login"),
    ],
)
def test_no_page_has_an_inline_script_or_event_handler(city, client, who, url_name):
    if who:
        client.force_login(city.user(who))

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    found = blocked_by_csp(response)
    assert found.inline_scripts == []
    assert found.handlers == []
    assert found.javascript_urls == []
    assert "'nonce-" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("url_name", ["api-docs", "api-redoc"])
def test_the_api_docs_run_inline_scripts_by_nonce_only(city, login, url_name):
    response = login(city.admin).get(reverse(url_name))

    assert response.status_code == 200
    script_src = csp(response)["script-src"]
    assert "'unsafe-inline'" not in script_src
    html = response.content.decode()
    nonces = {source[len("'nonce-") : -1] for source in script_src if source.startswith("'nonce-")}
    inline = [tag for tag in re.findall(r"<script[^>]*>", html) if "src=" not in tag]
    assert all(re.search(r'nonce="([^"]+)"', tag)[1] in nonces for tag in inline)
    if url_name == "api-docs":
        assert len(inline) == 1  # Swagger UI's settings, generated per request
    assert "fonts.googleapis.com" not in html


# --- Cookies -----------------------------------------------------------------------------------


def test_session_and_csrf_cookies_are_http_only_and_same_site_lax(city, client):
    client.get(reverse("login"))
    response = client.post(reverse("login"), {"username": city.staff_a.nip, "password": PASSWORD})

    assert response.status_code == 302
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"
    assert not session_cookie["max-age"]  # ends when the browser closes
    csrf_cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf_cookie["httponly"]
    assert csrf_cookie["samesite"] == "Lax"


def test_production_settings_make_the_cookies_secure():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.CSRF_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS]))"
    )
    env = production_env(SECRET_KEY="x" * 64, ALLOWED_HOSTS="sigap.example.go.id")

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == [True, True, True, True, 31536000]


# --- Idle timeout and absolute lifetime --------------------------------------------------------


def test_a_session_idle_for_longer_than_the_limit_ends_with_a_message_on_the_sign_in_page(city, client):
    client.force_login(city.staff_a.user)
    idle = settings.SIGAP_SESSION_IDLE_MINUTES * 60
    edit_session(client, **{LAST_SEEN_AT: int(time.time()) - idle - 5})

    response = client.get(reverse("training:catalogue"), follow=True)

    assert response.redirect_chain[0][0] == f"{reverse('login')}?next={reverse('training:catalogue')}"
    assert SESSION_KEY not in client.session
    assert [str(m) for m in response.context["messages"]] == [
        f"Anda telah dikeluarkan karena tidak ada aktivitas selama {settings.SIGAP_SESSION_IDLE_MINUTES} menit. "
        "Silakan masuk kembali."
    ]
    # Shown once, inside the sign-in card (the account pages' layout replaces the page's slot).
    assert response.content.decode().count("Anda telah dikeluarkan karena tidak ada aktivitas") == 1


def test_a_session_used_within_the_limit_stays(city, client):
    client.force_login(city.staff_a.user)
    idle = settings.SIGAP_SESSION_IDLE_MINUTES * 60
    edit_session(client, **{LAST_SEEN_AT: int(time.time()) - idle + 30})

    response = client.get(reverse("training:catalogue"))

    assert response.status_code == 200
    assert session_of(client)[SESSION_KEY] == str(city.staff_a.user.pk)


def test_activity_is_written_at_most_once_a_minute(city, client):
    client.force_login(city.staff_a.user)
    now = int(time.time())

    edit_session(client, **{LAST_SEEN_AT: now - 20})
    client.get(reverse("training:catalogue"))
    within_a_minute = session_of(client)[LAST_SEEN_AT]
    edit_session(client, **{LAST_SEEN_AT: now - 90})
    client.get(reverse("training:catalogue"))
    after_a_minute = session_of(client)[LAST_SEEN_AT]

    assert within_a_minute == now - 20
    assert after_a_minute >= now


def test_the_notification_bells_refresh_is_not_activity(city, client):
    client.force_login(city.staff_a.user)
    earlier = int(time.time()) - 5 * 60
    edit_session(client, **{LAST_SEEN_AT: earlier})

    response = client.get(reverse("portal:notification-bell"), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert session_of(client)[LAST_SEEN_AT] == earlier


def test_a_busy_session_still_ends_at_its_absolute_lifetime(city, client):
    client.force_login(city.staff_a.user)
    now = int(time.time())
    edit_session(client, **{SIGNED_IN_AT: now - settings.SESSION_COOKIE_AGE - 5, LAST_SEEN_AT: now})

    response = client.get(reverse("portal:dashboard"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert SESSION_KEY not in client.session


def test_sign_in_starts_both_clocks(city, client):
    before = int(time.time())

    client.post(reverse("login"), {"username": city.staff_a.nip, "password": PASSWORD})

    stored = session_of(client)
    assert stored[SIGNED_IN_AT] >= before
    assert stored[LAST_SEEN_AT] >= before


def test_an_expired_htmx_request_redirects_the_whole_page_to_sign_in(city, client):
    client.force_login(city.staff_a.user)
    edit_session(client, **{LAST_SEEN_AT: int(time.time()) - 24 * 60 * 60})
    page = reverse("training:catalogue")

    response = client.get(
        reverse("portal:notification-bell"),
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{page}"},
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('login')}?next={page}"
    assert response.content == b""
    assert SESSION_KEY not in client.session


def test_an_expired_session_on_the_api_is_answered_by_the_api_not_redirected(city, client):
    client.force_login(city.staff_a.user)
    edit_session(client, **{LAST_SEEN_AT: int(time.time()) - 24 * 60 * 60})

    response = client.get(reverse("api-me"))

    assert response.status_code in (401, 403)
    assert "error" in response.json()


def test_api_token_requests_are_not_touched(city, client):
    token = Token.objects.create(user=city.staff_a.user)

    response = client.get(reverse("api-me"), headers={"Authorization": f"Token {token.key}"})

    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies


# --- Deactivated accounts ----------------------------------------------------------------------


def test_signed_in_session_keys_start_with_their_owners_tag(city, client):
    client.force_login(city.staff_a.user)

    assert client.session.session_key.startswith(session_owner_tag(city.staff_a.user.pk))
    assert len(client.session.session_key) == 40


def test_deactivating_an_account_ends_its_sessions_at_once(city, client):
    other = type(client)()
    client.force_login(city.staff_a.user)
    other.force_login(city.staff_b.user)
    key = client.session.session_key

    user = city.staff_a.user
    user.is_active = False
    user.save()

    assert not Session.objects.filter(pk=key).exists()
    assert Session.objects.filter(pk=other.session.session_key).exists()
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert other.get(reverse("portal:dashboard")).status_code == 200


def test_a_session_whose_account_is_inactive_is_refused_even_if_it_survived(city, client):
    client.force_login(city.staff_a.user)
    User.objects.filter(pk=city.staff_a.user.pk).update(is_active=False)  # no signal

    response = client.get(reverse("portal:dashboard"), follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert SESSION_KEY not in client.session
    assert [str(m) for m in response.context["messages"]] == ["Sesi Anda telah berakhir. Silakan masuk kembali."]


def test_changing_the_password_keeps_the_owner_tag(city, client):
    client.force_login(city.staff_a.user)
    new_password = "Sangat-Rahasia-2026"

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )

    assert response.status_code == 302
    assert client.session.session_key.startswith(session_owner_tag(city.staff_a.user.pk))
    city.staff_a.user.refresh_from_db()
    city.staff_a.user.is_active = False
    city.staff_a.user.save()
    assert not Session.objects.filter(pk=client.session.session_key).exists()
