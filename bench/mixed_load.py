"""A mixed load for a minute (issue 8, Benchmarks): the training catalogue, a session's page,
registering for a session and "my registrations", by many signed-in employees at once, against
gunicorn. Prints throughput, p50/p95 latency (overall and per kind of request), the answers by
status, and the CPU seconds of each process: every gunicorn worker, the PostgreSQL backends of
the run, and the load generator itself.

    DATABASE_URL=postgres://app:app@127.0.0.1:5433/bench .venv/bin/python bench/mixed_load.py
    ... bench/mixed_load.py --seconds 60 --workers 2 --connections 8 --employees-signed-in 200

On the seeded city (bench/common.seeded_city), `--employees-signed-in` active employees of the
demo city each get a session cookie; `--connections` threads (the Python load generator, one
keep-alive connection each) cycle through the request kinds by weight:

    catalogue          GET  /training/                       4
    session detail     GET  /training/sessions/<open one>/   3
    register           POST /training/sessions/<open one>/register/ (the HTML form)   1
    my registrations   GET  /training/me/                    2

A registration the rules refuse (already registered, not in the target group, closed) answers
400 with the form: an expected answer, counted apart from 5xx. The run writes registrations
into the seeded city (run it after the read-only benchmarks; bench/run_all.py does).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402

WEIGHTS = {"catalogue": 4, "session detail": 3, "register": 1, "my registrations": 2}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=common.database_url_from_env(), help="postgres://...")
    parser.add_argument("--employees", type=int, default=15_000, help="size of the seeded city")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--employees-signed-in", type=int, default=200)
    options = parser.parse_args()
    if not options.database_url:
        print("mixed_load needs PostgreSQL: set DATABASE_URL=postgres://... (the role needs CREATEDB)")
        return 2

    url = common.seeded_city(options.database_url, options.employees)
    common.setup_django(url)
    import logging

    import psutil
    from django.db import connections as db_connections

    from asn_portal.models import Employee, EmployeeStatus
    from training.models import Session, SessionStatus

    logging.disable(logging.INFO)  # one "login succeeded" line per cookie
    rng = random.Random(2026)
    people = list(
        Employee.objects.filter(status=EmployeeStatus.AKTIF, user__isnull=False, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    chosen = rng.sample(people, min(options.employees_signed_in, len(people)))
    cookies = [common.session_cookie(employee.user) for employee in chosen]
    open_sessions = list(Session.objects.filter(status=SessionStatus.OPEN).order_by("pk").values_list("pk", flat=True))
    db_connections.close_all()
    logging.disable(logging.NOTSET)
    if not open_sessions:
        print("error: the seeded city has no open session")
        return 1

    def session_of(i: int) -> int:
        return open_sessions[(i * 7919) % len(open_sessions)]

    kinds = [
        (WEIGHTS["catalogue"], lambda i: ("GET", "/training/", None), "catalogue"),
        (WEIGHTS["session detail"], lambda i: ("GET", f"/training/sessions/{session_of(i)}/", None), "session detail"),
        (
            WEIGHTS["register"],
            lambda i: ("POST", f"/training/sessions/{session_of(i)}/register/", {"motivation": "beban+uji"}),
            "register",
        ),
        (WEIGHTS["my registrations"], lambda i: ("GET", "/training/me/", None), "my registrations"),
    ]
    print(
        f"mixed load: {options.employees:,} employees (seed_demo), {len(cookies)} signed in, {len(open_sessions)} open "
        f"sessions; gunicorn {options.workers} sync workers, DEBUG=0, conn_max_age=600; Python load generator, "
        f"{options.connections} connections, {options.seconds:.0f} s; weights "
        + ", ".join(f"{name} {weight}" for name, weight in WEIGHTS.items())
    )
    with common.Gunicorn(url, workers=options.workers) as server:
        # Warm up: every worker opens its database connection and loads its templates.
        common.mixed_load(server.port, kinds, cookies=cookies, seconds=3, connections=options.connections)
        workers = server.worker_pids()
        backends = common.postgres_backend_pids(url)
        me = psutil.Process(os.getpid())
        before_workers = common.cpu_seconds(workers)
        before_master = common.cpu_seconds([server.process.pid])
        before_backends = common.cpu_seconds(backends)
        before_me = sum(me.cpu_times()[:2])
        started = time.perf_counter()
        result = common.mixed_load(
            server.port, kinds, cookies=cookies, seconds=options.seconds, connections=options.connections
        )
        wall = time.perf_counter() - started
        after_workers = common.cpu_seconds(workers)
        after_master = common.cpu_seconds([server.process.pid])
        after_me = sum(me.cpu_times()[:2])
        backends_now = common.postgres_backend_pids(url)
        after_backends = common.cpu_seconds(set(backends) | set(backends_now))
        log = server.log()

    total = result.total
    print(f"\n{'requests':<18} {'count':>7} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8}  statuses")
    for name, kind in [*result.by_kind.items(), ("all", total)]:
        statuses = ", ".join(f"{status}: {n}" for status, n in sorted(kind.statuses.items()))
        print(
            f"{name:<18} {kind.requests:>7} {kind.requests / wall:>7.1f} {kind.p50_ms:>8.1f} {kind.p95_ms:>8.1f}  {statuses}"
        )
    server_errors = sum(n for status, n in total.statuses.items() if status.startswith("5"))
    print(f"connection errors {total.errors}, 5xx {server_errors}")

    print(f"\nCPU seconds during the {wall:.0f} s run (user + system; 2 cores = {2 * wall:.0f} CPU s available)")
    rows = []
    for pid in workers:
        rows.append((f"gunicorn worker {pid}", after_workers.get(pid, 0) - before_workers.get(pid, 0)))
    rows.append(("gunicorn master", sum(after_master.values()) - sum(before_master.values())))
    backend_cpu = sum(after_backends.get(pid, 0) - before_backends.get(pid, 0) for pid in after_backends)
    rows.append((f"PostgreSQL backends ({len(after_backends)})", backend_cpu))
    rows.append(("load generator (this process)", after_me - before_me))
    for label, seconds in rows:
        print(f"  {label:<34} {seconds:7.1f} s  {seconds / wall * 100:5.0f}% of a core")
    served = max(total.requests, 1)
    app_cpu = sum(after_workers.get(pid, 0) - before_workers.get(pid, 0) for pid in workers)
    print(
        f"  per request: gunicorn {app_cpu / served * 1000:.1f} ms CPU, PostgreSQL {backend_cpu / served * 1000:.1f} ms CPU"
    )
    if server_errors and "Traceback" in log:
        print("gunicorn log (end):\n" + log)
    return 1 if server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
