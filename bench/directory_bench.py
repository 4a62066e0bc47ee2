"""How the employee directory scales: the same searches on a small and a large city.

    .venv/bin/python bench/directory_bench.py --database-url postgres://app:app@127.0.0.1:5433/dirbench
    .venv/bin/python bench/directory_bench.py --sizes 2000 15000          # SQLite (no trigram index)

For each size a throwaway database is created (PostgreSQL: "<name>_<size>", dropped after;
SQLite: a temporary file), migrated and seeded with `seed_demo --employees N`. Then, signed in
as Admin BKPP, it times full directory pages (search by name fragment, by NIP prefix, by OPD
filter, page 1 and a deep page) through Django's test client, median of several runs.

It prints milliseconds per request and the ratio large/small for each search: with the
trigram and btree indexes the ratio stays far below the ratio of city sizes (a full scan
would grow with it). On PostgreSQL it also prints, for the name search, the ratio of a
forced sequential scan to the indexed plan.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402 (after the path)

SEARCHES = {
    "name fragment 'wati'": {"q": "wati"},
    "two words 'sri wahyu'": {"q": "sri wahyu"},
    "NIP prefix '1985'": {"q": "1985"},
    "OPD filter (first OPD)": {"opd": "__first_opd__"},
    "page 1, 25 rows": {},
    "page 40, 25 rows": {"page": "40"},
}

_PROBE = r"""
import json, os, statistics, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asn_portal.settings")
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
setup_test_environment()  # so responses carry their template context
from asn_portal.models import OrgUnit, User
searches = json.loads(os.environ["BENCH_SEARCHES"])
repeat = int(os.environ["BENCH_REPEAT"])
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(User.objects.get(username="admin.bkpp"))
first_opd = str(OrgUnit.objects.opds().order_by("name").values_list("pk", flat=True).first())
out = {}
for label, params in searches.items():
    params = {k: (first_opd if v == "__first_opd__" else v) for k, v in params.items()}
    client.get("/employees/", params)  # warm up
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/employees/", params)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    out[label] = {"ms": statistics.median(timings), "queries": len(queries),
                  "rows": response.context["page"].paginator.count}
if connection.vendor == "postgresql":
    from asn_portal.models import Employee
    sql, sql_params = Employee.objects.filter(name__icontains="wati").query.sql_with_params()
    def run(seqscan):
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = " + ("on" if seqscan else "off"))
            cursor.execute("SET enable_bitmapscan = " + ("off" if seqscan else "on"))
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, sql_params)
            return cursor.fetchone()[0][0]["Execution Time"]
    indexed = statistics.median(run(False) for _ in range(repeat))
    scanned = statistics.median(run(True) for _ in range(repeat))
    out["_plan"] = {"indexed_ms": indexed, "seqscan_ms": scanned}
print("BENCH" + json.dumps(out))
"""


def _probe(database_url: str, repeat: int) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "1",
        "BENCH_SEARCHES": json.dumps(SEARCHES),
        "BENCH_REPEAT": str(repeat),
    }
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"probe failed:\n{done.stdout}\n{done.stderr}")
    line = next(line for line in done.stdout.splitlines() if line.startswith("BENCH"))
    return json.loads(line[len("BENCH") :])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[2000, 15000], metavar=("SMALL", "LARGE"))
    parser.add_argument("--database-url", default="", help="postgres://... (default: a temporary SQLite file)")
    parser.add_argument("--repeat", type=int, default=7)
    options = parser.parse_args()

    results = {}
    for size in options.sizes:
        started = time.perf_counter()
        with common.fresh_seeded(options.database_url, size) as url:
            print(f"migrated and seeded {size:>7} employees in {time.perf_counter() - started:6.1f} s")
            results[size] = _probe(url, options.repeat)

    small, large = options.sizes
    print(f"\n{'search':<28} {'rows S':>7} {'rows L':>7} {'ms S':>8} {'ms L':>8} {'ratio':>6} {'queries':>8}")
    for label in SEARCHES:
        s, big = results[small][label], results[large][label]
        print(
            f"{label:<28} {s['rows']:>7} {big['rows']:>7} {s['ms']:>8.1f} {big['ms']:>8.1f} "
            f"{big['ms'] / s['ms']:>6.2f} {s['queries']:>3}/{big['queries']:<4}"
        )
    print(f"city size ratio: {large / small:.1f} (a response-time ratio well below this means the page scales)")
    if "_plan" in results[large]:
        plan = results[large]["_plan"]
        print(
            f"name search at {large}: indexed {plan['indexed_ms']:.2f} ms, forced seq scan "
            f"{plan['seqscan_ms']:.2f} ms, ratio {plan['seqscan_ms'] / max(plan['indexed_ms'], 1e-6):.1f}x"
        )
    _ = statistics  # used in the probe


if __name__ == "__main__":
    main()
