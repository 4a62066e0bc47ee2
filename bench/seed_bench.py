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
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _manage(database_url: str, *args: str) -> tuple[float, str]:
    # Uploaded documents the seed writes (pact PDFs) go to a throwaway folder, not ./media.
    media = tempfile.mkdtemp(prefix="seed-bench-media-")
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1", "MEDIA_ROOT": media}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


class _Postgres:
    def __init__(self, url: str, size: int):
        parts = urlsplit(url)
        self.name = f"{parts.path.lstrip('/') or 'seedbench'}_{size}"
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
        self.admin_url = urlunsplit(parts._replace(path="/postgres"))

    def _run(self, sql: str) -> None:
        import psycopg2

        connection = psycopg2.connect(self.admin_url)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql)
        connection.close()

    def __enter__(self) -> str:
        self._run(f'DROP DATABASE IF EXISTS "{self.name}"')
        self._run(f'CREATE DATABASE "{self.name}"')
        return self.url

    def __exit__(self, *exc) -> None:
        self._run(f'DROP DATABASE IF EXISTS "{self.name}"')


class _Sqlite:
    def __enter__(self) -> str:
        self.directory = tempfile.TemporaryDirectory(prefix="seed-bench-")
        return f"sqlite:///{self.directory.name}/bench.sqlite3"

    def __exit__(self, *exc) -> None:
        self.directory.cleanup()


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
        database = _Postgres(options.database_url, size) if backend == "PostgreSQL" else _Sqlite()
        with database as url:
            _manage(url, "migrate", "--noinput", "-v0")
            wall, output = _manage(url, "seed_demo", "--employees", str(size))
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
