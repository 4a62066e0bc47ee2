"""Working days: Monday to Friday, except Indonesian national holidays (the `holidays`
package) and cuti bersama days (`CollectiveLeave`, editable by Admin BKPP). Used for
deadlines such as gratification reports (DOMAIN.md §9.2: 10 working days).

`add_working_days` is pure: the caller passes the days off (`days_off(...)` loads them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import holidays

from asn_portal.models import CollectiveLeave


def add_working_days(start: dt.date, count: int, days_off: Iterable[dt.date]) -> dt.date:
    """The `count`-th working day after `start` (`start` itself does not count)."""
    off = set(days_off)
    day = start
    remaining = count
    while remaining > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in off:
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, days_off: Iterable[dt.date]) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    off = set(days_off)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in off:
            count += 1
    return count


def national_holidays(years: Iterable[int]) -> set[dt.date]:
    return set(holidays.country_holidays("ID", years=sorted(set(years))).keys())


def days_off(first: dt.date, last: dt.date) -> set[dt.date]:
    """National holidays and cuti bersama between two dates, plus a margin of a year so that a
    deadline counted from `last` still finds its days off."""
    years = range(first.year, last.year + 2)
    collective = CollectiveLeave.objects.filter(date__year__gte=first.year, date__year__lte=last.year + 1)
    return national_holidays(years) | set(collective.values_list("date", flat=True))


def deadline(start: dt.date, count: int) -> dt.date:
    """`count` working days after `start`, with the calendar loaded from the database."""
    return add_working_days(start, count, days_off(start, start))
