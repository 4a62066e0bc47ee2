"""Career histories for tests, built through the services (careers.history) so the rules apply
and the employee's current rank, position and education follow.

    appoint(employee)                           # CPNS and PNS rows from the employee's TMTs
    rank_history(employee, "III/b", dt.date(2019, 4, 1))
    skp_years(employee, [2024, 2025])           # Baik both years
    diploma(employee, "S2", dt.date(2022, 9, 1))
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from asn_portal.models import EducationLevel, PositionKind, Rank
from careers import history
from careers.models import AwardKind, ExamKind, Predikat, RankEntryKind

TODAY = dt.date(2026, 11, 28)


def rank(code: str) -> Rank:
    return Rank.objects.get(code=code)


def rank_history(employee, code: str, tmt_on: dt.date, kind: str = RankEntryKind.REGULER, **extra):
    """One rank decree (a regular promotion unless `kind` says otherwise)."""
    extra.setdefault("decree_number", f"823.3/{tmt_on:%Y%m%d}/BKPP")
    return history.record_rank(employee, rank=rank(code), tmt_on=tmt_on, kind=kind, **extra)


def appoint(employee, code: str = "III/a"):
    """The appointment rows: CPNS on the employee's TMT CPNS and, for a PNS, PNS on TMT PNS,
    both in rank `code`. The current rank becomes `code` since TMT CPNS."""
    rows = [rank_history(employee, code, employee.cpns_tmt_on, RankEntryKind.CPNS)]
    if employee.pns_tmt_on:
        rows.append(rank_history(employee, code, employee.pns_tmt_on, RankEntryKind.PNS))
    return rows


def position_history(employee, name: str, tmt_on: dt.date, *, kind: str = PositionKind.PELAKSANA, **extra):
    extra.setdefault("jenjang", "")
    extra.setdefault("unit", employee.unit)
    return history.record_position(employee, name=name, kind=kind, tmt_on=tmt_on, **extra)


def diploma(employee, level_code: str, graduated_on: dt.date, **extra):
    extra.setdefault("institution", "Universitas Diponegoro")
    extra.setdefault("today", TODAY)
    level = EducationLevel.objects.get(code=level_code)
    return history.record_education(employee, level=level, graduated_on=graduated_on, **extra)


def skp(employee, year: int, predikat: str = Predikat.BAIK, **extra):
    extra.setdefault("today", TODAY)
    return history.record_performance(employee, year=year, predikat=predikat, **extra)


def skp_years(employee, years, predikat: str = Predikat.BAIK) -> list:
    return [skp(employee, year, predikat) for year in years]


def exam(employee, kind: str = ExamKind.UD1, passed_on: dt.date = dt.date(2020, 11, 20), **extra):
    extra.setdefault("today", TODAY)
    return history.record_exam(employee, kind=kind, passed_on=passed_on, **extra)


def pak(employee, assessed_on: dt.date, jenjang: str, total, **extra):
    extra.setdefault("today", TODAY)
    return history.record_credit_assessment(
        employee, assessed_on=assessed_on, jenjang=jenjang, total=Decimal(str(total)), **extra
    )


def award(employee, kind: str = AwardKind.SATYALANCANA_X, awarded_on: dt.date = dt.date(2025, 8, 17), **extra):
    extra.setdefault("today", TODAY)
    return history.record_award(employee, kind=kind, awarded_on=awarded_on, **extra)
