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


_dashboard_cards: dict[str, DashboardCard] = {}
_profile_tabs: dict[str, ProfileTab] = {}


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
