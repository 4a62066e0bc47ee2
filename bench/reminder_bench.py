"""A full reminder sweep costs a constant number of queries per reminder kind (issue 7,
Performance): every registered kind is collected and written for a city of 2,000 and of
15,000 employees, on days when each kind has something to say, and the query counts must be
the same for both sizes.

    .venv/bin/python bench/reminder_bench.py                      # SQLite, N = 2000 and 15000
    .venv/bin/python bench/reminder_bench.py --database-url postgres://app:app@127.0.0.1:5433/rembench

Each size gets a fresh, migrated database filled by `seed_demo --employees N`. Then, in a
separate process, every kind runs once for each of the days below (the kinds decide whether a
day concerns them: the LHKPN reminders only from January to March, the JP shortfall from
October). The e-mail task of a run is not executed (it is one task per run; what it costs is
one query per message, in a worker). Prints, per kind: messages written, queries (the
collect, the bulk write and the count), milliseconds, and whether the query count is the same
as at the smallest size ("n/a" where a size had nothing to send: such a run stops after the
collect). On SQLite the bulk insert is split into statements of at most 999
parameters, so its count grows with the messages; on PostgreSQL it is one statement.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402 (after the path)


def _days() -> list[dt.date]:
    today = dt.date.today()
    return [today, dt.date(today.year + 1, 1, 5), dt.date(today.year, 10, 2)]


def measure() -> dict:
    """Runs inside a process whose DATABASE_URL points at a seeded database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asn_portal.settings")
    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from asn_portal import reminders
    from asn_portal.models import Employee

    result = {"employees": Employee.objects.count(), "kinds": {}}
    for kind in reminders.all_kinds():
        figures = {"created": 0, "queries": 0, "ms": 0.0}
        for day in _days():
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                with transaction.atomic():  # the batch e-mail task is queued on commit: drop it
                    run = reminders.run(kind.code, day)
                    transaction.set_rollback(True)
                figures["ms"] += (time.perf_counter() - started) * 1000
            figures["created"] += run.created
            figures["queries"] = max(figures["queries"], len(queries.captured_queries))
        result["kinds"][kind.code] = figures
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
    print(f"Reminder sweep on {backend}; days {', '.join(str(day) for day in _days())}")
    print(f"{'employees':>10} {'kind':<36} {'messages':>9} {'queries':>8} {'ms':>9} {'same queries':>13}")
    baseline: dict[str, tuple[int, int]] = {}  # kind -> (messages, queries) at the first size
    for size in options.sizes:
        with common.fresh_seeded(options.database_url, size) as url:
            result = common.child_json(__file__, url, "--measure", env={"REDIS_URL": ""})
        for code, figures in result["kinds"].items():
            baseline.setdefault(code, (figures["created"], figures["queries"]))
            messages, queries = baseline[code]
            if not (messages and figures["created"]):
                same = "n/a"  # a run with nothing to say stops early: compare runs that wrote messages
            else:
                same = "yes" if figures["queries"] == queries else f"no ({queries})"
            print(
                f"{result['employees']:>10} {code:<36} {figures['created']:>9} {figures['queries']:>8} "
                f"{figures['ms']:>9.1f} {same:>13}"
            )


if __name__ == "__main__":
    main()
