"""`python manage.py reset_two_factor <username or NIP> [--by <admin username>]`: for a lost or
replaced phone. Deletes the account's two-factor devices and ends its sessions; the account
then signs in with the password and sets two-factor sign-in up again. Audit-logged."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from asn_portal import two_factor
from asn_portal.auth import normalize_login
from asn_portal.models import User


def _user(login: str) -> User:
    try:
        return User.objects.get(username=normalize_login(login))
    except User.DoesNotExist:
        raise CommandError(f"No account with the username or NIP {login!r}.") from None


class Command(BaseCommand):
    help = "Remove the two-factor sign-in devices of an account (lost phone) and end its sessions."

    def add_arguments(self, parser):
        parser.add_argument("login", help="username or NIP (spaces allowed) of the account")
        parser.add_argument("--by", help="username of the administrator doing the reset, for the audit trail")

    def handle(self, *args, login: str, by: str | None = None, **options):
        user = _user(login)
        actor = _user(by) if by else None
        devices, sessions = two_factor.reset(user, by=actor, via="manage.py reset_two_factor")
        if not devices:
            self.stdout.write(f"{user.get_username()} has no two-factor device: nothing to reset.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Two-factor sign-in of {user.get_username()} reset: {devices} device(s) removed, "
                f"{sessions} session(s) ended. The account signs in with its password and sets it up again."
            )
        )
