"""Screenshots of the training pages of employees, supervisors and operators for review, at
desktop (1366×900) and phone (360×780) widths, in Indonesian (locale id-ID, the site's
language): catalogue, session, my registrations, a registration's history, "JP saya" and
outside learning, the questionnaire, the supervisor's inbox and follow-up, the operator's
pages, the profile tab and the dashboard cards. Each phone page must fit the screen: no
sideways scrolling of the page itself."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from asn_portal.models import Employee, Rank
from tests.e2e.conftest import DESKTOP, PHONE, browser_db, has_no_horizontal_overflow, sign_in
from training import selectors, services
from training.models import ConfirmationMode, Program, SessionDay, SessionStatus

pytestmark = [pytest.mark.browser, browser_db]

WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
TODAY = dt.date(2026, 11, 28)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"


def _person(name: str) -> Employee:
    return Employee.objects.get(name=name)


def _program(code, title, category, jp, organiser="bkpp", **fields):
    values = {"code": code, "title": title, "category": category, "method": "klasikal", "default_jp": jp}
    values.update(organiser=organiser, **fields)
    return services.save_program(Program(**values), by=None)


def _open_session(prog, starts_on, *, days=2, capacity=30, place="Balai Diklat BKPP, Jl. Fatmawati 73A", **fields):
    sess = services.create_session(
        program=prog,
        by=None,
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=days - 1),
        capacity=capacity,
        registration_opens_on=dt.date(2026, 11, 2),
        registration_closes_on=starts_on - dt.timedelta(days=3),
        cancellation_deadline=starts_on - dt.timedelta(days=2),
        place=place,
        confirmation_mode=ConfirmationMode.AUTOMATIC,
        **fields,
    )
    for index, day in enumerate(sess.days.order_by("date")):
        SessionDay.objects.filter(pk=day.pk).update(
            starts_at=dt.time(8, 0),
            ends_at=dt.time(15, 30),
            topic=["Pembukaan dan materi inti", "Praktik", "Evaluasi"][min(index, 2)],
        )
    return services.set_session_status(sess, SessionStatus.OPEN, by=None, today=TODAY)


def _completed(employee, prog, starts_on, ends_on):
    sess = services.create_session(
        program=prog,
        by=None,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=25,
        registration_opens_on=starts_on - dt.timedelta(days=30),
        registration_closes_on=starts_on,
        cancellation_deadline=starts_on,
        place="Hotel Patra Semarang",
        approval_required=False,
    )
    services.set_session_status(sess, SessionStatus.OPEN, by=None, today=starts_on)
    reg = services.register(session=sess, employee=employee, by=None, today=starts_on - dt.timedelta(days=1))
    services.set_session_status(sess, SessionStatus.RUNNING, by=None, today=starts_on)
    return services.record_result(reg, passed=True, by=None, on=ends_on)


def _outside(employee, title, organiser, category, ends_on, jp, decision=None):
    record = services.record_outside_learning(
        employee=employee,
        title=title,
        organiser=organiser,
        category=category,
        starts_on=ends_on - dt.timedelta(days=1),
        ends_on=ends_on,
        jp=jp,
        certificate=SimpleUploadedFile("sertifikat.pdf", PDF, content_type="application/pdf"),
        by=employee.user,
        today=TODAY,
    )
    if decision is not None:
        verified, reason = decision
        services.decide_outside_learning(record, verified=verified, by=None, reason=reason)
    return record


def build_training_picture(city) -> dict:
    """A realistic training picture for the demo city, through the services."""
    dewi, budi, ahmad = _person("Dewi Lestari"), _person("Budi Santoso"), _person("Ahmad Fauzi")
    skp = _program("BIMTEK-SKP", "Bimtek Penyusunan SKP Berbasis Kinerja", "bimtek", 16)
    prima = _program(
        "DT-PRIMA",
        "Pelatihan Pelayanan Prima bagi Tenaga Kesehatan",
        "diklat_teknis",
        24,
        description="Standar pelayanan, komunikasi efektif dengan pasien, dan penanganan keluhan.",
        competencies=["Pelayanan publik", "Komunikasi"],
    )
    aclc = _program("SEM-ANTIKORUPSI", "Seminar Budaya Antikorupsi", "seminar", 4, organiser="lainnya")
    pka = _program(
        "PKA-2026",
        "Pelatihan Kepemimpinan Administrator (PKA)",
        "pka",
        120,
        organiser="bpsdmd_jateng",
        min_rank=Rank.objects.get(code="III/d"),
        position_kinds=["pengawas", "administrator"],
    )
    excel = _program("KURSUS-DATA", "Kursus Analisis Data dengan Spreadsheet", "kursus", 12)
    arsip = _program("BIMTEK-ARSIP", "Bimtek Pengelolaan Arsip Dinamis", "bimtek", 8)

    skp_session = _open_session(skp, dt.date(2026, 12, 14), capacity=30)
    _open_session(skp, dt.date(2027, 1, 18), capacity=30)
    prima_session = _open_session(prima, dt.date(2026, 12, 8), days=3, capacity=3)
    _open_session(aclc, dt.date(2026, 12, 10), days=1, capacity=200, place="", online_link="https://zoom.us/j/123")
    pka_session = _open_session(pka, dt.date(2027, 2, 1), days=5, capacity=40)
    _open_session(excel, dt.date(2026, 12, 15), capacity=20)
    _open_session(arsip, dt.date(2026, 12, 16), capacity=25)

    # Dewi: a confirmed seat, one waiting for her supervisor, history over the years.
    services.approve(
        services.register(session=prima_session, employee=dewi, by=dewi.user, today=TODAY, motivation=""),
        by=city.supervisor.user,
        today=TODAY,
    )
    waiting = services.register(
        session=skp_session,
        employee=dewi,
        by=dewi.user,
        today=TODAY,
        motivation="Saya menyusun SKP tim perawat di bidang P2P.",
    )
    done = _completed(
        dewi,
        _program("BIMTEK-PPI", "Bimtek Pencegahan dan Pengendalian Infeksi", "bimtek", 8),
        *(dt.date(2026, 3, 9),) * 2,
    )
    _completed(
        dewi,
        _program("DT-BTCLS", "Pelatihan BTCLS", "diklat_teknis", 30),
        dt.date(2025, 12, 29),
        dt.date(2026, 1, 2),
    )
    _completed(dewi, _program("KURSUS-EXCEL", "Kursus Excel Dasar", "kursus", 10), *(dt.date(2025, 5, 12),) * 2)
    _outside(dewi, "E-learning Antikorupsi (ACLC KPK)", "KPK", "elearning", dt.date(2025, 9, 20), 6, (True, ""))
    _outside(dewi, "Webinar Keselamatan Pasien", "Kemenkes", "seminar", dt.date(2026, 10, 14), 3)
    _outside(
        dewi,
        "Seminar Keperawatan Nasional",
        "PPNI",
        "seminar",
        dt.date(2026, 8, 5),
        8,
        (False, "Nama pada sertifikat tidak sama dengan nama pegawai."),
    )

    # The supervisor's inbox, and a follow-up about Budi.
    for employee, motivation in ((budi, "Untuk evaluasi kinerja tim epidemiologi."), (ahmad, "")):
        services.register(session=skp_session, employee=employee, by=employee.user, today=TODAY, motivation=motivation)
    budi_done = _completed(budi, prima, dt.date(2026, 6, 8), dt.date(2026, 6, 10))
    question = services.ask_follow_up(budi_done, on=TODAY)
    _outside(budi, "Kursus Epidemiologi Lapangan", "FETP Indonesia", "kursus", dt.date(2026, 11, 20), 16)
    return {"dewi": dewi, "waiting": waiting, "done": done, "question": question, "pka": pka_session}


class Gallery:
    def __init__(self, browser, base_url, output_dir):
        self.browser = browser
        self.base_url = base_url
        self.output_dir = output_dir
        self.overflowing: list[str] = []
        self.script_errors: list[str] = []

    def session(self, width: str, username: str):
        context = self.browser.new_context(viewport=WIDTHS[width], locale="id-ID", reduced_motion="reduce")
        page = context.new_page()
        page.on("pageerror", lambda error: self.script_errors.append(str(error)))
        sign_in(page, self.base_url, username)
        return context, page

    @staticmethod
    def open_menu_entry(page, testid: str, width: str) -> None:
        if width == "phone":
            page.locator(".navbar-toggler").click()
        page.get_by_test_id(testid).click()

    def shoot(self, page, name: str, width: str) -> None:
        page.wait_for_load_state("networkidle")
        if width == "phone" and not has_no_horizontal_overflow(page):
            self.overflowing.append(f"{name}-{width}")
        page.screenshot(path=self.output_dir / f"training-people-{name}-{width}.png", full_page=True)


@pytest.fixture
def training_city(demo_city, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(selectors, "today", lambda: TODAY)
    return demo_city, build_training_picture(demo_city)


def test_every_training_page_of_people_fits_a_phone_and_a_desktop(browser, live_server, test_output_dir, training_city):
    city, picture = training_city
    gallery = Gallery(browser, live_server.url, test_output_dir)
    url = live_server.url
    for width in WIDTHS:
        # An employee: catalogue, sessions, registrations, JP, outside learning, questionnaire.
        context, page = gallery.session(width, city.pegawai.user.username)
        expect(page.get_by_test_id("training-jp-card")).to_be_visible()
        gallery.shoot(page, "dashboard-employee", width)
        gallery.open_menu_entry(page, "nav-training", width)
        expect(page.get_by_test_id("catalogue")).to_be_visible()
        gallery.shoot(page, "catalogue", width)
        page.locator("#id_open").check()
        page.locator("[data-testid=catalogue-filters] button[type=submit]").click()
        expect(page.get_by_test_id("catalogue")).to_be_visible()
        gallery.shoot(page, "catalogue-open-for-me", width)
        page.goto(f"{url}/training/?q=tidak-ada-pelatihan-ini")
        expect(page.get_by_test_id("catalogue-empty")).to_be_visible()
        gallery.shoot(page, "catalogue-empty", width)
        page.goto(f"{url}/training/")
        page.locator("[data-testid=session-row] .cell-primary a").first.click()
        gallery.shoot(page, "session-open", width)
        page.goto(f"{url}/training/sessions/{picture['pka'].pk}/")
        expect(page.get_by_test_id("eligibility")).to_be_visible()
        gallery.shoot(page, "session-not-eligible", width)
        page.goto(f"{url}/training/sessions/{picture['waiting'].session_id}/")
        expect(page.get_by_test_id("my-registration")).to_be_visible()
        gallery.shoot(page, "session-registered", width)
        page.goto(f"{url}/training/me/")
        expect(page.get_by_test_id("my-registrations")).to_be_visible()
        gallery.shoot(page, "my-registrations", width)
        page.goto(f"{url}/training/registrations/{picture['waiting'].pk}/")
        expect(page.get_by_test_id("timeline")).to_be_visible()
        gallery.shoot(page, "registration", width)
        page.goto(f"{url}/training/me/jp/")
        expect(page.get_by_test_id("jp-history")).to_be_visible()
        gallery.shoot(page, "my-jp", width)
        page.fill("#id_title", "Seminar Gizi Masyarakat")
        page.fill("#id_organiser", "Persagi")
        page.fill("#id_starts_on", "2026-11-10")
        page.fill("#id_ends_on", "2026-11-10")
        page.fill("#id_jp", "0")
        page.set_input_files(
            "#id_certificate", files=[{"name": "foto.pdf", "mimeType": "application/pdf", "buffer": b"<html></html>"}]
        )
        page.locator("[data-testid=outside-form] button[type=submit]").click()
        expect(page.get_by_test_id("form-errors")).to_be_visible()
        gallery.shoot(page, "my-jp-errors", width)
        page.goto(f"{url}/training/registrations/{picture['done'].pk}/evaluation/")
        expect(page.get_by_test_id("evaluation-form")).to_be_visible()
        gallery.shoot(page, "evaluation", width)
        page.goto(f"{url}/employees/{city.pegawai.pk}/?tab=diklat")
        expect(page.get_by_test_id("tab-jp")).to_be_visible()
        gallery.shoot(page, "profile-tab", width)
        context.close()

        # The supervisor: dashboard card, inbox with team JP, a decision, the follow-up.
        context, page = gallery.session(width, city.supervisor.user.username)
        expect(page.get_by_test_id("training-approvals-card")).to_be_visible()
        gallery.shoot(page, "dashboard-supervisor", width)
        gallery.open_menu_entry(page, "nav-training-approvals", width)
        expect(page.get_by_test_id("inbox")).to_be_visible()
        gallery.shoot(page, "approvals", width)
        page.locator("[data-testid=bulk-form] button[value=reject]").click()
        expect(page.get_by_test_id("form-errors")).to_be_visible()
        gallery.shoot(page, "approvals-errors", width)
        page.goto(f"{url}/training/registrations/{picture['waiting'].pk}/")
        expect(page.get_by_test_id("decide")).to_be_visible()
        gallery.shoot(page, "registration-decide", width)
        page.goto(f"{url}/training/follow-ups/{picture['question'].pk}/")
        expect(page.get_by_test_id("follow-up-form")).to_be_visible()
        gallery.shoot(page, "follow-up", width)
        context.close()

        # The operator: nominate, the OPD's registrations, JP shortfall, outside learning.
        context, page = gallery.session(width, city.operator.user.username)
        gallery.open_menu_entry(page, "nav-training-opd", width)
        expect(page.get_by_test_id("nominate-form")).to_be_visible()
        gallery.shoot(page, "opd", width)
        page.fill("#id_nip", _person("Rina Marlina").nip)
        page.select_option("#id_session", index=1)
        page.locator("[data-testid=nominate-form] button[type=submit]").click()
        expect(page.get_by_test_id("form-errors")).to_be_visible()
        gallery.shoot(page, "opd-nominate-errors", width)
        page.goto(f"{url}/training/opd/jp/")
        expect(page.get_by_test_id("opd-shortfall")).to_be_visible()
        gallery.shoot(page, "opd-jp", width)
        page.goto(f"{url}/training/outside/")
        expect(page.get_by_test_id("outside-queue")).to_be_visible()
        gallery.shoot(page, "outside-queue", width)
        page.locator("[data-testid=outside-queue-row] a.btn-primary").first.click()
        expect(page.get_by_test_id("decide-form")).to_be_visible()
        gallery.shoot(page, "outside-detail", width)
        context.close()

        # An employee with nothing yet: the empty states say what to do next.
        context, page = gallery.session(width, _person("Sri Wahyuni").user.username)
        page.goto(f"{url}/training/me/")
        expect(page.get_by_test_id("my-registrations-empty")).to_be_visible()
        gallery.shoot(page, "my-registrations-empty", width)
        page.goto(f"{url}/training/me/jp/")
        gallery.shoot(page, "my-jp-empty", width)
        context.close()

    assert gallery.script_errors == []
    assert gallery.overflowing == [], f"these phone pages scroll sideways: {gallery.overflowing}"
