"""Training data for tests, through the services so the rules apply."""

from __future__ import annotations

import datetime as dt
import itertools

from training import services
from training.models import ConfirmationMode, Program, SessionStatus

TODAY = dt.date(2026, 11, 2)
_codes = itertools.count(1)


def program(**fields) -> Program:
    values = {
        "code": f"BIMTEK-{next(_codes):03d}",
        "title": "Bimtek Penyusunan SKP",
        "category": "bimtek",
        "method": "klasikal",
        "default_jp": 16,
        "organiser": "bkpp",
    }
    values.update(fields)
    return services.save_program(Program(**values), by=None)


def session(prog: Program | None = None, *, capacity: int = 2, opened: bool = True, **fields):
    values = {
        "starts_on": dt.date(2026, 12, 1),
        "ends_on": dt.date(2026, 12, 2),
        "capacity": capacity,
        "registration_opens_on": dt.date(2026, 10, 1),
        "registration_closes_on": dt.date(2026, 11, 20),
        "cancellation_deadline": dt.date(2026, 11, 25),
        "place": "Balai Diklat BKPP, Jl. Fatmawati 73A",
        "confirmation_mode": ConfirmationMode.AUTOMATIC,
    }
    values.update(fields)
    created = services.create_session(program=prog or program(), by=None, **values)
    if opened:
        created = services.set_session_status(created, SessionStatus.OPEN, by=None, today=TODAY)
    return created


def registered(sess, employee, *, by=None, today=TODAY):
    return services.register(session=sess, employee=employee, by=by if by is not None else employee.user, today=today)
