"""PostgreSQL restarted while people are working (issue 8): every request answered 2xx was
saved, requests during the outage get the friendly 503 (a page, or the API's JSON error), and
the site recovers by itself once PostgreSQL is back, without restarting gunicorn.

Real processes throughout, on a private PostgreSQL cluster so the shared test server is never
disturbed: `initdb` into a temporary folder (as the `postgres` user when running as root,
TOOLCHAIN.md pitfall 8), on a free loopback port; the test database (already migrated by
pytest-django, with this test's data) is copied there with pg_dump | pg_restore, which is much
faster than migrating. gunicorn (2 workers x 2 threads, DEBUG=0, persistent connections as in
production) serves the app against it. Threads mark notifications read the way the navbar bell
does (an htmx POST) and read /api/v1/me/ with a token, while the cluster is stopped with
`pg_ctl stop -m fast`, left down for a few seconds and started again.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from asn_portal.models import Notification, OrgUnitKind
from tests.factories import EmployeeFactory, org_unit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CSRF_SECRET = "outagetestcsrfsecret0123456789ab"  # 32 characters: a valid unmasked CSRF token
OUTAGE_SECONDS = 3


def _pg_bin() -> Path | None:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if candidates:
        return candidates[-1]
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class PrivateCluster:
    """A throwaway PostgreSQL cluster under `folder`, listening on 127.0.0.1:`port` only."""

    def __init__(self, folder: Path, bin_dir: Path):
        self.bin = bin_dir
        self.folder = folder
        self.data = folder / "pgdata"
        self.log = folder / "postgres.log"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:  # initdb and postgres refuse to run as root
            account = pwd.getpwnam("postgres")
            os.chown(folder, account.pw_uid, account.pw_gid)

    def _run(self, *args: str, timeout: float = 60) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=timeout)

    def init(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
            "--no-sync",  # nothing here must survive a crash of the machine
        )  # fmt: skip

    def start(self) -> None:
        # fsync=off only spares the disk: a commit is still written to the WAL before it is
        # acknowledged (synchronous_commit stays on), and a PostgreSQL restart (unlike a
        # crash of the machine) keeps what the operating system holds.
        options = (
            f"-c listen_addresses={HOST} -c port={self.port} -c unix_socket_directories={self.folder}"
            " -c fsync=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def restart(self) -> None:
        # Not `pg_ctl restart`: it would start the server without -l, writing to our pipe.
        self.stop("fast")
        self.start()

    def url(self, database: str) -> str:
        return f"postgresql://postgres@{HOST}:{self.port}/{database}"

    def connect(self, database: str):
        import psycopg2

        return psycopg2.connect(host=HOST, port=self.port, user="postgres", dbname=database)

    def cleanup(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self.stop("immediate")


def _copy_test_database_into(cluster: PrivateCluster, database: str) -> None:
    """pg_dump the test database (migrated, with this test's committed rows) into the cluster."""
    admin = cluster.connect("postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{database}"')
    admin.close()
    s = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": s["PASSWORD"] or ""}
    source = f"postgresql://{s['USER']}@{s['HOST'] or HOST}:{s['PORT'] or 5432}/{s['NAME']}"
    dump = subprocess.Popen(
        [str(cluster.bin / "pg_dump"), "-Fc", "--no-owner", "--no-privileges", "--dbname", source],
        stdout=subprocess.PIPE,
        env=env,
    )
    restore = subprocess.run(
        [
            str(cluster.bin / "pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "-d",
            cluster.url(database),
        ],
        stdin=dump.stdout,
        capture_output=True,
        timeout=120,
    )
    dump.stdout.close()
    assert dump.wait(timeout=60) == 0, "pg_dump of the test database failed"
    assert restore.returncode == 0, restore.stderr.decode()


# --- gunicorn ----------------------------------------------------------------------------------


def _start_gunicorn(folder: Path, database_url: str, port: int) -> subprocess.Popen:
    # Production settings (DEBUG=0), except plain static storage: no collectstatic manifest here.
    (folder / "outage_settings.py").write_text(
        "from asn_portal.settings import *  # noqa: F403\n"
        "STORAGES = {**STORAGES, 'staticfiles': "
        "{'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}}\n"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_ALLOW"))}
    env.pop("REDIS_URL", None)  # tasks in-process, local cache: nothing shared with other tests
    env.update(
        DJANGO_SETTINGS_MODULE="outage_settings",
        PYTHONPATH=os.pathsep.join([str(folder), str(ROOT)]),
        DATABASE_URL=f"{database_url}?conn_max_age=600",  # persistent connections, as in production
        DEBUG="0",
        SECRET_KEY=settings.SECRET_KEY,  # the session below was signed by this process
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        LOG_FORMAT="text",
        PYTHONUNBUFFERED="1",
    )
    command = [
        sys.executable, "-m", "gunicorn", "asn_portal.wsgi:application", "--bind", f"{HOST}:{port}",
        "--workers", "2", "--threads", "2", "--timeout", "60", "--graceful-timeout", "5",
    ]  # fmt: skip
    log = (folder / "gunicorn.log").open("w")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def _wait_for_gunicorn(port: int, server: subprocess.Popen, folder: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited:\n" + (folder / "gunicorn.log").read_text()[-3000:]
        try:
            status, _headers, _body = _request(port, "GET", "/healthz", {})
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("gunicorn did not answer /healthz within 60 s")


def _request(port: int, method: str, path: str, headers: dict, body: str | None = None):
    client = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        client.request(method, path, body=body, headers={"Connection": "close", **headers})
        response = client.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    finally:
        client.close()


# --- The load ------------------------------------------------------------------------------------


@dataclass
class Answer:
    kind: str  # "web" (mark a notification read) or "api" (GET /api/v1/me/)
    notification: int | None
    started: float
    status: int | str  # the HTTP status, or the name of a connection error
    headers: dict
    body: str


class Load:
    def __init__(self, port: int, session_cookie: str, token: str, notifications: list[int]):
        self.port = port
        self.web_headers = {
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session_cookie}; {settings.CSRF_COOKIE_NAME}={CSRF_SECRET}",
            "X-CSRFToken": CSRF_SECRET,
            "HX-Request": "true",  # the navbar bell's "mark as read": answers the bell fragment
            "Content-Type": "application/x-www-form-urlencoded",
        }
        self.api_headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        self.pending = iter(notifications)
        self.lock = threading.Lock()
        self.answers: list[Answer] = []
        self.done = threading.Event()

    def _next(self) -> int | None:
        with self.lock:
            return next(self.pending, None)

    def _record(self, answer: Answer) -> None:
        with self.lock:
            self.answers.append(answer)

    def _call(self, kind, notification, method, path, headers, body=None) -> None:
        started = time.monotonic()
        try:
            status, response_headers, text = _request(self.port, method, path, headers, body)
        except (OSError, http.client.HTTPException) as exc:
            status, response_headers, text = type(exc).__name__, {}, ""
        self._record(Answer(kind, notification, started, status, response_headers, text))

    def web(self) -> None:
        while not self.done.is_set():
            notification = self._next()
            if notification is None:
                return
            self._call("web", notification, "POST", "/notifications/read/", self.web_headers, f"id={notification}")
            time.sleep(0.01)

    def api(self) -> None:
        while not self.done.is_set():
            self._call("api", None, "GET", "/api/v1/me/", self.api_headers)
            time.sleep(0.05)

    def writes_since(self, moment: float) -> int:
        with self.lock:
            return sum(1 for a in self.answers if a.kind == "web" and a.started >= moment and a.status == 200)


def _wait_until(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not condition():
        time.sleep(0.05)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_restart_under_load_loses_no_answered_write_shows_503_and_recovers():
    bin_dir = _pg_bin()
    if bin_dir is None or not (bin_dir / "initdb").exists():
        pytest.skip("needs the PostgreSQL server binaries (initdb, pg_ctl) for a private cluster")

    unit = org_unit("DINKES", "Dinas Kesehatan", OrgUnitKind.DINAS)
    employee = EmployeeFactory(unit=unit, name="Budi Santoso")
    user = employee.user
    now = timezone.now()
    notifications = Notification.objects.bulk_create(
        [Notification(recipient=user, title=f"Pemberitahuan {i}", created_at=now) for i in range(3000)]
    )
    token = Token.objects.create(user=user).key
    browser = Client()
    browser.force_login(user)
    session_cookie = browser.cookies[settings.SESSION_COOKIE_NAME].value

    folder = Path(tempfile.mkdtemp(prefix="sigap-outage-"))
    cluster = PrivateCluster(folder, bin_dir)
    server = None
    try:
        cluster.init()
        cluster.start()
        port = _free_port()
        server = _start_gunicorn(folder, cluster.url("sigap"), port)  # boots while the data is copied
        _copy_test_database_into(cluster, "sigap")
        _wait_for_gunicorn(port, server, folder)
        workers_before = {child.pid for child in psutil.Process(server.pid).children()}

        load = Load(port, session_cookie, token, [n.pk for n in notifications])
        threads = [threading.Thread(target=load.web, daemon=True) for _ in range(3)]
        threads.append(threading.Thread(target=load.api, daemon=True))
        for thread in threads:
            thread.start()
        try:
            started = time.monotonic()
            _wait_until(lambda: load.writes_since(started) >= 30, timeout=10)
            stopping = time.monotonic()
            cluster.stop("fast")  # aborts the transactions in flight, closes every connection
            down = time.monotonic()
            time.sleep(OUTAGE_SECONDS)
            starting = time.monotonic()
            cluster.start()  # -w: returns once it accepts connections
            up = time.monotonic()
            _wait_until(lambda: load.writes_since(up) >= 30, timeout=10)
        finally:
            load.done.set()
            for thread in threads:
                thread.join(timeout=40)
        assert server.poll() is None, "gunicorn died"
        workers_after = {child.pid for child in psutil.Process(server.pid).children()}

        # A quick restart while the site is idle: every worker thread now holds a persistent
        # connection to the old server. Each is health-checked before reuse (CONN_HEALTH_CHECKS),
        # so not one request fails afterwards.
        cluster.restart()
        quiet_restart = [_request(port, "GET", "/api/v1/me/", load.api_headers)[0] for _ in range(12)]

        database = cluster.connect("sigap")
        with database.cursor() as cursor:
            cursor.execute("SELECT id FROM asn_portal_notification WHERE read_at IS NOT NULL")
            read = {row[0] for row in cursor.fetchall()}
        database.close()
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        cluster.cleanup()
        server_log = (folder / "gunicorn.log").read_text() if (folder / "gunicorn.log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)

    answers = load.answers
    web = [a for a in answers if a.kind == "web"]
    api = [a for a in answers if a.kind == "api"]
    statuses = {a.status for a in answers}
    # Only "done" or "unavailable, try again": no 500, no dropped connection, no timeout.
    assert statuses <= {200, 503}, (statuses, server_log[-3000:])

    # Every request answered 2xx is in the database.
    answered = {a.notification for a in web if a.status == 200}
    assert answered <= read, f"answered but not saved: {sorted(answered - read)[:20]}"
    assert any(a.status == 200 for a in web if a.started < stopping), "no write succeeded before the restart"

    # While PostgreSQL was down, every request got the friendly 503.
    during = [a for a in answers if down <= a.started < starting]
    assert during, "no request was made while PostgreSQL was down"
    assert {a.status for a in during} == {503}
    assert {a.kind for a in during} == {"web", "api"}
    assert any(a.status == 503 for a in api) and any(a.status == 200 for a in api)
    for answer in (a for a in answers if a.status == 503):
        assert answer.headers.get("Retry-After"), answer.headers
        assert "Traceback" not in answer.body
        if answer.kind == "api":
            assert '"code":"service_unavailable"' in answer.body.replace(" ", ""), answer.body
        else:
            assert 'data-testid="error-page"' in answer.body and "503" in answer.body, answer.body[:500]

    # Recovered on its own: every request started once PostgreSQL was back succeeded, on the
    # same gunicorn workers (persistent connections are health-checked and reopened).
    after = [a for a in answers if a.started >= up]
    assert len([a for a in after if a.kind == "web"]) >= 30 and any(a.kind == "api" for a in after)
    assert {a.status for a in after} == {200}
    assert workers_after == workers_before
    assert quiet_restart == [200] * len(quiet_restart)

    # The outage is logged once per worker process (not a traceback per request), and its end.
    assert "Traceback" not in server_log, server_log[-3000:]
    assert 1 <= server_log.count("database unavailable") <= 2, server_log[-3000:]
    assert "database available again" in server_log
