"""What every integrity view shares: the role gate, the form round trip, the breadcrumbs."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from asn_portal.nip import normalize_digits
from asn_portal.services import ServiceError
from integrity import permissions
from integrity.forms import ServiceForm

BAD_INPUT = 400


def require_manager(request) -> None:
    """Recording and processing integrity records is the Inspektorat's (and superusers')."""
    if not permissions.can_manage_integrity(request.user):
        raise PermissionDenied(_("Only the Inspektorat can record and process integrity records."))


def submit(form: ServiceForm, action: Callable[[dict], str]):
    """Validate `form`, then run `action(cleaned_data)`: one service call that returns the URL
    to go to. Returns the redirect, or None when the input was refused — the form then holds
    the message (a `ServiceError` becomes an error on the field it names) and the caller
    answers 400. Services are atomic, so a refusal writes nothing."""
    if not form.is_valid():
        return None
    try:
        target = action(form.cleaned_data)
    except ServiceError as error:
        form.add_service_error(error)
        return None
    return redirect(target)


def nip_from_query(request) -> dict:
    """Initial NIP when a page links to a form for one employee (`?nip=`)."""
    nip = normalize_digits(request.GET.get("nip", ""))
    return {"nip": nip} if nip.isdigit() else {}


def rows(form, layout: list[list[str]]) -> list[list]:
    """The form's bound fields arranged in rows (fields on one row share it on wide screens)."""
    return [[form[name] for name in row if name in form.fields] for row in layout if any(n in form.fields for n in row)]


def register_crumb(tab: str, label: str) -> list[tuple[str, str]]:
    return [
        (reverse("integrity:register"), _("Integrity register")),
        (f"{reverse('integrity:register')}?tab={tab}", label),
    ]


def form_page(
    request,
    *,
    form,
    layout: list[list[str]],
    title: str,
    lead: str,
    crumbs: list[tuple[str, str]],
    submit_label: str,
    cancel_url: str,
    status: int = 200,
    notes: list[str] | None = None,
    multipart: bool = False,
    extra: dict | None = None,
):
    """Render a record form in the house layout: the form in a card, what to know beside it."""
    context = {
        "form": form,
        "form_rows": rows(form, layout),
        "title": title,
        "lead": lead,
        "crumbs": crumbs,
        "submit_label": submit_label,
        "cancel_url": cancel_url,
        "notes": notes or [],
        "multipart": multipart,
        **(extra or {}),
    }
    return render(request, "integrity/form_page.html", context, status=status)
