"""Every sign-in and failed sign-in goes to the log (django-axes also keeps them in its
AccessLog and AccessFailureLog tables, which Admin BKPP reads in the admin)."""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

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
