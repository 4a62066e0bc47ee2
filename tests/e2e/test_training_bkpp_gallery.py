"""Screenshots of BKPP's training pages for review, at desktop (1366×900) and phone (360×780)
widths, in Indonesian (locale id-ID): sessions, programmes, a session's overview, schedule,
participants, attendance (ticking through htmx), results, evaluation, certificate revocation,
JP compliance (BKPP and an operator), mandatory training, the public verification page
(valid, revoked, unknown) and the certificate PDF rendered to PNG. Each phone page must fit
the screen: no sideways scrolling of the page itself."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from asn_portal.models import Employee, Position
from tests.e2e.conftest import DESKTOP, PHONE, browser_db, has_no_horizontal_overflow, sign_in
from training import services
from training.models import Certificate, ConfirmationMode, Program, Registration, SessionStatus
from training.views import bkpp

pytestmark = [pytest.mark.browser, browser_db]

WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
TODAY = dt.date(2026, 11, 27)


def _person(name: str) -> Employee:
    return Employee.objects.get(name=name)


def _program(code, title, category, jp, **fields) -> Program:
    values = {"code": code, "title": title, "category": category, "method": "klasikal", "default_jp": jp}
    values.update({"organiser": "bkpp", **fields})
    return services.save_program(Program(**values), by=None)


def _session(program, *, starts_on, days=3, capacity=30, opens_on=None, **fields):
    ends_on = starts_on + dt.timedelta(days=days - 1)
    opens_on = opens_on or starts_on - dt.timedelta(days=40)
    values = {
        "starts_on": starts_on,
        "ends_on": ends_on,
        "capacity": capacity,
        "registration_opens_on": opens_on,
        "registration_closes_on": starts_on - dt.timedelta(days=5),
        "cancellation_deadline": starts_on - dt.timedelta(days=3),
        "place": "Balai Diklat BKPP Kota Semarang, Jl. Fatmawati No. 73A",
        "confirmation_mode": ConfirmationMode.AUTOMATIC,
        "cost_per_participant": Decimal(750000),
    }
    values.update(fields)
    return services.create_session(program=program, by=None, **values)


def _open(session, on):
    return services.set_session_status(session, SessionStatus.OPEN, by=None, today=on)


def _nominate(session, names, admin, on):
    return [services.register(session=session, employee=_person(n), by=admin, today=on) for n in names]


def build_training_picture(city) -> dict:
    """A realistic training picture for the demo city, through the services."""
    admin = city.admin
    Position.objects.filter(name="Kepala Bidang Bina Marga").update(handles_procurement=True)
    Position.objects.filter(name="Analis Kepegawaian").update(handles_hr_promotion=True)
    Position.objects.filter(name="Camat Semarang Tengah").update(handles_licensing=True)
    Employee.objects.filter(name__in=("Eko Saputro", "Rudi Hartono")).update(position_since_on=dt.date(2023, 4, 1))

    skp = _program(
        "BIMTEK-SKP",
        "Bimtek Penyusunan SKP dan Manajemen Kinerja",
        "bimtek",
        24,
        competencies=["manajemen kinerja", "SKP"],
    )
    integrity = _program(
        "ANTIKORUPSI",
        "Pelatihan Integritas dan Pencegahan Korupsi",
        "diklat_teknis",
        32,
        is_integrity_training=True,
    )
    pbj = _program("PBJ-DASAR", "Pelatihan Pengadaan Barang/Jasa Pemerintah Tingkat Dasar", "diklat_fungsional", 40)
    pkp = _program(
        "PKP-2027",
        "Pelatihan Kepemimpinan Pengawas",
        "pkp",
        400,
        method="blended",
        organiser="bpsdmd_jateng",
        position_kinds=["pengawas"],
        min_rank_id=11,
    )
    _program("LATSAR-CPNS", "Pelatihan Dasar CPNS Golongan III", "latsar", 320, employment_types=["cpns"])
    _program("SIASN-ELEARN", "E-learning SIASN untuk Pengelola Kepegawaian", "elearning", 8, method="nonklasikal")
    _program("SEMINAR-DIGITAL", "Seminar Transformasi Digital Pelayanan Publik", "seminar", 6)

    # A finished Bimtek in August: results, certificates, evaluations, a follow-up.
    finished = _open(_session(skp, starts_on=dt.date(2026, 8, 10), capacity=12), dt.date(2026, 7, 1))
    done = _nominate(
        finished,
        ["Budi Santoso", "Dewi Lestari", "Sri Wahyuni", "Maya Kusumawati", "Dimas Anggara", "Rina Marlina"],
        admin,
        dt.date(2026, 7, 10),
    )
    services.set_session_status(finished, SessionStatus.RUNNING, by=admin, today=dt.date(2026, 8, 10))
    for day in finished.days.all():
        services.mark_all_present(day, by=admin)
    outcomes = [(True, 88), (True, 92), (True, 79), (False, 58), (True, 85), (None, None)]
    comments = [
        "Materi langsung bisa dipakai untuk SKP tim.",
        "",
        "Waktu praktik perlu ditambah.",
        "",
        "Narasumber sangat jelas.",
        "",
    ]
    for registration, (passed, score), comment in zip(done, outcomes, comments, strict=True):
        result = services.record_result(
            registration, passed=passed, by=admin, on=dt.date(2026, 8, 12), score=score and Decimal(score)
        )
        if passed is not None:
            services.submit_evaluation(
                result,
                content=5 if score and score > 80 else 4,
                trainer=5,
                organisation=4,
                usefulness=4,
                comment=comment,
            )
    services.set_session_status(finished, SessionStatus.FINISHED, by=admin, today=dt.date(2026, 8, 14))
    follow_up = services.ask_follow_up(Registration.objects.get(pk=done[0].pk), on=dt.date(2026, 11, 12))
    services.answer_follow_up(follow_up, is_used=True, comment="SKP bidang kini tersusun tepat waktu.", by=None)
    services.ask_follow_up(Registration.objects.get(pk=done[1].pk), on=dt.date(2026, 11, 12))
    revoked = Certificate.objects.get(registration=done[4])
    services.revoke_certificate(revoked, by=admin, reason="Data kehadiran peserta keliru.")

    # The integrity training running now: attendance on day 1, two results already in.
    running = _open(_session(integrity, starts_on=dt.date(2026, 11, 26), capacity=10), dt.date(2026, 10, 20))
    participants = _nominate(
        running,
        ["Eko Saputro", "Agus Prasetyo", "Arif Rahman", "Joko Susilo", "Kartika Sari", "Wulan Sari", "Gilang Ramadhan"],
        admin,
        dt.date(2026, 10, 25),
    )
    services.set_session_status(running, SessionStatus.RUNNING, by=admin, today=dt.date(2026, 11, 26))
    first_day = running.days.order_by("date").first()
    services.record_attendance(
        first_day, present={r.pk: r.employee.name != "Joko Susilo" for r in participants}, by=admin
    )
    services.record_result(participants[4], passed=True, by=admin, on=TODAY, score=Decimal("90.5"))
    services.record_result(
        participants[5], passed=False, by=admin, on=TODAY, score=Decimal(55), notes="Belum menyelesaikan tugas akhir."
    )

    # An open PBJ course, full, with an OPD quota, a waiting list and approvals pending.
    open_course = _open(
        _session(pbj, starts_on=dt.date(2026, 12, 7), capacity=5, opens_on=dt.date(2026, 11, 2)), dt.date(2026, 11, 2)
    )
    services.set_quota(
        open_course,
        opd=_person("Budi Santoso").opd,
        seats=2,
        release_on=dt.date(2026, 11, 30),
        by=admin,
        today=dt.date(2026, 11, 2),
    )
    _nominate(
        open_course,
        [
            "Ahmad Fauzi",
            "Putri Ayuningtyas",
            "Bambang Sutrisno",
            "Fajar Nugroho",
            "Teguh Wibowo",
            "Lestari Handayani",
            "Ratna Dewi",
        ],
        admin,
        dt.date(2026, 11, 10),
    )
    dewi = _person("Dewi Lestari")
    services.register(session=open_course, employee=dewi, by=dewi.user, today=dt.date(2026, 11, 12))

    # A draft for next year.
    draft = _session(pkp, starts_on=dt.date(2027, 2, 15), days=5, capacity=30)

    return {
        "finished": finished,
        "running": running,
        "open": open_course,
        "draft": draft,
        "certificate": Certificate.objects.get(registration=done[0]),
        "revoked": revoked,
        "pkp": pkp,
    }


class Gallery:
    def __init__(self, browser, base_url, output_dir):
        self.browser = browser
        self.base_url = base_url
        self.output_dir = output_dir
        self.overflowing: list[str] = []
        self.script_errors: list[str] = []

    def context(self, width: str, username: str | None):
        context = self.browser.new_context(viewport=WIDTHS[width], locale="id-ID", reduced_motion="reduce")
        page = context.new_page()
        page.on("pageerror", lambda error: self.script_errors.append(str(error)))
        if username:
            sign_in(page, self.base_url, username)
        return context, page

    def shoot(self, page, name: str, width: str) -> None:
        page.wait_for_load_state("networkidle")
        if width == "phone" and not has_no_horizontal_overflow(page):
            self.overflowing.append(name)
        page.screenshot(path=self.output_dir / f"training-bkpp-{name}-{width}.png", full_page=True)


@pytest.fixture
def training_city(demo_city, monkeypatch):
    monkeypatch.setattr(bkpp, "today", lambda: TODAY)
    return demo_city, build_training_picture(demo_city)


def test_every_bkpp_training_page_fits_a_phone_and_a_desktop(browser, live_server, test_output_dir, training_city):
    city, picture = training_city
    gallery = Gallery(browser, live_server.url, test_output_dir)
    url = live_server.url
    manage = f"{url}/training/manage"
    running, open_course, finished = picture["running"], picture["open"], picture["finished"]
    for width in WIDTHS:
        context, page = gallery.context(width, city.admin.username)
        if width == "phone":
            page.locator(".navbar-toggler").click()
        page.get_by_test_id("nav-training-manage").click()
        expect(page.get_by_test_id("session-table")).to_be_visible()
        gallery.shoot(page, "sessions", width)
        page.goto(f"{manage}/programs/")
        expect(page.get_by_test_id("program-table")).to_be_visible()
        gallery.shoot(page, "programs", width)
        page.goto(f"{manage}/programs/{picture['pkp'].pk}/edit/")
        gallery.shoot(page, "program-form", width)
        page.fill("#id_default_jp", "0")
        page.locator("[data-testid=program-form] button[type=submit]").click()
        expect(page.get_by_test_id("form-errors")).to_be_visible()
        gallery.shoot(page, "program-form-errors", width)
        page.goto(f"{manage}/sessions/new/?program={picture['pkp'].pk}")
        gallery.shoot(page, "session-form", width)

        page.goto(f"{manage}/sessions/{open_course.pk}/")
        expect(page.get_by_test_id("quota-table")).to_be_visible()
        gallery.shoot(page, "session-detail", width)
        page.fill("#id_capacity", "3")
        page.locator("[data-testid=capacity-form] button[type=submit]").click()
        expect(page.locator("#id_capacity_error")).to_be_visible()
        gallery.shoot(page, "session-capacity-error", width)
        page.goto(f"{manage}/sessions/{picture['draft'].pk}/")
        gallery.shoot(page, "session-draft", width)
        page.goto(f"{manage}/sessions/{running.pk}/schedule/")
        gallery.shoot(page, "schedule", width)
        page.goto(f"{manage}/sessions/{open_course.pk}/participants/")
        expect(page.get_by_test_id("waiting-list")).to_be_visible()
        gallery.shoot(page, "participants", width)

        # Attendance of the running course (day 2 on the desktop, day 3 on the phone, both
        # still empty): tick one switch (htmx), then all.
        day = running.days.order_by("date")[1 if width == "desktop" else 2]
        page.goto(f"{manage}/sessions/{running.pk}/attendance/?day={day.pk}")
        expect(page.get_by_test_id("attendance-grid")).to_be_visible()
        row = page.locator("#attendance-grid tbody tr").first
        row.locator("input[type=checkbox]").check()
        expect(page.locator("#attendance-grid tbody tr").first.locator(".text-success")).to_be_visible()
        expect(page.locator("#present-count")).to_have_text("1")
        gallery.shoot(page, "attendance", width)
        page.get_by_test_id("all-present").click()
        expect(page.locator("#present-count")).to_have_text("5")  # the 5 without a result yet
        gallery.shoot(page, "attendance-all", width)

        page.goto(f"{manage}/sessions/{running.pk}/results/")
        expect(page.get_by_test_id("results-form")).to_be_visible()
        gallery.shoot(page, "results", width)
        page.goto(f"{manage}/sessions/{finished.pk}/results/")
        gallery.shoot(page, "results-finished", width)
        page.goto(f"{manage}/sessions/{finished.pk}/evaluation/")
        expect(page.get_by_test_id("comments")).to_be_visible()
        gallery.shoot(page, "evaluation", width)
        page.goto(f"{manage}/certificates/{picture['certificate'].pk}/revoke/")
        gallery.shoot(page, "certificate-revoke", width)
        page.goto(f"{manage}/compliance/")
        expect(page.locator("#chart-jp")).to_be_visible()
        gallery.shoot(page, "compliance", width)
        page.goto(f"{manage}/mandatory/")
        gallery.shoot(page, "mandatory-leadership", width)
        page.goto(f"{manage}/mandatory/?list=integrity")
        gallery.shoot(page, "mandatory-integrity", width)
        context.close()

        # The operator of Dinas Kesehatan: compliance of their OPD only.
        context, page = gallery.context(width, city.operator.user.username)
        page.goto(f"{manage}/compliance/")
        expect(page.get_by_test_id("compliance-table")).to_be_attached()
        gallery.shoot(page, "compliance-operator", width)
        context.close()

        # Anyone with the QR code: the public verification page, without signing in.
        context, page = gallery.context(width, None)
        page.goto(f"{url}/v/{picture['certificate'].code}/")
        expect(page.get_by_test_id("verdict")).to_have_attribute("data-valid", "true")
        gallery.shoot(page, "verify-valid", width)
        page.goto(f"{url}/v/{picture['revoked'].code}/")
        expect(page.get_by_test_id("verdict")).to_have_attribute("data-valid", "false")
        gallery.shoot(page, "verify-revoked", width)
        page.goto(f"{url}/v/kode-yang-tidak-ada/")
        expect(page.get_by_test_id("verification-unknown")).to_be_visible()
        gallery.shoot(page, "verify-unknown", width)
        context.close()

    assert gallery.script_errors == []
    assert gallery.overflowing == [], f"these phone pages scroll sideways: {gallery.overflowing}"


def test_the_certificate_pdf_renders_to_an_image(browser, live_server, test_output_dir, training_city):
    city, picture = training_city
    gallery = Gallery(browser, live_server.url, test_output_dir)
    context, page = gallery.context("desktop", picture["certificate"].registration.employee.user.username)

    response = page.request.get(
        f"{live_server.url}/training/manage/registrations/{picture['certificate'].registration_id}/certificate.pdf"
    )

    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = test_output_dir / "training-bkpp-certificate.pdf"
    pdf.write_bytes(response.body())
    context.close()
    if not shutil.which("pdftoppm"):
        pytest.skip("needs pdftoppm (poppler-utils) to render the PDF")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(test_output_dir / "training-bkpp-certificate")],
        check=True,
    )
    assert (test_output_dir / "training-bkpp-certificate.png").stat().st_size > 10_000
