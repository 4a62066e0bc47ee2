"""The main journey in a real browser (Chromium through Playwright): HR signs in through the
form, opens the directory, finds an employee by NIP with the live search and opens the
profile — at desktop and phone widths, with screenshots for review under test-output/. The
browser asks for Indonesian (id-ID), the site's language, as its users' browsers do."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, browser_db, has_no_horizontal_overflow, sign_in

pytestmark = [pytest.mark.browser, browser_db]


def test_hr_finds_an_employee_by_nip_and_opens_the_profile(live_server, page, demo_city, test_output_dir):
    page.set_viewport_size(DESKTOP)
    searched = demo_city.searched
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and script_errors.append(message.text))

    sign_in(page, live_server.url, demo_city.admin.username)
    page.screenshot(path=test_output_dir / "journey-1-dashboard-hr-desktop.png", full_page=True)
    page.get_by_test_id("nav-directory").click()
    expect(page).to_have_url(re.compile(r"/employees/$"))
    page.fill("#id_q", searched.formatted_nip[:14])  # as printed on decrees: with spaces
    expect(page.get_by_test_id("result-count")).to_contain_text("1 pegawai ditemukan")
    expect(page).to_have_url(re.compile(r"q=" + searched.nip[:8]))
    page.screenshot(path=test_output_dir / "journey-2-directory-search-desktop.png", full_page=True)
    page.get_by_role("link", name=searched.full_name).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(searched.full_name)
    expect(page.get_by_test_id("profile-nip")).to_contain_text(searched.formatted_nip)
    expect(page.locator("[data-testid=profile-tabs] [aria-current=page]")).to_have_text("Data pribadi")
    page.screenshot(path=test_output_dir / "journey-3-profile-desktop.png", full_page=True)

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.get_by_test_id("profile-nip")).to_contain_text(searched.formatted_nip)
    assert has_no_horizontal_overflow(page)
    page.screenshot(path=test_output_dir / "journey-4-profile-phone.png", full_page=True)

    page.goto(f"{live_server.url}/employees/?q={searched.nip}")
    expect(page.get_by_test_id("result-count")).to_contain_text("1 pegawai ditemukan")
    assert has_no_horizontal_overflow(page)
    page.screenshot(path=test_output_dir / "journey-5-directory-phone.png", full_page=True)
    assert script_errors == []


def test_the_hr_dashboard_draws_its_charts_and_keeps_the_numbers(live_server, page, demo_city):
    page.set_viewport_size(DESKTOP)

    sign_in(page, live_server.url, demo_city.admin.username)

    expect(page.get_by_test_id("headcount-total")).to_have_text(str(demo_city.employee_count - 1))  # one is retired
    for chart in ("chart-rank", "chart-type", "chart-opd"):
        expect(page.locator(f"#{chart}")).to_be_visible()
        assert page.evaluate(f"Chart.getChart(document.getElementById('{chart}')) !== undefined")
    # The numbers stay in the page, folded under the chart, for screen readers and copying.
    assert page.locator("details.chart-data table").count() == 2


def test_the_directory_search_works_without_javascript(live_server, browser, demo_city):
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP, locale="id-ID")
    page = context.new_page()
    searched = demo_city.searched

    sign_in(page, live_server.url, demo_city.admin.username)
    page.goto(f"{live_server.url}/employees/")
    page.fill("#id_q", searched.name)
    page.get_by_role("button", name="Cari").click()

    expect(page.get_by_test_id("result-count")).to_contain_text("1 pegawai ditemukan")
    expect(page.get_by_role("link", name=searched.full_name)).to_be_visible()
    context.close()


def test_a_phone_user_opens_the_menu_and_the_filters(live_server, page, demo_city, test_output_dir):
    page.set_viewport_size(PHONE)

    sign_in(page, live_server.url, demo_city.operator.user.username)
    page.get_by_role("button", name="Buka menu").click()
    expect(page.get_by_test_id("nav-import")).to_be_visible()
    page.screenshot(path=test_output_dir / "journey-6-menu-open-phone.png")
    page.get_by_test_id("nav-directory").click()
    page.get_by_role("button", name="Filter").click()
    page.select_option("#id_employment_type", "pppk")

    # Dinkes' one PPPK (not paruh waktu)
    expect(page.get_by_test_id("result-count")).to_contain_text("1 pegawai ditemukan")
    expect(page).to_have_url(re.compile(r"employment_type=pppk"))
    assert has_no_horizontal_overflow(page)
    page.screenshot(path=test_output_dir / "journey-7-directory-filtered-phone.png", full_page=True)


def test_the_result_pages_swap_in_place_and_keep_the_page_size(live_server, page, demo_city):
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, demo_city.admin.username)
    page.goto(f"{live_server.url}/employees/")

    page.select_option("#id_per_page", "10")
    expect(page.locator("[data-testid=employee-table] tbody tr")).to_have_count(10)
    page.get_by_role("navigation", name="Halaman hasil").get_by_role("link", name="2", exact=True).click()

    expect(page).to_have_url(re.compile(r"per_page=10.*page=2|page=2.*per_page=10"))
    expect(page.locator("[data-testid=employee-table] tbody tr")).to_have_count(10)
    expect(page.locator("#results .card-header")).to_contain_text("11–20")
