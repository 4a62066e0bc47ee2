"""Read paths of the training pages for employees, supervisors and operators. Each costs a
fixed number of queries whatever the number of rows; where who-sees-what matters they start
from `training.permissions`.

Eligibility for many sessions at once (the catalogue) uses the same rules as
`services.eligibility` — `rules.eligibility` over the same facts — but loads the employee's
facts once instead of once per session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from asn_portal import permissions as core_permissions
from asn_portal.models import Employee, EmploymentType, OrgUnit
from integrity import services as integrity
from training import permissions, rules, services
from training.models import (
    Certificate,
    FollowUp,
    OutsideLearning,
    OutsideStatus,
    Program,
    Registration,
    RegistrationEvent,
    RegistrationState,
    Session,
    SessionStatus,
)

S = RegistrationState
# The states in which the employee may still cancel (before the deadline; services.cancel).
CANCELLABLE = (S.SUBMITTED, S.APPROVED, S.WAITLISTED, S.CONFIRMED)
# The states in which the participant's questionnaire opens (services.submit_evaluation).
EVALUABLE = (S.COMPLETED, S.FAILED)
YEARS_SHOWN = 5


def today() -> dt.date:
    """Today in the site's time zone: the one clock the training pages read (tests pin it)."""
    return timezone.localdate()


def own_employee(user) -> Employee | None:
    """The signed-in user's employee record with what eligibility and the pages show."""
    employee_id = core_permissions.actor_for(user).employee_id
    if employee_id is None:
        return None
    return Employee.objects.select_related("rank", "position", "opd", "unit", "supervisor").get(pk=employee_id)


# ---------------------------------------------------------------------------------------------
# Eligibility for many sessions
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmployeeFacts:
    """What eligibility needs about one employee, loaded once for a list of sessions."""

    employee: Employee
    completed_program_ids: frozenset[int]
    # Confirmed sessions: (session id, first day, last day, programme title).
    confirmed: tuple[tuple[int, dt.date, dt.date, str], ...]
    # Standing on each first day of a session closed to sanctioned employees.
    standing_on: dict[dt.date, object] = field(default_factory=dict)


def employee_facts(employee: Employee, sessions) -> EmployeeFacts:
    """Two queries, plus one per distinct first day among the listed sessions of programmes
    closed to sanctioned employees (leadership training: DOMAIN.md §8.3) — the standing is
    the integrity service's answer for that day."""
    completed = frozenset(
        Registration.objects.filter(employee=employee, state=S.COMPLETED).values_list("session__program_id", flat=True)
    )
    confirmed = tuple(
        Registration.objects.filter(employee=employee, state=S.CONFIRMED)
        .order_by("session__starts_on", "id")
        .values_list("session_id", "session__starts_on", "session__ends_on", "session__program__title")
    )
    days = sorted({s.starts_on for s in sessions if s.program.blocked_by_sanction})
    standing_on = {on: integrity.standings(Employee.objects.filter(pk=employee.pk), on)[employee.pk] for on in days}
    return EmployeeFacts(employee, completed, confirmed, standing_on)


def _candidate(facts: EmployeeFacts, session: Session) -> rules.Candidate:
    """The same facts as `services.candidate_for`, from what `employee_facts` loaded."""
    employee = facts.employee
    position = employee.position
    standing = facts.standing_on.get(session.starts_on)
    return rules.Candidate(
        rank_id=employee.rank_id,
        rank_code=employee.rank.code if employee.rank else "",
        position_kind=position.kind if position else None,
        jenjang=position.jenjang if position else "",
        employment_type=employee.employment_type,
        completed_program_ids=facts.completed_program_ids,
        in_good_standing=standing.in_good_standing if standing else True,
        standing_reason=" ".join((standing.sanction_reason, standing.examination_reason)) if standing else "",
        busy_dates=tuple((start, end, title) for pk, start, end, title in facts.confirmed if pk != session.pk),
    )


def eligibility_by_session(employee: Employee, sessions) -> dict[int, list[rules.Criterion]]:
    """Every criterion per session, as `services.eligibility` would answer for each. The
    sessions need `program` with `min_rank`, `max_rank` and `prior_program` loaded."""
    sessions = list(sessions)
    if not sessions:
        return {}
    facts = employee_facts(employee, sessions)
    return {s.pk: rules.eligibility(_candidate(facts, s), services.offer_for(s)) for s in sessions}


def with_offer(queryset: QuerySet[Session]) -> QuerySet[Session]:
    """What `services.offer_for` reads, in the same query."""
    return queryset.select_related("program__min_rank", "program__max_rank", "program__prior_program")


# ---------------------------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------------------------


def registration_open_on(on: dt.date) -> Q:
    """The database twin of `Session.registration_open_on`."""
    return Q(status=SessionStatus.OPEN, registration_opens_on__lte=on, registration_closes_on__gte=on)


def catalogue_sessions(
    user, *, q: str = "", category: str = "", organiser: str = "", month: dt.date | None = None
) -> QuerySet[Session]:
    """The published sessions open for registration (status "open"; the window may not have
    started yet) of active programmes, filtered."""
    sessions = permissions.sessions_visible_to(user).filter(status=SessionStatus.OPEN, program__is_active=True)
    q = (q or "").strip()
    if q:
        sessions = sessions.filter(Q(program__title__icontains=q) | Q(program__code__icontains=q))
    if category:
        sessions = sessions.filter(program__category=category)
    if organiser:
        sessions = sessions.filter(program__organiser=organiser)
    if month:
        sessions = sessions.filter(starts_on__year=month.year, starts_on__month=month.month)
    return sessions


def open_for(employee: Employee, sessions: QuerySet[Session], on: dt.date) -> list[int]:
    """Ids of the sessions the employee could register for on `on`: the window is open, no
    live registration of theirs exists, and every eligibility criterion holds. A fixed
    number of queries (see `employee_facts`), however many sessions are open."""
    mine = Registration.objects.filter(session_id=OuterRef("pk"), employee=employee, state__in=S.live())
    candidates = list(
        with_offer(sessions.filter(registration_open_on(on))).filter(~Exists(mine)).order_by("starts_on", "id")
    )
    verdicts = eligibility_by_session(employee, candidates)
    return [s.pk for s in candidates if all(c.ok for c in verdicts[s.pk])]


def catalogue_programs(sessions: QuerySet[Session]) -> QuerySet[Program]:
    """The programmes of the listed sessions, each with `listed_sessions` (in date order):
    one query for the page of programmes and one for their sessions."""
    return (
        Program.objects.filter(pk__in=sessions.values("program_id"))
        .select_related("min_rank", "max_rank", "prior_program")
        .prefetch_related(
            Prefetch("sessions", queryset=sessions.order_by("starts_on", "batch", "id"), to_attr="listed_sessions")
        )
        .order_by("title", "id")
    )


def live_registrations(employee: Employee, session_ids) -> dict[int, Registration]:
    """The employee's live registration per session (one query)."""
    return {
        r.session_id: r
        for r in Registration.objects.filter(employee=employee, session_id__in=list(session_ids), state__in=S.live())
    }


# ---------------------------------------------------------------------------------------------
# One session, one registration
# ---------------------------------------------------------------------------------------------


def session_for_page(user, pk: int) -> Session:
    session = permissions.get_session_for_user(user, pk)
    return with_offer(Session.objects.filter(pk=session.pk)).get()


def my_registration(employee: Employee, session: Session) -> Registration | None:
    """The live registration of the employee for the session, else the latest ended one."""
    registrations = list(
        Registration.objects.filter(employee=employee, session=session).order_by("-submitted_at", "-id")
    )
    live = [r for r in registrations if r.state in S.live()]
    return (live or registrations or [None])[0]


def events(registration: Registration) -> list[RegistrationEvent]:
    return list(registration.events.select_related("by__employee").order_by("at", "id"))


def rejection_reasons(registrations) -> dict[int, str]:
    """The reason of the last rejection or cancellation of each registration (one query)."""
    ids = [r.pk for r in registrations if r.state in (S.REJECTED, S.CANCELLED)]
    reasons: dict[int, str] = {}
    for registration_id, reason in (
        RegistrationEvent.objects.filter(registration_id__in=ids, to_state__in=(S.REJECTED, S.CANCELLED))
        .order_by("at", "id")
        .values_list("registration_id", "reason")
    ):
        reasons[registration_id] = reason
    return reasons


def my_registrations(employee: Employee) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(employee=employee)
        .select_related("session__program", "certificate", "evaluation", "employee__supervisor")
        .order_by("-submitted_at", "-id")
    )


# ---------------------------------------------------------------------------------------------
# Supervisor
# ---------------------------------------------------------------------------------------------


def approval_inbox(supervisor_id: int) -> QuerySet[Registration]:
    """Registrations of the direct subordinates waiting for the supervisor, oldest first."""
    return (
        Registration.objects.filter(employee__supervisor_id=supervisor_id, state=S.SUBMITTED)
        .select_related("session__program", "employee__position", "employee__rank")
        .order_by("submitted_at", "id")
    )


def jp_target_expression():
    """`services.jp_target` as a database expression (DOMAIN.md §6.1: PPPK per contract)."""
    return Case(
        When(employment_type__in=EmploymentType.pppk(), then=Value(settings.SIGAP_JP_TARGET_PPPK)),
        default=Value(settings.SIGAP_JP_TARGET_PNS),
        output_field=IntegerField(),
    )


def with_jp_progress(queryset: QuerySet[Employee], year: int) -> QuerySet[Employee]:
    """`services.with_jp` plus `jp_target` for the employee's type."""
    return services.with_jp(queryset, year).annotate(jp_target=jp_target_expression())


def team_jp(supervisor_id: int, year: int) -> QuerySet[Employee]:
    """The supervisor's direct subordinates in service with their JP this year and target, by
    name (a head of a large unit may have hundreds: the page shows them a page at a time)."""
    return (
        with_jp_progress(Employee.objects.filter(supervisor_id=supervisor_id).in_service(), year)
        .select_related("position", "rank")
        .order_by("name", "id")
    )


def below_target_count(team: QuerySet[Employee]) -> int:
    """How many of `team_jp` are short of their JP target: one query, not a walk over the team."""
    return team.filter(jp_total__lt=F("jp_target")).count()


def open_follow_ups(supervisor_id: int, shown: int) -> tuple[list[FollowUp], int]:
    """The `shown` oldest unanswered follow-up questions asked of the supervisor, and how many
    there are in all (a second query only when there are more than shown)."""
    questions = FollowUp.objects.filter(supervisor_id=supervisor_id, answered_at__isnull=True)
    oldest = list(
        questions.select_related("registration__employee", "registration__session__program").order_by("asked_on", "id")[
            :shown
        ]
    )
    return oldest, len(oldest) if len(oldest) < shown else questions.count()


def get_follow_up_for_supervisor(supervisor_id: int | None, pk: int) -> FollowUp:
    """The follow-up question asked of this supervisor, or 404 — the same for "missing" and
    "asked of someone else"."""
    question = (
        FollowUp.objects.filter(pk=pk, supervisor_id=supervisor_id)
        .select_related("registration__employee__position", "registration__session__program")
        .first()
        if supervisor_id is not None
        else None
    )
    if question is None:
        raise Http404(_("Question not found."))
    return question


def approvals_waiting(supervisor_id: int) -> dict:
    return {
        "registrations": Registration.objects.filter(employee__supervisor_id=supervisor_id, state=S.SUBMITTED).count(),
        "follow_ups": FollowUp.objects.filter(supervisor_id=supervisor_id, answered_at__isnull=True).count(),
    }


# ---------------------------------------------------------------------------------------------
# JP of one employee
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearTotal:
    year: int
    jp: int
    target: int

    @property
    def percent(self) -> int:
        return min(100, round(self.jp * 100 / self.target)) if self.target else 100

    @property
    def missing(self) -> int:
        return max(self.target - self.jp, 0)

    @property
    def reached(self) -> bool:
        return self.jp >= self.target


def year_totals(
    history: list[services.JpEntry], *, target: int, year: int, years: int = YEARS_SHOWN
) -> list[YearTotal]:
    """JP per calendar year for the last `years` years from `services.jp_history` (no query):
    the ledger's definition — a training counts in the year it ended (DOMAIN.md §6.1)."""
    totals = dict.fromkeys(range(year - years + 1, year + 1), 0)
    for entry in history:
        if entry.ended_on.year in totals:
            totals[entry.ended_on.year] += entry.jp
    return [YearTotal(y, totals[y], target) for y in sorted(totals, reverse=True)]


def certificates_of(employee: Employee) -> list[Certificate]:
    return list(
        Certificate.objects.filter(registration__employee=employee)
        .select_related("registration__session__program")
        .order_by("-issued_on", "-id")
    )


def outside_records_of(employee: Employee) -> list[OutsideLearning]:
    return list(OutsideLearning.objects.filter(employee=employee).order_by("-ends_on", "-id"))


# ---------------------------------------------------------------------------------------------
# Operator OPD and outside-learning verification
# ---------------------------------------------------------------------------------------------


def opd_registrations(opd_ids, on: dt.date) -> QuerySet[Registration]:
    """Registrations of the OPDs for sessions not over yet: open, closed or running, and
    not past their last day."""
    return (
        Registration.objects.filter(
            opd_id__in=list(opd_ids),
            session__status__in=(SessionStatus.OPEN, SessionStatus.CLOSED, SessionStatus.RUNNING),
            session__ends_on__gte=on,
        )
        .select_related("session__program", "employee", "nominated_by")
        .order_by("session__starts_on", "session_id", "employee__name", "id")
    )


def nominable_sessions(user, on: dt.date) -> QuerySet[Session]:
    return (
        permissions.sessions_visible_to(user)
        .filter(registration_open_on(on))
        .select_related("program")
        .order_by("starts_on", "program__title", "id")
    )


def opd_jp_shortfall(opd_ids, year: int) -> QuerySet[Employee]:
    """Employees in service of the OPDs below their JP target this year, lowest first."""
    return (
        with_jp_progress(Employee.objects.filter(opd_id__in=list(opd_ids)).in_service(), year)
        .filter(jp_total__lt=F("jp_target"))
        .select_related("unit", "position", "rank")
        .order_by("jp_total", "name", "id")
    )


def opd_jp_summary(opd_ids, year: int) -> dict:
    """Employees in service of the OPDs, and how many are at or above their target."""
    rows = with_jp_progress(Employee.objects.filter(opd_id__in=list(opd_ids)).in_service(), year).aggregate(
        total=Count("id"), reached=Count("id", filter=Q(jp_total__gte=F("jp_target")))
    )
    total, reached = rows["total"] or 0, rows["reached"] or 0
    return {"total": total, "reached": reached, "percent": round(reached * 100 / total) if total else 0}


def opd_names(opd_ids) -> list[str]:
    return list(OrgUnit.objects.filter(pk__in=list(opd_ids)).order_by("name").values_list("name", flat=True))


def verifiable_outside_learning(user) -> QuerySet[OutsideLearning]:
    """Outside-learning records waiting for a decision that `user` may verify: every one for
    BKPP, the OPD's for its operator — never one's own (nobody verifies their own JP)."""
    actor = core_permissions.actor_for(user)
    records = permissions.outside_learning_visible_to(user).filter(status=OutsideStatus.SUBMITTED)
    if not permissions.can_manage_training(user):
        records = records.filter(opd_id__in=actor.operator_opd_ids)
    if actor.employee_id is not None:
        records = records.exclude(employee_id=actor.employee_id)
    return records.select_related("employee", "opd").order_by("created_at", "id")


def can_verify_queue(user) -> bool:
    actor = core_permissions.actor_for(user)
    return permissions.can_manage_training(user) or actor.is_operator


# ---------------------------------------------------------------------------------------------
# Eligibility over the whole city (reminders)
# ---------------------------------------------------------------------------------------------


def eligible_for(session: Session) -> Q:
    """A condition on `Employee` that holds when every criterion of `rules.eligibility` holds
    for `session` and the employee has no live registration for it: the set-based twin of
    `services.eligibility` (same facts: rank range, position kind, JF level, employment type,
    the prior programme completed here, standing on the first day for programmes closed to
    sanctioned employees — DOMAIN.md §8.3 — and no other confirmed session on these dates),
    for reminders that ask it of everyone at once. `session.program` must be loaded; the
    condition adds subqueries to the caller's one query, never a query per employee."""
    program = session.program
    mine = Registration.objects.filter(employee_id=OuterRef("pk"))
    condition = ~Q(Exists(mine.filter(session_id=session.pk, state__in=S.live())))
    if program.min_rank_id or program.max_rank_id:
        condition &= Q(rank_id__gte=program.min_rank_id or 1, rank_id__lte=program.max_rank_id or 17)
    if program.position_kinds:
        condition &= Q(position__kind__in=list(program.position_kinds))
    if program.jenjang:
        condition &= Q(position__jenjang__in=list(program.jenjang))
    if program.employment_types:
        condition &= Q(employment_type__in=list(program.employment_types))
    if program.prior_program_id:
        condition &= Q(Exists(mine.filter(state=S.COMPLETED, session__program_id=program.prior_program_id)))
    if program.blocked_by_sanction:
        good = integrity.in_good_standing(Employee.objects.all(), session.starts_on).values("pk")
        condition &= Q(pk__in=good)
    clash = mine.filter(
        state=S.CONFIRMED, session__starts_on__lte=session.ends_on, session__ends_on__gte=session.starts_on
    ).exclude(session_id=session.pk)
    return condition & ~Q(Exists(clash))
