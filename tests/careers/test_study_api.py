"""Study-leave API v1 (/api/v1/careers/study-leaves/): the application through every step to a
running study and its end, each step's refusals with their codes and nothing written, documents
and reports (content checks, downloads), the pre-check (every criterion, nothing saved, bad
input), filters, pagination and query counts. Who may do what is in test_study_api_access.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from asn_portal.models import EducationLevel, Notification
from asn_portal.services import ServiceError
from careers import study
from careers.models import (
    Accreditation,
    EducationHistory,
    ExtensionState,
    StudyDocument,
    StudyEvent,
    StudyExtension,
    StudyKind,
    StudyLeave,
    StudyReport,
    StudyState,
)
from careers.study_rules import CODES
from tests.careers.study_factories import PDF, PNG, START, TODAY, attach_all, draft, pdf, plan, study_at
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

S = StudyState
TEXT = b"Ini bukan PDF, hanya teks biasa yang diberi nama .pdf\n"
# The first semester started on START; its report is due 30 days after the second starts.
IN_SEMESTER_1 = dt.date(2027, 3, 1)
FIRST_REPORT_DUE = dt.date(2027, 8, 31)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """The API's "today", pinned; call it to move the day."""

    def pin(day: dt.date = TODAY) -> dt.date:
        monkeypatch.setattr("careers.study_api.local_today", lambda: day)
        return day

    pin(TODAY)
    return pin


def _url(name: str, *args) -> str:
    return reverse(f"api-careers-study-leave-{name}", args=args)


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def _patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def _upload(client, url, data):
    return client.post(url, data)  # multipart


def _error(response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def _field_codes(response) -> dict[str, list[str]]:
    return {name: [item["code"] for item in items] for name, items in response.json()["error"]["fields"].items()}


def _state(leave) -> str:
    return StudyLeave.objects.get(pk=leave.pk).state


def _body(**overrides) -> dict:
    """A tugas belajar S2 of two years from START, funded by the city."""
    return {
        "kind": "tugas_belajar",
        "level": "S2",
        "program": "Magister Kesehatan Masyarakat",
        "institution": "Universitas Diponegoro",
        "accreditation": "unggul",
        "country": "Indonesia",
        "starts_on": START.isoformat(),
        "ends_on": "2029-02-01",
        "funding": "apbd",
        "sponsor": "",
        "relevance": "Mendukung analisis data surveilans penyakit di Bidang P2P.",
        **overrides,
    }


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


# --- The application through every step ---------------------------------------------------------


def test_an_application_is_drafted_documented_sent_recommended_checked_and_approved_into_a_study(city, login, today):
    employee = login(city.staff_a.user)
    created = _post(employee, _url("list"), _body())
    pk = created.json()["id"]
    for kind in ("acceptance", "accreditation", "recommendation", "no_sanction", "health"):
        uploaded = _upload(employee, _url("documents", pk), {"kind": kind, "file": pdf(f"{kind}.pdf")})
        assert uploaded.status_code == 201, uploaded.content
    submitted = _post(employee, _url("submit", pk))
    recommended = _post(login(city.supervisor.user), _url("recommend", pk), {"note": "Sangat mendukung"})
    checked = _post(login(city.operator.user), _url("check", pk))
    today(START)
    approved = _post(
        login(city.admin), _url("approve", pk), {"decree_number": "800/77/BKPP/2027", "decree_on": "2027-01-20"}
    )

    assert created.status_code == 201
    assert (created.json()["state"], created.json()["employee"]["nip"]) == ("draft", city.staff_a.nip)
    assert created.json()["level"] == {"code": "S2", "name": EducationLevel.objects.get(code="S2").name}
    assert created.json()["eligibility"] is None
    assert created.json()["missing_documents"] == created.json()["required_documents"]
    assert [r.json()["state"] for r in (submitted, recommended, checked)] == ["submitted", "recommended", "checked"]
    assert submitted.json()["eligibility"]["eligible"] is True
    assert [c["code"] for c in submitted.json()["eligibility"]["criteria"]] == list(CODES)
    assert submitted.json()["missing_documents"] == []
    detail = approved.json()
    assert approved.status_code == 200
    assert (detail["state"], detail["decree_number"], detail["started_on"]) == (
        "ongoing",
        "800/77/BKPP/2027",
        "2027-02-01",
    )
    assert detail["next_report_due_on"] == FIRST_REPORT_DUE.isoformat()
    assert detail["report_overdue"] is False
    assert [e["action"] for e in detail["events"]] == [
        "created",
        *["document"] * 5,
        "submitted",
        "recommended",
        "checked",
        "approved",
        "started",
    ]
    assert detail["events"][7]["by"] == city.supervisor.user.username
    assert detail["events"][7]["reason"] == "Sangat mendukung"
    assert {d["kind"] for d in detail["documents"]} == set(detail["required_documents"])


def test_the_detail_has_documents_with_download_urls_that_serve_the_file(city, login):
    leave = draft(city.staff_a)
    attach_all(leave, city.staff_a.user)
    client = login(city.staff_a.user)

    detail = client.get(_url("detail", leave.pk)).json()
    document = next(d for d in detail["documents"] if d["kind"] == "acceptance")
    response = client.get(document["download_url"])

    assert (document["original_name"], document["content_type"], document["size"]) == (
        "acceptance.pdf",
        "application/pdf",
        len(PDF),
    )
    assert document["uploaded_by"] == city.staff_a.user.username
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert _content(response) == PDF


# --- Create and correct --------------------------------------------------------------------------


def test_an_izin_belajar_self_funded_is_drafted_with_defaults(city, login):
    body = _body(kind="izin_belajar", funding="mandiri", level="s3", ends_on="2031-02-01")
    del body["country"], body["sponsor"]

    response = _post(login(city.staff_b.user), _url("list"), body)

    assert response.status_code == 201, response.content
    leave = StudyLeave.objects.get(pk=response.json()["id"])
    assert (leave.employee, leave.kind, leave.level.code, leave.country, leave.opd) == (
        city.staff_b,
        StudyKind.IZIN_BELAJAR,
        "S3",
        "Indonesia",
        city.dinkes,
    )


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"accreditation": "AAA"}, "accreditation", "invalid_accreditation"),
        ({"kind": "kursus"}, "kind", "invalid_kind"),
        ({"level": "S9"}, "level", "not_a_study_level"),
        ({"level": "SD"}, "level", "not_a_study_level"),
        ({"ends_on": START.isoformat()}, "ends_on", "ends_before_start"),
        ({"ends_on": "2026-01-01"}, "ends_on", "ends_before_start"),
        ({"funding": "hibah"}, "funding", "invalid_funding"),
        ({"starts_on": "9999-12-01"}, "starts_on", "date_out_of_range"),
        ({"starts_on": "2027-02-30"}, "starts_on", "invalid"),
        ({"program": "   "}, "program", "blank"),
        ({"program": "x" * 151}, "program", "max_length"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_code_and_nothing_is_written(city, login, overrides, field, code):
    response = _post(login(city.staff_a.user), _url("list"), _body(**overrides))

    assert _error(response) == (400, "validation_error")
    assert _field_codes(response)[field] == [code]
    assert not StudyLeave.objects.exists()
    assert not StudyEvent.objects.exists()


def test_every_bad_field_is_named_at_once(city, login):
    response = _post(login(city.staff_a.user), _url("list"), {"accreditation": "Z", "level": "X", "kind": "y"})

    assert response.status_code == 400
    codes = _field_codes(response)
    assert codes["accreditation"] == ["invalid_accreditation"]
    assert codes["level"] == ["not_a_study_level"]
    assert codes["kind"] == ["invalid_kind"]
    assert codes["program"] == ["required"]


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"funding": "mandiri"}, "funding", "tugas_self_funded"),
        ({"funding": "beasiswa", "sponsor": ""}, "sponsor", "sponsor_required"),
        ({"ends_on": "2030-02-01"}, "ends_on", "duration_not_allowed"),
        ({"level": "S1"}, "level", "level_not_allowed"),
        ({"starts_on": "2026-01-05", "ends_on": "2027-01-05"}, "starts_on", "starts_in_past"),
    ],
)
def test_the_services_refusals_answer_400_with_their_code_and_field(city, login, overrides, field, code):
    response = _post(login(city.staff_a.user), _url("list"), _body(**overrides))

    assert _error(response) == (400, code)
    assert _field_codes(response) == {field: [code]}
    assert response.json()["error"]["message"]
    assert not StudyLeave.objects.exists()


def test_a_second_open_application_is_refused(city, login):
    draft(city.staff_a)

    response = _post(login(city.staff_a.user), _url("list"), _body())

    assert _error(response) == (400, "already_open")
    assert StudyLeave.objects.count() == 1


def test_the_employee_corrects_a_draft_field_by_field(city, login):
    leave = draft(city.staff_a)

    response = _patch(
        login(city.staff_a.user),
        _url("detail", leave.pk),
        {"institution": "Universitas Gadjah Mada", "funding": "beasiswa", "sponsor": "LPDP"},
    )

    assert response.status_code == 200, response.content
    leave.refresh_from_db()
    assert (leave.institution, leave.funding, leave.sponsor) == ("Universitas Gadjah Mada", "beasiswa", "LPDP")
    assert (leave.program, leave.level.code, leave.starts_on) == ("Magister Kesehatan Masyarakat", "S2", START)
    assert response.json()["events"][-1]["action"] == "edited"
    assert "sponsor" in response.json()["required_documents"]


def test_a_correction_that_makes_the_plan_wrong_is_refused_and_changes_nothing(city, login):
    leave = draft(city.staff_a)
    client = login(city.staff_a.user)

    before_start = _patch(client, _url("detail", leave.pk), {"ends_on": "2026-12-01"})
    self_funded = _patch(client, _url("detail", leave.pk), {"funding": "mandiri"})

    assert _error(before_start) == (400, "ends_before_start")
    assert _field_codes(before_start) == {"ends_on": ["ends_before_start"]}
    assert _error(self_funded) == (400, "tugas_self_funded")
    leave.refresh_from_db()
    assert (leave.ends_on, leave.funding) == (dt.date(2029, 2, 1), "apbd")
    assert not StudyEvent.objects.filter(leave=leave, action="edited").exists()


def test_an_application_sent_can_no_longer_be_corrected(city, login):
    leave = study_at(S.SUBMITTED, city.staff_a, city)

    response = _patch(login(city.staff_a.user), _url("detail", leave.pk), {"institution": "UGM"})

    assert _error(response) == (400, "invalid_transition")
    assert StudyLeave.objects.get(pk=leave.pk).institution == "Universitas Diponegoro"


def test_a_returned_application_is_corrected_and_sent_again(city, login):
    leave = study_at(S.RETURNED, city.staff_a, city)
    client = login(city.staff_a.user)

    corrected = _patch(client, _url("detail", leave.pk), {"program": "Magister Epidemiologi"})
    resent = _post(client, _url("submit", leave.pk))

    assert corrected.status_code == 200
    assert resent.json()["state"] == "submitted"
    assert [e["action"] for e in resent.json()["events"]][-3:] == ["returned", "edited", "resubmitted"]
    assert resent.json()["events"][-3]["reason"] == "Lengkapi LoA"


# --- The steps and their refusals ----------------------------------------------------------------


def test_an_application_that_fails_the_precheck_is_not_sent(city, login):
    leave = draft(city.staff_a, plan(accreditation=Accreditation.C))

    response = _post(login(city.staff_a.user), _url("submit", leave.pk))

    assert _error(response) == (400, "not_eligible")
    assert "C" in response.json()["error"]["message"]
    assert _state(leave) == S.DRAFT
    assert StudyLeave.objects.get(pk=leave.pk).eligibility == {}


def test_recommending_twice_is_the_wrong_moment(city, login):
    leave = study_at(S.RECOMMENDED, city.staff_a, city)

    response = _post(login(city.supervisor.user), _url("recommend", leave.pk))

    assert _error(response) == (400, "invalid_transition")
    assert _field_codes(response) == {"state": ["invalid_transition"]}


def test_returning_needs_a_reason(city, login):
    leave = study_at(S.SUBMITTED, city.staff_a, city)
    client = login(city.supervisor.user)

    without = _post(client, _url("return", leave.pk), {"reason": "  "})
    returned = _post(client, _url("return", leave.pk), {"reason": "LoA belum dilampirkan"})

    assert _error(without) == (400, "reason_required")
    assert returned.json()["state"] == "returned"
    assert returned.json()["events"][-1]["reason"] == "LoA belum dilampirkan"


def test_the_operator_cannot_confirm_a_dossier_with_documents_missing(city, login):
    leave = study_at(S.RECOMMENDED, city.staff_a, city)
    StudyDocument.objects.filter(leave=leave, kind="health").delete()

    response = _post(login(city.operator.user), _url("check", leave.pk))

    assert _error(response) == (400, "documents_missing")
    assert _field_codes(response) == {"documents": ["documents_missing"]}
    assert _state(leave) == S.RECOMMENDED


def test_the_operator_returns_an_application_from_the_completeness_check(city, login):
    leave = study_at(S.RECOMMENDED, city.staff_a, city)

    response = _post(login(city.operator.user), _url("return", leave.pk), {"reason": "Surat sehat kedaluwarsa"})

    assert response.json()["state"] == "returned"


def test_an_approval_before_the_start_date_waits_for_it(city, login):
    leave = study_at(S.CHECKED, city.staff_a, city)

    response = _post(
        login(city.admin), _url("approve", leave.pk), {"decree_number": "800/1", "decree_on": "2026-11-27"}
    )

    assert response.json()["state"] == "approved"
    assert response.json()["started_on"] is None


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"decree_number": "", "decree_on": "2026-11-27"}, 400, "decree_required", "decree_number"),
        ({"decree_number": "800/1", "decree_on": "2026-12-01"}, 400, "date_in_future", "decree_on"),
        ({"decree_number": "800/1"}, 400, "validation_error", "decree_on"),
    ],
)
def test_an_approval_needs_the_decree(city, login, body, status, code, field):
    leave = study_at(S.CHECKED, city.staff_a, city)

    response = _post(login(city.admin), _url("approve", leave.pk), body)

    assert _error(response) == (status, code)
    assert field in response.json()["error"]["fields"]
    assert _state(leave) == S.CHECKED


def test_approving_before_the_check_is_the_wrong_moment(city, login):
    leave = study_at(S.RECOMMENDED, city.staff_a, city)

    response = _post(login(city.admin), _url("approve", leave.pk), {"decree_number": "1", "decree_on": "2026-11-27"})

    assert _error(response) == (400, "invalid_transition")


def test_bkpp_rejects_with_a_reason(city, login):
    leave = study_at(S.CHECKED, city.staff_a, city)
    client = login(city.admin)

    without = _post(client, _url("reject", leave.pk))
    rejected = _post(client, _url("reject", leave.pk), {"reason": "Formasi tidak tersedia"})

    assert _error(without) == (400, "reason_required")
    assert rejected.json()["state"] == "rejected"


def test_the_employee_withdraws_until_the_study_starts_but_not_after(city, login):
    waiting = study_at(S.CHECKED, city.staff_a, city)
    ongoing = study_at(S.ONGOING, city.staff_b, city)

    withdrawn = _post(login(city.staff_a.user), _url("withdraw", waiting.pk), {"reason": "Diterima di kampus lain"})
    too_late = _post(login(city.staff_b.user), _url("withdraw", ongoing.pk))

    assert withdrawn.json()["state"] == "withdrawn"
    assert _error(too_late) == (400, "invalid_transition")
    assert _state(ongoing) == S.ONGOING


def test_bkpp_cancels_an_approved_study_before_it_starts_only_with_a_reason(city, login):
    approved = study_at(S.APPROVED, city.staff_a, city)
    bkpp = login(city.admin)

    without_reason = _post(bkpp, _url("withdraw", approved.pk))
    cancelled = _post(bkpp, _url("withdraw", approved.pk), {"reason": "Beasiswa dibatalkan sponsor"})

    assert _error(without_reason) == (400, "reason_required")
    assert cancelled.json()["state"] == "withdrawn"
    assert (
        Notification.objects.filter(recipient=city.staff_a.user, title__icontains="cancel").exists()
        or Notification.objects.filter(recipient=city.staff_a.user, title__icontains="dibatalkan").exists()
    )


def test_a_service_refusing_the_caller_answers_403(city, login, monkeypatch):
    leave = study_at(S.SUBMITTED, city.staff_a, city)

    def refuse(*args, **kwargs):
        raise ServiceError("You may not take this step on this application.", "forbidden", None)

    monkeypatch.setattr(study, "recommend", refuse)
    response = _post(login(city.supervisor.user), _url("recommend", leave.pk))

    assert _error(response) == (403, "permission_denied")


# --- Documents -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("loa.pdf", TEXT, content_type="application/pdf"), "file_type"),
        (SimpleUploadedFile("loa.pdf", b"", content_type="application/pdf"), "empty_file"),
    ],
)
def test_a_document_is_judged_by_its_content(city, login, upload, code):
    leave = draft(city.staff_a)

    response = _upload(login(city.staff_a.user), _url("documents", leave.pk), {"kind": "acceptance", "file": upload})

    assert _error(response) == (400, code)
    assert _field_codes(response) == {"file": [code]}
    assert not StudyDocument.objects.exists()


def test_a_document_of_an_unknown_kind_or_without_a_file_is_refused(city, login):
    leave = draft(city.staff_a)
    client = login(city.staff_a.user)

    unknown = _upload(client, _url("documents", leave.pk), {"kind": "ktp", "file": pdf()})
    no_file = _upload(client, _url("documents", leave.pk), {"kind": "acceptance"})
    as_json = _post(client, _url("documents", leave.pk), {"kind": "acceptance"})

    assert _field_codes(unknown) == {"kind": ["invalid_document_kind"]}
    assert _field_codes(no_file) == {"file": ["required"]}
    assert _error(as_json) == (415, "unsupported_media_type")
    assert not StudyDocument.objects.exists()


def test_a_new_file_replaces_the_document_of_its_kind(city, login):
    leave = draft(city.staff_a)
    client = login(city.staff_a.user)
    png = SimpleUploadedFile("loa.png", PNG, content_type="image/png")

    _upload(client, _url("documents", leave.pk), {"kind": "acceptance", "file": pdf()})
    response = _upload(client, _url("documents", leave.pk), {"kind": "acceptance", "file": png})

    documents = response.json()["documents"]
    assert [(d["kind"], d["content_type"]) for d in documents] == [("acceptance", "image/png")]
    assert _content(client.get(documents[0]["download_url"])) == PNG


def test_documents_are_closed_once_the_dossier_is_checked(city, login):
    leave = study_at(S.CHECKED, city.staff_a, city)

    response = _upload(login(city.admin), _url("documents", leave.pk), {"kind": "other", "file": pdf()})

    assert _error(response) == (400, "invalid_transition")


def test_a_document_of_another_application_or_an_unknown_id_is_a_404(city, login):
    mine = draft(city.staff_a)
    theirs = study_at(S.SUBMITTED, city.staff_b, city)
    other_document = theirs.documents.first()
    client = login(city.admin)

    assert _error(client.get(_url("document-file", mine.pk, other_document.pk))) == (404, "not_found")
    assert _error(client.get(_url("document-file", mine.pk, "abc"))) == (404, "not_found")
    assert _error(client.get(_url("document-file", mine.pk, 10**30))) == (404, "not_found")


# --- During the study ----------------------------------------------------------------------------


def test_the_employee_reports_a_semester_with_the_transcript(city, login, today):
    leave = study_at(S.ONGOING, city.staff_a, city)
    today(IN_SEMESTER_1)
    client = login(city.staff_a.user)

    response = _upload(
        client,
        _url("reports", leave.pk),
        {"semester": "1", "gpa": "3.75", "credits": "18", "notes": "Lancar", "transcript": pdf("khs.pdf")},
    )

    assert response.status_code == 201, response.content
    (report,) = response.json()["reports"]
    assert (report["semester"], report["gpa"], report["credits"], report["due_on"]) == (
        1,
        "3.75",
        18,
        FIRST_REPORT_DUE.isoformat(),
    )
    assert report["submitted_late"] is False
    assert _content(client.get(report["transcript_url"])) == PDF
    assert response.json()["next_report_due_on"] == "2028-03-02"  # semester 2's
    assert response.json()["events"][-1]["action"] == "reported"


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"semester": "2"}, "semester", "semester_not_started"),
        ({"semester": "0"}, "semester", "min_value"),
        ({"gpa": "4.50"}, "gpa", "max_value"),
        ({"gpa": "tiga"}, "gpa", "invalid"),
        ({"transcript": "transkrip"}, "transcript", "invalid"),
    ],
)
def test_a_report_with_bad_input_is_refused_and_nothing_is_written(city, login, today, data, field, code):
    leave = study_at(S.ONGOING, city.staff_a, city)
    today(IN_SEMESTER_1)
    body = {"semester": "1", "gpa": "3.50", "transcript": pdf("khs.pdf"), **data}

    response = _upload(login(city.staff_a.user), _url("reports", leave.pk), body)

    assert response.status_code == 400
    assert _field_codes(response)[field] == [code]
    assert not StudyReport.objects.exists()


def test_a_transcript_that_is_not_a_pdf_is_refused_under_its_own_name(city, login, today):
    leave = study_at(S.ONGOING, city.staff_a, city)
    today(IN_SEMESTER_1)
    fake = SimpleUploadedFile("khs.pdf", TEXT, content_type="application/pdf")

    response = _upload(
        login(city.staff_a.user), _url("reports", leave.pk), {"semester": "1", "gpa": "3.5", "transcript": fake}
    )

    assert _error(response) == (400, "file_type")
    assert _field_codes(response) == {"transcript": ["file_type"]}
    assert not StudyReport.objects.exists()


def test_a_semester_is_reported_once(city, login, today):
    leave = study_at(S.ONGOING, city.staff_a, city)
    today(IN_SEMESTER_1)
    client = login(city.staff_a.user)
    body = {"semester": "1", "gpa": "3.5"}

    _upload(client, _url("reports", leave.pk), {**body, "transcript": pdf()})
    again = _upload(client, _url("reports", leave.pk), {**body, "transcript": pdf()})

    assert _error(again) == (400, "semester_reported")
    assert StudyReport.objects.count() == 1


def test_reporting_before_the_study_started_is_the_wrong_moment(city, login):
    leave = study_at(S.APPROVED, city.staff_a, city)

    response = _upload(
        login(city.staff_a.user), _url("reports", leave.pk), {"semester": "1", "gpa": "3.5", "transcript": pdf()}
    )

    assert _error(response) == (400, "invalid_transition")


def test_a_report_past_due_shows_as_overdue(city, login, today):
    leave = study_at(S.ONGOING, city.staff_a, city)
    client = login(city.admin)

    today(FIRST_REPORT_DUE)
    on_the_day = client.get(_url("detail", leave.pk)).json()
    today(FIRST_REPORT_DUE + dt.timedelta(days=1))
    the_day_after = client.get(_url("detail", leave.pk)).json()

    assert on_the_day["report_overdue"] is False
    assert the_day_after["report_overdue"] is True


def test_an_extension_is_asked_for_once_and_bkpp_approves_it(city, login, today):
    leave = study_at(S.ONGOING, city.staff_a, city)
    today(dt.date(2028, 11, 1))
    employee = login(city.staff_a.user)

    without_reason = _post(employee, _url("extension", leave.pk))
    asked = _post(employee, _url("extension", leave.pk), {"reason": "Penelitian tesis belum selesai"})
    again = _post(employee, _url("extension", leave.pk), {"reason": "Lagi"})
    decided = _post(login(city.admin), _url("extension-decision", leave.pk), {"approve": True})

    assert _error(without_reason) == (400, "reason_required")
    assert asked.status_code == 201
    assert [(e["state"], e["months"]) for e in asked.json()["extensions"]] == [("requested", 12)]
    assert _error(again) == (400, "extension_pending")
    assert decided.status_code == 200
    assert decided.json()["ends_on"] == "2030-02-01"
    assert decided.json()["extensions_approved"] == 1
    assert decided.json()["extensions"][0]["state"] == "approved"
    assert decided.json()["extensions"][0]["decided_by"] == city.admin.username


def test_bkpp_rejects_an_extension_with_a_note_and_none_is_left_to_decide(city, login):
    leave = study_at(S.ONGOING, city.staff_a, city)
    study.request_extension(leave, by=city.staff_a.user, reason="Tesis")
    client = login(city.admin)

    without_note = _post(client, _url("extension-decision", leave.pk), {"approve": False})
    rejected = _post(client, _url("extension-decision", leave.pk), {"approve": False, "note": "Melebihi batas"})
    nothing_left = _post(client, _url("extension-decision", leave.pk), {"approve": True})
    no_answer = _post(client, _url("extension-decision", leave.pk), {"note": "?"})

    assert _error(without_note) == (400, "reason_required")
    assert rejected.json()["extensions"][0]["state"] == "rejected"
    assert rejected.json()["ends_on"] == "2029-02-01"
    assert _error(nothing_left) == (400, "no_extension_pending")
    assert _field_codes(no_answer) == {"approve": ["required"]}
    assert StudyExtension.objects.get().state == ExtensionState.REJECTED


# --- The end -------------------------------------------------------------------------------------


def test_completion_records_the_diploma_and_the_detail_shows_the_bond_end(city, login, today):
    leave = study_at(S.ONGOING, city.staff_a, city)
    today(dt.date(2029, 2, 10))

    response = _post(
        login(city.admin),
        _url("complete", leave.pk),
        {"graduated_on": "2029-01-15", "returned_on": "2029-02-01", "diploma_number": "UNDIP/S2/2029/77"},
    )

    detail = response.json()
    assert response.status_code == 200, response.content
    # 24 months of tugas belajar: n = 2, so 2 × 2 + 1 = 5 years from the return date (DOMAIN.md §7.4).
    assert (detail["state"], detail["bond_years"], detail["bond_ends_on"]) == ("completed", 5, "2034-02-01")
    assert (detail["finished_on"], detail["returned_on"]) == ("2029-01-15", "2029-02-01")
    assert detail["bond_active"] is True
    assert detail["next_report_due_on"] is None
    assert detail["events"][-1]["action"] == "completed"
    assert EducationHistory.objects.get(employee=city.staff_a, level__code="S2").diploma_number == "UNDIP/S2/2029/77"


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"graduated_on": "2029-03-01", "returned_on": "2029-03-01"}, "date_in_future", "graduated_on"),
        ({"graduated_on": "2029-01-15", "returned_on": "2029-01-10"}, "returned_before_graduation", "returned_on"),
        ({"graduated_on": "2027-01-15", "returned_on": "2027-01-20"}, "graduated_before_start", "graduated_on"),
    ],
)
def test_completion_with_impossible_dates_is_refused(city, login, today, body, code, field):
    leave = study_at(S.ONGOING, city.staff_a, city)
    today(dt.date(2029, 2, 10))

    response = _post(login(city.admin), _url("complete", leave.pk), body)

    assert _error(response) == (400, code)
    assert _field_codes(response) == {field: [code]}
    assert _state(leave) == S.ONGOING
    assert not EducationHistory.objects.filter(employee=city.staff_a, level__code="S2").exists()


def test_bkpp_terminates_a_study_with_its_reason(city, login, today):
    leave = study_at(S.ONGOING, city.staff_a, city)
    today(dt.date(2027, 9, 1))
    client = login(city.admin)

    unknown = _post(client, _url("terminate", leave.pk), {"reason_kind": "bosan", "reason": "x", "on": "2027-08-01"})
    terminated = _post(
        client, _url("terminate", leave.pk), {"reason_kind": "failed", "reason": "IPK < 2", "on": "2027-08-01"}
    )

    assert _field_codes(unknown) == {"reason_kind": ["invalid_reason"]}
    assert (terminated.json()["state"], terminated.json()["termination_reason"]) == ("terminated", "failed")
    assert terminated.json()["bond_ends_on"] is None


# --- The pre-check -------------------------------------------------------------------------------


def _precheck(client, employee, **overrides):
    body = {
        "nip": employee.nip,
        "kind": "tugas_belajar",
        "level": "S2",
        "accreditation": "A",
        "starts_on": START.isoformat(),
        "ends_on": "2029-02-01",
        **overrides,
    }
    return _post(client, _url("precheck"), {key: value for key, value in body.items() if value is not None})


def _writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) and "django_session" not in q["sql"]
    ]


def test_the_precheck_answers_every_criterion_and_saves_nothing(city, login):
    client = login(city.staff_a.user)
    counts = (StudyLeave.objects.count(), StudyEvent.objects.count(), StudyDocument.objects.count())

    with CaptureQueriesContext(connection) as queries:
        response = _precheck(client, city.staff_a)

    body = response.json()
    assert response.status_code == 200, response.content
    assert body["eligible"] is True
    assert [c["code"] for c in body["criteria"]] == list(CODES)
    assert all(c["ok"] and c["label"] and c["message"] for c in body["criteria"])
    age = next(c for c in body["criteria"] if c["code"] == "age")
    assert (age["values"]["age"], age["values"]["cap"]) == (36, 37)
    assert (body["employee"]["nip"], body["level"]["code"], body["ends_on"]) == (city.staff_a.nip, "S2", "2029-02-01")
    assert body["policy_valid_from"] == "2021-01-01"
    assert _writes(queries.captured_queries) == []
    assert (StudyLeave.objects.count(), StudyEvent.objects.count(), StudyDocument.objects.count()) == counts


def test_the_precheck_says_what_fails(city, login):
    draft(city.staff_a)

    response = _precheck(login(city.staff_a.user), city.staff_a, accreditation="C", ends_on="2030-02-01")

    body = response.json()
    failing = {c["code"]: c["message"] for c in body["criteria"] if not c["ok"]}
    assert body["eligible"] is False
    assert set(failing) == {"accreditation", "duration", "studying"}
    assert StudyLeave.objects.count() == 1


def test_the_precheck_takes_a_duration_in_months_and_izin_belajar_has_no_age_limit(city, login):
    response = _precheck(login(city.staff_a.user), city.staff_a, kind="izin_belajar", ends_on=None, duration_months=30)

    body = response.json()
    assert response.status_code == 200, response.content
    assert body["ends_on"] == "2029-08-01"
    assert "age" not in [c["code"] for c in body["criteria"]]


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"accreditation": "AA"}, "accreditation", "invalid_accreditation"),
        ({"level": "MBA"}, "level", "not_a_study_level"),
        ({"level": 2}, "level", "not_a_study_level"),
        ({"kind": "diklat"}, "kind", "invalid_kind"),
        ({"ends_on": "2027-01-31"}, "ends_on", "ends_before_start"),
        ({"ends_on": None}, "ends_on", "required"),
        ({"duration_months": 12}, "duration_months", "ends_on_and_duration"),
        ({"ends_on": None, "duration_months": 0}, "duration_months", "min_value"),
        ({"starts_on": "0001-01-01"}, "starts_on", "date_out_of_range"),
        ({"nip": ""}, "nip", "blank"),
    ],
)
def test_precheck_input_that_can_never_be_right_is_a_400_with_its_field_code(city, login, overrides, field, code):
    body = {key: value for key, value in overrides.items() if value is not None}
    dropped = {key for key, value in overrides.items() if value is None}
    base = {
        "nip": city.staff_a.nip,
        "kind": "tugas_belajar",
        "level": "S2",
        "accreditation": "A",
        "starts_on": START.isoformat(),
        "ends_on": "2029-02-01",
    }

    response = _post(
        login(city.staff_a.user),
        _url("precheck"),
        {key: value for key, value in {**base, **body}.items() if key not in dropped},
    )

    assert _error(response) == (400, "validation_error")
    assert _field_codes(response)[field] == [code]


def test_the_precheck_of_an_unknown_nip_is_a_404(city, login):
    response = _precheck(login(city.admin), city.staff_a, nip="199001012015031999")

    assert _error(response) == (404, "not_found")


# --- Lists ---------------------------------------------------------------------------------------


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_the_list_filters_by_state_kind_level_opd_and_employee(city, login):
    tb = study_at(S.SUBMITTED, city.staff_a, city)
    ib = draft(city.staff_b, plan(kind=StudyKind.IZIN_BELAJAR, level="S3", months=48))
    teacher = draft(city.outsider)
    client = login(city.admin)

    def ids(**params):
        return _ids(client.get(_url("list"), params))

    assert ids() == {tb.pk, ib.pk, teacher.pk}
    assert ids(state="submitted") == {tb.pk}
    assert ids(kind="izin_belajar") == {ib.pk}
    assert ids(level="S2") == {tb.pk, teacher.pk}
    assert ids(opd=city.disdik.pk) == {teacher.pk}
    assert ids(employee=city.staff_b.nip) == {ib.pk}
    assert client.get(_url("list"), {"level": "S9"}).status_code == 400
    assert client.get(_url("list"), {"state": "lost"}).status_code == 400


def test_the_list_filters_overdue_reports_and_running_bonds(city, login, today):
    studying = study_at(S.ONGOING, city.staff_a, city)
    bonded = study_at(S.ONGOING, city.staff_b, city)
    study.complete(
        bonded,
        by=city.admin,
        graduated_on=dt.date(2027, 6, 1),
        returned_on=dt.date(2027, 6, 2),
        today=dt.date(2027, 6, 5),
    )
    client = login(city.admin)
    today(FIRST_REPORT_DUE + dt.timedelta(days=1))

    overdue = _ids(client.get(_url("list"), {"report_overdue": "true"}))
    not_overdue = _ids(client.get(_url("list"), {"report_overdue": "false"}))
    bond = _ids(client.get(_url("list"), {"bond_active": "true"}))
    rows = {row["id"]: row for row in client.get(_url("list")).json()["results"]}

    assert overdue == {studying.pk}
    assert not_overdue == {bonded.pk}
    assert bond == {bonded.pk}
    assert rows[studying.pk]["report_overdue"] is True
    assert rows[bonded.pk]["bond_active"] is True
    assert rows[bonded.pk]["bond_ends_on"] == "2030-06-02"  # one study year: 2 × 1 + 1


def test_the_list_is_paginated(city, login):
    for employee in (city.staff_a, city.staff_b, city.outsider):
        draft(employee)

    response = login(city.admin).get(_url("list"), {"page_size": 2})

    assert response.json()["count"] == 3
    assert len(response.json()["results"]) == 2
    assert response.json()["next"]


def _employees(city, count: int):
    return [EmployeeFactory(unit=city.dinkes_bidang, supervisor=city.supervisor) for _ in range(count)]


@pytest.mark.parametrize("size", [2, 8])
def test_the_list_costs_the_same_queries_whatever_its_size(city, login, size, django_assert_max_num_queries):
    for employee in _employees(city, size):
        leave = draft(employee)
        attach_all(leave, employee.user)
        study.submit(leave, by=employee.user, today=TODAY)
    client = login(city.operator.user)

    # Session, user, roles, employee, operator grants, count, page.
    with django_assert_max_num_queries(7):
        response = client.get(_url("list"))

    assert response.json()["count"] == size


def test_the_detail_costs_a_fixed_number_of_queries(city, login, django_assert_max_num_queries):
    leave = study_at(S.CHECKED, city.staff_a, city)
    client = login(city.admin)

    # Session, user, roles, employee; the row, documents, reports, extensions, events; the policy.
    with django_assert_max_num_queries(10):
        response = client.get(_url("detail", leave.pk))

    assert len(response.json()["events"]) > 5


# --- Odd input -----------------------------------------------------------------------------------

ODD_VALUES = [None, [], ["S2"], {"code": "S2"}, 10**30, -1, 3.5, True, "", "\x00", "2027-02-01T00:00:00Z", "S2" * 50]


@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
@pytest.mark.parametrize("field", ["kind", "level", "accreditation", "starts_on", "ends_on", "funding", "program"])
def test_odd_values_are_a_400_never_a_500(city, login, field, value):
    client = login(city.staff_a.user)

    created = _post(client, _url("list"), _body(**{field: value}))
    checked = _post(
        client,
        _url("precheck"),
        {"nip": city.staff_a.nip, "kind": "tugas_belajar", "level": "S2", "accreditation": "A"}
        | {"starts_on": START.isoformat(), "ends_on": "2029-02-01", field: value},
    )

    assert created.status_code in (201, 400), created.content
    assert checked.status_code in (200, 400), checked.content
    assert created.status_code == 201 or not StudyLeave.objects.exists()


@pytest.mark.parametrize("body", ["[1, 2]", '"teks"', "null", "{", "1e999"])
def test_a_body_that_is_not_an_object_is_a_400(city, login, body):
    response = login(city.staff_a.user).post(_url("list"), body, content_type="application/json")

    assert response.status_code == 400
    assert not StudyLeave.objects.exists()
