"""The study-leave application (careers.study, DOMAIN.md §7): drafting and the input that can
never be right, documents judged by their content, every step of the workflow and every step
that is not possible from a state or not for that person, and the StudyEvent each step writes.

City roles (tests/conftest.py): staff_a applies, city.supervisor recommends, city.operator
(Dinkes) checks completeness, city.admin (Admin BKPP) decides; city.outsider works at Dinas
Pendidikan and may do nothing here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.http import Http404

from asn_portal import services
from asn_portal.models import Notification, Role
from asn_portal.services import ServiceError
from careers import permissions, study
from careers.models import (
    Funding,
    StudyDocument,
    StudyDocumentKind,
    StudyEvent,
    StudyExtension,
    StudyKind,
    StudyLeave,
    StudyPolicy,
    StudyState,
)
from tests.careers.study_factories import PDF, PNG, START, TODAY, attach_all, draft, pdf, plan, study_at
from tests.factories import EmployeeFactory
from tests.integrity.factories import sanction

pytestmark = pytest.mark.django_db

S = StudyState
D = StudyDocumentKind
TB = StudyKind.TUGAS_BELAJAR
IB = StudyKind.IZIN_BELAJAR
LATER = START + relativedelta(years=3)  # a "today" after any study in these tests ended
BASE_DOCUMENTS = [D.ACCEPTANCE, D.ACCREDITATION, D.RECOMMENDATION, D.NO_SANCTION]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def refused(call, *args, **kwargs) -> ServiceError:
    with pytest.raises(ServiceError) as error:
        call(*args, **kwargs)
    return error.value


def state_of(leave: StudyLeave) -> str:
    return StudyLeave.objects.get(pk=leave.pk).state


def events(leave: StudyLeave) -> list[tuple]:
    return list(
        StudyEvent.objects.filter(leave=leave).order_by("at", "id").values_list("action", "from_state", "to_state")
    )


def other_operator(city):
    """The Operator OPD of Dinas Pendidikan."""
    employee = EmployeeFactory(unit=city.disdik, name="Operator Disdik")
    services.grant_operator(employee.user, city.disdik, by=city.admin)
    return employee.user


# ---------------------------------------------------------------------------------------------
# Drafting and bad input
# ---------------------------------------------------------------------------------------------


def test_the_employee_drafts_an_application_for_themselves(city):
    data = plan(program="  Magister   Kesehatan Masyarakat ", sponsor="")

    leave = study.create_draft(city.staff_a, data, by=city.staff_a.user, today=TODAY)

    leave.refresh_from_db()
    assert leave.state == S.DRAFT
    assert (leave.kind, leave.level.code, leave.funding) == (TB, "S2", Funding.APBD)
    assert leave.program == "Magister Kesehatan Masyarakat"
    assert leave.opd_id == city.dinkes.pk
    assert leave.created_by == city.staff_a.user
    assert list(leave.events.values_list("action", "to_state", "by")) == [("created", S.DRAFT, city.staff_a.user.pk)]


@pytest.mark.parametrize("who", ["supervisor", "operator", "admin", "outsider"])
def test_nobody_drafts_an_application_for_someone_else(city, who):
    error = refused(study.create_draft, city.staff_a, plan(), by=city.user(who), today=TODAY)

    assert error.code == "forbidden"
    assert not StudyLeave.objects.exists()


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        (lambda: plan(ends_on=START - dt.timedelta(days=1)), "ends_before_start", "ends_on"),
        (lambda: plan(ends_on=START), "ends_before_start", "ends_on"),
        (lambda: plan(level="S2", months=25), "duration_not_allowed", "ends_on"),
        (lambda: plan(level="S2", ends_on=START + relativedelta(months=24, days=1)), "duration_not_allowed", "ends_on"),
        (lambda: plan(kind=IB, level="S1"), "level_not_allowed", "level"),
        (lambda: plan(kind=IB, level="D3"), "level_not_allowed", "level"),
        (lambda: plan(accreditation="AA"), "invalid_accreditation", "accreditation"),
        (lambda: plan(kind=TB, funding=Funding.SELF), "tugas_self_funded", "funding"),
        (lambda: plan(kind="kursus"), "invalid_kind", "kind"),
        (lambda: plan(kind=IB, level="SLTA"), "not_a_study_level", "level"),
        (lambda: plan(funding="hibah"), "invalid_funding", "funding"),
        (lambda: plan(funding=Funding.SCHOLARSHIP, sponsor="  "), "sponsor_required", "sponsor"),
        (lambda: plan(program="   "), "required", "program"),
        (lambda: plan(starts_on=TODAY - relativedelta(months=7)), "starts_in_past", "starts_on"),
        (lambda: plan(program="Magister " + "x" * 192), "too_long", "program"),
        (lambda: plan(program="P" * 151), "too_long", "program"),
        (lambda: plan(institution="U" * 201), "too_long", "institution"),
        (lambda: plan(funding=Funding.SCHOLARSHIP, sponsor="S" * 201), "too_long", "sponsor"),
        (lambda: plan(country="N" * 81), "too_long", "country"),
    ],
)
def test_input_that_can_never_be_right_is_refused_and_nothing_is_written(city, data, code, field):
    error = refused(draft, city.staff_a, data())

    assert (error.code, error.field) == (code, field)
    assert error.message.strip()
    assert StudyLeave.objects.count() == 0
    assert StudyEvent.objects.count() == 0


def test_texts_up_to_their_column_length_are_accepted(city):
    leave = draft(city.staff_a, plan(program="P" * 150, institution="U" * 200, country="N" * 80))

    assert (len(leave.program), len(leave.institution), len(leave.country)) == (150, 200, 80)


def test_a_self_funded_tugas_belajar_is_refused_with_a_message_pointing_to_izin_belajar(city):
    error = refused(draft, city.staff_a, plan(kind=TB, funding=Funding.SELF))

    assert error.code == "tugas_self_funded"
    assert "izin belajar" in error.message.lower()
    assert StudyLeave.objects.count() == 0


def test_a_correction_with_bad_input_changes_nothing(city):
    leave = draft(city.staff_a)
    before = StudyLeave.objects.filter(pk=leave.pk).values().get()
    event_count = StudyEvent.objects.count()

    error = refused(study.update_draft, leave, plan(months=30), by=city.staff_a.user, today=TODAY)

    assert error.code == "duration_not_allowed"
    assert StudyLeave.objects.filter(pk=leave.pk).values().get() == before
    assert StudyEvent.objects.count() == event_count


def test_a_second_open_application_is_refused_until_the_first_is_withdrawn(city):
    first = draft(city.staff_a)

    error = refused(draft, city.staff_a, plan(kind=IB))
    study.withdraw(first, by=city.staff_a.user, reason="Ganti program")
    second = draft(city.staff_a, plan(kind=IB))

    assert error.code == "already_open"
    assert second.pk != first.pk
    assert StudyLeave.objects.filter(employee=city.staff_a).count() == 2


def test_the_database_holds_one_open_application_per_employee(city):
    leave = draft(city.staff_a)
    values = StudyLeave.objects.filter(pk=leave.pk).values().get()
    del values["id"]

    with pytest.raises(IntegrityError), transaction.atomic():
        StudyLeave.objects.create(**values)

    StudyLeave.objects.filter(pk=leave.pk).update(state=S.WITHDRAWN)
    StudyLeave.objects.create(**values)
    assert StudyLeave.objects.filter(employee=city.staff_a).count() == 2


# ---------------------------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------------------------


def test_a_document_is_stored_under_a_random_name_with_the_type_its_content_has(city, media):
    leave = draft(city.staff_a)

    document = study.attach_document(leave, kind=D.ACCEPTANCE, uploaded=pdf("LoA Undip.pdf"), by=city.staff_a.user)

    document.refresh_from_db()
    assert (document.kind, document.content_type, document.size) == (D.ACCEPTANCE, "application/pdf", len(PDF))
    assert document.original_name == "LoA Undip.pdf"
    assert "LoA" not in document.file.name
    assert document.file.read() == PDF
    assert leave.events.filter(action="document", by=city.staff_a.user, reason=str(D.ACCEPTANCE.label)).exists()


def test_a_png_named_pdf_is_accepted_as_the_png_it_is(city):
    leave = draft(city.staff_a)

    document = study.attach_document(leave, kind=D.HEALTH, uploaded=pdf("surat-sehat.pdf", PNG), by=city.staff_a.user)

    assert document.content_type == "image/png"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"Ini bukan PDF, hanya teks biasa yang diberi nama .pdf\n", "file_type"),
        (b"<html><script>alert(1)</script></html>", "file_type"),
        (b"", "empty_file"),
    ],
)
def test_a_document_whose_content_is_not_a_pdf_or_image_is_refused_and_nothing_is_stored(city, media, content, code):
    leave = draft(city.staff_a)
    event_count = StudyEvent.objects.count()

    error = refused(
        study.attach_document, leave, kind=D.ACCEPTANCE, uploaded=pdf("loa.pdf", content), by=city.staff_a.user
    )

    assert error.code == code
    assert not StudyDocument.objects.exists()
    assert stored_files(media) == []
    assert StudyEvent.objects.count() == event_count


def test_a_document_over_the_size_limit_is_refused(city, media, settings):
    settings.SIGAP_MAX_DOCUMENT_BYTES = len(PDF) - 1
    leave = draft(city.staff_a)

    error = refused(study.attach_document, leave, kind=D.ACCEPTANCE, uploaded=pdf(), by=city.staff_a.user)

    assert error.code == "file_too_large"
    assert not StudyDocument.objects.exists()
    assert stored_files(media) == []


def test_an_unknown_document_kind_is_refused(city, media):
    leave = draft(city.staff_a)

    error = refused(study.attach_document, leave, kind="ktp", uploaded=pdf(), by=city.staff_a.user)

    assert error.code == "invalid_document_kind"
    assert stored_files(media) == []


def test_a_new_upload_of_a_kind_replaces_the_old_document_and_its_file(city, media, django_capture_on_commit_callbacks):
    leave = draft(city.staff_a)
    old = study.attach_document(leave, kind=D.ACCEPTANCE, uploaded=pdf("loa-lama.pdf"), by=city.staff_a.user)
    old_path = Path(old.file.path)

    with django_capture_on_commit_callbacks(execute=True):
        new = study.attach_document(leave, kind=D.ACCEPTANCE, uploaded=pdf("loa-baru.pdf", PNG), by=city.staff_a.user)

    assert list(leave.documents.values_list("pk", "original_name", "content_type")) == [
        (new.pk, "loa-baru.pdf", "image/png")
    ]
    assert not old_path.exists()
    assert stored_files(media) == [Path(new.file.path)]


# ---------------------------------------------------------------------------------------------
# The steps
# ---------------------------------------------------------------------------------------------


def test_the_whole_way_to_the_decree_records_who_did_each_step_and_why(city):
    staff, supervisor, operator, admin = (city.user(w) for w in ("staff_a", "supervisor", "operator", "admin"))
    leave = draft(city.staff_a)
    attach_all(leave, staff)

    study.submit(leave, by=staff, today=TODAY)
    study.recommend(leave, by=supervisor, note=" Sesuai kebutuhan formasi ")
    study.check_complete(leave, by=operator, note="Lengkap")
    study.approve(leave, by=admin, decree_number=" 800/45/BKPP/2026 ", decree_on=TODAY, today=TODAY)

    leave.refresh_from_db()
    assert leave.state == S.APPROVED
    assert (leave.decree_number, leave.decree_on) == ("800/45/BKPP/2026", TODAY)
    steps = list(
        leave.events.exclude(action="document")
        .order_by("at", "id")
        .values_list("action", "from_state", "to_state", "by", "reason")
    )
    assert steps == [
        ("created", "", S.DRAFT, staff.pk, ""),
        ("submitted", S.DRAFT, S.SUBMITTED, staff.pk, ""),
        ("recommended", S.SUBMITTED, S.RECOMMENDED, supervisor.pk, "Sesuai kebutuhan formasi"),
        ("checked", S.RECOMMENDED, S.CHECKED, operator.pk, "Lengkap"),
        ("approved", S.CHECKED, S.APPROVED, admin.pk, "800/45/BKPP/2026"),
    ]
    assert leave.events.filter(action="document", by=staff).count() == len(study.required_documents(leave))
    assert Notification.objects.filter(recipient=supervisor).exists()
    assert Notification.objects.filter(recipient=operator).exists()
    assert Notification.objects.filter(recipient=admin).exists()
    assert Notification.objects.filter(recipient=staff, title__contains="800/45/BKPP/2026").exists()


def test_submit_stores_the_pre_check_it_passed(city):
    leave = draft(city.staff_a)

    study.submit(leave, by=city.staff_a.user, today=TODAY)

    leave.refresh_from_db()
    assert leave.eligibility["eligible"] is True
    assert leave.eligibility["policy_valid_from"] == "2021-01-01"
    criteria = {c["code"]: c for c in leave.eligibility["criteria"]}
    assert set(criteria) == {
        "employment",
        "service",
        "status",
        "discipline",
        "accreditation",
        "level",
        "age",
        "duration",
        "bond",
        "studying",
    }
    assert all(c["ok"] for c in criteria.values())
    assert criteria["age"]["values"]["age"] == 36


def test_submit_refuses_an_employee_who_is_not_eligible_and_writes_nothing(city):
    leave = draft(city.staff_a)
    sanction(city.staff_a, "potong_tukin_25_12_bulan", dt.date(2026, 6, 1))
    event_count = StudyEvent.objects.count()

    error = refused(study.submit, leave, by=city.staff_a.user, today=TODAY)

    leave.refresh_from_db()
    assert error.code == "not_eligible"
    assert leave.state == S.DRAFT
    assert leave.eligibility == {}
    assert StudyEvent.objects.count() == event_count


def test_a_returned_application_is_corrected_and_sent_again(city):
    leave = study_at(S.RETURNED, city.staff_a, city)

    study.update_draft(leave, plan(level="S2", months=18), by=city.staff_a.user, today=TODAY)
    study.submit(leave, by=city.staff_a.user, today=TODAY)

    leave.refresh_from_db()
    assert leave.state == S.SUBMITTED
    assert leave.ends_on == START + relativedelta(months=18)
    assert events(leave)[-3:] == [
        ("returned", S.SUBMITTED, S.RETURNED),
        ("edited", S.RETURNED, S.RETURNED),
        ("resubmitted", S.RETURNED, S.SUBMITTED),
    ]
    returned = leave.events.get(action="returned")
    assert (returned.by, returned.reason) == (city.supervisor.user, "Lengkapi LoA")
    assert Notification.objects.filter(recipient=city.staff_a.user, body="Lengkapi LoA").exists()


@pytest.mark.parametrize(
    ("state", "who"), [(S.SUBMITTED, "supervisor"), (S.RECOMMENDED, "operator"), (S.CHECKED, "admin")]
)
def test_each_reviewer_returns_the_application_from_their_own_step(city, state, who):
    leave = study_at(state, city.staff_a, city)

    study.return_for_correction(leave, by=city.user(who), reason="Perbaiki surat rekomendasi")

    event = StudyEvent.objects.filter(leave=leave).order_by("-id").first()
    assert state_of(leave) == S.RETURNED
    assert (event.action, event.from_state, event.by, event.reason) == (
        "returned",
        state,
        city.user(who),
        "Perbaiki surat rekomendasi",
    )


@pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED, S.RETURNED, S.RECOMMENDED, S.CHECKED])
def test_the_employee_withdraws_before_the_decision(city, state):
    leave = study_at(state, city.staff_a, city)

    study.withdraw(leave, by=city.staff_a.user, reason=" Diterima di kampus lain ")

    event = StudyEvent.objects.filter(leave=leave).order_by("-id").first()
    assert state_of(leave) == S.WITHDRAWN
    assert (event.action, event.from_state, event.to_state, event.by, event.reason) == (
        "withdrawn",
        state,
        S.WITHDRAWN,
        city.staff_a.user,
        "Diterima di kampus lain",
    )


def test_reject_needs_a_reason(city):
    leave = study_at(S.CHECKED, city.staff_a, city)

    blank = refused(study.reject, leave, by=city.admin, reason="   ")
    study.reject(leave, by=city.admin, reason="Formasi tidak tersedia")

    assert blank.code == "reason_required"
    event = leave.events.get(action="rejected")
    assert (event.from_state, event.to_state, event.by, event.reason) == (
        S.CHECKED,
        S.REJECTED,
        city.admin,
        "Formasi tidak tersedia",
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_returning_needs_a_reason_and_changes_nothing_without_one(city, reason):
    leave = study_at(S.SUBMITTED, city.staff_a, city)
    event_count = StudyEvent.objects.count()

    error = refused(study.return_for_correction, leave, by=city.supervisor.user, reason=reason)

    assert error.code == "reason_required"
    assert state_of(leave) == S.SUBMITTED
    assert StudyEvent.objects.count() == event_count


@pytest.mark.parametrize(
    ("number", "on", "code", "field"),
    [
        ("", TODAY, "decree_required", "decree_number"),
        ("   ", TODAY, "decree_required", "decree_number"),
        ("800/1/2026", None, "decree_required", "decree_on"),
        ("800/1/2026", TODAY + dt.timedelta(days=1), "date_in_future", "decree_on"),
    ],
)
def test_approval_needs_the_decree_number_and_a_date_not_in_the_future(city, number, on, code, field):
    leave = study_at(S.CHECKED, city.staff_a, city)

    error = refused(study.approve, leave, by=city.admin, decree_number=number, decree_on=on, today=TODAY)

    leave.refresh_from_db()
    assert (error.code, error.field) == (code, field)
    assert (leave.state, leave.decree_number, leave.decree_on) == (S.CHECKED, "", None)


def test_an_approval_on_or_after_the_start_date_begins_the_study_at_once(city):
    leave = study_at(S.CHECKED, city.staff_a, city)

    study.approve(leave, by=city.admin, decree_number="800/2/2027", decree_on=START, today=START)

    leave.refresh_from_db()
    assert (leave.state, leave.started_on) == (S.ONGOING, START)
    assert events(leave)[-2:] == [("approved", S.CHECKED, S.APPROVED), ("started", S.APPROVED, S.ONGOING)]
    assert leave.events.get(action="started").by == city.admin


def test_an_approved_study_waits_for_the_daily_task_on_its_start_date(city):
    leave = study_at(S.APPROVED, city.staff_a, city)

    before = study.start_due_studies(START - dt.timedelta(days=1))
    on_the_day = study.start_due_studies(START)
    again = study.start_due_studies(START)

    leave.refresh_from_db()
    assert (before, on_the_day, again) == (0, 1, 0)
    assert (leave.state, leave.started_on) == (S.ONGOING, START)
    started = leave.events.get(action="started")
    assert (started.from_state, started.by) == (S.APPROVED, None)


# ---------------------------------------------------------------------------------------------
# Completeness: which documents
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "funding", "sponsor", "expected"),
    [
        (TB, Funding.APBD, "", [*BASE_DOCUMENTS, D.HEALTH]),
        (TB, Funding.SCHOLARSHIP, "LPDP", [*BASE_DOCUMENTS, D.SPONSOR, D.HEALTH]),
        (IB, Funding.SELF, "", BASE_DOCUMENTS),
        (IB, Funding.SCHOLARSHIP, "Beasiswa Pemkot", [*BASE_DOCUMENTS, D.SPONSOR]),
    ],
)
def test_the_required_documents_follow_the_kind_and_the_funding(city, kind, funding, sponsor, expected):
    leave = draft(city.staff_a, plan(kind=kind, funding=funding, sponsor=sponsor))

    assert study.required_documents(leave) == [str(d) for d in expected]


def test_the_health_certificate_follows_the_policy(city):
    leave = draft(city.staff_a)

    StudyPolicy.objects.update(health_certificate_required=False)

    assert D.HEALTH not in study.required_documents(leave)


def _recommended_with(city, data, kinds) -> StudyLeave:
    leave = draft(city.staff_a, data)
    for kind in kinds:
        study.attach_document(leave, kind=kind, uploaded=pdf(f"{kind}.pdf"), by=city.staff_a.user)
    study.submit(leave, by=city.staff_a.user, today=TODAY)
    return study.recommend(leave, by=city.supervisor.user)


def test_the_check_refuses_a_scholarship_without_the_sponsors_guarantee(city):
    leave = _recommended_with(city, plan(funding=Funding.SCHOLARSHIP, sponsor="LPDP"), [*BASE_DOCUMENTS, D.HEALTH])
    event_count = StudyEvent.objects.count()

    error = refused(study.check_complete, leave, by=city.operator.user)
    study.attach_document(leave, kind=D.SPONSOR, uploaded=pdf(), by=city.operator.user)
    study.check_complete(leave, by=city.operator.user)

    assert (error.code, error.field) == ("documents_missing", "documents")
    assert StudyEvent.objects.filter(leave=leave, action="checked").count() == 1
    assert StudyEvent.objects.filter(leave=leave).count() == event_count + 2  # the document, the check
    assert state_of(leave) == S.CHECKED


def test_the_check_passes_an_apbd_study_without_a_sponsors_guarantee(city):
    leave = _recommended_with(city, plan(funding=Funding.APBD), [*BASE_DOCUMENTS, D.HEALTH])

    study.check_complete(leave, by=city.operator.user)

    assert state_of(leave) == S.CHECKED


def test_the_health_certificate_is_needed_for_tugas_belajar_only(city):
    tugas = _recommended_with(city, plan(kind=TB), BASE_DOCUMENTS)
    missing = refused(study.check_complete, tugas, by=city.operator.user)
    study.withdraw(tugas, by=city.staff_a.user)
    izin = _recommended_with(city, plan(kind=IB), BASE_DOCUMENTS)

    study.check_complete(izin, by=city.operator.user)

    assert missing.code == "documents_missing"
    assert study.missing_documents(tugas) == [D.HEALTH]
    assert state_of(izin) == S.CHECKED


# ---------------------------------------------------------------------------------------------
# Steps that are not possible from a state
# ---------------------------------------------------------------------------------------------


def _extension(leave, city) -> StudyExtension:
    extension = leave.extension_requests.filter(state="requested").first()
    return extension or StudyExtension.objects.create(
        leave=leave, months=12, reason="Penelitian", previous_ends_on=leave.ends_on, requested_by=city.staff_a.user
    )


def _attacher(leave, city):
    """The employee while the application is theirs to edit, their operator while in review."""
    return city.staff_a.user if leave.state in (S.DRAFT, S.RETURNED) else city.operator.user


def _reviewer(leave, city):
    """Whose step a return is: the supervisor's, the operator's or BKPP's (admin in other states)."""
    return {S.SUBMITTED: city.supervisor.user, S.RECOMMENDED: city.operator.user}.get(leave.state, city.admin)


# Each step, taken by the person who may take it, with input it accepts.
STEPS = {
    "update_draft": lambda leave, city: study.update_draft(leave, plan(), by=city.staff_a.user, today=TODAY),
    "attach_document": lambda leave, city: study.attach_document(
        leave, kind=D.OTHER, uploaded=pdf(), by=_attacher(leave, city)
    ),
    "submit": lambda leave, city: study.submit(leave, by=city.staff_a.user, today=TODAY),
    "recommend": lambda leave, city: study.recommend(leave, by=city.supervisor.user),
    "return_for_correction": lambda leave, city: study.return_for_correction(
        leave, by=_reviewer(leave, city), reason="Perbaiki"
    ),
    "check_complete": lambda leave, city: study.check_complete(leave, by=city.operator.user),
    "approve": lambda leave, city: study.approve(
        leave, by=city.admin, decree_number="800/9/2026", decree_on=TODAY, today=TODAY
    ),
    "reject": lambda leave, city: study.reject(leave, by=city.admin, reason="Tidak ada formasi"),
    "withdraw": lambda leave, city: study.withdraw(leave, by=city.staff_a.user),
    "submit_report": lambda leave, city: study.submit_report(
        leave, semester=1, gpa="3.50", transcript=pdf("khs.pdf"), by=city.staff_a.user, today=LATER
    ),
    "request_extension": lambda leave, city: study.request_extension(leave, by=city.staff_a.user, reason="Riset"),
    "decide_extension": lambda leave, city: study.decide_extension(
        _extension(leave, city), by=city.admin, approve=True, today=LATER
    ),
    "complete": lambda leave, city: study.complete(
        leave,
        by=city.admin,
        graduated_on=leave.starts_on + relativedelta(months=20),
        returned_on=leave.starts_on + relativedelta(months=21),
        today=LATER,
    ),
    "terminate": lambda leave, city: study.terminate(
        leave,
        by=city.admin,
        reason_kind="failed",
        reason="IPK rendah",
        on=leave.starts_on + relativedelta(months=6),
        today=LATER,
    ),
}
ALLOWED_IN = {
    "update_draft": {S.DRAFT, S.RETURNED},
    "attach_document": {S.DRAFT, S.SUBMITTED, S.RETURNED, S.RECOMMENDED},
    "submit": {S.DRAFT, S.RETURNED},
    "recommend": {S.SUBMITTED},
    "return_for_correction": {S.SUBMITTED, S.RECOMMENDED, S.CHECKED},
    "check_complete": {S.RECOMMENDED},
    "approve": {S.CHECKED},
    "reject": {S.CHECKED},
    "withdraw": {S.DRAFT, S.SUBMITTED, S.RETURNED, S.RECOMMENDED, S.CHECKED, S.APPROVED},
    "submit_report": {S.ONGOING},
    "request_extension": {S.ONGOING},
    "decide_extension": {S.ONGOING},
    "complete": {S.ONGOING},
    "terminate": {S.ONGOING},
}


@pytest.mark.parametrize("state", list(S.values))
def test_every_step_not_possible_from_a_state_is_refused_and_changes_nothing(city, state):
    leave = study_at(state, city.staff_a, city)
    if state == S.ONGOING:  # a request waits, so that deciding is possible
        _extension(leave, city)
    before = StudyLeave.objects.filter(pk=leave.pk).values().get()
    event_count = StudyEvent.objects.count()
    refusals = {}

    for name, step in STEPS.items():
        if state in ALLOWED_IN[name]:
            continue
        if name == "decide_extension":
            _extension(leave, city)
        try:
            step(leave, city)
        except ServiceError as error:
            refusals[name] = error.code
        else:
            refusals[name] = "done"

    assert refusals == {name: "invalid_transition" for name in STEPS if state not in ALLOWED_IN[name]}
    assert StudyLeave.objects.filter(pk=leave.pk).values().get() == before
    assert StudyEvent.objects.count() == event_count


@pytest.mark.parametrize("name", list(STEPS))
def test_every_step_is_possible_from_the_states_it_is_for(city, name):
    done = []

    for state in sorted(ALLOWED_IN[name]):
        leave = study_at(state, city.staff_a, city)
        STEPS[name](leave, city)
        done.append(state)
        StudyLeave.objects.filter(pk=leave.pk).update(state=S.WITHDRAWN)  # make room for the next

    assert done == sorted(ALLOWED_IN[name])


# ---------------------------------------------------------------------------------------------
# Steps by people who may not take them
# ---------------------------------------------------------------------------------------------


FORBIDDEN = [
    # (state, step, who)
    (S.DRAFT, "update_draft", "supervisor"),
    (S.DRAFT, "update_draft", "operator"),
    (S.DRAFT, "attach_document", "operator"),
    (S.DRAFT, "submit", "supervisor"),
    (S.DRAFT, "submit", "admin"),
    (S.DRAFT, "withdraw", "operator"),
    (S.SUBMITTED, "recommend", "staff_a"),
    (S.SUBMITTED, "recommend", "staff_b"),
    (S.SUBMITTED, "recommend", "operator"),
    (S.SUBMITTED, "recommend", "admin"),  # the supervisor has an account: it is their step
    (S.SUBMITTED, "return_for_correction", "staff_a"),
    (S.SUBMITTED, "return_for_correction", "operator"),
    (S.SUBMITTED, "attach_document", "staff_a"),
    (S.SUBMITTED, "withdraw", "supervisor"),
    (S.RECOMMENDED, "check_complete", "supervisor"),
    (S.RECOMMENDED, "check_complete", "staff_a"),
    (S.RECOMMENDED, "check_complete", "other_operator"),
    (S.RECOMMENDED, "attach_document", "other_operator"),
    (S.RECOMMENDED, "return_for_correction", "supervisor"),
    (S.RECOMMENDED, "return_for_correction", "other_operator"),
    (S.CHECKED, "approve", "operator"),
    (S.CHECKED, "approve", "supervisor"),
    (S.CHECKED, "approve", "staff_a"),
    (S.CHECKED, "approve", "inspektur"),
    (S.CHECKED, "reject", "operator"),
    (S.CHECKED, "return_for_correction", "operator"),
    (S.CHECKED, "withdraw", "admin"),
    (S.ONGOING, "decide_extension", "operator"),
    (S.ONGOING, "decide_extension", "staff_a"),
    (S.ONGOING, "complete", "operator"),
    (S.ONGOING, "complete", "staff_a"),
    (S.ONGOING, "terminate", "supervisor"),
    (S.ONGOING, "submit_report", "supervisor"),
    (S.ONGOING, "submit_report", "other_operator"),
    (S.ONGOING, "request_extension", "staff_b"),
]


def _by(city, who):
    return other_operator(city) if who == "other_operator" else city.user(who)


def _take(name, leave, city, user):
    """Step `name` taken by `user` instead of the person it is for."""
    calls = {
        "update_draft": lambda: study.update_draft(leave, plan(), by=user, today=TODAY),
        "attach_document": lambda: study.attach_document(leave, kind=D.OTHER, uploaded=pdf(), by=user),
        "submit": lambda: study.submit(leave, by=user, today=TODAY),
        "recommend": lambda: study.recommend(leave, by=user),
        "return_for_correction": lambda: study.return_for_correction(leave, by=user, reason="Perbaiki"),
        "check_complete": lambda: study.check_complete(leave, by=user),
        "approve": lambda: study.approve(leave, by=user, decree_number="800/9/2026", decree_on=TODAY, today=TODAY),
        "reject": lambda: study.reject(leave, by=user, reason="Tidak ada formasi"),
        "withdraw": lambda: study.withdraw(leave, by=user),
        "submit_report": lambda: study.submit_report(
            leave, semester=1, gpa="3.50", transcript=pdf("khs.pdf"), by=user, today=LATER
        ),
        "request_extension": lambda: study.request_extension(leave, by=user, reason="Riset"),
        "decide_extension": lambda: study.decide_extension(_extension(leave, city), by=user, approve=True, today=LATER),
        "complete": lambda: study.complete(
            leave,
            by=user,
            graduated_on=leave.starts_on + relativedelta(months=20),
            returned_on=leave.starts_on + relativedelta(months=21),
            today=LATER,
        ),
        "terminate": lambda: study.terminate(
            leave,
            by=user,
            reason_kind="failed",
            reason="IPK rendah",
            on=leave.starts_on + relativedelta(months=6),
            today=LATER,
        ),
    }
    return calls[name]()


@pytest.mark.parametrize(("state", "name", "who"), FORBIDDEN)
def test_a_step_by_someone_who_may_not_take_it_is_forbidden_and_changes_nothing(city, state, name, who):
    leave = study_at(state, city.staff_a, city)
    user = _by(city, who)
    before = StudyLeave.objects.filter(pk=leave.pk).values().get()
    event_count = StudyEvent.objects.count()

    error = refused(_take, name, leave, city, user)

    assert error.code == "forbidden"
    assert StudyLeave.objects.filter(pk=leave.pk).values().get() == before
    assert StudyEvent.objects.count() == event_count


@pytest.mark.parametrize("name", list(STEPS))
def test_an_employee_of_another_opd_may_take_no_step(city, name):
    state = sorted(ALLOWED_IN[name])[0]
    leave = study_at(state, city.staff_a, city)

    error = refused(_take, name, leave, city, city.outsider.user)

    assert error.code == "forbidden"
    assert state_of(leave) == state


def test_bkpp_takes_the_supervisors_step_when_the_employee_has_no_supervisor_account(city):
    alone = EmployeeFactory(unit=city.dinkes, name="Tanpa Atasan", supervisor=None)
    no_account = EmployeeFactory(unit=city.dinkes, name="Atasan Tanpa Akun", user=None)
    unsupervised = study_at(S.SUBMITTED, alone, city)
    behind_offline = study_at(S.SUBMITTED, EmployeeFactory(unit=city.dinkes, name="Staf", supervisor=no_account), city)

    study.recommend(unsupervised, by=city.admin, note="Atas nama atasan")
    study.return_for_correction(behind_offline, by=city.admin, reason="Lampirkan LoA terbaru")

    assert state_of(unsupervised) == S.RECOMMENDED
    assert unsupervised.events.get(action="recommended").by == city.admin
    assert state_of(behind_offline) == S.RETURNED
    assert Notification.objects.filter(recipient=city.admin, title__contains="Tanpa Atasan").exists()


def test_bkpp_cannot_decide_their_own_application_but_another_officer_can(city):
    officer = EmployeeFactory(unit=city.dinkes_bidang, name="Pegawai BKPP", supervisor=city.supervisor)
    services.grant_role(officer.user, Role.ADMIN_BKPP, by=None)
    leave = study_at(S.CHECKED, officer, city)

    own = {
        name: refused(_take, name, leave, city, officer.user).code
        for name in ("approve", "reject", "return_for_correction")
    }
    study.approve(leave, by=city.admin, decree_number="800/10/2026", decree_on=TODAY, today=TODAY)

    assert own == {"approve": "forbidden", "reject": "forbidden", "return_for_correction": "forbidden"}
    assert state_of(leave) == S.APPROVED


def test_bkpp_cannot_take_the_supervisors_step_or_close_their_own_study(city):
    officer = EmployeeFactory(unit=city.dinkes_bidang, name="Pegawai BKPP", supervisor=None)
    services.grant_role(officer.user, Role.ADMIN_BKPP, by=None)
    leave = draft(officer)
    attach_all(leave, officer.user)
    study.submit(leave, by=officer.user, today=TODAY)

    own_recommendation = refused(study.recommend, leave, by=officer.user)
    study.recommend(leave, by=city.admin)
    own_check = refused(study.check_complete, leave, by=officer.user)

    assert (own_recommendation.code, own_check.code) == ("forbidden", "forbidden")
    assert state_of(leave) == S.RECOMMENDED


def test_an_operator_does_not_check_or_attach_to_their_own_application(city):
    leave = draft(city.operator)  # the operator has no supervisor: BKPP recommends
    attach_all(leave, city.operator.user)
    study.submit(leave, by=city.operator.user, today=TODAY)
    study.recommend(leave, by=city.admin)

    own_check = refused(study.check_complete, leave, by=city.operator.user)
    own_document = refused(study.attach_document, leave, kind=D.OTHER, uploaded=pdf(), by=city.operator.user)
    study.check_complete(leave, by=city.admin)

    assert (own_check.code, own_document.code) == ("forbidden", "forbidden")
    assert state_of(leave) == S.CHECKED


# ---------------------------------------------------------------------------------------------
# Who sees an application
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees_draft", "sees_sent"),
    [
        ("staff_a", True, True),
        ("supervisor", False, True),
        ("operator", False, True),
        ("other_operator", False, False),
        ("admin", True, True),
        ("staff_b", False, False),
        ("outsider", False, False),
        ("inspektur", False, False),
    ],
)
def test_who_sees_an_application_before_and_after_it_is_sent(city, who, sees_draft, sees_sent):
    user = _by(city, who)
    leave = draft(city.staff_a)

    in_draft = permissions.studies_visible_to(user).filter(pk=leave.pk).exists()
    study.submit(leave, by=city.staff_a.user, today=TODAY)
    sent = permissions.studies_visible_to(user).filter(pk=leave.pk).exists()

    assert (in_draft, sent) == (sees_draft, sees_sent)
    if sees_sent:
        assert permissions.get_study_for_user(user, leave.pk) == leave
    else:
        with pytest.raises(Http404):
            permissions.get_study_for_user(user, leave.pk)
