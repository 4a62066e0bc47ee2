"""`manage.py import_employees FILE [--as USERNAME] [--dry-run]`: the employee import of the
upload page, run synchronously. Without --as it is a system import over every OPD (no actor
in the audit trail). Prints the summary, or every problem, and exits non-zero on problems."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from asn_portal import importing, permissions
from asn_portal.models import User


class Command(BaseCommand):
    help = "Import employees from an .xlsx or .csv file (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the .xlsx or .csv file.")
        parser.add_argument(
            "--as",
            dest="username",
            help="Import as this user (their OPD scope applies; recorded as the actor in the audit trail).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check every row and count, but write nothing.")

    def handle(self, *args, file, username=None, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        actor, opd_ids = None, None
        if username:
            actor = User.objects.filter(username=username).first()
            if actor is None:
                raise CommandError(_("No user named %(username)s.") % {"username": username})
            if not permissions.can_import_employees(actor):
                raise CommandError(_("%(username)s may not import employees.") % {"username": username})
            opd_ids = permissions.importable_opd_ids(actor)

        with path.open("rb") as fileobj:
            result = importing.import_employees(
                fileobj, filename=path.name, actor=actor, opd_ids=opd_ids, dry_run=dry_run
            )

        if not result.ok:
            for error in result.errors:
                where = (
                    _("row %(row)s, column %(column)s") % {"row": error["row"], "column": error["column"] or "-"}
                    if error["row"]
                    else _("file")
                )
                self.stderr.write(f"{where}: {error['message']} [{error['code']}]")
            raise CommandError(_("%(count)d problem(s) found; nothing was imported.") % {"count": len(result.errors)})
        message = _("%(rows)d rows: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.") % {
            "rows": result.total_rows,
            **result.summary(),
        }
        if dry_run:
            message = _("Dry run, nothing written. %(message)s") % {"message": message}
        self.stdout.write(self.style.SUCCESS(message))
