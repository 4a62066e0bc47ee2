"""`python manage.py seed_demo [--employees N] [--seed S] [--as-of YYYY-MM-DD] [--if-empty]`:
the demo city.

`asn_portal.demo.build_city` makes the city as plain data (pure, reproducible); this command
writes it. Units go through `services.create_org_unit` and roles through `grant_role` /
`grant_operator`; employees and their accounts are inserted in bulk, one `bulk_create` per
supervisor level so each row can point at a supervisor that already has an id. The cuti
bersama days of `demo.COLLECTIVE_LEAVE` are added to the working-day calendar.

The other apps add their own demo records without the core importing them (DESIGN.md: the
core imports none of the apps). The convention: an installed app (other than this one) with
a module `<app>.demo` that defines

    def seed(city: asn_portal.demo.DemoCity, *, today: datetime.date, log) -> int

is called after the city is written, in INSTALLED_APPS order, inside the same transaction
with the audit log off. `today` is `--as-of` (default: today's date; the demo's recent records
are dated back from it), `log` prints a progress line, and the function returns how many
records it created. It must be idempotent on its own: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import import_module

from auditlog.context import disable_auditlog
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from asn_portal import demo, services
from asn_portal.models import (
    CollectiveLeave,
    EducationLevel,
    Employee,
    EmploymentType,
    OrgUnit,
    Position,
    Role,
    User,
)

BATCH_SIZE = 1000
LOOKUP_CHUNK = 500  # NIPs / codes per IN (...) lookup


@dataclass
class SeedResult:
    skipped: bool = False
    units_created: int = 0
    positions_created: int = 0
    employees_created: int = 0
    accounts_created: int = 0
    collective_leave_created: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    app_records_created: int = 0


class Command(BaseCommand):
    help = (
        "Build the demo city (Pemerintah Kota Semarang: OPDs, 16 kecamatan and 177 kelurahan, "
        "puskesmas, schools, employees and one demo account per role). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--employees",
            type=int,
            default=demo.DEFAULT_EMPLOYEES,
            help=f"number of employees (default {demo.DEFAULT_EMPLOYEES}; at least {demo.MIN_EMPLOYEES})",
        )
        parser.add_argument(
            "--seed", type=int, default=demo.DEFAULT_SEED, help=f"random seed (default {demo.DEFAULT_SEED})"
        )
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            default=None,
            help="the day the demo's recent records (sanctions in force, new reports) are dated back from "
            "(YYYY-MM-DD; default today)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when any organisation unit exists (what `make run` calls every time)",
        )

    def handle(self, *args, employees: int, seed: int, if_empty: bool, as_of: dt.date | None = None, **options):
        if if_empty and OrgUnit.objects.exists():
            self.stdout.write("Organisation units already exist: the demo city is not seeded (--if-empty).")
            return
        if employees < demo.MIN_EMPLOYEES:
            raise CommandError(f"--employees must be at least {demo.MIN_EMPLOYEES}.")
        today = as_of or timezone.localdate()
        started = time.perf_counter()
        self.stdout.write(f"Building the demo city: {employees} employees, seed {seed} ...")
        city = demo.build_city(seed, employees, education=education_rules_from_db())
        result = seed_city(city, today=today, log=self.stdout.write)
        seconds = time.perf_counter() - started
        if result.skipped:
            if result.app_records_created:
                message = f"Demo records added in {seconds:.1f} s ({result.app_records_created} records)."
            else:
                message = f"Nothing to do ({seconds:.1f} s)."
            self.stdout.write(self.style.SUCCESS(message))
            return
        by_type = ", ".join(f"{label} {result.by_type.get(value, 0)}" for value, label in EmploymentType.choices)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo city ready in {seconds:.1f} s: {result.units_created} units, "
                f"{result.positions_created} positions, {result.employees_created} employees ({by_type}), "
                f"{result.accounts_created} staff accounts, {result.app_records_created} records of the other apps."
            )
        )
        if result.employees_created:
            rate = result.employees_created / seconds if seconds else 0
            self.stdout.write(f"({rate:.0f} employees per second.) Sign-in details: python manage.py demo_logins")


# --- Writing -----------------------------------------------------------------------------------


def education_rules_from_db() -> dict[str, demo.EducationRule]:
    return {
        level.code: demo.EducationRule(
            level.code, level.order, level.starting_rank_id, level.regular_promotion_ceiling_id
        )
        for level in EducationLevel.objects.all()
    }


def demo_present() -> bool:
    """The demo's employees are in the database: its fixed persona NIPs are taken."""
    return Employee.objects.filter(nip__in=[persona.nip for persona in demo.PERSONAS]).exists()


def seed_city(city: demo.DemoCity, *, today: dt.date, log: Callable[[str], None] = lambda message: None) -> SeedResult:
    """Write the city, then let the other apps add their records (`seed_app_demos`), all in
    one transaction with the audit log off."""
    with disable_auditlog(), transaction.atomic():
        result = write_city(city, log=log)
        result.app_records_created = seed_app_demos(city, today=today, log=log)
    return result


def seed_app_demos(city: demo.DemoCity, *, today: dt.date, log: Callable[[str], None] = lambda message: None) -> int:
    """Call `<app>.demo.seed(city, today=..., log=...)` of every installed app that has one
    (the convention in the module docstring); return the records they created."""
    created = 0
    for app_config in apps.get_app_configs():
        if app_config.name == "asn_portal" or not module_has_submodule(app_config.module, "demo"):
            continue
        seed = getattr(import_module(f"{app_config.name}.demo"), "seed", None)
        if not callable(seed):
            continue
        started = time.perf_counter()
        created += seed(city, today=today, log=log) or 0
        log(f"Demo records of {app_config.label}: {time.perf_counter() - started:.1f} s.")
    return created


def write_city(city: demo.DemoCity, *, log: Callable[[str], None] = lambda message: None) -> SeedResult:
    """Write `city` in one transaction with the audit log off (seeding is bootstrap, not a
    person's change). Units are matched by code, positions by (unit, name, kind, jenjang),
    employees by NIP, accounts by username and cuti bersama by date; whatever exists is left
    as it is. When the demo personas exist, the demo is present and no unit, position or
    employee is written, so a second run (even with another size or seed) changes nothing."""
    result = SeedResult()
    # One hash shared by every demo account: hashing is deliberately slow.
    password_hash = make_password(demo.DEMO_PASSWORD)
    with disable_auditlog(), transaction.atomic():
        result.accounts_created = _ensure_staff_accounts(city.accounts, password_hash)
        result.collective_leave_created = _ensure_collective_leave(demo.COLLECTIVE_LEAVE)
        if demo_present():
            result.skipped = True
            log("The demo employees are already in the database: nothing to add.")
            return result
        units = _write_units(city.units, result)
        log(f"Organisation: {len(city.units)} units ({result.units_created} new).")
        positions = _write_positions(city.positions, units, result)
        log(f"Positions: {len(city.positions)} ({result.positions_created} new).")
        _write_employees(city, units, positions, password_hash, result, log)
        operator = User.objects.get(username=demo.PERSONA_OPERATOR.nip)
        opd = OrgUnit.objects.get(pk=units[demo.PERSONA_OPERATOR.unit_code][1])
        services.grant_operator(operator, opd, by=None)
    return result


def _chunks(items: list, size: int = LOOKUP_CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _ensure_staff_accounts(accounts, password_hash: str) -> int:
    created = 0
    for account in accounts:
        user, is_new = User.objects.get_or_create(
            username=account.username,
            defaults={
                "first_name": account.first_name,
                "last_name": account.last_name,
                "is_staff": account.is_staff,  # Admin BKPP opens /admin/; nobody is a superuser
                "password": password_hash,
            },
        )
        if is_new:
            services.grant_role(user, Role(account.role), by=None)
            created += 1
    return created


def _ensure_collective_leave(days: tuple[demo.CollectiveLeaveDay, ...]) -> int:
    """Add the cuti bersama days the calendar lacks; days already there keep their name."""
    known = set(CollectiveLeave.objects.filter(date__in=[day.date for day in days]).values_list("date", flat=True))
    new = [CollectiveLeave(date=day.date, name=day.name) for day in days if day.date not in known]
    CollectiveLeave.objects.bulk_create(new)
    return len(new)


def _write_units(units: list[demo.UnitSpec], result: SeedResult) -> dict[str, tuple[int, int]]:
    """Create the missing units (parents come first in `units`); return code -> (id, opd id)."""
    known: dict[str, tuple[int, int]] = {}
    for chunk in _chunks([unit.code for unit in units]):
        for code, pk, opd_id in OrgUnit.objects.filter(code__in=chunk).values_list("code", "pk", "opd_id"):
            known[code] = (pk, opd_id)
    for unit in units:
        if unit.code in known:
            continue
        parent = OrgUnit(pk=known[unit.parent_code][0]) if unit.parent_code else None
        created = services.create_org_unit(code=unit.code, name=unit.name, kind=unit.kind, parent=parent, by=None)
        known[unit.code] = (created.pk, created.opd_id)
        result.units_created += 1
    return known


def _write_positions(positions: list[demo.PositionSpec], units, result: SeedResult) -> dict[tuple, int]:
    """Create the missing positions; return (unit code, name, kind, jenjang) -> id."""
    code_of = {pk: code for code, (pk, _opd_id) in units.items()}
    known: dict[tuple, int] = {}
    for chunk in _chunks(list(code_of)):
        rows = Position.objects.filter(unit_id__in=chunk).values_list("unit_id", "name", "kind", "jenjang", "pk")
        for unit_id, name, kind, jenjang, pk in rows:
            known[(code_of[unit_id], name, kind, jenjang)] = pk
    new = [
        Position(
            unit_id=units[spec.unit_code][0],
            name=spec.name,
            kind=spec.kind,
            jenjang=spec.jenjang,
            min_rank_id=spec.min_rank,
            max_rank_id=spec.max_rank,
            **dict.fromkeys(spec.flags, True),
        )
        for spec in positions
        if spec.key not in known
    ]
    Position.objects.bulk_create(new, batch_size=BATCH_SIZE)
    for position in new:
        known[(code_of[position.unit_id], position.name, position.kind, position.jenjang)] = position.pk
    result.positions_created = len(new)
    return known


def _write_employees(city: demo.DemoCity, units, positions, password_hash: str, result: SeedResult, log) -> None:
    """Insert the employees whose NIP is new, with an account each (username = NIP; an
    unusable password except for the personas), level by level down the supervisor tree."""
    education_ids = dict(EducationLevel.objects.values_list("code", "pk"))
    nips = [employee.nip for employee in city.employees]
    employee_ids: dict[str, int] = {}
    user_ids: dict[str, int] = {}
    for chunk in _chunks(nips):
        employee_ids.update(Employee.objects.filter(nip__in=chunk).values_list("nip", "pk"))
        user_ids.update(User.objects.filter(username__in=chunk).values_list("username", "pk"))
    taken_users = set(Employee.objects.filter(user_id__in=list(user_ids.values())).values_list("user_id", flat=True))

    new = [employee for employee in city.employees if employee.nip not in employee_ids]
    unusable = make_password(None)  # employees set their first password by e-mail reset
    users = [
        User(username=spec.nip, first_name=spec.name[:150], password=password_hash if spec.persona else unusable)
        for spec in new
        if spec.nip not in user_ids
    ]
    User.objects.bulk_create(users, batch_size=BATCH_SIZE)
    user_ids.update((user.username, user.pk) for user in users)
    log(f"Accounts: {len(users)} employee accounts created.")

    levels: dict[int, list[demo.EmployeeSpec]] = {}
    for spec in new:
        levels.setdefault(spec.level, []).append(spec)
    for level in sorted(levels):
        rows = []
        for spec in levels[level]:
            unit_id, opd_id = units[spec.unit_code]
            user_id = user_ids.get(spec.nip)
            rows.append(
                Employee(
                    nip=spec.nip,
                    nik=spec.nik,
                    name=spec.name,
                    front_title=spec.front_title,
                    back_title=spec.back_title,
                    employment_type=spec.employment_type,
                    status=spec.status,
                    gender=spec.gender,
                    born_on=spec.born_on,
                    unit_id=unit_id,
                    opd_id=opd_id,
                    position_id=positions[spec.position_key] if spec.position_key else None,
                    supervisor_id=employee_ids.get(spec.supervisor_nip) if spec.supervisor_nip else None,
                    rank_id=spec.rank,
                    rank_tmt_on=spec.rank_tmt_on,
                    pppk_grade=spec.pppk_grade,
                    education_id=education_ids[spec.education],
                    cpns_tmt_on=spec.cpns_tmt_on,
                    pns_tmt_on=spec.pns_tmt_on,
                    user_id=None if user_id in taken_users else user_id,
                )
            )
        Employee.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        employee_ids.update((row.nip, row.pk) for row in rows)
        result.employees_created += len(rows)
        log(f"Employees: {len(rows)} at supervisor level {level}.")
    for spec in new:
        result.by_type[spec.employment_type] = result.by_type.get(spec.employment_type, 0) + 1
