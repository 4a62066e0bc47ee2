"""The integrity imports (integrity.importing): disciplinary sanctions ("hukuman_disiplin",
Inspektorat only) and wealth-report filings marked as submitted ("pelaporan_harta", Admin BKPP
and Inspektorat). All rows or none, every bad row listed, a re-import changes nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from asn_portal.models import ImportJob, PositionKind
from integrity import importing, rules, services
from integrity.importing import FILING_COLUMNS, SANCTION_COLUMNS, import_filings, import_sanctions
from integrity.models import FilingChannel, FilingKind, Sanction, SanctionType, WealthReport
from tests.asn_portal.test_import import csv_bytes, xlsx_bytes
from tests.factories import EmployeeFactory, PositionFactory
from tests.integrity.factories import TODAY, sanction

pytestmark = pytest.mark.django_db

UPLOAD = reverse("portal:employee-import")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def audit_entries(model, actor=None):
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))
    return entries.filter(actor=actor) if actor is not None else entries


def sanction_row(employee, **overrides) -> dict:
    row = {
        "nip": employee.nip,
        "jenis": "potong_tukin_25_6_bulan",
        "tanggal_mulai": "2026-02-01",
        "nomor_sk": "800/112/2026",
        "tanggal_sk": "2026-01-20",
        "keterangan": "Tidak masuk kerja tanpa alasan yang sah.",
    }
    row.update(overrides)
    return row


def three_sanctions(city) -> list[dict]:
    return [
        sanction_row(city.staff_a),
        sanction_row(city.staff_b, jenis="teguran_tertulis", nomor_sk="800/113/2026", tanggal_mulai="2026-03-01"),
        sanction_row(city.outsider, jenis="pemberhentian", nomor_sk="800/114/2026", tanggal_mulai="05/04/2026"),
    ]


def run_sanctions(content: bytes, name: str = "hukdis.csv", **kwargs):
    kwargs.setdefault("actor", None)
    with translation.override("en"):
        return import_sanctions(io.BytesIO(content), filename=name, today=TODAY, **kwargs)


def run_filings(content: bytes, name: str = "lhkpn.csv", **kwargs):
    kwargs.setdefault("actor", None)
    with translation.override("en"):
        return import_filings(io.BytesIO(content), filename=name, today=TODAY, **kwargs)


# --- hukuman_disiplin ---------------------------------------------------------------------------


def test_a_good_sanction_file_records_every_sanction_with_its_computed_end(city):
    rows = three_sanctions(city)

    result = run_sanctions(csv_bytes(rows, SANCTION_COLUMNS), actor=city.inspektur)

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged, result.total_rows) == (3, 0, 0, 3)
    tukin = Sanction.objects.get(employee=city.staff_a)
    assert tukin.type.code == "potong_tukin_25_6_bulan"
    assert (tukin.starts_on, tukin.ends_on) == (dt.date(2026, 2, 1), dt.date(2026, 8, 1))
    assert (tukin.decree_number, tukin.decree_on) == ("800/112/2026", dt.date(2026, 1, 20))
    assert tukin.violation == "Tidak masuk kerja tanpa alasan yang sah."
    assert tukin.recorded_by == city.inspektur
    reprimand = Sanction.objects.get(employee=city.staff_b)
    assert reprimand.ends_on == reprimand.starts_on  # a one-off reprimand (DOMAIN.md §8.1)
    dismissal = Sanction.objects.get(employee=city.outsider)
    assert (dismissal.starts_on, dismissal.ends_on) == (dt.date(2026, 4, 5), None)


def test_every_recorded_sanction_has_an_audit_entry_by_the_importer(city):
    result = run_sanctions(csv_bytes(three_sanctions(city), SANCTION_COLUMNS), actor=city.inspektur)

    entries = audit_entries(Sanction, city.inspektur)
    assert result.created == 3
    assert sorted(int(e.object_pk) for e in entries) == sorted(Sanction.objects.values_list("pk", flat=True))
    assert {e.action for e in entries} == {LogEntry.Action.CREATE}
    assert all(e.changes["decree_number"][1].startswith("800/") for e in entries)


def test_an_xlsx_sanction_file_with_real_date_cells_imports(city):
    rows = three_sanctions(city)
    rows[0]["tanggal_mulai"] = dt.datetime(2026, 2, 1)
    rows[0]["tanggal_sk"] = dt.date(2026, 1, 20)

    result = run_sanctions(xlsx_bytes(rows, SANCTION_COLUMNS), name="hukdis.xlsx", actor=city.inspektur)

    assert result.ok, result.errors
    assert Sanction.objects.get(employee=city.staff_a).starts_on == dt.date(2026, 2, 1)


def test_a_sanction_file_with_good_and_bad_rows_writes_nothing_and_lists_every_bad_row(city):
    good = three_sanctions(city)
    rows = [
        *good,
        sanction_row(city.staff_a, nip="199001012015031999"),  # row 5: nobody has this NIP
        sanction_row(city.staff_a, jenis="skorsing", nomor_sk="800/115/2026"),  # row 6
        sanction_row(city.staff_a, tanggal_sk="2026-12-01", nomor_sk="800/116/2026"),  # row 7: future decree
        sanction_row(city.staff_a, nomor_sk=""),  # row 8
        sanction_row(city.staff_a, tanggal_mulai="31-31-2026", nomor_sk="800/117/2026"),  # row 9
        dict(good[0]),  # row 10: the same sanction as row 2
        sanction_row(city.staff_a, nip="", jenis=""),  # row 11: two problems
    ]

    result = run_sanctions(csv_bytes(rows, SANCTION_COLUMNS), actor=city.inspektur)

    assert {(e["row"], e["column"], e["code"]) for e in result.errors} == {
        (5, "nip", "unknown_employee"),
        (6, "jenis", "unknown_sanction_type"),
        (7, "tanggal_sk", "date_in_future"),
        (8, "nomor_sk", "required"),
        (9, "tanggal_mulai", "invalid_date"),
        (10, "nip", "duplicate_row"),
        (11, "nip", "required"),
        (11, "jenis", "required"),
    }
    messages = {e["row"]: e["message"] for e in result.errors}
    assert "199001012015031999" in messages[5]
    assert "skorsing" in messages[6] and "teguran_lisan" in messages[6]
    assert "future" in messages[7]
    assert "row 2" in messages[10]
    assert [e["row"] for e in result.errors] == sorted(e["row"] for e in result.errors)
    assert not Sanction.objects.exists()
    assert not audit_entries(Sanction).exists()


def test_importing_the_same_sanction_file_again_changes_nothing(city):
    content = csv_bytes(three_sanctions(city), SANCTION_COLUMNS)
    run_sanctions(content, actor=city.inspektur)
    entries = audit_entries(Sanction).count()

    again = run_sanctions(content, actor=city.inspektur)

    assert again.ok, again.errors
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Sanction.objects.count() == 3
    assert audit_entries(Sanction).count() == entries


def test_a_sanction_recorded_by_hand_is_recognised_whatever_the_case_and_spacing_of_its_decree(city):
    sanction(city.staff_a, "potong_tukin_25_6_bulan", dt.date(2026, 2, 1), decree_number="800/112/2026")
    rows = [sanction_row(city.staff_a, nomor_sk=" 800/112/2026 ", jenis="POTONG-TUKIN-25-6-BULAN")]

    result = run_sanctions(csv_bytes(rows, SANCTION_COLUMNS), actor=city.inspektur)

    assert (result.created, result.unchanged) == (0, 1)
    assert Sanction.objects.count() == 1


def test_the_keterangan_column_may_be_left_out(city):
    columns = tuple(c for c in SANCTION_COLUMNS if c != "keterangan")

    result = run_sanctions(csv_bytes([sanction_row(city.staff_a)], columns), actor=city.inspektur)

    assert result.ok, result.errors
    assert Sanction.objects.get().violation == ""


def test_a_sanction_dry_run_counts_but_writes_nothing(city):
    result = run_sanctions(csv_bytes(three_sanctions(city), SANCTION_COLUMNS), dry_run=True)

    assert (result.created, result.dry_run) == (3, True)
    assert not Sanction.objects.exists()


def test_the_sanction_import_uses_a_fixed_number_of_queries(city, django_assert_max_num_queries):
    # Reference data and the file's employees are loaded up front; writes are bulk.
    many = [EmployeeFactory(unit=city.dinkes_bidang) for _ in range(30)]
    rows = [sanction_row(e, nomor_sk=f"800/{i}/2026") for i, e in enumerate(many)]

    with django_assert_max_num_queries(12):
        result = run_sanctions(csv_bytes(rows, SANCTION_COLUMNS), actor=city.inspektur)

    assert result.created == 30


# --- pelaporan_harta ----------------------------------------------------------------------------


def filing_row(employee, year=2025, submitted="2026-03-10") -> dict:
    return {"nip": employee.nip, "tahun": year, "tanggal_lapor": submitted}


def test_a_good_filing_file_creates_updates_and_keeps_filings(city):
    open_year = services.create_filing(city.staff_b, year=2025, kind=None, by=None, today=TODAY)
    done = services.record_submission(city.outsider, year=2025, submitted_on=dt.date(2026, 3, 2), by=None, today=TODAY)
    rows = [
        filing_row(city.staff_a),  # never opened: created
        filing_row(city.staff_b),  # opened, not submitted: updated
        filing_row(city.outsider, submitted="02/03/2026"),  # already submitted that day: unchanged
    ]

    result = run_filings(csv_bytes(rows, FILING_COLUMNS), actor=city.admin)

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    created = WealthReport.objects.get(employee=city.staff_a, year=2025)
    assert (created.kind, created.channel) == (FilingKind.LHKASN, FilingChannel.SIHARKA)
    assert created.due_on == rules.filing_due_on(2025)
    assert created.submitted_on == dt.date(2026, 3, 10)
    assert created.opd_id == city.staff_a.opd_id
    open_year.refresh_from_db()
    assert open_year.submitted_on == dt.date(2026, 3, 10)
    assert open_year.channel == FilingChannel.SIHARKA
    done.refresh_from_db()
    assert done.submitted_on == dt.date(2026, 3, 2)


def test_a_new_filing_gets_the_kind_and_due_date_create_filing_would_give(city):
    head = PositionFactory(unit=city.dinkes, kind=PositionKind.JPT_PRATAMA)
    newcomer = EmployeeFactory(unit=city.dinkes, position=head, appointed=dt.date(2025, 11, 1))
    twin = EmployeeFactory(unit=city.dinkes, position=head, appointed=dt.date(2025, 11, 1))
    expected = services.create_filing(twin, year=2025, kind=None, by=None, today=TODAY)

    result = run_filings(csv_bytes([filing_row(newcomer)], FILING_COLUMNS), actor=city.inspektur)

    assert result.ok, result.errors
    filing = WealthReport.objects.get(employee=newcomer, year=2025)
    assert (filing.kind, filing.due_on) == (expected.kind, expected.due_on)
    assert (filing.kind, filing.channel) == (FilingKind.LHKPN, FilingChannel.E_LHKPN)
    assert filing.due_on == dt.date(2026, 3, 31)


def test_a_filing_submitted_on_another_date_is_updated_and_audited(city):
    filing = services.record_submission(
        city.staff_a, year=2025, submitted_on=dt.date(2026, 3, 2), channel=FilingChannel.E_LHKPN, by=None, today=TODAY
    )

    result = run_filings(
        csv_bytes([filing_row(city.staff_a, submitted="2026-03-20")], FILING_COLUMNS), actor=city.admin
    )

    filing.refresh_from_db()
    assert (result.updated, result.created) == (1, 0)
    assert filing.submitted_on == dt.date(2026, 3, 20)
    assert filing.channel == FilingChannel.E_LHKPN  # a channel already recorded is kept
    entry = audit_entries(WealthReport, city.admin).get()
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.changes == {"submitted_on": ["2026-03-02", "2026-03-20"]}


def test_every_written_filing_has_an_audit_entry_by_the_importer(city):
    services.create_filing(city.staff_b, year=2025, kind=None, by=None, today=TODAY)
    rows = [filing_row(city.staff_a), filing_row(city.staff_b), filing_row(city.outsider, year=2024)]

    result = run_filings(csv_bytes(rows, FILING_COLUMNS), actor=city.inspektur)

    entries = audit_entries(WealthReport, city.inspektur)
    written = WealthReport.objects.filter(submitted_on=dt.date(2026, 3, 10))
    assert (result.created, result.updated) == (2, 1)
    assert sorted(int(e.object_pk) for e in entries) == sorted(written.values_list("pk", flat=True))
    assert sorted(e.action for e in entries) == sorted(
        [LogEntry.Action.CREATE, LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    )


def test_a_filing_file_with_good_and_bad_rows_writes_nothing_and_lists_every_bad_row(city):
    opened = services.create_filing(city.staff_b, year=2025, kind=None, by=None, today=TODAY)
    rows = [
        filing_row(city.staff_a),  # row 2: good
        filing_row(city.staff_b),  # row 3: good
        filing_row(city.staff_a, year=2014, submitted="2015-02-01"),  # row 4: appointed in 2015
        filing_row(city.staff_a, submitted="2026-03-11"),  # row 5: staff_a 2025 again
        filing_row(city.outsider, submitted="2026-12-01"),  # row 6: in the future
        filing_row(city.outsider, year=2024, submitted="2023-12-31"),  # row 7: before the year began
        filing_row(city.outsider, year="20x4"),  # row 8
        filing_row(city.outsider, year=2027),  # row 9: the year has not started
        {"nip": "199001012015031999", "tahun": 2025, "tanggal_lapor": "2026-03-10"},  # row 10
        {"nip": city.supervisor.nip, "tahun": "", "tanggal_lapor": ""},  # row 11
    ]

    result = run_filings(csv_bytes(rows, FILING_COLUMNS), actor=city.admin)

    assert {(e["row"], e["column"], e["code"]) for e in result.errors} == {
        (4, "tahun", "year_before_appointment"),
        (5, "tahun", "duplicate_row"),
        (6, "tanggal_lapor", "date_in_future"),
        (7, "tanggal_lapor", "submitted_before_year"),
        (8, "tahun", "invalid_year"),
        (9, "tahun", "year_in_future"),
        (10, "nip", "unknown_employee"),
        (11, "tahun", "required"),
        (11, "tanggal_lapor", "required"),
    }
    messages = {e["row"]: e["message"] for e in result.errors}
    assert "appointed in 2015" in messages[4]
    assert "row 2" in messages[5]
    assert WealthReport.objects.count() == 1
    opened.refresh_from_db()
    assert opened.submitted_on is None
    assert not audit_entries(WealthReport, city.admin).exists()


def test_importing_the_same_filing_file_again_changes_nothing(city):
    content = xlsx_bytes([filing_row(city.staff_a), filing_row(city.staff_b, year=2024)], FILING_COLUMNS)
    run_filings(content, name="lhkpn.xlsx", actor=city.admin)
    entries = audit_entries(WealthReport).count()

    again = run_filings(content, name="lhkpn.xlsx", actor=city.admin)

    assert again.ok, again.errors
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert WealthReport.objects.count() == 2
    assert audit_entries(WealthReport).count() == entries


def test_a_year_as_an_excel_number_is_read(city):
    content = xlsx_bytes(
        [{"nip": city.staff_a.nip, "tahun": 2025.0, "tanggal_lapor": dt.date(2026, 3, 10)}], FILING_COLUMNS
    )

    result = run_filings(content, name="lhkpn.xlsx", actor=city.admin)

    assert result.ok, result.errors
    assert WealthReport.objects.get().year == 2025


def test_the_filing_import_uses_a_fixed_number_of_queries(city, django_assert_max_num_queries):
    many = [EmployeeFactory(unit=city.dinkes_bidang) for _ in range(30)]
    for employee in many[:10]:
        services.create_filing(employee, year=2025, kind=None, by=None, today=TODAY)
    rows = [filing_row(e) for e in many]

    with django_assert_max_num_queries(14):
        result = run_filings(csv_bytes(rows, FILING_COLUMNS), actor=city.admin)

    assert (result.created, result.updated) == (20, 10)


# --- Access: the upload page and the command ----------------------------------------------------


def _post(client, kind: str, content: bytes, name: str, capture):
    with capture(execute=True):
        return client.post(UPLOAD, {"kind": kind, "file": SimpleUploadedFile(name, content)})


def test_admin_bkpp_cannot_import_sanctions(city, login, media, eager_tasks, django_capture_on_commit_callbacks):
    client = login(city.admin)
    content = csv_bytes(three_sanctions(city), SANCTION_COLUMNS)

    page = client.get(UPLOAD)
    chosen = client.get(UPLOAD, {"kind": importing.SANCTIONS})
    posted = _post(client, importing.SANCTIONS, content, "hukdis.csv", django_capture_on_commit_callbacks)

    assert importing.SANCTIONS not in [kind.code for kind in page.context["kinds"]]
    assert chosen.status_code == 403
    assert posted.status_code == 403
    assert not ImportJob.objects.exists()
    assert not Sanction.objects.exists()


def test_inspektorat_imports_sanctions_through_the_upload_page(
    city, login, media, eager_tasks, django_capture_on_commit_callbacks
):
    client = login(city.inspektur)
    content = xlsx_bytes(three_sanctions(city), SANCTION_COLUMNS)

    response = _post(client, importing.SANCTIONS, content, "hukdis.xlsx", django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert (job.kind, job.status) == (importing.SANCTIONS, ImportJob.Status.SUCCEEDED), job.errors
    assert job.summary == {"created": 3, "updated": 0, "unchanged": 0}
    assert Sanction.objects.filter(recorded_by=city.inspektur).count() == 3
    with translation.override("en"):
        page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "sanctions recorded" in page


def test_a_rejected_sanction_upload_lists_the_bad_rows_on_the_job_page(
    city, login, media, eager_tasks, django_capture_on_commit_callbacks
):
    rows = [*three_sanctions(city), sanction_row(city.staff_a, jenis="skorsing", nomor_sk="800/9/2026")]
    client = login(city.inspektur)

    with translation.override("en"):
        response = _post(
            client,
            importing.SANCTIONS,
            csv_bytes(rows, SANCTION_COLUMNS),
            "hukdis.csv",
            django_capture_on_commit_callbacks,
        )
        page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert [(e["row"], e["column"], e["code"]) for e in job.errors] == [(5, "jenis", "unknown_sanction_type")]
    assert "Nothing was imported." in page
    assert "skorsing" in page
    assert not Sanction.objects.exists()


def test_a_sanction_file_with_the_employee_columns_is_refused_at_upload(city, login, media):
    from tests.asn_portal.test_import import three_rows

    client = login(city.inspektur)

    with translation.override("en"):
        response = client.post(
            UPLOAD,
            {"kind": importing.SANCTIONS, "file": SimpleUploadedFile("pegawai.csv", csv_bytes(three_rows()))},
            HTTP_ACCEPT_LANGUAGE="en",
        )

    assert response.status_code == 400
    assert "Required columns are missing" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("who", ["admin", "inspektur"])
def test_admin_bkpp_and_inspektorat_mark_filings_through_the_upload_page(
    city, login, media, eager_tasks, django_capture_on_commit_callbacks, who
):
    client = login(city.user(who))
    content = csv_bytes([filing_row(city.staff_a), filing_row(city.staff_b)], FILING_COLUMNS)

    response = _post(client, importing.FILINGS, content, "lhkpn.csv", django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.status == ImportJob.Status.SUCCEEDED, job.errors
    assert WealthReport.objects.filter(submitted_on=dt.date(2026, 3, 10)).count() == 2


@pytest.mark.parametrize("who", ["operator", "staff_a"])
def test_operators_and_employees_cannot_mark_filings(
    city, login, media, eager_tasks, django_capture_on_commit_callbacks, who
):
    client = login(city.user(who))
    content = csv_bytes([filing_row(city.staff_a)], FILING_COLUMNS)

    chosen = client.get(UPLOAD, {"kind": importing.FILINGS})
    posted = _post(client, importing.FILINGS, content, "lhkpn.csv", django_capture_on_commit_callbacks)

    assert chosen.status_code == 403
    assert posted.status_code == 403
    assert not ImportJob.objects.exists()
    assert not WealthReport.objects.exists()


def test_import_records_hukuman_disiplin_as_inspektorat(city, tmp_path):
    path = tmp_path / "hukdis.xlsx"
    path.write_bytes(xlsx_bytes(three_sanctions(city), SANCTION_COLUMNS))
    stdout = io.StringIO()

    with translation.override("en"):
        call_command("import_records", "hukuman_disiplin", str(path), "--as", "inspektur", stdout=stdout)

    assert "3 rows: 3 new, 0 updated, 0 unchanged" in stdout.getvalue()
    assert Sanction.objects.filter(recorded_by=city.inspektur).count() == 3
    assert audit_entries(Sanction, city.inspektur).count() == 3


def test_import_records_hukuman_disiplin_refuses_admin_bkpp(city, tmp_path):
    path = tmp_path / "hukdis.csv"
    path.write_bytes(csv_bytes(three_sanctions(city), SANCTION_COLUMNS))

    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("import_records", "hukuman_disiplin", str(path), "--as", city.admin.username)

    assert "may not run" in str(raised.value)
    assert not Sanction.objects.exists()


def test_import_records_hukuman_disiplin_prints_every_problem(city, tmp_path):
    rows = [*three_sanctions(city), sanction_row(city.staff_a, tanggal_sk="2099-01-01", nomor_sk="800/9/2026")]
    path = tmp_path / "hukdis.csv"
    path.write_bytes(csv_bytes(rows, SANCTION_COLUMNS))
    stderr = io.StringIO()

    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("import_records", "hukuman_disiplin", str(path), stderr=stderr)

    assert "row 5, column tanggal_sk" in stderr.getvalue()
    assert "[date_in_future]" in stderr.getvalue()
    assert "1 problem(s)" in str(raised.value)
    assert not Sanction.objects.exists()


def test_import_records_pelaporan_harta_dry_run_then_for_real(city, tmp_path):
    path = tmp_path / "lhkpn.csv"
    path.write_bytes(csv_bytes([filing_row(city.staff_a), filing_row(city.outsider)], FILING_COLUMNS))
    dry, real = io.StringIO(), io.StringIO()

    with translation.override("en"):
        call_command("import_records", "pelaporan_harta", str(path), "--as", "admin.bkpp", "--dry-run", stdout=dry)
        written_by_dry_run = WealthReport.objects.count()
        call_command("import_records", "pelaporan_harta", str(path), "--as", "admin.bkpp", stdout=real)

    assert "Dry run" in dry.getvalue()
    assert written_by_dry_run == 0
    assert "2 new" in real.getvalue()
    assert audit_entries(WealthReport, city.admin).count() == 2


def test_import_records_pelaporan_harta_refuses_an_operator(city, tmp_path):
    path = tmp_path / "lhkpn.csv"
    path.write_bytes(csv_bytes([filing_row(city.staff_a)], FILING_COLUMNS))

    with pytest.raises(CommandError):
        call_command("import_records", "pelaporan_harta", str(path), "--as", city.user("operator").username)

    assert not WealthReport.objects.exists()


def test_the_sanction_template_lists_the_type_codes(city):
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(importing.sanction_template()))

    header = [cell.value for cell in workbook.worksheets[0][1]]
    guide = {row[0] for row in workbook.worksheets[1].iter_rows(values_only=True)}
    assert header == list(SANCTION_COLUMNS)
    assert set(SanctionType.objects.values_list("code", flat=True)) <= guide
