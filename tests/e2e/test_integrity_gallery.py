"""Screenshots of the integrity pages for review, at desktop (1366×900) and phone (360×780)
widths, in Indonesian (locale id-ID, the site's language): the Inspektorat's register and
record pages, the compliance dashboard, "Integritas saya" and the profile tab as each role
sees it. Each phone page must fit the screen: no sideways scrolling of the page itself."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from asn_portal import services as core_services
from asn_portal.models import Employee, Role
from integrity import selectors, services
from integrity.models import CaseStatus, GratificationStatus, SanctionType
from tests.e2e.conftest import DESKTOP, PHONE, browser_db, has_no_horizontal_overflow, sign_in

pytestmark = [pytest.mark.browser, browser_db]

WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
TODAY = dt.date(2026, 11, 28)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"


def _pdf(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _person(name: str) -> Employee:
    return Employee.objects.get(name=name)


def build_integrity_picture(city) -> dict:
    """A realistic integrity picture for the demo city, through the services."""
    inspektur = _person("Yusuf Hakim")
    core_services.grant_role(inspektur.user, Role.INSPEKTORAT, by=None)
    by = inspektur.user

    def sanction(name, code, starts_on, violation):
        return services.record_sanction(
            employee=_person(name),
            type=SanctionType.objects.get(code=code),
            decree_number=f"800/{starts_on:%m%d}/{starts_on:%Y}",
            decree_on=starts_on - dt.timedelta(days=10),
            issued_by="Wali Kota Semarang",
            starts_on=starts_on,
            violation=violation,
            by=by,
            today=TODAY,
        )

    budi = sanction(
        "Budi Santoso",
        "potong_tukin_25_6_bulan",
        dt.date(2026, 9, 1),
        "Tidak masuk kerja tanpa alasan yang sah selama 12 hari kerja dalam tahun 2026.",
    )
    sanction("Joko Susilo", "teguran_tertulis", dt.date(2026, 4, 14), "Terlambat masuk kerja berulang kali.")
    sanction(
        "Rudi Hartono",
        "penurunan_jabatan_12_bulan",
        dt.date(2025, 6, 2),
        "Menerima imbalan dari pemohon layanan kependudukan.",
    )
    annulled = sanction("Endang Sulistyowati", "teguran_lisan", dt.date(2026, 2, 3), "Tidak mengikuti apel pagi.")
    services.annul_sanction(annulled, decree_number="862/04/2026", decree_on=dt.date(2026, 3, 10), by=by, today=TODAY)

    case = services.open_case(
        employee=_person("Eko Saputro"),
        category="pungli_korupsi",
        source="aduanasn",
        summary="Aduan melalui aduanasn.id: dugaan permintaan uang pada proses izin galian.",
        opened_on=dt.date(2026, 10, 20),
        alleged_level="berat",
        by=by,
        today=TODAY,
    )
    services.advance_case(
        case, status=CaseStatus.VERIFIKASI, by=by, on=dt.date(2026, 10, 27), note="Pelapor dihubungi."
    )
    services.add_evidence(case, uploaded=_pdf("tangkapan-layar-aduan.pdf"), description="Tangkapan layar aduan", by=by)
    services.open_case(
        employee=_person("Gilang Ramadhan"),
        category="netralitas",
        source="masyarakat",
        summary="Unggahan dukungan kepada calon kepala daerah di media sosial.",
        opened_on=dt.date(2026, 11, 2),
        alleged_level="sedang",
        by=by,
        today=TODAY,
    )

    services.open_filing_year(2025, today=TODAY, by=by)
    for index, employee in enumerate(Employee.objects.in_service().order_by("name", "id")):
        if index % 5 == 4:
            continue  # not filed
        submitted = dt.date(2026, 3, 3) + dt.timedelta(days=index * 2)  # some after 31 March: late
        services.record_submission(employee, year=2025, submitted_on=submitted, by=by, today=TODAY)
    services.designate_lhkpn(
        _person("Joko Susilo"),
        must_file=True,
        decree_number="188.4/77/2026",
        decree_on=dt.date(2026, 1, 15),
        valid_from=dt.date(2026, 1, 1),
        by=by,
        today=TODAY,
    )

    pegawai = city.pegawai
    for received, reported, giver, what, value in (
        (dt.date(2026, 8, 12), dt.date(2026, 8, 20), "Keluarga pasien", "Parsel buah dan kue kering.", 450000),
        (dt.date(2026, 6, 2), dt.date(2026, 7, 1), "PT Sehat Sentosa", "Voucher belanja.", 1500000),
    ):
        services.report_gratification(
            employee=pegawai,
            received_on=received,
            giver=giver,
            description=what,
            estimated_value=Decimal(value),
            relation_to_duty="Pelayanan di puskesmas.",
            reported_on=reported,
            by=pegawai.user,
        )
    report = services.report_gratification(
        employee=_person("Maya Kusumawati"),
        received_on=dt.date(2026, 10, 1),
        giver="Distributor obat PT Farma Jaya",
        description="Jam tangan.",
        estimated_value=Decimal(3200000),
        relation_to_duty="Pengadaan obat RSUD.",
        reported_on=dt.date(2026, 10, 8),
        by=None,
    )
    services.process_gratification(report, status=GratificationStatus.DIVERIFIKASI, by=by, on=dt.date(2026, 10, 9))

    event = services.record_drug_test_event(
        held_on=dt.date(2026, 10, 6),
        organiser="BNNK Kota Semarang",
        units=[_person("Budi Santoso").opd, _person("Eko Saputro").opd],
        notes="Tes urine mendadak bersama Dinas Kesehatan.",
        by=by,
        today=TODAY,
    )
    for name, outcome in (("Budi Santoso", "negatif"), ("Dewi Lestari", "negatif"), ("Joko Susilo", "tidak_hadir")):
        services.record_drug_test_result(
            event=event, employee=_person(name), outcome=outcome, follow_up="", notes="", by=by
        )
    services.record_drug_test_result(
        event=event, employee=_person("Putri Ayuningtyas"), outcome="positif", follow_up="asesmen", notes="", by=by
    )

    for name in ("Dewi Lestari", "Budi Santoso", "Siti Rahmawati"):
        services.record_pact(
            employee=_person(name),
            occasion="tahunan",
            signed_on=dt.date(2026, 1, 5),
            document=_pdf("pakta.pdf"),
            by=by,
            today=TODAY,
        )
    return {"inspektur": inspektur, "sanction": budi, "case": case, "report": report, "event": event}


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
        """Follow a main-menu entry as a user would (on a phone, the menu opens first)."""
        if width == "phone":
            page.locator(".navbar-toggler").click()
        page.get_by_test_id(testid).click()

    def shoot(self, page, name: str, width: str) -> None:
        page.wait_for_load_state("networkidle")
        if width == "phone" and not has_no_horizontal_overflow(page):
            self.overflowing.append(name)
        page.screenshot(path=self.output_dir / f"integrity-{name}-{width}.png", full_page=True)


@pytest.fixture
def integrity_city(demo_city, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(selectors, "today", lambda: TODAY)
    return demo_city, build_integrity_picture(demo_city)


def test_every_integrity_page_fits_a_phone_and_a_desktop(browser, live_server, test_output_dir, integrity_city):
    city, picture = integrity_city
    gallery = Gallery(browser, live_server.url, test_output_dir)
    url = live_server.url
    inspektur = picture["inspektur"].user.username
    for width in WIDTHS:
        # The Inspektorat: dashboard card, the register's tabs, forms and record pages.
        context, page = gallery.session(width, inspektur)
        expect(page.get_by_test_id("integrity-card")).to_be_visible()
        gallery.shoot(page, "dashboard-inspektorat", width)
        gallery.open_menu_entry(page, "nav-integrity", width)
        expect(page.get_by_test_id("register-table")).to_be_visible()
        gallery.shoot(page, "register-sanctions", width)
        for tab in ("aduan", "lhkpn", "gratifikasi", "tes-urine", "pakta"):
            page.goto(f"{url}/integrity/?tab={tab}")
            expect(page.get_by_test_id("register-table")).to_be_visible()
            gallery.shoot(page, f"register-{tab}", width)
        page.goto(f"{url}/integrity/?tab=hukuman&q=tidak-ada-nama-ini")
        expect(page.get_by_test_id("register-empty")).to_be_visible()
        gallery.shoot(page, "register-empty", width)
        page.goto(f"{url}/integrity/sanctions/new/")
        gallery.shoot(page, "sanction-form", width)
        page.fill("#id_nip", city.searched.formatted_nip)
        expect(page.locator("#id_nip_preview")).to_contain_text(city.searched.name)
        page.fill("#id_decree_number", "800/1/2026")
        page.fill("#id_decree_on", "2027-01-05")
        page.locator("[data-testid=record-form] button[type=submit]").click()
        expect(page.get_by_test_id("form-errors")).to_be_visible()
        gallery.shoot(page, "sanction-form-errors", width)
        for name, path in (
            ("sanction-detail", f"/integrity/sanctions/{picture['sanction'].pk}/"),
            ("case-detail", f"/integrity/cases/{picture['case'].pk}/"),
            ("gratification-detail", f"/integrity/gratification/{picture['report'].pk}/"),
            ("drug-test-detail", f"/integrity/drug-tests/{picture['event'].pk}/"),
            ("designations", "/integrity/designations/"),
            ("pact-form", "/integrity/pacts/new/"),
            ("drug-test-form", "/integrity/drug-tests/new/"),
            ("compliance-inspektorat", "/integrity/compliance/"),
            ("profile-tab-full", f"/employees/{city.searched.pk}/?tab=integritas"),
        ):
            page.goto(url + path)
            gallery.shoot(page, name, width)
        page.goto(f"{url}/integrity/?tab=lhkpn")
        page.get_by_test_id("register-table").locator("a").first.click()
        expect(page.get_by_test_id("filing-status")).to_be_visible()
        gallery.shoot(page, "filing-detail", width)
        context.close()

        # Admin BKPP: the filing-rate card, compliance, a standing on the profile.
        context, page = gallery.session(width, city.admin.username)
        expect(page.get_by_test_id("filing-rate-card")).to_be_visible()
        gallery.shoot(page, "dashboard-hr", width)
        gallery.open_menu_entry(page, "nav-integrity-compliance", width)
        expect(page.locator("#chart-filings")).to_be_visible()
        gallery.shoot(page, "compliance", width)
        page.goto(f"{url}/employees/{city.searched.pk}/?tab=integritas")
        expect(page.get_by_test_id("standing")).to_be_visible()
        gallery.shoot(page, "profile-tab-standing", width)
        context.close()

        # An employee: "Integritas saya" with the due-date preview, their own tab.
        context, page = gallery.session(width, city.pegawai.user.username)
        gallery.open_menu_entry(page, "nav-integrity-me", width)
        expect(page.get_by_test_id("my-reports")).to_be_visible()
        page.fill("#id_received_on", "2026-11-16")
        page.locator("#id_received_on").dispatch_event("change")
        expect(page.get_by_test_id("due-date")).to_be_visible()
        gallery.shoot(page, "me", width)
        page.locator("[data-testid=gratification-form] button[type=submit]").click()
        expect(page.get_by_test_id("form-errors")).to_be_visible()
        gallery.shoot(page, "me-errors", width)
        page.goto(f"{url}/employees/{city.pegawai.pk}/?tab=integritas")
        gallery.shoot(page, "profile-tab-own", width)
        context.close()

    assert gallery.script_errors == []
    assert gallery.overflowing == [], f"these phone pages scroll sideways: {gallery.overflowing}"
