"""Places where the other apps plug into core pages without core importing them
(DESIGN.md: asn_portal imports none of the three apps). An app registers in its
AppConfig.ready(); the dashboard and the employee profile render whatever is registered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DashboardCard:
    key: str
    template: str
    # Returns the card's context, or None to hide the card for this request.
    get_context: Callable[..., dict | None]
    order: int = 100


@dataclass(frozen=True)
class ProfileTab:
    slug: str
    label: str
    template: str
    # Returns the tab's context for (request, employee), or None to hide the tab.
    get_context: Callable[..., dict | None]
    order: int = 100


@dataclass(frozen=True)
class NavItem:
    """A main-menu entry an app adds. `url_name` is reversed without arguments; the entry is
    active on any page whose URL namespace is `namespace` (or whose name is `url_name`)."""

    key: str
    label: str
    url_name: str
    icon: str  # a Bootstrap Icons class, e.g. "bi-shield-check"
    is_visible: Callable[..., bool]  # (request) -> bool
    namespace: str = ""
    order: int = 100


@dataclass(frozen=True)
class HistoryOwnedFields:
    """Employee fields another app derives from its history (careers: the rank and its TMT
    from the rank history, the education from the education history). Once an employee has
    that history, the registry (forms, API, employee import) may not change these fields: the
    change goes through the history instead."""

    key: str
    fields: tuple[str, ...]  # Employee attribute names, e.g. ("rank_id", "rank_tmt_on")
    form_field: str  # the EmployeeData / form field the error is reported on, e.g. "rank"
    import_column: str  # the employee import's column, e.g. "golongan"
    with_history: Callable[..., set]  # (employee ids) -> the ids that have this history
    message: Callable[[], str]  # the reason, in the active language


_nav_items: dict[str, NavItem] = {}
_history_owners: dict[str, HistoryOwnedFields] = {}
# app_label -> (user) -> bool: whose audit-trail entries only some may read (need to know).
_audit_restrictions: dict[str, Callable[..., bool]] = {}
_dashboard_cards: dict[str, DashboardCard] = {}
_profile_tabs: dict[str, ProfileTab] = {}


def register_nav_item(item: NavItem) -> None:
    _nav_items[item.key] = item


def nav_items(request) -> list[dict]:
    """The registered menu entries this request may see, ready for the navbar template."""
    from django.urls import reverse

    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    url_name = match.url_name if match else ""
    shown = []
    for item in sorted(_nav_items.values(), key=lambda i: (i.order, i.key)):
        if not item.is_visible(request):
            continue
        active = bool(item.namespace and item.namespace == namespace) or url_name == item.url_name.split(":")[-1]
        shown.append(
            {"key": item.key, "label": item.label, "url": reverse(item.url_name), "icon": item.icon, "active": active}
        )
    return shown


def register_audit_restriction(app_label: str, may_view: Callable[..., bool]) -> None:
    """Hide the audit-trail entries of an app's models from users for whom `may_view(user)`
    is false (the entries hold the records' values, e.g. a sanction's violation text)."""
    _audit_restrictions[app_label] = may_view


def audit_apps_hidden_from(user) -> list[str]:
    return [app for app, may_view in sorted(_audit_restrictions.items()) if not may_view(user)]


def register_dashboard_card(card: DashboardCard) -> None:
    _dashboard_cards[card.key] = card


def register_profile_tab(tab: ProfileTab) -> None:
    """Register a tab; an app replaces a core placeholder tab by registering the same slug."""
    _profile_tabs[tab.slug] = tab


def dashboard_cards(request) -> list[tuple[DashboardCard, dict]]:
    shown = []
    for card in sorted(_dashboard_cards.values(), key=lambda c: (c.order, c.key)):
        context = card.get_context(request)
        if context is not None:
            shown.append((card, context))
    return shown


def profile_tabs(request, employee) -> list[tuple[ProfileTab, dict]]:
    shown = []
    for tab in sorted(_profile_tabs.values(), key=lambda t: (t.order, t.slug)):
        context = tab.get_context(request, employee)
        if context is not None:
            shown.append((tab, context))
    return shown


def register_history_owner(owner: HistoryOwnedFields) -> None:
    _history_owners[owner.key] = owner


def history_conflicts(changed: dict[int, set[str]]) -> dict[int, list[HistoryOwnedFields]]:
    """For {employee id: changed attribute names}, which employees would change fields their
    history owns, and which owners say so (one query per owner with a candidate)."""
    conflicts: dict[int, list[HistoryOwnedFields]] = {}
    for owner in _history_owners.values():
        touched = {pk for pk, names in changed.items() if pk is not None and names & set(owner.fields)}
        if not touched:
            continue
        for pk in owner.with_history(touched):
            conflicts.setdefault(pk, []).append(owner)
    return conflicts
