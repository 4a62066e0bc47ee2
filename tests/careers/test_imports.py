"""The career-history imports (careers.importing): riwayat_pangkat, riwayat_jabatan, pendidikan,
skp, ujian_dinas and angka_kredit. All rows or none with every bad row listed (row, column,
code), checked against the file and the database together; written through the history
services; a re-import changes nothing; an Operator OPD imports for their own OPD only."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.utils import translation

from asn_portal import imports
from asn_portal.models import Employee, EmploymentType, Jenjang, PositionKind
from asn_portal.services import ServiceError
from careers import history
from careers.models import (
    CreditAssessment,
    EducationHistory,
    ExamResult,
    PerformanceRating,
    PositionHistory,
    RankHistory,
)
from tests.asn_portal.test_import import csv_bytes, xlsx_bytes
from tests.careers.factories import TODAY, appoint, rank_history
from tests.factories import EmployeeFactory, PositionFactory
from tests.integrity.factories import sanction

pytestmark = pytest.mark.django_db

KINDS = ("riwayat_pangkat", "riwayat_jabatan", "pendidikan", "skp", "ujian_dinas", "angka_kredit")


def columns_of(code: str) -> tuple[str, ...]:
    return imports.get(code).columns


def run(code: str, rows: list[dict], *, actor=None, filename="riwayat.csv", language="en", **kwargs):
    content = (xlsx_bytes if filename.endswith(".xlsx") else csv_bytes)(rows, columns_of(code))
    with translation.override(language):
        return imports.get(code).run(io.BytesIO(content), filename=filename, actor=actor, today=TODAY, **kwargs)


def counts(result) -> tuple[int, int, int]:
    return result.created, result.updated, result.unchanged


def problems(result) -> list[tuple]:
    return [(e["row"], e["column"], e["code"]) for e in result.errors]


def audit_entries(model, actor=None):
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))
    return entries.filter(actor=actor) if actor is not None else entries


def current(employee) -> tuple[str, dt.date]:
    employee.refresh_from_db()
    return employee.rank.code, employee.rank_tmt_on


# --- riwayat_pangkat --------------------------------------------------------------------------------


def rank_row(employee, golongan, tmt, jenis_kp="", **extra) -> dict:
    return {"nip": employee.nip, "golongan": golongan, "tmt_golongan": tmt, "jenis_kp": jenis_kp, **extra}


def career_of(employee) -> list[dict]:
    return [
        rank_row(employee, "III/c", "2023-04-01", "reguler", nomor_sk="823.3/77/2023"),  # any order in the file
        rank_row(employee, "III/a", "2015-03-01", "cpns"),
        rank_row(employee, "III/a", "2016-03-01", "PNS"),
        rank_row(employee, "III/b", "01/04/2019", "", tanggal_sk="2019-03-15"),
    ]


def test_a_rank_history_file_records_every_decree_and_the_current_rank_follows(city):
    rows = [*career_of(city.staff_a), rank_row(city.staff_b, "III/a", "2015-03-01", "cpns")]

    result = run("riwayat_pangkat", rows, actor=city.admin)

    assert result.ok, result.errors
    assert (*counts(result), result.total_rows) == (5, 0, 0, 5)
    assert current(city.staff_a) == ("III/c", dt.date(2023, 4, 1))
    assert current(city.staff_b) == ("III/a", dt.date(2015, 3, 1))
    b = RankHistory.objects.get(employee=city.staff_a, tmt_on=dt.date(2019, 4, 1))
    assert (b.kind, b.decree_on) == ("reguler", dt.date(2019, 3, 15))
    assert audit_entries(RankHistory, city.admin).count() == 5


def test_an_xlsx_rank_file_with_real_date_cells_imports(city):
    rows = career_of(city.staff_a)
    rows[0]["tmt_golongan"] = dt.datetime(2023, 4, 1)

    result = run("riwayat_pangkat", rows, filename="pangkat.xlsx")

    assert result.ok, result.errors
    assert current(city.staff_a) == ("III/c", dt.date(2023, 4, 1))


def test_reimporting_the_same_rank_file_changes_nothing(city):
    rows = career_of(city.staff_a)
    run("riwayat_pangkat", rows, actor=city.admin)
    entries = LogEntry.objects.count()

    again = run("riwayat_pangkat", rows, actor=city.admin)

    assert again.ok, again.errors
    assert counts(again) == (0, 0, 4)
    assert RankHistory.objects.count() == 4
    assert LogEntry.objects.count() == entries


def test_one_bad_rank_row_means_nothing_is_written_and_every_problem_is_listed(city):
    appoint(city.staff_b)
    rows = [
        *career_of(city.staff_a),  # rows 2-5 are fine
        rank_row(city.staff_b, "III/b", "2019-06-01"),  # 6: not a period date under two periods
        rank_row(city.supervisor, "III/e", "2019-04-01"),  # 7: no such golongan
        {"nip": "199001012015031999", "golongan": "III/b", "tmt_golongan": "2019-04-01"},  # 8: unknown NIP
        rank_row(city.outsider, "III/b", "2019-31-04"),  # 9: not a date
        rank_row(city.staff_a, "III/d", "2023-04-01"),  # 10: the same TMT as row 2 (so Budi's order waits)
        rank_row(city.supervisor, "III/b", "2019-04-01", "naik_sendiri"),  # 11: unknown jenis_kp
    ]

    result = run("riwayat_pangkat", rows, actor=city.admin)

    assert problems(result) == [
        (6, "tmt_golongan", "not_a_period_date"),
        (7, "golongan", "unknown_rank"),
        (8, "nip", "unknown_employee"),
        (9, "tmt_golongan", "invalid_date"),
        (10, "tmt_golongan", "duplicate_row"),
        (11, "jenis_kp", "unknown_rank_kind"),
    ]
    assert counts(result) == (0, 0, 0)
    assert RankHistory.objects.filter(employee=city.staff_a).count() == 0
    assert current(city.staff_a) == ("III/a", dt.date(2020, 4, 1))


def test_the_rank_order_is_checked_against_the_file_and_the_database(city):
    appoint(city.staff_b)
    rank_history(city.staff_b, "III/c", dt.date(2023, 4, 1))
    rows = [
        *career_of(city.staff_a),
        rank_row(city.staff_a, "III/b", "2024-04-01"),  # 6: goes down after the file's III/c
        rank_row(city.staff_b, "III/b", "2025-10-01"),  # 7: goes down after the recorded III/c
        rank_row(city.staff_b, "III/d", "2020-04-01"),  # 8: would come before the recorded III/c
        rank_row(city.supervisor, "III/b", "2019-06-01"),  # 9: not a period date (two periods)
        rank_row(city.operator, "III/b", "2024-03-01"),  # 10: not a period date (six periods)
        rank_row(city.outsider, "II/d", "2014-04-01"),  # 11: before TMT CPNS
    ]

    result = run("riwayat_pangkat", rows)

    assert problems(result) == [
        (6, "golongan", "rank_goes_down"),
        (7, "golongan", "rank_goes_down"),
        (8, "tmt_golongan", "rank_out_of_order"),
        (9, "tmt_golongan", "not_a_period_date"),
        (10, "tmt_golongan", "not_a_period_date"),
        (11, "tmt_golongan", "rank_before_cpns"),
    ]
    assert RankHistory.objects.filter(employee=city.staff_a).count() == 0


def test_history_from_every_promotion_regime_imports_with_the_periods_of_its_time(city):
    rows = [
        rank_row(city.staff_a, "III/a", "2015-03-01", "cpns"),  # appointments are outside the periods
        rank_row(city.staff_a, "III/b", "2019-10-01"),  # two periods
        rank_row(city.staff_a, "III/c", "2023-12-01"),  # six periods
        rank_row(city.staff_a, "III/d", "2025-11-01"),  # every month
    ]

    result = run("riwayat_pangkat", rows)

    assert result.ok, result.errors
    assert current(city.staff_a) == ("III/d", dt.date(2025, 11, 1))


def test_a_demotion_row_needs_a_demotion_sanction_in_force(city):
    sanction(city.staff_a, "penurunan_jabatan_12_bulan", dt.date(2025, 6, 1))
    backed = [*career_of(city.staff_a), rank_row(city.staff_a, "III/b", "2025-06-01", "penurunan")]
    unbacked = [*career_of(city.staff_b), rank_row(city.staff_b, "III/b", "2025-06-01", "penurunan")]

    refused = run("riwayat_pangkat", unbacked)
    accepted = run("riwayat_pangkat", backed)

    assert problems(refused) == [(6, "jenis_kp", "demotion_without_sanction")]
    assert accepted.ok, accepted.errors
    assert current(city.staff_a) == ("III/b", dt.date(2025, 6, 1))


def test_a_different_rank_recorded_on_the_same_tmt_is_not_changed_by_an_import(city):
    rank_history(city.staff_a, "III/b", dt.date(2019, 4, 1))

    result = run("riwayat_pangkat", [rank_row(city.staff_a, "III/c", "2019-04-01")])

    assert problems(result) == [(2, "tmt_golongan", "rank_tmt_taken")]


def test_pppk_have_no_rank_history_to_import(city):
    pppk = EmployeeFactory(unit=city.dinkes, employment_type=EmploymentType.PPPK)

    result = run("riwayat_pangkat", [rank_row(pppk, "III/a", "2019-04-01")])

    assert problems(result) == [(2, "golongan", "pppk_no_rank")]


def test_the_problems_are_in_indonesian_when_the_language_is_indonesian(city):
    rows = [{"nip": "199001012015031999", "golongan": "III/b", "tmt_golongan": "2019-04-01"}]

    result = run("riwayat_pangkat", rows, language="id")

    assert result.errors[0]["message"] == "Tidak ada pegawai dengan NIP 19900101 201503 1 999 di SIGAP."


def test_a_dry_run_counts_and_writes_nothing(city):
    result = run("riwayat_pangkat", career_of(city.staff_a), dry_run=True)

    assert result.ok and result.dry_run
    assert counts(result) == (4, 0, 0)
    assert not RankHistory.objects.exists()


def test_the_import_reports_its_progress(city):
    seen = []

    run("riwayat_pangkat", career_of(city.staff_a), progress=seen.append)

    assert seen == sorted(seen)
    assert seen[-1] == 100


def test_a_refusal_while_writing_rolls_back_the_whole_file(city, monkeypatch):
    original = history.record_rank
    calls = []

    def refuse_the_third(employee, **kwargs):
        calls.append(kwargs["tmt_on"])
        if len(calls) == 3:
            raise ServiceError("Ditolak.", "refused_for_the_test", "rank")
        return original(employee, **kwargs)

    monkeypatch.setattr(history, "record_rank", refuse_the_third)

    result = run("riwayat_pangkat", career_of(city.staff_a))

    assert len(calls) == 3
    assert problems(result) == [(5, "golongan", "refused_for_the_test")]
    assert counts(result) == (0, 0, 0)
    assert not RankHistory.objects.exists()
    assert current(city.staff_a) == ("III/a", dt.date(2020, 4, 1))


# --- Who may import ---------------------------------------------------------------------------------


def test_an_operator_imports_the_histories_of_their_own_opd_only(city):
    operator = city.user("operator")
    rows = [rank_row(city.staff_a, "III/b", "2019-04-01"), rank_row(city.outsider, "III/b", "2019-04-01")]

    refused = run("riwayat_pangkat", rows, actor=operator)
    accepted = run("riwayat_pangkat", rows[:1], actor=operator)

    assert problems(refused) == [(3, "nip", "employee_other_opd")]
    assert accepted.ok, accepted.errors
    assert current(city.staff_a) == ("III/b", dt.date(2019, 4, 1))


def test_admin_and_operators_may_use_the_history_imports_and_others_not(city):
    for code in KINDS:
        kind = imports.get(code)
        assert kind.may_use(city.admin)
        assert kind.may_use(city.user("operator"))
        assert not kind.may_use(city.user("staff_a"))
        assert not kind.may_use(city.inspektur)
        assert kind.sees_all_jobs(city.admin) and not kind.sees_all_jobs(city.user("operator"))


def test_import_records_riwayat_pangkat_as_an_operator(city, tmp_path):
    path = tmp_path / "pangkat.csv"
    path.write_bytes(csv_bytes(career_of(city.staff_a), columns_of("riwayat_pangkat")))
    stdout = io.StringIO()

    with translation.override("en"):
        call_command(
            "import_records", "riwayat_pangkat", str(path), "--as", city.user("operator").username, stdout=stdout
        )

    assert "4 rows: 4 new, 0 updated, 0 unchanged" in stdout.getvalue()
    assert current(city.staff_a) == ("III/c", dt.date(2023, 4, 1))


def test_import_records_refuses_a_staff_member(city, tmp_path):
    path = tmp_path / "skp.csv"
    path.write_bytes(csv_bytes([{"nip": city.staff_a.nip, "tahun": "2024", "predikat": "Baik"}], columns_of("skp")))

    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("import_records", "skp", str(path), "--as", city.user("staff_b").username)

    assert "may not run" in str(raised.value)
    assert not PerformanceRating.objects.exists()


def test_an_uploaded_job_runs_with_its_progress_and_summary(
    city, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from asn_portal import importing as core_importing

    settings.MEDIA_ROOT = tmp_path / "media"
    rows = [{"nip": city.staff_a.nip, "tahun": "2024", "predikat": "Baik"}]
    upload = SimpleUploadedFile("skp.csv", csv_bytes(rows, columns_of("skp")))
    with django_capture_on_commit_callbacks(execute=False):
        job = core_importing.start_import(upload, kind="skp", by=city.user("operator"))

    job = core_importing.run_job(job.pk, today=TODAY)

    assert (job.status, job.progress, job.total_rows) == ("succeeded", 100, 1)
    assert job.summary == {"created": 1, "updated": 0, "unchanged": 0}
    assert PerformanceRating.objects.get().predikat == "baik"


@pytest.mark.parametrize("code", KINDS)
def test_every_kind_has_an_empty_template_with_its_columns(code):
    kind = imports.get(code)

    workbook = openpyxl.load_workbook(io.BytesIO(kind.template()))

    assert [cell.value for cell in workbook.worksheets[0][1]] == list(kind.columns)
    assert workbook.worksheets[0].max_row == 1 or all(
        value is None for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True) for value in row
    )
    assert kind.download_name.endswith(".xlsx")


# --- riwayat_jabatan --------------------------------------------------------------------------------


def position_row(employee, jabatan, tmt, jenis="pelaksana", kode_unit="DINKES-P2P", jenjang="") -> dict:
    return {
        "nip": employee.nip,
        "jabatan": jabatan,
        "jenis_jabatan": jenis,
        "jenjang": jenjang,
        "kode_unit": kode_unit,
        "tmt_jabatan": tmt,
    }


def test_a_position_history_file_records_the_posts_and_links_the_catalogue(city):
    post = PositionFactory(
        unit=city.dinkes_bidang,
        name="Epidemiolog Kesehatan",
        kind=PositionKind.FUNGSIONAL_KEAHLIAN,
        jenjang="ahli_muda",
    )
    rows = [
        position_row(city.staff_a, "Pengadministrasi Umum", "2016-03-01", kode_unit="dinkes"),
        position_row(city.staff_a, "epidemiolog kesehatan", "2022-01-03", "Fungsional keahlian", jenjang="Ahli Muda"),
    ]

    result = run("riwayat_jabatan", rows, actor=city.admin)
    again = run("riwayat_jabatan", rows, actor=city.admin)

    assert result.ok, result.errors
    assert counts(result) == (2, 0, 0)
    assert counts(again) == (0, 0, 2)
    city.staff_a.refresh_from_db()
    assert (city.staff_a.position_id, city.staff_a.position_since_on) == (post.pk, dt.date(2022, 1, 3))
    assert PositionHistory.objects.get(tmt_on=dt.date(2016, 3, 1)).unit == city.dinkes


def test_bad_position_rows_are_listed_and_nothing_is_written(city):
    history.record_position(
        city.staff_b, name="Analis", kind="pelaksana", jenjang="", unit=city.dinkes, tmt_on=dt.date(2020, 1, 2)
    )
    rows = [
        position_row(city.staff_a, "Pengadministrasi Umum", "2016-03-01"),  # 2: fine
        position_row(city.staff_a, "Analis", "2017-01-02", kode_unit="NOWHERE"),  # 3
        position_row(city.staff_a, "Analis", "2018-01-02", jenis="kepala"),  # 4
        position_row(city.staff_a, "Analis", "2019-01-02", jenis="fungsional_keahlian"),  # 5: no jenjang
        position_row(city.staff_a, "Analis", "2020-01-02", jenjang="ahli_muda"),  # 6: jenjang of a pelaksana
        position_row(city.staff_b, "Pengelola", "2020-01-02"),  # 7: another post on a recorded TMT
        position_row(city.staff_a, "", "2021-01-02"),  # 8
    ]

    result = run("riwayat_jabatan", rows)

    assert problems(result) == [
        (3, "kode_unit", "unknown_unit"),
        (4, "jenis_jabatan", "unknown_position_kind"),
        (5, "jenjang", "jenjang_required"),
        (6, "jenjang", "jenjang_only_for_functional"),
        (7, "tmt_jabatan", "position_tmt_taken"),
        (8, "jabatan", "required"),
    ]
    assert PositionHistory.objects.count() == 1


# --- pendidikan -------------------------------------------------------------------------------------


def diploma_row(employee, jenjang, lulus, **extra) -> dict:
    return {
        "nip": employee.nip,
        "jenjang": jenjang,
        "institusi": "Universitas Diponegoro",
        "tanggal_lulus": lulus,
        **extra,
    }


def test_an_education_file_records_the_diplomas_and_the_highest_becomes_the_education(city):
    rows = [
        diploma_row(city.staff_a, "s1", "2012-08-25", jurusan="Kesehatan Masyarakat", nomor_ijazah="UN7/001"),
        diploma_row(city.staff_a, "S-2", "2022-09-01", jalur="izin belajar"),
        diploma_row(city.staff_b, "D3", "2010-08-01"),
    ]

    result = run("pendidikan", rows, actor=city.admin)
    again = run("pendidikan", rows)
    changed = run("pendidikan", [diploma_row(city.staff_a, "S1", "2012-08-25", jurusan="Gizi")])

    assert result.ok, result.errors
    assert counts(result) == (3, 0, 0)
    assert counts(again) == (0, 0, 3)
    assert counts(changed) == (0, 1, 0)
    assert [
        e.education.code for e in Employee.objects.filter(pk__in=[city.staff_a.pk, city.staff_b.pk]).order_by("name")
    ] == [
        "S2",
        "D3",
    ]
    assert EducationHistory.objects.get(employee=city.staff_a, level__code="S2").path == "izin_belajar"
    assert EducationHistory.objects.get(employee=city.staff_a, level__code="S1").major == "Gizi"


def test_bad_education_rows_are_listed(city):
    rows = [
        diploma_row(city.staff_a, "S9", "2012-08-25"),
        diploma_row(city.staff_a, "S1", "2027-08-25"),
        diploma_row(city.staff_a, "S2", "2020-08-25", jalur="beasiswa"),
        diploma_row(city.staff_a, "S2", "2020-08-25"),
        {"nip": city.staff_a.nip, "jenjang": "S3", "institusi": "", "tanggal_lulus": "2024-01-01"},
    ]

    result = run("pendidikan", rows)

    assert problems(result) == [
        (2, "jenjang", "unknown_education_level"),
        (3, "tanggal_lulus", "date_in_future"),
        (4, "jalur", "invalid_path"),
        (6, "institusi", "required"),
    ]
    assert not EducationHistory.objects.exists()


# --- skp --------------------------------------------------------------------------------------------


def test_an_skp_file_records_the_predikat_of_each_year(city):
    rows = [
        {"nip": city.staff_a.nip, "tahun": "2023", "predikat": "SANGAT BAIK"},
        {"nip": city.staff_a.nip, "tahun": 2024, "predikat": "butuh perbaikan"},
        {"nip": city.staff_b.nip, "tahun": "2024", "predikat": "Kurang"},
        {"nip": city.staff_b.nip, "tahun": "2025", "predikat": "Sangat Kurang"},
    ]

    result = run("skp", rows, actor=city.admin)
    again = run("skp", rows)
    changed = run("skp", [{"nip": city.staff_a.nip, "tahun": "2024", "predikat": "Baik"}])

    assert result.ok, result.errors
    assert (counts(result), counts(again), counts(changed)) == ((4, 0, 0), (0, 0, 4), (0, 1, 0))
    assert dict(PerformanceRating.objects.filter(employee=city.staff_a).values_list("year", "predikat")) == {
        2023: "sangat_baik",
        2024: "baik",
    }
    assert dict(PerformanceRating.objects.filter(employee=city.staff_b).values_list("year", "predikat")) == {
        2024: "kurang",
        2025: "sangat_kurang",
    }


def test_bad_skp_rows_are_listed(city):
    rows = [
        {"nip": city.staff_a.nip, "tahun": "2014", "predikat": "Baik"},  # before TMT CPNS (2015)
        {"nip": city.staff_a.nip, "tahun": "2027", "predikat": "Baik"},  # not started
        {"nip": city.staff_a.nip, "tahun": "24", "predikat": "Baik"},
        {"nip": city.staff_a.nip, "tahun": "2024", "predikat": "Cukup Sekali"},
        {"nip": city.staff_b.nip, "tahun": "2024", "predikat": "Baik"},
        {"nip": city.staff_b.nip, "tahun": "2024", "predikat": "Sangat Baik"},  # the same year twice
    ]

    result = run("skp", rows)

    assert problems(result) == [
        (2, "tahun", "skp_before_cpns"),
        (3, "tahun", "skp_year_in_future"),
        (4, "tahun", "invalid_year"),
        (5, "predikat", "unknown_predikat"),
        (7, "tahun", "duplicate_row"),
    ]
    assert not PerformanceRating.objects.exists()


# --- ujian_dinas ------------------------------------------------------------------------------------


def test_an_exam_file_records_the_passes_once(city):
    rows = [
        {"nip": city.staff_a.nip, "jenis": "ud1", "tanggal_lulus": "2018-11-20"},
        {"nip": city.supervisor.nip, "jenis": "UD2", "tanggal_lulus": "2022-11-20"},
        {"nip": city.staff_b.nip, "jenis": "UKPPI", "tanggal_lulus": "2021-06-10"},
    ]

    result = run("ujian_dinas", rows, actor=city.admin)
    again = run("ujian_dinas", rows)

    assert result.ok, result.errors
    assert (counts(result), counts(again)) == ((3, 0, 0), (0, 0, 3))
    assert sorted(ExamResult.objects.values_list("kind", flat=True)) == ["UD1", "UD2", "UKPPI"]


def test_bad_exam_rows_are_listed(city):
    pppk = EmployeeFactory(unit=city.dinkes, employment_type=EmploymentType.PPPK)
    rows = [
        {"nip": city.staff_a.nip, "jenis": "UD3", "tanggal_lulus": "2018-11-20"},
        {"nip": pppk.nip, "jenis": "UD1", "tanggal_lulus": "2018-11-20"},
        {"nip": city.staff_a.nip, "jenis": "UD1", "tanggal_lulus": "2030-11-20"},
    ]

    result = run("ujian_dinas", rows)

    assert problems(result) == [
        (2, "jenis", "invalid_exam"),
        (3, "jenis", "pppk_no_exam"),
        (4, "tanggal_lulus", "date_in_future"),
    ]


# --- angka_kredit -----------------------------------------------------------------------------------


def test_a_credit_file_records_the_assessments_with_a_decimal_comma(city):
    rows = [
        {"nip": city.staff_a.nip, "tanggal": "2024-01-31", "jenjang": "Ahli Pertama", "angka_kredit": "37,5"},
        {"nip": city.staff_a.nip, "tanggal": "2025-01-31", "jenjang": "ahli_pertama", "angka_kredit": 62.5},
    ]

    result = run("angka_kredit", rows, actor=city.admin)
    again = run("angka_kredit", rows, filename="pak.xlsx")
    changed = run(
        "angka_kredit", [{**rows[1], "angka_kredit": "63", "jenjang": Jenjang.AHLI_PERTAMA}], filename="pak.csv"
    )

    assert result.ok, result.errors
    assert (counts(result), counts(again), counts(changed)) == ((2, 0, 0), (0, 0, 2), (0, 1, 0))
    assert list(CreditAssessment.objects.order_by("assessed_on").values_list("total", flat=True)) == [
        Decimal("37.5"),
        Decimal("63"),
    ]


def test_bad_credit_rows_are_listed(city):
    rows = [
        {"nip": city.staff_a.nip, "tanggal": "2024-01-31", "jenjang": "ahli_pertama", "angka_kredit": "-1"},
        {"nip": city.staff_a.nip, "tanggal": "2024-02-29", "jenjang": "ahli_pertama", "angka_kredit": "banyak"},
        {"nip": city.staff_a.nip, "tanggal": "2024-03-31", "jenjang": "ahli_hebat", "angka_kredit": "10"},
        {"nip": city.staff_a.nip, "tanggal": "2027-01-31", "jenjang": "ahli_pertama", "angka_kredit": "10"},
    ]

    result = run("angka_kredit", rows)

    assert problems(result) == [
        (2, "angka_kredit", "negative_credit"),
        (3, "angka_kredit", "invalid_credit"),
        (4, "jenjang", "invalid_jenjang"),
        (5, "tanggal", "date_in_future"),
    ]
    assert not CreditAssessment.objects.exists()
