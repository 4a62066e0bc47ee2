"""What careers adds to the core pages (asn_portal/extensions.py): the profile tabs that
replace the core placeholders ("pangkat", "jabatan", "pendidikan", "skp") and a
"penghargaan" tab, the dashboard cards (the employee's promotion outlook, the operator's
eligible candidates for the coming period, the supervisor's proposals waiting, BKPP's steps
waiting) and the menu's "Career" (promotion and study leave). Study leave adds a "studi" tab,
the employee's current study or bond, the supervisor's applications waiting and the
Operator OPD's / BKPP's study steps waiting. Registered from CareersConfig.ready().

A tab's context is computed only when the tab is open (`?tab=<slug>`); whoever may open the
profile sees its tabs (asn_portal.permissions.get_employee_for_user loads it)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from asn_portal import permissions as core_permissions
from asn_portal.extensions import (
    DashboardCard,
    HistoryOwnedFields,
    NavItem,
    ProfileTab,
    register_dashboard_card,
    register_history_owner,
    register_nav_item,
    register_profile_tab,
)
from asn_portal.models import EmploymentType
from asn_portal.services import ServiceError
from careers import eligibility, selectors, study_selectors
from careers import permissions as careers_permissions
from careers.models import StudyLeave, StudyState

# ---------------------------------------------------------------------------------------------
# Profile tabs
# ---------------------------------------------------------------------------------------------


def _is_open(request, slug: str) -> bool:
    return request.GET.get("tab") == slug


def _is_own(request, employee) -> bool:
    return core_permissions.actor_for(request.user).employee_id == employee.pk


def _outlook(employee):
    """The engine's answer for the first period the OPD may propose for (else the next one),
    for a PNS holding a rank; None otherwise or when no rule is in force."""
    if employee.employment_type != EmploymentType.PNS or employee.rank_id is None:
        return None
    period = selectors.default_period(selectors.period_choices(selectors.today()))
    if period is None:
        return None
    try:
        return eligibility.explain(employee, period)
    except ServiceError:
        return None


def rank_tab(request, employee) -> dict:
    context = {"icon": "bi-award"}
    if not _is_open(request, "pangkat"):
        return context
    on = selectors.today()
    context.update(
        ranks=selectors.rank_history(employee),
        exams=selectors.exams(employee),
        assessments=selectors.credit_assessments(employee),
        balance=selectors.credit_balance(employee, on),
        outlook=_outlook(employee),
        latest_proposal=selectors.latest_proposal(employee),
        is_own=_is_own(request, employee),
        today=on,
    )
    return context


def position_tab(request, employee) -> dict:
    context = {"icon": "bi-briefcase"}
    if _is_open(request, "jabatan"):
        context["positions"] = selectors.position_history(employee)
    return context


def education_tab(request, employee) -> dict:
    context = {"icon": "bi-mortarboard"}
    if _is_open(request, "pendidikan"):
        context["diplomas"] = selectors.education_history(employee)
    return context


def performance_tab(request, employee) -> dict:
    context = {"icon": "bi-graph-up"}
    if not _is_open(request, "skp"):
        return context
    balance = selectors.credit_balance(employee, selectors.today())
    converted = {c.year: c for c in balance.conversions} if balance else {}
    ratings = selectors.ratings(employee)
    for rating in ratings:
        rating.conversion = converted.get(rating.year)
    context.update(ratings=ratings, balance=balance)
    return context


def awards_tab(request, employee) -> dict:
    context = {"icon": "bi-trophy"}
    if _is_open(request, "penghargaan"):
        context.update(awards=selectors.awards(employee), innovations=selectors.innovations(employee))
    return context


def _sees_studies_of(request, employee) -> bool:
    """The study tab is for the employee, their supervisor, their OPD's operator and BKPP (the
    Inspektorat reads the profile but not study leave: careers.permissions)."""
    actor = core_permissions.actor_for(request.user)
    if careers_permissions.can_manage_careers(request.user) or employee.opd_id in actor.operator_opd_ids:
        return True
    return actor.employee_id is not None and actor.employee_id in (employee.pk, employee.supervisor_id)


def study_tab(request, employee) -> dict | None:
    if not _sees_studies_of(request, employee):
        return None
    context = {"icon": "bi-mortarboard"}
    if not _is_open(request, "studi"):
        return context
    on = selectors.today()
    leaves = study_selectors.studies_of(request.user, employee)
    context.update(
        leaves=leaves,
        bond=study_selectors.current_bond(leaves, on),
        is_own=_is_own(request, employee),
        today=on,
    )
    return context


# ---------------------------------------------------------------------------------------------
# Dashboard cards
# ---------------------------------------------------------------------------------------------


def outlook_card(request) -> dict | None:
    """The employee's promotion outlook for the coming period (PNS holding a rank)."""
    employee = selectors.own_employee(request.user)
    if employee is None:
        return None
    outlook = _outlook(employee)
    if outlook is None:
        return None
    return {
        "outlook": outlook,
        "failing": [check.label for check in outlook.criteria if not check.ok],
        "proposal": selectors.latest_proposal(employee),
    }


def operator_card(request) -> dict | None:
    """Eligible candidates of the OPDs the user prepares, for the coming period; BKPP sees
    every OPD and the proposals waiting for its steps."""
    if not careers_permissions.can_view_candidates(request.user):
        return None
    choices = selectors.period_choices(selectors.today())
    period = selectors.default_period(choices)
    if period is None:
        return None
    window = selectors.choice_for(period, choices)
    actor = core_permissions.actor_for(request.user)
    eligible, counted_at = selectors.dashboard_eligible_count(request.user, period, selectors.today())
    context = {
        "period": period,
        "window": window,
        "eligible": eligible,
        "counted_at": counted_at,
        "is_bkpp": careers_permissions.can_manage_careers(request.user),
    }
    if context["is_bkpp"]:
        context["bkpp"] = selectors.waiting_for_bkpp()
    else:
        context["returned"] = selectors.opd_returned(actor.operator_opd_ids)
    return context


def supervisor_card(request) -> dict | None:
    if not core_permissions.is_supervisor(request.user):
        return None
    return {"waiting": selectors.waiting_for_supervisor(core_permissions.actor_for(request.user).employee_id)}


def study_card(request) -> dict | None:
    """The employee's open application or study, or the service bond they serve (one query);
    hidden when there is none."""
    employee_id = core_permissions.actor_for(request.user).employee_id
    if employee_id is None:
        return None
    on = selectors.today()
    leave = (
        StudyLeave.objects.filter(employee_id=employee_id)
        .filter(Q(state__in=StudyState.open()) | study_selectors.bond_running_q(on))
        .select_related("level")
        .order_by("-created_at", "-id")
        .first()
    )
    if leave is None:
        return None
    return {"leave": leave, "today": on}


def study_supervisor_card(request) -> dict | None:
    if not core_permissions.is_supervisor(request.user):
        return None
    waiting = study_selectors.waiting_for_supervisor(core_permissions.actor_for(request.user).employee_id)
    return {"waiting": waiting} if waiting else None


def study_hr_card(request) -> dict | None:
    if not careers_permissions.can_view_study_lists(request.user):
        return None
    return {
        "counts": study_selectors.hr_counts(request.user, selectors.today()),
        "is_bkpp": careers_permissions.can_manage_careers(request.user),
    }


# ---------------------------------------------------------------------------------------------
# Menu
# ---------------------------------------------------------------------------------------------


def _sees_careers(request) -> bool:
    actor = core_permissions.actor_for(request.user)
    return actor.employee_id is not None or careers_permissions.can_view_candidates(request.user)


def register() -> None:
    # A short label: Admin BKPP's menu already holds eight entries and must fit a 1366 px screen.
    # One entry for promotion and study leave: the careers pages' tab strip links both.
    register_nav_item(
        NavItem(
            "careers",
            pgettext_lazy("menu", "Career"),
            "careers:home",
            "bi-graph-up-arrow",
            _sees_careers,
            "careers",
            order=50,
        )
    )
    for order, slug, label, template, get_context in (
        (10, "pangkat", _("Rank history"), "careers/tabs/pangkat.html", rank_tab),
        (20, "jabatan", _("Position history"), "careers/tabs/jabatan.html", position_tab),
        (30, "pendidikan", _("Education"), "careers/tabs/pendidikan.html", education_tab),
        (35, "studi", _("Study"), "careers/study/tab.html", study_tab),
        (50, "skp", _("Performance (SKP)"), "careers/tabs/skp.html", performance_tab),
        (55, "penghargaan", _("Awards"), "careers/tabs/penghargaan.html", awards_tab),
    ):
        register_profile_tab(ProfileTab(slug, label, template, get_context, order))
    register_dashboard_card(DashboardCard("careers-supervisor", "careers/cards/_supervisor.html", supervisor_card, 38))
    register_dashboard_card(DashboardCard("careers-candidates", "careers/cards/_candidates.html", operator_card, 45))
    register_dashboard_card(DashboardCard("careers-outlook", "careers/cards/_outlook.html", outlook_card, 46))
    register_dashboard_card(
        DashboardCard("careers-study-supervisor", "careers/study/cards/_supervisor.html", study_supervisor_card, 39)
    )
    register_dashboard_card(DashboardCard("careers-study-hr", "careers/study/cards/_hr.html", study_hr_card, 47))
    register_dashboard_card(DashboardCard("careers-study", "careers/study/cards/_employee.html", study_card, 48))
    register_history_owners()


def _with_rank_history(employee_ids) -> set[int]:
    from careers.models import RankHistory

    return set(RankHistory.objects.filter(employee_id__in=employee_ids).values_list("employee_id", flat=True))


def _with_education_history(employee_ids) -> set[int]:
    from careers.models import EducationHistory

    return set(EducationHistory.objects.filter(employee_id__in=employee_ids).values_list("employee_id", flat=True))


def register_history_owners() -> None:
    """Once an employee has a rank (or education) history, their current rank and TMT (or
    highest education) follow from it alone: the registry's forms, API and employee import may
    no longer change them (careers.history writes them)."""
    register_history_owner(
        HistoryOwnedFields(
            "careers-rank",
            ("rank_id", "rank_tmt_on"),
            "rank",
            "golongan",
            _with_rank_history,
            lambda: str(_("The rank and its TMT follow the rank history: record the rank decree there instead.")),
        )
    )
    register_history_owner(
        HistoryOwnedFields(
            "careers-education",
            ("education_id",),
            "education",
            "pendidikan",
            _with_education_history,
            lambda: str(_("The education follows the education history: record the diploma there instead.")),
        )
    )
