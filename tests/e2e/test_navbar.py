"""The main menu of the fullest roles (Admin BKPP: directory, import, audit trail, training,
its management, careers, LHKPN compliance; the Operator OPD) stays on one line and never makes a desktop page
scroll sideways, in Indonesian and in the longer English, at the common laptop widths where
it is not folded into the toggler (≥ 1200 px)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import PASSWORD, browser_db, has_no_horizontal_overflow, sign_in

pytestmark = [pytest.mark.browser, browser_db]


def _entries_on_one_line(page) -> bool:
    return page.evaluate(
        """() => {
            const items = [...document.querySelectorAll('[data-testid=main-nav] > .nav-item')];
            return items.length > 0 && new Set(items.map((item) => item.offsetTop)).size === 1;
        }"""
    )


@pytest.mark.parametrize("role", ["admin", "operator"])
@pytest.mark.parametrize("locale", ["id-ID", "en-US"])
def test_a_full_menu_fits_every_laptop_width(browser, live_server, demo_city, test_output_dir, locale, role):
    username = demo_city.admin.username if role == "admin" else demo_city.operator.user.username
    context = browser.new_context(viewport={"width": 1366, "height": 800}, locale=locale, reduced_motion="reduce")
    page = context.new_page()
    sign_in(page, live_server.url, username, PASSWORD)
    entries = page.locator("[data-testid=main-nav] > .nav-item").count()
    problems = []
    for width in (1200, 1280, 1366, 1440, 1536):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server.url}/")
        page.wait_for_load_state("networkidle")
        if not _entries_on_one_line(page) or not has_no_horizontal_overflow(page):
            problems.append(width)
            page.screenshot(path=test_output_dir / f"navbar-overflow-{role}-{locale}-{width}.png")
    context.close()

    assert entries >= 7  # the test is only worth something with a full menu
    assert problems == []
