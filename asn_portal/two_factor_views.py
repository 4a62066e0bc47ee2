"""The pages of two-factor sign-in (asn_portal.two_factor): set-up and status, the code step
after the password, and turning it off."""

from __future__ import annotations

import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from asn_portal import two_factor

logger = logging.getLogger("sigap.auth")


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=gettext_lazy("6-digit code"),
        regex=r"^\d{6}$",
        max_length=6,
        strip=True,
        error_messages={"invalid": gettext_lazy("Enter the 6 digits your authenticator app shows.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]{6}",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self):
        return self.cleaned_data["code"].replace(" ", "")


class TurnOffForm(CodeForm):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["password", "code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.pop("autofocus", None)


def _wrong_code_error(form: CodeForm, wait: int) -> None:
    if wait:
        form.add_error(
            "code",
            ngettext(
                "Too many wrong codes. Wait %(seconds)d second, then enter the newest code.",
                "Too many wrong codes. Wait %(seconds)d seconds, then enter the newest code.",
                wait,
            )
            % {"seconds": wait},
        )
    else:
        form.add_error(
            "code",
            _(
                "That code is wrong or has expired. Enter the newest code from your authenticator app "
                "(check that your phone's clock is right)."
            ),
        )


def _next_url(request) -> str:
    """Where the sign-in was going, if it is a page of this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _can_use(request) -> None:
    if not two_factor.is_offered_to(request.user):
        raise PermissionDenied(_("Two-factor sign-in is offered to Admin BKPP and Inspektorat accounts."))


@never_cache
@login_required
def setup(request):
    """Status and set-up: with a confirmed device, its status and the form to turn it off;
    otherwise a QR code and the secret of an unconfirmed device, confirmed by a correct code."""
    _can_use(request)
    device = two_factor.confirmed_device(request.user)
    required = two_factor.is_required_for(request.user)
    if device is not None:
        return render(
            request,
            "account/two_factor_status.html",
            {"device": device, "form": TurnOffForm(), "required": required},
        )
    pending = two_factor.pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accepted, wait = two_factor.check_code(pending, form.cleaned_data["code"])
        if accepted:
            two_factor.confirm_device(request, pending)
            messages.success(request, _("Two-factor sign-in is on. From now on you sign in with a code as well."))
            return redirect(_next_url(request) or "two_factor_setup")
        _wrong_code_error(form, wait)
    return render(
        request,
        "account/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": two_factor.qr_code_svg(pending),
            "secret": two_factor.secret_for_manual_entry(pending),
            "issuer": settings.OTP_TOTP_ISSUER,
            "required": required,
            "next": _next_url(request),
        },
    )


@never_cache
@login_required
def verify(request):
    """The code step after the password. Without a confirmed device there is nothing to check:
    on to where the sign-in was going."""
    next_url = _next_url(request)
    device = two_factor.confirmed_device(request.user)
    if device is None or two_factor.is_verified(request):
        if device is None:
            request.session[two_factor.STATE_SESSION_KEY] = "off"  # turned off in another session
        return redirect(next_url or resolve_url("portal:dashboard"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accepted, wait = two_factor.check_code(device, form.cleaned_data["code"])
        if accepted:
            two_factor.mark_verified(request, device)
            logger.info("two-factor code accepted", extra={"username": request.user.get_username()})
            return redirect(next_url or resolve_url("portal:dashboard"))
        logger.warning(
            "two-factor code refused",
            extra={"username": request.user.get_username(), "throttled": bool(wait)},
        )
        _wrong_code_error(form, wait)
    return render(request, "account/two_factor_verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
@require_POST
def turn_off(request):
    """Turning it off takes the password (checked through django-axes, so guesses count toward
    the lock-out) and a current code."""
    _can_use(request)
    device = two_factor.confirmed_device(request.user)
    if device is None:
        return redirect("two_factor_setup")
    form = TurnOffForm(request.POST)
    if form.is_valid():
        user = authenticate(request, username=request.user.get_username(), password=form.cleaned_data["password"])
        if user is None or user.pk != request.user.pk:
            form.add_error("password", _("The password is wrong."))
        else:
            accepted, wait = two_factor.check_code(device, form.cleaned_data["code"])
            if accepted:
                two_factor.turn_off(request)
                messages.success(request, _("Two-factor sign-in is off. You sign in with your password only."))
                return redirect("two_factor_setup")
            _wrong_code_error(form, wait)
    return render(
        request,
        "account/two_factor_status.html",
        {"device": device, "form": form, "required": two_factor.is_required_for(request.user)},
        status=400,
    )
