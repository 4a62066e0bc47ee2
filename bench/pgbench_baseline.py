"""A PostgreSQL baseline (issue 8, Benchmarks): pgbench's own workloads on the same server, so
the other figures of a run can be compared across machines (a machine whose pgbench is twice
as fast should serve pages faster too).

    DATABASE_URL=postgres://app:app@127.0.0.1:5433/bench .venv/bin/python bench/pgbench_baseline.py
    ... bench/pgbench_baseline.py --scale 10 --clients 4 --threads 2 --seconds 20

In a throwaway database ("<db>_pgbench", dropped afterwards; the role needs CREATEDB):
`pgbench -i -s SCALE` (SCALE x 100,000 accounts), then a select-only run (`-S`) and the
default TPC-B-like run, each with `--clients` connections over `--threads` threads for
`--seconds`. Prints the transactions per second (without the initial connection time) and the
average latency pgbench reports.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402


def _connection_env(url: str) -> tuple[list[str], dict]:
    parts = urlsplit(url)
    args = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U", unquote(parts.username or "")]
    env = {**os.environ, "PGPASSWORD": unquote(parts.password or "")}
    return args, env


def _pgbench(url: str, *args: str) -> str:
    connection, env = _connection_env(url)
    done = subprocess.run(
        [common.PGBENCH, *connection, *args, common.database_name(url)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"pgbench {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout + done.stderr


def _figures(output: str) -> tuple[float, float]:
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", output)
    latency = re.search(r"latency average = ([\d.]+) ms", output)
    return float(tps.group(1)) if tps else float("nan"), float(latency.group(1)) if latency else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=common.database_url_from_env(), help="postgres://...")
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=20)
    options = parser.parse_args()
    if not options.database_url:
        print("pgbench_baseline needs PostgreSQL: set DATABASE_URL=postgres://... (the role needs CREATEDB)")
        return 2
    if not common.PGBENCH:
        print("pgbench not found (on PATH or /usr/lib/postgresql/*/bin): install postgresql-contrib or the server")
        return 2

    with common.Postgres(options.database_url, "pgbench") as url:
        started = time.perf_counter()
        _pgbench(url, "-i", "-q", "-s", str(options.scale))
        initialised = time.perf_counter() - started
        run = ["-c", str(options.clients), "-j", str(options.threads), "-T", str(options.seconds), "-n"]
        select_tps, select_latency = _figures(_pgbench(url, *run, "-S"))
        tpcb_tps, tpcb_latency = _figures(_pgbench(url, *run))

    print(
        f"pgbench ({Path(common.PGBENCH).name} at {common.PGBENCH}): scale {options.scale} "
        f"({options.scale * 100_000:,} accounts, initialised in {initialised:.1f} s), {options.clients} clients, "
        f"{options.threads} threads, {options.seconds} s each"
    )
    print(f"  select-only (-S):  {select_tps:>9,.0f} tps  latency average {select_latency:.3f} ms")
    print(f"  TPC-B-like:        {tpcb_tps:>9,.0f} tps  latency average {tpcb_latency:.3f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
