"""The training reports (training/reports.py): the JP recap per employee and per OPD (XLSX,
every cell checked on a small known city), its one-page PDF, the training realisation, who may
ask for which scope, a build's constant number of queries, and the monthly recap e-mailed to
each OPD head."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_celery_beat.models import PeriodicTask
from openpyxl import load_workbook

from asn_portal import permissions, reports
from asn_portal.models import EmployeeStatus, EmploymentType, Position, PositionKind, ReportJob
from asn_portal.reports import ReportParamsError
from asn_portal.services import ServiceError
from tests.factories import EmployeeFactory, UserFactory, org_unit
from tests.training.factories import program, session
from training import reports as training_reports
from training import services, tasks
from training.models import Evaluation, OutsideLearning, OutsideStatus

# E-mails go out in-process, also in the CI pass that has a Redis broker.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]

RECAP = training_reports.JP_RECAP
REALISATION = training_reports.REALISATION
YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def earn(employee, jp: int, ends_on: dt.date = dt.date(YEAR, 1, 15)) -> OutsideLearning:
    return OutsideLearning.objects.create(
        employee=employee,
        opd_id=employee.opd_id,
        title="Seminar Reformasi Birokrasi",
        organiser="LAN",
        category="seminar",
        starts_on=ends_on,
        ends_on=ends_on,
        jp=jp,
        certificate="training/outside/sertifikat.pdf",
        certificate_type="application/pdf",
        status=OutsideStatus.VERIFIED,
    )


@pytest.fixture
def known(city):
    """Dinkes: supervisor 0 JP, staff_a 8, staff_b 20, operator 0 (and a retired employee,
    not counted). Disdik: outsider 24 (and 5 more in the previous year), a PPPK of grade IX
    with 0."""
    earn(city.staff_a, 8)
    earn(city.staff_b, 20)
    earn(city.outsider, 24)
    earn(city.outsider, 5, dt.date(YEAR - 1, 12, 31))
    pppk = EmployeeFactory(unit=city.disdik, name="Yusuf PPPK", employment_type=EmploymentType.PPPK, pppk_grade=9)
    EmployeeFactory(unit=city.dinkes_bidang, name="Pensiunan", status=EmployeeStatus.PENSIUN)
    return pppk


def build(code, params, user) -> tuple[reports.Built, bytes]:
    out = io.BytesIO()
    built = reports.get(code).build(params, out, lambda done, total: None, user=user)
    return built, out.getvalue()


def sheet(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True))


def site_language(text: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _(text)


def recap(level="employee", opd=None, fmt="xlsx", year=YEAR) -> dict:
    return {"year": year, "level": level, "opd": opd, "format": fmt}


# ---------------------------------------------------------------------------------------------
# The JP recap's cells
# ---------------------------------------------------------------------------------------------


def test_the_recap_per_employee_lists_every_active_employee_with_target_and_shortfall(city, known):
    built, content = build(RECAP, recap(), city.admin)

    rows = sheet(content)
    met, short = site_language("At or above target"), site_language("Below target")
    unit = city.dinkes_bidang.name
    assert rows[0][0] == "NIP" and len(rows[0]) == 9
    assert rows[1:] == [
        (city.operator.nip, "Agus Operator", "Dinas Kesehatan", "Dinas Kesehatan", "III/a", 20, 0, 20, short),
        (city.staff_a.nip, "Budi Santoso", "Dinas Kesehatan", unit, "III/a", 20, 8, 12, short),
        (city.staff_b.nip, "Dewi Lestari", "Dinas Kesehatan", unit, "III/a", 20, 20, 0, met),
        (city.supervisor.nip, "Siti Rahmawati", "Dinas Kesehatan", unit, "III/a", 20, 0, 20, short),
        (city.outsider.nip, "Rina Guru", "Dinas Pendidikan", "Dinas Pendidikan", "III/a", 20, 24, 0, met),
        (known.nip, "Yusuf PPPK", "Dinas Pendidikan", "Dinas Pendidikan", "IX", 20, 0, 20, short),
    ]
    assert built.rows == 6 and built.file_name == f"rekap-jp-pegawai-{YEAR}.xlsx"
    assert built.content_type == reports.XLSX


def test_the_recap_per_opd_counts_met_and_short_with_share_and_average(city, known):
    built, content = build(RECAP, recap(level="opd"), city.admin)

    rows = sheet(content)
    assert len(rows[0]) == 6
    assert rows[1:] == [
        ("Dinas Kesehatan", 4, 1, 3, 25.0, 7.0),
        ("Dinas Pendidikan", 2, 1, 1, 50.0, 12.0),
        (site_language("Total"), 6, 2, 4, 33.3, 8.7),
    ]
    assert built.rows == 2 and built.file_name == f"rekap-jp-opd-{YEAR}.xlsx"


def test_the_recap_of_one_opd_holds_only_its_employees(city, known):
    built, content = build(RECAP, recap(opd=city.disdik.pk), city.admin)

    assert [row[0] for row in sheet(content)[1:]] == [city.outsider.nip, known.nip]
    assert built.file_name == f"rekap-jp-pegawai-{YEAR}-disdik.xlsx"


def test_the_pdf_summary_is_one_page(city, known):
    built, content = build(RECAP, recap(fmt="pdf"), city.admin)

    assert content.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", content)) == 1
    assert built.content_type == reports.PDF and built.file_name == f"rekap-jp-{YEAR}.pdf"


def test_the_pdf_of_a_city_with_many_opds_still_fits_one_page(city, known):
    for index in range(30):
        opd = org_unit(f"OPD-{index:02d}", f"Kecamatan Uji Coba Dengan Nama Yang Panjang {index:02d}")
        earn(EmployeeFactory(unit=opd), index + 1)
        EmployeeFactory(unit=opd)

    _built, content = build(RECAP, recap(fmt="pdf"), city.admin)

    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", content)) == 1


def test_the_pdf_of_one_opd_charts_its_units(city, known):
    built, content = build(RECAP, recap(fmt="pdf", opd=city.dinkes.pk), city.user("operator"))

    assert content.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b(?!s)", content)) == 1
    assert built.rows == 2  # the OPD's own top unit and its bidang


# ---------------------------------------------------------------------------------------------
# Who may ask for which scope
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def head(city):
    """The head of Dinas Kesehatan (a JPT Pratama post of the OPD's top unit, reporting to
    nobody in the OPD) and the OPD's secretary (an administrator post of the same unit who
    reports to the head)."""
    head_post = Position.objects.create(name="Kepala Dinas Kesehatan", kind=PositionKind.JPT_PRATAMA, unit=city.dinkes)
    secretary_post = Position.objects.create(
        name="Sekretaris Dinas Kesehatan", kind=PositionKind.ADMINISTRATOR, unit=city.dinkes
    )
    chief = EmployeeFactory(unit=city.dinkes, name="dr. Kepala", position=head_post)
    secretary = EmployeeFactory(unit=city.dinkes, name="Sekretaris", position=secretary_post, supervisor=chief)
    return chief, secretary


def test_the_head_of_an_opd_is_recognised_from_the_post_of_its_top_unit(city, head):
    chief, secretary = head

    assert training_reports.headed_opd_ids(chief.user) == {city.dinkes.pk}
    assert training_reports.headed_opd_ids(secretary.user) == frozenset()
    assert training_reports.opd_heads(with_email=True) == [(city.dinkes.pk, chief.user)]


def test_only_a_structural_post_costs_a_query_to_tell_whether_one_heads_an_opd(city, head, django_assert_num_queries):
    """The menu asks on every page: for the many who hold no structural post the answer comes
    from the roles already read (asn_portal.permissions.actor_for), without a query."""
    chief, _secretary = head
    staff = city.staff_a.user  # no structural post
    for user in (staff, chief.user):
        permissions.actor_for(user)

    with django_assert_num_queries(0):
        assert training_reports.headed_opd_ids(staff) == frozenset()
    with django_assert_num_queries(1):
        assert training_reports.headed_opd_ids(chief.user) == {city.dinkes.pk}


@pytest.mark.parametrize(
    ("who", "data", "field"),
    [
        ("admin", recap(year=YEAR + 1), "year"),
        ("operator", recap(opd=None), "opd"),
        ("operator", recap(opd="disdik"), "opd"),
        ("head", recap(opd="disdik"), "opd"),
    ],
)
def test_bad_parameters_are_refused_and_no_job_is_created(city, head, who, data, field):
    user = head[0].user if who == "head" else city.user(who)
    if data["opd"] == "disdik":
        data = {**data, "opd": city.disdik.pk}

    with pytest.raises(ReportParamsError) as refused:
        reports.request(user, RECAP, data)

    assert field in refused.value.errors
    assert not ReportJob.objects.exists()


def test_an_operator_and_a_head_may_request_the_recap_of_their_own_opd(city, head):
    for user in (city.user("operator"), head[0].user):
        job = reports.request(user, RECAP, recap(opd=city.dinkes.pk))

        assert job.params == recap(opd=city.dinkes.pk)


@pytest.mark.parametrize("code", [RECAP, REALISATION])
def test_an_employee_may_not_request_the_training_reports(city, head, code):
    for user in (city.user("staff_a"), head[1].user, city.inspektur):
        assert not reports.get(code).may_request(user)
        with pytest.raises(ServiceError) as refused:
            reports.request(user, code, {"year": YEAR})

        assert refused.value.code == "forbidden"
    assert not ReportJob.objects.exists()


def test_the_head_may_not_request_the_realisation_and_bkpp_reads_every_job(city, head):
    assert not reports.get(REALISATION).may_request(head[0].user)
    assert reports.get(REALISATION).may_request(city.user("operator"))
    for code in (RECAP, REALISATION):
        assert reports.get(code).may_read_all(city.admin)
        assert not reports.get(code).may_read_all(city.user("operator"))


def test_a_build_refuses_an_opd_the_requester_no_longer_manages(city, known):
    with pytest.raises(reports.ReportError) as refused:
        build(RECAP, recap(opd=city.disdik.pk), city.user("operator"))

    assert refused.value.code == "forbidden"


# ---------------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------------


def _count(code, params, user) -> int:
    permissions.forget_actor(user)  # as run_job does: the roles are read again for each build
    with CaptureQueriesContext(connection) as context:
        build(code, params, user)
    return len(context.captured_queries)


@pytest.mark.parametrize("params", [recap(), recap(level="opd"), recap(fmt="pdf"), recap(fmt="pdf", opd="dinkes")])
def test_a_recap_build_runs_the_same_queries_for_n_and_3n_employees(city, params):
    if params["opd"] == "dinkes":
        params = {**params, "opd": city.dinkes.pk}

    def employees(count):
        for index in range(count):
            earn(EmployeeFactory(unit=city.dinkes_bidang if index % 2 else city.disdik), index * 3 + 1)

    employees(4)
    small = _count(RECAP, params, city.admin)
    employees(8)

    large = _count(RECAP, params, city.admin)

    assert small == large <= 5  # the roles (2), then one or two queries for the rows, the OPD's name


# ---------------------------------------------------------------------------------------------
# Training realisation
# ---------------------------------------------------------------------------------------------

JANUARY = dt.date(YEAR, 1, 10)


def past_session(prog=None, **fields):
    return session(
        prog,
        capacity=3,
        starts_on=dt.date(YEAR, 1, 20),
        ends_on=dt.date(YEAR, 1, 21),
        registration_opens_on=dt.date(YEAR, 1, 1),
        registration_closes_on=dt.date(YEAR, 1, 15),
        cancellation_deadline=dt.date(YEAR, 1, 15),
        **fields,
    )


@pytest.fixture
def realised(city):
    """Bimtek Arsip, batch 1 (3 seats): staff_a passed (score 80, evaluated 4/5/3/4), staff_b
    passed (score 90), outsider (Disdik) did not attend, the operator cancelled."""
    sess = past_session(program(code="ARSIP", title="Bimtek Arsip"))
    done = {}
    for who in (city.staff_a, city.staff_b, city.outsider, city.operator):
        done[who.pk] = services.register(session=sess, employee=who, by=city.admin, today=JANUARY)
    services.cancel(done[city.operator.pk], by=city.admin, today=JANUARY, as_bkpp=True)
    on = dt.date(YEAR, 1, 21)
    a = services.record_result(done[city.staff_a.pk], passed=True, by=None, on=on, score=80)
    services.record_result(done[city.staff_b.pk], passed=True, by=None, on=on, score=90)
    services.record_result(done[city.outsider.pk], passed=None, by=None, on=on)
    Evaluation.objects.create(registration=a, content=4, trainer=5, organisation=3, usefulness=4)
    return sess


def test_the_realisation_counts_each_session(city, realised):
    built, content = build(REALISATION, {"year": YEAR, "opd": None}, city.admin)

    rows = sheet(content)
    assert len(rows[0]) == 17
    status = site_language("Open for registration")
    assert rows[1:] == [
        (
            "ARSIP",
            "Bimtek Arsip",
            1,
            dt.datetime(YEAR, 1, 20),
            dt.datetime(YEAR, 1, 21),
            status,
            16,
            3,
            4,
            3,
            2,
            85.0,
            1,
            4.0,
            5.0,
            3.0,
            4.0,
        )
    ]
    assert built.rows == 1 and built.file_name == f"realisasi-diklat-{YEAR}.xlsx"


def test_an_operators_realisation_counts_only_their_opds_participants(city, realised):
    past_session(program(code="GURU", title="Bimtek Guru"))  # no Dinkes participant: not listed

    built, content = build(REALISATION, {"year": YEAR, "opd": city.dinkes.pk}, city.user("operator"))

    rows = sheet(content)
    assert [row[:2] for row in rows[1:]] == [("ARSIP", "Bimtek Arsip")]
    assert rows[1][8:13] == (3, 2, 2, 85.0, 1)  # registered, seat confirmed, completed, score, evaluations
    assert built.file_name == f"realisasi-diklat-{YEAR}-dinkes.xlsx"


def test_the_realisation_refuses_another_opd_for_an_operator(city):
    with pytest.raises(ReportParamsError) as refused:
        reports.request(city.user("operator"), REALISATION, {"year": YEAR, "opd": city.disdik.pk})

    assert "opd" in refused.value.errors


def test_a_realisation_build_runs_the_same_queries_for_n_and_3n_sessions(city):
    def sessions(count):
        for _index in range(count):
            employee = EmployeeFactory(unit=city.dinkes_bidang)
            services.register(session=past_session(), employee=employee, by=city.admin, today=JANUARY)

    sessions(2)
    small = _count(REALISATION, {"year": YEAR, "opd": None}, city.admin)
    sessions(4)

    large = _count(REALISATION, {"year": YEAR, "opd": None}, city.admin)

    assert small == large == 4  # the roles (2), the count, the rows


# ---------------------------------------------------------------------------------------------
# The monthly recap to OPD heads
# ---------------------------------------------------------------------------------------------


def test_the_monthly_recap_is_queued_once_per_opd_and_e_mailed_once_to_its_head(city, known, head, mailoutbox):
    chief = head[0]
    headless = org_unit("DISHUB", "Dinas Perhubungan")
    no_email = EmployeeFactory(
        unit=headless,
        position=Position.objects.create(name="Kepala Dinas Perhubungan", kind=PositionKind.JPT_PRATAMA, unit=headless),
        user=UserFactory(email=""),
    )

    first = tasks.send_monthly_jp_recaps(today=f"{YEAR}-11-01")
    second = tasks.send_monthly_jp_recaps(today=f"{YEAR}-11-01")

    assert first == second == 1
    job = ReportJob.objects.get()
    assert job.schedule_key == f"jp_recap:{YEAR}-11:opd-{city.dinkes.pk}"
    assert job.requested_by == chief.user and job.email_result
    assert job.params == {"year": YEAR, "level": "employee", "opd": city.dinkes.pk, "format": "xlsx"}
    assert no_email.user.email == ""

    reports.run_job(job.pk)
    reports.run_job(job.pk)

    job.refresh_from_db()
    assert job.status == ReportJob.Status.SUCCEEDED
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [chief.user.email]
    name, content, content_type = mailoutbox[0].attachments[0]
    assert name == f"rekap-jp-pegawai-{YEAR}-dinkes.xlsx" and content_type == reports.XLSX
    nips = {row[0] for row in sheet(content)[1:]}
    assert city.staff_a.nip in nips and city.outsider.nip not in nips


def test_the_january_recap_is_of_the_previous_year(city, head):
    tasks.send_monthly_jp_recaps(today=f"{YEAR}-01-01")

    job = ReportJob.objects.get()
    assert job.params["year"] == YEAR - 1
    assert job.schedule_key == f"jp_recap:{YEAR}-01:opd-{city.dinkes.pk}"


def test_the_monthly_recap_is_scheduled_on_the_first_at_five_jakarta_time():
    task = PeriodicTask.objects.select_related("crontab").get(task="training.tasks.send_monthly_jp_recaps")

    assert task.enabled and task.name == "report: monthly JP recap to OPD heads"
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_month) == ("0", "5", "1")
    assert str(task.crontab.timezone) == "Asia/Jakarta"


def test_a_completed_session_counts_in_the_recap(city):
    registration = services.register(session=past_session(), employee=city.staff_a, by=city.admin, today=JANUARY)
    services.record_result(registration, passed=True, by=None, on=dt.date(YEAR, 1, 21))

    _built, content = build(RECAP, recap(opd=city.dinkes.pk), city.admin)

    row = next(r for r in sheet(content)[1:] if r[0] == city.staff_a.nip)
    assert row[5:8] == (20, 16, 4)
