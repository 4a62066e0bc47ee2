"""The reminders of careers (issue 7), registered with `asn_portal.reminders` from
`CareersConfig.ready()`:

- `careers_study_waiting` (mandatory): a study-leave application has waited for its approver
  more than 2 working days in the same step — the supervisor's recommendation (submitted), the
  Operator OPD's completeness check (recommended), BKPP's decision (checked); after more than 5
  also to the Operator OPD of the application's OPD (DESIGN.md "Study leave").
- `careers_proposal_waiting` (mandatory): the same for a promotion proposal — the supervisor's
  approval (proposed), the OPD's correction (returned), BKPP's verification
  (supervisor_approved) and BKPP's submission to BKN (verified). A proposal at BKN waits for
  BKN, not for anyone in SIGAP, and is left out.
- `careers_study_report` (mandatory): a semester progress report is due within 14 days, or is
  overdue (DOMAIN.md §7.4), to the employee.
- `careers_bond_end` (optional): a service bond (ikatan dinas, 2n + 1 years, DOMAIN.md §7.4)
  ends in 30 days — to the employee and Admin BKPP — and has ended, to the employee.
- `careers_window_operator` (mandatory) and `careers_window_employee` (optional): a promotion
  period's proposal window is open (DOMAIN.md §3.2): each Operator OPD hears how many of their
  OPD's employees are eligible, each eligible employee that they are; once per period.

The clock of a waiting step starts when the application or proposal entered its current state
(the latest event that moved it there); the occasion names the state and that day, so a new
step — or the same step entered again after a return — starts a new clock. Working days skip
weekends, national holidays and cuti bersama (`asn_portal.workdays`).

Every `collect` costs a fixed number of queries whatever the number of employees: the rows are
read with `values()` (annotated with subqueries where needed) and the messages built in Python.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator

from dateutil.relativedelta import relativedelta
from django.db.models import Count, F, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asn_portal import reminders, workdays
from asn_portal.models import Employee, EmployeeStatus, OperatorGrant, Role, User
from asn_portal.reminders import Due, ReminderKind
from asn_portal.services import ServiceError
from careers import eligibility, periods
from careers.models import (
    PromotionKind,
    PromotionProposal,
    ProposalEvent,
    ProposalState,
    StudyEvent,
    StudyLeave,
    StudyState,
)

logger = logging.getLogger(__name__)

S = StudyState
P = ProposalState

# Issue 7: "waited for its approver more than 2 working days (to the approver; after 5, also to
# the OPD operator)".
WAIT_DAYS = 2
ESCALATE_DAYS = 5
REPORT_NOTICE_DAYS = 14  # a semester report is announced this many days before it is due
BOND_NOTICE_DAYS = 30  # a service bond's end is announced this many days before
BOND_ENDED_GRACE_DAYS = 7  # a missed daily run still says "ended" within this many days

STUDY_STEPS = {
    S.SUBMITTED: gettext_lazy("the supervisor's recommendation"),
    S.RECOMMENDED: gettext_lazy("the OPD's completeness check"),
    S.CHECKED: gettext_lazy("BKPP's decision"),
}
PROPOSAL_STEPS = {
    P.PROPOSED: gettext_lazy("the supervisor's approval"),
    P.RETURNED: gettext_lazy("the OPD's correction"),
    P.SUPERVISOR_APPROVED: gettext_lazy("BKPP's verification"),
    P.VERIFIED: gettext_lazy("BKPP's submission to BKN"),
}


def _date(day: dt.date) -> str:
    return date_format(day, "j F Y")


# ---------------------------------------------------------------------------------------------
# Who: Admin BKPP and the Operator OPD, each in one query
# ---------------------------------------------------------------------------------------------


def _bkpp_users() -> dict[int, str]:
    """Active Admin BKPP accounts: id → e-mail."""
    return dict(
        User.objects.filter(groups__name=Role.ADMIN_BKPP.value, is_active=True)
        .order_by("pk")
        .values_list("pk", "email")
        .distinct()
    )


def _operators(opd_ids: Iterable[int]) -> dict[int, dict[int, str]]:
    """The Operator OPD accounts of each OPD (an active account in the role with a grant for
    it, as `asn_portal.permissions.actor_for` reads them): OPD id → {user id → e-mail}."""
    found: dict[int, dict[int, str]] = defaultdict(dict)
    grants = OperatorGrant.objects.filter(
        opd_id__in=set(opd_ids), user__is_active=True, user__groups__name=Role.OPERATOR_OPD.value
    ).values_list("opd_id", "user_id", "user__email")
    for opd_id, user_id, email in grants:
        found[opd_id][user_id] = email
    return found


# ---------------------------------------------------------------------------------------------
# Approvals waiting
# ---------------------------------------------------------------------------------------------


def waited_since(today: dt.date, more_than: int, days_off: Iterable[dt.date]) -> dt.date:
    """The latest day a step may have begun and still have waited more than `more_than`
    working days on `today` (the day it began does not count; `today` does)."""
    off = set(days_off)
    day = today - dt.timedelta(days=1)
    while workdays.working_days_between(day, today, off) <= more_than:
        day -= dt.timedelta(days=1)
    return day


def _end_of(day: dt.date) -> dt.datetime:
    """The first moment after `day` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _entered_subquery(events, owner: str):
    """When the row entered its current state: the latest event that moved it there (events
    that leave the state as it is, such as a document added, do not count)."""
    return Subquery(
        events.filter(**{owner: OuterRef("pk")}, to_state=OuterRef("state"))
        .exclude(from_state=F("to_state"))
        .order_by()
        .values(owner)
        .annotate(last=Max("at"))
        .values("last")[:1]
    )


def _waiting_rows(queryset, events, owner: str, states, today: dt.date) -> tuple[list[dict], dt.date]:
    """The rows of `queryset` in `states` that entered their state more than WAIT_DAYS working
    days before `today` (one query, plus one for the days off), and the latest day a step may
    have begun to be past ESCALATE_DAYS."""
    off = workdays.days_off(today - dt.timedelta(days=60), today)
    first = waited_since(today, WAIT_DAYS, off)
    escalate = waited_since(today, ESCALATE_DAYS, off)
    rows = list(
        queryset.filter(state__in=list(states))
        .annotate(entered_at=Coalesce(_entered_subquery(events, owner), F("updated_at")))
        .filter(entered_at__lt=_end_of(first))
        .values(
            "pk",
            "state",
            "entered_at",
            "opd_id",
            "employee__name",
            "employee__user_id",
            "employee__supervisor__user_id",
            "employee__supervisor__user__email",
            "employee__supervisor__user__is_active",
        )
        .order_by("pk")
    )
    return rows, escalate


def _approvers(row: dict, state_roles: dict, bkpp: dict[int, str], operators) -> dict[int, str]:
    """Who takes the step `row` waits for (DESIGN.md roles; careers.permissions): the direct
    supervisor (BKPP when the employee has no supervisor who can sign in), the Operator OPD of
    the OPD (BKPP when the OPD has none), or BKPP. Nobody acts on their own file."""
    role = state_roles[row["state"]]
    if role == "supervisor":
        if row["employee__supervisor__user_id"] is None:
            found = dict(bkpp)
        elif row["employee__supervisor__user__is_active"]:
            found = {row["employee__supervisor__user_id"]: row["employee__supervisor__user__email"]}
        else:
            found = {}
    elif role == "operator":
        found = dict(operators.get(row["opd_id"], {})) or dict(bkpp)
    else:
        found = dict(bkpp)
    found.pop(row["employee__user_id"], None)
    return found


def _waiting_dues(
    rows: list[dict],
    escalate: dt.date,
    *,
    prefix: str,
    url_name: str,
    steps: dict,
    state_roles: dict,
    approver_title: str,
    watcher_title: str,
) -> Iterator[Due]:
    bkpp = _bkpp_users() if rows else {}
    operators = _operators(row["opd_id"] for row in rows) if rows else {}
    for row in rows:
        entered_on = timezone.localdate(row["entered_at"])
        days = ESCALATE_DAYS if entered_on <= escalate else WAIT_DAYS
        values = {"name": row["employee__name"], "days": days, "step": steps[row["state"]]}
        body = _("It has waited for %(step)s since %(date)s.") % {"step": values["step"], "date": _date(entered_on)}
        occasion = f"{row['state']}-{entered_on:%Y%m%d}-wait{days}"
        url = reverse(url_name, args=[row["pk"]])
        approvers = _approvers(row, state_roles, bkpp, operators)
        for user_id, email in approvers.items():
            yield Due(user_id, email or "", f"{prefix}-{row['pk']}", occasion, approver_title % values, body, url)
        if days < ESCALATE_DAYS:
            continue
        # Issue 7: after 5 working days the Operator OPD hears too, unless it is their step.
        for user_id, email in operators.get(row["opd_id"], {}).items():
            if user_id in approvers or user_id == row["employee__user_id"]:
                continue
            yield Due(user_id, email or "", f"{prefix}-{row['pk']}", occasion, watcher_title % values, body, url)


STUDY_APPROVER = {S.SUBMITTED: "supervisor", S.RECOMMENDED: "operator", S.CHECKED: "bkpp"}
PROPOSAL_APPROVER = {
    P.PROPOSED: "supervisor",
    P.RETURNED: "operator",
    P.SUPERVISOR_APPROVED: "bkpp",
    P.VERIFIED: "bkpp",
}


def collect_study_waiting(today: dt.date) -> list[Due]:
    """Study-leave applications waiting for a step (four queries)."""
    rows, escalate = _waiting_rows(StudyLeave.objects.all(), StudyEvent.objects.all(), "leave", STUDY_STEPS, today)
    return list(
        _waiting_dues(
            rows,
            escalate,
            prefix="study",
            url_name="careers:study-detail",
            steps=STUDY_STEPS,
            state_roles=STUDY_APPROVER,
            approver_title=_(
                "The study-leave application of %(name)s has waited for you more than %(days)s working days"
            ),
            watcher_title=_("The study-leave application of %(name)s has waited more than %(days)s working days"),
        )
    )


def collect_proposal_waiting(today: dt.date) -> list[Due]:
    """Promotion proposals waiting for a step (four queries)."""
    rows, escalate = _waiting_rows(
        PromotionProposal.objects.all(), ProposalEvent.objects.all(), "proposal", PROPOSAL_STEPS, today
    )
    return list(
        _waiting_dues(
            rows,
            escalate,
            prefix="proposal",
            url_name="careers:proposal-detail",
            steps=PROPOSAL_STEPS,
            state_roles=PROPOSAL_APPROVER,
            approver_title=_("The promotion proposal of %(name)s has waited for you more than %(days)s working days"),
            watcher_title=_("The promotion proposal of %(name)s has waited more than %(days)s working days"),
        )
    )


# ---------------------------------------------------------------------------------------------
# Semester reports
# ---------------------------------------------------------------------------------------------


def collect_study_reports(today: dt.date) -> list[Due]:
    """DOMAIN.md §7.4: the next semester report of an ongoing study is due within 14 days
    ("due14") or overdue ("overdue"); each once per due date (one query). The due date is kept
    on the study by the services (`StudyLeave.next_report_due_on`)."""
    rows = (
        StudyLeave.objects.filter(
            state=S.ONGOING,
            next_report_due_on__isnull=False,
            next_report_due_on__lte=today + dt.timedelta(days=REPORT_NOTICE_DAYS),
            employee__user__isnull=False,
            employee__user__is_active=True,
        )
        .values_list("pk", "next_report_due_on", "institution", "employee__user_id", "employee__user__email")
        .order_by("pk")
    )
    dues = []
    for pk, due_on, institution, user_id, email in rows:
        values = {"date": _date(due_on), "institution": institution}
        if due_on < today:
            occasion = f"{due_on:%Y%m%d}-overdue"
            title = _("Your semester progress report is overdue (due %(date)s)") % values
            body = _(
                "The progress report of your study at %(institution)s was due on %(date)s. Send it now: "
                "the GPA and the transcript."
            )
        else:
            occasion = f"{due_on:%Y%m%d}-due14"
            title = _("Your semester progress report is due on %(date)s") % values
            body = _(
                "Send the progress report of your study at %(institution)s by %(date)s: the GPA and the transcript."
            )
        url = reverse("careers:study-detail", args=[pk])
        dues.append(Due(user_id, email or "", f"study-{pk}", occasion, title, body % values, url))
    return dues


# ---------------------------------------------------------------------------------------------
# Service bonds
# ---------------------------------------------------------------------------------------------


def collect_bond_ends(today: dt.date) -> list[Due]:
    """DOMAIN.md §7.4: a service bond ends in at most 30 days ("d30": the employee and Admin
    BKPP, who may plan the employee's next post) and has ended ("d0": the employee, within a
    week, so a missed run still tells them). Bonds broken by leaving the service are BKPP's
    other business (`careers.study.flag_bond_exits`) and are left out. Two queries."""
    rows = list(
        StudyLeave.objects.filter(
            state=S.COMPLETED,
            bond_broken_on__isnull=True,
            bond_ends_on__gte=today - dt.timedelta(days=BOND_ENDED_GRACE_DAYS),
            bond_ends_on__lte=today + dt.timedelta(days=BOND_NOTICE_DAYS),
            employee__status__in=EmployeeStatus.in_service(),
        )
        .values_list(
            "pk",
            "bond_ends_on",
            "institution",
            "employee__name",
            "employee__user_id",
            "employee__user__email",
            "employee__user__is_active",
        )
        .order_by("pk")
    )
    bkpp = _bkpp_users() if rows else {}
    dues = []
    for pk, ends_on, institution, name, user_id, email, active in rows:
        values = {"date": _date(ends_on), "institution": institution, "name": name}
        url = reverse("careers:study-detail", args=[pk])
        key = f"study-{pk}"
        if today < ends_on:
            if user_id is not None and active:
                title = _("Your service bond ends on %(date)s") % values
                body = _(
                    "The service bond (ikatan dinas) after your tugas belajar at %(institution)s ends on %(date)s; "
                    "from that day you are free of it."
                )
                dues.append(Due(user_id, email or "", key, "bond-d30", title, body % values, url))
            for admin_id, admin_email in bkpp.items():
                if admin_id == user_id:
                    continue
                title = _("The service bond of %(name)s ends on %(date)s") % values
                body = _("The service bond after the tugas belajar at %(institution)s ends on %(date)s.")
                dues.append(Due(admin_id, admin_email or "", key, "bond-d30", title, body % values, url))
        elif user_id is not None and active:
            title = _("Your service bond has ended")
            body = _(
                "The service bond after your tugas belajar at %(institution)s ended on %(date)s. "
                "Thank you for your service."
            )
            dues.append(Due(user_id, email or "", key, "bond-d0", title, body % values, url))
    return dues


# ---------------------------------------------------------------------------------------------
# Promotion windows
# ---------------------------------------------------------------------------------------------


def _open_windows(today: dt.date) -> list[tuple[dt.date, dt.date, eligibility.Context]]:
    """The periods whose proposal window is open on `today` (DOMAIN.md §3.2; up to BKPP's
    internal deadline), with that deadline and the engine's reference data. A period the
    engine cannot judge (no rule in force) is logged and skipped."""
    found = []
    regimes = periods.load_regimes()
    # `periods.open_for`, over the regimes read once: a window opens a few months ahead at most.
    for period in periods._iter_periods(regimes, today, today + relativedelta(months=12)):
        opens, _closes, deadline = periods._window(periods.in_force(regimes, period), period)
        if not opens <= today <= deadline:
            continue
        try:
            context = eligibility.load_context(period)
        except ServiceError:
            logger.warning("promotion window %s: no rule in force, no reminders", period)
            continue
        found.append((period, deadline, context))
    return found


def _eligible(period: dt.date, context: eligibility.Context):
    """Everyone eligible on `period`: the engine's set-based run over the whole city."""
    from careers import selectors

    return eligibility.eligible(selectors.promotable(Employee.objects.all()), period, context=context)


def collect_window_operators(today: dt.date) -> list[Due]:
    """While a period's window is open, each Operator OPD of an OPD with eligible employees
    hears how many (once per OPD and period). One eligibility run for all OPDs."""
    dues = []
    for period, deadline, context in _open_windows(today):
        counts = dict(
            _eligible(period, context).order_by().values("opd_id").annotate(n=Count("pk")).values_list("opd_id", "n")
        )
        if not counts:
            continue
        grants = OperatorGrant.objects.filter(
            opd_id__in=counts, user__is_active=True, user__groups__name=Role.OPERATOR_OPD.value
        ).values_list("opd_id", "opd__name", "user_id", "user__email")
        base = reverse("careers:candidates")
        for opd_id, opd_name, user_id, email in grants.order_by("opd_id", "user_id"):
            values = {"period": _date(period), "count": counts[opd_id], "opd": opd_name, "deadline": _date(deadline)}
            title = _("Promotion proposals for %(period)s are open: %(count)s eligible in %(opd)s") % values
            body = _(
                "%(count)s employees of %(opd)s are eligible for promotion on %(period)s. Propose them by "
                "%(deadline)s from the candidates list."
            )
            url = f"{base}?period={period.isoformat()}&opd={opd_id}"
            dues.append(Due(user_id, email or "", f"opd-{opd_id}", period.isoformat(), title, body % values, url))
    return dues


def collect_window_employees(today: dt.date) -> list[Due]:
    """While a period's window is open, each employee the engine finds eligible hears it, once
    per period (one eligibility run)."""
    dues = []
    for period, deadline, context in _open_windows(today):
        rows = (
            _eligible(period, context)
            .filter(user__isnull=False, user__is_active=True)
            .values_list("pk", "user_id", "user__email", "target_rank_id", "promotion_kind")
            .order_by("pk")
        )
        url = reverse("careers:my-outlook")
        for pk, user_id, email, target_id, kind in rows:
            values = {
                "period": _date(period),
                "rank": context.rank_code(target_id),
                "kind": PromotionKind(kind).label if kind in PromotionKind.values else kind,
                "deadline": _date(deadline),
            }
            title = _("You are eligible for promotion on %(period)s") % values
            body = _(
                "You meet the requirements for a promotion to %(rank)s (%(kind)s) on %(period)s. Your OPD's "
                "operator proposes it by %(deadline)s; keep your documents ready."
            )
            dues.append(Due(user_id, email or "", f"employee-{pk}", period.isoformat(), title, body % values, url))
    return dues


# ---------------------------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------------------------

KINDS = (
    ReminderKind(
        code="careers_study_waiting",
        label=gettext_lazy("Study-leave applications waiting for you"),
        description=gettext_lazy(
            "When a study-leave application has waited for your step more than 2 working days; after 5, the "
            "Operator OPD hears too."
        ),
        collect=collect_study_waiting,
        mandatory=True,
        hour=7,
        order=40,
    ),
    ReminderKind(
        code="careers_proposal_waiting",
        label=gettext_lazy("Promotion proposals waiting for you"),
        description=gettext_lazy(
            "When a promotion proposal has waited for your step more than 2 working days; after 5, the Operator "
            "OPD hears too."
        ),
        collect=collect_proposal_waiting,
        mandatory=True,
        hour=7,
        order=41,
    ),
    ReminderKind(
        code="careers_study_report",
        label=gettext_lazy("Study progress reports"),
        description=gettext_lazy("Two weeks before your semester progress report is due, and when it is overdue."),
        collect=collect_study_reports,
        mandatory=True,
        order=42,
    ),
    ReminderKind(
        code="careers_bond_end",
        label=gettext_lazy("End of a service bond"),
        description=gettext_lazy(
            "30 days before a service bond after tugas belajar ends (the employee and Admin BKPP), and when it has "
            "ended (the employee)."
        ),
        collect=collect_bond_ends,
        order=43,
    ),
    ReminderKind(
        code="careers_window_operator",
        label=gettext_lazy("Promotion proposal windows (Operator OPD)"),
        description=gettext_lazy(
            "When the proposal window of a promotion period opens: how many employees of your OPD are eligible."
        ),
        collect=collect_window_operators,
        mandatory=True,
        minute=30,
        order=44,
    ),
    ReminderKind(
        code="careers_window_employee",
        label=gettext_lazy("Your promotion eligibility"),
        description=gettext_lazy("When the proposal window of a promotion period opens and you are eligible."),
        collect=collect_window_employees,
        minute=30,
        order=45,
    ),
)


def register() -> None:
    for kind in KINDS:
        reminders.register(kind)
