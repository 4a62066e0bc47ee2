"""The reports of careers (careers/reports.py): the promotion candidates of a period and the
study-leave roster with service bonds, as XLSX — the cells for the small named city, who may
request them and for which OPDs, the parameters refused (a period far ahead or not a period,
another OPD), and a constant number of queries for N and 3N employees."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from asn_portal import permissions, reports
from asn_portal.celery import app as celery_app
from asn_portal.models import EducationLevel, ReportJob
from asn_portal.services import ServiceError
from careers import eligibility, periods, selectors
from careers import reports as careers_reports
from careers.models import ProposalState, StudyKind, StudyLeave, StudyReport, StudyState
from tests.careers import page_factories
from tests.factories import EmployeeFactory

S = StudyState
PERIOD = page_factories.PERIOD  # 1 January 2027


def build(code: str, user, params: dict) -> tuple[reports.Built, list[list]]:
    permissions.forget_actor(user)  # as the job does: the roles are read afresh
    out = io.BytesIO()
    built = reports.get(code).build(params, out, lambda done, total: None, user=user)
    out.seek(0)
    sheet = openpyxl.load_workbook(out).active
    return built, [list(row) for row in sheet.iter_rows(values_only=True)]


def day(value) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def label(code: str) -> str:
    return str(eligibility.CRITERIA_BY_CODE[code].label)


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True

    def _run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    yield _run
    celery_app.conf.task_always_eager = previous


# ---------------------------------------------------------------------------------------------
# Promotion candidates
# ---------------------------------------------------------------------------------------------

CANDIDATES = "promotion_candidates"


@pytest.fixture
def candidates(city):
    """staff_a eligible on PERIOD and proposed; staff_b lacks only the time in rank; the
    outsider (Disdik) eligible; the supervisor and the operator have no SKP."""
    page_factories.eligible(city.staff_a)
    page_factories.held_back_by_time(city.staff_b)
    page_factories.eligible(city.outsider)
    page_factories.proposal_at(
        ProposalState.PROPOSED, page_factories.fresh(city.staff_a), proposer=city.operator.user, bkpp=city.admin
    )
    return city


@pytest.mark.django_db
def test_the_candidates_report_holds_every_pns_of_the_city_with_the_verdict_and_proposal(candidates):
    city = candidates

    built, rows = build(CANDIDATES, city.admin, {"period": "2027-01-01", "opd": None})

    assert built.file_name == "kandidat-kenaikan-pangkat-2027-01-01.xlsx"
    assert built.rows == 5
    assert rows[0] == careers_reports.candidate_header()
    assert [row[1] for row in rows[1:]] == [
        "Agus Operator",
        "Budi Santoso",
        "Dewi Lestari",
        "Siti Rahmawati",
        "Rina Guru",
    ]
    staff_a = rows[2]
    assert staff_a[:5] == [
        city.staff_a.nip,
        "Budi Santoso",
        "Dinas Kesehatan",
        "Bidang Pencegahan dan Pengendalian Penyakit",
        "III/b",
    ]
    assert day(staff_a[5]) == dt.date(2020, 4, 1)
    assert staff_a[6:] == ["III/c", _("Regular"), _("Eligible"), str(ProposalState.PROPOSED.label)]
    staff_b = rows[3]
    assert staff_b[6:] == ["III/c", _("Regular"), _("Not met: %(criterion)s") % {"criterion": label("time")}, None]
    supervisor = rows[4]
    assert supervisor[4] == "III/a"
    assert supervisor[8] == _("Not met: %(criterion)s") % {"criterion": label("performance")}
    assert rows[5][2] == "Dinas Pendidikan"


@pytest.mark.django_db
def test_an_operator_gets_their_opd_only(candidates):
    city = candidates

    everyone, rows = build(CANDIDATES, city.operator.user, {"period": "2027-01-01", "opd": None})
    one_opd, _rows = build(CANDIDATES, city.operator.user, {"period": "2027-01-01", "opd": city.dinkes.pk})

    assert {row[2] for row in rows[1:]} == {"Dinas Kesehatan"}
    assert everyone.rows == one_opd.rows == 4
    assert one_opd.file_name == "kandidat-kenaikan-pangkat-dinkes-2027-01-01.xlsx"


@pytest.mark.django_db
def test_a_requested_candidates_report_is_built_by_the_job(candidates, run_on_commit):
    city = candidates

    job = run_on_commit(reports.request, city.operator.user, CANDIDATES, {"period": "2027-01-01"})

    job.refresh_from_db()
    assert job.status == ReportJob.Status.SUCCEEDED
    assert (job.rows, job.params) == (4, {"period": "2027-01-01", "opd": None})
    with job.file.open("rb") as handle:
        sheet = openpyxl.load_workbook(io.BytesIO(handle.read())).active
        assert sheet.cell(row=3, column=2).value == "Budi Santoso"


def _far_period() -> str:
    return periods.next_period(timezone.localdate() + relativedelta(years=3)).isoformat()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "data", "field"),
    [
        ("admin", {"period": "far"}, "period"),
        ("admin", {"period": "2027-01-15"}, "period"),
        ("admin", {"period": ""}, "period"),
        ("operator", {"period": "2027-01-01", "opd": "disdik"}, "opd"),
    ],
)
def test_the_candidates_form_refuses_a_far_period_a_non_period_and_another_opd(city, who, data, field):
    data = {**data}
    if data["period"] == "far":
        data["period"] = _far_period()
    if data.get("opd") == "disdik":
        data["opd"] = city.disdik.pk

    with pytest.raises(reports.ReportParamsError) as refused:
        reports.request(city.user(who), CANDIDATES, data)

    assert field in refused.value.errors
    assert not ReportJob.objects.exists()


@pytest.mark.django_db
def test_an_employee_or_the_inspektorat_may_not_request_the_career_reports(city):
    for code in (CANDIDATES, ROSTER):
        for user in (city.staff_a.user, city.inspektur):
            with pytest.raises(ServiceError) as refused:
                reports.request(user, code, {"period": "2027-01-01"})
            assert refused.value.code == "forbidden"

    assert not ReportJob.objects.exists()
    assert reports.get(CANDIDATES).may_read_all(city.admin)
    assert not reports.get(CANDIDATES).may_read_all(city.operator.user)


@pytest.mark.django_db
def test_the_form_pages_open_for_an_operator_with_their_opds_and_are_refused_to_an_employee(city, login):
    operator = login(city.operator.user)
    candidates_page = operator.get(reverse("portal:report-new", args=[CANDIDATES]))
    roster_page = operator.get(reverse("portal:report-new", args=[ROSTER]))
    refused = login(city.staff_a.user).get(reverse("portal:report-new", args=[CANDIDATES]))

    assert (candidates_page.status_code, roster_page.status_code, refused.status_code) == (200, 200, 403)
    assert list(candidates_page.context["form"].fields["opd"].queryset) == [city.dinkes]
    coming = selectors.period_choices(timezone.localdate())[0].on.isoformat()
    assert f'value="{coming}"' in candidates_page.content.decode()


@pytest.mark.django_db
def test_building_the_candidates_report_costs_the_same_queries_for_n_and_3n(city, django_assert_num_queries):
    def batch(count):
        for _n in range(count):
            page_factories.eligible(EmployeeFactory(unit=city.dinkes_bidang))

    batch(2)
    with django_assert_num_queries(QUERIES_CANDIDATES):
        few, _rows = build(CANDIDATES, city.admin, {"period": "2027-01-01", "opd": None})
    batch(4)
    with django_assert_num_queries(QUERIES_CANDIDATES):
        many, _rows = build(CANDIDATES, city.admin, {"period": "2027-01-01", "opd": None})

    assert many.rows - few.rows == 4


QUERIES_CANDIDATES = 11


# ---------------------------------------------------------------------------------------------
# Study-leave roster and service bonds
# ---------------------------------------------------------------------------------------------

ROSTER = "study_roster"
ON = dt.date(2027, 10, 1)


@pytest.fixture
def on_day(monkeypatch):
    monkeypatch.setattr(careers_reports, "_today", lambda: ON)


def leave(employee, state: str, *, starts_on=dt.date(2027, 2, 1), years: int = 2, **fields) -> StudyLeave:
    kind = fields.pop("kind", StudyKind.TUGAS_BELAJAR)
    return StudyLeave.objects.create(
        employee=employee,
        opd_id=employee.opd_id,
        kind=kind,
        level=EducationLevel.objects.get(code=fields.pop("level", "S2")),
        program=fields.pop("program", "Magister Kesehatan Masyarakat"),
        institution=fields.pop("institution", "Universitas Diponegoro"),
        accreditation="A",
        funding="apbd" if kind == StudyKind.TUGAS_BELAJAR else "mandiri",
        relevance="Mendukung tugas.",
        state=state,
        starts_on=starts_on,
        ends_on=starts_on + relativedelta(years=years),
        started_on=starts_on if state in (S.ONGOING, S.COMPLETED) else None,
        decree_number="800/1/2027",
        created_by=employee.user,
        **fields,
    )


def bond(employee, ends_on: dt.date, **fields) -> StudyLeave:
    return leave(employee, S.COMPLETED, starts_on=dt.date(2022, 2, 1), bond_years=5, bond_ends_on=ends_on, **fields)


@pytest.fixture
def roster(city, on_day):
    """On 1 October 2027: staff_a studies (semester 1 report overdue); the outsider (Disdik) is
    approved for izin belajar; staff_b serves a bond (and had an older one, now over); the
    supervisor left the service during a bond."""
    leave(city.staff_a, S.ONGOING)
    leave(
        city.outsider,
        S.APPROVED,
        kind=StudyKind.IZIN_BELAJAR,
        starts_on=dt.date(2027, 11, 1),
        level="S1",
        program="Pendidikan Guru SD",
        institution="Universitas Terbuka",
    )
    bond(city.staff_b, dt.date(2034, 2, 8))
    bond(city.staff_b, dt.date(2027, 1, 1), level="S1")
    bond(city.supervisor, dt.date(2032, 6, 1), bond_broken_on=dt.date(2027, 6, 1), bond_remaining_months=60)
    return city


@pytest.mark.django_db
def test_the_roster_lists_the_studies_then_the_bonds_then_those_who_left(roster):
    city = roster

    built, rows = build(ROSTER, city.admin, {"opd": None})

    assert built.file_name == "roster-studi-2027-10-01.xlsx"
    assert rows[0] == careers_reports.roster_header()
    assert [row[1] for row in rows[1:]] == ["Budi Santoso", "Rina Guru", "Dewi Lestari", "Siti Rahmawati"]
    staff_a = rows[1]
    assert staff_a[:8] == [
        city.staff_a.nip,
        "Budi Santoso",
        "Dinas Kesehatan",
        _("Studying"),
        "TB",
        "S2",
        "Universitas Diponegoro",
        "Magister Kesehatan Masyarakat",
    ]
    assert [day(value) for value in staff_a[8:10]] == [dt.date(2027, 2, 1), dt.date(2029, 2, 1)]
    assert staff_a[10:] == [str(S.ONGOING.label), 1, None, None]
    outsider = rows[2]
    assert outsider[4:6] == ["IB", "S1"]
    assert outsider[10:12] == [str(S.APPROVED.label), None]
    staff_b = rows[3]
    assert staff_b[3] == _("Service bond")
    assert day(staff_b[12]) == dt.date(2034, 2, 8)
    assert staff_b[13] == 77  # 1 October 2027 → 8 February 2034: 6 years 4 months and a started month
    supervisor = rows[4]
    assert supervisor[3] == _("Left during the bond")
    assert supervisor[13] == 60


@pytest.mark.django_db
def test_a_report_sent_for_the_semester_is_not_overdue(roster):
    city = roster
    study = StudyLeave.objects.get(employee=city.staff_a)
    StudyReport.objects.create(
        leave=study,
        semester=1,
        due_on=dt.date(2027, 8, 31),
        gpa="3.50",
        transcript="careers/study-reports/t.pdf",
        transcript_name="t.pdf",
        transcript_type="application/pdf",
        submitted_by=city.staff_a.user,
    )

    _built, rows = build(ROSTER, city.admin, {"opd": None})

    assert rows[1][11] == 0


@pytest.mark.django_db
def test_an_operators_roster_holds_their_opd_and_refuses_another(roster):
    city = roster

    built, rows = build(ROSTER, city.operator.user, {"opd": None})
    with pytest.raises(reports.ReportParamsError) as refused:
        reports.request(city.operator.user, ROSTER, {"opd": city.disdik.pk})

    assert [row[1] for row in rows[1:]] == ["Budi Santoso", "Dewi Lestari", "Siti Rahmawati"]
    assert built.rows == 3
    assert "opd" in refused.value.errors
    assert not ReportJob.objects.exists()


@pytest.mark.django_db
def test_building_the_roster_costs_the_same_queries_for_n_and_3n(city, on_day, django_assert_num_queries):
    def batch(count):
        for _n in range(count):
            leave(EmployeeFactory(unit=city.dinkes_bidang), S.ONGOING)
            bond(EmployeeFactory(unit=city.dinkes_bidang), dt.date(2033, 1, 1))

    batch(2)
    with django_assert_num_queries(QUERIES_ROSTER):
        few, _rows = build(ROSTER, city.admin, {"opd": city.dinkes.pk})
    batch(4)
    with django_assert_num_queries(QUERIES_ROSTER):
        many, _rows = build(ROSTER, city.admin, {"opd": city.dinkes.pk})

    assert (few.rows, many.rows) == (4, 12)


QUERIES_ROSTER = 6
