"""Two-factor sign-in (TOTP codes from an authenticator app), offered to Admin BKPP and the
Inspektorat: the accounts that read everyone's records (DESIGN.md "Who uses it"). Built on
django-otp: its `TOTPDevice` holds the secret, checks codes (each code once, one step of clock
drift either way) and slows guessing down by itself (exponential back-off per device).

A session is signed in with the password first; for an account with a confirmed device,
`TwoFactorMiddleware` then lets nothing through but the code step (`request.user.is_verified()`,
from django-otp's OTPMiddleware). SIGAP_REQUIRE_2FA_ROLES makes it compulsory for roles: their
accounts are sent to the set-up page until they have a device. Turning it on, off, and an
administrator's reset are audit-logged against the account.
"""

from __future__ import annotations

import logging
from base64 import b32encode
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from asn_portal.models import Role
from asn_portal.permissions import actor_for
from asn_portal.sessions import SessionStore, session_owner_tag

logger = logging.getLogger("sigap.auth")

# The roles two-factor sign-in is offered to (superusers may use it as well).
OFFERED_ROLES = frozenset({Role.ADMIN_BKPP.value, Role.INSPEKTORAT.value})
DEVICE_NAME = "SIGAP"

# Whether the session's account has a confirmed device ("on"/"off"), looked up at sign-in (or at
# a session's first request) instead of at every request. Kept true by ending the account's other sessions whenever a
# device is confirmed (`confirm_device`, `end_sessions_on_confirmation`), and by the code step
# looking again when a session says "on" but the device is gone.
STATE_SESSION_KEY = "_sigap_two_factor"

VERIFY_VIEW = "two_factor_verify"
SETUP_VIEW = "two_factor_setup"
# Reachable before the code step: the step itself, signing out, the language switch.
ALWAYS_ALLOWED_VIEWS = frozenset({VERIFY_VIEW, "logout", "set_language", "javascript-catalog"})


# --- Who -------------------------------------------------------------------------------------


def is_offered_to(user) -> bool:
    """Whether `user` may turn on two-factor sign-in: Admin BKPP, Inspektorat, superusers."""
    actor = actor_for(user)
    return actor.is_admin or actor.is_inspektorat or actor.is_superuser


def required_roles() -> frozenset[str]:
    """SIGAP_REQUIRE_2FA_ROLES as a set; a role it is not offered to is a configuration error
    (its accounts could never reach the set-up page)."""
    roles = frozenset(role.strip() for role in settings.SIGAP_REQUIRE_2FA_ROLES if role.strip())
    unknown = roles - OFFERED_ROLES
    if unknown:
        raise ImproperlyConfigured(
            f"SIGAP_REQUIRE_2FA_ROLES names {', '.join(sorted(unknown))}: two-factor sign-in is offered "
            f"to {', '.join(sorted(OFFERED_ROLES))} only."
        )
    return roles


def is_required_for(user) -> bool:
    """Whether a role of `user` is listed in SIGAP_REQUIRE_2FA_ROLES."""
    roles = required_roles()
    if not roles:
        return False
    actor = actor_for(user)
    return (actor.is_admin and Role.ADMIN_BKPP.value in roles) or (
        actor.is_inspektorat and Role.INSPEKTORAT.value in roles
    )


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("id").first()


def session_state(request) -> str:
    """ "on" when the session's account has a confirmed device, else "off" (cached in the
    session, see STATE_SESSION_KEY)."""
    state = request.session.get(STATE_SESSION_KEY)
    if state not in ("on", "off"):
        state = "on" if confirmed_device(request.user) is not None else "off"
        request.session[STATE_SESSION_KEY] = state
    return state


def is_verified(request) -> bool:
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


# --- Codes -------------------------------------------------------------------------------------


def check_code(device: TOTPDevice, code: str) -> tuple[bool, int]:
    """Check `code` against `device` with django-otp's throttling: after a wrong code the next
    try must wait 1, 2, 4, 8 … seconds (times OTP_TOTP_THROTTLE_FACTOR). Returns (accepted,
    seconds to wait); while throttled the code is not even looked at. The row is locked, so two
    requests cannot both spend the same code or both dodge the back-off."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, details = locked.verify_is_allowed()
        if not allowed:
            locked_until = (details or {}).get("locked_until")
            wait = int((locked_until - timezone.now()).total_seconds()) + 1 if locked_until else 1
            return False, max(wait, 1)
        accepted = locked.verify_token(code)
    if accepted:
        device.refresh_from_db()
    return accepted, 0


def secret_for_manual_entry(device: TOTPDevice) -> str:
    """The key in base32 as authenticator apps ask for it, in groups of four."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code (drawn here: the secret never
    leaves the server for a QR service)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    element = image.get_image()
    element.set("width", "220")
    element.set("height", "220")
    element.set("role", "img")
    element.set("aria-label", _("QR code for your authenticator app"))
    return image.to_string(encoding="unicode")


# --- Changes (audit-logged) ------------------------------------------------------------------


def _audit(user, before: str, after: str, *, by, via: str = "") -> None:
    """An UPDATE entry on the account, in the trail next to its other changes. Inside a request
    django-auditlog's context adds the address."""
    LogEntry.objects.log_create(
        user,
        action=LogEntry.Action.UPDATE,
        changes={"two_factor": [before, after]},
        actor=by if by is not None and by.is_authenticated else None,
        additional_data={"via": via} if via else None,
    )


def pending_device(user) -> TOTPDevice:
    """The account's unconfirmed device, created on first use: it keeps its secret until it
    is confirmed, so reloading the set-up page shows the same QR code."""
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def confirm_device(request, device: TOTPDevice) -> None:
    """Confirm `device` after a correct code: two-factor sign-in is on for the account, the
    current session counts as verified with it, and the account's other sessions end (they
    were opened with the password alone). Other unconfirmed devices are removed."""
    user = request.user
    with transaction.atomic():
        # A queryset update sends no post_save: `end_sessions_on_confirmation` would end this
        # session too; the other ones end below.
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        device.confirmed = True
        TOTPDevice.objects.filter(user_id=user.pk).exclude(pk=device.pk).delete()
        _audit(user, "off", "on", by=user)
    mark_verified(request, device)
    model = SessionStore.get_model_class()
    ended, _per_model = (
        model.objects.filter(session_key__startswith=session_owner_tag(user.pk))
        .exclude(session_key=request.session.session_key)
        .delete()
    )
    logger.info("two-factor turned on", extra={"username": user.get_username(), "sessions_ended": ended})


@receiver(user_logged_in)
def note_state_at_sign_in(sender, request, user, **kwargs):
    """Look the device up once, at sign-in (the password step), for `session_state`."""
    if request is not None and hasattr(request, "session"):
        request.session[STATE_SESSION_KEY] = "on" if confirmed_device(user) is not None else "off"


@receiver(pre_save, sender=TOTPDevice)
def _note_confirmation(sender, instance, raw=False, **kwargs):
    # Every code check saves the device too (last code step, back-off): only a device that
    # becomes confirmed with this save counts.
    instance._sigap_newly_confirmed = bool(
        not raw
        and instance.confirmed
        and (instance.pk is None or TOTPDevice.objects.filter(pk=instance.pk, confirmed=False).exists())
    )


@receiver(post_save, sender=TOTPDevice)
def end_sessions_on_confirmation(sender, instance, created, raw=False, **kwargs):
    """A device confirmed elsewhere than the set-up page (the Django admin, a shell) ends the
    account's sessions: they remember "no device" and would not be asked for a code."""
    if not getattr(instance, "_sigap_newly_confirmed", False):
        return
    ended = SessionStore.end_sessions_of(instance.user)
    if ended:
        logger.info("sessions ended", extra={"username": instance.user.get_username(), "sessions": ended})


def turn_off(request) -> None:
    """Remove the account's devices (the caller checked the password and a current code)."""
    user = request.user
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=user.pk).delete()
        _audit(user, "on", "off", by=user)
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session[STATE_SESSION_KEY] = "off"
    logger.info("two-factor turned off", extra={"username": user.get_username()})


def reset(user, *, by=None, via: str = "") -> tuple[int, int]:
    """An administrator's reset for a lost phone: delete every device of `user` and end the
    account's sessions (one signed in with the lost phone must not stay). Returns (devices
    deleted, sessions ended); nothing is logged when there was no device."""
    with transaction.atomic():
        deleted, _per_model = TOTPDevice.objects.filter(user_id=user.pk).delete()
        if not deleted:
            return 0, 0
        _audit(user, "on", "off", by=by, via=via)
    ended = SessionStore.end_sessions_of(user)
    logger.info("two-factor reset", extra={"username": user.get_username(), "devices": deleted, "sessions": ended})
    return deleted, ended


def mark_verified(request, device: TOTPDevice) -> None:
    """Record in the session that it passed the code step, under a fresh session key (the
    session now carries more trust than the one a password alone opened)."""
    from django_otp import login as otp_login

    request.session.cycle_key()
    otp_login(request, device)
    request.session[STATE_SESSION_KEY] = "on"


# --- The gate ----------------------------------------------------------------------------------


def _is_api(request) -> bool:
    match = request.resolver_match
    return request.path_info.startswith("/api/") and not (match and match.view_name in ("api-docs", "api-redoc"))


def _has_token(request) -> bool:
    """`Authorization: Token …` (DRF's TokenAuthentication keyword, any case)."""
    return request.META.get("HTTP_AUTHORIZATION", "").split(" ", 1)[0].lower() == "token"


def step_url(view_name: str, next_url: str) -> str:
    url = reverse(view_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class TwoFactorMiddleware:
    """Holds a password-only session at the code step: an account with a confirmed device whose
    session has not passed it (`request.user.is_verified()`) reaches nothing but the code page,
    signing out and the language switch — the Django admin included. An account whose role
    must use two-factor sign-in (SIGAP_REQUIRE_2FA_ROLES) and has no device yet is held at the
    set-up page the same way.

    Pages redirect (htmx: HX-Redirect) with `next`, so the person lands where the sign-in was
    going. The API answers 403 with the code `otp_required`. A request that carries a token
    (`Authorization: Token …`) is untouched: a token is its own credential, and the password-
    only session is hidden from DRF for that request so that the token decides, not the session.
    The role check reuses the roles the navbar loads anyway, and whether the account has a
    device is looked up once per session (STATE_SESSION_KEY)."""

    def __init__(self, get_response):
        self.get_response = get_response
        required_roles()  # a misconfigured setting fails at start, not at the first sign-in

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        view_name = match.view_name if match else None
        if view_name in ALWAYS_ALLOWED_VIEWS or request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        if not is_offered_to(user) or is_verified(request):
            return None
        if session_state(request) == "on":
            target = VERIFY_VIEW
        elif is_required_for(user):
            if view_name == SETUP_VIEW:
                return None
            target = SETUP_VIEW
        else:
            return None
        if _is_api(request):
            if _has_token(request):
                request.user = AnonymousUser()  # DRF's session authentication comes first: skip it
                return None
            message = (
                _("Enter the code from your authenticator app on the sign-in page first.")
                if target == VERIFY_VIEW
                else _("Set up two-factor sign-in first.")
            )
            return JsonResponse({"error": {"code": "otp_required", "message": message}}, status=403)
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(step_url(target, request.htmx.current_url_abs_path or ""))
        if request.method == "GET":
            next_url = request.get_full_path()
        else:
            next_url = request.META.get("HTTP_REFERER", "")
        return HttpResponseRedirect(step_url(target, next_url))
