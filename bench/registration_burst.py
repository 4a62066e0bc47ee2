"""No overbooking under a burst (issue 4, part 4): many employees register at the same moment,
over HTTP, against gunicorn, for one session with few seats.

    .venv/bin/python bench/registration_burst.py --database-url postgres://app:app@127.0.0.1:5433/burstbench
    .venv/bin/python bench/registration_burst.py --database-url postgres://... --requests 500 --seats 30 --workers 4
    .venv/bin/python bench/registration_burst.py --database-url postgres://... --rounds 10

A throwaway PostgreSQL database (the URL's name plus "_burst"; the role needs CREATEDB) is
created, migrated and dropped afterwards. In it: `--requests` employees with accounts and API
tokens (inserted in bulk) and, for each of `--rounds` rounds, a new open session with `--seats`
seats, no supervisor's approval and automatic confirmation. gunicorn serves the project's WSGI application with
`--workers` sync workers on a free loopback port; `--requests` threads (a barrier releases
them together) each POST /api/v1/training/registrations/ once with their own token, using
http.client from the standard library. Every request goes to 127.0.0.1 only, each with a
timeout, and the run stops by itself.

Prints one line per round: the 201 answers, what the database holds afterwards (confirmed,
waitlisted, seats taken), the non-2xx and 5xx answers, the drain time (from the release to the
last answer) and requests per second; then the invariant over all rounds: exactly the seats
confirmed, everybody else waitlisted, no 5xx. Exits 1 when it does not hold in some round.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402

ENDPOINT = "/api/v1/training/registrations/"
HOST = common.HOST


# --- Data: one session, many employees with tokens -----------------------------------------------


def prepare(employees: int) -> list[str]:
    """Create the employees with accounts and API tokens (bulk); return the tokens."""
    from django.contrib.auth.hashers import make_password
    from rest_framework.authtoken.models import Token

    from asn_portal import services as core
    from asn_portal.models import Employee, EmployeeStatus, EmploymentType, OrgUnitKind, User

    unit = core.create_org_unit(code="BENCH", name="Dinas Uji Beban", kind=OrgUnitKind.DINAS, parent=None, by=None)
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
    return [token.key for token in tokens]


def open_session(seats: int, round_number: int) -> int:
    """A new programme with one open session of `seats` seats, no supervisor's approval and
    automatic confirmation (a new one per round, so every employee may register again)."""
    from training import services
    from training.models import ConfirmationMode, Program, SessionStatus

    today = dt.date.today()
    # A day of its own per round: whoever got a seat in an earlier round may not attend two
    # sessions on the same day.
    day = today + dt.timedelta(days=14 + round_number)
    program = services.save_program(
        Program(
            code=f"BENCH-BURST-{round_number}",
            title=f"Bimtek Uji Beban Pendaftaran {round_number}",
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
        starts_on=day,
        ends_on=day,
        capacity=seats,
        registration_opens_on=today - dt.timedelta(days=1),
        registration_closes_on=today + dt.timedelta(days=7),
        cancellation_deadline=today + dt.timedelta(days=7),
        approval_required=False,
        confirmation_mode=ConfirmationMode.AUTOMATIC,
    )
    services.set_session_status(session, SessionStatus.OPEN, by=None, today=today)
    return session.pk


def database_outcome(session_id: int) -> tuple[Counter, int, int]:
    from training.models import Registration, Session

    session = Session.objects.get(pk=session_id)
    states = Counter(Registration.objects.filter(session=session).values_list("state", flat=True))
    return states, session.confirmed_count, session.capacity


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
    parser.add_argument("--rounds", type=int, default=1, help="bursts, each for a new session (default 1)")
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

    expected_waitlist = options.requests - options.seats
    rounds = []
    with common.Postgres(options.database_url, "burst", default="burstbench") as url:
        common.setup_django(url, production_like=False)
        from django.core.management import call_command
        from django.db import connections

        started = time.perf_counter()
        call_command("migrate", "--noinput", verbosity=0)
        migrated = time.perf_counter() - started
        tokens = prepare(options.requests)
        sessions = [open_session(options.seats, number + 1) for number in range(options.rounds)]
        prepared = time.perf_counter() - started - migrated
        connections.close_all()
        print(
            f"registration burst: {options.requests} employees, {options.seats} seats, {options.rounds} round(s) "
            f"(a new session each), gunicorn with {options.workers} sync workers, PostgreSQL "
            f"(migrate {migrated:.1f} s, data {prepared:.1f} s)"
        )
        server = common.Gunicorn(url, workers=options.workers, app="asn_portal.wsgi:application")
        try:
            server.start()
            for session_id in sessions:
                results, wall = burst(server.port, session_id, tokens, options.timeout)
                states, confirmed_count, capacity = database_outcome(session_id)
                connections.close_all()
                rounds.append((results, wall, states, confirmed_count, capacity))
        except RuntimeError as exc:
            print(f"error: {exc}")
            return 1
        finally:
            server.stop()
        server_log = server.log()
        connections.close_all()

    print(
        f"{'round':>5} {'201':>5} {'confirmed':>9} {'waitlisted':>10} {'seats taken':>11} {'non-2xx':>7} {'5xx':>4} "
        f"{'drain s':>8} {'req/s':>6}  invariant"
    )
    all_hold = True
    for number, (results, wall, states, confirmed_count, capacity) in enumerate(rounds, start=1):
        statuses = Counter(status for status, _state in results)
        server_errors = sum(n for status, n in statuses.items() if isinstance(status, int) and status >= 500)
        other = sum(n for status, n in statuses.items() if status != 201)
        confirmed, waitlisted = states["confirmed"], states["waitlisted"]
        holds = (
            confirmed == options.seats
            and confirmed_count == options.seats
            and waitlisted == expected_waitlist
            and server_errors == 0
        )
        all_hold &= holds
        print(
            f"{number:>5} {statuses[201]:>5} {confirmed:>9} {waitlisted:>10} {confirmed_count:>5}/{capacity:<5} "
            f"{other:>7} {server_errors:>4} {wall:>8.2f} {options.requests / wall:>6.0f}  {'OK' if holds else 'BROKEN'}"
        )
        if other:
            print(f"      non-201 answers: {dict(statuses - Counter({201: statuses[201]}))}")
    walls = [wall for _results, wall, *_rest in rounds]
    print(
        f"drain time (release to last answer): min {min(walls):.2f} s, median {common.percentile(walls, 50):.2f} s, "
        f"max {max(walls):.2f} s"
    )
    print(
        f"invariant over {len(rounds)} round(s): exactly {options.seats} confirmed, {expected_waitlist} waitlisted, "
        f"no 5xx -> {'OK' if all_hold else 'BROKEN'}"
    )
    if not all_hold and "Traceback" in server_log:
        print("gunicorn log (end):\n" + server_log)
    return 0 if all_hold else 1


if __name__ == "__main__":
    sys.exit(main())
