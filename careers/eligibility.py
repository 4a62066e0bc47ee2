"""Promotion eligibility (kenaikan pangkat), DOMAIN.md §2.2, §3.1–3.3, §4, §5, §8.3, §11.

Every rule is written once, as a criterion object with two faces:
- `explain(facts, situation, context)`: for one employee, from plain values (`Facts`, loaded by
  `load_facts`), the pass/fail and an explanation with the numbers, in the user's language;
- `expression(context)`: the same rule as a boolean SQL expression over the employee row and
  the facts `_base` annotates (standing, angka kredit, a new diploma), so the whole city is
  judged in one query (`candidates`, `eligible`).
`tests/careers/test_eligibility_agreement.py` checks on generated populations that both faces
agree for every employee.

The kind decides the rules (DOMAIN.md §3.1): a new diploma newer than the rank's TMT whose
starting rank is above the current rank → penyesuaian ijazah (target: that starting rank); a
structural post (JPT, administrator, pengawas) → pilihan struktural; a JF post → pilihan
fungsional; anyone else → reguler. The target is otherwise the next rank. Numbers (years in
rank, SKP years, the one-below rule, AK, crossings, coefficients) come from the reference tables
in force on the period date; only the retirement ages (§11) are the small mapping below.

Criteria (codes are stable, the API and proposals use them): `employment` (PNS only: CPNS and
PPPK never), `status` (active or on study assignment, and not past the retirement age before the
period), `time` (TMT pangkat + N years ≤ period date; structural one below the post's lowest
rank: 1 year in rank and 1 in post), `performance` (SKP at least Baik in each of the N calendar
years before the period's year; a missing year fails on its own), `ceiling` (education ceiling
§2.2 for reguler, the post's highest rank for structural, the post's or jenjang's for JF),
`credit` (JF: the AK for the next rank, §4.3), `exam` (ujian dinas when crossing II/d→III/a or
III/d→IV/a unless exempt, §3.3), `ukppi` (penyesuaian ijazah after izin belajar) and `integrity`
(no sedang/berat sanction in force and not under examination on the period date, from
`integrity.services`, §8.3). Criteria that do not apply to an employee (no crossing, not a JF,
…) are left out of the explanation and pass in the set-based run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from asn_portal.models import (
    Employee,
    EmployeeStatus,
    EmploymentType,
    Jenjang,
    PositionKind,
    Rank,
)
from asn_portal.services import ServiceError
from careers import credits, periods
from careers.models import (
    EducationHistory,
    ExamKind,
    ExamResult,
    GolonganCrossing,
    PerformanceRating,
    Predikat,
    PromotionKind,
    PromotionRule,
    StudyPath,
)
from integrity import services as integrity
from training.models import OutsideLearning, OutsideStatus, Registration, RegistrationState

K = PromotionKind
ENGINE_VERSION = 1

# DOMAIN.md §3.1 / §7.3: PNS on tugas belajar are still promoted (KP reguler applies to them);
# CLTN, temporary suspension and everything after service are not.
PROMOTABLE_STATUSES = (EmployeeStatus.AKTIF, EmployeeStatus.TUGAS_BELAJAR)

# DOMAIN.md §11 (PP 11/2017 Pasal 239; UU 14/2005 Pasal 30(4)): batas usia pensiun. The one
# place these ages live; the first matching line wins. Teachers are recognised by the post's
# name ("Guru …"), as the position catalogue has no profession field.
BUP_DEFAULT = 58  # administrators, pengawas, pelaksana, JF up to Ahli Muda and keterampilan
BUP_TEACHER = 60
TEACHER_NAME_PREFIX = "guru"
BUP_BY_POSITION_KIND = {PositionKind.JPT_UTAMA: 60, PositionKind.JPT_MADYA: 60, PositionKind.JPT_PRATAMA: 60}
BUP_BY_JENJANG = {Jenjang.AHLI_MADYA: 60, Jenjang.AHLI_UTAMA: 65}


def retirement_age(position_kind: str | None, jenjang: str | None, position_name: str | None) -> int:
    """BUP of the holder of a post (DOMAIN.md §11)."""
    if position_name and position_name.lower().startswith(TEACHER_NAME_PREFIX):
        return BUP_TEACHER
    if position_kind in BUP_BY_POSITION_KIND:
        return BUP_BY_POSITION_KIND[position_kind]
    if position_kind in PositionKind.functional() and jenjang in BUP_BY_JENJANG:
        return BUP_BY_JENJANG[jenjang]
    return BUP_DEFAULT


def _bup_cutoff_expression(period: dt.date):
    """Set-based twin of `retirement_age`: the earliest birth date still in service on
    `period` (born_on + BUP years ≥ period ⇔ born_on ≥ period − BUP years; periods are 1sts)."""

    def cutoff(age: int) -> dt.date:
        return period - relativedelta(years=age)

    whens = [When(position__name__istartswith=TEACHER_NAME_PREFIX, then=Value(cutoff(BUP_TEACHER)))]
    whens += [When(position__kind=kind, then=Value(cutoff(age))) for kind, age in BUP_BY_POSITION_KIND.items()]
    whens += [
        When(position__kind__in=PositionKind.functional(), position__jenjang=jenjang, then=Value(cutoff(age)))
        for jenjang, age in BUP_BY_JENJANG.items()
    ]
    return Case(*whens, default=Value(cutoff(BUP_DEFAULT)))


# ---------------------------------------------------------------------------------------------
# Reference data of one period
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Crossing:
    """A golongan crossing (DOMAIN.md §3.3) as plain values."""

    from_rank_id: int
    exam: str
    exempt_education_order: int | None
    exempt_education_name: str
    exempt_training: tuple[str, ...]
    exempt_functional: bool

    @property
    def exam_label(self) -> str:
        return str(ExamKind(self.exam).label) if self.exam in ExamKind.values else self.exam


@dataclass(frozen=True)
class Context:
    """What a run needs besides the employees, loaded once: the period and the reference data
    in force on it. `load_context` costs a constant number of queries."""

    period: dt.date
    rules: dict[str, PromotionRule]
    crossings: dict[int, Crossing]
    credit: credits.CreditTables
    ranks: dict[int, Rank]

    @property
    def top_rank_id(self) -> int:
        return max(self.ranks)

    def rank_code(self, rank_id: int | None) -> str:
        rank = self.ranks.get(rank_id)
        return rank.code if rank else "—"

    @property
    def skp_years(self) -> tuple[int, ...]:
        """The years an SKP may be asked for, newest first (DOMAIN.md §3.1, §5)."""
        most = max(rule.skp_years for rule in self.rules.values())
        return tuple(self.period.year - offset for offset in range(1, most + 1))


def load_context(period: dt.date) -> Context:
    """The reference data in force on `period`. Raises `ServiceError` `not_a_period` when the
    date is not a promotion period, `no_rule` when a kind has no rule in force yet."""
    periods.check_period(period)
    rules: dict[str, PromotionRule] = {}
    for rule in PromotionRule.objects.filter(valid_from__lte=period).order_by("kind", "-valid_from"):
        rules.setdefault(rule.kind, rule)
    missing = [kind for kind in K.decided_by_engine() if kind not in rules]
    if missing:
        raise ServiceError(
            _("No promotion rule for %(kind)s is in force on %(date)s.")
            % {"kind": K(missing[0]).label, "date": date_format(period, "j F Y")},
            "no_rule",
            "period",
        )
    crossings = {
        row.from_rank_id: Crossing(
            from_rank_id=row.from_rank_id,
            exam=row.exam,
            exempt_education_order=row.exempt_education.order if row.exempt_education else None,
            exempt_education_name=row.exempt_education.name if row.exempt_education else "",
            exempt_training=tuple(row.exempt_training or ()),
            exempt_functional=row.exempt_functional,
        )
        for row in GolonganCrossing.objects.select_related("exempt_education")
    }
    return Context(
        period=period,
        rules=rules,
        crossings=crossings,
        credit=credits.load_tables(),
        ranks={rank.pk: rank for rank in Rank.objects.all()},
    )


# ---------------------------------------------------------------------------------------------
# Facts of one employee (plain values) and the explanation
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Diploma:
    pk: int
    level_name: str
    starting_rank_id: int
    graduated_on: dt.date
    path: str


@dataclass(frozen=True)
class Facts:
    """Everything the rules read about one employee, as plain values."""

    employee_id: int
    employment_type: str
    status: str
    born_on: dt.date
    rank_id: int | None
    rank_tmt_on: dt.date | None
    education_name: str = ""
    education_order: int | None = None
    education_starting_rank_id: int | None = None
    education_ceiling_id: int | None = None
    position_kind: str = ""
    position_jenjang: str = ""
    position_name: str = ""
    position_min_rank_id: int | None = None
    position_max_rank_id: int | None = None
    position_since_on: dt.date | None = None
    ratings: Mapping[int, str] = field(default_factory=dict)  # year → predikat
    exams: tuple[tuple[str, dt.date], ...] = ()  # (kind, passed on)
    trainings: tuple[tuple[str, dt.date], ...] = ()  # (programme category, last day), completed
    diplomas: tuple[Diploma, ...] = ()
    credit: credits.CreditBalance | None = None
    standing: integrity.Standing | None = None


@dataclass(frozen=True)
class Situation:
    """What follows from the facts before any criterion: the kind, the target, the rule."""

    kind: str
    target_rank_id: int | None
    rule: PromotionRule
    diploma: Diploma | None = None  # the diploma of a penyesuaian ijazah


@dataclass(frozen=True)
class Check:
    """One criterion for one employee. `exempt`: passed by an exemption (no certificate
    needed); `values`: the numbers of the message, JSON-able."""

    code: str
    ok: bool
    message: str
    exempt: bool = False
    values: Mapping[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(CRITERIA_BY_CODE[self.code].label)


@dataclass(frozen=True)
class Outlook:
    """The engine's answer for one employee and one period."""

    employee_id: int
    period: dt.date
    kind: str
    current_rank: Rank | None
    target_rank_id: int | None
    target_rank: Rank | None
    criteria: tuple[Check, ...]
    next_date: dt.date | None  # earliest period the time criterion is met, when not met now
    rule_version: str

    @property
    def eligible(self) -> bool:
        return all(check.ok for check in self.criteria)

    @property
    def kind_label(self) -> str:
        return str(K(self.kind).label)

    @property
    def failing(self) -> tuple[str, ...]:
        return tuple(check.code for check in self.criteria if not check.ok)

    def check(self, code: str) -> Check | None:
        return next((c for c in self.criteria if c.code == code), None)


def _kind(facts: Facts) -> str:
    if facts.position_kind in PositionKind.leadership():
        return K.STRUKTURAL
    if facts.position_kind in PositionKind.functional():
        return K.FUNGSIONAL
    return K.REGULER


def _adjustment_diploma(facts: Facts, period: dt.date) -> Diploma | None:
    """The diploma a penyesuaian ijazah would follow (DOMAIN.md §3.1): graduated after the
    rank's TMT and by the period, with a starting rank above the current rank; the highest
    starting rank, then the latest. The employee's highest education must be above the rank
    too (it is the newest diploma's level when the history is kept in step)."""
    if facts.rank_id is None or facts.rank_tmt_on is None:
        return None
    if facts.education_starting_rank_id is None or facts.education_starting_rank_id <= facts.rank_id:
        return None
    found = [
        d for d in facts.diplomas if facts.rank_tmt_on < d.graduated_on <= period and d.starting_rank_id > facts.rank_id
    ]
    return max(found, key=lambda d: (d.starting_rank_id, d.graduated_on, d.pk), default=None)


def situation(facts: Facts, context: Context) -> Situation:
    diploma = _adjustment_diploma(facts, context.period)
    if diploma is not None:
        return Situation(K.IJAZAH, diploma.starting_rank_id, context.rules[K.IJAZAH], diploma)
    kind = _kind(facts)
    target = facts.rank_id + 1 if facts.rank_id is not None else None
    return Situation(kind, target, context.rules[kind])


def _date(day: dt.date) -> str:
    return date_format(day, "j F Y")


def _number(value) -> str:
    text = number_format(value, decimal_pos=3)
    # "50,000" → "50"; "2,083" stays.
    sep = number_format(1.5, decimal_pos=1)[1]
    if sep in text:
        text = text.rstrip("0").rstrip(sep)
    return text


def _duration(years: int, months: int) -> str:
    year_text = ngettext("%(count)s year", "%(count)s years", years) % {"count": years}
    month_text = ngettext("%(count)s month", "%(count)s months", months) % {"count": months}
    if months == 0:
        return year_text
    if years == 0:
        return month_text
    return f"{year_text} {month_text}"


def _elapsed(since: dt.date, on: dt.date) -> tuple[int, int]:
    if since >= on:
        return 0, 0
    delta = relativedelta(on, since)
    return delta.years, delta.months


# ---------------------------------------------------------------------------------------------
# Criteria
# ---------------------------------------------------------------------------------------------


def _flag(condition):
    """A boolean that is never NULL (a comparison with NULL fails)."""
    if isinstance(condition, bool):
        return Value(condition)
    if not isinstance(condition, Q):
        return condition
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


# The kind as a switch (DOMAIN.md §3.1), the twin of `situation`: each criterion's SQL tests the
# diploma of a penyesuaian ijazah once, then the post's kind.
_ADJUSTING = Q(elig_adjusting=True)


def _by_kind(*, reguler, struktural, fungsional, ijazah):
    return Case(
        When(_ADJUSTING, then=_flag(ijazah)),
        When(position__kind__in=PositionKind.leadership(), then=_flag(struktural)),
        When(position__kind__in=PositionKind.functional(), then=_flag(fungsional)),
        default=_flag(reguler),
        output_field=BooleanField(),
    )


def _unless_adjusting(others, *, adjusting):
    return Case(When(_ADJUSTING, then=_flag(adjusting)), default=_flag(others), output_field=BooleanField())


def _trained(categories, on: dt.date):
    """Leadership training of `categories` completed by `on` (twin of `_completed_training`)."""
    categories = list(categories)
    return Exists(
        Registration.objects.filter(
            employee_id=OuterRef("pk"),
            state=RegistrationState.COMPLETED,
            session__program__category__in=categories,
            session__ends_on__lte=on,
        )
    ) | Exists(
        OutsideLearning.objects.filter(
            employee_id=OuterRef("pk"), status=OutsideStatus.VERIFIED, category__in=categories, ends_on__lte=on
        )
    )


class Criterion:
    """One rule with its two faces. `explain` returns None when it does not apply to the
    employee; `expression` is True for those (the set-based run treats n/a as passing)."""

    code: str = ""
    label = ""

    def explain(self, facts: Facts, situation: Situation, context: Context) -> Check | None:
        raise NotImplementedError

    def expression(self, context: Context):
        """The rule in SQL: a boolean expression (never NULL) over the annotations of
        `_base`, True when the criterion passes or does not apply."""
        raise NotImplementedError

    def _check(self, ok: bool, message: str, **values) -> Check:
        return Check(self.code, ok, message, exempt=values.pop("exempt", False), values=values)


class EmploymentCriterion(Criterion):
    """Only PNS are promoted: CPNS and PPPK never are (DOMAIN.md §2.1, §3.1)."""

    code = "employment"
    label = gettext_lazy("Employment type")

    def explain(self, facts, situation, context):
        if facts.employment_type == EmploymentType.PNS:
            return self._check(True, _("PNS: can be promoted."), employment_type=facts.employment_type)
        return self._check(
            False,
            _("%(type)s cannot be promoted; only PNS can.") % {"type": EmploymentType(facts.employment_type).label},
            employment_type=facts.employment_type,
        )

    def expression(self, context):
        return _flag(Q(employment_type=EmploymentType.PNS))


class StatusCriterion(Criterion):
    """In service on the period date: active (or on tugas belajar), not suspended, and not past
    the retirement age before the period (DOMAIN.md §11)."""

    code = "status"
    label = gettext_lazy("Status")

    def explain(self, facts, situation, context):
        age = retirement_age(facts.position_kind, facts.position_jenjang, facts.position_name)
        retires_on = facts.born_on + relativedelta(years=age)
        values = {"status": facts.status, "retirement_age": age, "reaches_retirement_age_on": retires_on.isoformat()}
        if facts.status not in PROMOTABLE_STATUSES:
            return self._check(
                False,
                _("Status is “%(status)s”; only active employees can be promoted.")
                % {"status": EmployeeStatus(facts.status).label},
                **values,
            )
        if retires_on < context.period:
            return self._check(
                False,
                _("Reaches the retirement age of %(age)s on %(date)s, before the period.")
                % {"age": age, "date": _date(retires_on)},
                **values,
            )
        return self._check(
            True,
            _("In service; reaches the retirement age of %(age)s on %(date)s.")
            % {"age": age, "date": _date(retires_on)},
            **values,
        )

    def expression(self, context):
        return _flag(Q(status__in=PROMOTABLE_STATUSES, born_on__gte=_bup_cutoff_expression(context.period)))


class TimeCriterion(Criterion):
    """Time in rank on the period date: TMT pangkat + N years ≤ period (DOMAIN.md §3.1,
    product decisions). Structural, one rank below the post's lowest: 1 year in rank and 1
    year in the post."""

    code = "time"
    label = gettext_lazy("Time in rank")

    @staticmethod
    def one_below(facts: Facts, situation: Situation) -> bool:
        rule = situation.rule
        return (
            situation.kind == K.STRUKTURAL
            and rule.one_below_years_in_rank is not None
            and facts.rank_id is not None
            and facts.position_min_rank_id is not None
            and facts.rank_id + 1 == facts.position_min_rank_id
        )

    def met_on(self, facts: Facts, situation: Situation) -> dt.date | None:
        """The first day the time criterion holds (None when it never can: no TMT)."""
        if facts.rank_tmt_on is None or facts.rank_id is None:
            return None
        rule = situation.rule
        if self.one_below(facts, situation):
            met = facts.rank_tmt_on + relativedelta(years=rule.one_below_years_in_rank)
            if rule.one_below_years_in_post is not None:
                if facts.position_since_on is None:
                    return None
                met = max(met, facts.position_since_on + relativedelta(years=rule.one_below_years_in_post))
            return met
        return facts.rank_tmt_on + relativedelta(years=rule.years_in_rank)

    def explain(self, facts, situation, context):
        period = context.period
        if facts.rank_tmt_on is None or facts.rank_id is None:
            return self._check(False, _("No rank or rank TMT recorded."))
        rule = situation.rule
        years, months = _elapsed(facts.rank_tmt_on, period)
        met_on = self.met_on(facts, situation)
        ok = met_on is not None and met_on <= period
        values = {"years": years, "months": months, "met_on": met_on.isoformat() if met_on else None}
        if self.one_below(facts, situation):
            post_years, post_months = _elapsed(facts.position_since_on, period) if facts.position_since_on else (0, 0)
            required_post = rule.one_below_years_in_post
            message = _(
                "One rank below the post's lowest rank (%(lowest)s): time in rank %(duration)s, needs %(required)s."
            ) % {
                "lowest": context.rank_code(facts.position_min_rank_id),
                "duration": _duration(years, months),
                "required": _duration(rule.one_below_years_in_rank, 0),
            }
            if required_post is not None:
                message += " " + _("Time in post %(duration)s, needs %(required)s.") % {
                    "duration": _duration(post_years, post_months),
                    "required": _duration(required_post, 0),
                }
            values |= {
                "required_years": rule.one_below_years_in_rank,
                "post_years": post_years,
                "post_months": post_months,
                "required_post_years": required_post,
            }
        else:
            message = _("Time in rank %(duration)s, needs %(required)s.") % {
                "duration": _duration(years, months),
                "required": _duration(rule.years_in_rank, 0),
            }
            values["required_years"] = rule.years_in_rank
        if not ok and met_on is not None:
            message += " " + _("Met on %(date)s.") % {"date": _date(met_on)}
        return self._check(ok, message, **values)

    def expression(self, context):
        period = context.period

        def served(years: int | None, field: str = "rank_tmt_on") -> Q:
            return Q(**{f"{field}__lte": period - relativedelta(years=years)})

        known = Q(rank_tmt_on__isnull=False, rank_id__isnull=False)
        rules = context.rules
        structural = rules[K.STRUKTURAL]
        struktural = _flag(known & served(structural.years_in_rank))
        if structural.one_below_years_in_rank is not None:
            below = known & served(structural.one_below_years_in_rank)
            if structural.one_below_years_in_post is not None:
                below &= served(structural.one_below_years_in_post, "position_since_on")
            struktural = Case(
                When(position__min_rank_id=F("rank_id") + 1, then=_flag(below)),
                default=struktural,
                output_field=BooleanField(),
            )
        return _by_kind(
            reguler=known & served(rules[K.REGULER].years_in_rank),
            struktural=struktural,
            fungsional=known & served(rules[K.FUNGSIONAL].years_in_rank),
            ijazah=known & served(rules[K.IJAZAH].years_in_rank),
        )


class PerformanceCriterion(Criterion):
    """SKP at least Baik in each of the N calendar years before the period's year; a missing
    year fails with its own message (DOMAIN.md §3.1, §5, product decisions)."""

    code = "performance"
    label = gettext_lazy("Performance (SKP)")

    def explain(self, facts, situation, context):
        years = [context.period.year - offset for offset in range(situation.rule.skp_years, 0, -1)]
        parts, ok = [], True
        for year in years:
            predikat = facts.ratings.get(year)
            if predikat is None:
                ok = False
                parts.append(_("No SKP recorded for %(year)s.") % {"year": year})
            elif predikat in Predikat.at_least_baik():
                parts.append(_("SKP %(year)s: %(predikat)s.") % {"year": year, "predikat": Predikat(predikat).label})
            else:
                ok = False
                parts.append(
                    _("SKP %(year)s: %(predikat)s; at least Baik is needed.")
                    % {"year": year, "predikat": Predikat(predikat).label}
                )
        return self._check(ok, " ".join(parts), ratings={str(y): facts.ratings.get(y) for y in years})

    def expression(self, context):
        # Each year is looked up once; a kind that asks for fewer years does not need the older.
        result = Q()
        for index, year in enumerate(context.skp_years, start=1):
            # PerformanceRating is unique per (employee, year): one index probe.
            good = Q(
                Exists(
                    PerformanceRating.objects.filter(
                        employee_id=OuterRef("pk"), year=year, predikat__in=Predikat.at_least_baik()
                    )
                )
            )
            needed = {kind: context.rules[kind].skp_years >= index for kind in K.decided_by_engine()}
            if all(needed.values()):
                result &= good
            elif any(needed.values()):
                result &= good | Q(
                    _by_kind(
                        reguler=not needed[K.REGULER],
                        struktural=not needed[K.STRUKTURAL],
                        fungsional=not needed[K.FUNGSIONAL],
                        ijazah=not needed[K.IJAZAH],
                    )
                )
        return _flag(result) if result else Value(True)


class CeilingCriterion(Criterion):
    """The target within the ceiling: the education ceiling for reguler (DOMAIN.md §2.2; no cap
    by the supervisor's rank since Peraturan BKN 2/2025), the post's highest rank for
    structural (§2.3), the post's or else the jenjang's highest rank for JF (§4.2)."""

    code = "ceiling"
    label = gettext_lazy("Rank ceiling")

    @staticmethod
    def ceiling(facts: Facts, situation: Situation, context: Context) -> tuple[int | None, str]:
        """(highest rank, where it comes from: "education" / "post" / "jenjang" / "top")."""
        if situation.kind == K.REGULER:
            return facts.education_ceiling_id, "education"
        if facts.position_max_rank_id is not None:
            return facts.position_max_rank_id, "post"
        if situation.kind == K.FUNGSIONAL:
            top = context.credit.top_rank(facts.position_jenjang)
            if top is not None:
                return top, "jenjang"
        return context.top_rank_id, "top"

    def explain(self, facts, situation, context):
        if situation.kind == K.IJAZAH:
            return None
        target = situation.target_rank_id
        if target is None:
            return self._check(False, _("No rank recorded."))
        if target > context.top_rank_id:
            return self._check(False, _("Already at the highest rank."), target_rank_id=target)
        ceiling, source = self.ceiling(facts, situation, context)
        values = {"target_rank_id": target, "ceiling_rank_id": ceiling, "source": source}
        names = {
            "target": context.rank_code(target),
            "ceiling": context.rank_code(ceiling),
            "education": facts.education_name,
            "jenjang": Jenjang(facts.position_jenjang).label if facts.position_jenjang in Jenjang.values else "",
        }
        if ceiling is None:
            return self._check(False, _("No education recorded, so the ceiling cannot be checked."), **values)
        ok = target <= ceiling
        if source == "education":
            message = (
                _("%(target)s is within the ceiling for %(education)s (%(ceiling)s).")
                if ok
                else _(
                    "Ceiling reached: %(education)s allows regular promotion up to %(ceiling)s, %(target)s is above it."
                )
            )
        elif source == "jenjang":
            message = (
                _("%(target)s is within the ranks of %(jenjang)s (up to %(ceiling)s).")
                if ok
                else _(
                    "%(target)s is above the highest rank of %(jenjang)s (%(ceiling)s): a move to the next jenjang is needed first."
                )
            )
        elif source == "post":
            message = (
                _("%(target)s is within the post's ranks (up to %(ceiling)s).")
                if ok
                else _("%(target)s is above the post's highest rank (%(ceiling)s).")
            )
        else:
            message = _("%(target)s is within the ranks.")
        return self._check(ok, message % names, **values)

    def expression(self, context):
        # Outside penyesuaian ijazah the target is the next rank: target ≤ ceiling ⇔ rank < ceiling.
        top = context.top_rank_id
        jenjang_top = Case(
            *[
                When(position__jenjang=jenjang, then=Value(context.credit.top_rank(jenjang)))
                for jenjang in context.credit.jenjang_ranks
            ],
            default=Value(None),
            output_field=IntegerField(),
        )
        below_top = Q(rank_id__lt=top)
        return _by_kind(
            reguler=below_top & Q(rank_id__lt=F("education__regular_promotion_ceiling_id")),
            struktural=below_top & Q(rank_id__lt=Coalesce("position__max_rank_id", Value(top))),
            fungsional=below_top & Q(rank_id__lt=Coalesce("position__max_rank_id", jenjang_top, Value(top))),
            ijazah=True,
        )


class CreditCriterion(Criterion):
    """JF: the cumulative AK in the jenjang reaches what the next rank needs (DOMAIN.md §4.3)."""

    code = "credit"
    label = gettext_lazy("Angka kredit")

    def explain(self, facts, situation, context):
        if situation.kind != K.FUNGSIONAL:
            return None
        balance = facts.credit
        if balance is None:
            return self._check(False, _("The functional post has no jenjang recorded."))
        jenjang = Jenjang(balance.jenjang).label
        values = {
            "total": str(balance.total),
            "needed_for_rank": None if balance.needed_for_rank is None else str(balance.needed_for_rank),
            "needed_for_jenjang": None if balance.needed_for_jenjang is None else str(balance.needed_for_jenjang),
            "since_on": balance.since_on.isoformat() if balance.since_on else None,
            "assessment_on": balance.assessment_on.isoformat() if balance.assessment_on else None,
        }
        if balance.needed_for_rank is None:
            return self._check(
                False,
                _("No angka kredit requirement for %(jenjang)s at %(rank)s.")
                % {"jenjang": jenjang, "rank": context.rank_code(balance.rank_id)},
                **values,
            )
        message = _("Angka kredit %(total)s in %(jenjang)s, needs %(needed)s for the next rank.") % {
            "total": _number(balance.total),
            "jenjang": jenjang,
            "needed": _number(balance.needed_for_rank),
        }
        if not balance.rank_met:
            message += " " + _("Short by %(short)s.") % {"short": _number(balance.short_for_rank)}
        if balance.needed_for_jenjang is not None:
            message += " " + _("The next jenjang needs %(needed)s.") % {"needed": _number(balance.needed_for_jenjang)}
        return self._check(balance.rank_met, message, **values)

    def expression(self, context):
        return _by_kind(reguler=True, struktural=True, fungsional=Q(ak_rank_met=True), ijazah=True)


class ExamCriterion(Criterion):
    """Ujian dinas when the promotion crosses a golongan (II/d → III/a: Ujian Dinas I; III/d →
    IV/a: Ujian Dinas II), unless exempt by education, leadership training or a JF post
    (DOMAIN.md §3.3). A pass stays valid until the promotion."""

    code = "exam"
    label = gettext_lazy("Ujian dinas")

    def explain(self, facts, situation, context):
        if situation.kind == K.IJAZAH or facts.rank_id is None:
            return None
        crossing = context.crossings.get(facts.rank_id)
        if crossing is None:
            return None
        names = {
            "from": context.rank_code(crossing.from_rank_id),
            "to": context.rank_code(crossing.from_rank_id + 1),
            "exam": crossing.exam_label,
        }
        values = {"exam": crossing.exam}
        passed = sorted(day for kind, day in facts.exams if kind == crossing.exam and day <= context.period)
        if passed:
            return self._check(
                True,
                _("%(from)s → %(to)s crosses a golongan and needs %(exam)s: passed on %(date)s.")
                % (names | {"date": _date(passed[-1])}),
                passed_on=passed[-1].isoformat(),
                **values,
            )
        if (
            crossing.exempt_education_order is not None
            and facts.education_order is not None
            and facts.education_order >= crossing.exempt_education_order
        ):
            return self._check(
                True,
                _("%(from)s → %(to)s crosses a golongan; exempt from %(exam)s by education (%(education)s).")
                % (names | {"education": facts.education_name}),
                exempt=True,
                **values,
            )
        trained = sorted(
            (day, category)
            for category, day in facts.trainings
            if category in crossing.exempt_training and day <= context.period
        )
        if trained:
            from training.models import ProgramCategory

            category = trained[-1][1]
            label = ProgramCategory(category).label if category in ProgramCategory.values else category
            return self._check(
                True,
                _("%(from)s → %(to)s crosses a golongan; exempt from %(exam)s by leadership training (%(training)s).")
                % (names | {"training": label}),
                exempt=True,
                **values,
            )
        if crossing.exempt_functional and situation.kind == K.FUNGSIONAL:
            return self._check(
                True,
                _("%(from)s → %(to)s crosses a golongan; exempt from %(exam)s as a functional post holder.") % names,
                exempt=True,
                **values,
            )
        return self._check(
            False,
            _("%(from)s → %(to)s crosses a golongan and needs %(exam)s: not passed and not exempt.") % names,
            **values,
        )

    def expression(self, context):
        period = context.period
        crossing_passes = Q(rank_id__isnull=True) | ~Q(rank_id__in=list(context.crossings))
        for crossing in context.crossings.values():
            passes = Q(
                Exists(ExamResult.objects.filter(employee_id=OuterRef("pk"), kind=crossing.exam, passed_on__lte=period))
            )
            if crossing.exempt_education_order is not None:
                passes |= Q(education__order__gte=crossing.exempt_education_order)
            if crossing.exempt_training:
                passes |= Q(_trained(crossing.exempt_training, period))
            if crossing.exempt_functional:
                # Outside penyesuaian ijazah, a JF post means the functional kind.
                passes |= Q(position__kind__in=PositionKind.functional())
            crossing_passes |= Q(rank_id=crossing.from_rank_id) & passes
        return _unless_adjusting(_flag(crossing_passes), adjusting=Value(True))


class UkppiCriterion(Criterion):
    """Penyesuaian ijazah after izin belajar needs the UKPPI, passed after the graduation
    (DOMAIN.md §3.1, §3.3)."""

    code = "ukppi"
    label = gettext_lazy("UKPPI")

    def explain(self, facts, situation, context):
        diploma = situation.diploma
        if situation.kind != K.IJAZAH or diploma is None or diploma.path != StudyPath.IZIN_BELAJAR:
            return None
        passed = sorted(
            day for kind, day in facts.exams if kind == ExamKind.UKPPI and diploma.graduated_on <= day <= context.period
        )
        if passed:
            return self._check(
                True,
                _("%(education)s earned through izin belajar: UKPPI passed on %(date)s.")
                % {"education": diploma.level_name, "date": _date(passed[-1])},
                passed_on=passed[-1].isoformat(),
            )
        return self._check(
            False,
            _("%(education)s earned through izin belajar: UKPPI not passed yet.") % {"education": diploma.level_name},
        )

    def expression(self, context):
        passed = Exists(
            ExamResult.objects.filter(
                employee_id=OuterRef("pk"),
                kind=ExamKind.UKPPI,
                passed_on__gte=OuterRef("elig_adjust_on"),
                passed_on__lte=context.period,
            )
        )
        needs = Q(elig_adjust_path=StudyPath.IZIN_BELAJAR)
        return _unless_adjusting(Value(True), adjusting=Case(When(needs, then=_flag(Q(passed))), default=Value(True)))


class IntegrityCriterion(Criterion):
    """No sedang/berat sanction in force and not under examination on the period date
    (DOMAIN.md §8.1, §8.3), as `integrity.services` answers it."""

    code = "integrity"
    label = gettext_lazy("Discipline")

    def explain(self, facts, situation, context):
        standing = facts.standing
        values = {
            "sanction_level": standing.sanction_level,
            "sanction_until": standing.sanction_until.isoformat() if standing.sanction_until else None,
            "under_examination": standing.under_examination,
        }
        return self._check(
            standing.in_good_standing, f"{standing.sanction_reason} {standing.examination_reason}", **values
        )

    def expression(self, context):
        return _flag(Q(integrity_good=True))


CRITERIA: tuple[Criterion, ...] = (
    EmploymentCriterion(),
    StatusCriterion(),
    TimeCriterion(),
    PerformanceCriterion(),
    CeilingCriterion(),
    CreditCriterion(),
    ExamCriterion(),
    UkppiCriterion(),
    IntegrityCriterion(),
)
CRITERIA_BY_CODE = {criterion.code: criterion for criterion in CRITERIA}
CODES = tuple(CRITERIA_BY_CODE)


def flag_name(code: str) -> str:
    """The boolean annotation of a criterion in `candidates`."""
    return f"ok_{code}"


# ---------------------------------------------------------------------------------------------
# One employee
# ---------------------------------------------------------------------------------------------


def load_facts(employee: Employee | int, context: Context) -> Facts:
    """The facts of one employee on the context's period, in a handful of queries."""
    period = context.period
    employee_id = employee if isinstance(employee, int) else employee.pk
    person = Employee.objects.select_related("education", "position").get(pk=employee_id)
    education, position = person.education, person.position
    years = context.skp_years
    ratings = dict(
        person.performance.filter(year__gte=min(years), year__lte=max(years)).values_list("year", "predikat")
    )
    exams = tuple(
        ExamResult.objects.filter(employee_id=employee_id, passed_on__lte=period).values_list("kind", "passed_on")
    )
    trainings: tuple[tuple[str, dt.date], ...] = ()
    crossing = context.crossings.get(person.rank_id)
    if crossing is not None and crossing.exempt_training:
        trainings = _completed_training(employee_id, crossing.exempt_training, period)
    diplomas: tuple[Diploma, ...] = ()
    if (
        person.rank_id is not None
        and education is not None
        and education.starting_rank_id > person.rank_id
        and person.rank_tmt_on is not None
    ):
        diplomas = tuple(
            Diploma(pk, name, starting, graduated, path)
            for pk, name, starting, graduated, path in EducationHistory.objects.filter(
                employee_id=employee_id
            ).values_list("pk", "level__name", "level__starting_rank_id", "graduated_on", "path")
        )
    return Facts(
        employee_id=employee_id,
        employment_type=person.employment_type,
        status=person.status,
        born_on=person.born_on,
        rank_id=person.rank_id,
        rank_tmt_on=person.rank_tmt_on,
        education_name=education.name if education else "",
        education_order=education.order if education else None,
        education_starting_rank_id=education.starting_rank_id if education else None,
        education_ceiling_id=education.regular_promotion_ceiling_id if education else None,
        position_kind=position.kind if position else "",
        position_jenjang=position.jenjang if position else "",
        position_name=position.name if position else "",
        position_min_rank_id=position.min_rank_id if position else None,
        position_max_rank_id=position.max_rank_id if position else None,
        position_since_on=person.position_since_on,
        ratings=ratings,
        exams=exams,
        trainings=trainings,
        diplomas=diplomas,
        credit=credits.balance(person, period, context.credit),
        standing=integrity.standing(employee_id, period),
    )


def _completed_training(employee_id: int, categories: Iterable[str], on: dt.date) -> tuple[tuple[str, dt.date], ...]:
    """Leadership training completed by `on`: a SIGAP session passed, or training elsewhere
    verified by BKPP (DOMAIN.md §3.3, §3.4)."""
    categories = list(categories)
    inside = Registration.objects.filter(
        employee_id=employee_id,
        state=RegistrationState.COMPLETED,
        session__program__category__in=categories,
        session__ends_on__lte=on,
    ).values_list("session__program__category", "session__ends_on")
    outside = OutsideLearning.objects.filter(
        employee_id=employee_id, status=OutsideStatus.VERIFIED, category__in=categories, ends_on__lte=on
    ).values_list("category", "ends_on")
    return tuple(inside) + tuple(outside)


def evaluate(facts: Facts, context: Context) -> Outlook:
    """The outlook from plain facts (no database)."""
    found = situation(facts, context)
    checks = []
    for criterion in CRITERIA:
        check = criterion.explain(facts, found, context)
        if check is not None:
            checks.append(check)
    time = next(c for c in checks if c.code == TimeCriterion.code)
    next_date = None
    if not time.ok:
        met_on = TIME.met_on(facts, found)
        if met_on is not None:
            next_date = periods.next_period(met_on, inclusive=True)
    ranks = context.ranks
    return Outlook(
        employee_id=facts.employee_id,
        period=context.period,
        kind=found.kind,
        current_rank=ranks.get(facts.rank_id),
        target_rank_id=found.target_rank_id,
        target_rank=ranks.get(found.target_rank_id),
        criteria=tuple(checks),
        next_date=next_date,
        rule_version=found.rule.version,
    )


TIME = CRITERIA_BY_CODE["time"]


def explain(employee: Employee | int, period: dt.date, *, context: Context | None = None) -> Outlook:
    """Whether `employee` can be promoted on `period`, which kind, to which rank, and why,
    criterion by criterion (DOMAIN.md §3.1). Raises `ServiceError` `not_a_period` when the date
    is not a promotion period. Pass `context` (from `load_context`) to reuse the reference data
    across calls."""
    context = context or load_context(period)
    if context.period != period:
        raise ValueError("context is for another period")
    return evaluate(load_facts(employee, context), context)


def snapshot(outlook: Outlook) -> dict:
    """A JSON-able copy of the outlook, stored with a proposal (never recomputed)."""
    return {
        "engine": ENGINE_VERSION,
        "employee": outlook.employee_id,
        "period": outlook.period.isoformat(),
        "eligible": outlook.eligible,
        "kind": outlook.kind,
        "kind_label": outlook.kind_label,
        "current_rank": outlook.current_rank.code if outlook.current_rank else None,
        "target_rank_id": outlook.target_rank_id,
        "target_rank": outlook.target_rank.code if outlook.target_rank else None,
        "rule_version": outlook.rule_version,
        "next_date": outlook.next_date.isoformat() if outlook.next_date else None,
        "criteria": [
            {
                "code": check.code,
                "label": check.label,
                "ok": check.ok,
                "exempt": check.exempt,
                "message": check.message,
                "values": dict(check.values),
            }
            for check in outlook.criteria
        ],
    }


# ---------------------------------------------------------------------------------------------
# Everyone at once
# ---------------------------------------------------------------------------------------------


def _base(queryset: QuerySet[Employee], context: Context) -> QuerySet[Employee]:
    """The facts the criteria's expressions read, as annotations: the integrity standing, the
    angka kredit, and the diploma of a possible penyesuaian ijazah (`elig_adjust_*`)."""
    period = context.period
    diplomas = EducationHistory.objects.filter(
        employee_id=OuterRef("pk"),
        graduated_on__gt=OuterRef("rank_tmt_on"),
        graduated_on__lte=period,
        level__starting_rank_id__gt=OuterRef("rank_id"),
    ).order_by("-level__starting_rank_id", "-graduated_on", "-pk")
    # The employee's highest education must be above the rank before any diploma is looked at
    # (the twin of `_adjustment_diploma`); it keeps the subquery off almost every row.
    may_adjust = Q(education__starting_rank_id__gt=F("rank_id"), rank_tmt_on__isnull=False)
    queryset = integrity.with_standing(queryset, period)
    queryset = credits.with_credit(queryset, period, context.credit)
    return queryset.alias(
        # Whether the kind is penyesuaian ijazah: a plain EXISTS, as every criterion asks it.
        elig_adjusting=Case(When(may_adjust, then=Exists(diplomas)), default=Value(False), output_field=BooleanField()),
        elig_adjust_to=Case(When(may_adjust, then=Subquery(diplomas.values("level__starting_rank_id")[:1]))),
        elig_adjust_path=Case(When(may_adjust, then=Subquery(diplomas.values("path")[:1]))),
        elig_adjust_on=Case(When(may_adjust, then=Subquery(diplomas.values("graduated_on")[:1]))),
    )


def _judged(queryset: QuerySet[Employee], context: Context) -> QuerySet[Employee]:
    return _base(queryset, context).annotate(
        promotion_kind=Case(
            When(_ADJUSTING, then=Value(K.IJAZAH)),
            When(position__kind__in=PositionKind.leadership(), then=Value(K.STRUKTURAL)),
            When(position__kind__in=PositionKind.functional(), then=Value(K.FUNGSIONAL)),
            default=Value(K.REGULER),
            output_field=CharField(),
        ),
        target_rank_id=Case(
            When(_ADJUSTING, then=F("elig_adjust_to")),
            default=F("rank_id") + 1,
            output_field=IntegerField(),
        ),
        **{flag_name(c.code): c.expression(context) for c in CRITERIA},
    )


def candidates(queryset: QuerySet[Employee], period: dt.date, *, context: Context | None = None) -> QuerySet[Employee]:
    """Every employee of `queryset`, annotated for `period` in one query: `promotion_kind`,
    `target_rank_id`, one boolean `ok_<code>` per criterion (True also when it does not apply)
    and `is_eligible`. Filter on the flags, e.g. `only_failing(qs, "time")` for "not eligible
    only because of the time in rank". Reference data: a constant number of queries more.
    Raises `ServiceError` `not_a_period`."""
    context = context or load_context(period)
    return _judged(queryset, context).annotate(is_eligible=_flag(Q(**dict.fromkeys(map(flag_name, CODES), True))))


def eligible(queryset: QuerySet[Employee], period: dt.date, *, context: Context | None = None) -> QuerySet[Employee]:
    """Only the employees eligible on `period`, with the annotations of `candidates` but
    `is_eligible`. Each criterion is its own condition, so the database tests the cheap ones
    first and skips the rest for most employees."""
    context = context or load_context(period)
    return _judged(queryset, context).filter(**dict.fromkeys(map(flag_name, CODES), True))


def only_failing(queryset: QuerySet[Employee], code: str) -> QuerySet[Employee]:
    """From `candidates(...)`: those that fail `code` and pass every other criterion."""
    if code not in CRITERIA_BY_CODE:
        raise ValueError(f"unknown criterion {code!r}")
    return queryset.filter(**{flag_name(c): c != code for c in CODES})


__all__ = [
    "CODES",
    "CRITERIA",
    "Check",
    "Context",
    "Criterion",
    "Facts",
    "Outlook",
    "candidates",
    "eligible",
    "evaluate",
    "explain",
    "flag_name",
    "load_context",
    "load_facts",
    "only_failing",
    "retirement_age",
    "snapshot",
]
