"""Spreadsheet imports: the kind-neutral parts every import kind shares (reading an .xlsx or
.csv into rows, cell parsers, problems, the job that runs a kind and records its progress and
result, the template workbook), and the core's own kind, "employees" (registered in
`asn_portal.imports` by `register()`, called from AsnPortalConfig.ready()).

The all-or-nothing employee import: read a spreadsheet (.xlsx or .csv), check every row,
and write all rows in one transaction — or nothing, with every problem listed.

The spreadsheet has one header row (row 1) with these columns (`COLUMNS`), matched
case-insensitively after trimming; spaces and hyphens count as underscores ("Kode Unit" is
`kode_unit`). `nip`, `nama`, `jenis_pegawai` and `kode_unit` must be present; any other column
of the template may be left out, and then that field of an existing employee is kept as it is
(for a new employee it stays empty). A column the template does not know is refused with a
message, so that a misspelt header ("tmt_golongn") never silently drops a field. An empty
cell in a present column empties the field.

Rows are upserted by NIP. A supervisor (`nip_atasan`) may be a later row of the same file or
an employee already in SIGAP; loops of supervisors over the file and the database together
are refused. A jabatan (position) is found, or created, in the employee's unit by (unit, name,
kind, jenjang).

Speed (DESIGN.md "Growing past one machine"): the file is read once, reference data and the
employees the file names are loaded into dicts in a fixed number of queries (chunked by the
database's parameter limit), and writes are bulk statements. Nothing here runs a query per
row. `bench/import_bench.py` measures it.

Each problem is a dict {"row", "column", "code", "message"}: `row` as the spreadsheet shows it
(header = 1; None for the file as a whole), `column` the header name, `code` stable, `message`
for people in the active language.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePath

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation
from django.utils.encoding import smart_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asn_portal import audit, extensions, imports, permissions, uploads
from asn_portal.models import (
    EducationLevel,
    Employee,
    EmployeeStatus,
    EmploymentType,
    ImportJob,
    Jenjang,
    OrgUnit,
    Position,
    PositionKind,
    Rank,
    User,
)
from asn_portal.nip import IdentifierError, normalize_digits, parse_nip
from asn_portal.services import EmployeeData, check_employee_data
from asn_portal.tasks import run_import_job

logger = logging.getLogger(__name__)

COLUMNS = (
    "nip",
    "nama",
    "gelar_depan",
    "gelar_belakang",
    "jenis_pegawai",
    "kode_unit",
    "jabatan",
    "jenis_jabatan",
    "jenjang",
    "golongan",
    "tmt_golongan",
    "pendidikan",
    "tmt_cpns",
    "tmt_pns",
    "nip_atasan",
    "email",
    "telepon",
)
REQUIRED_COLUMNS = ("nip", "nama", "jenis_pegawai", "kode_unit")
# The file-level limits live with the one upload validator (asn_portal.uploads).
ALLOWED_EXTENSIONS = uploads.SPREADSHEET_EXTENSIONS
MAX_DATA_ROWS = uploads.MAX_SPREADSHEET_ROWS
MAX_UNPACKED_BYTES = uploads.MAX_XLSX_UNPACKED_BYTES
PROGRESS_EVERY = 500
BATCH_SIZE = 1000
MAX_INSERT_LEVELS = 20

# Where a problem found by services.check_employee_data shows in the spreadsheet.
_COLUMN_OF_FIELD = {
    "nip": "nip",
    "name": "nama",
    "front_title": "gelar_depan",
    "back_title": "gelar_belakang",
    "employment_type": "jenis_pegawai",
    "unit": "kode_unit",
    "position": "jabatan",
    "rank": "golongan",
    "pppk_grade": "golongan",
    "rank_tmt_on": "tmt_golongan",
    "education": "pendidikan",
    "cpns_tmt_on": "tmt_cpns",
    "pns_tmt_on": "tmt_pns",
    "supervisor": "nip_atasan",
    "email": "email",
    "phone": "telepon",
}
# Employee fields the import owns (model attnames). NIK and status are not in the file and
# are never touched; the NIP is the key and never changes (DOMAIN.md §1.1 rule 6).
_MANAGED = (
    "name",
    "front_title",
    "back_title",
    "employment_type",
    "unit_id",
    "opd_id",
    "position_id",
    "supervisor_id",
    "rank_id",
    "pppk_grade",
    "rank_tmt_on",
    "education_id",
    "cpns_tmt_on",
    "pns_tmt_on",
    "email",
    "phone",
    "born_on",
    "gender",
    "user_id",
)
_TEXT_LIMITS = {
    "nama": Employee._meta.get_field("name").max_length,
    "gelar_depan": Employee._meta.get_field("front_title").max_length,
    "gelar_belakang": Employee._meta.get_field("back_title").max_length,
    "telepon": Employee._meta.get_field("phone").max_length,
    "email": Employee._meta.get_field("email").max_length,
    "jabatan": Position._meta.get_field("name").max_length,
}


class ImportFileError(Exception):
    """The file as a whole cannot be read (not a spreadsheet, empty, bad header)."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def problem(row: int | None, column: str, code: str, message: str) -> dict:
    return {"row": row, "column": column, "code": code, "message": str(message)}


@dataclass
class ImportResult:
    """What an import did (or, with errors, why it did nothing)."""

    errors: list[dict] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    total_rows: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


# ---------------------------------------------------------------------------------------------
# Reading the file
# ---------------------------------------------------------------------------------------------


@dataclass
class Table:
    """A spreadsheet's header and its rows. `columns[i]` is the normalised header of cell i
    (None for a blank header cell, whose column is ignored). `rows` yields (row number as the
    spreadsheet shows it, cells) for every row after the header that is not blank."""

    columns: list[str | None]
    rows: Iterator[tuple[int, tuple]]
    estimated_rows: int | None = None

    def header_problems(self, known: tuple[str, ...] | None = None, required: tuple[str, ...] | None = None):
        """Problems of the header against a kind's columns (default: the employee import's)."""
        return header_problems(self.columns, known=known, required=required)


def normalize_header(value) -> str | None:
    text = "" if value is None else str(value).strip().lower()
    text = re.sub(r"[\s\-]+", "_", text)
    return text or None


def header_problems(
    columns: list[str | None], *, known: tuple[str, ...] | None = None, required: tuple[str, ...] | None = None
) -> list[dict]:
    """Missing required columns (reported once), unknown and repeated columns. `known` and
    `required` are the kind's columns (default: the employee import's)."""
    known = COLUMNS if known is None else known
    required = REQUIRED_COLUMNS if required is None else required
    problems = []
    present = [c for c in columns if c]
    missing = [c for c in required if c not in present]
    if missing:
        problems.append(
            problem(
                1,
                ", ".join(missing),
                "missing_columns",
                _("Required columns are missing from the header (row 1): %(columns)s.")
                % {"columns": ", ".join(missing)},
            )
        )
    seen: set[str] = set()
    for name in present:
        if name not in known:
            problems.append(
                problem(
                    1,
                    name,
                    "unknown_column",
                    _("Unknown column %(column)s. Use only the columns of the template: %(columns)s.")
                    % {"column": name, "columns": ", ".join(known)},
                )
            )
        elif name in seen:
            problems.append(
                problem(
                    1,
                    name,
                    "duplicate_column",
                    _("Column %(column)s appears more than once in the header.") % {"column": name},
                )
            )
        seen.add(name)
    return problems


def _is_blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _extension(filename: str) -> str:
    return PurePath(filename or "").suffix.lower()


@contextmanager
def open_table(fileobj, filename: str) -> Iterator[Table]:
    """Open an .xlsx (first worksheet) or a .csv and yield its `Table`. Raises
    `ImportFileError` when the file is not what its name says, is empty, or has no header.
    The content goes through the upload validator first (`uploads.check_spreadsheet_content`:
    zip bomb, OOXML parts, CSV encoding), whoever calls: the form, the job, the commands."""
    extension = _extension(filename)
    if extension in ALLOWED_EXTENSIONS:
        try:
            uploads.check_spreadsheet_content(fileobj, extension)
        except uploads.UploadRejected as exc:
            raise ImportFileError(exc.message, exc.code) from exc
    if extension == ".xlsx":
        with _open_xlsx(fileobj) as table:
            yield table
    elif extension == ".csv":
        yield _open_csv(fileobj)
    else:
        raise ImportFileError(
            _("Only .xlsx and .csv files can be imported (this file is %(extension)s).")
            % {"extension": extension or _("without extension")},
            "bad_extension",
        )


_ZIP_SIGNATURE = b"PK\x03\x04"


@contextmanager
def _open_xlsx(fileobj) -> Iterator[Table]:
    import openpyxl

    head = fileobj.read(4)
    fileobj.seek(0)
    if not head:
        raise ImportFileError(_("The file is empty."), "empty_file")
    if head != _ZIP_SIGNATURE:
        raise ImportFileError(
            _(
                "This file is not an Excel workbook (.xlsx), although its name ends in .xlsx. Save it from Excel as .xlsx or as CSV and upload it again."
            ),
            "not_xlsx",
        )
    try:
        # The ZIP's directory (zip bomb, parts) was checked by open_table's validator.
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds of errors on damaged files
        logger.info("xlsx could not be opened: %r", exc)
        raise ImportFileError(
            _("This .xlsx file is damaged or not an Excel workbook. Save it again from Excel and upload it again."),
            "not_xlsx",
        ) from exc
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("The workbook has no worksheet."), "empty_file")
        sheet = workbook.worksheets[0]
        estimated = sheet.max_row
        # Some writers record wrong dimensions; without them openpyxl reads to the last row.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        header = None
        for cells in rows:
            if not _is_blank(cells):
                header = cells
                break
            raise ImportFileError(_("Row 1 must hold the column names (the header)."), "no_header")
        if header is None:
            raise ImportFileError(_("The file is empty."), "empty_file")
        columns = [normalize_header(c) for c in header]

        def data_rows():
            for number, cells in enumerate(rows, start=2):
                if not _is_blank(cells):
                    yield number, tuple(cells)

        yield Table(columns, data_rows(), (estimated - 1) if estimated else None)
    finally:
        workbook.close()


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, which Excel on Windows writes."""
    try:
        return uploads.decode_csv(raw)
    except uploads.UploadRejected as exc:
        raise ImportFileError(exc.message, exc.code) from exc


def _open_csv(fileobj) -> Table:
    raw = fileobj.read()
    if isinstance(raw, str):
        text = raw
    else:
        if not raw.strip():
            raise ImportFileError(_("The file is empty."), "empty_file")
        text = decode_text(raw)
    if not text.strip():
        raise ImportFileError(_("The file is empty."), "empty_file")
    first_line = text.split("\n", 1)[0]
    # Excel in an Indonesian locale writes ";" (the comma is the decimal separator there).
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None or _is_blank(header):
        raise ImportFileError(_("Row 1 must hold the column names (the header)."), "no_header")
    columns = [normalize_header(c) for c in header]

    def data_rows():
        for number, cells in enumerate(reader, start=2):
            if cells and not _is_blank(cells):
                yield number, tuple(cells)

    return Table(columns, data_rows(), max(text.count("\n") - 1, 1))


def check_upload(
    fileobj, filename: str, *, columns: tuple[str, ...] | None = None, required: tuple[str, ...] | None = None
) -> None:
    """What the upload form checks before a job is created: the file opens as what its
    extension says, has a valid header (for the kind's `columns` and `required` ones; default
    the employee import's) and at least one data row. Raises `ImportFileError` with the first
    header problem."""
    with open_table(fileobj, filename) as table:
        problems = table.header_problems(known=columns, required=required)
        if problems:
            raise ImportFileError(problems[0]["message"], problems[0]["code"])
        if next(table.rows, None) is None:
            raise ImportFileError(
                _("The file has a header but no data rows. Fill in one row per record below the header."),
                "no_rows",
            )
    fileobj.seek(0)


def read_records(
    fileobj,
    *,
    filename: str,
    columns: tuple[str, ...],
    required: tuple[str, ...],
    progress: Callable[[int], None] | None = None,
    progress_span: tuple[int, int] = (0, 20),
) -> tuple[list[tuple[int, dict]], list[dict]]:
    """Read every non-blank data row of an import file as (row number as the spreadsheet shows
    it, {column: raw cell} for the columns the header has). Returns (rows, problems): the
    problems are of the file as a whole or of its header, and when there are any the rows
    are not worth checking. Progress goes from `progress_span[0]` to `[1]` while reading."""
    report = progress or (lambda percent: None)
    start, end = progress_span
    try:
        with open_table(fileobj, filename) as table:
            problems = table.header_problems(known=columns, required=required)
            if problems:
                return [], problems
            index = [(i, c) for i, c in enumerate(table.columns) if c]
            estimated = table.estimated_rows or 0
            rows: list[tuple[int, dict]] = []
            for count, (number, cells) in enumerate(table.rows, start=1):
                if count > MAX_DATA_ROWS:
                    return [], [
                        problem(
                            None,
                            "",
                            "too_many_rows",
                            _("The file has more than %(limit)s rows. Split it into smaller files.")
                            % {"limit": f"{MAX_DATA_ROWS:,}"},
                        )
                    ]
                rows.append((number, {column: (cells[i] if i < len(cells) else None) for i, column in index}))
                if count % PROGRESS_EVERY == 0:
                    total = max(estimated, count)
                    report(start + (end - start) * count // total)
    except ImportFileError as exc:
        return [], [problem(None, "", exc.code, exc.message)]
    if not rows:
        return [], [problem(None, "", "no_rows", _("The file has a header but no data rows."))]
    report(end)
    return rows, []


# ---------------------------------------------------------------------------------------------
# Cell values
# ---------------------------------------------------------------------------------------------


class CellError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def cell_text(value) -> str:
    """A cell as one line of text: whitespace collapsed, whole numbers without ".0", dates
    as YYYY-MM-DD."""
    return _text(value)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")


def parse_nip_cell(value, column: str) -> str:
    """The NIP as text. An integer cell keeps all 18 digits; a decimal or scientific value
    ("1.98609262015051E+17") means Excel stored it as a number and dropped digits."""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, float) or (isinstance(value, str) and _SCIENTIFIC.match(value.strip())):
        raise CellError(
            "nip_number_cell",
            _(
                "The %(column)s cell holds a number (%(value)s) and Excel has dropped its last digits. "
                "Format the %(column)s column as Text, type the 18 digits again and upload the file again."
            )
            % {"column": column, "value": _text(value)},
        )
    text = _text(value).lstrip("'")  # '1986... is how people force text in Excel
    return normalize_digits(text)


_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")
_MIDNIGHT = re.compile(r"[ T]00:00(?::00(?:\.0+)?)?$")


def parse_date_cell(value, column: str) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A date typed into a cell formatted as a number: Excel's serial day number.
        from openpyxl.utils.datetime import from_excel

        if 1 <= value < 2958466:
            converted = from_excel(value)
            return converted.date() if isinstance(converted, dt.datetime) else converted
    else:
        text = _MIDNIGHT.sub("", str(value).strip())
        for fmt in _DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    raise CellError(
        "invalid_date",
        _("%(value)s in %(column)s is not a date. Write it as YYYY-MM-DD (2015-05-01), DD-MM-YYYY or DD/MM/YYYY.")
        % {"value": _text(value), "column": column},
    )


def _key(text: str) -> str:
    return re.sub(r"[\s\-_]+", "_", text.strip().lower()).strip("_")


def _choice_map(choices) -> dict[str, str]:
    """value and label (English and the active language) of a TextChoices, normalised."""
    result: dict[str, str] = {}
    for value, label in choices.choices:
        result[_key(value)] = value
        result[_key(str(label))] = value
        with translation.override("en"):
            result[_key(str(label))] = value
    return result


_ROMAN = {
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "V": 5,
    "VI": 6,
    "VII": 7,
    "VIII": 8,
    "IX": 9,
    "X": 10,
    "XI": 11,
    "XII": 12,
    "XIII": 13,
    "XIV": 14,
    "XV": 15,
    "XVI": 16,
    "XVII": 17,
}
_GOLONGAN_OF_DIGIT = {"1": "I", "2": "II", "3": "III", "4": "IV"}
_RANK_PATTERN = re.compile(r"^(IV|III|II|I|[1-4])[\s/\-.]*([A-E])$")
_GOLONGAN_PREFIX = re.compile(r"^GOL(?:ONGAN)?[\s.]*")


def rank_code(text: str) -> str | None:
    """ "III/a", "III-a", "3a", "IIIa", "iii / A" -> "III/a" (DOMAIN.md §2.1); else None."""
    match = _RANK_PATTERN.match(_GOLONGAN_PREFIX.sub("", text.strip().upper()))
    if not match:
        return None
    golongan = _GOLONGAN_OF_DIGIT.get(match[1], match[1])
    return f"{golongan}/{match[2].lower()}"


def pppk_grade(text: str) -> int | None:
    """PPPK grade I–XVII, Roman or Arabic ("IX", "9", "Golongan IX") -> 9; else None."""
    cleaned = _GOLONGAN_PREFIX.sub("", text.strip().upper())
    if cleaned.isdigit():
        return int(cleaned)
    return _ROMAN.get(cleaned)


# Friendly names for education levels (DOMAIN.md §2.2), keyed without spaces/dashes/dots.
_EDUCATION_ALIASES = {
    "SD": ("SEKOLAHDASAR", "MI"),
    "SLTP": ("SMP", "MTS", "SLTP"),
    "SLTP_KEJURUAN": ("SLTPKEJURUAN", "SMPKEJURUAN"),
    "SLTA": ("SMA", "SMU", "MA", "SLTA"),
    "SLTA_KEJURUAN": ("SMK", "STM", "SMEA", "SLTAKEJURUAN", "SMAKEJURUAN"),
    "D1": ("DI", "DIPLOMAI", "DIPLOMA1"),
    "D2": ("DII", "DIPLOMAII", "DIPLOMA2"),
    "D3": ("DIII", "DIPLOMAIII", "DIPLOMA3", "SARJANAMUDA", "AKADEMI"),
    "D4": ("DIV", "DIPLOMAIV", "DIPLOMA4", "SARJANATERAPAN"),
    "S1": ("SARJANA", "STRATA1", "SI"),
    "PROFESI": ("DOKTER", "APOTEKER", "PROFESI"),
    "S2": ("MAGISTER", "STRATA2", "SII"),
    "S3": ("DOKTOR", "STRATA3", "SIII"),
}


def _education_key(text: str) -> str:
    return re.sub(r"[\s\-_./()]+", "", text.upper())


# ---------------------------------------------------------------------------------------------
# The import
# ---------------------------------------------------------------------------------------------


def chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def chunk_size() -> int:
    """How many values fit in one `IN (...)` on this database (SQLite limits parameters)."""
    limit = connection.features.max_query_params or 5000
    return max(100, min(5000, limit - 50))


@dataclass
class _Row:
    row: int
    nip: str
    cells: dict  # column -> raw cell value (present columns only)
    existing: Employee | None = None
    data: EmployeeData | None = None
    position_key: tuple | None = None  # (unit_id, name casefolded, kind, jenjang)
    position_name: str = ""
    supervisor_nip: str | None = None
    target: dict = field(default_factory=dict)  # attname -> new value
    changed: list[str] = field(default_factory=list)
    nip_reported: bool = False  # the NIP cell itself was refused (no second message)
    user: User | None = None  # a login account this import creates
    employee: Employee | None = None  # the employee this import creates
    ok: bool = True


class _Import:
    def __init__(self, *, actor: User | None, opd_ids: frozenset[int] | None, today: dt.date, progress):
        self.actor = actor
        self.opd_ids = opd_ids
        self.today = today
        self.progress = progress or (lambda percent: None)
        self.errors: list[dict] = []
        self.rows: list[_Row] = []
        self.columns: list[str | None] = []
        self.present: set[str] = set()

    # --- helpers --------------------------------------------------------------------------

    def error(self, row: _Row | int | None, column: str, code: str, message: str) -> None:
        number = row.row if isinstance(row, _Row) else row
        self.errors.append(problem(number, column, code, message))
        if isinstance(row, _Row):
            row.ok = False

    def _report(self, done: int, total: int, start: int, end: int) -> None:
        if total:
            self.progress(start + (end - start) * min(done, total) // total)

    # --- phase 1: read --------------------------------------------------------------------

    def read(self, table: Table) -> None:
        self.columns = table.columns
        self.errors.extend(table.header_problems())
        if self.errors:
            return
        self.present = {c for c in self.columns if c}
        index = [(i, c) for i, c in enumerate(self.columns) if c]
        estimated = table.estimated_rows or 0
        for count, (number, cells) in enumerate(table.rows, start=1):
            if count > MAX_DATA_ROWS:
                self.errors.append(
                    problem(
                        None,
                        "",
                        "too_many_rows",
                        _("The file has more than %(limit)s rows. Split it into smaller files.")
                        % {"limit": f"{MAX_DATA_ROWS:,}"},
                    )
                )
                return
            values = {column: (cells[i] if i < len(cells) else None) for i, column in index}
            self.rows.append(_Row(row=number, nip="", cells=values))
            if count % PROGRESS_EVERY == 0:
                self._report(count, max(estimated, count), 0, 20)
        self.progress(20)

    # --- phase 2: reference data and the employees the file names --------------------------

    def load(self) -> None:
        self.units_by_code = {
            unit.code.strip().upper(): unit
            for unit in OrgUnit.objects.only("id", "code", "name", "opd_id", "is_active", "path", "depth")
        }
        self.ranks_by_code = {rank.code.upper(): rank for rank in Rank.objects.all()}
        self.ranks_by_id = {rank.pk: rank for rank in self.ranks_by_code.values()}
        levels = list(EducationLevel.objects.all())
        self.education_by_id = {level.pk: level for level in levels}
        self.education_by_key: dict[str, EducationLevel] = {}
        for level in levels:
            self.education_by_key[_education_key(level.code)] = level
            self.education_by_key[_education_key(level.name)] = level
        by_code = {level.code: level for level in levels}
        for code, aliases in _EDUCATION_ALIASES.items():
            if code in by_code:
                for alias in aliases:
                    self.education_by_key.setdefault(alias, by_code[code])
        self.kinds = _choice_map(PositionKind)
        self.jenjangs = _choice_map(Jenjang)
        self.employment_types = _choice_map(EmploymentType)

    def load_people(self) -> None:
        wanted: set[str] = set()
        for row in self.rows:
            row.nip = self._row_nip(row)
            if row.nip:
                wanted.add(row.nip)
            if "nip_atasan" in self.present:
                supervisor = self._cell_nip(row, "nip_atasan", report=False)
                if supervisor:
                    wanted.add(supervisor)
        size = chunk_size()
        self.existing: dict[str, Employee] = {}
        for chunk in chunks(sorted(wanted), size):
            for employee in Employee.objects.filter(nip__in=chunk).select_related("user"):
                self.existing[employee.nip] = employee
        # Login accounts named after a new NIP that exist without an employee are linked, as
        # services.ensure_user_account does; one linked to someone else blocks the row.
        without_account = sorted(n for n in wanted if n not in self.existing or self.existing[n].user_id is None)
        self.users_by_username: dict[str, int] = {}
        for chunk in chunks(without_account, size):
            self.users_by_username.update(User.objects.filter(username__in=chunk).values_list("username", "id"))
        self.taken_user_ids: set[int] = set()
        user_ids = list(self.users_by_username.values())
        for chunk in chunks(user_ids, size):
            self.taken_user_ids.update(
                Employee.objects.filter(user_id__in=chunk).values_list("user_id", flat=True).order_by()
            )
        unit_ids = sorted(
            {u.pk for row in self.rows if (u := self.units_by_code.get(_text(row.cells.get("kode_unit")).upper()))}
        )
        self.positions: dict[tuple, Position] = {}
        for chunk in chunks(unit_ids, size):
            for position in Position.objects.filter(unit_id__in=chunk).order_by("id"):
                key = (position.unit_id, position.name.casefold(), position.kind, position.jenjang)
                self.positions.setdefault(key, position)
        self.new_positions: dict[tuple, Position] = {}
        self.progress(30)

    def _cell_nip(self, row: _Row, column: str, *, report: bool) -> str:
        try:
            return parse_nip_cell(row.cells.get(column), column)
        except CellError as exc:
            if report:
                self.error(row, column, exc.code, exc.message)
                if column == "nip":
                    row.nip_reported = True
            return ""

    def _row_nip(self, row: _Row) -> str:
        return self._cell_nip(row, "nip", report=True)

    # --- phase 3: every row -----------------------------------------------------------------

    def check_rows(self) -> None:
        first_row_of: dict[str, int] = {}
        total = len(self.rows)
        for count, row in enumerate(self.rows, start=1):
            if row.nip:
                if row.nip in first_row_of:
                    self.error(
                        row,
                        "nip",
                        "duplicate_nip",
                        _("NIP %(nip)s already appears in row %(row)d of this file.")
                        % {"nip": row.nip, "row": first_row_of[row.nip]},
                    )
                else:
                    first_row_of[row.nip] = row.row
            self.check_row(row)
            if count % PROGRESS_EVERY == 0:
                self._report(count, total, 30, 85)
        self.file_nips = first_row_of
        self.check_supervisors()
        self.progress(85)

    def _text_cell(self, row: _Row, column: str) -> str:
        text = _text(row.cells.get(column))
        limit = _TEXT_LIMITS.get(column)
        if limit and len(text) > limit:
            self.error(
                row,
                column,
                "too_long",
                _("%(column)s is too long: at most %(limit)d characters (this has %(count)d).")
                % {"column": column, "limit": limit, "count": len(text)},
            )
        return text

    def _date_cell(self, row: _Row, column: str, current: dt.date | None) -> dt.date | None:
        if column not in self.present:
            return current
        try:
            return parse_date_cell(row.cells.get(column), column)
        except CellError as exc:
            self.error(row, column, exc.code, exc.message)
            return None

    def check_row(self, row: _Row) -> None:
        existing = self.existing.get(row.nip) if row.nip else None
        row.existing = existing
        present = self.present

        # jenis_pegawai
        type_text = _text(row.cells.get("jenis_pegawai"))
        employment_type = self.employment_types.get(_key(type_text)) if type_text else None
        if not type_text:
            self.error(
                row, "jenis_pegawai", "required", _("jenis_pegawai is required (PNS, CPNS, PPPK or PPPK Paruh Waktu).")
            )
        elif employment_type is None:
            self.error(
                row,
                "jenis_pegawai",
                "unknown_employment_type",
                _("Unknown jenis_pegawai %(value)s: use PNS, CPNS, PPPK or PPPK Paruh Waktu.") % {"value": type_text},
            )
        is_pppk = employment_type in EmploymentType.pppk()

        # kode_unit, and the operator's scope: an employee of another OPD is one problem (on
        # the NIP), not two, even when the row also names a unit of that OPD.
        other_opd = existing is not None and self.opd_ids is not None and existing.opd_id not in self.opd_ids
        if other_opd:
            self.error(
                row,
                "nip",
                "employee_other_opd",
                _(
                    "The employee with NIP %(nip)s belongs to another OPD. Ask Admin BKPP to move them before "
                    "importing them here."
                )
                % {"nip": row.nip},
            )
        code = _text(row.cells.get("kode_unit"))
        unit = self.units_by_code.get(code.upper()) if code else None
        if not code:
            self.error(row, "kode_unit", "required", _("kode_unit is required."))
        elif unit is None:
            self.error(row, "kode_unit", "unknown_unit", _("Unknown unit code %(code)s.") % {"code": code})
        elif not unit.is_active:
            self.error(row, "kode_unit", "unit_inactive", _("Unit %(code)s is no longer active.") % {"code": unit.code})
        elif self.opd_ids is not None and unit.opd_id not in self.opd_ids and not other_opd:
            self.error(
                row,
                "kode_unit",
                "unit_outside_scope",
                _("Unit %(code)s belongs to another OPD; you may only import employees of your own OPD.")
                % {"code": unit.code},
            )

        # Start from what is stored, so that a column left out of the file keeps its value.
        if existing is not None:
            data = EmployeeData(
                nip=row.nip,
                name=existing.name,
                employment_type=existing.employment_type,
                unit=unit,
                front_title=existing.front_title,
                back_title=existing.back_title,
                rank=self.ranks_by_id.get(existing.rank_id),
                rank_tmt_on=existing.rank_tmt_on,
                pppk_grade=existing.pppk_grade,
                education=self.education_by_id.get(existing.education_id),
                cpns_tmt_on=existing.cpns_tmt_on,
                pns_tmt_on=existing.pns_tmt_on,
                email=existing.email,
                phone=existing.phone,
            )
        else:
            data = EmployeeData(nip=row.nip, name="", employment_type="", unit=unit)
        data.employment_type = employment_type or ""
        data.name = self._text_cell(row, "nama")
        for column, attr in (
            ("gelar_depan", "front_title"),
            ("gelar_belakang", "back_title"),
            ("telepon", "phone"),
        ):
            if column in present:
                setattr(data, attr, self._text_cell(row, column))
        if "email" in present:
            data.email = self._text_cell(row, "email")
            if data.email:
                try:
                    validate_email(data.email)
                except ValidationError:
                    self.error(
                        row,
                        "email",
                        "invalid_email",
                        _("%(value)s is not a valid e-mail address.") % {"value": data.email},
                    )

        # golongan: a rank for PNS/CPNS, a grade I–XVII for PPPK
        rank_refused = False
        if "golongan" in present:
            data.rank, data.pppk_grade = None, None
            text = _text(row.cells.get("golongan"))
            if text and employment_type:
                code_ = rank_code(text)
                if is_pppk:
                    grade = pppk_grade(text)
                    if grade is not None:
                        data.pppk_grade = grade  # the range is checked by check_employee_data
                    elif code_ and code_.upper() in self.ranks_by_code:
                        data.rank = self.ranks_by_code[code_.upper()]  # refused below: PPPK hold no pangkat
                    else:
                        self.error(
                            row,
                            "golongan",
                            "unknown_pppk_grade",
                            _("Unknown PPPK grade %(value)s: write I to XVII (or 1 to 17).") % {"value": text},
                        )
                else:
                    rank = self.ranks_by_code.get(code_.upper()) if code_ else None
                    if rank is None:
                        self.error(
                            row,
                            "golongan",
                            "unknown_rank",
                            _("Unknown golongan %(value)s: write it like III/a (I/a to IV/e).") % {"value": text},
                        )
                        rank_refused = True
                    else:
                        data.rank = rank
        elif existing is not None and is_pppk != existing.is_pppk:
            # Switching between PNS and PPPK without a golongan column: the old value no longer fits.
            data.rank, data.pppk_grade = None, None

        data.rank_tmt_on = self._date_cell(row, "tmt_golongan", data.rank_tmt_on)
        data.cpns_tmt_on = self._date_cell(row, "tmt_cpns", data.cpns_tmt_on)
        data.pns_tmt_on = self._date_cell(row, "tmt_pns", data.pns_tmt_on)

        if "pendidikan" in present:
            text = _text(row.cells.get("pendidikan"))
            data.education = self.education_by_key.get(_education_key(text)) if text else None
            if text and data.education is None:
                self.error(
                    row,
                    "pendidikan",
                    "unknown_education",
                    _(
                        "Unknown education level %(value)s: use SD, SMP, SMA, SMK, D-I, D-II, D-III, D-IV, S-1, S-2, S-3 or Profesi."
                    )
                    % {"value": text},
                )

        self._check_position(row, unit)
        self._check_supervisor_cell(row)

        # The registry rules of the core (NIP, TMT, CPNS/PNS/PPPK), shared with forms and API.
        if employment_type:
            for field_name, code_, message in check_employee_data(data, today=self.today):
                if field_name == "rank" and rank_refused:
                    continue  # "unknown golongan" already said it
                if field_name == "nip" and row.nip_reported:
                    continue
                self.error(row, _COLUMN_OF_FIELD.get(field_name, ""), code_, message)
        elif row.nip:
            try:
                parse_nip(row.nip, pppk=True, today=self.today)
            except IdentifierError as exc:
                self.error(row, "nip", exc.code, exc.message)
        elif not row.nip_reported:
            self.error(row, "nip", "nip_required", _("NIP is required."))

        # A login account named after this NIP that already belongs to someone else.
        if existing is None or existing.user_id is None:
            user_id = self.users_by_username.get(row.nip)
            if user_id is not None and user_id in self.taken_user_ids:
                self.error(
                    row,
                    "nip",
                    "user_taken",
                    _("The login account %(nip)s already belongs to another employee. Contact Admin BKPP.")
                    % {"nip": row.nip},
                )
        row.data = data

    def _check_position(self, row: _Row, unit: OrgUnit | None) -> None:
        present = self.present
        if "jabatan" not in present:
            return
        name = self._text_cell(row, "jabatan")
        kind_text = _text(row.cells.get("jenis_jabatan"))
        jenjang_text = _text(row.cells.get("jenjang"))
        if not name:
            if kind_text or jenjang_text:
                column = "jenis_jabatan" if kind_text else "jenjang"
                self.error(
                    row, column, "position_name_required", _("Give the jabatan (position name) for this jenis_jabatan.")
                )
            row.position_key = None
            return
        kind = self.kinds.get(_key(kind_text)) if kind_text else None
        if not kind_text:
            self.error(
                row,
                "jenis_jabatan",
                "required",
                _("jenis_jabatan is required when a jabatan is given (e.g. Pelaksana, Fungsional keahlian)."),
            )
        elif kind is None:
            self.error(
                row,
                "jenis_jabatan",
                "unknown_position_kind",
                _("Unknown jenis_jabatan %(value)s: use one of %(choices)s.")
                % {"value": kind_text, "choices": ", ".join(str(label) for _v, label in PositionKind.choices)},
            )
        jenjang = self.jenjangs.get(_key(jenjang_text)) if jenjang_text else ""
        if jenjang is None:
            self.error(
                row,
                "jenjang",
                "unknown_jenjang",
                _("Unknown jenjang %(value)s: use one of %(choices)s.")
                % {"value": jenjang_text, "choices": ", ".join(str(label) for _v, label in Jenjang.choices)},
            )
        elif jenjang and kind:
            # DOMAIN.md §4.2: keahlian levels belong to JF keahlian, keterampilan levels to JF keterampilan.
            fits = (kind == PositionKind.FUNGSIONAL_KEAHLIAN and jenjang in Jenjang.keahlian()) or (
                kind == PositionKind.FUNGSIONAL_KETERAMPILAN and jenjang in Jenjang.keterampilan()
            )
            if not fits:
                message = (
                    _("Only functional positions (jabatan fungsional) have a jenjang.")
                    if kind not in PositionKind.functional()
                    else _("Jenjang %(jenjang)s does not belong to %(kind)s.")
                    % {"jenjang": jenjang_text, "kind": PositionKind(kind).label}
                )
                self.error(row, "jenjang", "jenjang_mismatch", message)
        if unit is None or kind is None or jenjang is None:
            return
        row.position_key = (unit.pk, name.casefold(), kind, jenjang)
        row.position_name = name

    def _check_supervisor_cell(self, row: _Row) -> None:
        if "nip_atasan" not in self.present:
            return
        raw = row.cells.get("nip_atasan")
        nip = self._cell_nip(row, "nip_atasan", report=True)
        row.supervisor_nip = nip or None
        if not nip:
            return
        if not (nip.isdigit() and len(nip) == 18):
            self.error(
                row,
                "nip_atasan",
                "supervisor_nip_format",
                _("nip_atasan must be the supervisor's 18-digit NIP; %(value)s is not.") % {"value": _text(raw)},
            )
            row.supervisor_nip = None

    def check_supervisors(self) -> None:
        """Every supervisor exists (in the file or in SIGAP), and no chain of supervisors
        loops back — over the file's rows and the stored employees not in the file."""
        if "nip_atasan" not in self.present:
            return
        for row in self.rows:
            nip = row.supervisor_nip
            if nip and nip not in self.file_nips and nip not in self.existing:
                self.error(
                    row,
                    "nip_atasan",
                    "supervisor_not_found",
                    _("No employee with NIP %(nip)s, neither in this file nor in SIGAP.") % {"nip": nip},
                )
        self._find_cycles()

    def _find_cycles(self) -> None:
        # Supervisor edges: the file's rows (first row of a NIP) win over what is stored.
        file_edge = {}
        row_of = {}
        for row in self.rows:
            if row.nip and self.file_nips.get(row.nip) == row.row:
                file_edge[row.nip] = row.supervisor_nip
                row_of[row.nip] = row
        # Stored edges for employees outside the file, loaded level by level up the chain:
        # one query per level of the organisation, never one per employee.
        nip_of_id = {e.pk: nip for nip, e in self.existing.items()}
        stored_parent = {e.pk: e.supervisor_id for e in self.existing.values()}
        frontier = {sup for pk, sup in stored_parent.items() if sup and nip_of_id[pk] not in file_edge}
        frontier -= set(nip_of_id)
        size = chunk_size()
        while frontier:
            found = []
            for chunk in chunks(sorted(frontier), size):
                found.extend(Employee.objects.filter(pk__in=chunk).values_list("id", "nip", "supervisor_id"))
            frontier = set()
            for pk, nip, sup in found:
                nip_of_id[pk], stored_parent[pk] = nip, sup
            for _pk, nip, sup in found:
                if sup and sup not in nip_of_id and nip not in file_edge:
                    frontier.add(sup)
        id_of_nip = {nip: pk for pk, nip in nip_of_id.items()}

        def parent(nip: str) -> str | None:
            if nip in file_edge:
                return file_edge[nip]
            sup = stored_parent.get(id_of_nip.get(nip))
            return nip_of_id.get(sup) if sup else None

        state: dict[str, int] = {}  # 1 = on the current path, 2 = done
        for start in file_edge:
            path = []
            node = start
            while node is not None and node not in state:
                state[node] = 1
                path.append(node)
                node = parent(node)
            if node is not None and state.get(node) == 1:
                loop = path[path.index(node) :]
                for nip in loop:
                    if nip not in row_of:
                        continue
                    if len(loop) == 1:
                        self.error(
                            row_of[nip],
                            "nip_atasan",
                            "supervisor_self",
                            _("An employee cannot be their own supervisor."),
                        )
                    else:
                        chain = " → ".join([*loop[loop.index(nip) :], *loop[: loop.index(nip)], nip])
                        self.error(
                            row_of[nip],
                            "nip_atasan",
                            "supervisor_cycle",
                            _("The supervisors form a loop: %(chain)s.") % {"chain": chain},
                        )
            for nip in path:
                state[nip] = 2

    # --- phase 4: what changes -------------------------------------------------------------

    def plan(self) -> tuple[list[_Row], list[_Row], int]:
        """Rows to create, rows to update (with their changed fields), and the unchanged count."""
        create, update, unchanged = [], [], 0
        for row in self.rows:
            if self.file_nips.get(row.nip) != row.row:
                continue
            data, existing = row.data, row.existing
            target = {
                "name": data.name,
                "front_title": data.front_title,
                "back_title": data.back_title,
                "employment_type": data.employment_type,
                "unit_id": data.unit.pk,
                "opd_id": data.unit.opd_id,
                "rank_id": data.rank.pk if data.rank else None,
                "pppk_grade": data.pppk_grade,
                "rank_tmt_on": data.rank_tmt_on,
                "education_id": data.education.pk if data.education else None,
                "cpns_tmt_on": data.cpns_tmt_on,
                "pns_tmt_on": data.pns_tmt_on,
                "email": data.email,
                "phone": data.phone,
                "born_on": data.derived["born_on"],
                "gender": data.derived["gender"],
            }
            row.target = target
            if existing is None:
                create.append(row)
                continue
            changed = [name for name, value in target.items() if getattr(existing, name) != value]
            if "jabatan" in self.present:
                position = self.positions.get(row.position_key) if row.position_key else None
                if row.position_key and position is None:
                    changed.append("position_id")  # a position created by this import
                elif (position.pk if position else None) != existing.position_id:
                    changed.append("position_id")
            if "nip_atasan" in self.present:
                supervisor = self.existing.get(row.supervisor_nip) if row.supervisor_nip else None
                if row.supervisor_nip and supervisor is None:
                    changed.append("supervisor_id")  # a supervisor created by this import
                elif (supervisor.pk if supervisor else None) != existing.supervisor_id:
                    changed.append("supervisor_id")
            if existing.user_id is None:
                changed.append("user_id")
            row.changed = changed
            if changed:
                update.append(row)
            else:
                unchanged += 1
        return create, update, unchanged

    # --- phase 5: write ---------------------------------------------------------------------

    def _insert_employees(self, rows: list[_Row], id_of_nip: dict[str, int]) -> list[Employee]:
        employees = []
        for row in rows:
            values = dict(row.target)
            values.setdefault("user_id", None)
            values["position_id"] = self.positions[row.position_key].pk if row.position_key else None
            values["supervisor_id"] = id_of_nip.get(row.supervisor_nip) if row.supervisor_nip else None
            row.employee = Employee(nip=row.nip, status=EmployeeStatus.AKTIF, **values)
            employees.append(row.employee)
        Employee.objects.bulk_create(employees, batch_size=BATCH_SIZE)
        for employee in employees:
            id_of_nip[employee.nip] = employee.pk
        return employees

    def write(self, create: list[_Row], update: list[_Row]) -> None:
        now = timezone.now()
        # Positions first: employees point at them.
        for row in [*create, *update]:
            key = row.position_key
            if key and key not in self.positions and key not in self.new_positions:
                unit_id, _name, kind, jenjang = key
                self.new_positions[key] = Position(unit_id=unit_id, name=row.position_name, kind=kind, jenjang=jenjang)
        new_positions = list(self.new_positions.values())
        Position.objects.bulk_create(new_positions, batch_size=BATCH_SIZE)
        self.positions.update(self.new_positions)

        # Login accounts: username = NIP, no usable password until the owner resets it; an
        # unlinked account already named after the NIP is reused (services.ensure_user_account).
        new_users = []
        for row in [*create, *(r for r in update if "user_id" in r.changed)]:
            user_id = self.users_by_username.get(row.nip)
            if user_id is None:
                row.user = User(username=row.nip, email=row.target["email"], first_name=row.target["name"][:150])
                row.user.set_unusable_password()
                new_users.append(row.user)
            else:
                row.target["user_id"] = user_id
        User.objects.bulk_create(new_users, batch_size=BATCH_SIZE)
        for row in [*create, *update]:
            if row.user is not None:
                row.target["user_id"] = row.user.pk

        # New employees, supervisors before their subordinates: level by level down the new
        # part of the hierarchy, so that every supervisor id is known when a row is inserted.
        # Loops were refused above, so the levels end; an unusually deep chain gets its
        # remaining supervisors set in a second pass instead of one INSERT per level.
        id_of_nip = {nip: e.pk for nip, e in self.existing.items()}
        employees: list[Employee] = []
        pending = create
        for _level in range(MAX_INSERT_LEVELS):
            if not pending:
                break
            level = [r for r in pending if not r.supervisor_nip or r.supervisor_nip in id_of_nip]
            pending = [r for r in pending if r.supervisor_nip and r.supervisor_nip not in id_of_nip]
            employees.extend(self._insert_employees(level, id_of_nip))
        if pending:
            second_pass = self._insert_employees(pending, id_of_nip)
            employees.extend(second_pass)
            for employee, row in zip(second_pass, pending, strict=True):
                employee.supervisor_id = id_of_nip[row.supervisor_nip]
            update_rows(Employee, second_pass, ["supervisor"])

        # Changed employees: only the fields that changed, grouped so each statement is small.
        groups: dict[tuple, list[Employee]] = {}
        before: dict[int, dict] = {}
        email_users = []
        for row in update:
            employee = row.existing
            if "position_id" in row.changed:
                row.target["position_id"] = self.positions[row.position_key].pk if row.position_key else None
            if "supervisor_id" in row.changed:
                row.target["supervisor_id"] = id_of_nip.get(row.supervisor_nip) if row.supervisor_nip else None
            before[employee.pk] = {name: getattr(employee, name) for name in row.changed}
            for name in row.changed:
                setattr(employee, name, row.target[name])
            employee.updated_at = now
            fields = tuple(sorted(name.removesuffix("_id") for name in row.changed))
            groups.setdefault(fields, []).append(employee)
            # Keep the login e-mail in step, as services.update_employee does.
            if (
                "email" in row.changed
                and "user_id" not in row.changed
                and employee.email
                and employee.user is not None
                and employee.user.email != employee.email
            ):
                employee.user.email = employee.email
                email_users.append(employee.user)
        for fields, batch in groups.items():
            update_rows(Employee, batch, [*fields, "updated_at"])
        update_rows(User, email_users, ["email"])

        # Audit entries (bulk writes send no signals), in django-auditlog's format.
        audit.log_bulk(
            Position,
            (
                (
                    p,
                    LogEntry.Action.CREATE,
                    {
                        f.removesuffix("_id"): ["None", smart_str(getattr(p, f))]
                        for f in ("name", "kind", "jenjang", "unit_id")
                    },
                )
                for p in new_positions
            ),
            actor=self.actor,
        )
        audit.log_bulk(
            User,
            (
                (u, LogEntry.Action.CREATE, {"username": ["None", u.username], "email": ["None", u.email]})
                for u in new_users
            ),
            actor=self.actor,
        )
        audit.log_bulk(
            Employee,
            [
                *((e, LogEntry.Action.CREATE, _creation_changes(e)) for e in employees),
                *(
                    (
                        row.existing,
                        LogEntry.Action.UPDATE,
                        {
                            name.removesuffix("_id"): [
                                smart_str(before[row.existing.pk][name]),
                                smart_str(getattr(row.existing, name)),
                            ]
                            for name in row.changed
                        },
                    )
                    for row in update
                ),
            ],
            actor=self.actor,
        )


def update_rows(model, objects: list, field_names: list[str]) -> None:
    """UPDATE the given fields of each object by primary key, with one prepared statement
    sent for many rows (executemany). Django's bulk_update builds a CASE WHEN per row and
    field, which costs about a millisecond of Python per row; this runs the statement that
    save(update_fields=...) runs, without the per-row overhead."""
    if not objects:
        return
    fields = [model._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    # Table and column names come quoted from the model; every value is a query parameter.
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"  # nosec B608
    params = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk] for obj in objects]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg2's executemany makes one round trip per row; execute_batch sends pages.
            from psycopg2.extras import execute_batch

            execute_batch(cursor.cursor, sql, params, page_size=250)
            return
        for chunk in chunks(params, BATCH_SIZE):
            cursor.executemany(sql, chunk)


def _creation_changes(employee: Employee) -> dict:
    names = ("nip", "status", *_MANAGED)
    return {
        name.removesuffix("_id"): ["None", smart_str(getattr(employee, name))]
        for name in names
        if getattr(employee, name) not in (None, "")
    }


def import_employees(
    fileobj,
    *,
    filename: str,
    actor: User | None,
    opd_ids: frozenset[int] | None,
    today: dt.date | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import employees from an .xlsx/.csv file object: check every row, then create and
    update all of them in one transaction, or nothing when any row has a problem.

    `actor` is recorded in the audit trail (None for a system import); `opd_ids` limits the
    OPDs the import may write (None: all). With `dry_run`, only checks and counts. The result
    lists every problem; file-level problems have row None."""
    today = today or timezone.localdate()
    result = ImportResult(dry_run=dry_run)
    job = _Import(actor=actor, opd_ids=opd_ids, today=today, progress=progress)
    try:
        with open_table(fileobj, filename) as table:
            job.read(table)
    except ImportFileError as exc:
        result.errors = [problem(None, "", exc.code, exc.message)]
        return result
    result.total_rows = len(job.rows)
    if not job.errors and not job.rows:
        job.errors.append(problem(None, "", "no_rows", _("The file has a header but no data rows.")))
    if job.errors:
        result.errors = job.errors
        return result
    job.load()
    job.load_people()
    job.check_rows()
    if job.errors:
        result.errors = sorted_problems(job.errors)
        return result
    create, update, unchanged = job.plan()
    # A rank or education that another app derives from its history is changed there.
    conflicts = extensions.history_conflicts({row.existing.pk: set(row.changed) for row in update})
    for row in update:
        for owner in conflicts.get(row.existing.pk, []):
            job.error(row, owner.import_column, "owned_by_history", owner.message())
    if job.errors:
        result.errors = sorted_problems(job.errors)
        return result
    result.created, result.updated, result.unchanged = len(create), len(update), unchanged
    if dry_run:
        job.progress(100)
        return result
    job.progress(90)
    write_all_or_nothing(result, lambda: job.write(create, update), name="employee")
    if result.ok:
        job.progress(100)
    return result


def write_all_or_nothing(result: ImportResult, write: Callable[[], None], *, name: str) -> ImportResult:
    """Run `write` in one transaction. When the database refuses it — a constraint the checks
    did not foresee, or a concurrent change to the same records — the transaction is rolled
    back, so nothing was written: the counts are reset and `result` gets one problem."""
    try:
        with transaction.atomic():
            write()
    except DatabaseError as exc:
        logger.warning("%s import rolled back: %r", name, exc)
        result.created = result.updated = result.unchanged = 0
        result.errors = [
            problem(
                None,
                "",
                "write_failed",
                _(
                    "Nothing was imported: the database refused the changes (%(error)s). Try again; if it happens again, contact Admin BKPP."
                )
                % {"error": exc.__class__.__name__},
            )
        ]
    return result


# ---------------------------------------------------------------------------------------------
# Jobs (upload page and Celery task)
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def start_import(uploaded_file, *, kind: str, by: User, language: str | None = None) -> ImportJob:
    """Store an uploaded (already checked) spreadsheet of a registered import `kind` under
    MEDIA_ROOT — never served — and queue the import task after commit. Returns the new job.
    Raises ValueError for a kind that is not registered."""
    if imports.get(kind) is None:
        raise ValueError(f"unknown import kind {kind!r}")
    extension = _extension(uploaded_file.name)
    job = ImportJob(kind=kind, original_name=uploaded_file.name[:255], requested_by=by)
    job.file.save(f"{uuid.uuid4().hex}{extension}", uploaded_file, save=False)
    try:
        job.save()
    except Exception:
        job.file.delete(save=False)
        raise
    run_import_job.delay_on_commit(job_id=job.pk, language=language)
    return job


def start_employee_import(uploaded_file, *, by: User, language: str | None = None) -> ImportJob:
    return start_import(uploaded_file, kind=ImportJob.Kind.EMPLOYEES, by=by, language=language)


def _internal_error() -> ImportResult:
    return ImportResult(
        errors=[
            problem(
                None,
                "",
                "internal_error",
                _("The import stopped because of an unexpected error; nothing was written. Contact Admin BKPP."),
            )
        ]
    )


def run_job(job_id: int, *, today: dt.date | None = None) -> ImportJob | None:
    """Run one import job, of whatever registered kind: progress is saved as it goes (outside
    the write transaction, so the page sees it), then the summary or the errors. A finished
    job is left alone, so a redelivered task does nothing. Whether the uploader may still run
    this kind is checked again: roles can change while a job waits."""
    job = ImportJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None or job.is_done:
        return job
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now(), progress=0, errors=[], summary={}
    )
    last = {"value": -1}

    def progress(percent: int) -> None:
        percent = max(0, min(99, percent))
        if percent != last["value"]:
            last["value"] = percent
            ImportJob.objects.filter(pk=job.pk).update(progress=percent)

    user = job.requested_by
    permissions.forget_actor(user)
    kind = imports.get(job.kind)
    if kind is None:
        logger.error("import job %s has the unregistered kind %r", job.pk, job.kind)
        result = ImportResult(
            errors=[
                problem(
                    None,
                    "",
                    "unknown_kind",
                    _("This kind of import (%(kind)s) is not available any more; nothing was written.")
                    % {"kind": job.kind},
                )
            ]
        )
    elif not kind.may_use(user):
        result = ImportResult(
            errors=[
                problem(
                    None,
                    "",
                    "forbidden",
                    _("You are no longer allowed to run this import (%(kind)s).") % {"kind": kind.label},
                )
            ]
        )
    else:
        try:
            with job.file.open("rb") as fileobj:
                result = kind.run(fileobj, filename=job.original_name, actor=user, today=today, progress=progress)
        except Exception:
            logger.exception("%s import job %s failed", job.kind, job.pk)
            result = _internal_error()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.SUCCEEDED if result.ok else ImportJob.Status.FAILED,
        progress=100,
        total_rows=result.total_rows,
        errors=result.errors,
        summary=result.summary() if result.ok else {},
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


# ---------------------------------------------------------------------------------------------
# The template workbook
# ---------------------------------------------------------------------------------------------

_COLUMN_HELP = (
    ("nip", True, "198609262015051001", gettext_lazy("18 digits; format the column as Text")),
    ("nama", True, "Siti Rahmawati", gettext_lazy("name without titles")),
    ("gelar_depan", False, "dr.", ""),
    ("gelar_belakang", False, "M.Kes.", ""),
    ("jenis_pegawai", True, "PNS", gettext_lazy("PNS, CPNS, PPPK or PPPK Paruh Waktu")),
    ("kode_unit", True, "DINKES", gettext_lazy("unit code as in SIGAP")),
    ("jabatan", False, "Analis Kepegawaian", gettext_lazy("position name; created in the unit if new")),
    (
        "jenis_jabatan",
        False,
        "Fungsional keahlian",
        "JPT Pratama, Administrator, Pengawas, Pelaksana, Fungsional keahlian, Fungsional keterampilan …",
    ),
    ("jenjang", False, "Ahli Pertama", gettext_lazy("functional positions only")),
    ("golongan", False, "III/b", gettext_lazy("PNS/CPNS: I/a–IV/e; PPPK: I–XVII")),
    ("tmt_golongan", False, "2019-04-01", gettext_lazy("YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY")),
    ("pendidikan", False, "S-1", gettext_lazy("SD, SMP, SMA, SMK, D-III, D-IV, S-1, S-2, S-3, Profesi")),
    ("tmt_cpns", False, "2015-05-01", gettext_lazy("must match digits 9–14 of the NIP")),
    ("tmt_pns", False, "2016-05-01", gettext_lazy("PNS only")),
    ("nip_atasan", False, "", gettext_lazy("NIP of the direct supervisor (in the file or in SIGAP)")),
    ("email", False, "siti@semarangkota.go.id", ""),
    ("telepon", False, "081234567890", ""),
)


def template_workbook() -> bytes:
    """The employee import's template (see `build_template`)."""
    return build_template(
        sheet_title="Pegawai",
        columns=COLUMNS,
        column_help=_COLUMN_HELP,
        text_columns=("nip", "nip_atasan", "telepon"),
    )


def build_template(
    *,
    sheet_title: str,
    columns: tuple[str, ...],
    column_help: Iterable[tuple[str, bool, object, str]],
    text_columns: tuple[str, ...] = ("nip",),
    extra_rows: Iterable[list] = (),
) -> bytes:
    """An empty import workbook: the header on the first sheet (the `text_columns` formatted
    as Text, so Excel keeps every digit of a NIP), and a second sheet explaining each column
    — (column, required, example, note) — with an example row, then `extra_rows` (a list of
    codes, say)."""
    import openpyxl
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    column_help = list(column_help)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    sheet.append(list(columns))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DCE6F8")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = bold, fill
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(column) + 4)
        if column in text_columns:
            sheet.column_dimensions[letter].width = 22
            for row in range(2, 1002):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"

    guide = workbook.create_sheet(_("Guide"))
    guide.append([_("Column"), _("Required"), _("Example"), _("Notes")])
    for cell in guide[1]:
        cell.font, cell.fill = bold, fill
    for column, required, example, note in column_help:
        guide.append([column, _("yes") if required else "", example, str(note)])
    for letter, width in zip("ABCD", (18, 10, 26, 70), strict=True):
        guide.column_dimensions[letter].width = width
    guide.append([])
    guide.append([_("Example row (copy to the first sheet, then change it):")])
    guide.append(list(columns))
    example_of = {column: example for column, _r, example, _n in column_help}
    guide.append([example_of.get(column, "") for column in columns])
    extra_rows = list(extra_rows)
    if extra_rows:
        guide.append([])
        for row in extra_rows:
            guide.append([str(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sorted_problems(problems: Iterable[dict], columns: tuple[str, ...] | None = None) -> list[dict]:
    """By row, then column in template order (default: the employee import's), then code."""
    order = {name: i for i, name in enumerate(COLUMNS if columns is None else columns)}
    return sorted(problems, key=lambda e: (e["row"] or 0, order.get(e["column"], -1), e["code"]))


# ---------------------------------------------------------------------------------------------
# The "employees" kind
# ---------------------------------------------------------------------------------------------


def _run_employee_kind(
    fileobj,
    *,
    filename: str,
    actor: User | None,
    today: dt.date | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    # An operator writes only their own OPDs; a system import (no actor) writes any.
    opd_ids = permissions.importable_opd_ids(actor) if actor is not None else None
    return import_employees(
        fileobj, filename=filename, actor=actor, opd_ids=opd_ids, today=today, dry_run=dry_run, progress=progress
    )


def _sees_every_employee_job(user) -> bool:
    actor = permissions.actor_for(user)
    return actor.is_admin or actor.is_superuser


def register() -> None:
    """Register the employee import (AsnPortalConfig.ready)."""
    imports.register(
        imports.ImportKind(
            code=ImportJob.Kind.EMPLOYEES,
            label=gettext_lazy("Employees"),
            title=gettext_lazy("Import employees"),
            description=gettext_lazy(
                "Upload a spreadsheet to add new employees and update existing ones (matched by NIP)."
            ),
            columns=COLUMNS,
            required=REQUIRED_COLUMNS,
            may_use=lambda user: permissions.can_import_employees(user),
            sees_all_jobs=_sees_every_employee_job,
            run=_run_employee_kind,
            template=template_workbook,
            template_filename="template-import-pegawai.xlsx",
            notes=(
                gettext_lazy("Columns you leave out keep their current value."),
                gettext_lazy("Format the nip and nip_atasan columns as Text, so Excel keeps all 18 digits."),
                gettext_lazy("Dates as YYYY-MM-DD, DD-MM-YYYY, DD/MM/YYYY, or real Excel dates."),
                gettext_lazy("golongan like III/a for PNS and CPNS; I to XVII for PPPK."),
                gettext_lazy("nip_atasan may point to another row of the same file."),
            ),
            created_label=gettext_lazy("new employees"),
            updated_label=gettext_lazy("employees updated"),
            result_url_name="portal:employee-list",
            result_link_label=gettext_lazy("Open the employee directory"),
            order=10,
        )
    )
