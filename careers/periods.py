"""Promotion periods (DOMAIN.md §3.2): the dates a promotion takes effect (TMT) and the window
in which proposals for each date are sent.

The regimes are reference data (`PromotionRegime`, DOMAIN.md "Product decisions"): the one in
force on a day is the latest whose `valid_from` is not after it. Today (Peraturan BKN 4/2025,
from 1 October 2025) the 1st of every month is a period and proposals for TMT month M are sent
from the 16th of M-2 to the 15th of M-1; the six-a-year (Peraturan BKN 4/2023) and twice-a-year
(PP 99/2000) regimes stay for history. BKPP's own deadline comes `internal_deadline_days`
before BKN's.

No clock here: callers pass the day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from dateutil.relativedelta import relativedelta
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from asn_portal.services import ServiceError
from careers.models import PromotionRegime

# How far ahead `next_period` looks before giving up (a regime with no months would loop).
_SEARCH_MONTHS = 12 * 5


def load_regimes() -> list[PromotionRegime]:
    """Every regime, oldest first (one query). A handful of rows, read once per call so an edit
    in the admin applies at once; batch callers (imports) load them once and pass them on."""
    return list(PromotionRegime.objects.order_by("valid_from"))


def in_force(regimes: Sequence[PromotionRegime], day: dt.date) -> PromotionRegime | None:
    """Of `regimes` (oldest first), the one in force on `day`: the latest whose `valid_from`
    is not after it."""
    found = None
    for regime in regimes:
        if regime.valid_from <= day:
            found = regime
        else:
            break
    return found


def is_period_under(regimes: Sequence[PromotionRegime], day: dt.date) -> bool:
    """Whether `day` is a promotion date under the regime of `regimes` in force on it."""
    regime = in_force(regimes, day)
    return day.day == 1 and regime is not None and day.month in (regime.months or [])


def _first_on_or_after(regimes: Sequence[PromotionRegime], day: dt.date) -> dt.date | None:
    candidate = day if day.day == 1 else (day.replace(day=1) + relativedelta(months=1))
    for _step in range(_SEARCH_MONTHS):
        if is_period_under(regimes, candidate):
            return candidate
        candidate += relativedelta(months=1)
    return None


def regime_on(day: dt.date) -> PromotionRegime | None:
    """The period regime in force on `day` (None before the first one)."""
    return in_force(load_regimes(), day)


def is_period(day: dt.date) -> bool:
    """Whether `day` is a promotion date (TMT) under the regime in force on it."""
    return is_period_under(load_regimes(), day)


def check_period(day: dt.date) -> dt.date:
    """Return `day` if it is a promotion period; raise `ServiceError` (code `not_a_period`)
    with the next period in the message otherwise."""
    if day is None:
        raise ServiceError(_("Choose a promotion period."), "not_a_period", "period")
    regimes = load_regimes()
    if is_period_under(regimes, day):
        return day
    following = _first_on_or_after(regimes, day + dt.timedelta(days=1))
    if following is None:
        message = _("%(date)s is not a promotion period.") % {"date": date_format(day, "j F Y")}
    else:
        message = _("%(date)s is not a promotion period; the next period is %(next)s.") % {
            "date": date_format(day, "j F Y"),
            "next": date_format(following, "j F Y"),
        }
    raise ServiceError(message, "not_a_period", "period")


def next_period(after_day: dt.date, *, inclusive: bool = False) -> dt.date | None:
    """The first promotion period after `after_day` (on or after it with `inclusive`)."""
    start = after_day if inclusive else after_day + dt.timedelta(days=1)
    return _first_on_or_after(load_regimes(), start)


def periods_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every promotion period from `start` to `end`, both included, each under the regime in
    force on it (so a range across 1 October 2025 switches from six a year to twelve)."""
    return list(_iter_periods(load_regimes(), start, end))


def _iter_periods(regimes: Sequence[PromotionRegime], start: dt.date, end: dt.date) -> Iterator[dt.date]:
    candidate = start if start.day == 1 else start.replace(day=1) + relativedelta(months=1)
    while candidate <= end:
        if is_period_under(regimes, candidate):
            yield candidate
        candidate += relativedelta(months=1)


def window(period: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """(opens, closes, internal_deadline) of the proposal window for `period` (DOMAIN.md §3.2):
    e.g. TMT 1 January 2026 → 16 November 2025, 15 December 2025, and BKPP's deadline
    `internal_deadline_days` before the close (never before the opening). Raises
    `ServiceError` (`not_a_period`) if `period` is not a period."""
    check_period(period)
    return _window(in_force(load_regimes(), period), period)


def _window(regime: PromotionRegime, period: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    opens_month = period - relativedelta(months=regime.window_opens_months_before)
    closes_month = period - relativedelta(months=regime.window_closes_months_before)
    opens = opens_month.replace(day=regime.window_opens_day)
    closes = closes_month.replace(day=regime.window_closes_day)
    internal = closes - dt.timedelta(days=regime.internal_deadline_days)
    return opens, closes, max(internal, opens)


def open_for(day: dt.date, *, internal: bool = True) -> list[dt.date]:
    """The periods whose proposal window is open on `day`, up to BKPP's internal deadline (or
    up to BKN's close with `internal=False`). Usually one."""
    regimes = load_regimes()
    found = []
    # A window opens a few months before its period at most: a year ahead is enough.
    for period in _iter_periods(regimes, day, day + relativedelta(months=12)):
        opens, closes, deadline = _window(in_force(regimes, period), period)
        if opens <= day <= (deadline if internal else closes):
            found.append(period)
    return found
