"""`python manage.py import_org_units FILE [--dry-run]`: load or update the organisation tree
from a .csv/.xlsx with columns code, name, kind, parent_code (optional is_active)."""

from pathlib import Path

from auditlog.context import set_actor
from django.core.management.base import BaseCommand, CommandError

from asn_portal.importing import ImportFileError
from asn_portal.models import User
from asn_portal.org_import import import_org_units


class Command(BaseCommand):
    help = "Create or update organisation units from a spreadsheet (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check the file, write nothing")
        parser.add_argument("--as", dest="username", default="", help="record this account as the author")

    def handle(self, *args, file, dry_run, username, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        actor = User.objects.filter(username=username).first() if username else None
        if username and actor is None:
            raise CommandError(f"no account named {username}")
        try:
            with path.open("rb") as handle, set_actor(actor):
                result = import_org_units(handle, path.name, by=actor, dry_run=dry_run)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        if result.errors:
            for error in result.errors:
                self.stderr.write(f"row {error['row']}, {error['column']}: {error['message']}")
            raise CommandError(f"{len(result.errors)} problem(s); nothing was written")
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"Units: {result.created} created, {result.updated} updated ({result.moved} moved), "
            f"{result.unchanged} unchanged — {verb} written."
        )
