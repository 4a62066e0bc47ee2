"""`manage.py import_employees FILE [--as USERNAME] [--dry-run]`: the same as
`import_records employees FILE …` (kept for scripts that call it by this name). Without --as it
is a system import over every OPD (no actor in the audit trail)."""

from __future__ import annotations

from asn_portal.management.commands.import_records import Command as ImportRecordsCommand
from asn_portal.models import ImportJob


class Command(ImportRecordsCommand):
    help = "Import employees from an .xlsx or .csv file (all rows or none)."
    fixed_kind = ImportJob.Kind.EMPLOYEES
