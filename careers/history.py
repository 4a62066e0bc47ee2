"""The services that write career histories: rank (pangkat), position (jabatan), education,
annual SKP predikat, service exams, angka kredit assessments (PAK), awards and innovations.

Each service owns its transaction, locks the employee row first (so two writers of the same
person's history queue up instead of both passing the checks), applies the rules and raises
`ServiceError` with a stable code. The employee's current state that follows from a history is
written here and nowhere else (STYLE.md, "Data"):

- `Employee.rank` and `Employee.rank_tmt_on` from the rank history (`sync_current_rank`);
- `Employee.position_since_on` (and `Employee.position` when the post is linked) from the
  position history;
- `Employee.education` from the highest diploma.

The rules are also offered as `check_*` functions without queries, which the spreadsheet
imports (careers.importing) call for every row with data they loaded in bulk, so that a row
the import accepts is a row the service accepts, with the same message.

Every history model is registered with django-auditlog (careers.audit); `by`, when given,
is recorded as the actor of the audit entries the call writes.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from auditlog.context import set_actor
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asn_portal.models import (
    EducationLevel,
    Employee,
    EmploymentType,
    Jenjang,
    OrgUnit,
    Position,
    PositionKind,
    Rank,
    User,
)
from asn_portal.nip import IdentifierError, parse_nip
from asn_portal.services import ServiceError
from careers import periods
from careers.models import (
    Award,
    AwardKind,
    CreditAssessment,
    EducationHistory,
    ExamKind,
    ExamResult,
    Innovation,
    PerformanceRating,
    PositionHistory,
    Predikat,
    PromotionKind,
    PromotionRegime,
    RankEntryKind,
    RankHistory,
    StudyPath,
)

# Sanction types (integrity.SanctionType codes) that lower a PNS one level (PP 94/2021 Pasal 8,
# DOMAIN.md §8.1): a rank-history row of kind `penurunan` must be backed by one of these, of the
# same employee, in force on the row's TMT.
DEMOTION_SANCTION_TYPES = ("penurunan_jabatan_12_bulan",)

# Promotions that take effect only on a period date (DOMAIN.md §3.2): the kinds the engine
# decides and the other "pilihan" kinds. Appointments (CPNS, PNS), anumerta and pengabdian
# (outside the periodisation), demotions and corrections are not bound to it.
PERIOD_BOUND_KINDS = frozenset(
    {
        *PromotionKind.decided_by_engine(),
        PromotionKind.PRESTASI,
        PromotionKind.PENEMUAN,
        PromotionKind.ISTIMEWA,
        PromotionKind.TUGAS_BELAJAR,
    }
)

MAX_CREDIT = Decimal("99999.999")  # CreditAssessment.total: 8 digits, 3 decimals


# ---------------------------------------------------------------------------------------------
# Audit actor
# ---------------------------------------------------------------------------------------------


def _recorded_by(func):
    """Run the service with `by` as django-auditlog's actor, in a copy of the context so the
    caller's own actor (a request's) is untouched afterwards."""

    @functools.wraps(func)
    def wrapper(*args, by: User | None = None, **kwargs):
        if by is None:
            return func(*args, by=by, **kwargs)

        def run():
            with set_actor(by):
                return func(*args, by=by, **kwargs)

        return contextvars.copy_context().run(run)

    return wrapper


def _lock(employee: Employee) -> Employee:
    return Employee.objects.select_for_update().get(pk=employee.pk)


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _not_future(value: dt.date, today: dt.date, field: str, label: str) -> None:
    if value > today:
        raise ServiceError(
            _("The %(label)s cannot be in the future (%(date)s).") % {"label": label, "date": value.isoformat()},
            "date_in_future",
            field,
        )


def _required(value: str, field: str, label: str) -> None:
    if not (value or "").strip():
        raise ServiceError(_("The %(label)s is required.") % {"label": label}, "required", field)


def _save_changed(employee: Employee, values: dict) -> list[str]:
    """Set and save the fields that differ (auditlog records the change); returns them."""
    changed = [name for name, value in values.items() if getattr(employee, name) != value]
    if changed:
        for name in changed:
            setattr(employee, name, values[name])
        employee.save(update_fields=[*changed, "updated_at"])
    return changed


def _copy_back(target: Employee, source: Employee, fields: Iterable[str]) -> None:
    """The caller's instance sees what was written."""
    for name in fields:
        setattr(target, name, getattr(source, name))


# ---------------------------------------------------------------------------------------------
# Promotion periods
# ---------------------------------------------------------------------------------------------


def _is_period_date(day: dt.date, regimes: Sequence[PromotionRegime] | None = None) -> bool:
    """Whether promotions may take effect on `day` (DOMAIN.md §3.2, careers.periods): the 1st
    of one of the months of the regime in force that day. Before the first regime there is
    nothing to check against, so any day passes."""
    regimes = periods.load_regimes() if regimes is None else regimes
    return periods.in_force(regimes, day) is None or periods.is_period_under(regimes, day)


# ---------------------------------------------------------------------------------------------
# Rank history
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankEntry:
    """What the order rules need of a rank-history row."""

    rank_id: int
    rank_code: str
    tmt_on: dt.date
    kind: str


def rank_entries(employee_ids: Iterable[int]) -> dict[int, list[RankEntry]]:
    """The rank histories of these employees in TMT order, in one query."""
    result: dict[int, list[RankEntry]] = {}
    rows = (
        RankHistory.objects.filter(employee_id__in=list(employee_ids))
        .order_by("employee_id", "tmt_on", "id")
        .values_list("employee_id", "rank_id", "rank__code", "tmt_on", "kind")
    )
    for employee_id, rank_id, code, tmt_on, kind in rows:
        result.setdefault(employee_id, []).append(RankEntry(rank_id, code, tmt_on, kind))
    return result


def in_force(starts_on: dt.date, ends_on: dt.date | None, day: dt.date) -> bool:
    """A sanction runs from its start up to the day before its (exclusive) end (DOMAIN.md §8.1)."""
    return starts_on <= day and (ends_on is None or ends_on > day)


def _demotion_backed(employee: Employee, day: dt.date) -> bool:
    from integrity.models import Sanction

    return (
        Sanction.objects.in_force_on(day)
        .filter(employee_id=employee.pk, type__code__in=DEMOTION_SANCTION_TYPES)
        .exists()
    )


def _step_ok(previous: RankEntry, current: RankEntry) -> bool:
    """A demotion goes down; anything else stays or goes up."""
    if current.kind == RankEntryKind.DEMOTION:
        return current.rank_id < previous.rank_id
    return current.rank_id >= previous.rank_id


def check_rank_entry(
    history: Sequence[RankEntry],
    new: RankEntry,
    *,
    is_pppk: bool,
    cpns_tmt_on: dt.date | None,
    regimes: Sequence[PromotionRegime],
    demotion_backed: bool,
    service_years: int = 0,
    service_months: int = 0,
) -> None:
    """Raise `ServiceError` when `new` cannot join `history` (the employee's rows in TMT order):
    PPPK hold no pangkat (DOMAIN.md §2.1); the TMT is not before TMT CPNS and not already taken;
    a period-bound promotion takes effect on a period date of the regime in force on its TMT
    (§3.2); the appointment as CPNS comes first; the rank never goes down except by a demotion
    backed by a demotion sanction in force on the TMT (§8.1); a row put between two others keeps
    the order of the rows after it."""
    if is_pppk:
        raise ServiceError(_("PPPK hold no pangkat, so they have no rank history."), "pppk_no_rank", "rank")
    if service_years < 0 or not 0 <= service_months <= 11:
        raise ServiceError(
            _("Masa kerja golongan is whole years (0 or more) and months from 0 to 11."),
            "invalid_service_time",
            "service_months",
        )
    if cpns_tmt_on is not None and new.tmt_on < cpns_tmt_on:
        raise ServiceError(
            _("The rank TMT %(date)s is before TMT CPNS (%(cpns)s).")
            % {"date": new.tmt_on.isoformat(), "cpns": cpns_tmt_on.isoformat()},
            "rank_before_cpns",
            "tmt_on",
        )
    taken = next((entry for entry in history if entry.tmt_on == new.tmt_on), None)
    if taken is not None:
        raise ServiceError(
            _("A rank with TMT %(date)s is already recorded (%(rank)s).")
            % {"date": new.tmt_on.isoformat(), "rank": taken.rank_code},
            "rank_tmt_taken",
            "tmt_on",
        )
    if new.kind in PERIOD_BOUND_KINDS:
        regime = periods.in_force(regimes, new.tmt_on)
        if regime is not None and not _is_period_date(new.tmt_on, regimes):
            raise ServiceError(
                _(
                    "%(date)s is not a promotion date: under %(regime)s a promotion takes effect on the 1st of "
                    "month %(months)s."
                )
                % {
                    "date": new.tmt_on.isoformat(),
                    "regime": regime.name,
                    "months": ", ".join(str(m) for m in regime.months),
                },
                "not_a_period_date",
                "tmt_on",
            )
    previous = next((entry for entry in reversed(history) if entry.tmt_on < new.tmt_on), None)
    following = next((entry for entry in history if entry.tmt_on > new.tmt_on), None)
    cpns_recorded = any(entry.kind == RankEntryKind.CPNS for entry in history)
    if (new.kind == RankEntryKind.CPNS and (previous is not None or cpns_recorded)) or (
        following is not None and following.kind == RankEntryKind.CPNS
    ):
        raise ServiceError(
            _("The appointment as CPNS must be the first rank in the history."), "cpns_not_first", "kind"
        )
    if new.kind == RankEntryKind.DEMOTION:
        if previous is None or new.rank_id >= previous.rank_id:
            raise ServiceError(
                _("A demotion must lower the rank: %(rank)s is not below the rank before it (%(previous)s).")
                % {"rank": new.rank_code, "previous": previous.rank_code if previous else "—"},
                "demotion_not_lower",
                "rank",
            )
        if not demotion_backed:
            raise ServiceError(
                _(
                    "No demotion sanction (penurunan jabatan) of this employee is in force on %(date)s, so the "
                    "rank cannot go down."
                )
                % {"date": new.tmt_on.isoformat()},
                "demotion_without_sanction",
                "kind",
            )
    elif previous is not None and new.rank_id < previous.rank_id:
        raise ServiceError(
            _(
                "%(rank)s is lower than the rank before it (%(previous)s, TMT %(date)s). A rank only goes down by "
                "a demotion (penurunan) backed by a disciplinary sanction."
            )
            % {"rank": new.rank_code, "previous": previous.rank_code, "date": previous.tmt_on.isoformat()},
            "rank_goes_down",
            "rank",
        )
    if following is not None and not _step_ok(new, following):
        raise ServiceError(
            _(
                "%(rank)s with TMT %(date)s would come before %(next)s with TMT %(next_date)s and break the order "
                "of the history: a rank only goes down by a demotion."
            )
            % {
                "rank": new.rank_code,
                "date": new.tmt_on.isoformat(),
                "next": following.rank_code,
                "next_date": following.tmt_on.isoformat(),
            },
            "rank_out_of_order",
            "tmt_on",
        )


def current_rank(entries: Sequence[RankEntry]) -> tuple[int, dt.date] | None:
    """(rank id, rank TMT) the history gives, or None without rows. The rank is the latest row's;
    its TMT is that row's, except that the appointment as PNS in the rank held as CPNS does not
    restart the time in rank (it counts from the TMT of the rank, DOMAIN.md §3.1)."""
    if not entries:
        return None
    index = len(entries) - 1
    while (
        index > 0 and entries[index].kind == RankEntryKind.PNS and entries[index - 1].rank_id == entries[index].rank_id
    ):
        index -= 1
    return entries[-1].rank_id, entries[index].tmt_on


@transaction.atomic
def sync_current_rank(employee: Employee) -> Employee:
    """Set `Employee.rank` and `rank_tmt_on` from the rank history (see `current_rank`); an
    employee without rank history keeps the registry's values. Returns the employee."""
    locked = _lock(employee)
    _follow_rank_history(employee, locked, rank_entries([locked.pk]).get(locked.pk, []))
    return employee


def _follow_rank_history(employee: Employee, locked: Employee, entries: Sequence[RankEntry]) -> None:
    current = current_rank(entries)
    if current is not None:
        rank_id, tmt_on = current
        _save_changed(locked, {"rank_id": rank_id, "rank_tmt_on": tmt_on})
    _copy_back(employee, locked, ("rank_id", "rank_tmt_on"))  # setting rank_id drops a stale cached rank


@_recorded_by
@transaction.atomic
def record_rank(
    employee: Employee,
    *,
    rank: Rank,
    tmt_on: dt.date,
    kind: str,
    decree_number: str = "",
    decree_on: dt.date | None = None,
    service_years: int = 0,
    service_months: int = 0,
    by: User | None = None,
) -> RankHistory:
    """Add a rank decree to the employee's rank history and make the current rank follow it.
    Raises `ServiceError` (see `check_rank_entry` for the rules and codes; `invalid_kind` for an
    unknown kind)."""
    if kind not in RankEntryKind.values:
        raise ServiceError(_("Unknown kind of rank entry %(kind)s.") % {"kind": kind}, "invalid_kind", "kind")
    locked = _lock(employee)
    history = rank_entries([locked.pk]).get(locked.pk, [])
    new = RankEntry(rank.pk, rank.code, tmt_on, kind)
    check_rank_entry(
        history,
        new,
        is_pppk=locked.is_pppk,
        cpns_tmt_on=locked.cpns_tmt_on,
        regimes=periods.load_regimes() if kind in PERIOD_BOUND_KINDS else (),
        demotion_backed=kind == RankEntryKind.DEMOTION and _demotion_backed(locked, tmt_on),
        service_years=service_years,
        service_months=service_months,
    )
    entry = RankHistory.objects.create(
        employee=locked,
        rank=rank,
        tmt_on=tmt_on,
        kind=kind,
        decree_number=decree_number.strip(),
        decree_on=decree_on,
        service_years=service_years,
        service_months=service_months,
    )
    _follow_rank_history(employee, locked, sorted([*history, new], key=lambda e: e.tmt_on))
    return entry


# ---------------------------------------------------------------------------------------------
# Position history
# ---------------------------------------------------------------------------------------------


def check_position(*, name: str, kind: str, jenjang: str, unit: OrgUnit, position: Position | None) -> None:
    """A post: a name, a known kind; a functional post has a level of its category (keahlian or
    keterampilan, DOMAIN.md §4.2), other posts none; a linked catalogue post is in the unit."""
    _required(name, "name", _("position name"))
    if kind not in PositionKind.values:
        raise ServiceError(_("Unknown kind of position %(kind)s.") % {"kind": kind}, "invalid_kind", "kind")
    if kind in PositionKind.functional():
        allowed = Jenjang.keahlian() if kind == PositionKind.FUNGSIONAL_KEAHLIAN else Jenjang.keterampilan()
        if not jenjang:
            raise ServiceError(_("A functional position needs its jenjang."), "jenjang_required", "jenjang")
        if jenjang not in allowed:
            raise ServiceError(
                _("Jenjang %(jenjang)s does not belong to a %(kind)s position; use one of: %(allowed)s.")
                % {
                    "jenjang": jenjang,
                    "kind": PositionKind(kind).label,
                    "allowed": ", ".join(str(Jenjang(j).label) for j in allowed),
                },
                "jenjang_wrong_category",
                "jenjang",
            )
    elif jenjang:
        raise ServiceError(_("Only functional positions have a jenjang."), "jenjang_only_for_functional", "jenjang")
    if position is not None and position.unit_id != unit.pk:
        raise ServiceError(
            _("The linked position belongs to another unit than the one given."), "position_other_unit", "position"
        )


def _sync_position(locked: Employee, linked: Position | None) -> list[str]:
    latest = (
        PositionHistory.objects.filter(employee_id=locked.pk).order_by("-tmt_on", "-id").values("tmt_on", "id").first()
    )
    values: dict = {"position_since_on": latest["tmt_on"] if latest else None}
    if linked is not None and linked.unit.opd_id == locked.opd_id:
        values["position_id"] = linked.pk
    return _save_changed(locked, values)


@_recorded_by
@transaction.atomic
def record_position(
    employee: Employee,
    *,
    name: str,
    kind: str,
    jenjang: str,
    unit: OrgUnit,
    tmt_on: dt.date,
    position: Position | None = None,
    decree_number: str = "",
    by: User | None = None,
) -> PositionHistory:
    """Add a post to the employee's position history. When it is the latest, the employee's
    `position_since_on` becomes its TMT and, when `position` (the catalogue post) is given and
    is in the employee's OPD, `Employee.position` becomes it. Raises `ServiceError`:
    `position_tmt_taken`, and those of `check_position`."""
    jenjang = jenjang or ""
    check_position(name=name, kind=kind, jenjang=jenjang, unit=unit, position=position)
    locked = _lock(employee)
    taken = PositionHistory.objects.filter(employee_id=locked.pk, tmt_on=tmt_on).first()
    if taken is not None:
        raise ServiceError(
            _("A position with TMT %(date)s is already recorded (%(name)s).")
            % {"date": tmt_on.isoformat(), "name": taken.name},
            "position_tmt_taken",
            "tmt_on",
        )
    is_latest = not PositionHistory.objects.filter(employee_id=locked.pk, tmt_on__gt=tmt_on).exists()
    entry = PositionHistory.objects.create(
        employee=locked,
        position=position,
        name=" ".join(name.split()),
        kind=kind,
        jenjang=jenjang,
        unit=unit,
        tmt_on=tmt_on,
        decree_number=decree_number.strip(),
    )
    _sync_position(locked, position if is_latest else None)
    _copy_back(employee, locked, ("position_id", "position_since_on"))
    return entry


# ---------------------------------------------------------------------------------------------
# Education
# ---------------------------------------------------------------------------------------------


def check_education(*, institution: str, graduated_on: dt.date, path: str, today: dt.date) -> None:
    _required(institution, "institution", _("institution"))
    if path not in StudyPath.values:
        raise ServiceError(
            _("The study path is tugas_belajar, izin_belajar or empty (not %(path)s).") % {"path": path},
            "invalid_path",
            "path",
        )
    _not_future(graduated_on, today, "graduated_on", _("graduation date"))


@_recorded_by
@transaction.atomic
def record_education(
    employee: Employee,
    *,
    level: EducationLevel,
    institution: str,
    graduated_on: dt.date,
    major: str = "",
    diploma_number: str = "",
    path: str = "",
    by: User | None = None,
    today: dt.date | None = None,
) -> EducationHistory:
    """Record a diploma, or update the one of the same level and graduation date. The employee's
    highest education (`Employee.education`) becomes the highest level of their diplomas
    (by `EducationLevel.order`). Raises `ServiceError`: `required`, `invalid_path`,
    `date_in_future`."""
    path = path or ""
    check_education(institution=institution, graduated_on=graduated_on, path=path, today=_today(today))
    locked = _lock(employee)
    diploma, _created = EducationHistory.objects.update_or_create(
        employee=locked,
        level=level,
        graduated_on=graduated_on,
        defaults={
            "institution": " ".join(institution.split()),
            "major": " ".join(major.split()),
            "diploma_number": diploma_number.strip(),
            "path": path,
        },
    )
    highest = (
        EducationHistory.objects.filter(employee_id=locked.pk)
        .order_by("-level__order")
        .values_list("level_id", flat=True)
        .first()
    )
    _save_changed(locked, {"education_id": highest})
    _copy_back(employee, locked, ("education_id",))
    return diploma


# ---------------------------------------------------------------------------------------------
# SKP, service exams, angka kredit
# ---------------------------------------------------------------------------------------------


def appointed_year(employee: Employee) -> int | None:
    """The year the employee entered the service: TMT CPNS, or for PPPK the year in the NI PPPK
    (DOMAIN.md §1.2). None when neither is known."""
    if employee.cpns_tmt_on:
        return employee.cpns_tmt_on.year
    try:
        return parse_nip(employee.nip, pppk=employee.employment_type in EmploymentType.pppk()).appointed_year
    except IdentifierError:
        return None


def check_performance(employee: Employee, *, year: int, predikat: str, today: dt.date) -> None:
    """An annual predikat (DOMAIN.md §5) of a year that has begun and is not before the year the
    employee was appointed."""
    if predikat not in Predikat.values:
        raise ServiceError(_("Unknown predikat %(value)s.") % {"value": predikat}, "invalid_predikat", "predikat")
    if year > today.year:
        raise ServiceError(
            _("The SKP year %(year)s has not started yet.") % {"year": year}, "skp_year_in_future", "year"
        )
    first = appointed_year(employee)
    if first is not None and year < first:
        raise ServiceError(
            _("An SKP for %(year)s is before the employee's appointment (TMT CPNS in %(first)s).")
            % {"year": year, "first": first},
            "skp_before_cpns",
            "year",
        )


@_recorded_by
@transaction.atomic
def record_performance(
    employee: Employee, *, year: int, predikat: str, by: User | None = None, today: dt.date | None = None
) -> PerformanceRating:
    """Record the annual SKP predikat of a year, replacing the one recorded for that year.
    Raises `ServiceError`: `invalid_predikat`, `skp_year_in_future`, `skp_before_cpns`."""
    locked = _lock(employee)
    check_performance(locked, year=year, predikat=predikat, today=_today(today))
    rating, _created = PerformanceRating.objects.update_or_create(
        employee=locked, year=year, defaults={"predikat": predikat}
    )
    return rating


def check_exam(employee: Employee, *, kind: str, passed_on: dt.date, today: dt.date) -> None:
    """Ujian dinas and UKPPI (DOMAIN.md §3.3) lead to a pangkat, which PPPK do not hold."""
    if kind not in ExamKind.values:
        raise ServiceError(
            _("Unknown exam %(value)s: use UD1, UD2 or UKPPI.") % {"value": kind}, "invalid_exam", "kind"
        )
    if employee.employment_type in EmploymentType.pppk():
        raise ServiceError(_("PPPK hold no pangkat and sit no service exam."), "pppk_no_exam", "kind")
    _not_future(passed_on, today, "passed_on", _("exam date"))


@_recorded_by
@transaction.atomic
def record_exam(
    employee: Employee, *, kind: str, passed_on: dt.date, by: User | None = None, today: dt.date | None = None
) -> ExamResult:
    """Record a passed service exam; recording the same pass again changes nothing. Raises
    `ServiceError`: `invalid_exam`, `pppk_no_exam`, `date_in_future`."""
    locked = _lock(employee)
    check_exam(locked, kind=kind, passed_on=passed_on, today=_today(today))
    result, _created = ExamResult.objects.get_or_create(employee=locked, kind=kind, passed_on=passed_on)
    return result


def parse_credit(value) -> Decimal:
    """An angka kredit as a Decimal of at most three decimals. Raises `ServiceError`."""
    try:
        total = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ServiceError(
            _("The angka kredit must be a number (%(value)s is not).") % {"value": value}, "invalid_credit", "total"
        ) from exc
    if not total.is_finite():
        raise ServiceError(
            _("The angka kredit must be a number (%(value)s is not).") % {"value": value}, "invalid_credit", "total"
        )
    return total


def check_credit_assessment(*, assessed_on: dt.date, jenjang: str, total: Decimal, today: dt.date) -> None:
    """A PAK (DOMAIN.md §4): a JF level, a cumulative total from 0, not dated in the future."""
    if jenjang not in Jenjang.values:
        raise ServiceError(_("Unknown jenjang %(value)s.") % {"value": jenjang}, "invalid_jenjang", "jenjang")
    if total < 0:
        raise ServiceError(_("The angka kredit cannot be negative."), "negative_credit", "total")
    if total > MAX_CREDIT or total != total.quantize(Decimal("0.001")):
        raise ServiceError(
            _("The angka kredit must be below 100000, with at most three decimals."), "invalid_credit", "total"
        )
    _not_future(assessed_on, today, "assessed_on", _("assessment date"))


@_recorded_by
@transaction.atomic
def record_credit_assessment(
    employee: Employee,
    *,
    assessed_on: dt.date,
    jenjang: str,
    total,
    by: User | None = None,
    today: dt.date | None = None,
) -> CreditAssessment:
    """Record a PAK: the cumulative angka kredit in a JF level on a date, replacing the one of
    that date. Raises `ServiceError`: `invalid_credit`, `negative_credit`, `invalid_jenjang`,
    `date_in_future`."""
    total = parse_credit(total)
    check_credit_assessment(assessed_on=assessed_on, jenjang=jenjang, total=total, today=_today(today))
    locked = _lock(employee)
    assessment, _created = CreditAssessment.objects.update_or_create(
        employee=locked, assessed_on=assessed_on, defaults={"jenjang": jenjang, "total": total}
    )
    return assessment


# ---------------------------------------------------------------------------------------------
# Awards and innovations
# ---------------------------------------------------------------------------------------------


@_recorded_by
@transaction.atomic
def record_award(
    employee: Employee,
    *,
    kind: str,
    awarded_on: dt.date,
    name: str = "",
    issuer: str = "",
    decree_number: str = "",
    by: User | None = None,
    today: dt.date | None = None,
) -> Award:
    """Record an award. A Satyalancana Karya Satya is given once per kind (its name defaults to
    the kind's); another award needs a name. Raises `ServiceError`: `invalid_kind`, `required`,
    `award_already_given`, `date_in_future`."""
    if kind not in AwardKind.values:
        raise ServiceError(_("Unknown kind of award %(kind)s.") % {"kind": kind}, "invalid_kind", "kind")
    if kind == AwardKind.OTHER:
        _required(name, "name", _("award name"))
    _not_future(awarded_on, _today(today), "awarded_on", _("award date"))
    locked = _lock(employee)
    if kind != AwardKind.OTHER and Award.objects.filter(employee_id=locked.pk, kind=kind).exists():
        raise ServiceError(
            _("%(award)s has already been recorded for this employee.") % {"award": AwardKind(kind).label},
            "award_already_given",
            "kind",
        )
    return Award.objects.create(
        employee=locked,
        kind=kind,
        name=" ".join(name.split()) or str(AwardKind(kind).label),
        awarded_on=awarded_on,
        issuer=" ".join(issuer.split()),
        decree_number=decree_number.strip(),
    )


@_recorded_by
@transaction.atomic
def record_innovation(
    employee: Employee,
    *,
    title: str,
    year: int,
    unit: OrgUnit,
    description: str = "",
    recognition: str = "",
    by: User | None = None,
    today: dt.date | None = None,
) -> Innovation:
    """Record a public-service innovation the employee led. Raises `ServiceError`: `required`,
    `year_in_future`."""
    _required(title, "title", _("title"))
    if year > _today(today).year:
        raise ServiceError(_("The year %(year)s has not started yet.") % {"year": year}, "year_in_future", "year")
    locked = _lock(employee)
    return Innovation.objects.create(
        employee=locked,
        title=" ".join(title.split()),
        year=year,
        unit=unit,
        description=description.strip(),
        recognition=" ".join(recognition.split()),
    )
