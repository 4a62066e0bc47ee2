"""The study-leave journey in a real browser (Chromium through Playwright), four people, four
sign-ins through the login form:

1. the employee (Dewi Lestari, Perawat of Dinkes' bidang P2P) opens "Karier" → "Studi saya",
   starts an application and watches the live pre-check follow the form (an accreditation
   below B fails at once, A passes), saves the draft, uploads the five required documents
   and sends it;
2. the direct supervisor recommends it from the dashboard card and the inbox — on a phone;
3. the Operator OPD of Dinas Kesehatan finds it among the dossiers to check and confirms it
   complete;
4. Admin BKPP finds it among the applications to decide, tries the decree without a number
   (refused with a message, nothing written) and approves with the SK number and date;
5. the employee sees the approved study on "Studi saya", on the dashboard and on the profile.

Then a gallery of the other study pages (an ongoing study with its report and extension, the
roster of studies, bonds and early exits, the list, the forms) at desktop and phone widths:
each must fit a phone without sideways scrolling.

The clock is the real one: the journey's study starts on the first day of the month three
months ahead; the gallery's studies started five months ago. After each step the
application's state is checked in the database as well as on the page; screenshots go to
test-output/ for review (study-journey-*.png, study-gallery-*.png), in Indonesian: like the
careers gallery, the catalogue with locale/pending/ merged in is compiled for the run."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from asn_portal.models import Employee, EmployeeStatus
from careers import study
from careers.models import StudyDocument, StudyLeave, StudyState
from tests.e2e.conftest import DESKTOP, browser_db, has_no_horizontal_overflow, sign_in
from tests.e2e.test_careers_gallery import indonesian  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, browser_db]

S = StudyState
PHONE = {"width": 390, "height": 844}
DECREE = "800.1.11/0457/BKPP/2026"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


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
        # The refused decree is answered 400 on purpose, and Chromium reports every 4xx page
        # load on the console.
        if message.type == "error" and not ("status of 400" in message.text and url.endswith("/approve/")):
            self.script_errors.append(f"{message.text} ({url})")

    def shoot(self, page, name: str) -> None:
        page.wait_for_load_state("networkidle")
        page.screenshot(path=self.output_dir / f"study-journey-{name}.png", full_page=True)


def _message(page):
    return page.locator(".sigap-messages .alert")


def _state(page):
    return page.get_by_test_id("study-state").locator("[data-state]")


def _leave(employee) -> StudyLeave:
    return StudyLeave.objects.get(employee=employee)


def _navbar_fits(page) -> bool:
    """The main menu's entries sit on one line (none wrapped below the first)."""
    return page.evaluate(
        """() => {
            const items = [...document.querySelectorAll('[data-testid=main-nav] > .nav-item')];
            return items.length > 0 && new Set(items.map((item) => item.offsetTop)).size === 1;
        }"""
    )


@pytest.mark.usefixtures("indonesian")
def test_an_employee_applies_the_supervisor_recommends_the_opd_checks_and_bkpp_approves(
    browser, live_server, test_output_dir, demo_city
):
    city = demo_city
    dewi = city.pegawai
    today = timezone.localdate()
    starts_on = (today + relativedelta(months=3)).replace(day=1)
    ends_on = starts_on + relativedelta(months=24)
    people = Journey(browser, live_server.url, test_output_dir)

    # 1. The employee: "Karier" → "Studi saya" → the application with its live pre-check.
    context, page = people.sign_in(dewi.user.username)
    page.get_by_test_id("nav-careers").click()
    page.locator("[data-study-tab=mine]").click()
    expect(page).to_have_url(re.compile(r"/careers/study/me/$"))
    expect(page.get_by_test_id("my-studies-empty")).to_be_visible()
    people.shoot(page, "01-my-study-empty")
    page.get_by_test_id("apply-link").click()

    expect(page).to_have_url(re.compile(r"/careers/study/new/$"))
    expect(page.get_by_test_id("precheck-waiting")).to_be_visible()
    form = page.get_by_test_id("study-form")
    form.locator("input[name=kind][value=tugas_belajar]").check()
    form.locator("select[name=level]").select_option(label="Magister (S2)")
    form.locator("input[name=program]").fill("Magister Keperawatan")
    form.locator("input[name=institution]").fill("Universitas Diponegoro")
    form.locator("select[name=accreditation]").select_option("C")
    form.locator("input[name=starts_on]").fill(starts_on.isoformat())
    form.locator("input[name=ends_on]").fill(ends_on.isoformat())
    precheck = page.get_by_test_id("precheck")
    # Below the minimum accreditation: the pre-check says so at once, criterion by criterion.
    expect(precheck).to_have_attribute("data-eligible", "0")
    expect(precheck.locator("[data-criterion]")).to_have_count(10)
    expect(precheck.locator("[data-criterion=accreditation]")).to_have_attribute("data-ok", "0")
    people.shoot(page, "02-precheck-failing")

    form.locator("select[name=accreditation]").select_option("A")
    expect(precheck.locator("[data-criterion=accreditation]")).to_have_attribute("data-ok", "1")
    expect(page.get_by_test_id("precheck")).to_have_attribute("data-eligible", "1")
    form.locator("select[name=funding]").select_option("apbd")
    form.locator("textarea[name=relevance]").fill(
        "Memperkuat asuhan keperawatan penyakit menular di bidang P2P dan pembinaan perawat puskesmas."
    )
    people.shoot(page, "03-precheck-met")
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/careers/study/\d+/$"))
    expect(_message(page)).to_be_visible()
    leave = _leave(dewi)
    assert (leave.state, leave.level.code, leave.starts_on) == (S.DRAFT, "S2", starts_on)
    documents = page.get_by_test_id("documents")
    expect(page.get_by_test_id("documents-missing")).to_have_attribute("data-missing", "5")
    for kind in ("acceptance", "accreditation", "recommendation", "no_sanction", "health"):
        row = page.locator(f"[data-document={kind}]")
        row.locator("input[type=file]").set_input_files(
            {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        row.locator("button[type=submit]").click()
        expect(page.locator(f"[data-document={kind}]")).to_have_attribute("data-present", "1")
    expect(page.get_by_test_id("documents-missing")).to_have_attribute("data-missing", "0")
    assert StudyDocument.objects.filter(leave=leave).count() == 5
    expect(documents.get_by_test_id("document-link")).to_have_count(5)
    people.shoot(page, "04-documents")
    page.get_by_test_id("submit-form").locator("button").click()

    expect(_state(page)).to_have_attribute("data-state", S.SUBMITTED)
    expect(page.get_by_test_id("next-step")).to_contain_text(city.supervisor.full_name)
    assert _leave(dewi).state == S.SUBMITTED
    people.shoot(page, "05-sent")
    context.close()

    # 2. The supervisor recommends from the dashboard card and the inbox, on a phone.
    context, page = people.sign_in(city.supervisor.user.username, viewport=PHONE)
    expect(page.get_by_test_id("card-study-waiting")).to_have_text("1")
    page.get_by_test_id("careers-study-supervisor-card").locator("a").click()
    expect(page).to_have_url(re.compile(r"/careers/study/team/$"))
    row = page.locator(f"[data-testid=study-inbox-row][data-study='{leave.pk}']")
    expect(row).to_contain_text(dewi.full_name)
    expect(row).to_contain_text("Magister Keperawatan")
    assert has_no_horizontal_overflow(page)
    people.shoot(page, "06-inbox-phone")
    row.get_by_test_id("recommend-form").locator("button").click()

    expect(_message(page)).to_contain_text(dewi.full_name)
    expect(page.get_by_test_id("study-inbox-empty")).to_be_visible()
    assert has_no_horizontal_overflow(page)
    people.shoot(page, "07-recommended-phone")
    assert _leave(dewi).state == S.RECOMMENDED
    context.close()

    # 3. The Operator OPD checks the dossier.
    context, page = people.sign_in(city.operator.user.username)
    expect(page.get_by_test_id("card-study-check")).to_have_text("1")
    page.get_by_test_id("nav-careers").click()
    page.locator("[data-study-tab=list]").click()
    page.locator("[data-state-tab=recommended]").click()
    listed = page.locator(f"[data-testid=study-row][data-study='{leave.pk}']")
    expect(listed).to_contain_text(dewi.full_name)
    people.shoot(page, "08-to-check")
    listed.locator("a").first.click()

    check = page.get_by_test_id("check-form")
    expect(page.get_by_test_id("documents-missing")).to_have_attribute("data-missing", "0")
    check.locator("textarea").fill("Berkas lengkap dan sesuai.")
    people.shoot(page, "09-check")
    check.locator("button[type=submit]").click()
    expect(_state(page)).to_have_attribute("data-state", S.CHECKED)
    assert _leave(dewi).state == S.CHECKED
    context.close()

    # 4. Admin BKPP: the menu still fits 1366 px; the decision with the decree.
    context, page = people.sign_in(city.admin.username)
    assert _navbar_fits(page)
    page.screenshot(
        path=test_output_dir / "study-journey-10-navbar-bkpp-1366.png",
        clip={"x": 0, "y": 0, "width": 1366, "height": 80},
    )
    expect(page.get_by_test_id("card-study-decide")).to_have_text("1")
    page.get_by_test_id("nav-careers").click()
    page.locator("[data-study-tab=list]").click()
    page.locator("[data-state-tab=checked]").click()
    listed = page.locator(f"[data-testid=study-row][data-study='{leave.pk}']")
    expect(listed).to_contain_text(dewi.full_name)
    people.shoot(page, "11-to-decide")
    listed.locator("a").first.click()

    approve = page.get_by_test_id("approve-form")
    approve.locator("input[name=approve-decree_number]").fill("")
    approve.locator("button[type=submit]").click()
    expect(page.get_by_test_id("approve-form").get_by_test_id("form-errors")).to_be_visible()
    assert _leave(dewi).state == S.CHECKED
    people.shoot(page, "12-decree-refused")

    approve = page.get_by_test_id("approve-form")
    approve.locator("input[name=approve-decree_number]").fill(DECREE)
    approve.locator("input[name=approve-decree_on]").fill(today.isoformat())
    people.shoot(page, "13-decree")
    approve.locator("button[type=submit]").click()

    expect(_message(page)).to_contain_text(DECREE)
    expect(_state(page)).to_have_attribute("data-state", S.APPROVED)
    expect(page.get_by_test_id("decree")).to_contain_text(DECREE)
    expect(page.get_by_test_id("timeline").locator("[data-action=approved]")).to_have_count(1)
    people.shoot(page, "14-approved")
    approved = _leave(dewi)
    assert (approved.state, approved.decree_number, approved.decree_on) == (S.APPROVED, DECREE, today)
    page.set_viewport_size(PHONE)
    page.reload()
    assert has_no_horizontal_overflow(page)
    page.screenshot(path=test_output_dir / "study-journey-15-navbar-bkpp-phone.png")
    context.close()

    # 5. The employee sees the approved study.
    context, page = people.sign_in(dewi.user.username)
    card = page.get_by_test_id("careers-study-card")
    expect(card).to_contain_text("S2")
    people.shoot(page, "16-dashboard")
    page.get_by_test_id("nav-careers").click()
    page.locator("[data-study-tab=mine]").click()
    mine = page.locator(f"[data-testid=my-study][data-study='{leave.pk}']")
    expect(mine.locator("[data-state]").first).to_have_attribute("data-state", S.APPROVED)
    expect(mine).to_contain_text(DECREE)
    expect(mine.get_by_test_id("stepper")).to_have_attribute("data-stage", "4")
    people.shoot(page, "17-my-study-approved")
    page.goto(f"{live_server.url}/employees/{dewi.pk}/?tab=studi")
    expect(page.locator(f"[data-testid=tab-study-row][data-study='{leave.pk}']")).to_contain_text(DECREE)
    people.shoot(page, "18-profile-tab")

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/careers/study/{leave.pk}/")
    assert has_no_horizontal_overflow(page)
    people.shoot(page, "19-approved-phone")
    context.close()

    assert people.script_errors == []
    assert dt.date.fromisoformat(approved.eligibility["policy_valid_from"]) <= starts_on


# ---------------------------------------------------------------------------------------------
# Gallery: the other study pages at desktop and phone widths
# ---------------------------------------------------------------------------------------------


def _application(*, kind: str, level: str, starts_on: dt.date, months: int) -> study.ApplicationData:
    from asn_portal.models import EducationLevel

    tugas = kind == "tugas_belajar"
    return study.ApplicationData(
        kind=kind,
        level=EducationLevel.objects.get(code=level),
        program="Magister Kesehatan Masyarakat" if tugas else "Magister Manajemen",
        institution="Universitas Diponegoro" if tugas else "Universitas Katolik Soegijapranata",
        accreditation="A",
        starts_on=starts_on,
        ends_on=starts_on + relativedelta(months=months),
        funding="apbd" if tugas else "mandiri",
        relevance="Mendukung perencanaan dan evaluasi program di unit kerja.",
    )


def _walk(employee, data, *, city, today: dt.date, until: str) -> StudyLeave:
    """Through the services: the employee applies with every document, the supervisor (or BKPP
    when there is none with an account) recommends, the OPD's operator (or BKPP) checks, BKPP
    approves; a study whose start date has come begins at once."""
    leave = study.create_draft(employee, data, by=employee.user, today=today)
    for kind in study.required_documents(leave):
        upload = SimpleUploadedFile(f"{kind}.pdf", PDF, content_type="application/pdf")
        study.attach_document(leave, kind=kind, uploaded=upload, by=employee.user)
    leave = study.submit(leave, by=employee.user, today=today)
    if until == S.SUBMITTED:
        return leave
    supervisor = employee.supervisor.user if employee.supervisor_id else city.admin
    leave = study.recommend(leave, by=supervisor)
    checker = city.operator.user if employee.opd_id == city.operator.opd_id else city.admin
    leave = study.check_complete(leave, by=checker)
    if until == S.CHECKED:
        return leave
    return study.approve(leave, by=city.admin, decree_number="800.1.11/0311/BKPP/2026", decree_on=today, today=today)


@pytest.fixture
def study_city(demo_city):
    """Budi (Dinkes, under Siti) studies with an izin belajar: a report sent, an extension
    asked; Sri finished a tugas belajar and serves her bond; Dimas finished one and moved out
    during his bond (flagged); Maya's application waits for BKPP."""
    today = timezone.localdate()
    started = (today - relativedelta(months=5)).replace(day=1)
    people = {e.name: e for e in Employee.objects.select_related("supervisor__user", "user")}
    budi, sri, dimas, maya = (people[n] for n in ("Budi Santoso", "Sri Wahyuni", "Dimas Anggara", "Maya Kusumawati"))

    ongoing = _walk(
        budi,
        _application(kind="izin_belajar", level="S2", starts_on=started, months=24),
        city=demo_city,
        today=today,
        until=S.APPROVED,
    )
    transcript = SimpleUploadedFile("khs-1.pdf", PDF, content_type="application/pdf")
    study.submit_report(ongoing, semester=1, gpa="3,62", credits=18, transcript=transcript, by=budi.user, today=today)
    study.request_extension(ongoing, by=budi.user, reason="Pengambilan data tesis di puskesmas tertunda.")
    for employee in (sri, dimas):
        leave = _walk(
            employee,
            _application(kind="tugas_belajar", level="S2", starts_on=started, months=12),
            city=demo_city,
            today=today,
            until=S.APPROVED,
        )
        study.complete(
            StudyLeave.objects.get(pk=leave.pk),
            by=demo_city.admin,
            graduated_on=today - dt.timedelta(days=20),
            returned_on=today - dt.timedelta(days=5),
            diploma_number="UNDIP/MKM/2026/0815",
            today=today,
        )
    Employee.objects.filter(pk=dimas.pk).update(status=EmployeeStatus.PINDAH)
    study.flag_bond_exits(today)
    checked = _walk(
        maya,
        _application(
            kind="izin_belajar", level="S2", starts_on=(today + relativedelta(months=2)).replace(day=1), months=24
        ),
        city=demo_city,
        today=today,
        until=S.CHECKED,
    )
    return demo_city, {"ongoing": ongoing, "checked": checked, "budi": budi}


@pytest.mark.usefixtures("indonesian")
def test_the_study_pages_fit_a_phone_and_a_desktop(browser, live_server, test_output_dir, study_city):
    city, records = study_city
    ongoing = records["ongoing"]
    pages = {
        city.admin.username: [
            ("list", "/careers/study/list/?state=all"),
            ("roster", "/careers/study/roster/"),
            ("roster-bonds", "/careers/study/roster/?show=bond"),
            ("roster-exits", "/careers/study/roster/?show=exits"),
            ("ongoing-bkpp", f"/careers/study/{ongoing.pk}/"),
            ("checked-bkpp", f"/careers/study/{records['checked'].pk}/"),
            ("dashboard-bkpp", "/"),
        ],
        records["budi"].user.username: [
            ("my-study-ongoing", "/careers/study/me/"),
            ("ongoing-employee", f"/careers/study/{ongoing.pk}/"),
            ("dashboard-employee", "/"),
        ],
        city.pegawai.user.username: [("form", "/careers/study/new/")],
        city.operator.user.username: [("list-operator", "/careers/study/list/")],
    }
    errors: list[str] = []
    for username, visits in pages.items():
        for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            context = browser.new_context(viewport=viewport, locale="id-ID", reduced_motion="reduce")
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            sign_in(page, live_server.url, username)
            assert "/accounts/login/" not in page.url, f"{username} could not sign in"
            for name, path in visits:
                page.goto(live_server.url + path)
                page.wait_for_load_state("networkidle")
                assert has_no_horizontal_overflow(page), f"{name} at {width} scrolls sideways"
                page.screenshot(path=test_output_dir / f"study-gallery-{name}-{width}.png", full_page=True)
            context.close()

    assert errors == []
