"""What the training pages of employees, supervisors and operators add to core pages
(asn_portal/extensions.py): menu entries, dashboard cards (my JP, approvals waiting,
outside learning to verify) and the profile's "diklat" tab, which replaces the core
placeholder. Registered from TrainingConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from asn_portal import permissions as core_permissions
from asn_portal.extensions import (
    DashboardCard,
    NavItem,
    ProfileTab,
    register_dashboard_card,
    register_nav_item,
    register_profile_tab,
)
from asn_portal.models import Employee
from training import permissions, selectors, services
from training.models import Registration, RegistrationState

TAB_SLUG = "diklat"


def _signed_in(request) -> bool:
    return core_permissions.actor_for(request.user).user_id is not None


def _is_supervisor(request) -> bool:
    return core_permissions.is_supervisor(request.user)


def _is_operator(request) -> bool:
    return core_permissions.actor_for(request.user).is_operator


def jp_card(request) -> dict | None:
    """The employee's JP this year against the target, and their next confirmed training."""
    employee_id = core_permissions.actor_for(request.user).employee_id
    if employee_id is None:
        return None
    on = selectors.today()
    me = selectors.with_jp_progress(Employee.objects.filter(pk=employee_id), on.year).values("jp_total", "jp_target")
    row = me.first() or {"jp_total": 0, "jp_target": 0}
    upcoming = (
        Registration.objects.filter(
            employee_id=employee_id, state=RegistrationState.CONFIRMED, session__ends_on__gte=on
        )
        .select_related("session__program")
        .order_by("session__starts_on", "id")
        .first()
    )
    total, target = row["jp_total"], row["jp_target"]
    return {
        "year": on.year,
        "jp": total,
        "target": target,
        "percent": min(100, round(total * 100 / target)) if target else 100,
        "missing": max(target - total, 0),
        "upcoming": upcoming,
    }


def approvals_card(request) -> dict | None:
    if not _is_supervisor(request):
        return None
    return selectors.approvals_waiting(core_permissions.actor_for(request.user).employee_id)


def outside_card(request) -> dict | None:
    if not selectors.can_verify_queue(request.user):
        return None
    return {"waiting": selectors.verifiable_outside_learning(request.user).count()}


def profile_tab(request, employee) -> dict | None:
    """JP this year, the last five years and the history of anyone the viewer may see
    (permissions.can_view_jp). Loaded only when the tab is open."""
    if not permissions.can_view_jp(request.user, employee):
        return None
    context = {"icon": "bi-journal-bookmark"}
    if request.GET.get("tab") != TAB_SLUG:
        return context
    on = selectors.today()
    target = services.jp_target(employee)
    history = services.jp_history(employee)
    years = selectors.year_totals(history, target=target, year=on.year)
    live = (
        Registration.objects.filter(employee=employee, state__in=RegistrationState.pending() + ("confirmed",))
        .select_related("session__program")
        .order_by("session__starts_on", "id")
    )
    context.update(
        this_year=years[0],
        years=years,
        history=history,
        upcoming=list(live),
        is_own=core_permissions.actor_for(request.user).employee_id == employee.pk,
    )
    return context


def register() -> None:
    register_nav_item(
        NavItem("training", _("Training"), "training:catalogue", "bi-journal-bookmark", _signed_in, order=40)
    )
    register_nav_item(
        NavItem("training-approvals", _("Approvals"), "training:approvals", "bi-inbox", _is_supervisor, order=41)
    )
    register_nav_item(
        NavItem("training-opd", _("OPD training"), "training:opd", "bi-building-check", _is_operator, order=42)
    )
    register_dashboard_card(
        DashboardCard("training-approvals", "training/people/_card_approvals.html", approvals_card, 39)
    )
    register_dashboard_card(DashboardCard("training-jp", "training/people/_card_jp.html", jp_card, 40))
    register_dashboard_card(DashboardCard("training-outside", "training/people/_card_outside.html", outside_card, 41))
    register_profile_tab(ProfileTab(TAB_SLUG, _("Training"), "training/people/_profile_tab.html", profile_tab, 40))
