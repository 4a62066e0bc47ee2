"""Every sign-in and failed sign-in goes to the log (django-axes also keeps them in its
AccessLog and AccessFailureLog tables, which Admin BKPP reads in the admin). Sign-in starts the
session's clocks; deactivating an account ends its sessions."""

import logging
import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from asn_portal.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from asn_portal.sessions import SessionStore

logger = logging.getLogger("sigap.auth")


def _client(request):
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR")


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    logger.info("login succeeded", extra={"username": user.get_username(), "ip": _client(request)})


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    if user is not None:
        logger.info("logout", extra={"username": user.get_username(), "ip": _client(request)})


@receiver(user_login_failed)
def log_login_failed(sender, credentials, request=None, **kwargs):
    logger.warning("login failed", extra={"username": credentials.get("username"), "ip": _client(request)})


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs):
    """The idle timeout and the absolute lifetime count from here (asn_portal.middleware)."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def end_sessions_of_deactivated_account(sender, instance, created, update_fields=None, **kwargs):
    """A deactivated account is signed out everywhere at once, not at its sessions' expiry."""
    if created or instance.is_active or (update_fields is not None and "is_active" not in update_fields):
        return
    ended = SessionStore.end_sessions_of(instance)
    if ended:
        logger.info("sessions ended", extra={"username": instance.get_username(), "sessions": ended})
