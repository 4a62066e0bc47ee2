import logging
import time

from auditlog.middleware import AuditlogMiddleware
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
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
