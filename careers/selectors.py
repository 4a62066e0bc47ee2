"""Read paths of the careers pages: the periods a page offers, the candidates list (the
eligibility engine's set-based run, filtered and annotated with each row's proposal), the
proposals lists, a supervisor's team, and an employee's histories for the profile tabs.

Each costs a fixed number of queries whatever the number of rows; who-sees-what starts from
`careers.permissions`. "Today" is read in one place (`today`), so tests can pin it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import timezone

from asn_portal import permissions as core_permissions
from asn_portal.cache import dashboard_figure
from asn_portal.filters import search_employees
from asn_portal.models import Employee, EmployeeStatus, EmploymentType, OrgUnit, Rank
from careers import credits, eligibility, periods
from careers import permissions as careers_permissions
from careers.models import (
    Award,
    CreditAssessment,
    EducationHistory,
    ExamResult,
    Innovation,
    PerformanceRating,
    PositionHistory,
    PromotionProposal,
    ProposalEvent,
    ProposalState,
    RankHistory,
)

P = ProposalState
PERIODS_OFFERED = 12  # how many coming periods a period picker offers
# A proposal that still counts for its period: live, or granted.
COUNTING = (*P.live(), P.APPROVED)


def today() -> dt.date:
    """Today in the site's time zone: the one clock the careers pages read (tests pin it)."""
    return timezone.localdate()


def own_employee(user) -> Employee | None:
    employee_id = core_permissions.actor_for(user).employee_id
    if employee_id is None:
        return None
    return (
        Employee.objects.select_related("rank", "position", "opd", "unit", "supervisor", "education")
        .filter(pk=employee_id)
        .first()
    )


# ---------------------------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodChoice:
    """A promotion period a page offers, with its proposal window (DOMAIN.md §3.2)."""

    on: dt.date
    opens_on: dt.date
    closes_on: dt.date
    deadline_on: dt.date  # BKPP's internal deadline
    is_open: bool  # the OPD may propose today (up to the internal deadline)

    def window_state(self, day: dt.date) -> str:
        if day < self.opens_on:
            return "upcoming"
        if day <= self.deadline_on:
            return "open"
        return "closed"


def period_choices(on: dt.date, count: int = PERIODS_OFFERED) -> list[PeriodChoice]:
    """The coming promotion periods from `on` whose BKN window has not closed, with their
    windows. One query (the regimes), read through `careers.periods`' own helpers."""
    regimes = periods.load_regimes()
    found = []
    for period in periods._iter_periods(regimes, on, on + relativedelta(months=count + 3)):
        opens, closes, deadline = periods._window(periods.in_force(regimes, period), period)
        if closes < on:
            continue
        found.append(PeriodChoice(period, opens, closes, deadline, opens <= on <= deadline))
        if len(found) == count:
            break
    return found


def default_period(choices: list[PeriodChoice]) -> dt.date | None:
    """The first period the OPD may propose for today, else the first coming one."""
    for choice in choices:
        if choice.is_open:
            return choice.on
    return choices[0].on if choices else None


def choice_for(period: dt.date, choices: list[PeriodChoice]) -> PeriodChoice:
    """The window of `period` (a checked period date), from the offered choices when listed."""
    for choice in choices:
        if choice.on == period:
            return choice
    opens, closes, deadline = periods.window(period)
    return PeriodChoice(period, opens, closes, deadline, False)


# ---------------------------------------------------------------------------------------------
# Candidates
# ---------------------------------------------------------------------------------------------


def promotable(queryset: QuerySet[Employee]) -> QuerySet[Employee]:
    """The employees a candidates list considers: PNS in service holding a rank. CPNS and
    PPPK are never promoted (DOMAIN.md §2.1, §3.1), so they would only fill the list."""
    return queryset.filter(
        employment_type=EmploymentType.PNS, status__in=EmployeeStatus.in_service(), rank__isnull=False
    )


def with_proposal(queryset: QuerySet[Employee], period: dt.date) -> QuerySet[Employee]:
    """Each employee's proposal for `period` that still counts (live or granted), if any."""
    counting = PromotionProposal.objects.filter(
        employee_id=OuterRef("pk"), period_on=period, state__in=COUNTING
    ).order_by("-created_at", "-pk")
    return queryset.annotate(
        proposal_pk=Subquery(counting.values("pk")[:1]),
        proposal_state=Subquery(counting.values("state")[:1]),
    )


def candidates(
    user,
    period: dt.date,
    *,
    context: eligibility.Context,
    q: str = "",
    opd: OrgUnit | None = None,
    kind: str = "",
    target_rank: Rank | None = None,
    status: str = "eligible",
    failing: str = "",
) -> QuerySet[Employee]:
    """The candidates `user` prepares for `period`, judged by the engine in one query and
    filtered: by OPD, kind, target rank, eligible or not, or "not eligible only because of
    `failing`" (`eligibility.only_failing`). Rows carry `promotion_kind`, `target_rank_id`,
    the `ok_<code>` flags, `is_eligible`, `proposal_pk` and `proposal_state`."""
    scope = promotable(careers_permissions.candidates_visible_to(user))
    scope = search_employees(scope, q)
    if opd is not None:
        scope = scope.filter(opd=opd)
    rows = eligibility.candidates(scope, period, context=context)
    if kind:
        rows = rows.filter(promotion_kind=kind)
    if target_rank is not None:
        rows = rows.filter(target_rank_id=target_rank.pk)
    if failing:
        rows = eligibility.only_failing(rows, failing)
    elif status == "eligible":
        rows = rows.filter(is_eligible=True)
    elif status == "not_eligible":
        rows = rows.filter(is_eligible=False)
    rows = with_proposal(rows, period)
    return rows.select_related("rank", "unit", "opd", "position").order_by("opd__name", "name", "id")


def proposal_label(state: str | None) -> str:
    return str(P(state).label) if state in P.values else ""


def failing_labels(row) -> list[str]:
    """The criteria a candidates row fails, as labels."""
    return [str(criterion.label) for criterion in eligibility.CRITERIA if not getattr(row, f"ok_{criterion.code}")]


def opds_for(user) -> QuerySet[OrgUnit]:
    """The OPDs a filter offers: every OPD for BKPP, an operator's own."""
    opds = OrgUnit.objects.filter(depth=1).order_by("name")
    if careers_permissions.can_manage_careers(user):
        return opds
    return opds.filter(pk__in=core_permissions.actor_for(user).operator_opd_ids)


def eligible_count(user, period: dt.date) -> int:
    """How many of the employees `user` prepares are eligible on `period` (one query, plus the
    reference data)."""
    scope = promotable(careers_permissions.candidates_visible_to(user))
    return eligibility.eligible(scope, period).count()


def dashboard_eligible_count(user, period: dt.date, today: dt.date) -> tuple[int, dt.datetime]:
    """`eligible_count` for the dashboard card, with the time it was counted. The count runs the
    set-based eligibility over everyone the user prepares (the whole city for BKPP: a quarter of
    a second of SQL at 15,000 employees, bench/RESULTS.md), so the card reuses it per scope,
    period and day (`asn_portal.cache.dashboard_figure`) and says when it was counted; the
    candidates page itself always counts afresh."""
    actor = core_permissions.actor_for(user)
    if careers_permissions.can_manage_careers(user):
        scope = "all"
    else:
        scope = "opd-" + "-".join(str(opd_id) for opd_id in sorted(actor.operator_opd_ids))
    return dashboard_figure(
        f"careers-eligible:{scope}:{period.isoformat()}:{today.isoformat()}", lambda: eligible_count(user, period)
    )


# ---------------------------------------------------------------------------------------------
# Proposals
# ---------------------------------------------------------------------------------------------

# The tabs of the proposals list: (key, states).
PROPOSAL_TABS = {
    "live": P.live(),
    P.PROPOSED.value: (P.PROPOSED,),
    P.RETURNED.value: (P.RETURNED,),
    P.SUPERVISOR_APPROVED.value: (P.SUPERVISOR_APPROVED,),
    P.VERIFIED.value: (P.VERIFIED,),
    P.SUBMITTED.value: (P.SUBMITTED,),
    P.APPROVED.value: (P.APPROVED,),
    P.REJECTED.value: (P.REJECTED,),
    P.WITHDRAWN.value: (P.WITHDRAWN,),
    "all": tuple(P.values),
}


def proposals(
    user, *, period: dt.date | None = None, opd: OrgUnit | None = None, q: str = ""
) -> QuerySet[PromotionProposal]:
    qs = careers_permissions.proposals_visible_to(user)
    if period is not None:
        qs = qs.filter(period_on=period)
    if opd is not None:
        qs = qs.filter(opd=opd)
    q = (q or "").strip()
    if q:
        qs = qs.filter(employee__in=search_employees(Employee.objects.all(), q))
    return qs


def state_counts(queryset: QuerySet[PromotionProposal]) -> dict[str, int]:
    """Proposals per tab (one query)."""
    per_state = dict(queryset.order_by().values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    return {key: sum(per_state.get(state, 0) for state in states) for key, states in PROPOSAL_TABS.items()}


def for_listing(queryset: QuerySet[PromotionProposal]) -> QuerySet[PromotionProposal]:
    return queryset.select_related("employee__unit", "employee__position", "opd", "from_rank", "to_rank").order_by(
        "-period_on", "employee__name", "id"
    )


def supervisor_inbox(supervisor_id: int) -> QuerySet[PromotionProposal]:
    """Proposals of a supervisor's direct subordinates waiting for them."""
    return for_listing(PromotionProposal.objects.filter(employee__supervisor_id=supervisor_id, state=P.PROPOSED))


def events(proposal: PromotionProposal) -> list[ProposalEvent]:
    return list(proposal.events.select_related("by__employee").order_by("at", "id"))


def decree_entry(proposal: PromotionProposal) -> RankHistory | None:
    """The rank-history row a granted proposal wrote (it holds the TMT)."""
    if proposal.state != P.APPROVED:
        return None
    return (
        RankHistory.objects.filter(
            employee_id=proposal.employee_id, rank_id=proposal.to_rank_id, decree_number=proposal.decree_number
        )
        .order_by("-tmt_on", "-id")
        .first()
    )


def my_proposals(employee: Employee) -> list[PromotionProposal]:
    return list(for_listing(PromotionProposal.objects.filter(employee=employee)))


# ---------------------------------------------------------------------------------------------
# A supervisor's team
# ---------------------------------------------------------------------------------------------


def team(supervisor_id: int, period: dt.date, *, context: eligibility.Context) -> list[Employee]:
    """The direct subordinates, each judged for `period` when they can be promoted at all
    (PNS in service with a rank); the others are listed with `judged = False`. Three queries
    plus the reference data."""
    members = Employee.objects.filter(supervisor_id=supervisor_id)
    judged_rows = with_proposal(eligibility.candidates(promotable(members), period, context=context), period)
    judged = {row.pk: row for row in judged_rows.select_related("rank", "position", "unit")}
    rows = []
    for member in members.select_related("rank", "position", "unit").order_by("name", "id"):
        row = judged.get(member.pk)
        if row is not None:
            row.judged = True
            row.failing = failing_labels(row)
            row.target_rank = context.ranks.get(row.target_rank_id)
            row.proposal_label = proposal_label(row.proposal_state)
            rows.append(row)
        else:
            member.judged = False
            rows.append(member)
    return rows


# ---------------------------------------------------------------------------------------------
# Histories (profile tabs)
# ---------------------------------------------------------------------------------------------


def rank_history(employee: Employee) -> list[RankHistory]:
    return list(RankHistory.objects.filter(employee=employee).select_related("rank").order_by("-tmt_on", "-id"))


def position_history(employee: Employee) -> list[PositionHistory]:
    return list(
        PositionHistory.objects.filter(employee=employee).select_related("unit__opd").order_by("-tmt_on", "-id")
    )


def education_history(employee: Employee) -> list[EducationHistory]:
    return list(
        EducationHistory.objects.filter(employee=employee).select_related("level").order_by("-graduated_on", "-id")
    )


def ratings(employee: Employee) -> list[PerformanceRating]:
    return list(PerformanceRating.objects.filter(employee=employee).order_by("-year"))


def exams(employee: Employee) -> list[ExamResult]:
    return list(ExamResult.objects.filter(employee=employee).order_by("-passed_on", "-id"))


def credit_assessments(employee: Employee) -> list[CreditAssessment]:
    return list(CreditAssessment.objects.filter(employee=employee).order_by("-assessed_on", "-id"))


def credit_balance(employee: Employee, on: dt.date) -> credits.CreditBalance | None:
    return credits.balance(employee, on)


def awards(employee: Employee) -> list[Award]:
    return list(Award.objects.filter(employee=employee).order_by("-awarded_on", "-id"))


def innovations(employee: Employee) -> list[Innovation]:
    return list(Innovation.objects.filter(employee=employee).select_related("unit").order_by("-year", "title", "id"))


def latest_proposal(employee: Employee) -> PromotionProposal | None:
    return (
        PromotionProposal.objects.filter(employee=employee)
        .select_related("to_rank")
        .order_by("-period_on", "-created_at", "-pk")
        .first()
    )


def waiting_for_supervisor(supervisor_id: int) -> int:
    return PromotionProposal.objects.filter(employee__supervisor_id=supervisor_id, state=P.PROPOSED).count()


def waiting_for_bkpp() -> dict[str, int]:
    counts = dict(
        PromotionProposal.objects.filter(state__in=(P.SUPERVISOR_APPROVED, P.VERIFIED, P.SUBMITTED))
        .order_by()
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    return {
        "verify": counts.get(P.SUPERVISOR_APPROVED, 0),
        "submit": counts.get(P.VERIFIED, 0),
        "bkn": counts.get(P.SUBMITTED, 0),
    }


def opd_returned(opd_ids) -> int:
    return PromotionProposal.objects.filter(opd_id__in=opd_ids, state=P.RETURNED).count()
