"""Screenshots of every careers page for review, at desktop (1366×900) and phone (360×780)
widths, in Indonesian (locale id-ID): "Kenaikan pangkat saya", the supervisor's team, the
candidates of a period (with the live filter), proposing one employee (eligible, and not
eligible), the proposals list, a proposal at BKPP's verification, Satyalancana, the profile
tabs and the dashboard cards. Each phone page must fit the screen (no sideways scrolling of
the page itself), and no page may log a script error.

Until `make messages` merges locale/pending/ into the catalogue, the gallery compiles a copy
of the catalogue with the pending snippets merged in (never touching the real one), so the
screenshots show the Indonesian the users will read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from asn_portal.models import Employee, OrgUnit, Position, PositionKind, Rank
from careers import history, proposals, selectors
from careers.models import DocumentKind, Predikat
from tests.careers.factories import appoint, award, diploma, exam, position_history, rank_history, skp
from tests.e2e.conftest import DESKTOP, PASSWORD, PHONE, browser_db, has_no_horizontal_overflow, sign_in
from tests.factories import EmployeeFactory

pytestmark = [pytest.mark.browser, browser_db]

WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
TODAY = dt.date(2026, 11, 28)  # the window of 1 January 2027 is open (16 November – 15 December)
PERIOD = dt.date(2027, 1, 1)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def indonesian(settings, tmp_path):
    """The catalogue with locale/pending/ merged in, compiled into a temporary locale folder."""
    with (ROOT / "locale/id/LC_MESSAGES/django.po").open("rb") as handle:
        catalog = read_po(handle, locale="id")
    known = {}
    for snippet in sorted((ROOT / "locale/pending").glob("*.po")):
        with snippet.open("rb") as handle:
            for message in read_po(handle, locale="id"):
                if message.id and message.string:
                    key = (message.id if isinstance(message.id, str) else message.id[0], message.context)
                    known.setdefault(key, message)
    for (key, context), pending in known.items():
        message = catalog.get(key, context=context)
        if message is None:
            catalog.add(pending.id, pending.string, flags=pending.flags, context=context)
        elif not (message.string if isinstance(message.string, str) else message.string[0]):
            message.string = pending.string
    folder = tmp_path / "locale" / "id" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "django.mo").open("wb") as handle:
        write_mo(handle, catalog)
    settings.LOCALE_PATHS = [tmp_path / "locale"]


@pytest.fixture
def pinned(monkeypatch):
    monkeypatch.setattr(selectors, "today", lambda: TODAY)


def _pelaksana(name: str, unit_code: str, supervisor, *, since: dt.date, born: dt.date, skp_ok=True) -> Employee:
    unit = OrgUnit.objects.get(code=unit_code)
    position, _ = Position.objects.get_or_create(
        unit=unit, name="Pengadministrasi Perkantoran", kind=PositionKind.PELAKSANA, jenjang=""
    )
    employee = EmployeeFactory(
        name=name,
        unit=unit,
        position=position,
        supervisor=supervisor,
        born=born,
        appointed=dt.date(2011, 3, 1),
        rank=Rank.objects.get(code="III/a"),
    )
    employee.user.set_password(PASSWORD)
    employee.user.save()
    appoint(employee, "III/a")
    rank_history(employee, "III/b", since)
    if skp_ok:
        for year in (2025, 2026):
            skp(employee, year, Predikat.BAIK, today=TODAY)
    return Employee.objects.get(pk=employee.pk)


def build_gallery(city):
    siti = city.supervisor
    rahmat = _pelaksana("Rahmat Hidayat", "DINKES-1", siti, since=dt.date(2018, 4, 1), born=dt.date(1987, 6, 12))
    wahyu = _pelaksana("Wahyu Nugroho", "DINKES-1", siti, since=dt.date(2019, 10, 1), born=dt.date(1988, 2, 3))
    _pelaksana("Sri Mulyani", "DINKES-2", siti, since=dt.date(2024, 4, 1), born=dt.date(1992, 8, 9))
    position_history(rahmat, "Pengadministrasi Perkantoran", dt.date(2018, 1, 2), decree_number="821.2/045/2018")
    diploma(rahmat, "S1", dt.date(2010, 9, 1), institution="Universitas Diponegoro", major="Manajemen", today=TODAY)
    exam(rahmat, passed_on=dt.date(2016, 11, 20), today=TODAY)
    award(rahmat, awarded_on=dt.date(2022, 8, 17), issuer="Presiden Republik Indonesia", today=TODAY)
    history.record_innovation(
        rahmat,
        title="Antrean daring layanan kesehatan haji",
        year=2025,
        unit=rahmat.unit,
        recognition="Top 45 Inovasi Pelayanan Publik Jawa Tengah",
        today=TODAY,
    )
    operator = city.operator.user
    proposal = proposals.propose(
        rahmat,
        period_on=PERIOD,
        by=operator,
        documents=[DocumentKind.SK_CPNS, DocumentKind.SK_PNS, DocumentKind.SK_PANGKAT, DocumentKind.SKP],
    )
    proposals.approve_as_supervisor(proposal, by=siti.user, note="Kinerja konsisten baik.")
    budi = Employee.objects.get(name="Budi Santoso")
    proposals.propose(
        budi,
        period_on=PERIOD,
        by=city.admin,
        override_reason="PAK 2026 sudah terbit di SIASN dan belum diimpor ke SIGAP.",
    )
    return {"rahmat": rahmat, "wahyu": wahyu, "budi": budi, "proposal": proposal}


@pytest.fixture
def gallery(demo_city, indonesian, pinned):
    return demo_city, build_gallery(demo_city)


def _shoot(browser, base_url, output_dir, username, pages, errors):
    for width, viewport in WIDTHS.items():
        context = browser.new_context(viewport=viewport, locale="id-ID", reduced_motion="reduce")
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "console",
            lambda message: (
                errors.append(f"{message.text} ({message.location.get('url', '')})")
                if message.type == "error"
                else None
            ),
        )
        sign_in(page, base_url, username)
        for name, path, check in pages:
            page.goto(base_url + path)
            if check:
                expect(page.locator(check).first).to_be_visible()
            page.wait_for_load_state("networkidle")
            if width == "phone":
                assert has_no_horizontal_overflow(page), f"{name} scrolls sideways on a phone"
            page.screenshot(path=output_dir / f"careers-{name}-{width}.png", full_page=True)
        context.close()


def test_the_careers_pages_at_desktop_and_phone_width(browser, live_server, test_output_dir, gallery):
    city, made = gallery
    errors: list[str] = []
    rahmat, proposal = made["rahmat"], made["proposal"]
    base = live_server.url

    _shoot(
        browser,
        base,
        test_output_dir,
        rahmat.user.username,
        [
            ("my-promotion", "/careers/me/", "[data-testid=outlook-summary]"),
            ("tab-pangkat", f"/employees/{rahmat.pk}/?tab=pangkat", "[data-testid=rank-row]"),
            ("tab-jabatan", f"/employees/{rahmat.pk}/?tab=jabatan", "[data-testid=position-row]"),
            ("tab-pendidikan", f"/employees/{rahmat.pk}/?tab=pendidikan", "[data-testid=diploma-row]"),
            ("tab-skp", f"/employees/{rahmat.pk}/?tab=skp", "[data-testid=rating-row]"),
            ("tab-penghargaan", f"/employees/{rahmat.pk}/?tab=penghargaan", "[data-testid=tab-awards]"),
            ("dashboard-employee", "/", "[data-testid=careers-outlook-card]"),
        ],
        errors,
    )
    _shoot(
        browser,
        base,
        test_output_dir,
        city.supervisor.user.username,
        [("team", "/careers/team/", "[data-testid=team]")],
        errors,
    )
    _shoot(
        browser,
        base,
        test_output_dir,
        city.operator.user.username,
        [
            ("candidates-operator", "/careers/candidates/", "[data-testid=candidate-table]"),
            ("candidates-failing", "/careers/candidates/?failing=time", "[data-testid=candidate-table]"),
            ("propose", f"/careers/candidates/{made['wahyu'].pk}/propose/", "[data-testid=propose-form]"),
            ("propose-not-eligible", f"/careers/candidates/{city.pegawai.pk}/propose/", "[data-testid=not-eligible]"),
            ("proposals-operator", "/careers/proposals/", "[data-testid=proposal-table]"),
            ("dashboard-operator", "/", "[data-testid=careers-candidates-card]"),
        ],
        errors,
    )
    _shoot(
        browser,
        base,
        test_output_dir,
        city.admin.username,
        [
            ("candidates-bkpp", "/careers/candidates/?status=all", "[data-testid=candidate-table]"),
            ("proposals-bkpp", "/careers/proposals/?state=supervisor_approved", "[data-testid=proposal-table]"),
            ("proposal-verify", f"/careers/proposals/{proposal.pk}/", "[data-testid=verify-form]"),
            ("satyalancana", "/careers/satyalancana/", "[data-testid=satyalancana-table]"),
            ("dashboard-bkpp", "/", "[data-testid=careers-candidates-card]"),
        ],
        errors,
    )

    assert errors == []
