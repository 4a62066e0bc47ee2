"""Screenshots of every core page for review, at desktop (1366×900) and phone (360×780)
widths, in Indonesian (the site's language). Each
phone page must fit the screen: no sideways scrolling of the page itself."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PASSWORD, PHONE, browser_db, has_no_horizontal_overflow, sign_in

pytestmark = [pytest.mark.browser, browser_db]

WIDTHS = {"desktop": DESKTOP, "phone": PHONE}


class Gallery:
    """Opens pages as one signed-in user at both widths and saves full-page screenshots."""

    def __init__(self, browser, base_url, output_dir):
        self.browser = browser
        self.base_url = base_url
        self.output_dir = output_dir
        self.overflowing: list[str] = []
        self.saved: list[str] = []

    def session(self, width: str, username: str | None):
        context = self.browser.new_context(viewport=WIDTHS[width], locale="id-ID", reduced_motion="reduce")
        page = context.new_page()
        if username:
            sign_in(page, self.base_url, username, PASSWORD)
        return context, page

    def shoot(self, page, name: str, width: str, *, full_page: bool = True) -> None:
        page.wait_for_load_state("networkidle")
        if width == "phone" and not has_no_horizontal_overflow(page):
            self.overflowing.append(name)
        filename = f"page-{name}-{width}.png"
        page.screenshot(path=self.output_dir / filename, full_page=full_page)
        self.saved.append(filename)


@pytest.fixture
def gallery(browser, live_server, test_output_dir):
    return Gallery(browser, live_server.url, test_output_dir)


def test_every_core_page_fits_a_phone_and_a_desktop(gallery, demo_city):
    city = demo_city
    url = gallery.base_url
    for width in WIDTHS:
        context, page = gallery.session(width, None)
        page.goto(f"{url}/accounts/login/")
        expect(page.locator("#id_username")).to_be_visible()
        gallery.shoot(page, "login", width)
        page.fill("#id_username", "admin.bkpp")
        page.fill("#id_password", "wrong-password")
        page.locator("[data-testid=login-form] button[type=submit]").click()
        expect(page.locator(".alert-danger, .alert-block")).to_be_visible()
        gallery.shoot(page, "login-error", width)
        page.goto(f"{url}/accounts/password/reset/")
        gallery.shoot(page, "password-reset", width)
        context.close()

        # HR: Admin BKPP sees the headcount, the directory and the audit trail.
        context, page = gallery.session(width, city.admin.username)
        expect(page.locator("#chart-rank")).to_be_visible()
        gallery.shoot(page, "dashboard-hr", width)
        page.goto(f"{url}/employees/")
        expect(page.get_by_test_id("employee-table")).to_be_visible()
        gallery.shoot(page, "directory", width)
        page.goto(f"{url}/employees/?per_page=10&page=2")
        gallery.shoot(page, "directory-page-2", width)
        page.goto(f"{url}/employees/?q=tidak-ada-yang-bernama-ini")
        gallery.shoot(page, "directory-empty", width)
        page.goto(f"{url}/employees/{city.supervisor.pk}/")
        expect(page.get_by_test_id("profile-nip")).to_contain_text(city.supervisor.formatted_nip)
        gallery.shoot(page, "profile", width)
        page.goto(f"{url}/employees/{city.supervisor.pk}/?tab=diklat")
        gallery.shoot(page, "profile-tab-placeholder", width)
        page.goto(f"{url}/employees/import/")  # the import helper's page, in the same shell
        gallery.shoot(page, "import-upload", width)
        page.goto(f"{url}/audit/")
        expect(page.get_by_test_id("audit-table")).to_be_visible()
        gallery.shoot(page, "audit-trail", width)
        page.goto(f"{url}/halaman-yang-tidak-ada/")
        gallery.shoot(page, "error-404", width)
        context.close()

        # Supervisor: own summary and the team.
        context, page = gallery.session(width, city.supervisor.user.username)
        expect(page.get_by_test_id("team")).to_be_visible()
        gallery.shoot(page, "dashboard-supervisor", width)
        page.goto(f"{url}/audit/")
        gallery.shoot(page, "error-403", width)
        context.close()

        # Employee: own summary, notifications (bell open), profile.
        context, page = gallery.session(width, city.pegawai.user.username)
        expect(page.get_by_test_id("my-summary")).to_be_visible()
        gallery.shoot(page, "dashboard-pegawai", width)
        page.get_by_test_id("unread-count").click()
        expect(page.locator(".notification-menu")).to_be_visible()
        gallery.shoot(page, "notification-bell-open", width, full_page=False)
        page.goto(f"{url}/notifications/")
        expect(page.get_by_test_id("notification-list")).to_be_visible()
        gallery.shoot(page, "notifications", width)
        page.goto(f"{url}/employees/{city.pegawai.pk}/")
        gallery.shoot(page, "profile-own", width)
        page.goto(f"{url}/accounts/password/change/")
        gallery.shoot(page, "password-change", width)
        context.close()

    assert gallery.overflowing == [], f"these phone pages scroll sideways: {gallery.overflowing}"


def test_the_bell_counts_unread_notifications_and_marks_them_read(live_server, page, demo_city):
    sign_in(page, live_server.url, demo_city.pegawai.user.username)

    badge = page.get_by_test_id("unread-count")
    expect(badge).to_have_text("2")
    badge.click()
    page.locator(".notification-menu").get_by_role("button").click()

    expect(page.get_by_test_id("unread-count")).to_have_count(0)
    expect(page.locator("#notification-bell button").first).to_have_attribute("aria-label", re.compile("0"))
