"""Pure training rules over plain values: eligibility criterion by criterion, JP targets and
the leadership training each post needs. No database, no clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from asn_portal.models import EmploymentType, Jenjang, PositionKind
from training.models import ProgramCategory

# DOMAIN.md §3.4: the leadership training each structural post requires.
REQUIRED_LEADERSHIP = {
    PositionKind.JPT_MADYA: ProgramCategory.PKN1,
    PositionKind.JPT_PRATAMA: ProgramCategory.PKN2,
    PositionKind.ADMINISTRATOR: ProgramCategory.PKA,
    PositionKind.PENGAWAS: ProgramCategory.PKP,
}
# ... flagged when the official has held the post this long without it.
LEADERSHIP_GRACE_DAYS = 365


def jp_target(employment_type: str, *, pns: int, pppk: int) -> int:
    """DOMAIN.md §6.1: PNS (and CPNS) at least `pns` JP a year; PPPK per contract."""
    return pppk if employment_type in EmploymentType.pppk() else pns


@dataclass(frozen=True)
class Criterion:
    code: str
    ok: bool
    message: str


@dataclass(frozen=True)
class Candidate:
    """What eligibility needs to know about an employee (plain values)."""

    rank_id: int | None
    rank_code: str
    position_kind: str | None
    jenjang: str
    employment_type: str
    completed_program_ids: frozenset[int]
    in_good_standing: bool
    standing_reason: str
    busy_dates: tuple[tuple[dt.date, dt.date, str], ...]  # other confirmed sessions: start, end, title


@dataclass(frozen=True)
class Offer:
    """What eligibility needs to know about a programme and its session (plain values)."""

    min_rank_id: int | None
    min_rank_code: str
    max_rank_id: int | None
    max_rank_code: str
    position_kinds: tuple[str, ...]
    jenjang: tuple[str, ...]
    employment_types: tuple[str, ...]
    prior_program_id: int | None
    prior_program_title: str
    blocked_by_sanction: bool
    starts_on: dt.date
    ends_on: dt.date


def _labels(values, choices) -> str:
    names = dict(choices)
    return ", ".join(str(names.get(v, v)) for v in values)


def eligibility(candidate: Candidate, offer: Offer) -> list[Criterion]:
    """Every criterion of the programme, each with its verdict and an explanation the employee
    can act on. Registration needs all of them to hold."""
    checks: list[Criterion] = []
    if offer.min_rank_id or offer.max_rank_id:
        low, high = offer.min_rank_id or 1, offer.max_rank_id or 17
        ok = candidate.rank_id is not None and low <= candidate.rank_id <= high
        span = f"{offer.min_rank_code or 'I/a'} – {offer.max_rank_code or 'IV/e'}"
        checks.append(
            Criterion(
                "rank",
                ok,
                _("Golongan %(span)s; yours is %(rank)s.") % {"span": span, "rank": candidate.rank_code or "—"},
            )
        )
    if offer.position_kinds:
        ok = candidate.position_kind in offer.position_kinds
        checks.append(
            Criterion(
                "position_kind",
                ok,
                _("For positions: %(kinds)s.") % {"kinds": _labels(offer.position_kinds, PositionKind.choices)},
            )
        )
    if offer.jenjang:
        ok = candidate.jenjang in offer.jenjang
        checks.append(
            Criterion(
                "jenjang",
                ok,
                _("For functional levels: %(levels)s.") % {"levels": _labels(offer.jenjang, Jenjang.choices)},
            )
        )
    if offer.employment_types:
        ok = candidate.employment_type in offer.employment_types
        checks.append(
            Criterion(
                "employment_type",
                ok,
                _("For: %(types)s.") % {"types": _labels(offer.employment_types, EmploymentType.choices)},
            )
        )
    if offer.prior_program_id:
        ok = offer.prior_program_id in candidate.completed_program_ids
        checks.append(
            Criterion(
                "prior_program",
                ok,
                _("Completed “%(title)s” first.") % {"title": offer.prior_program_title}
                if ok
                else _("Requires completing “%(title)s” first.") % {"title": offer.prior_program_title},
            )
        )
    if offer.blocked_by_sanction:
        checks.append(Criterion("standing", candidate.in_good_standing, candidate.standing_reason))
    clash = next(
        (busy for busy in candidate.busy_dates if busy[0] <= offer.ends_on and offer.starts_on <= busy[1]), None
    )
    if clash is None:
        checks.append(Criterion("overlap", True, _("No other confirmed training on these dates.")))
    else:
        start, end, title = clash
        checks.append(
            Criterion(
                "overlap",
                False,
                _("Overlaps your confirmed training “%(title)s” (%(start)s – %(end)s).")
                % {"title": title, "start": date_format(start, "j M Y"), "end": date_format(end, "j M Y")},
            )
        )
    return checks
