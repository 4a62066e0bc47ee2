"""`python manage.py demo_logins`: the demo accounts that exist, one per role, as a table."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from asn_portal import demo
from asn_portal.models import Employee, User

DEFAULT_URL = "http://127.0.0.1:8000/"


def demo_accounts() -> list[tuple[str, str, str]]:
    """(role label, login, name) of every demo account in the database, in role order. The
    labels are the Indonesian role names the product uses (DESIGN.md "Who uses it")."""
    rows: list[tuple[str, str, str]] = []
    staff = {
        user.username: user for user in User.objects.filter(username__in=[a.username for a in demo.STAFF_ACCOUNTS])
    }
    for account in demo.STAFF_ACCOUNTS:
        user = staff.get(account.username)
        if user is not None:
            rows.append((account.label, user.username, user.get_full_name() or user.username))
    employees = {
        employee.nip: employee
        for employee in Employee.objects.filter(nip__in=[persona.nip for persona in demo.PERSONAS], user__isnull=False)
    }
    for persona in (demo.PERSONA_OPERATOR, demo.PERSONA_SUPERVISOR, demo.PERSONA_EMPLOYEE):
        employee = employees.get(persona.nip)
        if employee is not None:
            rows.append((persona.label, employee.formatted_nip, employee.full_name))
    return rows


class Command(BaseCommand):
    help = "Print the demo accounts (one per role) with their password and the address to open."

    def add_arguments(self, parser):
        parser.add_argument("--url", default=DEFAULT_URL, help=f"address to show (default {DEFAULT_URL})")

    def handle(self, *args, url: str, **options):
        rows = demo_accounts()
        if not rows:
            self.stdout.write(_("No demo accounts yet: run `python manage.py seed_demo` first."))
            return
        # Literal contexts, so that makemessages can extract them.
        header = (
            pgettext("demo accounts table", "Role"),
            pgettext("demo accounts table", "Login"),
            pgettext("demo accounts table", "Password"),
            pgettext("demo accounts table", "Name"),
        )
        table = [header] + [(label, login, demo.DEMO_PASSWORD, name) for label, login, name in rows]
        widths = [max(len(row[column]) for row in table) for column in range(len(header))]

        def line(cells) -> str:
            return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(_("SIGAP demo accounts: open %(url)s and sign in.") % {"url": url}))
        self.stdout.write(line(header))
        self.stdout.write(line("-" * width for width in widths))
        for row in table[1:]:
            self.stdout.write(line(row))
        self.stdout.write(_("Employees sign in with their NIP, with or without the spaces."))
        self.stdout.write("")
