"""The results import (kind "hasil_pelatihan"): one session per file, named in its `sesi`
column; all rows or none, every bad row listed; through the session's results page, the
generic upload page and the `import_records` command."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from asn_portal import imports
from asn_portal.models import ImportJob
from tests.factories import EmployeeFactory
from tests.training.factories import session
from tests.training.test_bkpp_pages import RUNNING_DAY, build_course, run_session
from training import importing
from training.models import Certificate, Registration

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HEADER = ("sesi", "nip", "nama", "lulus", "nilai", "catatan")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def course(city):
    course = build_course(city)
    run_session(course.session)
    return course


def csv_file(rows, header=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def run(content: bytes, *, actor=None, filename="hasil.csv", **kwargs):
    return importing.import_results(io.BytesIO(content), filename=filename, actor=actor, today=RUNNING_DAY, **kwargs)


def _states(*registrations) -> list[str]:
    return [Registration.objects.get(pk=r.pk).state for r in registrations]


def _problems(result) -> list[tuple]:
    return [(e["row"], e["column"], e["code"]) for e in result.errors]


# ---------------------------------------------------------------------------------------------
# The import itself
# ---------------------------------------------------------------------------------------------


def test_a_good_file_records_every_result_and_issues_the_certificates_of_passes(city, course):
    code = importing.session_code(course.session)
    content = csv_file(
        [
            [code, course.a.employee.nip, "Budi", "ya", "85,5", "Aktif berdiskusi"],
            [code, course.b.employee.nip, "Dewi", "tidak hadir", "", ""],
        ]
    )

    result = run(content, actor=city.admin)

    assert result.ok, result.errors
    assert (result.created, result.unchanged, result.total_rows) == (2, 0, 2)
    assert _states(course.a, course.b) == ["completed", "no_show"]
    a = Registration.objects.get(pk=course.a.pk)
    assert (a.score, a.result_notes) == (Decimal("85.50"), "Aktif berdiskusi")
    assert a.events.filter(to_state="completed", by=city.admin).exists()
    assert Certificate.objects.filter(registration=course.a).count() == 1
    assert not Certificate.objects.filter(registration=course.b).exists()


def test_unknown_nips_and_non_participants_are_all_listed_and_nothing_is_written(city, course):
    code = importing.session_code(course.session)
    stranger = EmployeeFactory(unit=city.disdik)  # in SIGAP, not in the session
    content = csv_file(
        [
            [code, course.a.employee.nip, "", "ya", "90", ""],  # good
            [code, "199001012020011999", "", "ya", "", ""],  # no such employee
            [code, stranger.nip, "", "tidak", "", ""],  # not registered
            [code, course.waiting.employee.nip, "", "ya", "", ""],  # waitlisted: no seat
        ]
    )

    result = run(content, actor=city.admin)

    assert _problems(result) == [
        (3, "nip", "unknown_employee"),
        (4, "nip", "not_a_participant"),
        (5, "nip", "not_a_participant"),
    ]
    assert _states(course.a, course.b, course.waiting) == ["confirmed", "confirmed", "waitlisted"]
    assert not Certificate.objects.exists()
    assert (result.created, result.unchanged) == (0, 0)


def test_bad_cells_are_listed_row_by_row(city, course):
    code = importing.session_code(course.session)
    content = csv_file(
        [
            [code, course.a.employee.nip, "", "mungkin", "", ""],
            [code, course.b.employee.nip, "", "ya", "101", ""],
            [code, course.b.employee.nip, "", "ya", "", ""],
            [code, "", "", "", "abc", ""],
        ]
    )

    result = run(content, actor=city.admin)

    assert _problems(result) == [
        (2, "lulus", "invalid_result"),
        (3, "nilai", "score_range"),
        (4, "nip", "duplicate_row"),
        (5, "nip", "required"),
        (5, "lulus", "required"),
        (5, "nilai", "invalid_score"),
    ]
    assert _states(course.a, course.b) == ["confirmed", "confirmed"]


def test_one_file_holds_one_session(city, course):
    other = session(capacity=1)
    content = csv_file(
        [
            [importing.session_code(course.session), course.a.employee.nip, "", "ya", "", ""],
            [importing.session_code(other), course.b.employee.nip, "", "ya", "", ""],
        ]
    )

    result = run(content, actor=city.admin)

    assert _problems(result) == [(3, "sesi", "several_sessions")]
    assert _states(course.a) == ["confirmed"]


def test_an_unknown_session_code_is_refused(city, course):
    content = csv_file([["TIDAK-ADA/9", course.a.employee.nip, "", "ya", "", ""]])

    result = run(content, actor=city.admin)

    assert _problems(result) == [(2, "sesi", "unknown_session")]


def test_results_of_a_session_that_has_not_started_are_refused(city):
    course = build_course(city)  # open, starts 1 December
    content = csv_file([[importing.session_code(course.session), course.a.employee.nip, "", "ya", "", ""]])

    result = importing.import_results(
        io.BytesIO(content), filename="hasil.csv", actor=city.admin, today=course.session.registration_closes_on
    )

    assert _problems(result) == [(None, "sesi", "session_not_started")]
    assert _states(course.a) == ["confirmed"]


def test_importing_the_same_file_again_changes_nothing(city, course):
    code = importing.session_code(course.session)
    content = csv_file(
        [[code, course.a.employee.nip, "", "ya", "80", ""], [code, course.b.employee.nip, "", "tidak", "", ""]]
    )
    run(content, actor=city.admin)

    again = run(content, actor=city.admin)

    assert again.ok, again.errors
    assert (again.created, again.unchanged) == (0, 2)
    assert Certificate.objects.count() == 1


def test_a_different_result_for_someone_already_decided_is_a_problem(city, course):
    code = importing.session_code(course.session)
    run(csv_file([[code, course.a.employee.nip, "", "ya", "", ""]]), actor=city.admin)

    result = run(
        csv_file([[code, course.a.employee.nip, "", "tidak", "", ""], [code, course.b.employee.nip, "", "ya", "", ""]])
    )

    assert _problems(result) == [(2, "lulus", "result_already_recorded")]
    assert _states(course.a, course.b) == ["completed", "confirmed"]


def test_a_dry_run_counts_but_writes_nothing(city, course):
    code = importing.session_code(course.session)

    result = run(csv_file([[code, course.a.employee.nip, "", "ya", "", ""]]), actor=city.admin, dry_run=True)

    assert (result.ok, result.created) == (True, 1)
    assert _states(course.a) == ["confirmed"]


def test_a_file_for_another_session_is_refused_when_a_session_is_given(city, course):
    other = session(capacity=1)
    content = csv_file([[importing.session_code(other), course.a.employee.nip, "", "ya", "", ""]])

    result = run(content, actor=city.admin, session=course.session)

    assert _problems(result) == [(2, "sesi", "other_session")]


# ---------------------------------------------------------------------------------------------
# The registry, the session page, the upload page and the command
# ---------------------------------------------------------------------------------------------


def test_the_kind_is_registered_for_admin_bkpp_only(city):
    kind = imports.get(importing.RESULTS)

    allowed = {role: kind.may_use(city.user(role)) for role in ("admin", "operator", "inspektur", "staff_a")}

    assert kind.columns == importing.COLUMNS
    assert allowed == {"admin": True, "operator": False, "inspektur": False, "staff_a": False}


def test_the_session_sheet_lists_every_participant_with_a_seat(city, course, login):
    response = login(city.admin).get(reverse("training:manage-results-sheet", args=[course.session.pk]))

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows(min_row=1, max_row=3)]
    assert rows[0] == HEADER
    assert {r[1] for r in rows[1:]} == {course.a.employee.nip, course.b.employee.nip}
    assert {r[0] for r in rows[1:]} == {importing.session_code(course.session)}


def test_a_filled_in_session_sheet_imports_through_the_session_page(
    city, course, login, media, eager_tasks, django_capture_on_commit_callbacks
):
    client = login(city.admin)
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("training:manage-results-sheet", args=[course.session.pk])).content)
    )
    for row in sheet.worksheets[0].iter_rows(min_row=2, max_row=3):
        row[3].value = "ya"
    buffer = io.BytesIO()
    sheet.save(buffer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("training:manage-results-upload", args=[course.session.pk]),
            {"file": SimpleUploadedFile("hasil.xlsx", buffer.getvalue())},
        )

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:import-detail", args=[job.pk])
    assert (job.kind, job.status, job.summary["created"]) == (importing.RESULTS, ImportJob.Status.SUCCEEDED, 2)
    assert _states(course.a, course.b) == ["completed", "completed"]


def test_another_sessions_sheet_is_refused_on_a_session_page_with_400(city, course, login, media):
    other = session(capacity=1)
    content = csv_file([[importing.session_code(other), course.a.employee.nip, "", "ya", "", ""]])

    response = login(city.admin).post(
        reverse("training:manage-results-upload", args=[course.session.pk]),
        {"file": SimpleUploadedFile("hasil.csv", content)},
        **EN,
    )

    assert response.status_code == 400
    assert "is not the results sheet of session" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_rejected_upload_lists_the_bad_rows_on_the_job_page(
    city, course, login, media, eager_tasks, django_capture_on_commit_callbacks
):
    code = importing.session_code(course.session)
    content = csv_file(
        [[code, course.a.employee.nip, "", "ya", "", ""], [code, "199001012020011999", "", "ya", "", ""]]
    )
    client = login(city.admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:employee-import"), {"kind": importing.RESULTS, "file": SimpleUploadedFile("h.csv", content)}
        )
    page = client.get(response["Location"], **EN).content.decode()

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert [(e["row"], e["code"]) for e in job.errors] == [(3, "unknown_employee")]
    assert "199001012020011999" in page.replace(" ", "")
    assert _states(course.a) == ["confirmed"]


def test_an_operator_cannot_choose_the_results_import(city, login, media):
    client = login(city.operator.user)

    response = client.get(reverse("portal:employee-import"), {"kind": importing.RESULTS})

    assert response.status_code == 403


def test_the_command_imports_a_file_as_a_named_user(city, course, tmp_path):
    code = importing.session_code(course.session)
    path = tmp_path / "hasil.csv"
    path.write_bytes(csv_file([[code, course.a.employee.nip, "", "ya", "75", ""]]))
    out = io.StringIO()

    call_command("import_records", importing.RESULTS, str(path), "--as", "admin.bkpp", stdout=out)

    assert _states(course.a) == ["completed"]
    assert Registration.objects.get(pk=course.a.pk).events.filter(by=city.admin, to_state="completed").exists()


def test_the_command_refuses_a_file_with_an_unknown_nip_and_writes_nothing(city, course, tmp_path):
    code = importing.session_code(course.session)
    path = tmp_path / "hasil.csv"
    path.write_bytes(
        csv_file([[code, course.a.employee.nip, "", "ya", "", ""], [code, "199001012020011999", "", "ya", "", ""]])
    )

    with pytest.raises(CommandError):
        call_command("import_records", importing.RESULTS, str(path), stderr=io.StringIO())

    assert _states(course.a) == ["confirmed"]
