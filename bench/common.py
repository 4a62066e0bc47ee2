"""What the benchmarks share: throwaway PostgreSQL databases, the seeded demo city, gunicorn
with the production-like settings, signed-in session cookies, load generation with per-request
latency (wrk when installed, else a threaded http.client loop), percentiles, CPU seconds of
processes, and the machine's details for bench/RESULTS.md.

Scripts import it after putting the repository root on sys.path:

    ROOT = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(ROOT))
    from bench import common

Nothing here imports Django at module level: most scripts set DATABASE_URL first.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
TRIVIAL_PATH = "/__bench/trivial/"  # served by bench/wsgi_bench.py
LAYOUT_PATH = "/__bench/layout/"  # an empty page through base.html, also bench/wsgi_bench.py
SECRET_KEY = "bench-only-not-a-secret-" + "x" * 40  # nosec B105: throwaway bench servers only
WRK = shutil.which("wrk")
PGBENCH = shutil.which("pgbench") or next(
    (str(p) for p in sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"), reverse=True)), None
)


# --- Statistics ---------------------------------------------------------------------------------


def percentile(values: Iterable[float], p: float) -> float:
    """The p-th percentile (0-100) by linear interpolation between the nearest ranks."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def best_of(job: Callable, runs: int = 3):
    """(fewest seconds, last result) of `runs` calls of `job`."""
    best, result = None, None
    for _ in range(runs):
        started = time.perf_counter()
        result = job()
        seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
    return best, result


# --- Databases ------------------------------------------------------------------------------------


def database_url_from_env() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else ""


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _admin_sql(url: str, sql: str, fetch: bool = False):
    import psycopg2

    connection = psycopg2.connect(with_database(url, "postgres"))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall() if fetch else None
    finally:
        connection.close()


class Postgres:
    """A throwaway database named after the URL's database plus a suffix ("bench_15000"),
    created empty on entry and dropped on exit (the role needs CREATEDB)."""

    def __init__(self, url: str, suffix: str | int, default: str = "bench"):
        self.name = f"{database_name(url) or default}_{suffix}"
        self.url = with_database(url, self.name)
        self.base_url = url

    def exists(self) -> bool:
        return bool(_admin_sql(self.base_url, f"SELECT 1 FROM pg_database WHERE datname = '{self.name}'", fetch=True))

    def create(self) -> str:
        self.drop()
        _admin_sql(self.base_url, f'CREATE DATABASE "{self.name}"')
        return self.url

    def drop(self) -> None:
        _admin_sql(self.base_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def __enter__(self) -> str:
        return self.create()

    def __exit__(self, *exc) -> None:
        self.drop()


class Sqlite:
    """A throwaway SQLite file, for the benchmarks that also run without PostgreSQL."""

    def __enter__(self) -> str:
        self.directory = tempfile.TemporaryDirectory(prefix="bench-")
        return f"sqlite:///{self.directory.name}/bench.sqlite3"

    def __exit__(self, *exc) -> None:
        self.directory.cleanup()


def manage(database_url: str, *args: str, env: dict | None = None) -> tuple[float, str]:
    """Run manage.py against `database_url` (DEBUG=1, uploads to a throwaway folder);
    returns (seconds, stdout). Exits with the output when it fails."""
    media = tempfile.mkdtemp(prefix="bench-media-")
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1", "MEDIA_ROOT": media, **(env or {})}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


@contextmanager
def fresh_seeded(database_url: str, employees: int, default: str = "bench") -> Iterator[str]:
    """A throwaway database (PostgreSQL when `database_url` is one, else a SQLite file),
    migrated and filled with `seed_demo --employees N`; dropped on exit. The seed-then-measure
    loop of the scaling benchmarks (directory, JP ledger, reminder sweep)."""
    database = Postgres(database_url, employees, default) if database_url.startswith("postgres") else Sqlite()
    with database as url:
        manage(url, "migrate", "--noinput", "-v0")
        manage(url, "seed_demo", "--employees", str(employees))
        yield url


def child_json(script: str, database_url: str, *args: str, env: dict | None = None) -> dict:
    """Run `python script *args` against `database_url` (DEBUG=1, throwaway uploads) and parse
    the JSON object its last output line prints; exits with its output when it fails."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "1",
        "MEDIA_ROOT": tempfile.mkdtemp(prefix="bench-media-"),
        **(env or {}),
    }
    done = subprocess.run(
        [sys.executable, script, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"{Path(script).name} {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def seeded_city(base_url: str, employees: int, log: Callable[[str], None] = print) -> str:
    """The URL of a PostgreSQL database holding `seed_demo --employees N` ("<db>_city_<N>").
    Seeded once and kept, so the page, list and load benchmarks of one run share it; an
    existing database with exactly N employees is reused (after `migrate`). Drop them with
    `drop_seeded_cities` (bench/run_all.py does at the end unless --keep)."""
    database = Postgres(base_url, f"city_{employees}")
    if database.exists():
        manage(database.url, "migrate", "--noinput", "-v0")
        if _employee_count(database.url) == employees:
            log(f"reusing the seeded city {database.name} ({employees:,} employees)")
            return database.url
    database.create()
    manage(database.url, "migrate", "--noinput", "-v0")
    seconds, _out = manage(database.url, "seed_demo", "--employees", str(employees))
    log(f"seeded {database.name}: seed_demo --employees {employees:,} in {seconds:.0f} s")
    return database.url


def _employee_count(url: str) -> int:
    import psycopg2

    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM asn_portal_employee")
            return cursor.fetchone()[0]
    except psycopg2.Error:
        return -1
    finally:
        connection.close()


def drop_seeded_cities(base_url: str) -> list[str]:
    prefix = f"{database_name(base_url) or 'bench'}_city_"
    names = [
        row[0]
        for row in _admin_sql(base_url, "SELECT datname FROM pg_database", fetch=True)
        if row[0].startswith(prefix)
    ]
    for name in names:
        _admin_sql(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return names


# --- Django in this process, with the server's settings ------------------------------------------


def server_env(database_url: str, conn_max_age: int = 600) -> dict:
    """The production-like environment of gunicorn (TOOLCHAIN.md §8): DEBUG off, a secret
    key, the allowed host, persistent database connections; no HTTPS redirects (plain HTTP on
    loopback) and no Celery broker (tasks run in-process as without Redis)."""
    separator = "&" if "?" in database_url else "?"
    return {
        "DATABASE_URL": f"{database_url}{separator}conn_max_age={conn_max_age}",
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        # Redis as cache and broker when BENCH_REDIS_URL names one (as in production; queued
        # tasks wait there, no worker runs them); else per-process memory cache, eager tasks.
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", ""),
        "MEDIA_ROOT": tempfile.mkdtemp(prefix="bench-media-"),
        "STATIC_ROOT": str(STATIC_ROOT),
    }


STATIC_ROOT = Path(tempfile.gettempdir()) / "sigap-bench-static"
_collected = False


def collectstatic(database_url: str) -> None:
    """The hashed static files whitenoise serves with DEBUG=0, into a bench-owned folder
    (once per process; collectstatic only copies what changed)."""
    global _collected
    if not _collected:
        manage(database_url, "collectstatic", "--noinput", "-v0", env=server_env(database_url))
        _collected = True


def setup_django(database_url: str, production_like: bool = True) -> None:
    """Configure Django in this process against `database_url`; with `production_like`, with
    the same settings as the bench gunicorn (so session cookies made here are valid there)."""
    if production_like:
        os.environ.update(server_env(database_url, conn_max_age=0))
    else:
        os.environ.update(DATABASE_URL=database_url, DEBUG="1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asn_portal.settings")
    import django

    django.setup()


def demo_users() -> dict[str, object]:
    """The demo city's accounts by role (Django must be set up): admin, inspektur, operator,
    supervisor, employee (asn_portal.demo's personas)."""
    from asn_portal import demo
    from asn_portal.models import Employee, User

    users = {
        "admin": User.objects.get(username="admin.bkpp"),
        "inspektur": User.objects.get(username="inspektur"),
    }
    for role, persona in (
        ("operator", demo.PERSONA_OPERATOR),
        ("supervisor", demo.PERSONA_SUPERVISOR),
        ("employee", demo.PERSONA_EMPLOYEE),
    ):
        users[role] = Employee.objects.select_related("user").get(nip=persona.nip).user
    return users


def session_cookie(user) -> str:
    """A 'Cookie:' header value signing `user` in (a real session row, as after sign-in),
    with a CSRF cookie whose secret doubles as the form token (see `csrf_token`)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf_token()}"


def csrf_token() -> str:
    """A fixed CSRF secret: Django accepts the unmasked secret as the form's token when it
    equals the cookie's."""
    return "b" * 32


# --- gunicorn ----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Gunicorn:
    """gunicorn serving bench/wsgi_bench.py (the project's application plus one trivial
    signed-in view) with sync workers, production-like settings, no access log."""

    database_url: str
    workers: int = 2
    port: int = field(default_factory=free_port)
    app: str = "bench.wsgi_bench:application"
    extra_env: dict = field(default_factory=dict)
    process: subprocess.Popen | None = None

    def __post_init__(self):
        self.log_path = Path(tempfile.mkdtemp(prefix="bench-gunicorn-")) / "gunicorn.log"

    def start(self, timeout: float = 60) -> Gunicorn:
        collectstatic(self.database_url)
        env = {**os.environ, **server_env(self.database_url), **self.extra_env}
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            self.app,
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
            "--timeout",
            "120",
            "--backlog",
            "2048",
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log_path.open("w"), stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited while starting:\n{self.log()}")
            try:
                status, _body = request(self.port, "GET", "/healthz", timeout=2)
                if status < 500:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer on port {self.port} within {timeout:.0f} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # graceful: workers finish their request
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def worker_pids(self) -> list[int]:
        import psutil

        return [child.pid for child in psutil.Process(self.process.pid).children()]

    def log(self) -> str:
        return self.log_path.read_text()[-3000:] if self.log_path.exists() else ""

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def request(
    port: int, method: str, path: str, *, headers: dict | None = None, body: bytes | None = None, timeout: float = 30
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# --- Load ---------------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    statuses: dict = field(default_factory=dict)
    errors: int = 0
    tool: str = ""

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


_WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, '
    .. '"non2xx3xx": %d, "errors": %d}\\n', summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def load(port: int, path: str, *, cookie: str = "", seconds: float = 10, connections: int = 2) -> LoadResult:
    """Requests to one path for `seconds` over `connections` keep-alive connections; p50/p95
    latency per request. wrk when installed (C, one thread: it costs the server little CPU),
    else the Python client below."""
    if WRK:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(_WRK_SCRIPT)
        command = [
            WRK,
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "-s",
            script.name,
            "--timeout",
            "30s",
        ]
        if cookie:
            command += ["-H", f"Cookie: {cookie}"]
        done = subprocess.run([*command, f"http://{HOST}:{port}{path}"], capture_output=True, text=True, check=False)
        os.unlink(script.name)
        line = next((line for line in done.stdout.splitlines() if line.startswith("WRK ")), None)
        if line is None:
            raise RuntimeError(f"wrk failed:\n{done.stdout}\n{done.stderr}")
        out = json.loads(line[4:])
        return LoadResult(
            requests=out["requests"],
            seconds=out["duration_us"] / 1e6,
            p50_ms=out["p50_us"] / 1000,
            p95_ms=out["p95_us"] / 1000,
            statuses={"4xx/5xx": out["non2xx3xx"]} if out["non2xx3xx"] else {},
            errors=out["errors"],
            tool="wrk",
        )
    result = mixed_load(
        port, [(1, lambda _i: ("GET", path, None))], cookies=[cookie], seconds=seconds, connections=connections
    )
    return result.total


@dataclass
class MixedResult:
    total: LoadResult
    by_kind: dict[str, LoadResult]


def mixed_load(
    port: int,
    kinds: list[tuple],
    *,
    cookies: list[str],
    seconds: float,
    connections: int,
) -> MixedResult:
    """The Python load generator: `connections` threads, each with its own keep-alive
    connection and signed-in cookie (round robin over `cookies`), for `seconds`. `kinds` are
    (weight, make) or (weight, make, name) with make(i) -> (method, path, form body or None);
    each thread cycles through the kinds by weight. Latency per request, by kind and overall."""
    kinds = [kind if len(kind) == 3 else (*kind, "GET") for kind in kinds]
    schedule = [index for index, (weight, *_rest) in enumerate(kinds) for _ in range(weight)]
    records: list[list[tuple[int, float, int]]] = [[] for _ in range(connections)]
    stop_at = time.perf_counter() + seconds
    errors = [0] * connections
    started = time.perf_counter()

    def worker(number: int) -> None:
        cookie = cookies[number % len(cookies)]
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        i = number
        while time.perf_counter() < stop_at:
            kind = schedule[i % len(schedule)]
            method, path, form = kinds[kind][1](i)
            i += connections
            headers = {"Cookie": cookie} if cookie else {}
            body = None
            if form is not None:
                body = "&".join(f"{k}={v}" for k, v in {"csrfmiddlewaretoken": csrf_token(), **form}.items()).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            begun = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                errors[number] += 1
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=60)
                continue
            records[number].append((kind, time.perf_counter() - begun, status))
        connection.close()

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 90)
    elapsed = time.perf_counter() - started
    flat = [record for per_thread in records for record in per_thread]

    def summarise(rows: list[tuple[int, float, int]], errors_: int) -> LoadResult:
        statuses: dict[str, int] = {}
        for _kind, _latency, status in rows:
            statuses[str(status)] = statuses.get(str(status), 0) + 1
        latencies = [latency * 1000 for _kind, latency, _status in rows]
        return LoadResult(
            requests=len(rows),
            seconds=elapsed,
            p50_ms=percentile(latencies, 50),
            p95_ms=percentile(latencies, 95),
            statuses=statuses,
            errors=errors_,
            tool="python http.client",
        )

    by_kind = {kinds[index][2]: summarise([row for row in flat if row[0] == index], 0) for index in range(len(kinds))}
    return MixedResult(total=summarise(flat, sum(errors)), by_kind=by_kind)


# --- CPU of processes -----------------------------------------------------------------------------------


def cpu_seconds(pids: Iterable[int]) -> dict[int, float]:
    """User + system CPU seconds each process has used so far (missing processes: skipped)."""
    import psutil

    out = {}
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
            out[pid] = times.user + times.system
        except psutil.Error:
            continue
    return out


def postgres_backend_pids(database_url: str) -> list[int]:
    """The server processes of the connections to this database (pg_stat_activity)."""
    import psycopg2

    connection = psycopg2.connect(database_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()


# --- The machine -------------------------------------------------------------------------------------------


def machine_info(database_url: str = "") -> dict[str, str]:
    """What a reader needs to compare runs on different machines."""
    import psutil

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpu": cpu,
        "cores": f"{os.cpu_count()} logical ({psutil.cpu_count(logical=False) or '?'} physical)",
        "ram": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
        "load average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "django": _version("django"),
        "gunicorn": _version("gunicorn"),
        "postgresql": _postgres_version(database_url) if database_url else "not used (no DATABASE_URL)",
        "wrk": "yes" if WRK else "no (Python load generator)",
        "git commit": _git_commit(),
    }
    return info


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def _postgres_version(database_url: str) -> str:
    try:
        rows = _admin_sql(database_url, "SHOW server_version", fetch=True)
        return rows[0][0]
    except Exception as exc:
        return f"unknown ({exc.__class__.__name__})"


def _git_commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    commit = git("rev-parse", "--short=12", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return f"{commit}{' + uncommitted changes' if dirty else ''}"


def ratio(value: float, base: float) -> float:
    return value / base if base else math.inf
