"""Who may open which study-leave page and take which step (issue part 6): the access table for
every role — employee, supervisor, Operator OPD of the employee's OPD and of another OPD,
Admin BKPP, Inspektorat, anonymous — on every study URL and every step. Where a role may not,
the answer is 403 (the page or record is theirs to see but the step is not theirs), 404 (the
record is not theirs to see: the same answer as for a record that does not exist) or the
sign-in page; never 200, never 500. Documents and transcripts are files of the application:
whoever may not see the application gets 404 for them too."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import reverse

from asn_portal import services
from careers import study
from careers.models import StudyDocument, StudyExtension, StudyLeave, StudyReport, StudyState
from tests.careers.study_factories import draft, pdf, study_at
from tests.careers.test_study_pages import (  # noqa: F401  (fixtures)
    IN_STUDY,
    english_pages,
    pinned_today_fixture,
    walk,
)
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

S = StudyState
ROLES = ("admin", "inspektur", "operator", "other_operator", "supervisor", "staff_a", "staff_b", "outsider")


@dataclass
class Records:
    submitted: StudyLeave  # staff_a's (Dinkes), waiting for the supervisor
    draft: StudyLeave  # staff_b's (Dinkes), not sent
    ongoing: StudyLeave  # the outsider's (Disdik, no supervisor), studying since START
    document: StudyDocument  # of the submitted application
    draft_document: StudyDocument
    report: StudyReport  # of the ongoing study


@pytest.fixture
def people(city, pinned_today):
    """The city's people, one Operator OPD more (Dinas Pendidikan's), and three applications."""
    other = EmployeeFactory(unit=city.disdik, name="Rudi Operator Disdik")
    services.grant_operator(other.user, city.disdik, by=city.admin)
    submitted = study_at(S.SUBMITTED, city.staff_a, city)
    staff_b_draft = draft(city.staff_b)
    draft_document = study.attach_document(staff_b_draft, kind="acceptance", uploaded=pdf(), by=city.staff_b.user)
    ongoing = walk(S.ONGOING, city.outsider, by=city.admin)
    report = study.submit_report(
        ongoing, semester=1, gpa="3.6", transcript=pdf("khs.pdf"), by=city.outsider.user, today=IN_STUDY
    )
    records = Records(
        submitted=submitted,
        draft=staff_b_draft,
        ongoing=ongoing,
        document=submitted.documents.get(kind="acceptance"),
        draft_document=draft_document,
        report=report,
    )
    users = {who: city.user(who) for who in ROLES if who != "other_operator"}
    users["other_operator"] = other.user
    return users, records


def table(**codes) -> dict[str, int]:
    """An access row: every role answered with `default`, the named roles with their code."""
    default = codes.pop("default")
    return {**dict.fromkeys(ROLES, default), **codes}


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


def _urls(city, records: Records) -> dict[str, str]:
    submitted, ongoing = records.submitted, records.ongoing
    return {
        "study-home": reverse("careers:study-home"),
        "study-mine": reverse("careers:study-mine"),
        "study-create": reverse("careers:study-create"),
        "study-team": reverse("careers:study-team"),
        "study-list": reverse("careers:study-list"),
        "study-roster": reverse("careers:study-roster"),
        "study-detail": reverse("careers:study-detail", args=[submitted.pk]),
        "study-detail-draft": reverse("careers:study-detail", args=[records.draft.pk]),
        "study-detail-ongoing": reverse("careers:study-detail", args=[ongoing.pk]),
        "study-edit-draft": reverse("careers:study-edit", args=[records.draft.pk]),
        "study-edit-submitted": reverse("careers:study-edit", args=[submitted.pk]),
        "study-document": reverse("careers:study-document", args=[submitted.pk, records.document.pk]),
        "study-document-draft": reverse("careers:study-document", args=[records.draft.pk, records.draft_document.pk]),
        "study-transcript": reverse("careers:study-transcript", args=[ongoing.pk, records.report.pk]),
        "study-missing": reverse("careers:study-detail", args=[999999]),
    }


EMPLOYEES = table(default=200, admin=403, inspektur=403)
HR = table(default=403, admin=200, operator=200, other_operator=200)
# staff_a's application after it was sent: staff_a, their supervisor, Dinkes' operator, BKPP.
STAFF_A = table(default=404, staff_a=200, supervisor=200, operator=200, admin=200)
# staff_b's draft: staff_b and BKPP (a draft is nobody else's business yet).
DRAFT = table(default=404, staff_b=200, admin=200)
# The outsider's study (Disdik): the outsider, Disdik's operator, BKPP.
OUTSIDER = table(default=404, outsider=200, other_operator=200, admin=200)

ACCESS = {
    "study-home": table(default=302, inspektur=403),
    "study-mine": EMPLOYEES,
    # staff_a and the outsider have an open application: sent to it instead of a new form.
    "study-create": {**EMPLOYEES, "staff_a": 302, "outsider": 302, "staff_b": 302},
    "study-team": table(default=403, supervisor=200),
    "study-list": HR,
    "study-roster": HR,
    "study-detail": STAFF_A,
    "study-detail-draft": DRAFT,
    "study-detail-ongoing": OUTSIDER,
    "study-edit-draft": {**DRAFT, "admin": 403},
    "study-edit-submitted": {**STAFF_A, "staff_a": 403, "supervisor": 403, "operator": 403, "admin": 403},
    "study-document": STAFF_A,
    "study-document-draft": DRAFT,
    "study-transcript": OUTSIDER,
    "study-missing": table(default=404),
}


@pytest.mark.parametrize("page_name", sorted(ACCESS))
@pytest.mark.parametrize("who", ROLES)
def test_each_role_gets_exactly_the_study_pages_it_needs(city, client, people, page_name, who):
    users, records = people
    client.force_login(users[who])

    response = client.get(_urls(city, records)[page_name])

    assert response.status_code == ACCESS[page_name][who]


@pytest.mark.parametrize("page_name", sorted(ACCESS))
def test_an_anonymous_visitor_is_sent_to_sign_in(city, client, people, page_name):
    _users, records = people

    response = client.get(_urls(city, records)[page_name])

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_document_is_served_only_with_its_own_application(city, client, people):
    users, records = people
    client.force_login(users["staff_a"])

    own = client.get(reverse("careers:study-document", args=[records.submitted.pk, records.document.pk]))
    crossed = client.get(reverse("careers:study-document", args=[records.submitted.pk, records.draft_document.pk]))

    assert own.status_code == 200
    assert own["Content-Disposition"].startswith("attachment;")
    assert crossed.status_code == 404


def test_the_profile_s_study_tab_follows_the_profile_and_hides_from_the_inspektorat(city, client, people):
    users, _records = people
    url = reverse("portal:employee-detail", args=[city.staff_a.pk]) + "?tab=studi"

    shown = {}
    for who in ROLES:
        client.force_login(users[who])
        response = client.get(url)
        slugs = [tab.slug for tab, _context in response.context["tabs"]] if response.status_code == 200 else []
        shown[who] = (response.status_code, "studi" in slugs)

    assert shown == {
        "admin": (200, True),
        "inspektur": (200, False),
        "operator": (200, True),
        "other_operator": (404, False),
        "supervisor": (200, True),
        "staff_a": (200, True),
        "staff_b": (404, False),
        "outsider": (404, False),
    }


# ---------------------------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------------------------

# step: (record, url name, form data, the day, who may) — the record's state must not change
# for a role that may not take the step.
OWN_DRAFT = table(default=404, staff_b=302, admin=403)
SUPERVISOR_STEP = table(default=404, supervisor=302, staff_a=403, operator=403, admin=403)
OPD_STEP = table(default=404, operator=302, admin=302, staff_a=403, supervisor=403)
BKPP_STEP = table(default=404, admin=302, staff_a=403, supervisor=403, operator=403)
DURING_STUDY = table(default=404, outsider=302, other_operator=302, admin=302)
BKPP_CLOSES = table(default=404, admin=302, outsider=403, other_operator=403)
STUDY_FORM = {
    "kind": "izin_belajar",
    "level": "",  # set to S2's id by the test
    "program": "Magister Administrasi Publik",
    "institution": "Universitas Diponegoro",
    "accreditation": "A",
    "country": "Indonesia",
    "starts_on": "2027-02-01",
    "ends_on": "2029-02-01",
    "funding": "mandiri",
    "sponsor": "",
    "relevance": "Mendukung tugas pelayanan.",
}
COMPLETE = {"complete-graduated_on": "2029-01-20", "complete-returned_on": "2029-02-01"}
TERMINATE = {"terminate-reason_kind": "failed", "terminate-reason": "IPK di bawah batas", "terminate-on": "2028-06-01"}

STEPS = {
    "edit": ("draft", "study-edit", STUDY_FORM, None, OWN_DRAFT),
    "precheck-edit": ("draft", "study-precheck-edit", STUDY_FORM, None, {**OWN_DRAFT, "staff_b": 200}),
    "upload-draft": ("draft", "study-document-upload", {"kind": "health", "file": "*"}, None, OWN_DRAFT),
    "submit": ("draft", "study-submit", {}, None, OWN_DRAFT),
    "withdraw": (
        "submitted",
        "study-withdraw",
        {},
        None,
        table(default=404, staff_a=302, supervisor=403, operator=403, admin=403),
    ),
    "withdraw-approved": (
        "approved",
        "study-withdraw",
        {"withdraw-reason": "Formasi dibatalkan"},
        None,
        table(default=404, staff_a=302, admin=302, supervisor=403, operator=403),
    ),
    "recommend": ("submitted", "study-recommend", {}, None, SUPERVISOR_STEP),
    "return": ("submitted", "study-return", {"return-reason": "Lengkapi LoA"}, None, SUPERVISOR_STEP),
    "upload-sent": ("submitted", "study-document-upload", {"kind": "other", "file": "*"}, None, OPD_STEP),
    "check": ("recommended", "study-check", {}, None, OPD_STEP),
    "approve": (
        "checked",
        "study-approve",
        {"approve-decree_number": "800/5", "approve-decree_on": "2026-11-20"},
        None,
        BKPP_STEP,
    ),
    "reject": ("checked", "study-reject", {"reject-reason": "Formasi penuh"}, None, BKPP_STEP),
    "return-checked": ("checked", "study-return", {"return-reason": "SK salah"}, None, BKPP_STEP),
    "report": (
        "ongoing",
        "study-report",
        {"report-semester": "2", "report-gpa": "3.7", "report-transcript": "*"},
        dt.date(2028, 3, 1),
        DURING_STUDY,
    ),
    "extension": ("ongoing", "study-extension", {"extension-reason": "Tesis"}, IN_STUDY, DURING_STUDY),
    "complete": ("ongoing", "study-complete", COMPLETE, dt.date(2029, 3, 1), BKPP_CLOSES),
    "terminate": ("ongoing", "study-terminate", TERMINATE, dt.date(2028, 7, 1), BKPP_CLOSES),
}


def _record(city, records: Records, which: str) -> StudyLeave:
    """The record a step starts from: the fixture's, or staff_a's application moved on."""
    if which in ("draft", "submitted", "ongoing"):
        return getattr(records, which)
    StudyLeave.objects.filter(pk=records.submitted.pk).update(state=S.WITHDRAWN)
    return study_at(which, city.staff_a, city)


def _data(data: dict, city) -> dict:
    from asn_portal.models import EducationLevel

    data = {key: (pdf() if value == "*" else value) for key, value in data.items()}
    if "level" in data:
        data["level"] = EducationLevel.objects.get(code="S2").pk
    return data


@pytest.mark.parametrize("step", sorted(STEPS))
@pytest.mark.parametrize("who", ROLES)
def test_each_role_takes_exactly_its_own_study_steps(city, client, people, pinned_today, step, who):
    users, records = people
    which, url_name, data, day, allowed = STEPS[step]
    leave = _record(city, records, which)
    before = (leave.state, StudyDocument.objects.count(), StudyReport.objects.count(), StudyExtension.objects.count())
    if day:
        pinned_today(day)
    client.force_login(users[who])

    response = client.post(reverse(f"careers:{url_name}", args=[leave.pk]), _data(data, city))

    assert response.status_code == allowed[who]
    if allowed[who] not in (200, 302):
        after = StudyLeave.objects.get(pk=leave.pk)
        counts = (StudyDocument.objects.count(), StudyReport.objects.count(), StudyExtension.objects.count())
        assert (after.state, *counts) == before


@pytest.mark.parametrize("step", sorted(STEPS))
def test_an_anonymous_visitor_takes_no_study_step(city, client, people, step):
    _users, records = people
    which, url_name, data, _day, _allowed = STEPS[step]
    leave = getattr(records, which) if which in ("draft", "submitted", "ongoing") else records.submitted
    state = leave.state

    response = client.post(reverse(f"careers:{url_name}", args=[leave.pk]), _data(data, city))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert StudyLeave.objects.get(pk=leave.pk).state == state


@pytest.mark.parametrize("who", ROLES)
def test_only_bkpp_decides_an_extension(city, client, people, pinned_today, who):
    users, records = people
    pinned_today(IN_STUDY)
    extension = study.request_extension(records.ongoing, by=city.outsider.user, reason="Tesis")
    client.force_login(users[who])

    response = client.post(
        reverse("careers:study-extension-decide", args=[records.ongoing.pk, extension.pk]),
        {"decide-decision": "approve"},
    )

    assert response.status_code == BKPP_CLOSES[who]
    expected = "approved" if BKPP_CLOSES[who] == 302 else "requested"
    assert StudyExtension.objects.get(pk=extension.pk).state == expected


def test_an_extension_of_another_study_is_not_found_under_this_one(city, client, people, pinned_today):
    users, records = people
    pinned_today(IN_STUDY)
    other = walk(S.ONGOING, EmployeeFactory(unit=city.disdik), by=city.admin)
    extension = study.request_extension(other, by=city.admin, reason="Tesis")
    client.force_login(users["admin"])

    response = client.post(
        reverse("careers:study-extension-decide", args=[records.ongoing.pk, extension.pk]),
        {"decide-decision": "approve"},
    )

    assert response.status_code == 404
    assert StudyExtension.objects.get(pk=extension.pk).state == "requested"


@pytest.mark.parametrize("who", ROLES)
def test_only_an_employee_gets_the_live_pre_check(city, client, people, who):
    users, _records = people
    client.force_login(users[who])

    response = client.post(reverse("careers:study-precheck"), _data(STUDY_FORM, city))

    assert response.status_code == EMPLOYEES[who]
    assert not StudyLeave.objects.filter(program="Magister Administrasi Publik").exists()


@pytest.mark.parametrize("who", ROLES)
def test_only_an_employee_applies_and_only_for_themselves(city, client, people, who):
    users, records = people
    StudyLeave.objects.filter(pk__in=[records.submitted.pk, records.draft.pk, records.ongoing.pk]).update(
        state=S.WITHDRAWN
    )
    client.force_login(users[who])

    response = client.post(reverse("careers:study-create"), _data(STUDY_FORM, city))

    expected = {"admin": 403, "inspektur": 403}.get(who, 302)
    assert response.status_code == expected
    created = StudyLeave.objects.filter(program="Magister Administrasi Publik")
    assert created.count() == (1 if expected == 302 else 0)
    if expected == 302:
        assert created.get().employee.user == users[who]


def test_a_step_from_the_wrong_state_is_answered_403_and_changes_nothing(city, client, people):
    users, records = people
    client.force_login(users["admin"])

    response = client.post(
        reverse("careers:study-approve", args=[records.submitted.pk]),
        {"approve-decree_number": "800/5", "approve-decree_on": "2026-11-20"},
    )

    assert response.status_code == 403
    assert StudyLeave.objects.get(pk=records.submitted.pk).state == S.SUBMITTED


def test_bkpp_recommends_when_the_employee_has_no_supervisor_account(city, client, people):
    users, _records = people
    lonely = EmployeeFactory(unit=city.disdik, name="Tanpa Atasan")
    application = draft(lonely)
    study.attach_document(application, kind="acceptance", uploaded=pdf(), by=lonely.user)
    study.submit(application, by=lonely.user, today=dt.date(2026, 11, 28))
    client.force_login(users["admin"])

    page = client.get(reverse("careers:study-detail", args=[application.pk]))
    response = client.post(reverse("careers:study-recommend", args=[application.pk]))

    assert page.context["can"]["recommend"] is True
    assert response.status_code == 302
    assert StudyLeave.objects.get(pk=application.pk).state == S.RECOMMENDED


def test_bkpp_cannot_take_the_step_of_a_supervisor_who_can_sign_in(city, client, people):
    users, records = people
    client.force_login(users["admin"])

    response = client.get(reverse("careers:study-detail", args=[records.submitted.pk]))

    assert response.context["can"]["recommend"] is False
    assert 'data-testid="recommend-form"' not in response.content.decode()
