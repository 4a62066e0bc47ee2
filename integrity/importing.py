"""The integrity imports (issue 3, parts 1 and 2), registered as import kinds of the core's
upload page, job, task and `import_records` command (asn_portal.imports):

- "hukuman_disiplin": disciplinary sanctions loaded for data migration, columns
  `nip, jenis, tanggal_mulai, nomor_sk, tanggal_sk, keterangan` (`jenis` is a SanctionType
  code; `keterangan` is the violation, restricted text). Inspektorat only.
- "pelaporan_harta": wealth-report filings (LHKPN/LHKASN) bulk-marked as submitted, columns
  `nip, tahun, tanggal_lapor`. Admin BKPP and Inspektorat.

Both are all-or-nothing like the employee import: every row is checked first and every bad row
is listed (row, column, message, stable code); with any problem nothing is written. They apply
the rules of `integrity.services.record_sanction` and `record_submission`/`create_filing`
(DOMAIN.md §8.1, §9.1), but set-based: the employees, sanction types and existing records the
file names are loaded up front in a fixed number of queries, the writes are bulk statements,
and the audit entries are written in bulk (`asn_portal.audit.log_bulk`) in django-auditlog's
own format. Re-importing the same file changes nothing.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asn_portal import audit, imports
from asn_portal.importing import (
    BATCH_SIZE,
    PROGRESS_EVERY,
    CellError,
    ImportResult,
    build_template,
    cell_text,
    chunk_size,
    chunks,
    parse_date_cell,
    parse_nip_cell,
    problem,
    read_records,
    sorted_problems,
    update_rows,
    write_all_or_nothing,
)
from asn_portal.models import Employee, User
from integrity import permissions, rules, services
from integrity.models import FilingChannel, FilingKind, Sanction, SanctionType, WealthReport

SANCTIONS = "hukuman_disiplin"
FILINGS = "pelaporan_harta"

SANCTION_COLUMNS = ("nip", "jenis", "tanggal_mulai", "nomor_sk", "tanggal_sk", "keterangan")
SANCTION_REQUIRED = ("nip", "jenis", "tanggal_mulai", "nomor_sk", "tanggal_sk")  # keterangan may be left out
FILING_COLUMNS = ("nip", "tahun", "tanggal_lapor")
FILING_REQUIRED = FILING_COLUMNS
FIRST_FILING_YEAR = 1990  # WealthReport's year_range constraint

_DECREE_NUMBER_MAX = Sanction._meta.get_field("decree_number").max_length
_EMPLOYEE_FIELDS = ("id", "nip", "name", "front_title", "back_title", "employment_type", "cpns_tmt_on", "opd_id")


# --- Who may use them (need to know; see integrity/permissions.py) -------------------------------


can_import_sanctions = permissions.can_import_sanctions
can_import_filings = permissions.can_import_filings


# --- Shared row checking ------------------------------------------------------------------------


class _Problems:
    """Problems found so far, and which rows have one."""

    def __init__(self):
        self.items: list[dict] = []
        self.bad_rows: set[int] = set()

    def add(self, row: int, column: str, code: str, message: str) -> None:
        self.items.append(problem(row, column, code, message))
        self.bad_rows.add(row)

    def __bool__(self) -> bool:
        return bool(self.items)


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _required(problems: _Problems, row: int, column: str) -> None:
    problems.add(row, column, "required", _("%(column)s is required.") % {"column": column})


def _nip(problems: _Problems, row: int, cells: dict) -> str:
    value = cells.get("nip")
    if _is_empty(value):
        _required(problems, row, "nip")
        return ""
    try:
        return parse_nip_cell(value, "nip")
    except CellError as exc:
        problems.add(row, "nip", exc.code, exc.message)
        return ""


def _date(problems: _Problems, row: int, cells: dict, column: str) -> dt.date | None:
    value = cells.get(column)
    if _is_empty(value):
        _required(problems, row, column)
        return None
    try:
        return parse_date_cell(value, column)
    except CellError as exc:
        problems.add(row, column, exc.code, exc.message)
        return None


def _not_future(problems: _Problems, row: int, column: str, value: dt.date | None, today: dt.date, label) -> None:
    if value is not None and value > today:
        problems.add(
            row,
            column,
            "date_in_future",
            _("The %(label)s cannot be in the future (%(date)s).") % {"label": label, "date": value.isoformat()},
        )


def _employees_by_nip(nips: set[str]) -> dict[str, Employee]:
    found: dict[str, Employee] = {}
    for chunk in chunks(sorted(nips), chunk_size()):
        for employee in Employee.objects.filter(nip__in=chunk).only(*_EMPLOYEE_FIELDS):
            found[employee.nip] = employee
    return found


def _employee(problems: _Problems, row: int, nip: str, employees: dict[str, Employee]) -> Employee | None:
    if not nip:
        return None  # already reported
    employee = employees.get(nip)
    if employee is None:
        problems.add(
            row, "nip", "unknown_employee", _("There is no employee with NIP %(nip)s in SIGAP.") % {"nip": nip}
        )
    return employee


def _creation_changes(obj) -> dict:
    """What django-auditlog records for a created object (its registered fields, masks
    applied), as lists. Only the object's own columns: auditlog would also read reverse
    one-to-one relations (Sanction.case), one query per object."""
    own = [f.attname for f in obj._meta.concrete_fields] + [f.name for f in obj._meta.concrete_fields]
    return {name: list(values) for name, values in (model_instance_diff(None, obj, own) or {}).items()}


def _update_changes(before, after, fields: list[str]) -> dict:
    return {name: list(values) for name, values in (model_instance_diff(before, after, fields) or {}).items()}


def _reporter(progress: Callable[[int], None] | None, start: int, end: int, total: int):
    report = progress or (lambda percent: None)

    def tick(count: int) -> None:
        if total and count % PROGRESS_EVERY == 0:
            report(start + (end - start) * count // total)

    return tick


# --- hukuman_disiplin ---------------------------------------------------------------------------


def _code_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def _decree_key(text: str) -> str:
    """Decree numbers compare without regard to case and spacing ("800/12/BKPP")."""
    return " ".join(text.split()).casefold()


@dataclass
class _SanctionRow:
    row: int
    nip: str
    employee: Employee
    type: SanctionType
    starts_on: dt.date
    decree_number: str
    decree_on: dt.date
    violation: str


def import_sanctions(
    fileobj,
    *,
    filename: str,
    actor: User | None,
    today: dt.date | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Record the disciplinary sanctions of a spreadsheet, all or none. A row equal to a
    sanction already recorded (same employee, type, start date and decree number) is left
    unchanged; the same sanction twice in the file is a problem. The end date follows from the
    type (DOMAIN.md §8.1). `actor` is the recorder and the audit actor (None: a system import)."""
    today = today or timezone.localdate()
    report = progress or (lambda percent: None)
    result = ImportResult(dry_run=dry_run)
    rows, file_problems = read_records(
        fileobj, filename=filename, columns=SANCTION_COLUMNS, required=SANCTION_REQUIRED, progress=report
    )
    result.total_rows = len(rows)
    if file_problems:
        result.errors = file_problems
        return result

    problems = _Problems()
    nips = {number: _nip(problems, number, cells) for number, cells in rows}
    employees = _employees_by_nip({nip for nip in nips.values() if nip})
    types = {sanction_type.code: sanction_type for sanction_type in SanctionType.objects.order_by("order")}
    report(30)

    checked: list[_SanctionRow] = []
    first_row_of: dict[tuple, int] = {}
    tick = _reporter(report, 30, 85, len(rows))
    for count, (number, cells) in enumerate(rows, start=1):
        employee = _employee(problems, number, nips[number], employees)

        type_text = cell_text(cells.get("jenis"))
        sanction_type = types.get(_code_key(type_text)) if type_text else None
        if not type_text:
            _required(problems, number, "jenis")
        elif sanction_type is None:
            problems.add(
                number,
                "jenis",
                "unknown_sanction_type",
                _("Unknown jenis %(value)s: use the code of a sanction type (%(codes)s).")
                % {"value": type_text, "codes": ", ".join(types)},
            )

        starts_on = _date(problems, number, cells, "tanggal_mulai")

        decree_number = cell_text(cells.get("nomor_sk"))
        if not decree_number:
            problems.add(number, "nomor_sk", "required", _("The decree (SK) number is required."))
        elif len(decree_number) > _DECREE_NUMBER_MAX:
            problems.add(
                number,
                "nomor_sk",
                "too_long",
                _("%(column)s is too long: at most %(limit)d characters (this has %(count)d).")
                % {"column": "nomor_sk", "limit": _DECREE_NUMBER_MAX, "count": len(decree_number)},
            )

        decree_on = _date(problems, number, cells, "tanggal_sk")
        _not_future(problems, number, "tanggal_sk", decree_on, today, _("decree date"))

        # The violation keeps its line breaks (it is prose), unlike the other cells.
        violation = cells.get("keterangan")
        violation = violation.strip() if isinstance(violation, str) else cell_text(violation)

        if number not in problems.bad_rows:
            key = (employee.pk, sanction_type.pk, starts_on, _decree_key(decree_number))
            if key in first_row_of:
                problems.add(
                    number,
                    "nip",
                    "duplicate_row",
                    _(
                        "The same sanction (nip, jenis, tanggal_mulai and nomor_sk) already appears in row %(row)d of this file."
                    )
                    % {"row": first_row_of[key]},
                )
            else:
                first_row_of[key] = number
                checked.append(
                    _SanctionRow(
                        number, nips[number], employee, sanction_type, starts_on, decree_number, decree_on, violation
                    )
                )
        tick(count)
    report(85)
    if problems:
        result.errors = sorted_problems(problems.items, SANCTION_COLUMNS)
        return result

    recorded: set[tuple] = set()
    for chunk in chunks(sorted({row.employee.pk for row in checked}), chunk_size()):
        for employee_id, type_id, starts_on, decree_number in Sanction.objects.filter(
            employee_id__in=chunk
        ).values_list("employee_id", "type_id", "starts_on", "decree_number"):
            recorded.add((employee_id, type_id, starts_on, _decree_key(decree_number)))
    create = [
        row
        for row in checked
        if (row.employee.pk, row.type.pk, row.starts_on, _decree_key(row.decree_number)) not in recorded
    ]
    result.created, result.unchanged = len(create), len(checked) - len(create)
    if dry_run:
        report(100)
        return result
    report(90)

    def write() -> None:
        sanctions = [
            Sanction(
                employee=row.employee,
                type=row.type,
                decree_number=row.decree_number,
                decree_on=row.decree_on,
                issued_by="",  # not a column of the migration spreadsheet
                starts_on=row.starts_on,
                ends_on=rules.sanction_ends_on(
                    row.starts_on, row.type.duration_months, is_dismissal=row.type.is_dismissal
                ),
                violation=row.violation,
                recorded_by=actor,
            )
            for row in create
        ]
        Sanction.objects.bulk_create(sanctions, batch_size=BATCH_SIZE)
        audit.log_bulk(Sanction, ((s, LogEntry.Action.CREATE, _creation_changes(s)) for s in sanctions), actor=actor)

    write_all_or_nothing(result, write, name=SANCTIONS)
    if result.ok:
        report(100)
    return result


def sanction_template() -> bytes:
    codes = [[sanction_type.code, sanction_type.name] for sanction_type in SanctionType.objects.order_by("order")]
    return build_template(
        sheet_title="Hukuman disiplin",
        columns=SANCTION_COLUMNS,
        column_help=(
            ("nip", True, "198609262015051001", gettext_lazy("18 digits; format the column as Text")),
            ("jenis", True, "teguran_tertulis", gettext_lazy("the code of the sanction type (listed below)")),
            ("tanggal_mulai", True, "2025-03-01", gettext_lazy("YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY")),
            ("nomor_sk", True, "800/123/2025", gettext_lazy("decree (SK) number")),
            ("tanggal_sk", True, "2025-02-20", gettext_lazy("decree date; not in the future")),
            (
                "keterangan",
                False,
                "Tidak masuk kerja tanpa alasan yang sah",
                gettext_lazy("the violation (seen only by Inspektorat and the employee)"),
            ),
        ),
        text_columns=("nip", "nomor_sk"),
        extra_rows=[[_("Sanction type codes (jenis):")], *codes],
    )


def _sanction_type_codes_note() -> str:
    codes = SanctionType.objects.order_by("order").values_list("code", flat=True)
    return _("jenis is the code of the sanction type: %(codes)s.") % {"codes": ", ".join(codes)}


# --- pelaporan_harta ----------------------------------------------------------------------------


@dataclass
class _FilingRow:
    row: int
    employee: Employee
    year: int
    submitted_on: dt.date


_YEAR = re.compile(r"^\d{4}$")


def _year(problems: _Problems, row: int, cells: dict, today: dt.date) -> int | None:
    value = cells.get("tahun")
    if _is_empty(value):
        _required(problems, row, "tahun")
        return None
    text = cell_text(value)
    if not _YEAR.match(text) or int(text) < FIRST_FILING_YEAR:
        problems.add(
            row,
            "tahun",
            "invalid_year",
            _("%(value)s in tahun is not a reporting year: write it as four digits, from %(first)s (2025).")
            % {"value": text, "first": FIRST_FILING_YEAR},
        )
        return None
    year = int(text)
    if year > today.year:
        problems.add(
            row, "tahun", "year_in_future", _("The reporting year %(year)s has not started yet.") % {"year": year}
        )
        return None
    return year


def _default_channel(kind: str) -> str:
    return FilingChannel.E_LHKPN if kind == FilingKind.LHKPN else FilingChannel.SIHARKA


def import_filings(
    fileobj,
    *,
    filename: str,
    actor: User | None,
    today: dt.date | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Mark wealth-report filings as submitted from a spreadsheet, all or none (DOMAIN.md §9.1).
    A year that was never opened for the employee gets its filing row (kind from the position
    or a PPK decree on 31 December of the year, due date as `services.create_filing` sets it).
    A filing already submitted on the same date is unchanged; on another date it is updated.
    A year before the appointment, the same NIP and year twice in the file, a submission date
    in the future or before the year began are problems."""
    today = today or timezone.localdate()
    report = progress or (lambda percent: None)
    result = ImportResult(dry_run=dry_run)
    rows, file_problems = read_records(
        fileobj, filename=filename, columns=FILING_COLUMNS, required=FILING_REQUIRED, progress=report
    )
    result.total_rows = len(rows)
    if file_problems:
        result.errors = file_problems
        return result

    problems = _Problems()
    nips = {number: _nip(problems, number, cells) for number, cells in rows}
    employees = _employees_by_nip({nip for nip in nips.values() if nip})
    report(30)

    checked: list[_FilingRow] = []
    first_row_of: dict[tuple[int, int], int] = {}
    tick = _reporter(report, 30, 80, len(rows))
    for count, (number, cells) in enumerate(rows, start=1):
        employee = _employee(problems, number, nips[number], employees)
        year = _year(problems, number, cells, today)
        submitted_on = _date(problems, number, cells, "tanggal_lapor")
        _not_future(problems, number, "tanggal_lapor", submitted_on, today, _("submission date"))
        if year is not None and submitted_on is not None and submitted_on.year < year:
            problems.add(
                number,
                "tanggal_lapor",
                "submitted_before_year",
                _("A filing for %(year)s cannot be submitted before the year has begun.") % {"year": year},
            )
        if employee is not None and year is not None:
            appointed = services.appointed_on(employee)
            if year < appointed.year:
                problems.add(
                    number,
                    "tahun",
                    "year_before_appointment",
                    _("%(name)s was appointed in %(appointed)s, after the reporting year %(year)s.")
                    % {"name": employee.full_name, "appointed": appointed.year, "year": year},
                )
            key = (employee.pk, year)
            if key in first_row_of:
                problems.add(
                    number,
                    "tahun",
                    "duplicate_row",
                    _("NIP %(nip)s and year %(year)s already appear in row %(row)d of this file.")
                    % {"nip": employee.nip, "year": year, "row": first_row_of[key]},
                )
            else:
                first_row_of[key] = number
        if number not in problems.bad_rows:
            checked.append(_FilingRow(number, employee, year, submitted_on))
        tick(count)
    report(80)
    if problems:
        result.errors = sorted_problems(problems.items, FILING_COLUMNS)
        return result

    # The filings the file names, then the kind of the ones to create: a PPK decree or the
    # position on 31 December of the year (services.with_lhkpn_obligation), one query per year.
    existing: dict[tuple[int, int], WealthReport] = {}
    years = sorted({row.year for row in checked})
    size = chunk_size()
    for chunk in chunks(sorted({row.employee.pk for row in checked}), size):
        for filing in WealthReport.objects.filter(employee_id__in=chunk, year__in=years):
            existing[(filing.employee_id, filing.year)] = filing
    to_create = [row for row in checked if (row.employee.pk, row.year) not in existing]
    lhkpn: dict[tuple[int, int], bool] = {}
    for year in sorted({row.year for row in to_create}):
        ids = sorted({row.employee.pk for row in to_create if row.year == year})
        for chunk in chunks(ids, size):
            obligations = services.with_lhkpn_obligation(Employee.objects.filter(pk__in=chunk), dt.date(year, 12, 31))
            for pk, must_file in obligations.values_list("pk", "must_file_lhkpn"):
                lhkpn[(pk, year)] = bool(must_file)
    report(85)

    now = timezone.now()
    created: list[WealthReport] = []
    updated: list[tuple[WealthReport, WealthReport, list[str]]] = []  # (before, after, fields)
    for row in checked:
        filing = existing.get((row.employee.pk, row.year))
        if filing is None:
            appointed = services.appointed_on(row.employee)
            kind = FilingKind.LHKPN if lhkpn.get((row.employee.pk, row.year)) else FilingKind.LHKASN
            created.append(
                WealthReport(
                    employee=row.employee,
                    opd_id=row.employee.opd_id,
                    year=row.year,
                    kind=kind,
                    due_on=rules.filing_due_on(row.year, appointed if appointed.year == row.year else None),
                    submitted_on=row.submitted_on,
                    channel=_default_channel(kind),
                )
            )
        elif filing.submitted_on != row.submitted_on:
            before = copy.copy(filing)
            filing.employee = row.employee  # for the audit entry's text, without a query
            filing.submitted_on = row.submitted_on
            filing.channel = filing.channel or _default_channel(filing.kind)
            filing.updated_at = now
            updated.append((before, filing, ["submitted_on", "channel"]))
    result.created, result.updated = len(created), len(updated)
    result.unchanged = len(checked) - len(created) - len(updated)
    if dry_run:
        report(100)
        return result
    report(90)

    def write() -> None:
        WealthReport.objects.bulk_create(created, batch_size=BATCH_SIZE)
        update_rows(
            WealthReport, [after for _before, after, _fields in updated], ["submitted_on", "channel", "updated_at"]
        )
        audit.log_bulk(
            WealthReport,
            [
                *((filing, LogEntry.Action.CREATE, _creation_changes(filing)) for filing in created),
                *(
                    (after, LogEntry.Action.UPDATE, _update_changes(before, after, fields))
                    for before, after, fields in updated
                ),
            ],
            actor=actor,
        )

    write_all_or_nothing(result, write, name=FILINGS)
    if result.ok:
        report(100)
    return result


def filing_template() -> bytes:
    return build_template(
        sheet_title="Pelaporan harta",
        columns=FILING_COLUMNS,
        column_help=(
            ("nip", True, "198609262015051001", gettext_lazy("18 digits; format the column as Text")),
            ("tahun", True, "2025", gettext_lazy("reporting year (the assets at 31 December of that year)")),
            (
                "tanggal_lapor",
                True,
                "2026-03-15",
                gettext_lazy("date the LHKPN/LHKASN was submitted; not in the future"),
            ),
        ),
    )


# --- Registration (IntegrityConfig.ready) -------------------------------------------------------


def register() -> None:
    imports.register(
        imports.ImportKind(
            code=SANCTIONS,
            label=gettext_lazy("Disciplinary sanctions"),
            title=gettext_lazy("Import disciplinary sanctions"),
            description=gettext_lazy(
                "Load recorded disciplinary sanctions (hukuman disiplin) from a spreadsheet, for example when moving data from SIASN."
            ),
            columns=SANCTION_COLUMNS,
            required=SANCTION_REQUIRED,
            may_use=can_import_sanctions,
            sees_all_jobs=can_import_sanctions,
            run=import_sanctions,
            template=sanction_template,
            template_filename="template-import-hukuman-disiplin.xlsx",
            notes=(
                lazy(_sanction_type_codes_note, str)(),
                gettext_lazy("The end date follows from the sanction type; a sanction already in SIGAP is skipped."),
                gettext_lazy("Dates as YYYY-MM-DD, DD-MM-YYYY, DD/MM/YYYY, or real Excel dates."),
                gettext_lazy("keterangan (the violation) is seen only by Inspektorat and the employee."),
            ),
            result_url_name="integrity:register",
            result_link_label=gettext_lazy("Open the integrity register"),
            created_label=gettext_lazy("sanctions recorded"),
            updated_label=gettext_lazy("sanctions updated"),
            order=50,
        )
    )
    imports.register(
        imports.ImportKind(
            code=FILINGS,
            label=gettext_lazy("Wealth-report filings"),
            title=gettext_lazy("Mark wealth-report filings"),
            description=gettext_lazy(
                "Mark LHKPN and LHKASN filings as submitted from a spreadsheet: one row per employee and reporting year."
            ),
            columns=FILING_COLUMNS,
            required=FILING_REQUIRED,
            may_use=can_import_filings,
            sees_all_jobs=can_import_filings,
            run=import_filings,
            template=filing_template,
            template_filename="template-import-pelaporan-harta.xlsx",
            notes=(
                gettext_lazy("tahun is the reporting year; tanggal_lapor the day the report was submitted."),
                gettext_lazy(
                    "A year not yet opened for the employee is created with the kind (LHKPN or LHKASN) their position calls for."
                ),
                gettext_lazy("Dates as YYYY-MM-DD, DD-MM-YYYY, DD/MM/YYYY, or real Excel dates."),
            ),
            result_url_name="integrity:compliance",
            result_link_label=gettext_lazy("Open filing compliance"),
            created_label=gettext_lazy("filings created"),
            updated_label=gettext_lazy("filings updated"),
            order=60,
        )
    )
