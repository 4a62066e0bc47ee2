"""The promotion journey in a real browser (Chromium through Playwright), four people, four
sign-ins through the login form:

1. the Operator OPD of Dinas Kesehatan opens "Kenaikan pangkat", finds an eligible employee
   among the candidates of the period whose window is open, opens the proposal page and
   proposes with the document checklist ticked;
2. the direct supervisor approves it from the team page — on a phone;
3. Admin BKPP finds it among the proposals to verify, verifies the dossier, records it as
   sent to BKN with the reference number and records the decree (number, date, TMT, rank);
4. the employee sees the new rank on the profile (rank tab and the header) and the
   proposal granted on "My promotion".

The clock is the real one: the period is the one whose proposal window is open today (under
the monthly regime every day lies in exactly one window), and the employee's SKP are those of
the two years before it. After each step the proposal's state is checked in the database as
well as on the page; screenshots go to test-output/ for review."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from asn_portal.models import Employee, OrgUnit, Position, PositionKind, Rank
from careers import selectors
from careers.models import DocumentKind, Predikat, PromotionProposal, ProposalState, RankHistory
from tests.careers.factories import appoint, rank_history, skp
from tests.e2e.conftest import DESKTOP, PASSWORD, PHONE, browser_db, has_no_horizontal_overflow, sign_in
from tests.factories import EmployeeFactory

pytestmark = [pytest.mark.browser, browser_db]

P = ProposalState
DECREE = "800.1.3.3/KP.0142/2026"
REFERENCE = "KP-SIASN-2026-11-004817"


def build_candidate(city, today: dt.date) -> tuple[Employee, dt.date]:
    """Rahmat Hidayat, pelaksana in Dinkes' bidang P2P under Siti Rahmawati: III/b since April
    2018, SKP Baik in the two years before the open period's year — a regular promotion to
    III/c."""
    period = selectors.default_period(selectors.period_choices(today))
    unit = OrgUnit.objects.get(code="DINKES-1")
    position, _created = Position.objects.get_or_create(
        unit=unit, name="Pengadministrasi Perkantoran", kind=PositionKind.PELAKSANA, jenjang=""
    )
    employee = EmployeeFactory(
        name="Rahmat Hidayat",
        back_title="S.E.",
        unit=unit,
        position=position,
        supervisor=city.supervisor,
        born=dt.date(1987, 6, 12),
        appointed=dt.date(2012, 3, 1),
        rank=Rank.objects.get(code="III/a"),
    )
    employee.user.set_password(PASSWORD)
    employee.user.save()
    appoint(employee, "III/a")
    rank_history(employee, "III/b", dt.date(2018, 4, 1))
    for year in (period.year - 2, period.year - 1):
        skp(employee, year, Predikat.BAIK, today=today)
    return Employee.objects.get(pk=employee.pk), period


@pytest.fixture
def careers_city(demo_city):
    today = timezone.localdate()
    employee, period = build_candidate(demo_city, today)
    return demo_city, employee, period, today


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
        url = message.location.get("url", "")
        # The refused decree (a TMT that is not a period) is answered 400 on purpose, and
        # Chromium reports every 4xx page load on the console.
        if message.type == "error" and not ("status of 400" in message.text and url.endswith("/decree/")):
            self.script_errors.append(f"{message.text} ({url})")

    def shoot(self, page, name: str) -> None:
        page.wait_for_load_state("networkidle")
        page.screenshot(path=self.output_dir / f"careers-journey-{name}.png", full_page=True)


def _message(page):
    return page.locator(".sigap-messages .alert")


def _proposal(employee: Employee) -> PromotionProposal:
    return PromotionProposal.objects.get(employee=employee)


def test_an_operator_proposes_the_supervisor_approves_bkpp_records_the_decree_and_the_rank_changes(
    browser, live_server, test_output_dir, careers_city
):
    city, rahmat, period, today = careers_city
    people = Journey(browser, live_server.url, test_output_dir)
    iso = period.isoformat()

    # 1. The operator: the candidates of the open period, the proposal with its checklist.
    context, page = people.sign_in(city.operator.user.username)
    page.get_by_test_id("nav-careers").click()
    expect(page).to_have_url(re.compile(r"/careers/candidates/$"))
    expect(page.get_by_test_id("window")).to_have_attribute("data-window", "open")
    row = page.locator(f"[data-testid=candidate-row][data-employee='{rahmat.pk}']")
    expect(row).to_have_attribute("data-eligible", "1")
    expect(row).to_contain_text("III/c")
    expect(row.locator("input[name=employees]")).to_be_enabled()
    people.shoot(page, "01-candidates")
    row.get_by_test_id("row-propose").click()

    expect(page).to_have_url(re.compile(rf"/careers/candidates/{rahmat.pk}/propose/\?period={iso}$"))
    expect(page.get_by_test_id("eligibility-badge")).to_have_attribute("data-eligible", "1")
    expect(page.locator("[data-testid=criteria] [data-ok='0']")).to_have_count(0)
    form = page.get_by_test_id("propose-form")
    boxes = form.locator("input[name=documents]")
    expect(boxes).to_have_count(5)  # SK CPNS, SK PNS, SK pangkat, SKP, ijazah (regular)
    for index in range(5):
        boxes.nth(index).check()
    people.shoot(page, "02-propose")
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/careers/proposals/\d+/$"))
    proposal = _proposal(rahmat)
    assert proposal.state == P.PROPOSED
    assert proposal.period_on == period
    assert all(proposal.documents.values())
    assert proposal.eligibility["eligible"] is True
    expect(page.get_by_test_id("proposal-state").locator("[data-state]")).to_have_attribute("data-state", P.PROPOSED)
    expect(page.get_by_test_id("next-step")).to_contain_text(city.supervisor.full_name)
    people.shoot(page, "03-proposed")
    context.close()

    # 2. The supervisor approves from the team page, on a phone.
    context, page = people.sign_in(city.supervisor.user.username, viewport=PHONE)
    expect(page.get_by_test_id("card-proposals-waiting")).to_have_text("1")
    page.get_by_test_id("careers-supervisor-card").locator("a").click()
    expect(page).to_have_url(re.compile(r"/careers/team/$"))
    inbox_row = page.locator(f"[data-testid=inbox-row][data-proposal='{proposal.pk}']")
    expect(inbox_row).to_contain_text(rahmat.full_name)
    expect(inbox_row).to_contain_text("III/c")
    assert has_no_horizontal_overflow(page)
    people.shoot(page, "04-team-phone")
    inbox_row.locator(f"form[action$='/proposals/{proposal.pk}/approve/'] button").click()

    expect(_message(page)).to_contain_text(rahmat.full_name)
    expect(page.get_by_test_id("inbox-empty")).to_be_visible()
    assert has_no_horizontal_overflow(page)
    people.shoot(page, "05-approved-phone")
    assert _proposal(rahmat).state == P.SUPERVISOR_APPROVED
    context.close()

    # 3. Admin BKPP: verify, send to BKN, record the decree.
    context, page = people.sign_in(city.admin.username)
    page.get_by_test_id("nav-careers").click()
    page.get_by_test_id("careers-tabs").locator("a[href$='/careers/proposals/']").click()
    page.locator("[data-state-tab=supervisor_approved]").click()
    listed = page.locator(f"[data-testid=proposal-row][data-proposal='{proposal.pk}']")
    expect(listed).to_contain_text(rahmat.full_name)
    people.shoot(page, "06-to-verify")
    listed.locator("a").first.click()

    verify = page.get_by_test_id("verify-form")
    expect(verify.locator("input[name=documents]:checked")).to_have_count(5)
    people.shoot(page, "07-verify")
    verify.locator("button[type=submit]").click()
    expect(page.get_by_test_id("proposal-state").locator("[data-state]")).to_have_attribute("data-state", P.VERIFIED)
    assert _proposal(rahmat).state == P.VERIFIED

    submit = page.get_by_test_id("submit-form")
    submit.locator("input[name=bkn_reference]").fill(REFERENCE)
    submit.locator("button[type=submit]").click()
    expect(page.get_by_test_id("bkn-reference")).to_have_text(REFERENCE)
    assert _proposal(rahmat).state == P.SUBMITTED

    decree = page.get_by_test_id("decree-form")
    expect(decree.locator("input[name=tmt_on]")).to_have_value(iso)
    expect(decree.locator("select[name=rank]")).to_have_value(str(Rank.objects.get(code="III/c").pk))
    # A TMT that is not a period date is refused with a message, and nothing is written.
    decree.locator("input[name=decree_number]").fill(DECREE)
    decree.locator("input[name=tmt_on]").fill((period + dt.timedelta(days=14)).isoformat())
    decree.locator("button[type=submit]").click()
    expect(page.get_by_test_id("decree-form").get_by_test_id("form-errors")).to_be_visible()
    refused_day = period + dt.timedelta(days=14)
    expect(page.get_by_test_id("decree-form").locator(".invalid-feedback")).to_contain_text(f"{refused_day.day} ")
    assert _proposal(rahmat).state == P.SUBMITTED
    assert not RankHistory.objects.filter(employee=rahmat, rank__code="III/c").exists()
    people.shoot(page, "08-decree-refused")

    decree = page.get_by_test_id("decree-form")
    decree.locator("input[name=decree_number]").fill(DECREE)
    decree.locator("input[name=tmt_on]").fill(iso)
    people.shoot(page, "09-decree")
    decree.locator("button[type=submit]").click()

    expect(_message(page)).to_contain_text(rahmat.full_name)
    expect(page.get_by_test_id("proposal-state").locator("[data-state]")).to_have_attribute("data-state", P.APPROVED)
    expect(page.get_by_test_id("decree")).to_contain_text(DECREE)
    expect(page.get_by_test_id("timeline").locator("li")).to_have_count(5)
    people.shoot(page, "10-granted")
    granted = _proposal(rahmat)
    assert (granted.state, granted.decree_number) == (P.APPROVED, DECREE)
    employee = Employee.objects.select_related("rank").get(pk=rahmat.pk)
    assert (employee.rank.code, employee.rank_tmt_on) == ("III/c", period)
    assert RankHistory.objects.get(employee=rahmat, rank__code="III/c").tmt_on == period
    context.close()

    # 4. The employee: the new rank on the profile, the proposal granted.
    context, page = people.sign_in(rahmat.user.username)
    page.goto(f"{live_server.url}/employees/{rahmat.pk}/?tab=pangkat")
    first = page.locator("[data-testid=rank-row]").first
    expect(first).to_have_attribute("data-rank", "III/c")
    expect(first).to_contain_text(DECREE)
    expect(page.locator(".profile-hero")).to_contain_text("III/c")
    people.shoot(page, "11-profile-rank")
    page.get_by_test_id("nav-careers").click()
    mine = page.locator(f"[data-testid=my-proposal][data-proposal='{proposal.pk}']")
    expect(mine.locator("[data-state]")).to_have_attribute("data-state", P.APPROVED)
    people.shoot(page, "12-my-promotion")

    page.set_viewport_size(PHONE)
    page.reload()
    assert has_no_horizontal_overflow(page)
    people.shoot(page, "13-my-promotion-phone")
    context.close()

    assert people.script_errors == []
    assert DocumentKind.SKP in granted.documents
