"""The JP recap XLSX streams (issue 7, Performance): the per-employee recap of a whole city is
built from one queryset iterator into openpyxl's write-only workbook, so its peak memory stays
flat as the city grows and its query count does not move.

    .venv/bin/python -m bench.report_bench                          # SQLite, 15,000 and 100,000
    .venv/bin/python -m bench.report_bench --sizes 2000             # a quick check
    .venv/bin/python -m bench.report_bench --sizes 15000,100000 --database-url postgres://app:app@127.0.0.1:5433/reportbench

For each size a fresh, migrated database (SQLite: a copy of one migrated template; PostgreSQL:
a database named after the URL's plus the size, dropped afterwards — the role needs CREATEDB)
is filled quickly with bulk inserts: 30 OPDs with a bidang each, N employees (9 in 10 PNS
III/a, 1 in 10 PPPK, a few retired), a year of finished sessions with 0–3 completed
registrations per employee and verified outside learning for about a third — the JP ledger
the recap sums. Then, in a separate process, `training.reports.build_jp_recap` builds the
per-employee XLSX of the current year for Admin BKPP twice: once timed with its queries
counted and the growth of the process's peak RSS (ru_maxrss), once under tracemalloc for the
peak of Python allocations during the build — the figure that shows whether it streams.
Prints the figures per size and the ratio of the largest size's tracemalloc peak to the
smallest's (target ≤ 1.5).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402 (after the path)

OPDS = 30
SESSIONS = 12
CHUNK = 5000
ADMIN = "bench.admin"
MIB = 1024 * 1024


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asn_portal.settings")
    import django

    django.setup()


# ---------------------------------------------------------------------------------------------
# Seeding (child process)
# ---------------------------------------------------------------------------------------------


def seed(size: int, seed_value: int = 2026) -> dict:
    """Fill the (migrated, empty) database with a city of `size` employees and their JP."""
    _django()
    from django.db import transaction
    from django.utils import timezone

    from asn_portal import services
    from asn_portal.models import Employee, EmployeeStatus, EmploymentType, OrgUnitKind, Rank, Role, User
    from training.models import OutsideLearning, OutsideStatus, Program, Registration, RegistrationState, Session

    rng = random.Random(seed_value)
    year = timezone.localdate().year
    started = time.perf_counter()
    with transaction.atomic():
        admin = User.objects.create_user(ADMIN, f"{ADMIN}@example.go.id", "bench")
        services.grant_role(admin, Role.ADMIN_BKPP, by=None)
        units = []
        for index in range(OPDS):
            opd = services.create_org_unit(
                code=f"BENCH-{index:02d}", name=f"Dinas Bench {index:02d}", kind=OrgUnitKind.DINAS, parent=None, by=None
            )
            bidang = services.create_org_unit(
                code=f"BENCH-{index:02d}-B",
                name=f"Bidang Bench {index:02d}",
                kind=OrgUnitKind.BIDANG,
                parent=opd,
                by=None,
            )
            units += [(opd.pk, opd.pk), (bidang.pk, opd.pk)]
        program = Program.objects.create(
            code="BENCH", title="Bimtek Bench", category="bimtek", method="klasikal", default_jp=8, organiser="bkpp"
        )
        sessions = []
        for batch in range(1, SESSIONS + 1):
            ends = dt.date(year, 1, 10) + dt.timedelta(days=batch * 14)
            sessions.append(
                Session.objects.create(
                    program=program,
                    batch=batch,
                    starts_on=ends - dt.timedelta(days=1),
                    ends_on=ends,
                    jp=(4, 8, 12, 16)[batch % 4],
                    capacity=size,
                    registration_opens_on=ends - dt.timedelta(days=30),
                    registration_closes_on=ends - dt.timedelta(days=5),
                    cancellation_deadline=ends - dt.timedelta(days=5),
                    status="finished",
                )
            )
    rank = Rank.objects.get(code="III/a").pk
    born = dt.date(1970, 1, 1)
    for first in range(0, size, CHUNK):
        rows = []
        for index in range(first, min(first + CHUNK, size)):
            unit, opd = units[index % len(units)]
            pppk = index % 10 == 9
            gender = "1" if index % 2 else "2"
            rows.append(
                Employee(
                    nip=f"{born + dt.timedelta(days=index // 999):%Y%m%d}{2015:04d}{21 if pppk else 3:02d}{gender}"
                    f"{index % 999 + 1:03d}",
                    name=f"Pegawai Bench {index:06d}",
                    employment_type=EmploymentType.PPPK if pppk else EmploymentType.PNS,
                    status=EmployeeStatus.PENSIUN if index % 50 == 49 else EmployeeStatus.AKTIF,
                    gender="L" if gender == "1" else "P",
                    born_on=born + dt.timedelta(days=index // 999),
                    unit_id=unit,
                    opd_id=opd,
                    rank_id=None if pppk else rank,
                    pppk_grade=rng.randint(5, 11) if pppk else None,
                )
            )
        Employee.objects.bulk_create(rows, batch_size=500)
    registrations = outside = 0
    ids = list(Employee.objects.order_by("pk").values_list("pk", "opd_id"))
    for first in range(0, len(ids), CHUNK):
        done, learned = [], []
        for pk, opd in ids[first : first + CHUNK]:
            for sess in rng.sample(sessions, rng.choice((0, 1, 1, 2, 3))):
                done.append(Registration(session=sess, employee_id=pk, opd_id=opd, state=RegistrationState.COMPLETED))
            if rng.random() < 0.33:
                ends = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 250))
                learned.append(
                    OutsideLearning(
                        employee_id=pk,
                        opd_id=opd,
                        title="E-learning Bench",
                        organiser="LAN",
                        category="elearning",
                        starts_on=ends,
                        ends_on=ends,
                        jp=rng.choice((2, 4, 8)),
                        certificate="training/outside/bench.pdf",
                        certificate_type="application/pdf",
                        status=OutsideStatus.VERIFIED,
                    )
                )
        Registration.objects.bulk_create(done, batch_size=500)
        OutsideLearning.objects.bulk_create(learned, batch_size=500)
        registrations += len(done)
        outside += len(learned)
    return {
        "employees": size,
        "registrations": registrations,
        "outside": outside,
        "seconds": time.perf_counter() - started,
    }


# ---------------------------------------------------------------------------------------------
# Measuring (child process)
# ---------------------------------------------------------------------------------------------


def measure() -> dict:
    """Build the per-employee recap of the current year twice: timed, then traced."""
    _django()
    import resource
    import tracemalloc

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from asn_portal import permissions
    from asn_portal.models import User
    from training import reports

    admin = User.objects.get(username=ADMIN)
    params = {"year": timezone.localdate().year, "level": "employee", "opd": None, "format": "xlsx"}

    def nothing(done, total):
        return None

    permissions.forget_actor(admin)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryFile() as out, CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        built = reports.build_jp_recap(params, out, nothing, user=admin)
        seconds = time.perf_counter() - started
        out.seek(0, os.SEEK_END)
        size = out.tell()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux

    permissions.forget_actor(admin)
    with tempfile.TemporaryFile() as out:
        tracemalloc.start()
        reports.build_jp_recap(params, out, nothing, user=admin)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {
        "rows": built.rows,
        "seconds": seconds,
        "queries": len(queries.captured_queries),
        "traced_peak": peak,
        "rss_growth": (rss_after - rss_before) * 1024,
        "file_bytes": size,
    }


# ---------------------------------------------------------------------------------------------
# The driver
# ---------------------------------------------------------------------------------------------


def _child(url: str, *args: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "MEDIA_ROOT": tempfile.mkdtemp(prefix="report-bench-")}
    done = subprocess.run(
        [sys.executable, "-m", "bench.report_bench", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"report_bench {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _sizes(values: list[str]) -> list[int]:
    return [int(part) for value in values for part in value.split(",") if part.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["15000,100000"], help="e.g. 15000,100000 or 15000 100000")
    parser.add_argument("--database-url", default="", help="postgres://... (default: a temporary SQLite file)")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.seed is not None:
        print(json.dumps(seed(options.seed)))
        return
    if options.measure:
        print(json.dumps(measure()))
        return

    sizes = _sizes(options.sizes)
    postgres = options.database_url.startswith("postgres")
    print(f"JP recap per employee (XLSX) on {'PostgreSQL' if postgres else 'SQLite'}; a fresh database per size")
    print(
        f"{'employees':>10} {'rows':>8} {'seed s':>7} {'build s':>8} {'queries':>8} {'traced peak MiB':>16} "
        f"{'RSS growth MiB':>15} {'file MiB':>9}"
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="report-bench-") as folder:
        template = Path(folder) / "template.sqlite3"
        if not postgres:
            common.manage(f"sqlite:///{template}", "migrate", "--noinput", "-v0")
        for size in sizes:
            if postgres:
                database = common.Postgres(options.database_url, size)
                url = database.__enter__()
                common.manage(url, "migrate", "--noinput", "-v0")
            else:
                path = Path(folder) / f"bench-{size}.sqlite3"
                shutil.copy(template, path)
                url = f"sqlite:///{path}"
            try:
                seeded = _child(url, "--seed", str(size))
                result = _child(url, "--measure")
            finally:
                if postgres:
                    database.__exit__(None, None, None)
                else:
                    path.unlink(missing_ok=True)
            results.append((size, result))
            print(
                f"{size:>10} {result['rows']:>8} {seeded['seconds']:>7.1f} {result['seconds']:>8.2f} "
                f"{result['queries']:>8} {result['traced_peak'] / MIB:>16.2f} {result['rss_growth'] / MIB:>15.1f} "
                f"{result['file_bytes'] / MIB:>9.2f}",
                flush=True,
            )
    if len(results) > 1:
        (small, first), (large, last) = results[0], results[-1]
        ratio = last["traced_peak"] / first["traced_peak"]
        print(
            f"traced peak memory {large:,} / {small:,} employees: {ratio:.2f} (target <= 1.5); "
            f"queries {first['queries']} and {last['queries']}; "
            f"build time per 1000 rows {last['seconds'] / last['rows'] * 1000:.3f} s vs "
            f"{first['seconds'] / first['rows'] * 1000:.3f} s"
        )


if __name__ == "__main__":
    main()
