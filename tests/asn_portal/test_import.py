"""The employee import (asn_portal.importing) and its management command. Spreadsheets are
built in memory with openpyxl and csv; `city` gives two OPDs and stored employees."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.utils import translation

from asn_portal import importing, permissions
from asn_portal.importing import COLUMNS, import_employees
from asn_portal.models import Employee, ImportJob, Position, PositionKind, Rank, User

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 1)


# --- Spreadsheets ------------------------------------------------------------------------------


def nip(born: str, tmt: str, gender: str = "1", serial: int = 1) -> str:
    """nip("19850102", "201003") -> "198501022010031001" (DOMAIN.md §1.1)."""
    return f"{born}{tmt}{gender}{serial:03d}"


def valid_row(**overrides) -> dict:
    """A new PNS of the bidang of Dinas Kesehatan (`city`), valid on TODAY."""
    row = {
        "nip": nip("19850102", "201003"),
        "nama": "Andi Wijaya",
        "gelar_depan": "",
        "gelar_belakang": "S.Kom.",
        "jenis_pegawai": "PNS",
        "kode_unit": "DINKES-P2P",
        "jabatan": "Pranata Komputer",
        "jenis_jabatan": "Fungsional keahlian",
        "jenjang": "Ahli Pertama",
        "golongan": "III/b",
        "tmt_golongan": "2018-04-01",
        "pendidikan": "S1",
        "tmt_cpns": "2010-03-01",
        "tmt_pns": "2011-03-01",
        "nip_atasan": "",
        "email": "andi@example.go.id",
        "telepon": "081234567890",
    }
    row.update(overrides)
    return row


def three_rows() -> list[dict]:
    return [
        valid_row(),
        valid_row(
            nip=nip("19870315", "201103", "2"), nama="Sri Handayani", tmt_cpns="2011-03-01", tmt_pns="2012-03-01"
        ),
        valid_row(nip=nip("19900720", "201501"), nama="Joko Prasetyo", tmt_cpns="2015-01-01", tmt_pns="2016-01-01"),
    ]


def row_for(employee: Employee, **overrides) -> dict:
    """The row that describes a stored employee exactly as stored."""
    row = {
        "nip": employee.nip,
        "nama": employee.name,
        "gelar_depan": employee.front_title,
        "gelar_belakang": employee.back_title,
        "jenis_pegawai": employee.employment_type,
        "kode_unit": employee.unit.code,
        "jabatan": employee.position.name if employee.position else "",
        "jenis_jabatan": employee.position.kind if employee.position else "",
        "jenjang": employee.position.jenjang if employee.position else "",
        "golongan": employee.rank.code if employee.rank else (employee.pppk_grade or ""),
        "tmt_golongan": employee.rank_tmt_on.isoformat() if employee.rank_tmt_on else "",
        "pendidikan": employee.education.code if employee.education else "",
        "tmt_cpns": employee.cpns_tmt_on.isoformat() if employee.cpns_tmt_on else "",
        "tmt_pns": employee.pns_tmt_on.isoformat() if employee.pns_tmt_on else "",
        "nip_atasan": employee.supervisor.nip if employee.supervisor else "",
        "email": employee.email,
        "telepon": employee.phone,
    }
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict], columns=COLUMNS, *, delimiter=",", encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column.strip().lower(), "") for column in columns])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict], columns=COLUMNS) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(column) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_integer_cells(xlsx: bytes) -> bytes:
    """openpyxl, like Excel, writes an 18-digit number with 15 significant digits; other
    writers keep every digit. Turn text cells written as "INT<digits>" into numeric cells
    holding exactly those digits."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(
                    rb'<c r="([A-Z]+\d+)" t="inlineStr"><is><t>INT(\d+)</t></is></c>',
                    rb'<c r="\1" t="n"><v>\2</v></c>',
                    data,
                )
            target.writestr(item, data)
    return out.getvalue()


def run(content: bytes, name: str = "pegawai.csv", **kwargs) -> importing.ImportResult:
    kwargs.setdefault("actor", None)
    kwargs.setdefault("opd_ids", None)
    kwargs.setdefault("today", TODAY)
    with translation.override("en"):
        return import_employees(io.BytesIO(content), filename=name, **kwargs)


def problems(result) -> set[tuple]:
    return {(e["row"], e["column"], e["code"]) for e in result.errors}


# --- All or nothing ----------------------------------------------------------------------------


def test_a_file_with_good_and_bad_rows_writes_nothing_and_lists_every_bad_row(city):
    rows = three_rows()
    rows.insert(1, valid_row(nip="19850102201003100", nama="Salah NIP"))  # row 3: 17 digits
    rows.insert(2, valid_row(nip=nip("19850102", "201003", serial=7), kode_unit="DINAS-ENTAH"))  # row 4
    rows.append(valid_row(nip=nip("19850102", "201003", serial=8), golongan="III/z"))  # row 7
    before = Employee.objects.count()

    result = run(csv_bytes(rows))

    assert not result.ok
    assert Employee.objects.count() == before
    assert not User.objects.filter(username=rows[0]["nip"]).exists()
    assert not Position.objects.filter(name="Pranata Komputer").exists()
    assert problems(result) == {
        (3, "nip", "nip_format"),
        (4, "kode_unit", "unknown_unit"),
        (7, "golongan", "unknown_rank"),
    }
    by_row = {e["row"]: e["message"] for e in result.errors}
    assert "18 digits" in by_row[3]
    assert "DINAS-ENTAH" in by_row[4]
    assert "III/z" in by_row[7]


def test_the_same_good_file_imported_twice_changes_nothing_the_second_time(city):
    content = xlsx_bytes(three_rows())
    first = run(content, "pegawai.xlsx", actor=city.admin)
    stamps = dict(Employee.objects.filter(nip__in=[r["nip"] for r in three_rows()]).values_list("nip", "updated_at"))
    audit_entries = LogEntry.objects.count()

    second = run(content, "pegawai.xlsx", actor=city.admin)

    assert first.ok and (first.created, first.updated, first.unchanged) == (3, 0, 0)
    assert second.ok and (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert dict(Employee.objects.filter(nip__in=stamps).values_list("nip", "updated_at")) == stamps
    assert LogEntry.objects.count() == audit_entries
    assert Position.objects.filter(name="Pranata Komputer").count() == 1


def test_new_employees_get_a_login_account_a_position_and_audit_entries(city):
    rows = three_rows()

    result = run(csv_bytes(rows), actor=city.admin)

    andi = Employee.objects.select_related("user", "position", "rank", "education").get(nip=rows[0]["nip"])
    assert result.created == 3
    assert andi.user.username == andi.nip
    assert not andi.user.has_usable_password()
    assert andi.user.email == "andi@example.go.id"
    assert (andi.born_on, andi.gender) == (dt.date(1985, 1, 2), "L")
    assert andi.opd_id == city.dinkes.pk
    assert andi.rank.code == "III/b"
    assert andi.education.code == "S1"
    assert (andi.position.unit_id, andi.position.kind, andi.position.jenjang) == (
        city.dinkes_bidang.pk,
        PositionKind.FUNGSIONAL_KEAHLIAN,
        "ahli_pertama",
    )
    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Employee), object_id=andi.pk)
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == city.admin
    assert entry.changes_dict["name"] == ["None", "Andi Wijaya"]


def test_an_existing_position_of_the_unit_is_reused(city):
    position = Position.objects.create(
        unit=city.dinkes_bidang, name="Pranata Komputer", kind=PositionKind.FUNGSIONAL_KEAHLIAN, jenjang="ahli_pertama"
    )

    result = run(csv_bytes([valid_row(jabatan="pranata  komputer")]))

    assert result.ok
    assert Employee.objects.get(nip=valid_row()["nip"]).position == position
    assert Position.objects.filter(unit=city.dinkes_bidang).count() == 1


def test_a_dry_run_counts_but_writes_nothing(city):
    result = run(csv_bytes(three_rows()), dry_run=True)

    assert result.ok and result.created == 3
    assert not Employee.objects.filter(nip=valid_row()["nip"]).exists()


# --- Upsert ------------------------------------------------------------------------------------


def test_upsert_updates_the_changed_fields_of_an_existing_employee_and_keeps_the_nip(city):
    staff = Employee.objects.get(pk=city.staff_a.pk)
    row = row_for(staff, nama="Budi Santoso Baru", golongan="III-b", tmt_golongan="01/04/2024")

    result = run(csv_bytes([row]), actor=city.admin)

    staff_after = Employee.objects.get(pk=staff.pk)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert staff_after.nip == staff.nip
    assert staff_after.name == "Budi Santoso Baru"
    assert staff_after.rank.code == "III/b"
    assert staff_after.rank_tmt_on == dt.date(2024, 4, 1)
    assert staff_after.supervisor_id == city.supervisor.pk
    assert staff_after.updated_at > staff.updated_at
    entry = LogEntry.objects.filter(object_id=staff.pk, action=LogEntry.Action.UPDATE).latest("id")
    assert set(entry.changes_dict) == {"name", "rank", "rank_tmt_on"}
    assert entry.changes_dict["name"] == ["Budi Santoso", "Budi Santoso Baru"]
    assert entry.actor == city.admin


def test_a_column_left_out_keeps_the_stored_value(city):
    staff = Employee.objects.get(pk=city.staff_a.pk)
    columns = ("nip", "nama", "jenis_pegawai", "kode_unit")

    result = run(csv_bytes([row_for(staff, nama="Budi S.")], columns=columns))

    staff_after = Employee.objects.get(pk=staff.pk)
    assert result.ok and result.updated == 1
    assert staff_after.name == "Budi S."
    assert (staff_after.rank_id, staff_after.supervisor_id, staff_after.education_id) == (
        staff.rank_id,
        staff.supervisor_id,
        staff.education_id,
    )


# --- Supervisors -------------------------------------------------------------------------------


def test_a_supervisor_may_be_a_later_row_of_the_same_file(city):
    rows = three_rows()
    rows[0]["nip_atasan"] = rows[2]["nip"]
    rows[1]["nip_atasan"] = city.supervisor.nip

    result = run(csv_bytes(rows))

    assert result.ok, result.errors
    andi = Employee.objects.get(nip=rows[0]["nip"])
    assert andi.supervisor.nip == rows[2]["nip"]
    assert Employee.objects.get(nip=rows[1]["nip"]).supervisor == city.supervisor


def test_supervisors_pointing_at_each_other_are_reported_as_a_loop(city):
    rows = three_rows()
    rows[0]["nip_atasan"] = rows[1]["nip"]
    rows[1]["nip_atasan"] = rows[0]["nip"]

    result = run(csv_bytes(rows))

    assert problems(result) == {(2, "nip_atasan", "supervisor_cycle"), (3, "nip_atasan", "supervisor_cycle")}
    assert f"{rows[0]['nip']} → {rows[1]['nip']} → {rows[0]['nip']}" in result.errors[0]["message"]
    assert not Employee.objects.filter(nip=rows[0]["nip"]).exists()


def test_a_supervisor_loop_through_a_stored_employee_is_reported(city):
    # Stored: staff_a reports to supervisor. The file makes supervisor report to staff_a.
    boss = Employee.objects.get(pk=city.supervisor.pk)
    row = row_for(boss, nip_atasan=city.staff_a.nip)

    result = run(csv_bytes([row]))

    assert problems(result) == {(2, "nip_atasan", "supervisor_cycle")}
    assert city.staff_a.nip in result.errors[0]["message"]
    assert Employee.objects.get(pk=boss.pk).supervisor_id is None


def test_a_file_row_may_take_over_a_stored_supervisor_edge_without_a_false_loop(city):
    # Stored: staff_a -> supervisor. The file moves staff_a under a new row and the
    # supervisor under staff_a: no loop, because the file's edge for staff_a wins.
    new = valid_row()
    staff = row_for(Employee.objects.get(pk=city.staff_a.pk), nip_atasan=new["nip"])
    boss = row_for(Employee.objects.get(pk=city.supervisor.pk), nip_atasan=city.staff_a.nip)

    result = run(csv_bytes([boss, staff, new]))

    assert result.ok, result.errors
    assert Employee.objects.get(pk=city.supervisor.pk).supervisor_id == city.staff_a.pk


def test_a_supervisor_chain_deeper_than_one_insert_per_level_is_still_written(city):
    # Each row reports to the next: deeper than importing.MAX_INSERT_LEVELS, so the last
    # supervisors are set by the second pass.
    count = importing.MAX_INSERT_LEVELS + 5
    rows = [valid_row(nip=nip("19850102", "201003", serial=i + 1), nama=f"Pegawai {i}") for i in range(count)]
    for row, boss in zip(rows, rows[1:], strict=False):
        row["nip_atasan"] = boss["nip"]

    result = run(csv_bytes(rows))

    assert result.ok, result.errors
    supervisor_of = dict(
        Employee.objects.filter(nip__in=[r["nip"] for r in rows]).values_list("nip", "supervisor__nip")
    )
    assert supervisor_of == {row["nip"]: row["nip_atasan"] or None for row in rows}


def test_an_unlinked_login_account_named_after_the_nip_is_reused(city):
    account = User.objects.create(username=valid_row()["nip"], email="lama@example.go.id")

    result = run(csv_bytes([valid_row()]))

    assert result.ok, result.errors
    assert Employee.objects.get(nip=valid_row()["nip"]).user == account


def test_a_login_account_of_another_employee_blocks_the_row(city):
    taken = User.objects.create(username=valid_row()["nip"])
    Employee.objects.filter(pk=city.staff_b.pk).update(user=taken)

    result = run(csv_bytes([valid_row()]))

    assert problems(result) == {(2, "nip", "user_taken")}


def test_an_employee_cannot_be_their_own_supervisor(city):
    row = valid_row()
    row["nip_atasan"] = row["nip"]

    result = run(csv_bytes([row]))

    assert problems(result) == {(2, "nip_atasan", "supervisor_self")}


# --- Values ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "column", "code"),
    [
        ({"nip": "1985010220100310"}, "nip", "nip_format"),
        ({"nip": "198513022010031001"}, "nip", "nip_birth_date"),
        ({"kode_unit": "TIDAK-ADA"}, "kode_unit", "unknown_unit"),
        ({"golongan": "V/a"}, "golongan", "unknown_rank"),
        ({"golongan": ""}, "golongan", "required"),
        ({"tmt_golongan": "2999-01-01"}, "tmt_golongan", "date_in_future"),
        ({"tmt_golongan": "1 April 2018"}, "tmt_golongan", "invalid_date"),
        ({"tmt_cpns": "2010-04-01"}, "tmt_cpns", "tmt_cpns_mismatch"),
        ({"tmt_pns": ""}, "tmt_pns", "required"),
        ({"pendidikan": "S9"}, "pendidikan", "unknown_education"),
        ({"jenis_pegawai": "Honorer"}, "jenis_pegawai", "unknown_employment_type"),
        ({"jenis_jabatan": "Direktur"}, "jenis_jabatan", "unknown_position_kind"),
        ({"jenjang": "Pemula"}, "jenjang", "jenjang_mismatch"),
        ({"nip_atasan": nip("19700101", "199503")}, "nip_atasan", "supervisor_not_found"),
        ({"nip_atasan": "123"}, "nip_atasan", "supervisor_nip_format"),
        ({"email": "andi@"}, "email", "invalid_email"),
        ({"nama": ""}, "nama", "required"),
        ({"nama": "x" * 151}, "nama", "too_long"),
    ],
)
def test_each_bad_value_is_reported_in_its_own_column(city, overrides, column, code):
    result = run(csv_bytes([valid_row(**overrides)]))

    assert problems(result) == {(2, column, code)}
    assert result.errors[0]["message"]


@pytest.mark.parametrize("text", ["III/a", "III-a", "3a", "IIIa", "iii / A", "Gol. III/a", "3/a"])
def test_golongan_is_read_in_every_common_spelling(text):
    assert importing.rank_code(text) == "III/a"


@pytest.mark.parametrize(("text", "grade"), [("IX", 9), ("9", 9), ("xvii", 17), ("Golongan V", 5), ("I", 1)])
def test_a_pppk_grade_is_read_in_roman_or_arabic(text, grade):
    assert importing.pppk_grade(text) == grade


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("SMA", "SLTA"),
        ("SMK", "SLTA_KEJURUAN"),
        ("D-III", "D3"),
        ("DIII", "D3"),
        ("S-1", "S1"),
        ("Sarjana", "S1"),
        ("smp", "SLTP"),
    ],
)
def test_education_aliases_are_understood(city, text, code):
    result = run(csv_bytes([valid_row(pendidikan=text)]))

    assert result.ok, result.errors
    assert Employee.objects.get(nip=valid_row()["nip"]).education.code == code


def test_a_pppk_row_takes_a_grade_instead_of_a_rank(city):
    row = valid_row(
        nip=nip("19920211", "202221"),  # NI PPPK: digits 13–14 are not a month (DOMAIN.md §1.2)
        jenis_pegawai="pppk  paruh_waktu",
        golongan="IX",
        tmt_golongan="",
        tmt_cpns="",
        tmt_pns="",
        jabatan="Pengadministrasi Umum",
        jenis_jabatan="pelaksana",
        jenjang="",
    )

    result = run(csv_bytes([row]))

    assert result.ok, result.errors
    employee = Employee.objects.get(nip=row["nip"])
    assert (employee.employment_type, employee.pppk_grade, employee.rank_id) == ("pppk_paruh_waktu", 9, None)


def test_a_pppk_row_with_a_pns_rank_is_refused(city):
    row = valid_row(nip=nip("19920211", "202221"), jenis_pegawai="PPPK", tmt_cpns="", tmt_pns="", tmt_golongan="")

    result = run(csv_bytes([row]))

    assert problems(result) == {(2, "golongan", "pppk_has_no_rank")}


def test_a_nip_repeated_in_the_file_is_reported_on_the_later_row(city):
    rows = [*three_rows(), valid_row(nama="Andi Lagi")]

    result = run(csv_bytes(rows))

    assert problems(result) == {(5, "nip", "duplicate_nip")}
    assert "row 2" in result.errors[0]["message"]


# --- Header ------------------------------------------------------------------------------------


def test_headers_match_without_regard_to_case_spaces_or_order(city):
    columns = ["  NIP ", "Nama", "Jenis Pegawai", "KODE_UNIT", "golongan", "tmt_cpns", "TMT-PNS"]
    row = valid_row()
    content = csv_bytes([{c.strip().lower(): row[importing.normalize_header(c)] for c in columns}], columns=columns)

    result = run(content)

    assert result.ok, result.errors
    assert Employee.objects.get(nip=row["nip"]).rank.code == "III/b"


def test_missing_required_columns_are_reported_once_and_unknown_columns_are_refused(city):
    columns = ["nip", "nama", "jabatan", "tmt_golongn"]

    result = run(csv_bytes([valid_row()], columns=columns))

    assert problems(result) == {
        (1, "jenis_pegawai, kode_unit", "missing_columns"),
        (1, "tmt_golongn", "unknown_column"),
    }


# --- File formats ------------------------------------------------------------------------------


def test_an_xlsx_with_real_date_cells_and_integer_nip_cells_imports(city):
    rows = three_rows()
    rows[0]["nip_atasan"] = rows[1]["nip"]
    for row in rows:
        row["tmt_cpns"] = dt.datetime.fromisoformat(row["tmt_cpns"])
        row["tmt_pns"] = dt.date.fromisoformat(row["tmt_pns"])
        row["nip"] = f"INT{row['nip']}"
        if row["nip_atasan"]:
            row["nip_atasan"] = f"INT{row['nip_atasan']}"
    content = with_integer_cells(xlsx_bytes(rows))
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    assert isinstance(next(sheet.iter_rows(min_row=2, values_only=True))[0], int)  # really numeric

    result = run(content, "pegawai.xlsx")

    assert result.ok, result.errors
    andi = Employee.objects.get(nip=valid_row()["nip"])
    assert andi.cpns_tmt_on == dt.date(2010, 3, 1)
    assert andi.supervisor.nip == three_rows()[1]["nip"]


def test_a_nip_that_excel_stored_as_a_rounded_number_is_refused_with_advice(city):
    rows = [valid_row(nip=198501022010031001)]  # openpyxl, like Excel, keeps 15 digits

    result = run(xlsx_bytes(rows), "pegawai.xlsx")

    assert problems(result) == {(2, "nip", "nip_number_cell")}
    assert "Text" in result.errors[0]["message"]


def test_a_semicolon_csv_in_windows_1252_imports(city):
    content = csv_bytes([valid_row(nama="José Riyanto")], delimiter=";", encoding="cp1252")

    result = run(content)

    assert result.ok, result.errors
    assert Employee.objects.get(nip=valid_row()["nip"]).name == "José Riyanto"


def test_blank_rows_are_skipped_but_row_numbers_stay_those_of_the_spreadsheet(city):
    rows = [valid_row(), {}, valid_row(nip="123")]

    result = run(xlsx_bytes(rows), "pegawai.xlsx")

    assert problems(result) == {(4, "nip", "nip_format")}


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"", "pegawai.xlsx", "empty_file"),
        (b"this is not a workbook", "pegawai.xlsx", "not_xlsx"),
        (b"PK\x03\x04 but not a zip", "pegawai.xlsx", "not_xlsx"),
        (b"", "pegawai.csv", "empty_file"),
        (b"\x00\x01\x02", "pegawai.csv", "not_csv"),
        (b"nip,nama\n", "pegawai.txt", "bad_extension"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_as_a_whole(city, content, name, code):
    result = run(content, name)

    assert problems(result) == {(None, "", code)}


# --- Scope -------------------------------------------------------------------------------------


def test_an_operator_of_dinas_kesehatan_cannot_import_a_row_for_dinas_pendidikan(city):
    operator = city.user("operator")
    outsider = Employee.objects.get(pk=city.outsider.pk)
    rows = [
        valid_row(),
        valid_row(nip=nip("19870315", "201103", "2"), tmt_cpns="2011-03-01", tmt_pns="2012-03-01", kode_unit="DISDIK"),
        row_for(outsider),  # stays in Dinas Pendidikan: one problem, on the NIP
    ]

    result = run(csv_bytes(rows), actor=operator, opd_ids=permissions.importable_opd_ids(operator))

    assert problems(result) == {(3, "kode_unit", "unit_outside_scope"), (4, "nip", "employee_other_opd")}
    assert not Employee.objects.filter(nip=rows[0]["nip"]).exists()
    assert Employee.objects.get(pk=outsider.pk).opd_id == city.disdik.pk


def test_an_operator_may_import_into_their_own_opd(city):
    operator = city.user("operator")

    result = run(csv_bytes(three_rows()), actor=operator, opd_ids=permissions.importable_opd_ids(operator))

    assert result.ok and result.created == 3


# --- Job and command ---------------------------------------------------------------------------


def test_a_job_records_progress_and_the_summary(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("pegawai.csv", csv_bytes(three_rows()))
    job = ImportJob(kind=ImportJob.Kind.EMPLOYEES, original_name="pegawai.csv", requested_by=city.admin)
    job.file.save("pegawai.csv", upload, save=True)

    importing.run_job(job.pk, today=TODAY)

    job.refresh_from_db()
    assert (job.status, job.progress, job.total_rows) == (ImportJob.Status.SUCCEEDED, 100, 3)
    assert job.summary == {"created": 3, "updated": 0, "unchanged": 0}
    assert job.started_at and job.finished_at
    again = importing.run_job(job.pk, today=TODAY)  # a redelivered task does nothing
    assert again.finished_at == job.finished_at


def test_progress_is_reported_as_the_rows_are_checked(city, monkeypatch):
    monkeypatch.setattr(importing, "PROGRESS_EVERY", 1)
    seen = []

    result = run(csv_bytes(three_rows()), progress=seen.append)

    assert result.ok
    assert seen == sorted(seen)
    assert len(set(seen)) > 4
    assert seen[-1] == 100


def test_the_command_prints_every_error_and_exits_non_zero(city, tmp_path):
    rows = three_rows()
    rows[1]["nip"] = "123"
    rows[2]["golongan"] = "X/y"
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes(rows))
    stderr = io.StringIO()

    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("import_employees", str(path), stderr=stderr)

    output = stderr.getvalue()
    assert "row 3, column nip" in output
    assert "row 4, column golongan" in output
    assert "2 problem(s)" in str(raised.value)
    assert not Employee.objects.filter(nip=valid_row()["nip"]).exists()


def test_the_command_imports_a_good_file_as_an_operator(city, tmp_path):
    path = tmp_path / "pegawai.xlsx"
    path.write_bytes(xlsx_bytes(three_rows()))
    stdout = io.StringIO()

    with translation.override("en"):
        call_command("import_employees", str(path), "--as", city.user("operator").username, stdout=stdout)

    assert "3 new, 0 updated, 0 unchanged" in stdout.getvalue()
    entry = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Employee)).latest("id")
    assert entry.actor == city.user("operator")


def test_the_command_dry_run_writes_nothing(city, tmp_path):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes(three_rows()))
    stdout = io.StringIO()

    with translation.override("en"):
        call_command("import_employees", str(path), "--dry-run", stdout=stdout)

    assert "Dry run" in stdout.getvalue()
    assert not Employee.objects.filter(nip=valid_row()["nip"]).exists()


def test_the_template_workbook_has_the_header_row(db):
    workbook = openpyxl.load_workbook(io.BytesIO(importing.template_workbook()))

    header = [cell.value for cell in workbook.worksheets[0][1]]

    assert header == list(COLUMNS)
    assert Rank.objects.filter(code="III/b").exists()  # the example golongan is a real rank
