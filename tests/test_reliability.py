"""Reports and reminders when things fall over, with real processes:

- a real Celery worker (a separate `celery worker` process on the CI Redis, against the test
  PostgreSQL database) builds a report and sends reminders; killed with SIGKILL in the middle
  of a report, it hands the job back (acks_late + reject_on_worker_lost) and a new worker
  process builds it again with the same result; reminder runs started twice at once e-mail
  each person once;
- with the broker down, pages and registrations still answer, the e-mail owed is recorded in
  the database, and the sweep sends it once the broker is back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from asn_portal.celery import app as celery_app
from asn_portal.models import Notification, OrgUnitKind, ReportJob, User
from asn_portal.tasks import run_report_job, send_reminders, sweep_undispatched
from tests.asn_portal.report_kinds import sheet_rows
from tests.factories import EmployeeFactory, org_unit

ROOT = Path(__file__).resolve().parent.parent


def _wait_for(condition, *, timeout: float, what: str, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the worker exited ({process.returncode}) while waiting for {what}")
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@contextlib.contextmanager
def _worker(tmp: Path, *, concurrency: int):
    """A `celery worker` process (prefork) of tests.worker_app on the test database; its
    e-mails go to files in `tmp/mail`, its report processes write their pids to `tmp/pids`."""
    (tmp / "mail").mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "EMAIL_URL": f"filemail:///{tmp / 'mail'}",  # three slashes and the absolute path
        "SIGAP_TEST_PIDFILE": str(tmp / "pids"),
        "PYTHONUNBUFFERED": "1",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "worker-of-the-reliability-test-" + "x" * 40,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log = (tmp / "worker.log").open("w")
    command = [
        sys.executable, "-m", "celery", "-A", "tests.worker_app", "worker", "--pool=prefork",
        f"--concurrency={concurrency}", "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--loglevel=INFO",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        if os.environ.get("SIGAP_SHOW_WORKER_LOG"):
            print((tmp / "worker.log").read_text())


def _mails_by_recipient(folder: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for path in folder.glob("*.log"):
        for line in path.read_text().splitlines():
            if line.startswith("To: "):
                address = line[4:].strip()
                counts[address] = counts.get(address, 0) + 1
    return counts


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_report_survives_its_worker_being_killed_and_reminders_run_twice_send_once():
    superuser = User.objects.create_superuser("root.test", "root@example.go.id", "x")
    unit = org_unit("DINKES", "Dinas Kesehatan", OrgUnitKind.DINAS)
    employees = [EmployeeFactory(unit=unit, name=f"Pegawai {index:02d}") for index in range(12)]
    expected = [("NIP", "Nama"), *sorted((e.nip, e.name) for e in employees)]

    with tempfile.TemporaryDirectory() as folder, _worker(Path(folder), concurrency=2) as worker:
        tmp = Path(folder)
        job = ReportJob.objects.create(kind="test_slow", params={}, requested_by=superuser)
        run_report_job.delay(job_id=job.pk)

        # Wait until the build is well under way, then kill the process building it.
        _wait_for(
            lambda: ReportJob.objects.filter(pk=job.pk, progress__gte=20).exists(),
            timeout=60,
            what="progress",
            process=worker,
        )
        first_pid = int((tmp / "pids").read_text().split()[0])
        os.kill(first_pid, signal.SIGKILL)

        _wait_for(
            lambda: ReportJob.objects.filter(pk=job.pk, status__in=["succeeded", "failed"]).exists(),
            timeout=90,
            what="the job to finish in another worker process",
            process=worker,
        )
        job.refresh_from_db()
        assert job.status == ReportJob.Status.SUCCEEDED, job.error_detail
        assert job.attempts == 2
        pids = [int(pid) for pid in (tmp / "pids").read_text().split()]
        assert len(pids) == 2 and pids[1] != first_pid
        assert sheet_rows(job.file.read()) == expected

        # Two runs of the same reminder at once, on two worker processes: one message each.
        first = send_reminders.delay(kind="test_everyone", today="2026-11-02")
        second = send_reminders.delay(kind="test_everyone", today="2026-11-02")
        created = first.get(timeout=60)["created"] + second.get(timeout=60)["created"]
        people = [e.user for e in employees]
        assert created == len(people)
        _wait_for(
            lambda: Notification.objects.filter(kind="test_everyone", email_due=True).count() == 0,
            timeout=60,
            what="the e-mails",
        )
        mails = _mails_by_recipient(tmp / "mail")
        assert {user.email: 1 for user in people} == {address: mails.get(address) for address in mails}


# --- The broker is down ----------------------------------------------------------------------


@pytest.fixture
def dead_broker():
    """The Celery app publishing to a port where no Redis listens (not eager): what a web
    process sees while Redis is down."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_always_eager, celery_app._pool, celery_app.amqp._producer_pool)
    conf.broker_url = "redis://127.0.0.1:9/0"
    conf.task_always_eager = False
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager, celery_app._pool, celery_app.amqp._producer_pool = saved


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_registration_still_works_and_its_email_goes_out_later(
    city, login, dead_broker, mailoutbox
):
    from tests.training.factories import session
    from training.models import Registration

    today = dt.date.today()
    open_session = session(
        capacity=5,
        registration_opens_on=today - dt.timedelta(days=10),
        registration_closes_on=today + dt.timedelta(days=10),
        cancellation_deadline=today + dt.timedelta(days=15),
        starts_on=today + dt.timedelta(days=20),
        ends_on=today + dt.timedelta(days=21),
    )
    client = login(city.staff_a.user)

    response = client.post(reverse("training:session-register", args=[open_session.pk]), {})

    assert response.status_code in (200, 302)
    assert Registration.objects.filter(session=open_session, employee=city.staff_a).exists()
    owed = Notification.objects.get(recipient=city.supervisor.user)
    assert (owed.email_due, owed.emailed_at) == (True, None)
    assert client.get(reverse("portal:dashboard")).status_code == 200
    assert client.get(reverse("portal:notification-bell")).status_code == 200
    assert mailoutbox == []

    # The broker is back (this process sends the sweep's e-mails itself): a while later the
    # sweep finds the owed e-mail and sends it, once.
    Notification.objects.filter(pk=owed.pk).update(created_at=owed.created_at - dt.timedelta(minutes=10))
    assert sweep_undispatched()["emailed"] == 1
    assert sweep_undispatched()["emailed"] == 0
    assert [message.to for message in mailoutbox] == [[city.supervisor.user.email]]


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_report_request_waits_and_the_sweep_queues_it(city, login, dead_broker):
    from tests.asn_portal import report_kinds

    with report_kinds.registered():
        client = login(city.admin)
        response = client.post(reverse("portal:report-new", args=[report_kinds.CODE]), {"year": dt.date.today().year})
        job = ReportJob.objects.get()
        assert response.status_code == 302
        assert job.status == ReportJob.Status.PENDING
        assert client.get(reverse("portal:report-detail", args=[job.pk])).status_code == 200

        ReportJob.objects.filter(pk=job.pk).update(created_at=job.created_at - dt.timedelta(minutes=10))
        assert sweep_undispatched()["reports_requeued"] == 0  # still down: nothing lost, nothing raised
        celery_app.conf.task_always_eager = True  # the broker is back (in-process here)
        assert sweep_undispatched()["reports_requeued"] == 1
        job.refresh_from_db()
        assert job.status == ReportJob.Status.SUCCEEDED
