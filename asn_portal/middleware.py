import logging
import threading
import time
from urllib.parse import urlsplit

from auditlog.middleware import AuditlogMiddleware
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.db.backends.signals import connection_created
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

logger = logging.getLogger("sigap.auth")

# Session entries written by asn_portal.signals at sign-in and refreshed here (epoch seconds).
SIGNED_IN_AT = "_sigap_signed_in_at"
LAST_SEEN_AT = "_sigap_last_seen_at"
# Seen-at is written at most once a minute, so a busy user costs one session write a minute.
LAST_SEEN_RESOLUTION = 60
# Background polls (the navbar's notification bell, every 60 s) are not activity: an open tab
# would otherwise keep an abandoned session alive for ever.
PASSIVE_VIEWS = frozenset({"portal:notification-bell"})


class AuditActorMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware reads `request.user` before the view runs, when an API
    call authenticated by token still looks anonymous. Resolve the actor lazily instead, when
    the log entry is written: by then DRF has set `request.user` to the token's user.

    The address is the one django-axes trusts (REMOTE_ADDR, or X-Forwarded-For only behind
    the configured number of proxies), so a forged header cannot change the audit trail."""

    @staticmethod
    def _get_remote_addr(request):
        return get_client_ip_address(request)

    @staticmethod
    def _get_actor(request):
        def resolve():
            user = getattr(request, "user", None)
            return user if user is not None and user.is_authenticated else None

        return SimpleLazyObject(resolve)


class SessionTimeoutMiddleware:
    """Ends a signed-in session that has been idle for SIGAP_SESSION_IDLE_MINUTES, that is older
    than SESSION_COOKIE_AGE since sign-in (however busy: the lifetime is absolute), or whose
    account has been deactivated. The person lands on the sign-in page with a message; an htmx
    request gets an HX-Redirect there instead of a sign-in form inside a fragment; an API call
    just continues signed out (DRF answers it). Requests that carry their own credentials
    (`Authorization: Token …`) are not session requests and pass untouched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if "HTTP_AUTHORIZATION" in request.META or SESSION_KEY not in request.session:
            return None
        session = request.session
        now = int(time.time())
        user = request.user
        if not (user.is_authenticated and user.is_active):
            # ModelBackend already treats a deactivated account as signed out; end the session too.
            return self._end(request, "inactive", _("Your session has ended. Please sign in again."))
        signed_in_at = session.setdefault(SIGNED_IN_AT, now)
        last_seen_at = session.get(LAST_SEEN_AT, now)
        idle_minutes = settings.SIGAP_SESSION_IDLE_MINUTES
        if now - last_seen_at > idle_minutes * 60:
            return self._end(
                request,
                "idle",
                _("You were signed out after %(minutes)d minutes without activity. Please sign in again.")
                % {"minutes": idle_minutes},
            )
        if now - signed_in_at > settings.SESSION_COOKIE_AGE:
            return self._end(
                request,
                "lifetime",
                _("You were signed out because a session lasts at most %(hours)g hours. Please sign in again.")
                % {"hours": settings.SESSION_COOKIE_AGE / 3600},
            )
        passive = request.resolver_match is not None and request.resolver_match.view_name in PASSIVE_VIEWS
        if not passive and (LAST_SEEN_AT not in session or now - last_seen_at >= LAST_SEEN_RESOLUTION):
            session[LAST_SEEN_AT] = now
        return None

    @staticmethod
    def _end(request, reason, message):
        username = request.user.get_username() if request.user.is_authenticated else None
        logger.info("session ended", extra={"reason": reason, "username": username})
        logout(request)
        if request.path_info.startswith("/api/"):
            return None  # the view runs signed out: DRF answers 401/403 in its own error format
        messages.info(request, message)
        if getattr(request, "htmx", False):
            # Back to the page the fragment belongs to once signed in again.
            login = redirect_to_login(request.htmx.current_url_abs_path or "/")
            return HttpResponseClientRedirect(login.url)
        # After a form post, back to the page the form was on (LoginView checks `next` is ours).
        next_url = request.get_full_path() if request.method == "GET" else request.META.get("HTTP_REFERER", "/")
        return redirect_to_login(next_url)


# --- The database is unavailable: a friendly 503 instead of a 500 ------------------------

availability_logger = logging.getLogger("sigap.database")

# SQLSTATEs that mean "the server cannot serve you right now" rather than "your query is
# wrong": class 08 (connection exception), admin/crash shutdown, starting up, too many
# connections. Everything else (a lock timeout, a serialization failure, a bad query) is a
# real error and stays a 500.
_UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300"})
# Seconds a client (or a browser's retry) should wait: a PostgreSQL restart takes a few.
RETRY_AFTER_SECONDS = 30


def database_unavailable(exc: BaseException | None) -> bool:
    """True when `exc` (a Django database error) says the database cannot be reached or is
    restarting, as opposed to a failing query."""
    from django.db import InterfaceError, OperationalError

    if isinstance(exc, InterfaceError):
        return True  # "connection already closed" and the like
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if cause is None:
        return False
    if type(cause).__module__.startswith("sqlite3"):
        # The embedded database is busy (another writer held the lock past the timeout).
        return "locked" in str(cause) or "unable to open database" in str(cause)
    pgcode = getattr(cause, "pgcode", None)
    if pgcode is None:
        # psycopg raised it on the client side: refused, reset or closed connection.
        return True
    return pgcode.startswith("08") or pgcode in _UNAVAILABLE_SQLSTATES


class _Outage:
    """Per process: log the first 503 of an outage once, count the rest, and log when a new
    connection succeeds again (the `connection_created` signal), so an outage of a busy site
    writes two lines instead of a traceback per request."""

    def __init__(self):
        self.lock = threading.Lock()
        self.since: float | None = None
        self.answered = 0

    def failed(self, request, exc) -> None:
        with self.lock:
            first = self.since is None
            if first:
                self.since = time.monotonic()
            self.answered += 1
        if first:
            availability_logger.warning(
                "database unavailable, answering 503 until it is back: %s: %s",
                type(exc).__name__,
                str(exc).strip().splitlines()[0] if str(exc).strip() else "",
                extra={"path": request.path},
            )
        else:
            availability_logger.debug("database still unavailable", extra={"path": request.path})

    def connected(self, **kwargs) -> None:
        with self.lock:
            if self.since is None:
                return
            seconds, answered = time.monotonic() - self.since, self.answered
            self.since, self.answered = None, 0
        availability_logger.info(
            "database available again after %.0f s; %d request(s) were answered 503", seconds, answered
        )


outage = _Outage()
connection_created.connect(outage.connected, dispatch_uid="sigap-database-outage")


def service_unavailable_response(request, exc=None):
    """The 503 answer while the database is down: the API's JSON error body under /api/, else
    templates/503.html. Rendered without the request (no context processors, no session, no
    user, no query). Marked as logged, so Django does not add a traceback per request."""
    from django.http import HttpResponse, JsonResponse
    from django.template import loader

    if exc is not None:
        outage.failed(request, exc)
    message = _("SIGAP cannot reach its database right now. Please try again in a minute.")
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {"error": {"code": "service_unavailable", "message": message}}, status=503, headers=headers
        )
    else:
        content = loader.get_template("503.html").render({"retry_url": _retry_url(request)})
        response = HttpResponse(content, status=503, headers=headers)
    response._has_been_logged = True  # django.utils.log.log_response: no "Service Unavailable" traceback
    return response


def _retry_url(request) -> str:
    """Where "Try again" leads: the same address after a GET; after a form post, the page the
    form was on (the Referer, when it is one of ours), else the dashboard."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    if referer.netloc and referer.netloc == request.META.get("HTTP_HOST") and referer.path.startswith("/"):
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return ""


class DatabaseUnavailableMiddleware:
    """Turns a view's "database unavailable" error (PostgreSQL restarting, connection refused
    or dropped; SQLite locked) into a friendly 503 page, or the API's JSON error under /api/,
    with Retry-After. Errors raised outside the view (the session loaded by another
    middleware, the session saved on the way out) reach Django's handler500, which answers
    the same way (asn_portal.errors.server_error). With CONN_HEALTH_CHECKS, the first request
    after the database is back reconnects on its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if database_unavailable(exception):
            return service_unavailable_response(request, exception)
        return None
