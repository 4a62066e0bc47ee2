"""What the integrity app adds to core pages (asn_portal/extensions.py): menu entries, the
dashboard cards of the Inspektorat and of Admin BKPP, and the profile's "integritas" tab,
which replaces the core placeholder. Registered from IntegrityConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from asn_portal import permissions as core_permissions
from asn_portal.cache import dashboard_figure
from asn_portal.extensions import (
    DashboardCard,
    NavItem,
    ProfileTab,
    register_dashboard_card,
    register_nav_item,
    register_profile_tab,
)
from integrity import permissions, selectors, services

TAB_SLUG = "integritas"


def _is_employee(request) -> bool:
    return core_permissions.actor_for(request.user).employee_id is not None


def _is_admin(request) -> bool:
    return core_permissions.actor_for(request.user).is_admin


def inspektorat_card(request) -> dict | None:
    if not permissions.can_manage_integrity(request.user):
        return None
    return selectors.inspektorat_summary(selectors.today())


def filing_rate_card(request) -> dict | None:
    if not _is_admin(request):
        return None
    on = selectors.today()
    year = selectors.campaign_year(on)
    # Every obligee's filing: reused for a few minutes (the card says when it was counted).
    figures, counted_at = dashboard_figure(
        f"filing-rate:{year}:{on.isoformat()}", lambda: selectors.filing_rate(year, on)
    )
    return {**figures, "counted_at": counted_at}


def profile_tab(request, employee) -> dict | None:
    """Need to know on the profile (integrity/permissions.py):
    - the Inspektorat: everything about the employee;
    - the employee on their own profile: their sanctions (with the violation), filings,
      gratification reports and pacts — not cases, not drug results;
    - whoever else may see the employee (Admin BKPP, the supervisor, the OPD's operator): the
      standing only — yes/no, until when, under examination, filings complete.
    Records are loaded only when the tab is open; reads of restricted records are logged."""
    user = request.user
    if permissions.is_integrity_officer(user):
        mode = "full"
    elif core_permissions.actor_for(user).employee_id == employee.pk:
        mode = "own"
    elif permissions.can_view_standing(user, employee):
        mode = "standing"
    else:
        return None
    context = {"icon": "bi-shield-check", "mode": mode}
    if request.GET.get("tab") != TAB_SLUG:
        return context
    on = selectors.today()
    context["today"] = on
    if mode in ("full", "standing"):
        context["standing"] = services.standing(employee, on)
    if mode in ("full", "own"):
        filings = selectors.employee_filings(employee, on)
        context.update(
            sanctions=[(s, s.state_on(on)) for s in selectors.employee_sanctions(employee)],
            filings=filings,
            next_filing=selectors.next_filing_deadline(filings, on),
            reports=selectors.employee_gratification(employee),
            pacts=selectors.employee_pacts(employee),
        )
    if mode == "full":
        context.update(cases=selectors.employee_cases(employee), drug_results=selectors.employee_drug_results(employee))
        for record in (
            *(s for s, _state in context["sanctions"]),
            *context["cases"],
            *context["drug_results"],
            *context["reports"],
        ):
            services.log_read(record)
    return context


def register() -> None:
    register_nav_item(
        NavItem(
            "integrity",
            _("Integrity"),
            "integrity:register",
            "bi-shield-check",
            lambda request: permissions.can_manage_integrity(request.user),
            order=60,
        )
    )
    register_nav_item(
        NavItem(
            "integrity-compliance",
            _("LHKPN compliance"),
            "integrity:compliance",
            "bi-bar-chart-line",
            _is_admin,
            order=61,
        )
    )
    register_nav_item(
        NavItem("integrity-me", _("My integrity"), "integrity:me", "bi-shield-lock", _is_employee, order=62)
    )
    register_dashboard_card(
        DashboardCard("integrity-inspektorat", "integrity/_card_inspektorat.html", inspektorat_card, 60)
    )
    register_dashboard_card(
        DashboardCard("integrity-filing-rate", "integrity/_card_filing_rate.html", filing_rate_card, 61)
    )
    register_profile_tab(ProfileTab(TAB_SLUG, _("Integrity"), "integrity/_profile_tab.html", profile_tab, 60))
