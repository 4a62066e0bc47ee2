"""The integrity compliance report (integrity/reports.py): the figures per OPD in the workbook,
the one-page PDF, who may request and see it, the parameter form, the audit entry, and a build
that runs the same queries whatever the number of records."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from asn_portal import extensions, reports
from asn_portal import services as core_services
from asn_portal.models import ReportJob, Role
from asn_portal.services import ServiceError
from integrity import reports as integrity_reports
from integrity import services
from integrity.models import GratificationStatus
from tests.factories import EmployeeFactory, UserFactory
from tests.integrity.factories import sanction

# E-mails go out in-process, also in the CI pass that has a Redis broker.
pytestmark = pytest.mark.usefixtures("eager_tasks")

CODE = integrity_reports.CODE
YEAR = 2025
ON = dt.date(2026, 5, 4)  # after the 2025 filings were due (31 March 2026)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def pinned(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: ON)


@pytest.fixture
def figures(city, pinned):
    """Dinkes: four obligees (one filed on time, one late); Disdik: one, not filed. A moderate
    sanction in force at Dinkes, a reprimand at Disdik; three gifts in two steps."""
    services.open_filing_year(YEAR, today=dt.date(2026, 1, 2))
    services.record_submission(city.staff_a, year=YEAR, submitted_on=dt.date(2026, 3, 2), by=None, today=ON)
    services.record_submission(city.staff_b, year=YEAR, submitted_on=dt.date(2026, 4, 6), by=None, today=ON)
    sanction(city.staff_a, "potong_tukin_25_6_bulan", dt.date(2025, 9, 1), today=ON)
    sanction(city.outsider, "teguran_tertulis", dt.date(2025, 5, 2), today=ON)
    sanction(city.staff_b, "potong_tukin_25_6_bulan", dt.date(2024, 1, 1), today=ON)  # served before 2025
    for employee, day in ((city.staff_a, dt.date(2025, 6, 2)), (city.staff_b, dt.date(2025, 7, 1))):
        gift(employee, day)
    verified = gift(city.outsider, dt.date(2025, 8, 4), late=True)
    services.process_gratification(
        verified, status=GratificationStatus.DIVERIFIKASI, by=city.inspektur, on=dt.date(2025, 9, 15), today=ON
    )
    gift(city.outsider, dt.date(2024, 8, 5))  # another year


def gift(employee, received_on, *, late=False):
    return services.report_gratification(
        employee=employee,
        received_on=received_on,
        giver="PT Contoh",
        description="Parsel.",
        estimated_value=Decimal("500000"),
        relation_to_duty="",
        reported_on=received_on + dt.timedelta(days=30 if late else 1),
        by=None,
    )


def build(user, **params):
    out = io.BytesIO()
    built = integrity_reports.build(
        {"year": YEAR, "opd": None, "format": "xlsx", **params}, out, lambda *a: None, user=user
    )
    return built, out.getvalue()


def sheet_values(data: bytes) -> dict[str, list[tuple]]:
    """Each sheet's rows, as wide as the sheet, without the blank rows."""
    workbook = load_workbook(io.BytesIO(data))
    return {
        ws.title: [tuple(row) for row in ws.iter_rows(values_only=True) if any(v is not None for v in row)]
        for ws in workbook.worksheets
    }


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


# ---------------------------------------------------------------------------------------------
# The workbook
# ---------------------------------------------------------------------------------------------


def test_the_workbook_counts_filings_sanctions_and_gifts_per_opd(city, figures):
    built, data = build(city.inspektur)

    sheets = sheet_values(data)
    assert built.file_name == "kepatuhan-integritas-2025.xlsx" and built.content_type == reports.XLSX
    filings, sanctions, gifts, unfiled = sheets.values()
    # OPD code, OPD, obligees, filed, of which late, verified, not filed, share filed (%)
    assert filings[1] == ("DINKES", "Dinas Kesehatan", 4, 2, 1, 0, 2, 50)
    assert filings[2] == ("DISDIK", "Dinas Pendidikan", 1, 0, 0, 0, 1, 0)
    assert filings[3] == (None, str(_total()), 5, 2, 1, 0, 3, 40)
    # imposed in 2025: light, moderate, severe; in force on 31 December 2025: moderate, severe
    assert sanctions[1] == ("DINKES", "Dinas Kesehatan", 0, 1, 0, 1, 0)
    assert sanctions[2] == ("DISDIK", "Dinas Pendidikan", 1, 0, 0, 0, 0)
    assert sanctions[3][2:] == (1, 1, 0, 1, 0)
    assert "2025-12-31" in sanctions[0][5]
    # reported, verified, forwarded, decided; total; reported late
    assert gifts[1] == ("DINKES", "Dinas Kesehatan", 2, 0, 0, 0, 2, 0)
    assert gifts[2] == ("DISDIK", "Dinas Pendidikan", 0, 1, 0, 0, 1, 1)
    assert gifts[3][2:] == (2, 1, 0, 0, 3, 1)
    # who has not filed: OPD, NIP, name, kind, due date — by OPD, then name
    assert [(row[0], row[2], row[3]) for row in unfiled[1:]] == [
        ("Dinas Kesehatan", "Agus Operator", "LHKASN"),
        ("Dinas Kesehatan", "Siti Rahmawati", "LHKASN"),
        ("Dinas Pendidikan", "Rina Guru", "LHKASN"),
    ]
    assert unfiled[1][1] == city.operator.nip
    assert unfiled[1][4] == dt.datetime(2026, 3, 31)
    assert built.rows == 2 + 3


def _total():
    from django.utils.translation import gettext

    return gettext("Total")


def test_the_workbook_of_one_opd_has_only_that_opd(city, figures):
    built, data = build(city.inspektur, opd=city.disdik.pk)

    filings, sanctions, gifts, unfiled = sheet_values(data).values()
    assert built.file_name == "kepatuhan-integritas-2025-disdik.xlsx"
    assert filings[1:] == [
        ("DISDIK", "Dinas Pendidikan", 1, 0, 0, 0, 1, 0),
        (None, str(_total()), 1, 0, 0, 0, 1, 0),
        *filings[3:],
    ]
    assert [row[0] for row in sanctions[1:-1]] == ["DISDIK"]
    assert gifts[2][2:] == (0, 1, 0, 0, 1, 1)
    assert [row[2] for row in unfiled[1:]] == ["Rina Guru"]


def test_an_opd_without_filings_shows_zero_and_no_share(city, pinned):
    built, data = build(city.inspektur)

    filings = sheet_values(data)[list(sheet_values(data))[0]]
    assert filings[1] == ("DINKES", "Dinas Kesehatan", 0, 0, 0, 0, 0, None)
    assert filings[3][2:] == (0, 0, 0, 0, 0, None)


def test_a_name_that_looks_like_a_formula_is_written_as_text(city, figures):
    EmployeeFactory(unit=city.disdik, name="=HYPERLINK(1)", appointed=dt.date(2015, 3, 1))
    services.open_filing_year(YEAR, today=ON)

    _built, data = build(city.inspektur)

    unfiled = list(sheet_values(data).values())[3]
    assert "'=HYPERLINK(1)" in [row[2] for row in unfiled]


# ---------------------------------------------------------------------------------------------
# The PDF
# ---------------------------------------------------------------------------------------------


def test_the_pdf_summary_is_one_page(city, figures):
    built, data = build(city.inspektur, format="pdf")

    assert built.file_name == "kepatuhan-integritas-2025.pdf" and built.content_type == reports.PDF
    assert data.startswith(b"%PDF")
    assert pdf_pages(data) == 1


def test_the_pdf_stays_one_page_with_many_opds(city, pinned):
    from tests.factories import org_unit

    for number in range(80):
        unit = org_unit(f"KEC-{number:02d}", f"Kecamatan Contoh Dengan Nama Yang Cukup Panjang {number:02d}")
        EmployeeFactory(unit=unit)
    services.open_filing_year(YEAR, today=ON)

    _built, data = build(city.inspektur, format="pdf")

    assert pdf_pages(data) == 1


def test_the_pdf_without_filings_is_still_one_page(city, pinned):
    _built, data = build(city.inspektur, format="pdf")

    assert pdf_pages(data) == 1


# ---------------------------------------------------------------------------------------------
# Through the job, and who may
# ---------------------------------------------------------------------------------------------


def test_an_inspektorat_job_is_built_and_its_build_is_audit_logged(
    city, figures, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = reports.request(city.inspektur, CODE, {"year": YEAR, "opd": city.dinkes.pk, "format": "xlsx"})

    job.refresh_from_db()
    assert job.status == ReportJob.Status.SUCCEEDED, job.error_detail
    assert job.params == {"year": YEAR, "opd": city.dinkes.pk, "format": "xlsx"}
    with job.file.open("rb") as handle:
        filings = list(sheet_values(handle.read()).values())[0]
    assert filings[1][:4] == ("DINKES", "Dinas Kesehatan", 4, 2)
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, additional_data__report=CODE)
    assert entry.actor == city.inspektur
    assert entry.content_type.app_label == "integrity"
    assert "2025" in entry.object_repr and "Dinas Kesehatan" in entry.object_repr
    assert entry.additional_data == {"report": CODE, "year": YEAR, "opd": city.dinkes.pk, "format": "xlsx"}
    assert "integrity" in extensions.audit_apps_hidden_from(city.admin)  # Admin BKPP does not read it


@pytest.mark.parametrize("who", ["admin", "operator", "supervisor", "staff_a"])
def test_only_the_inspektorat_may_request_the_report(city, who):
    user = city.user(who)

    assert not integrity_reports.may_request(user)
    assert CODE not in [kind.code for kind in reports.kinds_for(user)]
    with pytest.raises(ServiceError) as error:
        reports.request(user, CODE, {"year": YEAR, "format": "xlsx"})
    assert error.value.code == "forbidden"
    assert not ReportJob.objects.exists()


def test_admin_bkpp_does_not_see_an_inspektorat_job_but_another_officer_does(city):
    job = ReportJob.objects.create(kind=CODE, params={"year": YEAR, "format": "xlsx"}, requested_by=city.inspektur)
    colleague = UserFactory(username="inspektur.dua")
    core_services.grant_role(colleague, Role.INSPEKTORAT, by=None)

    assert not reports.jobs_for(city.admin).filter(pk=job.pk).exists()
    assert not reports.jobs_for(city.operator.user).filter(pk=job.pk).exists()
    assert reports.jobs_for(colleague).filter(pk=job.pk).exists()
    assert reports.jobs_for(city.inspektur).filter(pk=job.pk).exists()


def test_a_job_whose_requester_lost_the_role_is_refused_when_built(city, figures, media):
    job = ReportJob.objects.create(kind=CODE, params={"year": YEAR, "format": "xlsx"}, requested_by=city.inspektur)
    city.inspektur.groups.clear()

    reports.run_job(job.pk)

    job.refresh_from_db()
    assert (job.status, job.error_code) == (ReportJob.Status.FAILED, "forbidden")
    assert not LogEntry.objects.filter(additional_data__report=CODE).exists()


# ---------------------------------------------------------------------------------------------
# The parameter form
# ---------------------------------------------------------------------------------------------


def form(user, **data):
    return integrity_reports.ComplianceReportForm({"year": YEAR, "format": "xlsx", **data}, user=user)


def test_the_form_accepts_a_past_year_and_an_opd(city):
    valid = form(city.inspektur, opd=city.disdik.pk, format="pdf")

    assert valid.is_valid(), valid.errors
    assert valid.params() == {"year": YEAR, "opd": city.disdik.pk, "format": "pdf"}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"year": timezone.localdate().year + 1}, "year"),
        ({"year": 1999}, "year"),
        ({"year": ""}, "year"),
        ({"format": "csv"}, "format"),
        ({"opd": 999999}, "opd"),
    ],
)
def test_the_form_refuses_bad_parameters(city, data, field):
    invalid = form(city.inspektur, **data)

    assert not invalid.is_valid()
    assert list(invalid.errors) == [field]


def test_a_unit_below_an_opd_is_not_an_opd_to_report_on(city):
    invalid = form(city.inspektur, opd=city.dinkes_bidang.pk)

    assert not invalid.is_valid() and "opd" in invalid.errors


def test_a_future_year_is_refused_before_any_job_exists(city):
    with pytest.raises(reports.ReportParamsError) as error:
        reports.request(city.inspektur, CODE, {"year": timezone.localdate().year + 1, "format": "xlsx"})

    assert "year" in error.value.errors
    assert not ReportJob.objects.exists()


def test_an_opd_that_disappeared_fails_the_build_with_its_own_message(city, pinned):
    with pytest.raises(reports.ReportError) as error:
        build(city.inspektur, opd=999999)

    assert error.value.code == "integrity_opd_missing"
    assert reports.error_message("integrity_opd_missing") != reports.error_message("internal")


# ---------------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------------


def _grow(city, count: int) -> None:
    for number in range(count):
        employee = EmployeeFactory(unit=city.dinkes_bidang if number % 2 else city.disdik)
        sanction(employee, "potong_tukin_25_9_bulan", dt.date(2025, 10, 1), today=ON)
        gift(employee, dt.date(2025, 10, 6))
    services.open_filing_year(YEAR, today=ON)


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_a_build_runs_the_same_queries_for_n_and_3n_records(city, figures, fmt):
    build(city.inspektur, format=fmt)  # warms the content-type cache of the audit entry
    _grow(city, 5)
    with CaptureQueriesContext(connection) as small:
        build(city.inspektur, format=fmt)
    _grow(city, 10)

    with CaptureQueriesContext(connection) as large:
        built, data = build(city.inspektur, format=fmt)

    assert len(small.captured_queries) == len(large.captured_queries) <= 6
    if fmt == "xlsx":
        assert list(sheet_values(data).values())[0][3][2:4] == (5 + 15, 2)  # the total row
