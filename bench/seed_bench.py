"""How long `seed_demo` takes for a city of N employees, on a fresh database each time.

    .venv/bin/python bench/seed_bench.py                       # SQLite, N = 2000 and 15000
    .venv/bin/python bench/seed_bench.py --sizes 2000 15000 100000
    .venv/bin/python bench/seed_bench.py --database-url postgres://app:app@127.0.0.1:5433/seedbench

With a PostgreSQL URL, a database named after the URL's plus the size ("seedbench_15000") is
created for each run and dropped afterwards (the role needs CREATEDB). Prints the seconds the
command reports, employees per second, and seconds per 1000 employees relative to the
smallest size (1.0 = scales linearly). Also times the pure generator on its own.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 15000])
    parser.add_argument("--database-url", default="", help="postgres://... (default: a temporary SQLite file)")
    options = parser.parse_args()

    from asn_portal import demo

    backend = "PostgreSQL" if options.database_url.startswith("postgres") else "SQLite"
    print(f"seed_demo on {backend}; each size on a fresh, migrated database")
    print(f"{'employees':>10} {'generate s':>11} {'seed s':>8} {'wall s':>8} {'employees/s':>12} {'s/1000 ratio':>13}")
    baseline = None
    for size in options.sizes:
        started = time.perf_counter()
        demo.build_city(demo.DEFAULT_SEED, size)
        generate = time.perf_counter() - started
        database = (
            common.Postgres(options.database_url, size, "seedbench") if backend == "PostgreSQL" else common.Sqlite()
        )
        with database as url:
            common.manage(url, "migrate", "--noinput", "-v0")
            wall, output = common.manage(url, "seed_demo", "--employees", str(size))
        match = re.search(r"ready in ([\d.]+) s", output)
        seconds = float(match.group(1)) if match else wall
        per_thousand = seconds / size * 1000
        baseline = baseline or per_thousand
        print(
            f"{size:>10} {generate:>11.2f} {seconds:>8.1f} {wall:>8.1f} {size / seconds:>12.0f} "
            f"{per_thousand / baseline:>13.2f}"
        )


if __name__ == "__main__":
    main()
