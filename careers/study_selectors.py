"""Read paths of the study-leave pages (tugas belajar / izin belajar): the lists for the
Operator OPD and BKPP, the supervisor's inbox, the roster of studies and service bonds, one
application's steps, documents, reports and extensions, and the small counts of the
dashboard cards.

Each function costs a fixed number of queries whatever the number of rows; who-sees-what
starts from `careers.permissions.studies_visible_to`. Nothing here writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from asn_portal.models import EducationLevel, Employee
from careers import permissions as careers_permissions
from careers.models import (
    ExtensionState,
    StudyDocument,
    StudyDocumentKind,
    StudyEvent,
    StudyExtension,
    StudyLeave,
    StudyLevelRule,
    StudyReport,
    StudyState,
)

S = StudyState

# The state tabs of the list: (key, states). "review" is every step before the decision
# (at the supervisor, or returned to the employee, included); the OPD's and BKPP's queues have
# their own tab; "studying" is approved or ongoing.
STATE_TABS = {
    "review": S.in_review(),
    S.RECOMMENDED.value: (S.RECOMMENDED,),
    S.CHECKED.value: (S.CHECKED,),
    "studying": (S.APPROVED, S.ONGOING),
    S.COMPLETED.value: (S.COMPLETED,),
    "closed": (S.TERMINATED, S.REJECTED, S.WITHDRAWN),
    "all": tuple(s for s in S.values if s != S.DRAFT),
}

# The stages an application passes, for the stepper of "Studi saya": the index of the stage
# each state stands at (returned: back with the employee).
STAGES = ("draft", "supervisor", "opd", "bkpp", "study", "done")
STAGE_OF_STATE = {
    S.DRAFT: 0,
    S.RETURNED: 0,
    S.SUBMITTED: 1,
    S.RECOMMENDED: 2,
    S.CHECKED: 3,
    S.APPROVED: 4,
    S.ONGOING: 4,
    S.COMPLETED: 5,
}


def study_levels() -> QuerySet[EducationLevel]:
    """The levels one can apply for: those with a rule (one query when evaluated)."""
    return EducationLevel.objects.filter(pk__in=StudyLevelRule.objects.values("level_id")).order_by("order")


# ---------------------------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------------------------


def listable(user) -> QuerySet[StudyLeave]:
    """The applications and studies of the lists: those `user` may see, without drafts (a
    draft is the employee's own until it is sent)."""
    return careers_permissions.studies_visible_to(user).exclude(state=S.DRAFT)


def for_listing(queryset: QuerySet[StudyLeave]) -> QuerySet[StudyLeave]:
    return queryset.select_related("employee__unit", "employee__position", "opd", "level").order_by(
        "-created_at", "-id"
    )


def state_counts(queryset: QuerySet[StudyLeave]) -> dict[str, int]:
    """Rows per state tab (one query)."""
    per_state = dict(queryset.order_by().values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    return {key: sum(per_state.get(state, 0) for state in states) for key, states in STATE_TABS.items()}


def overdue(queryset: QuerySet[StudyLeave], on: dt.date) -> QuerySet[StudyLeave]:
    """Studies whose next progress report was due before `on`."""
    return queryset.filter(state=S.ONGOING, next_report_due_on__lt=on)


def bond_running_q(on: dt.date) -> Q:
    """A completed study whose service bond has not ended on `on` (DOMAIN.md §7.4)."""
    return Q(state=S.COMPLETED, bond_ends_on__gt=on)


def supervisor_inbox(supervisor_id: int) -> QuerySet[StudyLeave]:
    """Applications of a supervisor's direct subordinates waiting for their recommendation."""
    return for_listing(StudyLeave.objects.filter(employee__supervisor_id=supervisor_id, state=S.SUBMITTED))


def waiting_for_supervisor(supervisor_id: int) -> int:
    return StudyLeave.objects.filter(employee__supervisor_id=supervisor_id, state=S.SUBMITTED).count()


@dataclass(frozen=True)
class HrCounts:
    to_check: int  # recommended: the Operator OPD checks completeness
    to_decide: int  # checked: BKPP decides
    studying: int
    overdue: int  # progress report overdue
    extensions: int  # extension requests waiting for BKPP
    bonds: int  # service bonds running
    bond_exits: int  # left the service during the bond


def hr_counts(user, on: dt.date) -> HrCounts:
    """The numbers of the Operator OPD's and BKPP's dashboard card (two queries)."""
    scope = listable(user)
    counts = scope.aggregate(
        to_check=Count("id", filter=Q(state=S.RECOMMENDED)),
        to_decide=Count("id", filter=Q(state=S.CHECKED)),
        studying=Count("id", filter=Q(state=S.ONGOING)),
        overdue=Count("id", filter=Q(state=S.ONGOING, next_report_due_on__lt=on)),
        bonds=Count("id", filter=bond_running_q(on)),
        bond_exits=Count("id", filter=bond_running_q(on) & Q(bond_broken_on__isnull=False)),
    )
    extensions = StudyExtension.objects.filter(
        state=ExtensionState.REQUESTED, leave__in=scope.filter(state=S.ONGOING)
    ).count()
    return HrCounts(extensions=extensions, **counts)


# ---------------------------------------------------------------------------------------------
# The roster: studying now, service bonds
# ---------------------------------------------------------------------------------------------

ROSTER_TABS = ("studying", "bond", "exits")


def roster(user, show: str, on: dt.date) -> QuerySet[StudyLeave]:
    """`studying`: approved or ongoing studies (the soonest end first); `bond`: service bonds
    running on `on`, early exits first, then the soonest end; `exits`: those who left the
    service during their bond (flagged by `careers.study.flag_bond_exits`)."""
    scope = listable(user).select_related("employee__unit", "employee__position", "opd", "level")
    if show == "bond":
        return scope.filter(bond_running_q(on)).order_by(
            F("bond_broken_on").desc(nulls_last=True), "bond_ends_on", "employee__name", "id"
        )
    if show == "exits":
        return scope.filter(state=S.COMPLETED, bond_broken_on__isnull=False).order_by(
            "-bond_broken_on", "employee__name", "id"
        )
    return scope.filter(state__in=(S.APPROVED, S.ONGOING)).order_by("ends_on", "employee__name", "id")


def roster_counts(user, on: dt.date) -> dict[str, int]:
    scope = listable(user)
    return scope.aggregate(
        studying=Count("id", filter=Q(state__in=(S.APPROVED, S.ONGOING))),
        bond=Count("id", filter=bond_running_q(on)),
        exits=Count("id", filter=Q(state=S.COMPLETED, bond_broken_on__isnull=False)),
    )


# ---------------------------------------------------------------------------------------------
# One employee
# ---------------------------------------------------------------------------------------------


def my_studies(employee: Employee) -> list[StudyLeave]:
    """Every application and study of `employee`, the newest first, each with its open
    extension request (two queries)."""
    leaves = list(
        StudyLeave.objects.filter(employee=employee).select_related("level", "opd").order_by("-created_at", "-id")
    )
    pending = set(
        StudyExtension.objects.filter(
            leave__in=[leave.pk for leave in leaves], state=ExtensionState.REQUESTED
        ).values_list("leave_id", flat=True)
    )
    for leave in leaves:
        leave.stage = STAGE_OF_STATE.get(leave.state)
        leave.extension_pending = leave.pk in pending
    return leaves


def open_study(leaves: list[StudyLeave]) -> StudyLeave | None:
    """The application or study that stops `employee` from applying again, if any."""
    return next((leave for leave in leaves if leave.state in S.open()), None)


def studies_of(user, employee: Employee) -> list[StudyLeave]:
    """The studies of `employee` that `user` may see (the profile tab), newest first."""
    return list(
        careers_permissions.studies_visible_to(user)
        .filter(employee=employee)
        .select_related("level")
        .order_by("-created_at", "-id")
    )


def current_bond(leaves: list[StudyLeave], on: dt.date) -> StudyLeave | None:
    """The study whose service bond runs on `on` (the latest ending one)."""
    running = [
        leave for leave in leaves if leave.state == S.COMPLETED and leave.bond_ends_on and leave.bond_ends_on > on
    ]
    return max(running, key=lambda leave: leave.bond_ends_on, default=None)


# ---------------------------------------------------------------------------------------------
# One application
# ---------------------------------------------------------------------------------------------


def events(leave: StudyLeave) -> list[StudyEvent]:
    return list(leave.events.select_related("by__employee").order_by("at", "id"))


def documents(leave: StudyLeave) -> dict[str, StudyDocument]:
    return {document.kind: document for document in leave.documents.select_related("uploaded_by").order_by("kind")}


def reports(leave: StudyLeave) -> list[StudyReport]:
    return list(leave.reports.order_by("semester"))


def extensions(leave: StudyLeave) -> list[StudyExtension]:
    return list(leave.extension_requests.select_related("decided_by__employee").order_by("requested_at", "id"))


def document_rows(leave: StudyLeave, present: dict[str, StudyDocument], required: list[str]) -> list[dict]:
    """Every document kind once, the required ones first (in the checklist's order), each
    with the file when there is one."""
    rows = []
    for kind in [*required, *[k for k in StudyDocumentKind.values if k not in required]]:
        rows.append(
            {
                "kind": kind,
                "label": StudyDocumentKind(kind).label,
                "required": kind in required,
                "document": present.get(kind),
            }
        )
    return rows
