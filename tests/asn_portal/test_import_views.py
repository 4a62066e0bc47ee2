"""The import pages: who may upload, what a bad upload gets, the job page and its polling."""

from __future__ import annotations

import io
import time

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from asn_portal.celery import app as celery_app
from asn_portal.importing import COLUMNS
from asn_portal.models import Employee, ImportJob
from tests.asn_portal.test_import import csv_bytes, three_rows, valid_row, xlsx_bytes

pytestmark = pytest.mark.django_db

UPLOAD = reverse("portal:employee-import")


@pytest.fixture
def media(settings, tmp_path):
    """Uploads go to a temporary MEDIA_ROOT; the test can check that nothing was stored."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def upload(client, content: bytes, name: str, capture):
    with capture(execute=True), translation.override("en"):
        return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)}, HTTP_ACCEPT_LANGUAGE="en")


def make_job(user, *, status=ImportJob.Status.SUCCEEDED, **fields) -> ImportJob:
    return ImportJob.objects.create(
        kind=ImportJob.Kind.EMPLOYEES, original_name="pegawai.xlsx", requested_by=user, status=status, **fields
    )


# --- Who may upload ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff_a", "supervisor", "inspektur"])
def test_employees_supervisors_and_inspektorat_may_not_open_the_employee_import(city, login, who):
    client = login(city.user(who))

    response = client.get(UPLOAD, {"kind": ImportJob.Kind.EMPLOYEES})

    assert response.status_code == 403


@pytest.mark.parametrize("who", ["staff_a", "supervisor"])
def test_employees_and_supervisors_may_not_open_the_upload_page_at_all(city, login, who):
    client = login(city.user(who))

    response = client.get(UPLOAD)

    assert response.status_code == 403


def test_inspektorat_opens_the_upload_page_without_the_employee_import(city, login):
    client = login(city.user("inspektur"))

    response = client.get(UPLOAD)

    assert response.status_code == 200
    assert ImportJob.Kind.EMPLOYEES not in [kind.code for kind in response.context["kinds"]]
    assert "kode_unit" not in response.content.decode()


@pytest.mark.parametrize("who", ["admin", "operator"])
def test_admin_bkpp_and_operators_see_the_upload_page(city, login, who):
    client = login(city.user(who))

    response = client.get(UPLOAD)

    assert response.status_code == 200
    assert "kode_unit" in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(UPLOAD)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_template_can_be_downloaded(city, login):
    client = login(city.user("operator"))

    response = client.get(UPLOAD, {"template": "xlsx"})

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in workbook.worksheets[0][1]] == list(COLUMNS)


# --- A good upload -----------------------------------------------------------------------------


def test_an_operator_uploads_a_good_file_and_the_job_page_shows_the_summary(
    city, login, media, eager_tasks, django_capture_on_commit_callbacks
):
    client = login(city.user("operator"))

    response = upload(client, xlsx_bytes(three_rows()), "pegawai dinkes.xlsx", django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("portal:import-detail", args=[job.pk])
    assert job.status == ImportJob.Status.SUCCEEDED, job.errors
    assert job.summary == {"created": 3, "updated": 0, "unchanged": 0}
    assert job.original_name == "pegawai dinkes.xlsx"
    assert Employee.objects.filter(nip__in=[r["nip"] for r in three_rows()]).count() == 3
    assert len(stored_files(media)) == 1
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "new employees" in page
    assert 'hx-trigger="every 1s"' not in page


def test_a_file_with_bad_rows_gives_a_job_page_listing_every_problem(
    city, login, media, eager_tasks, django_capture_on_commit_callbacks
):
    rows = three_rows()
    rows[0]["kode_unit"] = "DISDIK"  # another OPD than the operator's
    rows[2]["golongan"] = "III/z"
    client = login(city.user("operator"))

    response = upload(client, csv_bytes(rows), "pegawai.csv", django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert {(e["row"], e["column"], e["code"]) for e in job.errors} == {
        (2, "kode_unit", "unit_outside_scope"),
        (4, "golongan", "unknown_rank"),
    }
    assert not Employee.objects.filter(nip=rows[1]["nip"]).exists()
    with translation.override("en"):
        page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Nothing was imported." in page
    assert "III/z" in page
    errors_csv = client.get(response.url, {"download": "errors"}).content.decode("utf-8-sig")
    assert "unknown_rank" in errors_csv


# --- Bad uploads: 4xx, a message, nothing written -----------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"just some text, renamed\n", "pegawai.xlsx", "not an Excel workbook"),
        (b"", "pegawai.xlsx", "The file is empty"),
        (b"", "pegawai.csv", "The file is empty"),
        (b"nama;alamat\nBudi;Semarang\n", "pegawai.csv", "Required columns are missing"),
        (",".join(COLUMNS).encode() + b"\n", "pegawai.csv", "no data rows"),
        (b"nip,nama\n", "pegawai.pdf", "Only .xlsx and .csv"),
    ],
)
def test_a_bad_upload_gets_400_and_a_message_and_writes_nothing(
    city, login, media, eager_tasks, django_capture_on_commit_callbacks, content, name, message
):
    client = login(city.admin)

    response = upload(client, content, name, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert ImportJob.objects.count() == 0
    assert stored_files(media) == []


def test_a_file_just_over_the_limit_gets_413(
    city, login, media, settings, eager_tasks, django_capture_on_commit_callbacks
):
    settings.SIGAP_MAX_UPLOAD_BYTES = 2000
    content = csv_bytes([valid_row()] * 20)
    assert len(content) > 2000
    client = login(city.admin)

    response = upload(client, content, "pegawai.csv", django_capture_on_commit_callbacks)

    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert ImportJob.objects.count() == 0
    assert stored_files(media) == []


def test_a_50_mb_upload_gets_413(city, login, media, eager_tasks, django_capture_on_commit_callbacks):
    content = b"PK\x03\x04" + b"\0" * (50 * 1024 * 1024)
    client = login(city.admin)

    response = upload(client, content, "besar.xlsx", django_capture_on_commit_callbacks)

    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert ImportJob.objects.count() == 0
    assert stored_files(media) == []


# --- Jobs: who sees which ----------------------------------------------------------------------


def test_an_operator_sees_only_their_own_jobs_and_gets_404_for_another(city, login):
    own = make_job(city.user("operator"))
    other = make_job(city.admin)
    client = login(city.user("operator"))

    listing = client.get(UPLOAD).content.decode()
    own_page = client.get(reverse("portal:import-detail", args=[own.pk]))
    other_page = client.get(reverse("portal:import-detail", args=[other.pk]))

    assert reverse("portal:import-detail", args=[own.pk]) in listing
    assert reverse("portal:import-detail", args=[other.pk]) not in listing
    assert own_page.status_code == 200
    assert other_page.status_code == 404


def test_admin_bkpp_sees_every_job(city, login):
    job = make_job(city.user("operator"))
    client = login(city.admin)

    response = client.get(reverse("portal:import-detail", args=[job.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("who", ["staff_a", "inspektur"])
def test_other_roles_get_404_for_a_job(city, login, who):
    job = make_job(city.admin)
    client = login(city.user(who))

    response = client.get(reverse("portal:import-detail", args=[job.pk]))

    assert response.status_code == 404


def test_the_upload_page_lists_jobs_in_a_fixed_number_of_queries(city, login, django_assert_num_queries):
    client = login(city.admin)
    make_job(city.admin)
    with CaptureQueriesContext(connection) as with_one_job:
        client.get(UPLOAD)
    for _ in range(5):
        make_job(city.user("operator"), status=ImportJob.Status.FAILED, errors=[{"row": 2}])

    with django_assert_num_queries(len(with_one_job)):
        response = client.get(UPLOAD)

    assert len(response.context["jobs"]) == 6


def test_the_errors_csv_cannot_smuggle_a_formula_into_excel(city, login):
    job = make_job(
        city.admin,
        status=ImportJob.Status.FAILED,
        errors=[{"row": 1, "column": "=cmd|' /C calc'!A0", "code": "unknown_column", "message": "x"}],
    )
    client = login(city.admin)

    response = client.get(reverse("portal:import-detail", args=[job.pk]), {"download": "errors"})

    assert "'=cmd" in response.content.decode("utf-8-sig")


# --- Polling -----------------------------------------------------------------------------------


def test_the_status_part_polls_while_the_job_runs_and_stops_when_done(city, login):
    running = make_job(city.admin, status=ImportJob.Status.RUNNING, progress=40)
    done = make_job(city.admin, summary={"created": 1, "updated": 0, "unchanged": 0}, total_rows=1)
    client = login(city.admin)

    running_part = client.get(reverse("portal:import-detail", args=[running.pk]), HTTP_HX_REQUEST="true")
    done_part = client.get(reverse("portal:import-detail", args=[done.pk]), HTTP_HX_REQUEST="true")

    assert 'hx-trigger="every 1s"' in running_part.content.decode()
    assert 'aria-valuenow="40"' in running_part.content.decode()
    assert "<html" not in running_part.content.decode()
    assert 'hx-trigger="every 1s"' not in done_part.content.decode()


# --- With a real broker ------------------------------------------------------------------------


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_with_redis_a_worker_runs_the_uploaded_import(city, login, media):
    from celery.contrib.testing.worker import start_worker

    client = login(city.user("operator"))

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        response = client.post(UPLOAD, {"file": SimpleUploadedFile("pegawai.csv", csv_bytes(three_rows()))})
        job = ImportJob.objects.get()
        deadline = time.monotonic() + 30
        while not job.is_done and time.monotonic() < deadline:
            time.sleep(0.2)
            job.refresh_from_db()

    assert response.status_code == 302
    assert job.status == ImportJob.Status.SUCCEEDED, job.errors
    assert Employee.objects.filter(nip=valid_row()["nip"]).exists()
    connections.close_all()


@pytest.mark.parametrize(
    ("content", "name", "status", "message"),
    [
        (b"", "pegawai.csv", 400, "Berkas kosong."),
        (b"PK\x03\x04" + b"\0" * (50 * 1024 * 1024), "besar.xlsx", 413, "Berkas terlalu besar"),
    ],
)
def test_bad_uploads_are_explained_in_indonesian_by_default(
    city, login, media, eager_tasks, django_capture_on_commit_callbacks, content, name, status, message
):
    client = login(city.admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == status
    assert message in response.content.decode()
    assert ImportJob.objects.count() == 0
