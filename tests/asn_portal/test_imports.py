"""The registry of import kinds (asn_portal.imports): which kinds a user is offered, that a
kind's upload, job, task and command all go through the same generic machinery, and that the
kind of a job must be registered."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from asn_portal import importing, imports, permissions
from asn_portal.models import ImportJob
from asn_portal.tasks import run_employee_import, run_import_job
from tests.asn_portal.test_import import csv_bytes, three_rows

pytestmark = pytest.mark.django_db

UPLOAD = reverse("portal:employee-import")
FAKE_COLUMNS = ("nip", "angka")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _fake_run(fileobj, *, filename, actor, today=None, dry_run=False, progress=None):
    """Counts the rows; the actor is remembered so the test can see who ran it."""
    rows, problems = importing.read_records(
        fileobj, filename=filename, columns=FAKE_COLUMNS, required=FAKE_COLUMNS, progress=progress
    )
    result = importing.ImportResult(errors=problems, total_rows=len(rows), dry_run=dry_run)
    if not problems:
        result.created = len(rows)
        _fake_run.actors.append(actor)
    return result


_fake_run.actors = []


@pytest.fixture
def fake_kind(monkeypatch):
    """A registered kind only Inspektorat may run (the real registry is restored afterwards)."""
    monkeypatch.setattr(imports, "_kinds", dict(imports._kinds))
    _fake_run.actors = []
    kind = imports.ImportKind(
        code="angka_uji",
        label="Angka uji",
        title="Import angka uji",
        columns=FAKE_COLUMNS,
        required=FAKE_COLUMNS,
        may_use=lambda user: permissions.actor_for(user).is_inspektorat,
        run=_fake_run,
        template=lambda: importing.build_template(sheet_title="Uji", columns=FAKE_COLUMNS, column_help=()),
        created_label="angka baru",
        order=1,
    )
    imports.register(kind)
    return kind


def fake_file() -> bytes:
    return b"nip,angka\n198501022010031001,1\n198501022010031002,2\n"


# --- Which kinds a user is offered -------------------------------------------------------------


def test_a_kind_the_user_may_not_use_is_not_offered_and_its_upload_is_403(
    city, login, fake_kind, media, eager_tasks, django_capture_on_commit_callbacks
):
    client = login(city.user("operator"))

    page = client.get(UPLOAD)
    chosen = client.get(UPLOAD, {"kind": fake_kind.code})
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(UPLOAD, {"kind": fake_kind.code, "file": SimpleUploadedFile("uji.csv", fake_file())})

    assert fake_kind.code not in [kind.code for kind in page.context["kinds"]]
    assert f'data-kind="{fake_kind.code}"' not in page.content.decode()
    assert chosen.status_code == 403
    assert posted.status_code == 403
    assert ImportJob.objects.count() == 0


def test_the_kinds_a_user_may_use_come_in_their_order(city, fake_kind):
    inspektur = imports.kinds_for(city.inspektur)
    operator = imports.kinds_for(city.user("operator"))
    staff = imports.kinds_for(city.user("staff_a"))

    assert [kind.code for kind in inspektur] == ["angka_uji", "hukuman_disiplin", "pelaporan_harta"]
    # An operator imports employees first, then the career histories of their OPD (careers app).
    assert [kind.code for kind in operator][0] == "employees"
    assert {"riwayat_pangkat", "skp"} <= {kind.code for kind in operator}
    assert staff == []


def test_a_user_with_several_kinds_gets_a_selector_and_the_columns_of_the_chosen_kind(city, login, fake_kind):
    client = login(city.inspektur)

    first = client.get(UPLOAD).content.decode()
    chosen = client.get(UPLOAD, {"kind": "pelaporan_harta"}).content.decode()

    assert 'data-testid="import-kinds"' in first
    assert "<code>angka</code>" in first
    assert 'href="?kind=pelaporan_harta"' in first
    assert "<code>tanggal_lapor</code>" in chosen
    assert "<code>angka</code>" not in chosen
    assert 'name="kind" value="pelaporan_harta"' in chosen


def test_a_user_with_one_kind_gets_no_selector(city, login, monkeypatch):
    # Only the employee import registered (the other apps' kinds are left out for this test).
    monkeypatch.setattr(imports, "_kinds", {"employees": imports.get("employees")})
    client = login(city.user("operator"))

    page = client.get(UPLOAD).content.decode()

    assert 'data-testid="import-kinds"' not in page
    assert 'name="kind" value="employees"' in page


def test_an_unknown_kind_is_404(city, login):
    client = login(city.admin)

    response = client.get(UPLOAD, {"kind": "tidak_ada"})

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("who", "code"),
    [("operator", "employees"), ("inspektur", "hukuman_disiplin"), ("admin", "pelaporan_harta")],
)
def test_each_kind_has_its_own_template(city, login, who, code):
    client = login(city.user(who))

    response = client.get(UPLOAD, {"kind": code, "template": "xlsx"})

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert response.status_code == 200
    assert imports.get(code).download_name in response["Content-Disposition"]
    assert [cell.value for cell in workbook.worksheets[0][1]] == list(imports.get(code).columns)


def test_the_header_is_checked_against_the_chosen_kind(city, login, media, fake_kind):
    client = login(city.inspektur)

    with translation.override("en"):
        response = client.post(
            UPLOAD,
            {"kind": fake_kind.code, "file": SimpleUploadedFile("uji.csv", csv_bytes(three_rows()))},
            HTTP_ACCEPT_LANGUAGE="en",
        )

    assert response.status_code == 400
    assert "Required columns are missing" in response.content.decode()
    assert ImportJob.objects.count() == 0


# --- One job model, one task ---------------------------------------------------------------------


def test_an_upload_of_any_kind_runs_as_a_job_through_the_generic_task(
    city, login, fake_kind, media, eager_tasks, django_capture_on_commit_callbacks
):
    client = login(city.inspektur)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(UPLOAD, {"kind": fake_kind.code, "file": SimpleUploadedFile("uji.csv", fake_file())})

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert (job.kind, job.status, job.total_rows) == (fake_kind.code, ImportJob.Status.SUCCEEDED, 2)
    assert job.summary == {"created": 2, "updated": 0, "unchanged": 0}
    assert _fake_run.actors == [city.inspektur]
    page = client.get(response.url).content.decode()
    assert "angka baru" in page
    assert "Import angka uji" in page


def test_a_job_whose_uploader_lost_the_right_fails_without_running(city, fake_kind, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = ImportJob(kind=fake_kind.code, original_name="uji.csv", requested_by=city.admin)
    job.file.save("uji.csv", SimpleUploadedFile("uji.csv", fake_file()), save=True)

    importing.run_job(job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert [error["code"] for error in job.errors] == ["forbidden"]
    assert _fake_run.actors == []


def test_a_job_of_a_kind_no_longer_registered_fails_with_a_message(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = ImportJob(kind="sudah_dihapus", original_name="x.csv", requested_by=city.admin)
    job.file.save("x.csv", SimpleUploadedFile("x.csv", fake_file()), save=True)

    importing.run_job(job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert [error["code"] for error in job.errors] == ["unknown_kind"]


@pytest.mark.parametrize("task", [run_import_job, run_employee_import])
def test_the_generic_task_and_its_old_name_both_run_a_queued_employee_job(city, settings, tmp_path, task):
    settings.MEDIA_ROOT = tmp_path
    job = ImportJob(kind=ImportJob.Kind.EMPLOYEES, original_name="pegawai.csv", requested_by=city.admin)
    job.file.save("pegawai.csv", SimpleUploadedFile("pegawai.csv", csv_bytes(three_rows())), save=True)

    status = task.apply(kwargs={"job_id": job.pk, "language": "en"}).get()

    job.refresh_from_db()
    assert status == job.status
    assert job.kind == ImportJob.Kind.EMPLOYEES
    assert job.total_rows == 3


def test_a_job_kind_must_be_registered(city):
    job = ImportJob(kind="tidak_ada", original_name="x.csv", requested_by=city.admin, file="imports/x.csv")

    with pytest.raises(ValidationError) as raised:
        job.full_clean()

    assert "kind" in raised.value.message_dict


def test_starting_a_job_of_an_unregistered_kind_is_refused(city, media):
    with pytest.raises(ValueError):
        importing.start_import(SimpleUploadedFile("x.csv", fake_file()), kind="tidak_ada", by=city.admin)

    assert ImportJob.objects.count() == 0


# --- Who sees which job -----------------------------------------------------------------------


def _job(user, kind: str) -> ImportJob:
    return ImportJob.objects.create(kind=kind, original_name="x.xlsx", requested_by=user)


def test_each_kind_decides_who_sees_its_jobs(city, django_user_model):
    from asn_portal import services
    from asn_portal.models import Role

    second_inspektur = django_user_model.objects.create_user("inspektur.dua")
    services.grant_role(second_inspektur, Role.INSPEKTORAT, by=None)
    sanctions = _job(second_inspektur, "hukuman_disiplin")
    filings = _job(city.inspektur, "pelaporan_harta")
    employees = _job(city.user("operator"), "employees")

    def visible(user):
        return set(imports.jobs_visible_to(user).values_list("pk", flat=True))

    assert visible(city.inspektur) == {sanctions.pk, filings.pk}
    assert visible(city.admin) == {filings.pk, employees.pk}
    assert visible(city.user("operator")) == {employees.pk}
    assert visible(city.user("staff_a")) == set()


def test_a_sanction_import_job_is_404_for_admin_bkpp(city, login):
    job = _job(city.inspektur, "hukuman_disiplin")

    as_admin = login(city.admin).get(reverse("portal:import-detail", args=[job.pk]))
    as_inspektur = login(city.inspektur).get(reverse("portal:import-detail", args=[job.pk]))

    assert as_admin.status_code == 404
    assert as_inspektur.status_code == 200


# --- One command ---------------------------------------------------------------------------------


def test_import_records_runs_a_registered_kind_as_the_given_user(city, fake_kind, tmp_path):
    path = tmp_path / "uji.csv"
    path.write_bytes(fake_file())
    stdout = io.StringIO()

    with translation.override("en"):
        call_command("import_records", fake_kind.code, str(path), "--as", city.inspektur.username, stdout=stdout)

    assert "2 new, 0 updated, 0 unchanged" in stdout.getvalue()
    assert _fake_run.actors == [city.inspektur]


def test_import_records_refuses_a_user_who_may_not_use_the_kind(city, fake_kind, tmp_path):
    path = tmp_path / "uji.csv"
    path.write_bytes(fake_file())

    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("import_records", fake_kind.code, str(path), "--as", city.admin.username)

    assert "may not run" in str(raised.value)
    assert _fake_run.actors == []


def test_import_records_refuses_an_unknown_kind(city, tmp_path):
    path = tmp_path / "uji.csv"
    path.write_bytes(fake_file())

    with pytest.raises(CommandError):
        call_command("import_records", "tidak_ada", str(path))


def test_import_records_employees_is_the_employee_import(city, tmp_path):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes(three_rows()))
    stdout = io.StringIO()

    with translation.override("en"):
        call_command("import_records", "employees", str(path), "--as", city.admin.username, stdout=stdout)

    assert "3 new, 0 updated, 0 unchanged" in stdout.getvalue()
