"""While the database is unavailable, people get a friendly 503 (a page, or the API's JSON error
under /api/) with Retry-After, never a 500 with a traceback; the outage is logged once.

The errors here are real: a connection to a database that is not there (a closed port on
PostgreSQL, a file in a missing folder on SQLite). tests/test_db_outage.py restarts a real
PostgreSQL under gunicorn.
"""

from __future__ import annotations

import logging
import socket
import sqlite3

import pytest
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.db import InterfaceError, OperationalError, connection, connections
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import include, path
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from asn_portal import middleware
from asn_portal.middleware import RETRY_AFTER_SECONDS, database_unavailable, service_unavailable_response

pytestmark = pytest.mark.urls(__name__)


# --- A database that is not there ----------------------------------------------------------


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again on leaving: connecting is refused


def connect_to_missing_database() -> None:
    """Open a connection like the app's, to a database that is not there: raises Django's
    OperationalError wrapping the driver's, as a PostgreSQL restart does."""
    default = connections["default"]
    settings_dict = dict(default.settings_dict)
    if default.vendor == "sqlite":
        settings_dict["NAME"] = "/nonexistent-sigap-folder/db.sqlite3"
    else:
        settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    unreachable = type(default)(settings_dict, alias="unreachable")
    try:
        unreachable.ensure_connection()
    finally:
        unreachable.close()


def missing_database_error() -> OperationalError:
    with pytest.raises(OperationalError) as caught:
        connect_to_missing_database()
    return caught.value


def page_view(request):
    connect_to_missing_database()
    return HttpResponse("not reached")


def broken_query_view(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM sigap_no_such_table")
    return HttpResponse("not reached")


class ApiView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        connect_to_missing_database()
        return Response({})


urlpatterns = [
    path("outage-test/page/", page_view),
    path("outage-test/broken-query/", broken_query_view),
    path("api/v1/outage-test/", ApiView.as_view()),
    path("", include("asn_portal.urls")),
]
handler404 = "asn_portal.errors.page_not_found"
handler500 = "asn_portal.errors.server_error"


@pytest.fixture(autouse=True)
def fresh_outage_state():
    middleware.outage.since, middleware.outage.answered = None, 0
    yield
    middleware.outage.since, middleware.outage.answered = None, 0


def _heading() -> str:
    with translation.override("id"):
        return str(translation.gettext("SIGAP is temporarily unavailable"))


# --- Pages and the API ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_page_gets_the_friendly_503_page_when_the_database_is_unreachable(client):
    response = client.get("/outage-test/page/?tab=2")

    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    assert "no-store" in response["Cache-Control"]
    # Still passes through the security middleware below it: CSP and the other headers.
    assert "Content-Security-Policy" in response
    assert [t.name for t in response.templates][0] == "503.html"
    html = response.content.decode()
    assert 'data-testid="error-page"' in html
    assert _heading() in html
    assert 'href="/outage-test/page/?tab=2"' in html  # "Try again" repeats the GET
    assert "Traceback" not in html and "OperationalError" not in html
    assert "<script" not in html


@pytest.mark.django_db
def test_the_api_gets_its_json_error_with_code_service_unavailable(client):
    response = client.get("/api/v1/outage-test/")

    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    body = response.json()
    assert body["error"]["code"] == "service_unavailable"
    assert body["error"]["message"]


@pytest.mark.django_db
def test_a_database_error_outside_the_view_also_gets_the_503(city, client, monkeypatch):
    """A signed-in request first touches the database in a middleware (loading the session);
    that error never reaches a view's process_exception, but handler500 answers the same."""
    client.force_login(city.staff_a.user)
    monkeypatch.setattr(DbSessionStore, "load", lambda self: connect_to_missing_database())
    client.raise_request_exception = False

    page = client.get("/")
    api = client.get("/api/v1/me/")

    assert page.status_code == 503
    assert _heading() in page.content.decode()
    assert "Traceback" not in page.content.decode()
    assert api.status_code == 503
    assert api.json()["error"]["code"] == "service_unavailable"


@pytest.mark.django_db
def test_after_a_form_post_try_again_leads_back_to_the_form_page_of_this_site(client):
    ours = client.post("/outage-test/page/", HTTP_REFERER="http://testserver/training/?q=1", HTTP_HOST="testserver")
    foreign = client.post("/outage-test/page/", HTTP_REFERER="https://evil.example/phish")

    assert ours.status_code == foreign.status_code == 503
    assert 'href="/training/?q=1"' in ours.content.decode()
    assert "evil.example" not in foreign.content.decode()


@pytest.mark.django_db
def test_a_failing_query_is_still_a_500_not_an_outage(client):
    """Only "cannot reach the database" is a 503; a broken query is a bug (on SQLite it is an
    OperationalError too: "no such table")."""
    client.raise_request_exception = False

    response = client.get("/outage-test/broken-query/")

    assert response.status_code == 500
    assert "Retry-After" not in response


@pytest.mark.django_db
def test_the_503_page_renders_without_session_user_or_database(django_assert_num_queries):
    def untouchable():
        raise AssertionError("the 503 page must not touch the session or the user")

    request = RequestFactory().get("/employees/")
    request.session = SimpleLazyObject(untouchable)
    request.user = SimpleLazyObject(untouchable)

    with django_assert_num_queries(0):
        response = service_unavailable_response(request)

    assert response.status_code == 503
    assert _heading() in response.content.decode()


# --- What counts as "unavailable" -----------------------------------------------------------


class _ServerError(Exception):
    """Stands in for a psycopg2 error the server sent, with its SQLSTATE."""

    def __init__(self, pgcode):
        super().__init__(pgcode)
        self.pgcode = pgcode


def _wrapped(cause) -> OperationalError:
    error = OperationalError(str(cause))
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (InterfaceError("connection already closed"), True),
        (_wrapped(_ServerError(None)), True),  # refused / reset on the client side
        (_wrapped(_ServerError("57P01")), True),  # terminating connection due to administrator command
        (_wrapped(_ServerError("57P03")), True),  # the database system is starting up
        (_wrapped(_ServerError("08006")), True),  # connection failure
        (_wrapped(_ServerError("53300")), True),  # too many connections
        (_wrapped(_ServerError("55P03")), False),  # lock not available (select_for_update nowait)
        (_wrapped(_ServerError("40001")), False),  # serialization failure
        (_wrapped(_ServerError("57014")), False),  # statement timeout
        (_wrapped(sqlite3.OperationalError("database is locked")), True),
        (_wrapped(sqlite3.OperationalError("no such table: x")), False),
        (OperationalError("no driver cause"), False),
        (ValueError("not a database error"), False),
        (None, False),
    ],
)
def test_which_errors_mean_the_database_is_unavailable(error, unavailable):
    assert database_unavailable(error) is unavailable


@pytest.mark.django_db
def test_a_real_connection_failure_counts_as_unavailable():
    assert database_unavailable(missing_database_error())


# --- Logged once per outage -----------------------------------------------------------------


@pytest.mark.django_db
def test_an_outage_is_logged_once_and_its_end_once(client, caplog):
    caplog.set_level(logging.DEBUG, logger="sigap.database")

    for _ in range(3):
        assert client.get("/outage-test/page/").status_code == 503
    connection_created.send(sender=type(connection), connection=connection)  # a new connection worked

    records = [r for r in caplog.records if r.name == "sigap.database"]
    warnings = [r for r in records if r.levelno == logging.WARNING]
    recovered = [r for r in records if r.levelno == logging.INFO]
    assert len(warnings) == 1 and "database unavailable" in warnings[0].getMessage()
    assert warnings[0].exc_info is None  # one line, not a traceback
    assert len(recovered) == 1 and "3 request(s)" in recovered[0].getMessage()
    # Django's own "Internal Server Error"/"Service Unavailable" lines are not added.
    assert not [r for r in caplog.records if r.name == "django.request"]
