"""The careers pages: `people` (my promotion outlook, the supervisor's team, a proposal and the
supervisor's decision) and `bkpp` (candidates per period for BKPP and operators, proposing,
the proposals lists and BKPP's steps, Satyalancana). Thin views: load through
careers.permissions, validate a form, make one service call (careers.proposals), turn a
`ServiceError` into a form error answered with 400."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

BAD_INPUT = 400


def query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in ("page", *names):
        query.pop(name, None)
    return query.urlencode()


def next_url(request, default: str) -> str:
    """Where a form came from (`next`), when it is on this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def period_label(choice, on) -> str:
    """A period in a picker: its date and whether the OPD may propose for it today."""
    text = date_format(choice.on, "j F Y")
    state = choice.window_state(on)
    if state == "open":
        return _("%(date)s (open until %(deadline)s)") % {
            "date": text,
            "deadline": date_format(choice.deadline_on, "j M Y"),
        }
    if state == "upcoming":
        return _("%(date)s (opens %(opens)s)") % {"date": text, "opens": date_format(choice.opens_on, "j M Y")}
    return _("%(date)s (OPD deadline passed)") % {"date": text}


def period_options(choices, on) -> list[tuple[str, str]]:
    return [(choice.on.isoformat(), period_label(choice, on)) for choice in choices]


def careers_crumb() -> tuple[str, str]:
    return (reverse("careers:home"), _("Promotion"))
