"""The rules of study leave (tugas belajar / izin belajar, DOMAIN.md §7): the pre-check shown
before an application is sent, the report schedule, and the service bond after a tugas belajar.

Every number comes from `StudyPolicy` and `StudyLevelRule` in force on the study's planned
start date (DOMAIN.md, product decisions: "study eligibility date"). Service years, age and
sanctions are judged on that date too.

Pre-check criteria (codes are stable; the API returns them):
- `employment`: PNS only (CPNS and PPPK are not sent to study, §7.2);
- `service`: TMT PNS + the policy's months (12) ≤ start date — one year exactly passes;
- `status`: active (not on leave, suspended or already away on a tugas belajar);
- `discipline`: no sedang/berat sanction in force on the start date (`integrity.services`);
- `accreditation`: the programme's grade at least the policy's minimum (B);
- `level`: the level is above the employee's highest education;
- `age` (tugas belajar): age in whole years on the start date ≤ the level's cap — 25 exactly
  passes, the day of the 26th birthday fails;
- `duration`: planned end ≤ start + the level's longest study (tugas belajar; izin belajar only
  when the level has a limit for it);
- `bond`: not still serving the service bond of an earlier tugas belajar on the start date;
- `studying`: no other application or study open."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from asn_portal.models import EducationLevel, Employee, EmployeeStatus, EmploymentType
from asn_portal.services import ServiceError
from careers.models import (
    Accreditation,
    StudyKind,
    StudyLeave,
    StudyLevelRule,
    StudyPolicy,
    StudyState,
)

CRITERIA_LABELS = {
    "employment": gettext_lazy("Civil servant (PNS)"),
    "service": gettext_lazy("Service as PNS"),
    "status": gettext_lazy("Employment status"),
    "discipline": gettext_lazy("Discipline"),
    "accreditation": gettext_lazy("Programme accreditation"),
    "level": gettext_lazy("Education level"),
    "age": gettext_lazy("Age on the start date"),
    "duration": gettext_lazy("Study duration"),
    "bond": gettext_lazy("Service bond"),
    "studying": gettext_lazy("No other study"),
}
CODES = tuple(CRITERIA_LABELS)


def _date(day: dt.date) -> str:
    return date_format(day, "j F Y")


def _months_text(months: int) -> str:
    years, rest = divmod(months, 12)
    if rest == 0:
        return ngettext("%(count)s year", "%(count)s years", years) % {"count": years}
    return ngettext("%(count)s month", "%(count)s months", months) % {"count": months}


# ---------------------------------------------------------------------------------------------
# Reference data in force
# ---------------------------------------------------------------------------------------------


def policy_on(day: dt.date) -> StudyPolicy:
    """The policy in force on `day` (the earliest one for days before every policy)."""
    policy = StudyPolicy.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
    policy = policy or StudyPolicy.objects.order_by("valid_from").first()
    if policy is None:
        raise ServiceError(_("No study-leave policy is configured; ask the administrator."), "no_policy")
    return policy


def level_rule(level: EducationLevel, day: dt.date) -> StudyLevelRule | None:
    rules = StudyLevelRule.objects.filter(level=level)
    return rules.filter(valid_from__lte=day).order_by("-valid_from").first() or rules.order_by("valid_from").first()


def study_levels() -> list[EducationLevel]:
    """The levels one can be sent to study for: those with a rule."""
    ids = StudyLevelRule.objects.values("level_id")
    return list(EducationLevel.objects.filter(pk__in=ids).order_by("order"))


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------


def months_between(starts_on: dt.date, ends_on: dt.date) -> int:
    """Whole months from `starts_on` to `ends_on`, a started month counting as one: 1 Sep 2026
    → 31 Aug 2028 is 24 months, → 1 Sep 2028 is 24, → 2 Sep 2028 is 25."""
    if ends_on <= starts_on:
        return 0
    delta = relativedelta(ends_on, starts_on)
    months = delta.years * 12 + delta.months
    return months + (1 if delta.days > 0 else 0)


def age_on(born_on: dt.date, day: dt.date) -> int:
    return relativedelta(day, born_on).years


def bond_years(policy: StudyPolicy, study_months: int) -> int:
    """DOMAIN.md §7.4: 2n + 1 years, n = study years rounded up (with the policy's numbers)."""
    n = max(1, math.ceil(study_months / 12))
    return policy.bond_multiplier * n + policy.bond_extra_years


def bond_end(returned_on: dt.date, years: int) -> dt.date:
    """The last day is the day before the anniversary: the bond runs from `returned_on` for
    `years` years and ends on the anniversary (the date shown; free from that day on)."""
    return returned_on + relativedelta(years=years)


def semester_start(leave: StudyLeave, policy: StudyPolicy, semester: int) -> dt.date:
    return (leave.started_on or leave.starts_on) + relativedelta(months=policy.report_every_months * (semester - 1))


def report_due_on(leave: StudyLeave, policy: StudyPolicy, semester: int) -> dt.date:
    """A semester's report is due `report_grace_days` after the semester ends."""
    end = semester_start(leave, policy, semester + 1)
    return end + dt.timedelta(days=policy.report_grace_days)


def semesters_planned(leave: StudyLeave, policy: StudyPolicy) -> int:
    """Semesters that start before the planned end."""
    months = months_between(leave.started_on or leave.starts_on, leave.ends_on)
    return max(1, math.ceil(months / policy.report_every_months))


def next_report_due(leave: StudyLeave, policy: StudyPolicy, reported: set[int]) -> tuple[int, dt.date] | None:
    """The first semester not yet reported and its due date, or None when all are in."""
    for semester in range(1, semesters_planned(leave, policy) + 1):
        if semester not in reported:
            return semester, report_due_on(leave, policy, semester)
    return None


def remaining_months(on: dt.date, until: dt.date) -> int:
    return months_between(on, until)


# ---------------------------------------------------------------------------------------------
# The pre-check
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    code: str
    ok: bool
    message: str
    values: Mapping[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(CRITERIA_LABELS[self.code])

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "label": self.label,
            "ok": self.ok,
            "message": self.message,
            "values": dict(self.values),
        }


@dataclass(frozen=True)
class Precheck:
    checks: tuple[Check, ...]
    policy_valid_from: dt.date

    @property
    def eligible(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failing(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.checks if not c.ok)

    def check(self, code: str) -> Check | None:
        return next((c for c in self.checks if c.code == code), None)

    def snapshot(self) -> dict:
        return {
            "eligible": self.eligible,
            "policy_valid_from": self.policy_valid_from.isoformat(),
            "criteria": [c.as_dict() for c in self.checks],
        }


@dataclass(frozen=True)
class Plan:
    """What the pre-check needs of an application (saved or not)."""

    kind: str
    level: EducationLevel
    accreditation: str
    starts_on: dt.date
    ends_on: dt.date


def check_plan_fields(plan: Plan) -> None:
    """Input that can never be right, whatever the employee: raised as `ServiceError`
    (`invalid_kind`, `invalid_accreditation`, `not_a_study_level`, `ends_before_start`)."""
    if plan.kind not in StudyKind.values:
        raise ServiceError(
            _("The kind of study is tugas_belajar or izin_belajar (not %(kind)s).") % {"kind": plan.kind},
            "invalid_kind",
            "kind",
        )
    if plan.accreditation not in Accreditation.values:
        raise ServiceError(
            _("Unknown accreditation %(value)s; use one of: %(allowed)s.")
            % {"value": plan.accreditation, "allowed": ", ".join(Accreditation.values)},
            "invalid_accreditation",
            "accreditation",
        )
    if level_rule(plan.level, plan.starts_on) is None:
        raise ServiceError(
            _("%(level)s is not a level one can be sent to study for.") % {"level": plan.level.name},
            "not_a_study_level",
            "level",
        )
    if plan.ends_on <= plan.starts_on:
        raise ServiceError(_("The planned end date must be after the start date."), "ends_before_start", "ends_on")


def precheck(employee: Employee, plan: Plan, *, exclude: StudyLeave | None = None) -> Precheck:
    """Every criterion for `employee` and `plan`, with the numbers, judged on the start date.
    Call `check_plan_fields` first."""
    from integrity import services as integrity

    on = plan.starts_on
    policy = policy_on(on)
    rule = level_rule(plan.level, on)
    tugas = plan.kind == StudyKind.TUGAS_BELAJAR
    checks: list[Check] = []

    def add(code: str, ok: bool, message: str, **values) -> None:
        checks.append(Check(code, ok, message, values))

    is_pns = employee.employment_type == EmploymentType.PNS
    add(
        "employment",
        is_pns,
        _("PNS may be sent to or allowed to study.")
        if is_pns
        else _("Only PNS may apply; a %(type)s may not.") % {"type": employee.get_employment_type_display()},
    )

    # Service: DOMAIN.md §7.2, at least one year since appointment as PNS.
    needed = policy.min_service_months
    if employee.pns_tmt_on is None:
        add("service", False, _("The TMT PNS is not recorded; ask your OPD's operator to record it."), months=needed)
    else:
        from_on = employee.pns_tmt_on + relativedelta(months=needed)
        add(
            "service",
            from_on <= on,
            (
                _("PNS since %(tmt)s: at least %(needed)s on %(start)s.")
                if from_on <= on
                else _("PNS since %(tmt)s: %(needed)s are reached on %(from)s, after the start date %(start)s.")
            )
            % {
                "tmt": _date(employee.pns_tmt_on),
                "needed": _months_text(needed),
                "from": _date(from_on),
                "start": _date(on),
            },
            months=needed,
            from_on=from_on.isoformat(),
        )

    active = employee.status == EmployeeStatus.AKTIF
    add(
        "status",
        active,
        _("Active.") if active else _("Status is “%(status)s”.") % {"status": employee.get_status_display()},
        status=employee.status,
    )

    standing = integrity.standing(employee, on)
    add("discipline", standing.sanction_free, standing.sanction_reason, sanction_level=standing.sanction_level)

    grade = Accreditation.grade(plan.accreditation)
    minimum = Accreditation.grade(policy.min_accreditation)
    add(
        "accreditation",
        grade >= minimum,
        (
            _("Accreditation %(value)s: at least %(minimum)s.")
            if grade >= minimum
            else _("Accreditation %(value)s is below the minimum %(minimum)s.")
        )
        % {"value": Accreditation(plan.accreditation).label, "minimum": Accreditation(policy.min_accreditation).label},
        minimum=policy.min_accreditation,
    )

    current = employee.education
    if current is None:
        add("level", True, _("No education recorded yet; BKPP will check the level."), current=None)
    else:
        above = plan.level.order > current.order
        add(
            "level",
            above,
            (
                _("%(level)s is above your highest education, %(current)s.")
                if above
                else _("%(level)s is not above your highest education, %(current)s.")
            )
            % {"level": plan.level.name, "current": current.name},
            current=current.code,
        )

    if tugas:
        age = age_on(employee.born_on, on)
        cap = rule.tugas_max_age
        values = {"age": age, "cap": cap, "level": plan.level.name, "start": _date(on)}
        message = (
            _("Age %(age)s on %(start)s: the limit for %(level)s is %(cap)s.")
            if age <= cap
            else _("Age %(age)s on %(start)s is above the limit for %(level)s, %(cap)s.")
        ) % values
        if age > cap and rule.tugas_max_age_special:
            message += " " + _("For 3T areas or critical posts the limit is %(special)s; BKPP decides.") % {
                "special": rule.tugas_max_age_special
            }
        add("age", age <= cap, message, age=age, cap=cap, special=rule.tugas_max_age_special)

    limit = rule.tugas_max_months if tugas else rule.izin_max_months
    months = months_between(on, plan.ends_on)
    if limit is not None:
        latest = on + relativedelta(months=limit)
        ok = plan.ends_on <= latest
        add(
            "duration",
            ok,
            (
                _("%(months)s planned: at most %(limit)s for %(level)s.")
                if ok
                else _("%(months)s planned is longer than %(limit)s, the most for %(level)s (end by %(latest)s).")
            )
            % {
                "months": _months_text(months),
                "limit": _months_text(limit),
                "level": plan.level.name,
                "latest": _date(latest),
            },
            months=months,
            limit=limit,
        )
    else:
        add(
            "duration",
            True,
            _("%(months)s planned; izin belajar has no limit for this level.") % {"months": _months_text(months)},
            months=months,
            limit=None,
        )

    bond = (
        StudyLeave.objects.filter(employee_id=employee.pk, state=StudyState.COMPLETED, bond_ends_on__gt=on)
        .exclude(pk=getattr(exclude, "pk", None))
        .order_by("-bond_ends_on")
        .values_list("bond_ends_on", flat=True)
        .first()
    )
    add(
        "bond",
        bond is None,
        _("No service bond running on the start date.")
        if bond is None
        else _("Still serving the service bond of an earlier tugas belajar until %(date)s.") % {"date": _date(bond)},
        until=bond.isoformat() if bond else None,
    )

    other = (
        StudyLeave.objects.filter(employee_id=employee.pk, state__in=StudyState.open())
        .exclude(pk=getattr(exclude, "pk", None))
        .first()
    )
    add(
        "studying",
        other is None,
        _("No other application or study open.")
        if other is None
        else _("Another application or study is open (%(kind)s, %(state)s).")
        % {"kind": other.get_kind_display(), "state": other.get_state_display()},
    )
    return Precheck(tuple(checks), policy.valid_from)


# Criteria whose failure makes the application itself wrong (not only not eligible yet): the
# services refuse to save it (DOMAIN.md §7.2; issue "Bad input").
BLOCKING_ON_SAVE = ("level", "duration")
