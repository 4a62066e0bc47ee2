"""Sign-in with NIP (spaces allowed, as printed on decrees) or a staff username."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from asn_portal.models import User

_NIP_LIKE = re.compile(r"^[\d\s.\-]+$")


def normalize_login(value: str | None) -> str:
    """ "19860926 201505 1 001" and "19860926201505 1001" both become the 18-digit NIP;
    staff usernames are only stripped."""
    value = (value or "").strip()
    if _NIP_LIKE.match(value):
        return re.sub(r"[\s.\-]", "", value)
    return value


def axes_username(request, credentials) -> str | None:
    """django-axes counts failures per normalised username, so typing the NIP with or
    without spaces does not reset the counter."""
    raw = None
    if credentials:
        raw = credentials.get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username")
    return normalize_login(raw) if raw is not None else None


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("NIP or username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "inputmode": "text"}),
    )

    password = forms.CharField(
        label=pgettext_lazy("login form", "Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _("The NIP/username or password is wrong. Check both and try again."),
        "inactive": _("This account is not active. Contact your OPD's HR operator."),
    }

    def clean_username(self):
        return normalize_login(self.cleaned_data.get("username"))


class AccountPasswordResetForm(PasswordResetForm):
    """Also reaches accounts that never had a password: employees created by import set
    their first password through this e-mail."""

    def get_users(self, email):
        return User.objects.filter(email__iexact=email, is_active=True)
