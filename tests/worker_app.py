"""The Celery app a real worker process runs in the reliability tests
(`celery -A tests.worker_app worker`): SIGAP's own app and tasks, plus a slow report kind
("test_slow") whose build takes a few seconds, so that a test can kill the worker in the
middle of it. The test passes the database and the Redis key prefix in the environment:
SIGAP_TEST_KEYPREFIX must match the test process's (tests/conftest.py)."""

from __future__ import annotations

import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asn_portal.settings")
django.setup()

from asn_portal import reminders, reports  # noqa: E402
from asn_portal.celery import app  # noqa: E402
from asn_portal.models import Employee  # noqa: E402

_prefix = os.environ.get("SIGAP_TEST_KEYPREFIX")
if _prefix:
    app.conf.broker_transport_options = {**app.conf.broker_transport_options, "global_keyprefix": _prefix}
    app.conf.result_backend_transport_options = {"global_keyprefix": _prefix}

SLOW = "test_slow"
STEPS = 40  # × 0.1 s: four seconds to build


class SlowForm(reports.ReportForm):
    pass


def build_slow(params, out, progress, *, user):
    """Every employee's NIP and name, after a slow walk that reports its progress. The
    process id goes to SIGAP_TEST_PIDFILE, for the test that kills it."""
    pidfile = os.environ.get("SIGAP_TEST_PIDFILE")
    if pidfile:
        with open(pidfile, "a") as handle:
            handle.write(f"{os.getpid()}\n")
    for step in range(STEPS):
        time.sleep(0.1)
        progress(step + 1, STEPS + 1)
    rows = ([nip, name] for nip, name in Employee.objects.order_by("nip").values_list("nip", "name").iterator())
    count = reports.write_xlsx(out, title="Pegawai", header=["NIP", "Nama"], rows=rows, total=0, progress=progress)
    return reports.Built(file_name="lambat.xlsx", content_type=reports.XLSX, rows=count)


def collect_everyone(today):
    """Everyone with an account, once a month (one query)."""
    rows = Employee.objects.filter(user__isnull=False).values_list("user_id", "user__email", "pk")
    for user_id, email, pk in rows:
        yield reminders.Due(
            recipient_id=user_id,
            email=email or "",
            object_key=f"employee-{pk}",
            occasion=f"{today:%Y-%m}",
            title="Perbarui data Anda",
        )


reminders.register(
    reminders.ReminderKind(code="test_everyone", label="Uji", description="Uji.", collect=collect_everyone)
)

reports.register(
    reports.ReportKind(
        code=SLOW,
        label="Laporan lambat (uji)",
        description="Untuk pengujian.",
        form_class=SlowForm,
        build=build_slow,
        may_request=lambda user: user.is_superuser,
    )
)

__all__ = ["app"]
