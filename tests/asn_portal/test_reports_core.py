"""Report jobs, whatever the kind: requesting (checked parameters, nothing created on bad
input), building (progress, the file in private storage, failure with a message and retry),
who sees and downloads a job, the pages and the API. The kinds themselves are tested in their
apps; here a small test kind (tests/asn_portal/report_kinds.py) stands in."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from asn_portal import reports
from asn_portal.models import ReportJob
from asn_portal.services import ServiceError
from tests.asn_portal import report_kinds


@pytest.fixture
def directory_kind():
    with report_kinds.registered() as kind:
        yield kind


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks, eager_tasks):
    """Run what a block queues after its commit, in-process (the task itself, eagerly)."""

    def _run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            result = function(*args, **kwargs)
        return result

    return _run


THIS_YEAR = timezone.localdate().year


# --- Requesting and building -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_requested_report_is_built_into_private_storage_with_every_row(city, directory_kind, run_on_commit):
    job = run_on_commit(reports.request, city.admin, report_kinds.CODE, {"year": THIS_YEAR})

    job.refresh_from_db()
    assert job.status == ReportJob.Status.SUCCEEDED
    assert job.progress == 100
    assert job.attempts == 1
    assert job.file_name == f"pegawai-{THIS_YEAR}.xlsx"
    assert job.file.name.startswith("reports/") and str(THIS_YEAR) not in job.file.name.rsplit("/", 1)[-1]
    rows = report_kinds.sheet_rows(job.file.read())
    assert rows[0] == ("NIP", "Nama")
    nips = sorted(e.nip for e in (city.operator, city.supervisor, city.staff_a, city.staff_b, city.outsider))
    assert [row[0] for row in rows[1:]] == nips
    assert job.rows == len(nips)


@pytest.mark.django_db
def test_an_operators_report_holds_only_their_opd(city, directory_kind, run_on_commit):
    job = run_on_commit(
        reports.request, city.user("operator"), report_kinds.CODE, {"year": THIS_YEAR, "opd": city.dinkes.pk}
    )

    job.refresh_from_db()
    nips = [row[0] for row in report_kinds.sheet_rows(job.file.read())[1:]]
    assert city.outsider.nip not in nips
    assert sorted(nips) == sorted(e.nip for e in (city.operator, city.supervisor, city.staff_a, city.staff_b))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "data", "field"),
    [
        ("admin", {"year": THIS_YEAR + 1}, "year"),  # a year in the future
        ("admin", {"year": "dua ribu"}, "year"),
        ("admin", {}, "year"),
        ("operator", {"year": THIS_YEAR}, "opd"),  # an operator must choose one of their OPDs
        ("operator", {"year": THIS_YEAR, "opd": "DISDIK"}, "opd"),
    ],
)
def test_bad_parameters_are_refused_with_a_message_and_no_job(city, directory_kind, who, data, field):
    if data.get("opd") == "DISDIK":
        data = {**data, "opd": city.disdik.pk}  # an OPD the operator may not see

    with pytest.raises(reports.ReportParamsError) as refused:
        reports.request(city.user(who), report_kinds.CODE, data)

    assert field in refused.value.errors
    assert ReportJob.objects.count() == 0


@pytest.mark.django_db
def test_an_unknown_kind_and_a_role_without_the_kind_are_refused(city, directory_kind):
    with pytest.raises(ServiceError) as unknown:
        reports.request(city.admin, "laporan_rahasia", {"year": THIS_YEAR})
    with pytest.raises(ServiceError) as forbidden:
        reports.request(city.user("staff_a"), report_kinds.CODE, {"year": THIS_YEAR})

    assert (unknown.value.code, forbidden.value.code) == ("unknown_report_kind", "forbidden")
    assert ReportJob.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_request_queues_nothing_and_builds_nothing(city, directory_kind, eager_tasks):
    with pytest.raises(RuntimeError), transaction.atomic():
        reports.request(city.admin, report_kinds.CODE, {"year": THIS_YEAR})
        raise RuntimeError("the rest of the write failed")

    assert ReportJob.objects.count() == 0
    assert report_kinds.BUILDS == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_request_is_built_only_after_the_commit(city, directory_kind, eager_tasks):
    with transaction.atomic():
        job = reports.request(city.admin, report_kinds.CODE, {"year": THIS_YEAR})
        assert report_kinds.BUILDS == []  # nothing ran inside the transaction

    assert report_kinds.BUILDS == [THIS_YEAR]
    job.refresh_from_db()
    assert job.status == ReportJob.Status.SUCCEEDED


@pytest.mark.django_db
def test_a_failed_build_keeps_an_indonesian_message_and_can_be_tried_again(city, directory_kind, run_on_commit):
    job = ReportJob.objects.create(
        kind=report_kinds.CODE, params={"year": THIS_YEAR, "fail": True}, requested_by=city.admin
    )
    reports.run_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error_code) == (ReportJob.Status.FAILED, "internal")
    assert "RuntimeError: boom" in job.error_detail
    assert "kesalahan sistem" in job.error_message  # the default language is Indonesian

    ReportJob.objects.filter(pk=job.pk).update(params={"year": THIS_YEAR})  # the cause is gone
    run_on_commit(reports.retry, city.admin, job)

    job.refresh_from_db()
    assert (job.status, job.error_code, job.attempts) == (ReportJob.Status.SUCCEEDED, "", 2)


@pytest.mark.django_db
def test_only_a_failed_job_can_be_retried_and_only_by_who_sees_it(city, directory_kind, run_on_commit):
    done = run_on_commit(reports.request, city.admin, report_kinds.CODE, {"year": THIS_YEAR})
    failed = ReportJob.objects.create(
        kind=report_kinds.CODE, params={"year": THIS_YEAR}, requested_by=city.admin, status="failed", error_code="x"
    )

    with pytest.raises(ServiceError):
        reports.retry(city.admin, done)
    with pytest.raises(ServiceError):
        reports.retry(city.user("operator"), failed)  # not theirs, and operators do not read all


@pytest.mark.django_db
def test_a_redelivered_task_leaves_a_finished_job_alone(city, directory_kind, run_on_commit):
    job = run_on_commit(reports.request, city.admin, report_kinds.CODE, {"year": THIS_YEAR})
    job.refresh_from_db()
    name = job.file.name

    reports.run_job(job.pk)

    job.refresh_from_db()
    assert (job.attempts, job.file.name, report_kinds.BUILDS) == (1, name, [THIS_YEAR])


@pytest.mark.django_db
def test_a_job_whose_requester_lost_the_role_fails_as_forbidden(city, directory_kind):
    operator = city.user("operator")
    job = ReportJob.objects.create(
        kind=report_kinds.CODE, params={"year": THIS_YEAR, "opd": city.dinkes.pk}, requested_by=operator
    )
    from asn_portal import services

    services.revoke_operator(operator, city.dinkes, by=city.admin)

    reports.run_job(job.pk)

    job.refresh_from_db()
    assert (job.status, job.error_code) == (ReportJob.Status.FAILED, "forbidden")
    assert report_kinds.BUILDS == []


def test_progress_is_written_as_it_moves_and_never_reaches_100_before_the_end(db, city, directory_kind):
    job = ReportJob.objects.create(kind=report_kinds.CODE, params={"year": THIS_YEAR}, requested_by=city.admin)
    progress = reports._Progress(job.pk)

    progress(250, 1000)
    job.refresh_from_db()
    assert job.progress == 25
    progress.at -= 1  # half a second later
    progress(1000, 1000)
    job.refresh_from_db()
    assert job.progress == 99


def test_spreadsheet_text_that_looks_like_a_formula_is_written_as_text():
    assert reports.safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert reports.safe_cell("Budi") == "Budi"
    assert reports.safe_cell(-3) == -3


# --- Who sees which job ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "sees_admins", "sees_operators"),
    [
        ("admin", True, True),  # Admin BKPP reads every job of this kind
        ("operator", False, True),
        ("inspektur", False, False),
        ("staff_a", False, False),
    ],
)
def test_jobs_are_seen_by_their_requester_and_by_who_reads_the_kind_in_full(
    city, directory_kind, who, sees_admins, sees_operators
):
    by_admin = ReportJob.objects.create(kind=report_kinds.CODE, params={"year": 2025}, requested_by=city.admin)
    by_operator = ReportJob.objects.create(
        kind=report_kinds.CODE, params={"year": 2025}, requested_by=city.user("operator")
    )

    visible = set(reports.jobs_for(city.user(who)).values_list("pk", flat=True))

    assert (by_admin.pk in visible, by_operator.pk in visible) == (sees_admins, sees_operators)


# --- Pages -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_reports_page_offers_the_kinds_and_lists_the_jobs(city, directory_kind, login):
    ReportJob.objects.create(kind=report_kinds.CODE, params={"year": 2025}, requested_by=city.admin)
    client = login(city.admin)

    html = client.get(reverse("portal:report-list")).content.decode()

    assert f'data-kind="{report_kinds.CODE}"' in html
    assert "Daftar pegawai (uji)" in html
    assert 'data-testid="report-jobs"' in html
    assert 'data-testid="nav-reports"' in html


@pytest.mark.django_db
def test_an_employee_without_report_kinds_gets_403_and_no_menu_entry(city, directory_kind, login):
    client = login(city.user("staff_a"))

    assert client.get(reverse("portal:report-list")).status_code == 403
    assert client.get(reverse("portal:report-new", args=[report_kinds.CODE])).status_code == 403
    assert 'data-testid="nav-reports"' not in client.get(reverse("portal:dashboard")).content.decode()


@pytest.mark.django_db
def test_the_form_page_refuses_a_future_year_with_400_and_creates_nothing(city, directory_kind, login):
    client = login(city.admin)

    response = client.post(reverse("portal:report-new", args=[report_kinds.CODE]), {"year": THIS_YEAR + 1})

    assert response.status_code == 400
    assert "tidak boleh di masa depan" in response.content.decode()
    assert ReportJob.objects.count() == 0
    assert client.get(reverse("portal:report-new", args=["tidak_ada"])).status_code == 404


@pytest.mark.django_db
def test_requesting_from_the_page_leads_to_the_job_with_its_progress_and_download(
    city, directory_kind, login, run_on_commit
):
    client = login(city.admin)

    response = run_on_commit(client.post, reverse("portal:report-new", args=[report_kinds.CODE]), {"year": THIS_YEAR})

    job = ReportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("portal:report-detail", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert 'data-status="succeeded"' in page
    assert reverse("portal:report-download", args=[job.pk]) in page
    download = client.get(reverse("portal:report-download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Type"] == reports.XLSX
    assert report_kinds.sheet_rows(b"".join(download.streaming_content))[0] == ("NIP", "Nama")


@pytest.mark.django_db
def test_the_status_block_polls_until_the_job_is_done(city, directory_kind, login):
    job = ReportJob.objects.create(
        kind=report_kinds.CODE, params={"year": 2025}, requested_by=city.admin, status="running", progress=40
    )
    client = login(city.admin)

    partial = client.get(reverse("portal:report-detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()

    assert partial.lstrip().startswith('<div id="job-status"')
    assert 'hx-trigger="every 1s"' in partial
    assert 'aria-valuenow="40"' in partial
    ReportJob.objects.filter(pk=job.pk).update(status="failed", error_code="internal")
    failed = client.get(reverse("portal:report-detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in failed
    assert 'data-testid="report-retry"' in failed


@pytest.mark.django_db
def test_another_operator_cannot_see_or_download_a_job(city, directory_kind, login, run_on_commit):
    from asn_portal import services
    from tests.factories import EmployeeFactory

    job = run_on_commit(
        reports.request, city.user("operator"), report_kinds.CODE, {"year": THIS_YEAR, "opd": city.dinkes.pk}
    )
    other = EmployeeFactory(unit=city.disdik, name="Operator Disdik")
    services.grant_operator(other.user, city.disdik, by=city.admin)
    client = login(other.user)

    for name in ("portal:report-detail", "portal:report-download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("portal:report-retry", args=[job.pk])).status_code == 404
    assert login(city.admin).get(reverse("portal:report-download", args=[job.pk])).status_code == 200


@pytest.mark.django_db
def test_the_reports_list_runs_a_constant_number_of_queries(city, directory_kind, login, django_assert_max_num_queries):
    client = login(city.admin)
    ReportJob.objects.bulk_create(
        ReportJob(kind=report_kinds.CODE, params={"year": 2025}, requested_by=city.admin) for _ in range(3)
    )
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("portal:report-list"))
    ReportJob.objects.bulk_create(
        ReportJob(kind=report_kinds.CODE, params={"year": 2025}, requested_by=city.user("operator")) for _ in range(15)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("portal:report-list"))


# --- API -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_requests_a_report_and_follows_it_to_the_file(city, directory_kind, login, run_on_commit):
    client = login(city.admin)

    kinds = client.get("/api/v1/reports/kinds/").json()
    assert report_kinds.CODE in [kind["code"] for kind in kinds]
    response = run_on_commit(
        client.post,
        "/api/v1/reports/",
        {"kind": report_kinds.CODE, "params": {"year": THIS_YEAR}},
        content_type="application/json",
    )
    assert response.status_code == 202
    job = client.get(f"/api/v1/reports/{response.json()['id']}/").json()
    assert (job["status"], job["progress"]) == ("succeeded", 100)
    download = client.get(job["download_url"], HTTP_ACCEPT="application/pdf")
    assert download.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "body", "status", "code"),
    [
        ("admin", {"kind": "tidak_ada", "params": {}}, 400, "unknown_report_kind"),
        ("admin", {"kind": report_kinds.CODE, "params": {"year": THIS_YEAR + 1}}, 400, "validation_error"),
        ("admin", {"kind": report_kinds.CODE, "params": "2025"}, 400, "validation_error"),
        ("staff_a", {"kind": report_kinds.CODE, "params": {"year": THIS_YEAR}}, 403, "permission_denied"),
    ],
)
def test_the_api_refuses_bad_requests_with_a_code_and_creates_no_job(
    city, directory_kind, login, who, body, status, code
):
    response = login(city.user(who)).post("/api/v1/reports/", body, content_type="application/json")

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert ReportJob.objects.count() == 0
    if body.get("params") == {"year": THIS_YEAR + 1}:
        assert "params.year" in response.json()["error"]["fields"]


@pytest.mark.django_db
def test_the_api_hides_other_peoples_jobs(city, directory_kind, login):
    job = ReportJob.objects.create(kind=report_kinds.CODE, params={"year": 2025}, requested_by=city.admin)
    client = login(city.user("operator"))

    assert client.get(f"/api/v1/reports/{job.pk}/").status_code == 404
    assert client.get(f"/api/v1/reports/{job.pk}/download/").status_code == 404
    assert client.get("/api/v1/reports/").json()["count"] == 0
