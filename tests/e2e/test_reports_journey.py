"""Reports and reminder settings in a real browser (Chromium through Playwright), with a real
Celery worker on Redis building the report in the background:

1. Admin BKPP opens "Laporan" from the menu, sees the kinds, picks the promotion candidates,
   tries a period that does not exist (refused next to the field, no job), then asks for the
   coming period;
2. the job's page shows the progress block, which htmx polls until the worker has built the
   file; the download link gives an XLSX whose header and rows are the candidates';
3. the list shows the job as ready; on a phone the list fits without sideways scrolling;
4. an employee turns e-mail off for an optional reminder on the notification settings page
   (the mandatory ones are locked on) and the choice is stored.

Screenshots go to test-output/reports-*.png, in Indonesian."""

from __future__ import annotations

import io
import time

import pytest
from django.db import connections
from openpyxl import load_workbook
from playwright.sync_api import expect

from asn_portal import reminders
from asn_portal.celery import app as celery_app
from asn_portal.models import EmailOptOut, ReportJob
from tests.conftest import TEST_OUTPUT
from tests.e2e.conftest import DESKTOP, PHONE, browser_db, has_no_horizontal_overflow, sign_in
from tests.e2e.test_careers_gallery import indonesian  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.redis, browser_db]


def _shot(page, name: str) -> None:
    TEST_OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(TEST_OUTPUT / f"reports-{name}.png"), full_page=True)


def test_admin_bkpp_builds_a_report_in_the_background_and_downloads_it(
    page,
    live_server,
    demo_city,
    indonesian,  # noqa: F811
):
    from celery.contrib.testing.worker import start_worker

    base = live_server.url
    page.set_viewport_size(DESKTOP)
    sign_in(page, base, demo_city.admin.username)

    page.get_by_test_id("nav-reports").click()
    expect(page.get_by_role("heading", name="Laporan", exact=True)).to_be_visible()
    _shot(page, "list-empty")
    page.locator('[data-kind="promotion_candidates"]').click()

    # A period that does not exist: refused next to the field, nothing queued.
    form = page.get_by_test_id("report-form")
    form.locator("select[name=period]").evaluate(
        "select => { const o = new Option('2031-02-03', '2031-02-03'); select.add(o); select.value = o.value; }"
    )
    form.locator("button[type=submit]").click()
    expect(page.locator(".invalid-feedback, .is-invalid").first).to_be_visible()
    assert ReportJob.objects.count() == 0
    _shot(page, "form-refused")

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        page.get_by_test_id("report-form").locator("select[name=period]").select_option(index=0)
        page.get_by_test_id("report-form").locator("button[type=submit]").click()
        status = page.get_by_test_id("report-status")
        expect(status).to_be_visible()
        # htmx polls the status block every second until the worker has finished.
        expect(status).to_have_attribute("data-status", "succeeded", timeout=60_000)
        _shot(page, "detail-ready")

    job = ReportJob.objects.get()
    assert (job.kind, job.status, job.requested_by_id) == ("promotion_candidates", "succeeded", demo_city.admin.pk)
    with page.expect_download() as download_info:
        page.get_by_test_id("report-download").click()
    download = download_info.value
    assert download.suggested_filename == job.file_name
    rows = list(load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True).active.values)
    assert rows[0][0] == "NIP"
    assert len(rows) - 1 == job.rows

    page.get_by_role("link", name="Laporan").first.click()
    row = page.locator(f'[data-job="{job.pk}"]')
    expect(row).to_contain_text("Siap")
    page.set_viewport_size(PHONE)
    _shot(page, "list-phone")
    assert has_no_horizontal_overflow(page)
    connections.close_all()


def test_an_employee_turns_off_email_for_an_optional_reminder(page, live_server, demo_city, indonesian):  # noqa: F811
    optional = reminders.optional_kinds()
    mandatory = [kind for kind in reminders.all_kinds() if kind.mandatory]
    assert optional and mandatory, "the apps register both optional and mandatory reminders"
    base = live_server.url
    page.set_viewport_size(PHONE)
    sign_in(page, base, demo_city.pegawai.user.username)

    page.goto(f"{base}/notifications/")
    page.get_by_test_id("notification-settings-link").click()
    expect(page.locator(f"#email-{mandatory[0].code}")).to_be_disabled()
    expect(page.locator(f"#email-{mandatory[0].code}")).to_be_checked()
    switch = page.locator(f"#email-{optional[0].code}")
    expect(switch).to_be_checked()
    switch.uncheck()
    page.get_by_test_id("notification-settings").locator("button[type=submit]").click()
    expect(page.locator(".alert-success, [role=alert]").first).to_be_visible()
    _shot(page, "settings-phone")
    assert has_no_horizontal_overflow(page)

    deadline = time.monotonic() + 5
    while not EmailOptOut.objects.filter(user=demo_city.pegawai.user, kind=optional[0].code).exists():
        assert time.monotonic() < deadline, "the choice was not stored"
        time.sleep(0.1)
    expect(page.locator(f"#email-{optional[0].code}")).not_to_be_checked()
    assert not EmailOptOut.objects.filter(user=demo_city.pegawai.user, kind=mandatory[0].code).exists()
