"""Angka kredit (AK) of functional positions (JF), DOMAIN.md §4.

Since PermenPANRB 1/2023 and Peraturan BKN 3/2023 the AK of a year is a conversion of the annual
SKP predikat: `AK = months/12 × percent(predikat) × coefficient(jenjang)` (§4.1, e.g. 2 months,
Baik, Ahli Pertama → 2/12 × 100 % × 12,5 = 2,08). AK is cumulative per jenjang and starts again
at 0 on a move to another jenjang (§4.3); a PAK (`CreditAssessment`) states the cumulative AK on
a date and replaces the conversion up to that date. The AK needed for the next rank and for the
next jenjang come from `CreditRequirement` (§4.3). Every number is a reference-data row
(coefficients, predikat rates, requirements), read once per run.

How months are counted (a product decision, the regulation speaks only of "months"):
- the jenjang starts on the TMT of the first position-history row of the current run of rows in
  that jenjang (the latest rows up to the date, back to the last row in another jenjang or
  outside JF), or `Employee.position_since_on` when the history has none; a month counts when
  it starts on or after that TMT;
- a PAK covers everything up to and including its date; conversion goes on from the month after;
- only whole months before the month of the evaluation date count, and only in years with an
  annual predikat.

Arithmetic is exact: everything is counted in units of 1/120 000 AK (12 months × 100 percent ×
coefficients with two decimals), integers both in Python and in SQL, so the per-employee
`balance` and the set-based `with_credit` agree to the last unit on PostgreSQL and SQLite."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractDay, ExtractMonth, ExtractYear, Greatest, Least, Round
from django.db.models.lookups import GreaterThan

from asn_portal.models import Employee, Jenjang, PositionKind
from careers.models import (
    CreditAssessment,
    CreditCoefficient,
    CreditRequirement,
    PerformanceRating,
    PositionHistory,
    PredikatRate,
)

# 12 months × 100 percent × 100 (coefficients have two decimals): one AK in integer units.
UNITS_PER_AK = 120_000
_FLOOR = dt.date(1, 1, 1)


def to_units(value: Decimal | int | None) -> int | None:
    if value is None:
        return None
    return int((Decimal(value) * UNITS_PER_AK).to_integral_value(ROUND_HALF_UP))


def from_units(units: int) -> Decimal:
    """AK for display: three decimals as a PAK writes them, rounded down so a total just short
    of a requirement never shows as reaching it."""
    return (Decimal(units) / UNITS_PER_AK).quantize(Decimal("0.001"), rounding=ROUND_DOWN)


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def first_month_from(day: dt.date) -> int:
    """Index of the first month starting on or after `day` (a TMT mid-month counts from the
    next month)."""
    return month_index(day) + (1 if day.day > 1 else 0)


def months_in_year(year: int, from_index: int, until_index: int) -> int:
    """Whole months of `year` in [from_index, until_index)."""
    return max(0, min((year + 1) * 12, until_index) - max(year * 12, from_index))


# ---------------------------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreditTables:
    """The AK reference data (DOMAIN.md §4.1–4.3), loaded once per run."""

    rates: dict[str, int]  # predikat → percent of the coefficient
    coefficients: dict[str, tuple[tuple[dt.date, Decimal], ...]]  # jenjang → (valid from, value), newest first
    requirements: dict[tuple[str, int], tuple[Decimal | None, Decimal | None]]  # (jenjang, rank) → (rank, jenjang)
    jenjang_ranks: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def coefficient(self, jenjang: str, year: int) -> Decimal | None:
        """The coefficient in force in `year` (the row valid by the year's end); None before
        the first one — the conversion did not exist then and a PAK carries the AK."""
        for valid_from, value in self.coefficients.get(jenjang, ()):
            if valid_from.year <= year:
                return value
        return None

    def weight(self, jenjang: str, year: int, predikat: str) -> int:
        """Units one month earns: percent × coefficient × 100 (so 12 months of Baik in Ahli
        Pertama, 12 × 100 × 1250, is 12,5 AK)."""
        coefficient = self.coefficient(jenjang, year)
        if coefficient is None:
            return 0
        return self.rates.get(predikat, 0) * int((coefficient * 100).to_integral_value(ROUND_HALF_UP))

    def requirement(self, jenjang: str, rank_id: int | None) -> tuple[Decimal | None, Decimal | None]:
        return self.requirements.get((jenjang, rank_id), (None, None))

    def top_rank(self, jenjang: str) -> int | None:
        """The highest rank of a jenjang (DOMAIN.md §4.2), from the requirement rows."""
        ranks = self.jenjang_ranks.get(jenjang)
        return max(ranks) if ranks else None


def load_tables() -> CreditTables:
    """Three queries."""
    rates = dict(PredikatRate.objects.values_list("predikat", "percent"))
    coefficients: dict[str, list[tuple[dt.date, Decimal]]] = {}
    for jenjang, valid_from, value in CreditCoefficient.objects.order_by("jenjang", "-valid_from").values_list(
        "jenjang", "valid_from", "coefficient"
    ):
        coefficients.setdefault(jenjang, []).append((valid_from, value))
    requirements = {}
    jenjang_ranks: dict[str, list[int]] = {}
    for jenjang, rank_id, for_rank, for_jenjang in CreditRequirement.objects.order_by("jenjang", "rank_id").values_list(
        "jenjang", "rank_id", "for_rank", "for_jenjang"
    ):
        requirements[(jenjang, rank_id)] = (for_rank, for_jenjang)
        jenjang_ranks.setdefault(jenjang, []).append(rank_id)
    return CreditTables(
        rates=rates,
        coefficients={key: tuple(rows) for key, rows in coefficients.items()},
        requirements=requirements,
        jenjang_ranks={key: tuple(rows) for key, rows in jenjang_ranks.items()},
    )


# ---------------------------------------------------------------------------------------------
# One employee
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conversion:
    """The AK one annual predikat earned in the current jenjang."""

    year: int
    predikat: str
    months: int
    percent: int
    coefficient: Decimal | None
    units: int

    @property
    def ak(self) -> Decimal:
        return from_units(self.units)


@dataclass(frozen=True)
class CreditBalance:
    """Cumulative AK of a JF holder in the current jenjang on `on`, and what the next rank and
    the next jenjang need (DOMAIN.md §4.3)."""

    jenjang: str
    rank_id: int | None
    on: dt.date
    since_on: dt.date | None  # entered the jenjang
    assessment_on: dt.date | None  # the PAK the total starts from
    assessment_total: Decimal
    conversions: tuple[Conversion, ...]
    units: int
    needed_for_rank: Decimal | None
    needed_for_jenjang: Decimal | None

    @property
    def total(self) -> Decimal:
        return from_units(self.units)

    @property
    def rank_met(self) -> bool:
        needed = to_units(self.needed_for_rank)
        return needed is not None and self.units >= needed

    @property
    def jenjang_met(self) -> bool:
        needed = to_units(self.needed_for_jenjang)
        return needed is not None and self.units >= needed

    @property
    def short_for_rank(self) -> Decimal | None:
        needed = to_units(self.needed_for_rank)
        if needed is None:
            return None
        return (Decimal(max(0, needed - self.units)) / UNITS_PER_AK).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)

    @property
    def short_for_jenjang(self) -> Decimal | None:
        needed = to_units(self.needed_for_jenjang)
        if needed is None:
            return None
        return (Decimal(max(0, needed - self.units)) / UNITS_PER_AK).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def jenjang_since(history: Iterable[tuple[dt.date, str]], jenjang: str, fallback: dt.date | None) -> dt.date | None:
    """Start of the current run of rows in `jenjang`; `history` is (tmt, jenjang), newest first,
    up to the date. A row in another jenjang (or outside JF) ends the run: the AK restarts."""
    since = None
    for tmt_on, row_jenjang in history:
        if row_jenjang != jenjang:
            break
        since = tmt_on
    return since if since is not None else fallback


def usable_assessment(
    assessments: Iterable[tuple[dt.date, str, Decimal]],
    history: Iterable[tuple[dt.date, str]],
    jenjang: str,
    on: dt.date,
) -> tuple[dt.date, Decimal] | None:
    """The PAK the total starts from: the latest in `jenjang` up to `on`, unless a move out of
    the jenjang is recorded on or after its date (the AK restarted then, DOMAIN.md §4.3)."""
    moves = [tmt_on for tmt_on, row_jenjang in history if row_jenjang != jenjang and tmt_on <= on]
    usable = [
        (day, total)
        for day, row_jenjang, total in assessments
        if row_jenjang == jenjang and day <= on and not any(day <= moved <= on for moved in moves)
    ]
    return max(usable, default=None)


def compute_balance(
    *,
    jenjang: str,
    rank_id: int | None,
    on: dt.date,
    history: Iterable[tuple[dt.date, str]],
    position_since_on: dt.date | None,
    assessments: Iterable[tuple[dt.date, str, Decimal]],
    ratings: Iterable[tuple[int, str]],
    tables: CreditTables,
) -> CreditBalance:
    """The balance from plain values (no database): `history` is the position history
    (tmt, jenjang) up to `on`, newest first; `assessments` the PAKs (date, jenjang, total);
    `ratings` the annual SKP (year, predikat)."""
    history = [(tmt_on, row_jenjang) for tmt_on, row_jenjang in history if tmt_on <= on]
    history.sort(reverse=True)
    since_on = jenjang_since(history, jenjang, position_since_on)
    assessment = usable_assessment(assessments, history, jenjang, on)
    if assessment is not None:
        from_index = month_index(assessment[0]) + 1
    elif since_on is not None:
        from_index = first_month_from(since_on)
    else:
        from_index = None
    conversions = []
    if from_index is not None:
        until_index = month_index(on)
        for year, predikat in sorted(ratings):
            if year > on.year:
                continue
            months = months_in_year(year, from_index, until_index)
            if months:
                weight = tables.weight(jenjang, year, predikat)
                conversions.append(
                    Conversion(
                        year=year,
                        predikat=predikat,
                        months=months,
                        percent=tables.rates.get(predikat, 0),
                        coefficient=tables.coefficient(jenjang, year),
                        units=months * weight,
                    )
                )
    base_units = to_units(assessment[1]) if assessment is not None else 0
    for_rank, for_jenjang = tables.requirement(jenjang, rank_id)
    return CreditBalance(
        jenjang=jenjang,
        rank_id=rank_id,
        on=on,
        since_on=since_on,
        assessment_on=assessment[0] if assessment is not None else None,
        assessment_total=assessment[1] if assessment is not None else Decimal(0),
        conversions=tuple(conversions),
        units=base_units + sum(c.units for c in conversions),
        needed_for_rank=for_rank,
        needed_for_jenjang=for_jenjang,
    )


def is_functional(position_kind: str | None, jenjang: str | None) -> bool:
    return position_kind in PositionKind.functional() and jenjang in Jenjang.values


def balance(employee: Employee, on: dt.date, tables: CreditTables | None = None) -> CreditBalance | None:
    """The AK balance of `employee` on `on` in the jenjang of their current post; None when the
    post is not a JF. Three queries (six without `tables`)."""
    position = employee.position
    if position is None or not is_functional(position.kind, position.jenjang):
        return None
    tables = tables or load_tables()
    history = PositionHistory.objects.filter(employee_id=employee.pk, tmt_on__lte=on).values_list("tmt_on", "jenjang")
    assessments = CreditAssessment.objects.filter(employee_id=employee.pk, assessed_on__lte=on).values_list(
        "assessed_on", "jenjang", "total"
    )
    ratings = PerformanceRating.objects.filter(employee_id=employee.pk, year__lte=on.year).values_list(
        "year", "predikat"
    )
    return compute_balance(
        jenjang=position.jenjang,
        rank_id=employee.rank_id,
        on=on,
        history=list(history),
        position_since_on=employee.position_since_on,
        assessments=list(assessments),
        ratings=list(ratings),
        tables=tables,
    )


# ---------------------------------------------------------------------------------------------
# Everyone at once
# ---------------------------------------------------------------------------------------------


def _outer(name: str, depth: int):
    """`name` of the employee row, seen from a subquery `depth` levels down."""
    ref = OuterRef(name)
    for _level in range(depth - 1):
        ref = OuterRef(ref)
    return ref


def _first_month_expression(name: str):
    """SQL twin of `first_month_from`."""
    return (
        ExtractYear(name) * 12
        + ExtractMonth(name)
        - 1
        + Case(When(**{f"{name}__day__gt": 1}, then=Value(1)), default=Value(0), output_field=IntegerField())
    )


def _assessments(on: dt.date, depth: int) -> QuerySet[CreditAssessment]:
    """Twin of `usable_assessment`, latest first, in a subquery `depth` levels below the
    employee row."""
    moved_after = PositionHistory.objects.filter(
        employee_id=_outer("pk", depth + 1), tmt_on__lte=on, tmt_on__gte=OuterRef("assessed_on")
    ).exclude(jenjang=_outer("position__jenjang", depth + 1))
    return (
        CreditAssessment.objects.filter(
            employee_id=_outer("pk", depth), jenjang=_outer("position__jenjang", depth), assessed_on__lte=on
        )
        .filter(~Exists(moved_after))
        .order_by("-assessed_on", "-pk")
    )


def _run_start(on: dt.date, depth: int) -> QuerySet[PositionHistory]:
    """Twin of `jenjang_since` (without the fallback): the earliest row in the jenjang with no
    row in another jenjang after it, up to `on`."""
    later_other = PositionHistory.objects.filter(
        employee_id=_outer("pk", depth + 1), tmt_on__lte=on, tmt_on__gt=OuterRef("tmt_on")
    ).exclude(jenjang=_outer("position__jenjang", depth + 1))
    return (
        PositionHistory.objects.filter(
            employee_id=_outer("pk", depth), jenjang=_outer("position__jenjang", depth), tmt_on__lte=on
        )
        .filter(~Exists(later_other))
        .order_by("tmt_on")
    )


def _from_index(on: dt.date, depth: int):
    """The first month the conversion counts, as an integer (NULL when unknown): the month
    after the PAK, else the first month of the jenjang run, else of `position_since_on`."""
    after_assessment = (
        _assessments(on, depth)
        .annotate(index=ExtractYear("assessed_on") * 12 + ExtractMonth("assessed_on"))
        .values("index")[:1]
    )
    run_start = _run_start(on, depth).annotate(index=_first_month_expression("tmt_on")).values("index")[:1]
    # The fallback sits where the index is used, one level above its subqueries.
    since = ExpressionWrapper(_outer("position_since_on", depth - 1), output_field=DateField())
    fallback = (
        ExtractYear(since) * 12
        + ExtractMonth(since)
        - 1
        + Case(When(GreaterThan(ExtractDay(since), 1), then=Value(1)), default=Value(0), output_field=IntegerField())
    )
    return Coalesce(Subquery(after_assessment), Subquery(run_start), fallback, output_field=IntegerField())


def with_credit(queryset: QuerySet[Employee], on: dt.date, tables: CreditTables | None = None) -> QuerySet[Employee]:
    """Annotate every employee with their AK on `on`, in the same query (DOMAIN.md §4):
    `ak_units` (integer units, see `UNITS_PER_AK`; 0 outside JF), `ak_needed_rank_units` and
    `ak_needed_jenjang_units` (NULL without a requirement), and the booleans `ak_rank_met`,
    `ak_jenjang_met`. The set-based twin of `balance`: every subquery reads only the
    employee's own columns, so PostgreSQL runs the inner ones once per employee."""
    tables = tables or load_tables()
    functional = Q(position__kind__in=PositionKind.functional(), position__jenjang__in=Jenjang.values)
    until_index = month_index(on)
    percent = Case(
        *[When(predikat=predikat, then=Value(value)) for predikat, value in tables.rates.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    coefficient = Case(
        *[
            When(outer_jenjang=jenjang, year__gte=valid_from.year, then=Value(int(value * 100)))
            for jenjang, rows in tables.coefficients.items()
            for valid_from, value in rows  # newest first: the first match is the one in force
        ],
        default=Value(0),
        output_field=IntegerField(),
    )
    months = Greatest(
        Value(0), Least(F("year") * 12 + 12, Value(until_index)) - Greatest(F("year") * 12, F("from_index"))
    )
    conversion = (
        PerformanceRating.objects.filter(employee_id=OuterRef("pk"), year__lte=on.year)
        .annotate(
            outer_jenjang=ExpressionWrapper(OuterRef("position__jenjang"), output_field=CharField()),
            from_index=_from_index(on, depth=2),
        )
        .filter(from_index__isnull=False)
        .order_by()
        .values("employee_id")
        .annotate(units=Sum(months * percent * coefficient, output_field=IntegerField()))
        .values("units")
    )
    base = (
        _assessments(on, depth=1)
        .annotate(units=Cast(Round(F("total") * UNITS_PER_AK), IntegerField()))
        .values("units")[:1]
    )
    needed_rank = [
        When(position__jenjang=jenjang, rank_id=rank_id, then=Value(to_units(for_rank)))
        for (jenjang, rank_id), (for_rank, _for_jenjang) in tables.requirements.items()
        if for_rank is not None
    ]
    needed_jenjang = [
        When(position__jenjang=jenjang, rank_id=rank_id, then=Value(to_units(for_jenjang)))
        for (jenjang, rank_id), (_for_rank, for_jenjang) in tables.requirements.items()
        if for_jenjang is not None
    ]
    return queryset.annotate(
        ak_units=Case(
            When(functional, then=Coalesce(Subquery(base), Value(0)) + Coalesce(Subquery(conversion), Value(0))),
            default=Value(0),
            output_field=IntegerField(),
        ),
        ak_needed_rank_units=Case(*needed_rank, default=Value(None), output_field=IntegerField()),
        ak_needed_jenjang_units=Case(*needed_jenjang, default=Value(None), output_field=IntegerField()),
    ).annotate(
        ak_rank_met=Case(
            When(functional & Q(ak_units__gte=F("ak_needed_rank_units")), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        ak_jenjang_met=Case(
            When(functional & Q(ak_units__gte=F("ak_needed_jenjang_units")), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def with_credit_dates(queryset: QuerySet[Employee], on: dt.date) -> QuerySet[Employee]:
    """`ak_since_on` (start of the jenjang run, else `position_since_on`) and
    `ak_assessment_on` (the PAK the total starts from), for pages that show them."""
    functional = Q(position__kind__in=PositionKind.functional(), position__jenjang__in=Jenjang.values)
    return queryset.annotate(
        ak_since_on=Case(
            When(
                functional,
                then=Coalesce(Subquery(_run_start(on, 1).values("tmt_on")[:1]), F("position_since_on")),
            ),
            default=Value(None),
            output_field=DateField(),
        ),
        ak_assessment_on=Case(
            When(functional, then=Subquery(_assessments(on, 1).values("assessed_on")[:1])),
            default=Value(None),
            output_field=DateField(),
        ),
    )


__all__ = [
    "UNITS_PER_AK",
    "Conversion",
    "CreditBalance",
    "CreditTables",
    "balance",
    "compute_balance",
    "from_units",
    "is_functional",
    "jenjang_since",
    "load_tables",
    "to_units",
    "usable_assessment",
    "with_credit",
    "with_credit_dates",
]
