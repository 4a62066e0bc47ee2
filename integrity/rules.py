"""Pure integrity rules: no database, no clock (callers pass `on`)."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from asn_portal.models import PositionKind

# DOMAIN.md §9.1: the annual LHKPN/LHKASN is due on 31 March for the previous year; new
# obligees file within 3 months of their appointment.
ANNUAL_DUE_MONTH, ANNUAL_DUE_DAY = 3, 31
NEW_OBLIGEE_MONTHS = 3
# DOMAIN.md §9.2: 10 working days to report a gift to the UPG; the UPG has 10 more to forward.
GRATIFICATION_REPORT_WORKING_DAYS = 10
GRATIFICATION_FORWARD_WORKING_DAYS = 10

LHKPN_POSITION_KINDS = (
    PositionKind.JPT_UTAMA,
    PositionKind.JPT_MADYA,
    PositionKind.JPT_PRATAMA,
    PositionKind.ADMINISTRATOR,
)


def sanction_ends_on(starts_on: dt.date, duration_months: int | None, *, is_dismissal: bool) -> dt.date | None:
    """Exclusive end of a sanction (DOMAIN.md §8.1): in force from S to the day before
    S + N months. A one-off reprimand ends the day it starts; a dismissal never ends (None)."""
    if is_dismissal:
        return None
    if duration_months is None:
        return starts_on
    return starts_on + relativedelta(months=duration_months)


def annual_due_on(year: int) -> dt.date:
    """Due date of the annual filing for reporting year `year`."""
    return dt.date(year + 1, ANNUAL_DUE_MONTH, ANNUAL_DUE_DAY)


def filing_due_on(year: int, appointed_on: dt.date | None = None) -> dt.date:
    """The annual due date, or 3 months after the appointment when that comes later."""
    due = annual_due_on(year)
    if appointed_on is not None:
        due = max(due, appointed_on + relativedelta(months=NEW_OBLIGEE_MONTHS))
    return due


def last_due_year(on: dt.date) -> int:
    """The latest reporting year whose annual deadline has passed on `on`."""
    return on.year - 1 if on > annual_due_on(on.year - 1) else on.year - 2


def must_file_lhkpn(position_kind: str | None, corruption_prone: bool, designation: bool | None) -> bool:
    """LHKPN obligees (DOMAIN.md §9.1): JPT and administrators, holders of posts with
    corruption-prone duties; a PPK decree (`designation`, True or False) overrides both.
    Everyone else files LHKASN."""
    if designation is not None:
        return designation
    return position_kind in LHKPN_POSITION_KINDS or corruption_prone
