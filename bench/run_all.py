"""Run every benchmark and print their reports (`make bench`). Each script prints ratios, not
verdicts: numbers depend on the machine; the ratios tell whether the design scales.

    .venv/bin/python bench/run_all.py                 # SQLite
    DATABASE_URL=postgres://... .venv/bin/python bench/run_all.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    pg = ["--database-url", database_url] if database_url.startswith("postgres") else []
    runs = [
        ("employee import, 15,000 rows", ["bench/import_bench.py"]),
        ("seed_demo, 2,000 and 15,000 employees", ["bench/seed_bench.py", *pg]),
        ("directory search, 2,000 vs 15,000 employees", ["bench/directory_bench.py", *pg]),
        ("JP ledger and compliance, 2,000 vs 15,000 employees", ["bench/jp_ledger_bench.py", *pg]),
        ("JP recap XLSX, 15,000 and 100,000 employees", ["bench/report_bench.py", *pg]),
        ("reminder sweep, 2,000 vs 15,000 employees", ["bench/reminder_bench.py", *pg]),
    ]
    if pg:  # row locks under real concurrency: PostgreSQL only
        runs.append(("registration burst, 500 requests for 30 seats", ["bench/registration_burst.py", *pg]))
        runs.append(("promotion eligibility, 100,000 employees", ["bench/eligibility_bench.py", *pg]))
    failed = 0
    for title, command in runs:
        print(f"\n=== {title} ===", flush=True)
        failed += subprocess.run([sys.executable, *command], cwd=ROOT, check=False).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
