"""The JP ledger is set-based (issue 4, Performance): the JP of every employee of the city for a
year, and the per-OPD compliance built on it, cost the same number of queries for 2,000 and
15,000 employees, and their time grows with the rows, not with a loop of queries.

    .venv/bin/python bench/jp_ledger_bench.py                      # SQLite, N = 2000 and 15000
    .venv/bin/python bench/jp_ledger_bench.py --database-url postgres://app:app@127.0.0.1:5433/jpbench

Each size gets a fresh, migrated database filled by `seed_demo --employees N` (which writes
several years of training history: completed sessions, verified outside learning). Then, in
a separate process, for the demo's current year: the ledger of everyone
(`training.services.with_jp`), the per-OPD compliance (`training.compliance.by_opd`) and the
at-risk list (`training.compliance.at_risk`), each run three times (the best is kept).
Prints queries, milliseconds, and milliseconds per 1000 employees relative to the smallest
size (1.0 = linear).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402 (after the path)

MEASURED = ("ledger", "by_opd", "at_risk")


def measure() -> dict:
    """Runs inside a process whose DATABASE_URL points at a seeded database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asn_portal.settings")
    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from asn_portal.models import Employee
    from training import compliance, services

    year = timezone.localdate().year
    everyone = Employee.objects.all()
    jobs = {
        "ledger": lambda: sum(1 for _ in services.with_jp(everyone, year).values_list("pk", "jp_total")),
        "by_opd": lambda: len(compliance.by_opd(everyone, year)),
        "at_risk": lambda: sum(1 for _ in compliance.at_risk(everyone, year).values_list("pk", "jp_shortfall")),
    }
    result = {"employees": everyone.count()}
    for name, job in jobs.items():
        best = None
        for _ in range(3):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                rows = job()
                seconds = time.perf_counter() - started
            best = seconds if best is None else min(best, seconds)
        result[name] = {"queries": len(queries.captured_queries), "ms": best * 1000, "rows": rows}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 15000])
    parser.add_argument("--database-url", default="", help="postgres://... (default: a temporary SQLite file)")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        print(json.dumps(measure()))
        return

    backend = "PostgreSQL" if options.database_url.startswith("postgres") else "SQLite"
    print(f"JP ledger on {backend}; each size seeded by seed_demo on a fresh database")
    print(f"{'employees':>10} {'query':>8} {'queries':>8} {'rows':>7} {'ms':>9} {'ms/1000 ratio':>14}")
    baseline: dict[str, float] = {}
    for size in options.sizes:
        with common.fresh_seeded(options.database_url, size) as url:
            result = common.child_json(__file__, url, "--measure")
        employees = result["employees"]
        for name in MEASURED:
            figures = result[name]
            per_thousand = figures["ms"] / employees * 1000
            baseline.setdefault(name, per_thousand)
            print(
                f"{employees:>10} {name:>8} {figures['queries']:>8} {figures['rows']:>7} {figures['ms']:>9.1f} "
                f"{per_thousand / baseline[name]:>14.2f}"
            )


if __name__ == "__main__":
    main()
