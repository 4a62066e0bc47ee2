"""`manage.py breach_query --username U --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|json]`:
whose records one account read or changed in a period (UU 27/2022 breach notification), from
the audit trail. Every kind of record counts, integrity records included (the page hides
them from Admin BKPP; whoever runs this command has the server)."""

from __future__ import annotations

import csv
import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from asn_portal import privacy
from asn_portal.models import User


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = "Which people's records an account read or changed in a period, from the audit trail."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--from", dest="date_from", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="last day (inclusive), YYYY-MM-DD")
        parser.add_argument("--format", choices=("csv", "json"), default="csv")

    def handle(self, *args, username, date_from, date_to, **options):
        date_from, date_to = _date(date_from), _date(date_to)
        privacy.validate_range(date_from, date_to, error=CommandError)
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account with username {username!r}.")
        result = privacy.breach_query(user, date_from, date_to)
        if options["format"] == "json":
            payload = {
                "username": result.username,
                "from": date_from.isoformat(),
                "to": date_to.isoformat(),
                "entries": result.entries,
                "unresolved": result.unresolved,
                "employees": [row.as_dict() for row in result.rows],
            }
            self.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False))
            return
        csv.writer(self.stdout, lineterminator="\n").writerows(privacy.breach_csv_rows(result))
