"""Other apps plug cards into the dashboard and tabs into the profile without core importing
them (DESIGN.md dependency direction)."""

import ast
from pathlib import Path

import pytest
from django.template import engines
from django.urls import reverse

from asn_portal import extensions

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(extensions, "_dashboard_cards", {})
    monkeypatch.setattr(extensions, "_profile_tabs", dict(extensions._profile_tabs))


def test_a_registered_card_is_shown_only_when_it_returns_a_context(city, login, registry, monkeypatch):
    engine = engines["django"].engine
    monkeypatch.setattr(
        engine,
        "find_template",
        _with_fake_template(engine.find_template, "tests/card.html", "<p id='jp-card'>JP {{ card.jp }}</p>"),
    )
    extensions.register_dashboard_card(
        extensions.DashboardCard("jp", "tests/card.html", lambda request: {"jp": 12} if request.user.employee else None)
    )
    extensions.register_dashboard_card(extensions.DashboardCard("never", "tests/card.html", lambda request: None))

    staff = login(city.staff_a.user).get(reverse("portal:dashboard"))

    assert [card.key for card, _ in staff.context["cards"]] == ["jp"]
    assert "JP 12" in staff.content.decode()


def test_an_app_replaces_a_placeholder_tab_by_registering_its_slug(city, login, registry):
    extensions.register_profile_tab(
        extensions.ProfileTab("pangkat", "Riwayat pangkat", "portal/_tab_placeholder.html", lambda r, e: {"title": "X"})
    )

    response = login(city.admin).get(reverse("portal:employee-detail", args=[city.staff_a.pk]), {"tab": "pangkat"})

    tabs = [tab for tab, _ in response.context["tabs"]]
    assert [t.slug for t in tabs].count("pangkat") == 1
    assert next(t for t in tabs if t.slug == "pangkat").label == "Riwayat pangkat"


def test_the_core_app_imports_none_of_the_other_apps():
    offenders = []
    for path in (ROOT / "asn_portal").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in {"training", "careers", "integrity"}]

    assert offenders == []


def _with_fake_template(find_template, name, source):
    from django.template import Template

    def find(template_name, dirs=None, skip=None):
        if template_name == name:
            return Template(source), name
        return find_template(template_name, dirs, skip)

    return find


def test_a_registered_menu_entry_shows_for_whom_it_says(city, login, monkeypatch):
    monkeypatch.setattr(extensions, "_nav_items", {})
    extensions.register_nav_item(
        extensions.NavItem(
            "audit-copy",
            "Jejak",
            "portal:audit-log",
            "bi-journal",
            lambda request: request.user.username == "admin.bkpp",
        )
    )

    as_admin = login(city.admin).get(reverse("portal:audit-log")).content.decode()
    as_staff = login(city.staff_a.user).get(reverse("portal:dashboard")).content.decode()

    assert 'data-testid="nav-audit-copy"' in as_admin
    assert 'nav-link active" aria-current="page" href="/audit/" data-testid="nav-audit-copy"' in as_admin
    assert 'data-testid="nav-audit-copy"' not in as_staff
