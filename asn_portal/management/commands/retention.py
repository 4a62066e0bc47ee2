"""`manage.py retention [--apply] [--today YYYY-MM-DD] [--rule CODE ...]`: what the retention
rules (asn_portal.retention, docs/privacy.md) would delete or anonymise today, as a table. A
dry run by default; `--apply` does it (the weekly task `asn_portal.tasks.apply_retention` does
the same on Sunday night)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from asn_portal import retention

COLUMNS = (
    ("code", "rule"),
    ("action", "action"),
    ("days", "days"),
    ("cutoff", "before"),
    ("rows", "rows"),
    ("files", "files"),
    ("oldest", "oldest"),
    ("sample_ids", "sample ids"),
)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from exc


def _cell(report: retention.RuleReport, key: str) -> str:
    value = getattr(report, key)
    if key == "sample_ids":
        return " ".join(value) if value else "-"
    if key == "rows" and report.error:
        return "ERROR"
    return "-" if value in (None, "") else str(value)


def table(reports: list[retention.RuleReport]) -> list[str]:
    """The report as aligned text lines: a header, a rule, one line per rule."""
    rows = [[title for _key, title in COLUMNS]]
    rows += [[_cell(report, key) for key, _title in COLUMNS] for report in reports]
    widths = [max(len(row[index]) for row in rows) for index in range(len(COLUMNS))]
    numeric = {"days", "rows", "files"}
    lines = []
    for number, row in enumerate(rows):
        cells = [
            cell.rjust(width) if COLUMNS[index][0] in numeric else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return lines


class Command(BaseCommand):
    help = "Report (dry run, the default) or apply the retention rules of personal data."

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="delete or anonymise (default: dry run)")
        parser.add_argument("--today", help="the day to count from, YYYY-MM-DD (default: today)")
        parser.add_argument("--rule", action="append", dest="rules", metavar="CODE", help="only this rule")

    def handle(self, *args, apply=False, today=None, rules=None, **options):
        day = _date(today) if today else None
        known = {rule.code for rule in retention.rules()}
        unknown = sorted(set(rules or ()) - known)
        if unknown:
            raise CommandError(f"Unknown rule: {', '.join(unknown)}. Known: {', '.join(sorted(known))}.")
        reports = retention.run(day, dry_run=not apply, codes=set(rules) if rules else None)
        for line in table(reports):
            self.stdout.write(line)
        for report in reports:
            if report.error:
                self.stderr.write(self.style.ERROR(f"{report.code}: {report.error}"))
        total = sum(report.rows for report in reports if not report.error)
        if apply:
            self.stdout.write(self.style.SUCCESS(f"Applied: {total} rows deleted or anonymised."))
        else:
            self.stdout.write(f"Dry run: {total} rows would be deleted or anonymised; nothing changed. Use --apply.")
        if retention.has_errors(reports):
            raise CommandError("Some rules failed; see above.")
