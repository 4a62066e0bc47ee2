"""The training journey in a real browser (Chromium through Playwright), four people, four
sign-ins through the login form:

1. an employee opens the catalogue, opens a session and registers (the session needs the
   direct supervisor's approval, and BKPP confirms the seats);
2. the supervisor approves it from the approval inbox — on a phone;
3. Admin BKPP confirms the seat on the participants page, starts the session, ticks the
   attendance of both days (one switch through htmx, then "all present") and enters the
   result (lulus, a score), which issues the certificate;
4. the employee sees the registration completed, downloads the certificate PDF and sees
   the JP of the year go up on "JP saya".

The clock is the real one: the session ran yesterday and runs today (site time zone), so
registration is still open today, attendance is ticked for days that have come, and the JP
count in this year. After each step the registration's state is checked in the database as
well as on the page; screenshots go to test-output/ for review."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from asn_portal.models import Employee
from tests.e2e.conftest import DESKTOP, PHONE, browser_db, has_no_horizontal_overflow, sign_in
from training import services
from training.models import (
    Attendance,
    Certificate,
    ConfirmationMode,
    Program,
    Registration,
    RegistrationState,
    Session,
    SessionDay,
    SessionStatus,
)

pytestmark = [pytest.mark.browser, browser_db]

S = RegistrationState
TITLE = "Bimtek Pelayanan Publik Berbasis Digital"
EARLIER_TITLE = "Bimtek Pencegahan dan Pengendalian Infeksi"
SCORE = "87.5"


def _person(name: str) -> Employee:
    return Employee.objects.get(name=name)


def _program(code: str, title: str, jp: int) -> Program:
    program = Program(code=code, title=title, category="bimtek", method="klasikal", default_jp=jp, organiser="bkpp")
    return services.save_program(program, by=None)


def _earlier_training(employee: Employee, today: dt.date) -> Registration:
    """A one-day Bimtek the employee passed earlier this year: the JP they start with."""
    on = max(dt.date(today.year, 1, 1), today - dt.timedelta(days=60))
    session = services.create_session(
        program=_program("BIMTEK-PPI", EARLIER_TITLE, 8),
        by=None,
        starts_on=on,
        ends_on=on,
        capacity=25,
        registration_opens_on=on - dt.timedelta(days=30),
        registration_closes_on=on,
        place="Hotel Patra Semarang",
        approval_required=False,
    )
    services.set_session_status(session, SessionStatus.OPEN, by=None, today=on - dt.timedelta(days=30))
    registration = services.register(session=session, employee=employee, by=None, today=on - dt.timedelta(days=1))
    services.set_session_status(session, SessionStatus.RUNNING, by=None, today=on)
    return services.record_result(registration, passed=True, by=None, on=on, score=Decimal(90))


def build_training_city(city, today: dt.date) -> Session:
    """A two-day Bimtek that started yesterday and ends today, open for registration until
    today, with the supervisor's approval and BKPP's confirmation; two participants BKPP
    nominated and confirmed weeks ago."""
    session = services.create_session(
        program=_program("BIMTEK-YANLIK", TITLE, 16),
        by=None,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today,
        capacity=20,
        registration_opens_on=today - dt.timedelta(days=30),
        registration_closes_on=today,
        place="Balai Diklat BKPP Kota Semarang, Jl. Fatmawati No. 73A",
        approval_required=True,
        confirmation_mode=ConfirmationMode.BKPP,
    )
    for day, topic in zip(session.days.order_by("date"), ("Standar pelayanan", "Praktik layanan daring"), strict=True):
        SessionDay.objects.filter(pk=day.pk).update(starts_at=dt.time(8, 0), ends_at=dt.time(15, 30), topic=topic)
    services.set_session_status(session, SessionStatus.OPEN, by=city.admin, today=today - dt.timedelta(days=30))
    for name in ("Sri Wahyuni", "Maya Kusumawati"):
        nominated = services.register(
            session=session, employee=_person(name), by=city.admin, today=today - dt.timedelta(days=20)
        )
        services.confirm(nominated, by=city.admin, today=today - dt.timedelta(days=15))
    _earlier_training(city.pegawai, today)
    return Session.objects.get(pk=session.pk)


@pytest.fixture
def training_city(demo_city):
    today = timezone.localdate()
    return demo_city, build_training_city(demo_city, today), today


class Journey:
    """One browser context per person, every page error and console error collected."""

    def __init__(self, browser, base_url: str, output_dir):
        self.browser = browser
        self.base_url = base_url
        self.output_dir = output_dir
        self.script_errors: list[str] = []

    def sign_in(self, username: str, viewport=DESKTOP):
        context = self.browser.new_context(viewport=viewport, locale="id-ID", reduced_motion="reduce")
        page = context.new_page()
        page.on("pageerror", lambda error: self.script_errors.append(str(error)))
        page.on("console", self._console)
        sign_in(page, self.base_url, username)
        return context, page

    def _console(self, message) -> None:
        # Chromium's PDF viewer asks for /favicon.ico, which the site does not serve (its
        # pages name their icon); that 404 is no error of a page.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            self.script_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def shoot(self, page, name: str) -> None:
        page.wait_for_load_state("networkidle")
        page.screenshot(path=self.output_dir / f"training-journey-{name}.png", full_page=True)


def _message(page):
    """The flash message shown after a form is saved (partials/messages.html)."""
    return page.locator(".sigap-messages .alert")


def _state(registration: Registration) -> str:
    return Registration.objects.get(pk=registration.pk).state


def test_an_employee_registers_is_approved_confirmed_attends_passes_and_earns_the_jp(
    browser, live_server, test_output_dir, training_city
):
    city, session, today = training_city
    dewi, siti = city.pegawai, city.supervisor
    people = Journey(browser, live_server.url, test_output_dir)
    jp_before = services.jp_total(dewi, today.year)
    assert jp_before == 8  # the Bimtek passed earlier this year

    # 1. The employee: "JP saya" before, the catalogue, the session, the registration.
    context, page = people.sign_in(dewi.user.username)
    page.goto(f"{live_server.url}/training/me/jp/")
    expect(page.get_by_test_id("jp-total")).to_have_text(str(jp_before))
    expect(page.get_by_test_id("jp-this-year").get_by_role("progressbar")).to_have_attribute(
        "aria-valuetext", f"{jp_before} dari 20 JP"
    )
    people.shoot(page, "01-my-jp-before")
    page.get_by_test_id("nav-training").click()
    expect(page).to_have_url(re.compile(r"/training/$"))
    row = page.locator(f"[data-testid=session-row][data-session='{session.pk}']")
    expect(row.get_by_test_id("open-for-me")).to_be_visible()
    people.shoot(page, "02-catalogue")
    row.locator(".cell-primary a").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text(f"{siti.full_name} akan diminta memberikan persetujuan")).to_be_visible()
    page.get_by_label("Mengapa pelatihan ini?").fill("Loket pendaftaran puskesmas kami mulai melayani secara daring.")
    people.shoot(page, "03-session")
    page.get_by_test_id("register-form").get_by_role("button", name="Daftar sesi ini").click()

    expect(page).to_have_url(re.compile(r"/training/registrations/\d+/$"))
    registration = Registration.objects.get(session=session, employee=dewi)
    assert registration.state == S.SUBMITTED
    assert registration.nominated_by is None
    expect(page.get_by_test_id("registration-state").locator("[data-state]")).to_have_attribute(
        "data-state", S.SUBMITTED
    )
    expect(page.get_by_test_id("next-step")).to_contain_text(siti.full_name)
    people.shoot(page, "04-registered")
    context.close()

    # 2. The supervisor approves from the inbox, on a phone.
    context, page = people.sign_in(siti.user.username, viewport=PHONE)
    page.locator(".navbar-toggler").click()
    page.get_by_test_id("nav-training-approvals").click()
    inbox_row = page.locator(f"[data-testid=inbox-row][data-registration='{registration.pk}']")
    expect(inbox_row).to_contain_text(dewi.full_name)
    expect(inbox_row).to_contain_text(TITLE)
    assert has_no_horizontal_overflow(page)
    people.shoot(page, "05-approvals-phone")
    inbox_row.get_by_role("button", name="Setujui").click()

    expect(_message(page)).to_contain_text(f"Disetujui: {dewi.full_name}")
    expect(page.get_by_test_id("inbox-empty")).to_be_visible()
    assert has_no_horizontal_overflow(page)
    people.shoot(page, "06-approved-phone")
    assert _state(registration) == S.APPROVED  # BKPP confirms the seats of this session
    context.close()

    # 3. Admin BKPP: confirm the seat, start the session, attendance, the result.
    context, page = people.sign_in(city.admin.username)
    page.get_by_test_id("nav-training-manage").click()
    page.get_by_test_id("session-table").get_by_role("link", name=TITLE).click()
    page.get_by_test_id("session-tabs").get_by_role("link", name="Peserta").click()
    waiting = page.get_by_test_id("approved-list")
    expect(waiting).to_contain_text(dewi.full_name)
    people.shoot(page, "07-participants")
    waiting.get_by_role("button", name="Konfirmasi").click()

    expect(_message(page)).to_contain_text(f"Kursi {dewi.full_name} terkonfirmasi")
    expect(page.get_by_test_id("approved-list")).to_have_count(0)
    expect(page.locator(f"tr[data-registration='{registration.pk}'] [data-state]")).to_have_attribute(
        "data-state", S.CONFIRMED
    )
    people.shoot(page, "08-confirmed")
    assert _state(registration) == S.CONFIRMED
    assert Session.objects.get(pk=session.pk).confirmed_count == 3

    page.get_by_test_id("session-tabs").get_by_role("link", name="Ringkasan").click()
    page.get_by_test_id("status-card").get_by_role("button", name="Mulai sesi").click()
    expect(_message(page)).to_contain_text("Status sesi sekarang")
    assert Session.objects.get(pk=session.pk).status == SessionStatus.RUNNING

    # Day 1 (yesterday): Dewi's switch alone, saved at once through htmx.
    first_day, last_day = session.days.order_by("date")
    page.get_by_test_id("session-tabs").get_by_role("link", name="Kehadiran").click()
    page.get_by_test_id("day-picker").get_by_role("link", name=re.compile(r"Hari ke-1")).click()
    expect(page.get_by_test_id("day-picker").get_by_role("link", name=re.compile(r"Hari ke-1"))).to_have_attribute(
        "aria-current", "page"
    )
    page.locator(f"#present-{registration.pk}").check()
    expect(page.locator(f"#att-{registration.pk}")).to_contain_text("Tersimpan")
    expect(page.locator("#present-count")).to_have_text("1")
    people.shoot(page, "09-attendance-day-1")
    # Day 2 (today): everyone present with one button (htmx swaps the grid).
    page.get_by_test_id("day-picker").get_by_role("link", name=re.compile(r"Hari ke-2")).click()
    expect(page.locator("#present-count")).to_have_text("0")
    page.get_by_test_id("all-present").click()
    expect(page.locator("#present-count")).to_have_text("3")
    expect(page.locator(f"#present-{registration.pk}")).to_be_checked()
    people.shoot(page, "10-attendance-day-2")
    marks = dict(Attendance.objects.filter(registration=registration).values_list("day_id", "is_present"))
    assert marks == {first_day.pk: True, last_day.pk: True}
    assert Attendance.objects.filter(day=first_day, is_present=True).count() == 1
    assert Attendance.objects.filter(day=last_day, is_present=True).count() == 3

    page.get_by_test_id("session-tabs").get_by_role("link", name="Hasil").click()
    form = page.get_by_test_id("results-form")
    form.get_by_label(f"Hasil {dewi.full_name}").select_option(label="Lulus")
    form.get_by_label(f"Nilai {dewi.full_name}").fill(SCORE)
    people.shoot(page, "11-results")
    form.get_by_role("button", name="Simpan hasil").click()

    expect(_message(page)).to_contain_text("1 hasil dicatat; 1 sertifikat diterbitkan")
    recorded = page.get_by_test_id("recorded-results")
    expect(recorded).to_contain_text(dewi.full_name)
    expect(recorded.locator("[data-state=completed]")).to_have_count(1)
    certificate = Certificate.objects.get(registration=registration)
    expect(recorded).to_contain_text(certificate.number)
    people.shoot(page, "12-results-recorded")
    registration.refresh_from_db()
    assert registration.state == S.COMPLETED
    assert registration.score == Decimal(SCORE)
    assert certificate.is_valid and certificate.jp == 16 and certificate.issued_on == today
    context.close()

    # 4. The employee: completed, the certificate, and more JP this year.
    context, page = people.sign_in(dewi.user.username)
    page.get_by_test_id("nav-training").click()
    page.get_by_role("link", name="Pendaftaran saya").first.click()
    row = page.locator(f"[data-testid=registration-row][data-registration='{registration.pk}']")
    expect(row.locator("[data-state]")).to_have_attribute("data-state", S.COMPLETED)
    people.shoot(page, "13-my-registrations")
    row.get_by_role("link", name=TITLE).click()

    expect(page.get_by_test_id("registration-state").locator("[data-state]")).to_have_attribute(
        "data-state", S.COMPLETED
    )
    expect(page.get_by_test_id("timeline").locator("li")).to_have_count(4)  # submitted → … → completed
    expect(page.get_by_text(certificate.number)).to_be_visible()
    people.shoot(page, "14-registration-completed")
    # The link serves the PDF inline, so Chromium shows it in its viewer (no download event,
    # and the viewer hides the bytes): check the response it opened, then download the same
    # address with the employee's session.
    with page.expect_response(re.compile(r"/certificate\.pdf$")) as response_info:
        page.get_by_test_id("certificate-link").click()
    response = response_info.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert re.search(r'filename=".+\.pdf"', response.headers["content-disposition"])
    pdf = context.request.get(response.url).body()
    assert pdf.startswith(b"%PDF")
    (test_output_dir / "training-journey-certificate.pdf").write_bytes(pdf)

    page.goto(f"{live_server.url}/training/me/")
    page.get_by_role("link", name="JP saya").first.click()
    jp_after = jp_before + session.jp
    assert services.jp_total(dewi, today.year) == jp_after
    expect(page.get_by_test_id("jp-total")).to_have_text(str(jp_after))
    expect(page.get_by_test_id("jp-this-year").get_by_role("progressbar")).to_have_attribute(
        "aria-valuetext", f"{jp_after} dari 20 JP"
    )
    expect(page.get_by_test_id("jp-history")).to_contain_text(TITLE)
    people.shoot(page, "15-my-jp-after")

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.get_by_test_id("jp-total")).to_have_text(str(jp_after))
    assert has_no_horizontal_overflow(page)
    people.shoot(page, "16-my-jp-after-phone")
    context.close()

    assert people.script_errors == []
