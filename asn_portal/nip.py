"""NIP, NI PPPK and NIK parsing (DOMAIN.md §1). Pure functions: no database, no clock.

NIP (Peraturan Kepala BKN 22/2007, 43/2007), 18 digits, no check digit:
    YYYYMMDD  birth date
    YYYYMM    TMT CPNS (year and month of the first appointment; day is always the 1st)
    G         gender, 1 = male, 2 = female
    NNN       serial, never 000
NI PPPK has the same length but its digits 13–14 are not reliably a month (§1.2), so only the
birth date, a plausible year in 9–12 and the gender digit are checked.
NIK (UU 23/2006), 16 digits: province, regency, district, DDMMYY (day + 40 for women), serial.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

MALE = "L"
FEMALE = "P"
_EARLIEST_YEAR = 1900


class IdentifierError(ValueError):
    """A malformed identifier. `code` is stable for the API; `str(error)` is for people."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class NipInfo:
    nip: str
    born_on: dt.date
    appointed_year: int
    appointed_month: int | None  # None for NI PPPK, where digits 13–14 are not a month
    gender: str  # "L" or "P"
    serial: int

    @property
    def cpns_tmt_on(self) -> dt.date | None:
        """TMT CPNS encoded in the NIP: the first day of the appointment month."""
        if self.appointed_month is None:
            return None
        return dt.date(self.appointed_year, self.appointed_month, 1)


@dataclass(frozen=True)
class NikInfo:
    nik: str
    province_code: str
    regency_code: str
    district_code: str
    birth_day: int
    birth_month: int
    birth_year_2: int  # two digits: the century is not encoded
    gender: str


def normalize_digits(value: str) -> str:
    """Remove the spaces people type between NIP groups ("19860926 201505 1 001")."""
    return re.sub(r"[\s.\-]", "", str(value or ""))


def format_nip(nip: str) -> str:
    """Display form used on decrees: groups of 8, 6, 1 and 3 digits."""
    if len(nip) != 18:
        return nip
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


def _date_or_none(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_nip(value: str, *, pppk: bool = False, today: dt.date | None = None) -> NipInfo:
    """Parse and check a NIP (or, with `pppk=True`, a NI PPPK). Raises `IdentifierError`.

    `today`, when given, also rejects a birth date or appointment that lies in the future.
    """
    nip = normalize_digits(value)
    if not nip:
        raise IdentifierError(_("NIP is required."), "nip_required")
    if not nip.isascii() or not nip.isdigit() or len(nip) != 18:
        raise IdentifierError(
            _("NIP must be exactly 18 digits (got %(count)d characters).") % {"count": len(nip)},
            "nip_format",
        )
    born_on = _date_or_none(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    if born_on is None or born_on.year < _EARLIEST_YEAR:
        raise IdentifierError(
            _("Digits 1–8 of the NIP must be a valid birth date (YYYYMMDD); %(value)s is not.") % {"value": nip[0:8]},
            "nip_birth_date",
        )
    year = int(nip[8:12])
    month = int(nip[12:14])
    if year < _EARLIEST_YEAR or year <= born_on.year:
        raise IdentifierError(
            _("Digits 9–12 of the NIP must be the appointment year, after the birth year; %(value)s is not.")
            % {"value": nip[8:12]},
            "nip_tmt_year",
        )
    appointed_month: int | None = None
    if not pppk:
        if not 1 <= month <= 12:
            raise IdentifierError(
                _("Digits 13–14 of the NIP must be the TMT CPNS month (01–12); %(value)s is not.")
                % {"value": nip[12:14]},
                "nip_tmt_month",
            )
        appointed_month = month
    if nip[14] not in "12":
        raise IdentifierError(
            _("Digit 15 of the NIP is the gender and must be 1 (male) or 2 (female); it is %(value)s.")
            % {"value": nip[14]},
            "nip_gender",
        )
    serial = int(nip[15:18])
    if serial == 0 and not pppk:
        raise IdentifierError(_("The last three digits of the NIP (serial) cannot be 000."), "nip_serial")
    if today is not None:
        if born_on > today:
            raise IdentifierError(_("The birth date in the NIP lies in the future."), "nip_birth_future")
        appointed = dt.date(year, appointed_month or 1, 1)
        if appointed > today:
            raise IdentifierError(_("The appointment date in the NIP lies in the future."), "nip_tmt_future")
    return NipInfo(
        nip=nip,
        born_on=born_on,
        appointed_year=year,
        appointed_month=appointed_month,
        gender=MALE if nip[14] == "1" else FEMALE,
        serial=serial,
    )


def parse_nik(value: str) -> NikInfo:
    """Parse and check a NIK (16 digits; women's birth day + 40). Raises `IdentifierError`."""
    nik = normalize_digits(value)
    if not nik.isascii() or not nik.isdigit() or len(nik) != 16:
        raise IdentifierError(
            _("NIK must be exactly 16 digits (got %(count)d characters).") % {"count": len(nik)}, "nik_format"
        )
    if nik[0:2] == "00" or nik[2:4] == "00" or nik[4:6] == "00":
        raise IdentifierError(_("The region code in digits 1–6 of the NIK is not valid."), "nik_region")
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    gender = MALE
    if day > 40:
        day -= 40
        gender = FEMALE
    exists = _date_or_none(1900 + year2, month, day) or _date_or_none(2000 + year2, month, day)
    if not 1 <= month <= 12 or exists is None:
        raise IdentifierError(
            _("Digits 7–12 of the NIK must be a birth date DDMMYY (day + 40 for women); %(value)s is not.")
            % {"value": nik[6:12]},
            "nik_birth_date",
        )
    if nik[12:16] == "0000":
        raise IdentifierError(_("The last four digits of the NIK (serial) cannot be 0000."), "nik_serial")
    return NikInfo(
        nik=nik,
        province_code=nik[0:2],
        regency_code=nik[2:4],
        district_code=nik[4:6],
        birth_day=day,
        birth_month=month,
        birth_year_2=year2,
        gender=gender,
    )


def check_nik_matches_nip(nik: NikInfo, nip: NipInfo) -> None:
    """The NIK's gender must match the NIP's (DOMAIN.md §1.3). The NIK's birth date is not
    compared: a NIK is never changed even when it disagrees with the birth date."""
    if nik.gender != nip.gender:
        raise IdentifierError(_("The NIK gives a different gender from the NIP (digit 15)."), "nik_gender_mismatch")
