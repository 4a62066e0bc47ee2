"""`manage.py import_records KIND FILE [--as USERNAME] [--dry-run]`: any registered import kind
(asn_portal.imports: "employees", and those the other apps register, such as
"hukuman_disiplin") run synchronously, the same import as the upload page. Without --as it is
a system import (no actor in the audit trail, no role scope). Prints the summary, or every
problem, and exits non-zero on problems."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from asn_portal import imports, permissions
from asn_portal.models import User


class Command(BaseCommand):
    help = "Import records of one kind from an .xlsx or .csv file (all rows or none)."
    # A subclass fixes the kind (import_employees); then KIND is not an argument.
    fixed_kind: str | None = None

    def add_arguments(self, parser):
        if self.fixed_kind is None:
            parser.add_argument("kind", choices=imports.codes(), help="The kind of records to import.")
        parser.add_argument("file", help="Path of the .xlsx or .csv file.")
        parser.add_argument(
            "--as",
            dest="username",
            help="Import as this user (their role and scope apply; recorded as the actor in the audit trail).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check every row and count, but write nothing.")

    def handle(self, *args, file, kind=None, username=None, dry_run=False, **options):
        code = self.fixed_kind or kind
        import_kind = imports.get(code)
        if import_kind is None:
            raise CommandError(
                _("Unknown kind %(kind)s; choose one of: %(kinds)s.")
                % {"kind": code, "kinds": ", ".join(imports.codes())}
            )
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        actor = None
        if username:
            actor = User.objects.filter(username=username).first()
            if actor is None:
                raise CommandError(_("No user named %(username)s.") % {"username": username})
            permissions.forget_actor(actor)
            if not import_kind.may_use(actor):
                raise CommandError(
                    _("%(username)s may not run the %(kind)s import.") % {"username": username, "kind": code}
                )

        with path.open("rb") as fileobj:
            result = import_kind.run(fileobj, filename=path.name, actor=actor, dry_run=dry_run)

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
