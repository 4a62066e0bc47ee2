"""Run every benchmark and append their reports to bench/RESULTS.md (`make bench`).

    DATABASE_URL=postgres://app:app@127.0.0.1:5433/bench .venv/bin/python bench/run_all.py
    DATABASE_URL=... .venv/bin/python bench/run_all.py --quick          # the 15,000 size only
    DATABASE_URL=... .venv/bin/python bench/run_all.py --only page_overhead list_queries
    make bench BENCH_ARGS=--quick

Each script prints ratios and hard counts measured side by side in one run, not verdicts
against absolute times: numbers depend on the machine; the ratios tell whether the design
holds. The output of every script is shown as it runs and appended, with the machine's
details (CPU, cores, RAM, Python, Django, PostgreSQL, git commit, date) and the pgbench
baseline, as one dated section of bench/RESULTS.md (--no-record: print only).

Most benchmarks need PostgreSQL (DATABASE_URL=postgres://...; the role needs CREATEDB: every
script works in databases named after DATABASE_URL's plus a suffix and drops them). Without
it, only the import and report benchmarks run, on SQLite. The seeded demo city the page, list
and load benchmarks share ("<db>_city_15000") is dropped at the end unless --keep.
BENCH_REDIS_URL=redis://.../<n> makes the bench gunicorn use Redis as cache and broker, as in
production.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
HEADER = """# Benchmark results

Appended by `make bench` (bench/run_all.py), one section per run, newest last. Each section
starts with the machine and its PostgreSQL baseline (pgbench), then every benchmark's own
output. How to read them:

- The figures are **ratios and hard counts measured side by side in the same run** (a page
  against a trivial view through the same server, the set-based query against a hand-written
  one, bulk against row-by-row, the large size against the small one). Absolute times depend
  on the machine and on what else it was doing — compare them across runs only together with
  the pgbench line and the load average.
- Targets (issue 8): page latency at most 3x a trivial signed-in view (p50 and p95); list
  query counts identical at page sizes 10, 50 and 200; eligibility at most 2x one hand-written
  query with identical sets; a registration burst confirms exactly the seats with no 5xx in
  every round; the XLSX report's memory flat from 15,000 to 100,000 rows; the import well
  within 60 s for 15,000 rows.
- "quick" runs use the 15,000-employee size only; full runs add 100,000 where it finishes in
  minutes (eligibility, the XLSX report) and the older scaling benchmarks (seed, directory,
  JP ledger, reminder sweep: 2,000 against 15,000).
- Where a target is missed, the section's notes say why (EXPLAIN, query counts) and what was
  or was not changed.
"""


@dataclass
class Bench:
    key: str
    title: str
    script: str
    quick: list[str]
    full: list[str]
    postgres: bool = True
    full_only: bool = False


def benches(database_url: str) -> list[Bench]:
    db = ["--database-url", database_url] if database_url else []
    return [
        Bench("pgbench_baseline", "PostgreSQL baseline (pgbench)", "pgbench_baseline.py", ["--seconds", "10"], []),
        Bench(
            "list_queries",
            "List query counts at page sizes 10, 50 and 200",
            "list_queries.py",
            ["--employees", "15000"],
            ["--employees", "15000"],
        ),
        Bench(
            "page_overhead",
            "Page overhead against a trivial signed-in view",
            "page_overhead.py",
            ["--employees", "15000", "--seconds", "10"],
            ["--employees", "15000", "--seconds", "20"],
        ),
        Bench(
            "mixed_load",
            "Mixed load for 60 s (catalogue, session, register, my registrations)",
            "mixed_load.py",
            ["--employees", "15000", "--seconds", "60"],
            ["--employees", "15000", "--seconds", "60"],
        ),
        Bench(
            "registration_burst",
            "Registration burst: 500 concurrent requests for 30 seats",
            "registration_burst.py",
            [*db, "--rounds", "10"],
            [*db, "--rounds", "10"],
        ),
        Bench(
            "eligibility",
            "Promotion eligibility against one hand-written SQL query",
            "eligibility_bench.py",
            [*db, "--employees", "15000", "--sample", "500"],
            [*db, "--employees", "100000"],
        ),
        Bench(
            "report",
            "JP recap XLSX: time and memory",
            "report_bench.py",
            [*db, "--sizes", "15000"],
            [*db, "--sizes", "15000,100000"],
            postgres=False,
        ),
        Bench(
            "import",
            "Employee import of 15,000 rows against row-by-row saves",
            "import_bench.py",
            ["--rows", "15000"],
            ["--rows", "15000"],
            postgres=False,
        ),
        # The same three at 100,000 employees (the full run only: seeding takes ~20 minutes).
        Bench(
            "list_queries_100k",
            "List query counts at page sizes 10, 50 and 200 (100,000 employees)",
            "list_queries.py",
            [],
            ["--employees", "100000"],
            full_only=True,
        ),
        Bench(
            "page_overhead_100k",
            "Page overhead against a trivial signed-in view (100,000 employees)",
            "page_overhead.py",
            [],
            ["--employees", "100000", "--seconds", "20"],
            full_only=True,
        ),
        Bench(
            "mixed_load_100k",
            "Mixed load for 60 s (100,000 employees)",
            "mixed_load.py",
            [],
            ["--employees", "100000", "--seconds", "60"],
            full_only=True,
        ),
        Bench("seed", "seed_demo, 2,000 and 15,000 employees", "seed_bench.py", [], db, full_only=True),
        Bench("directory", "Directory search, 2,000 vs 15,000", "directory_bench.py", [], db, full_only=True),
        Bench("jp_ledger", "JP ledger and compliance, 2,000 vs 15,000", "jp_ledger_bench.py", [], db, full_only=True),
        Bench("reminder", "Reminder sweep, 2,000 vs 15,000", "reminder_bench.py", [], db, full_only=True),
    ]


def run(bench: Bench, args: list[str], env: dict) -> tuple[int, float, str]:
    """Run one script, echoing its output as it comes; returns (exit code, seconds, output)
    without the application's JSON log lines."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / bench.script), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    kept = []
    for line in process.stdout:
        if line.startswith('{"time":'):  # the application's structured log (sign-ins, warnings)
            continue
        print(line, end="", flush=True)
        kept.append(line)
    code = process.wait()
    return code, time.perf_counter() - started, "".join(kept)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the 15,000 size only")
    parser.add_argument("--only", nargs="+", metavar="KEY", help="run only these (keys: see --list)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--keep", action="store_true", help="keep the seeded city databases")
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--note", default="", help="a line to record with the run (what changed, why)")
    options = parser.parse_args()

    database_url = common.database_url_from_env()
    plan = benches(database_url)
    if options.list:
        for bench in plan:
            print(f"{bench.key:<20} {bench.title}{' (full runs only)' if bench.full_only else ''}")
        return 0
    if options.only:
        unknown = set(options.only) - {bench.key for bench in plan}
        if unknown:
            parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))} (see --list)")
        plan = [bench for bench in plan if bench.key in options.only]
    elif options.quick:
        plan = [bench for bench in plan if not bench.full_only]
    skipped = []
    if not database_url:
        print(
            "DATABASE_URL is not set to a PostgreSQL URL: running only the benchmarks that work on SQLite "
            "(import, report). For all of them:\n"
            "  make bench DATABASE_URL=postgres://USER:PASS@HOST:PORT/NAME   (the role needs CREATEDB)\n"
        )
        skipped = [bench.title for bench in plan if bench.postgres]
        plan = [bench for bench in plan if not bench.postgres]

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    machine = common.machine_info(database_url)
    mode = "quick" if options.quick else "full"
    print(f"benchmarks ({mode}):")
    for key, value in machine.items():
        print(f"  {key}: {value}")

    outcomes = []
    try:
        for bench in plan:
            args = bench.quick if options.quick else bench.full
            print(f"\n=== {bench.title} ===", flush=True)
            code, seconds, output = run(bench, args, env)
            outcomes.append((bench, args, code, seconds, output))
            print(f"--- exit {code}, {seconds:.0f} s", flush=True)
    finally:
        if database_url and not options.keep:
            dropped = common.drop_seeded_cities(database_url)
            if dropped:
                print(f"\ndropped the seeded cities: {', '.join(dropped)}")

    if not options.no_record:
        record(options.results, mode, machine, outcomes, skipped, options.note)
        print(
            f"\nappended to {options.results.relative_to(ROOT) if options.results.is_relative_to(ROOT) else options.results}"
        )
    return 1 if any(code for _b, _a, code, _s, _o in outcomes) else 0


def record(path: Path, mode: str, machine: dict, outcomes: list, skipped: list[str], note: str) -> None:
    lines = []
    if not path.exists():
        lines.append(HEADER)
    lines.append(f"\n## {machine['date']} — {mode} run — {machine['git commit']}\n")
    if note:
        lines.append(f"{note}\n")
    lines.append("| machine | |\n|---|---|")
    lines += [f"| {key} | {value} |" for key, value in machine.items()]
    lines.append("\n| benchmark | command | exit | seconds |\n|---|---|---|---|")
    for bench, args, code, seconds, _output in outcomes:
        shown = " ".join(arg for arg in args if not arg.startswith("postgres"))
        shown = shown.replace("--database-url ", "")
        lines.append(f"| {bench.title} | `bench/{bench.script} {shown}`".rstrip() + f" | {code} | {seconds:.0f} |")
    for title in skipped:
        lines.append(f"| {title} | skipped: needs PostgreSQL | | |")
    for bench, _args, code, _seconds, output in outcomes:
        lines.append(f"\n### {bench.title}{'' if code == 0 else f' (exit {code})'}\n")
        lines.append("```text\n" + output.rstrip() + "\n```")
    with path.open("a", encoding="utf-8") as results:
        results.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
