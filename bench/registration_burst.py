"""No overbooking under a burst (issue 4, part 4): many employees register at the same moment,
over HTTP, against gunicorn, for one session with few seats.

    .venv/bin/python bench/registration_burst.py --database-url postgres://app:app@127.0.0.1:5433/burstbench
    .venv/bin/python bench/registration_burst.py --database-url postgres://... --requests 500 --seats 30 --workers 4

A throwaway PostgreSQL database (the URL's name plus "_burst"; the role needs CREATEDB) is
created, migrated and dropped afterwards. In it: one open session with `--seats` seats, no
supervisor's approval and automatic confirmation, and `--requests` employees with accounts
and API tokens (inserted in bulk). gunicorn serves the project's WSGI application with
`--workers` sync workers on a free loopback port; `--requests` threads (a barrier releases
them together) each POST /api/v1/training/registrations/ once with their own token, using
http.client from the standard library. Every request goes to 127.0.0.1 only, each with a
timeout, and the run stops by itself.

Prints what the responses said (by status, with the registration state of each 201), the
wall time and requests per second, what the database holds afterwards, and the invariant as
ratios: exactly the seats confirmed, everybody else waitlisted, no 5xx. Exits 1 when the
invariant does not hold.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ENDPOINT = "/api/v1/training/registrations/"
HOST = "127.0.0.1"


# --- The throwaway database -----------------------------------------------------------------------


class _Postgres:
    def __init__(self, url: str):
        parts = urlsplit(url)
        self.name = f"{parts.path.lstrip('/') or 'burstbench'}_burst"
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
        self._run(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


# --- Data: one session, many employees with tokens -----------------------------------------------


def prepare(employees: int, seats: int) -> tuple[int, list[str]]:
    """Create the session and the employees (bulk); return the session id and the tokens."""
    from django.contrib.auth.hashers import make_password
    from rest_framework.authtoken.models import Token

    from asn_portal import services as core
    from asn_portal.models import Employee, EmployeeStatus, EmploymentType, OrgUnitKind, User
    from training import services
    from training.models import ConfirmationMode, Program, SessionStatus

    today = dt.date.today()
    unit = core.create_org_unit(code="BENCH", name="Dinas Uji Beban", kind=OrgUnitKind.DINAS, parent=None, by=None)
    program = services.save_program(
        Program(
            code="BENCH-BURST",
            title="Bimtek Uji Beban Pendaftaran",
            category="bimtek",
            method="klasikal",
            default_jp=8,
            organiser="bkpp",
        ),
        by=None,
    )
    session = services.create_session(
        program=program,
        by=None,
        starts_on=today + dt.timedelta(days=14),
        ends_on=today + dt.timedelta(days=14),
        capacity=seats,
        registration_opens_on=today - dt.timedelta(days=1),
        registration_closes_on=today + dt.timedelta(days=7),
        cancellation_deadline=today + dt.timedelta(days=7),
        approval_required=False,
        confirmation_mode=ConfirmationMode.AUTOMATIC,
    )
    services.set_session_status(session, SessionStatus.OPEN, by=None, today=today)

    unusable = make_password(None)
    born = [dt.date(1980, 1, 1) + dt.timedelta(days=i) for i in range(employees)]
    nips = [f"{day:%Y%m%d}201503{1 + i % 2}{1 + i % 999:03d}" for i, day in enumerate(born)]
    users = User.objects.bulk_create(
        [User(username=nip, first_name=f"Peserta {i + 1}", password=unusable) for i, nip in enumerate(nips)]
    )
    Employee.objects.bulk_create(
        [
            Employee(
                nip=nip,
                name=f"Peserta {i + 1}",
                employment_type=EmploymentType.PNS,
                status=EmployeeStatus.AKTIF,
                gender="L" if nip[14] == "1" else "P",
                born_on=born[i],
                unit=unit,
                opd=unit,
                cpns_tmt_on=dt.date(2015, 3, 1),
                user=user,
            )
            for i, (nip, user) in enumerate(zip(nips, users, strict=True))
        ],
        batch_size=1000,
    )
    tokens = Token.objects.bulk_create([Token(user=user, key=Token.generate_key()) for user in users])
    return session.pk, [token.key for token in tokens]


def database_outcome(session_id: int) -> tuple[Counter, int, int]:
    from training.models import Registration, Session

    session = Session.objects.get(pk=session_id)
    states = Counter(Registration.objects.filter(session=session).values_list("state", flat=True))
    return states, session.confirmed_count, session.capacity


# --- gunicorn --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_gunicorn(database_url: str, port: int, workers: int, log_path: Path) -> subprocess.Popen:
    # Persistent connections, as in production (TOOLCHAIN.md: a new one per request costs
    # several times the request).
    separator = "&" if "?" in database_url else "?"
    env = {
        **os.environ,
        "DATABASE_URL": f"{database_url}{separator}conn_max_age=60",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-registration-burst-not-a-secret",
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "asn_portal.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "120",
        "--backlog",
        "2048",
    ]
    log = log_path.open("w")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_until_up(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited while starting")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on port {port} within {timeout:.0f} s")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()  # graceful: workers finish their request
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


# --- The burst -------------------------------------------------------------------------------------


def burst(port: int, session_id: int, tokens: list[str], timeout: float) -> tuple[list[tuple], float]:
    """One thread per token; a barrier releases them together. Returns (status or error,
    state) per request and the wall time from the release to the last answer."""
    body = json.dumps({"session_id": session_id}).encode()
    results: list[tuple] = [("not sent", None)] * len(tokens)
    barrier = threading.Barrier(len(tokens) + 1)

    def register(index: int, token: str) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
        try:
            barrier.wait(timeout=60)
            connection.request(
                "POST",
                ENDPOINT,
                body=body,
                headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
            )
            response = connection.getresponse()
            payload = response.read()
            state = None
            if response.status == 201:
                state = _state(json.loads(payload))
            results[index] = (response.status, state)
        except (OSError, http.client.HTTPException, threading.BrokenBarrierError, ValueError) as exc:
            results[index] = (type(exc).__name__, None)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(i, token), daemon=True) for i, token in enumerate(tokens)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=60)
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout + 5)
    return results, time.perf_counter() - started


def _state(payload: dict) -> str | None:
    state = payload.get("state")
    if isinstance(state, dict):  # {"value": ..., "label": ...}
        return state.get("value") or state.get("code")
    return state


# --- Report ------------------------------------------------------------------------------------------


def ratio(part: int, whole: int) -> str:
    return f"{part}/{whole} = {part / whole:.2f}" if whole else f"{part}/0"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""), help="postgres://...")
    parser.add_argument("--requests", type=int, default=500, help="employees registering at once (default 500)")
    parser.add_argument("--seats", type=int, default=30, help="seats of the session (default 30)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds a request may take (default 120)")
    options = parser.parse_args()
    if not options.database_url.startswith("postgres"):
        print(
            "registration_burst needs PostgreSQL (row locks under real concurrency): pass --database-url postgres://..."
        )
        return 2
    if not 0 < options.seats <= options.requests:
        parser.error("--seats must be between 1 and --requests")

    with _Postgres(options.database_url) as url:
        os.environ.update(DATABASE_URL=url, DEBUG="1")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asn_portal.settings")
        import django
        from django.core.management import call_command
        from django.db import connections

        django.setup()
        started = time.perf_counter()
        call_command("migrate", "--noinput", verbosity=0)
        migrated = time.perf_counter() - started
        session_id, tokens = prepare(options.requests, options.seats)
        prepared = time.perf_counter() - started - migrated
        connections.close_all()
        print(
            f"registration burst: {options.requests} employees, {options.seats} seats, gunicorn with "
            f"{options.workers} sync workers, PostgreSQL (migrate {migrated:.1f} s, data {prepared:.1f} s)"
        )

        port = free_port()
        with tempfile.TemporaryDirectory(prefix="burst-") as folder:
            log_path = Path(folder) / "gunicorn.log"
            server = start_gunicorn(url, port, options.workers, log_path)
            try:
                wait_until_up(port, server)
                results, wall = burst(port, session_id, tokens, options.timeout)
            except RuntimeError as exc:
                stop(server)
                print(f"error: {exc}\n{log_path.read_text()[-3000:]}")
                return 1
            finally:
                stop(server)
            server_log = log_path.read_text()

        statuses = Counter(status for status, _state in results)
        answered = Counter(state for status, state in results if status == 201)
        server_errors = sum(n for status, n in statuses.items() if isinstance(status, int) and status >= 500)
        other = {status: n for status, n in statuses.items() if status != 201}
        states, confirmed_count, capacity = database_outcome(session_id)
        connections.close_all()

    confirmed, waitlisted = states["confirmed"], states["waitlisted"]
    expected_waitlist = options.requests - options.seats
    print(f"{'responses':<22} " + ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items(), key=str)))
    print(f"{'201 said':<22} confirmed {answered['confirmed']}, waitlisted {answered['waitlisted']}")
    print(f"{'errors (non-2xx)':<22} {sum(other.values())} {other or ''}".rstrip())
    print(f"{'5xx':<22} {server_errors}")
    print(f"{'wall time':<22} {wall:.2f} s ({options.requests / wall:.0f} requests/s)")
    print(
        f"{'database':<22} confirmed {confirmed}, waitlisted {waitlisted}, other {sum(states.values()) - confirmed - waitlisted}; "
        f"seats taken {confirmed_count} of {capacity}"
    )
    holds = (
        confirmed == options.seats
        and confirmed_count == options.seats
        and waitlisted == expected_waitlist
        and server_errors == 0
    )
    print(
        f"invariant: confirmed/seats {ratio(confirmed, options.seats)}, "
        f"waitlisted/(requests - seats) {ratio(waitlisted, expected_waitlist)}, "
        f"seats taken/seats {ratio(confirmed_count, capacity)}, 5xx {server_errors} -> {'OK' if holds else 'BROKEN'}"
    )
    if not holds and "Traceback" in server_log:
        print("gunicorn log (end):\n" + server_log[-3000:])
    return 0 if holds else 1


if __name__ == "__main__":
    sys.exit(main())
