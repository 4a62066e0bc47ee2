"""The career-history imports, six kinds of the core's spreadsheet imports (asn_portal.imports:
one upload page, job, task and `manage.py import_records KIND FILE` command for every kind),
registered from CareersConfig.ready(). Mainly for moving the histories over from SIASN/SIMPEG:

- "riwayat_pangkat": `nip, golongan, tmt_golongan, nomor_sk, tanggal_sk, jenis_kp` — rank
  decrees; `jenis_kp` is a RankEntryKind code (cpns, pns, reguler, pilihan_struktural, ...,
  penurunan), empty for reguler;
- "riwayat_jabatan": `nip, jabatan, jenis_jabatan, jenjang, kode_unit, tmt_jabatan` — posts held;
- "pendidikan": `nip, jenjang, jurusan, institusi, tanggal_lulus, nomor_ijazah, jalur` — diplomas;
  `jenjang` is an education level code, `jalur` tugas_belajar, izin_belajar or empty;
- "skp": `nip, tahun, predikat` — annual SKP predikat (Sangat Baik ... Sangat Kurang);
- "ujian_dinas": `nip, jenis, tanggal_lulus` — passed UD1, UD2 or UKPPI;
- "angka_kredit": `nip, tanggal, jenjang, angka_kredit` — PAK, the cumulative AK of a JF level.

All or nothing, like the other imports: every row is checked first against the file and the
database together — an unknown NIP, an employee outside the operator's OPDs, a bad value, the
same record twice, ranks out of order or going down without a demotion backed by a sanction, a
promotion TMT that is not a period date of the regime in force on it, an SKP year before the
appointment — and every bad row is listed (row, column, stable code, message in the user's
language); with any problem nothing is written. The rules are those of `careers.history`,
called per row without queries (`check_*`) on data loaded in a fixed number of queries; the
writes go through the history services, in one transaction, so the employee's current rank,
position and education follow. Re-importing the same file changes nothing: its rows are
"unchanged". A rank or post already recorded on the same TMT is never changed by an import.

Admin BKPP imports for everyone, an Operator OPD for the employees of their OPDs (the scope of
the employee import); the command without --as is a system import without scope.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asn_portal import imports, permissions
from asn_portal.importing import (
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
    rank_code,
    read_records,
    sorted_problems,
    write_all_or_nothing,
)
from asn_portal.models import EducationLevel, Employee, Jenjang, OrgUnit, Position, PositionKind, Rank, User
from asn_portal.nip import format_nip
from asn_portal.services import ServiceError
from careers import history, periods
from careers.models import (
    CreditAssessment,
    EducationHistory,
    ExamKind,
    ExamResult,
    PerformanceRating,
    PositionHistory,
    Predikat,
    RankEntryKind,
    RankHistory,
    StudyPath,
)

RANKS = "riwayat_pangkat"
POSITIONS = "riwayat_jabatan"
EDUCATION = "pendidikan"
PERFORMANCE = "skp"
EXAMS = "ujian_dinas"
CREDITS = "angka_kredit"

_EMPLOYEE_FIELDS = ("id", "nip", "name", "front_title", "back_title", "employment_type", "cpns_tmt_on", "opd_id")


# --- Who may use them -----------------------------------------------------------------------------


def can_import_histories(user) -> bool:
    """Admin BKPP and Operator OPD (for their OPDs' employees), as the employee import."""
    return permissions.can_import_employees(user)


def _sees_every_job(user) -> bool:
    actor = permissions.actor_for(user)
    return actor.is_admin or actor.is_superuser


# --- Cells ----------------------------------------------------------------------------------------


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


def _norm(text: str) -> str:
    """Choice text compared without case, spacing, "_", "-" or "/": "Butuh-Perbaikan" is
    "butuh perbaikan"."""
    return " ".join(re.sub(r"[\s_\-/]+", " ", text.casefold()).split())


def _choices(choices, **aliases: str) -> dict[str, str]:
    """Normalised value and labels (English and Indonesian) of a TextChoices -> value."""
    result: dict[str, str] = {}
    for value, label in choices.choices:
        result[_norm(value)] = value
        for language in ("en", "id"):
            with translation.override(language):
                result[_norm(str(label))] = value
    result.update({_norm(alias): value for alias, value in aliases.items()})
    result.pop("", None)
    return result


@dataclass
class _Row:
    row: int
    employee: Employee
    values: dict
    action: str = ""  # "created", "updated" or "unchanged", set by the plan


class _HistoryImport:
    """What the six kinds share: read the file, find the employees (in scope), check each row,
    refuse the same record twice, compare with the database, then write through the services."""

    code = ""
    columns: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    key_columns: tuple[str, ...] = ()  # what makes two rows the same record (for the message)
    column_of_field: dict[str, str] = {}  # ServiceError.field -> spreadsheet column
    text_limits: dict[str, int] = {}
    # Whether a row is checked against the employee's other rows (the rank order).
    rows_depend_on_each_other = False

    def __init__(self, *, actor: User | None, today: dt.date, dry_run: bool, progress: Callable[[int], None]):
        self.actor = actor
        self.today = today
        self.dry_run = dry_run
        self.report = progress
        self.problems = _Problems()
        # An operator writes only their own OPDs' employees; a system import (no actor) any.
        self.opd_ids = permissions.importable_opd_ids(actor) if actor is not None else None

    # Hooks -------------------------------------------------------------------------------------

    def load_reference(self, rows: list[tuple[int, dict]]) -> None:
        """Load the reference data the rows name (a fixed number of queries)."""

    def parse(self, number: int, cells: dict, employee: Employee | None) -> dict | None:
        raise NotImplementedError

    def key(self, employee: Employee, values: dict) -> tuple:
        raise NotImplementedError

    def plan(self, rows: list[_Row]) -> list[_Row]:
        """Compare with the database: set each row's action, add problems; return the rows to
        write, in the order to write them."""
        raise NotImplementedError

    def write_row(self, row: _Row) -> None:
        raise NotImplementedError

    # Shared cell checks --------------------------------------------------------------------------

    def add(self, number: int, column: str, code: str, message: str) -> None:
        self.problems.add(number, column, code, message)

    def required_missing(self, number: int, cells: dict, column: str) -> bool:
        if _is_empty(cells.get(column)):
            self.add(number, column, "required", _("%(column)s is required.") % {"column": column})
            return True
        return False

    def date(self, number: int, cells: dict, column: str, *, required: bool = True) -> dt.date | None:
        if _is_empty(cells.get(column)):
            if required:
                self.required_missing(number, cells, column)
            return None
        try:
            return parse_date_cell(cells.get(column), column)
        except CellError as exc:
            self.add(number, column, exc.code, exc.message)
            return None

    def text(self, number: int, cells: dict, column: str) -> str:
        value = cell_text(cells.get(column))
        limit = self.text_limits.get(column)
        if limit is not None and len(value) > limit:
            self.add(
                number,
                column,
                "too_long",
                _("%(column)s is too long: at most %(limit)d characters (this has %(count)d).")
                % {"column": column, "limit": limit, "count": len(value)},
            )
        return value

    def choice(self, number: int, cells: dict, column: str, lookup: dict[str, str], code: str, message: str, **params):
        """The value of a choice column, or None (problem added) when it is empty or unknown.
        `message` gets the cell as %(value)s, and `params`."""
        if self.required_missing(number, cells, column):
            return None
        text = cell_text(cells.get(column))
        value = lookup.get(_norm(text))
        if value is None:
            self.add(number, column, code, message % {"value": text, **params})
        return value

    def refused(self, number: int, error: ServiceError) -> None:
        self.add(number, self.column_of_field.get(error.field or "", "nip"), error.code, error.message)

    # The run -------------------------------------------------------------------------------------

    def _nip(self, number: int, cells: dict) -> str:
        if self.required_missing(number, cells, "nip"):
            return ""
        try:
            return parse_nip_cell(cells.get("nip"), "nip")
        except CellError as exc:
            self.add(number, "nip", exc.code, exc.message)
            return ""

    def _employees(self, nips: set[str]) -> dict[str, Employee]:
        found: dict[str, Employee] = {}
        for chunk in chunks(sorted(nips), chunk_size()):
            for employee in Employee.objects.filter(nip__in=chunk).only(*_EMPLOYEE_FIELDS):
                found[employee.nip] = employee
        return found

    def _employee(self, number: int, nip: str, employees: dict[str, Employee]) -> Employee | None:
        if not nip:
            return None  # already reported
        employee = employees.get(nip)
        if employee is None:
            self.add(
                number,
                "nip",
                "unknown_employee",
                _("There is no employee with NIP %(nip)s in SIGAP.") % {"nip": format_nip(nip)},
            )
        elif self.opd_ids is not None and employee.opd_id not in self.opd_ids:
            self.add(
                number,
                "nip",
                "employee_other_opd",
                _("%(name)s (NIP %(nip)s) belongs to another OPD; you may import the histories of your own OPD only.")
                % {"name": employee.full_name, "nip": format_nip(nip)},
            )
            return None
        return employee

    def _duplicate(self, number: int, first: int) -> None:
        self.add(
            number,
            self.key_columns[-1],
            "duplicate_row",
            _("The same record (%(columns)s) already appears in row %(row)d of this file.")
            % {"columns": ", ".join(self.key_columns), "row": first},
        )

    def run(self, fileobj, filename: str) -> ImportResult:
        result = ImportResult(dry_run=self.dry_run)
        rows, file_problems = read_records(
            fileobj, filename=filename, columns=self.columns, required=self.required, progress=self.report
        )
        result.total_rows = len(rows)
        if file_problems:
            result.errors = file_problems
            return result

        nips = {number: self._nip(number, cells) for number, cells in rows}
        employees = self._employees({nip for nip in nips.values() if nip})
        self.load_reference(rows)
        self.report(30)

        checked: list[_Row] = []
        first_row_of: dict[tuple, int] = {}
        with_bad_rows: set[int] = set()  # employees with a row refused on its own
        for count, (number, cells) in enumerate(rows, start=1):
            employee = self._employee(number, nips[number], employees)
            values = self.parse(number, cells, employee)
            if employee is not None and values is not None and number not in self.problems.bad_rows:
                key = self.key(employee, values)
                if key in first_row_of:
                    self._duplicate(number, first_row_of[key])
                else:
                    first_row_of[key] = number
                    checked.append(_Row(number, employee, values))
            if employee is not None and number in self.problems.bad_rows:
                with_bad_rows.add(employee.pk)
            if count % PROGRESS_EVERY == 0:
                self.report(30 + 40 * count // len(rows))
        self.report(70)
        if self.rows_depend_on_each_other:
            # A bad row left out would make the rest of that employee's history look wrong
            # where it is not (a rank going down after a missing row): check it once it is fixed.
            checked = [row for row in checked if row.employee.pk not in with_bad_rows]
        to_write = self.plan(checked)
        if self.problems:
            result.errors = sorted_problems(self.problems.items, self.columns)
            return result
        for row in checked:
            setattr(result, row.action, getattr(result, row.action) + 1)
        if self.dry_run:
            self.report(100)
            return result
        self.report(85)

        refused: list[dict] = []

        class _Refused(Exception):
            pass

        def write() -> None:
            for row in to_write:
                try:
                    self.write_row(row)
                except ServiceError as error:
                    refused.append(
                        problem(row.row, self.column_of_field.get(error.field or "", "nip"), error.code, error.message)
                    )
                    raise _Refused from error

        try:
            write_all_or_nothing(result, write, name=self.code)
        except _Refused:
            # The transaction was rolled back: nothing of this file was written.
            result.created = result.updated = result.unchanged = 0
            result.errors = refused
        if result.ok:
            self.report(100)
        return result


def _runner(kind: type[_HistoryImport]):
    def run(
        fileobj,
        *,
        filename: str,
        actor: User | None,
        today: dt.date | None = None,
        dry_run: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> ImportResult:
        job = kind(
            actor=actor, today=today or timezone.localdate(), dry_run=dry_run, progress=progress or (lambda p: None)
        )
        return job.run(fileobj, filename)

    run.__doc__ = kind.__doc__
    run.__name__ = f"import_{kind.code}"
    return run


def _by_employee(rows: list[_Row]) -> list[int]:
    return sorted({row.employee.pk for row in rows})


# --- riwayat_pangkat ------------------------------------------------------------------------------


class _RankImport(_HistoryImport):
    """Import rank decrees (riwayat pangkat), all rows or none."""

    code = RANKS
    rows_depend_on_each_other = True
    columns = ("nip", "golongan", "tmt_golongan", "nomor_sk", "tanggal_sk", "jenis_kp")
    required = ("nip", "golongan", "tmt_golongan")
    key_columns = ("nip", "tmt_golongan")
    column_of_field = {
        "rank": "golongan",
        "tmt_on": "tmt_golongan",
        "kind": "jenis_kp",
        "decree_number": "nomor_sk",
    }
    text_limits = {"nomor_sk": RankHistory._meta.get_field("decree_number").max_length}

    def load_reference(self, rows) -> None:
        self.ranks = {rank.code: rank for rank in Rank.objects.all()}
        self.kinds = _choices(RankEntryKind)

    def parse(self, number, cells, employee):
        rank = None
        if not self.required_missing(number, cells, "golongan"):
            text = cell_text(cells.get("golongan"))
            rank = self.ranks.get(rank_code(text) or "")
            if rank is None:
                self.add(
                    number,
                    "golongan",
                    "unknown_rank",
                    _("Unknown golongan %(value)s: write it like III/a (I/a to IV/e).") % {"value": text},
                )
        tmt_on = self.date(number, cells, "tmt_golongan")
        decree_number = self.text(number, cells, "nomor_sk")
        decree_on = self.date(number, cells, "tanggal_sk", required=False)
        if decree_on is not None and decree_on > self.today:
            self.add(
                number,
                "tanggal_sk",
                "date_in_future",
                _("The %(label)s cannot be in the future (%(date)s).")
                % {"label": _("decree date"), "date": decree_on.isoformat()},
            )
        kind = RankEntryKind.REGULER.value
        if not _is_empty(cells.get("jenis_kp")):
            kind = self.choice(
                number,
                cells,
                "jenis_kp",
                self.kinds,
                "unknown_rank_kind",
                _("Unknown jenis_kp %(value)s: use one of %(codes)s, or leave it empty for reguler."),
                codes=", ".join(RankEntryKind.values),
            )
        if rank is None or tmt_on is None or kind is None:
            return None
        return {"rank": rank, "tmt_on": tmt_on, "kind": kind, "decree_number": decree_number, "decree_on": decree_on}

    def key(self, employee, values):
        return (employee.pk, values["tmt_on"])

    def plan(self, rows):
        ids = _by_employee(rows)
        recorded: dict[int, list[history.RankEntry]] = {}
        decrees: dict[tuple[int, dt.date], tuple[str, dt.date | None]] = {}
        for chunk in chunks(ids, chunk_size()):
            for employee_id, rank_id, code, tmt_on, kind, number, decree_on in (
                RankHistory.objects.filter(employee_id__in=chunk)
                .order_by("employee_id", "tmt_on", "id")
                .values_list("employee_id", "rank_id", "rank__code", "tmt_on", "kind", "decree_number", "decree_on")
            ):
                recorded.setdefault(employee_id, []).append(history.RankEntry(rank_id, code, tmt_on, kind))
                decrees[(employee_id, tmt_on)] = (number, decree_on)
        regimes = periods.load_regimes()
        demoted = {row.employee.pk for row in rows if row.values["kind"] == RankEntryKind.DEMOTION}
        sanctions: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
        if demoted:
            from integrity.models import Sanction

            for chunk in chunks(sorted(demoted), chunk_size()):
                for employee_id, starts_on, ends_on in Sanction.objects.filter(
                    employee_id__in=chunk, type__code__in=history.DEMOTION_SANCTION_TYPES, is_annulled=False
                ).values_list("employee_id", "starts_on", "ends_on"):
                    sanctions.setdefault(employee_id, []).append((starts_on, ends_on))

        # Each employee's rows in TMT order, checked as the service will see them when they are
        # written in that order: the history so far, then this row.
        to_write: list[_Row] = []
        for row in sorted(rows, key=lambda r: (r.employee.pk, r.values["tmt_on"])):
            employee, values = row.employee, row.values
            sequence = recorded.setdefault(employee.pk, [])
            new = history.RankEntry(values["rank"].pk, values["rank"].code, values["tmt_on"], values["kind"])
            same_day = next((entry for entry in sequence if entry.tmt_on == new.tmt_on), None)
            if same_day is not None:
                number, decree_on = decrees.get((employee.pk, new.tmt_on), ("", None))
                if (
                    (same_day.rank_id, same_day.kind) == (new.rank_id, new.kind)
                    and values["decree_number"] in ("", number)
                    and values["decree_on"] in (None, decree_on)
                ):
                    row.action = "unchanged"
                else:
                    self.add(
                        row.row,
                        "tmt_golongan",
                        "rank_tmt_taken",
                        _(
                            "Another rank is already recorded with TMT %(date)s (%(rank)s, %(kind)s, SK %(decree)s); "
                            "an import does not change recorded ranks."
                        )
                        % {
                            "date": new.tmt_on.isoformat(),
                            "rank": same_day.rank_code,
                            "kind": same_day.kind,
                            "decree": number or "—",
                        },
                    )
                continue
            try:
                history.check_rank_entry(
                    sequence,
                    new,
                    is_pppk=employee.is_pppk,
                    cpns_tmt_on=employee.cpns_tmt_on,
                    regimes=regimes,
                    demotion_backed=any(
                        history.in_force(starts_on, ends_on, new.tmt_on)
                        for starts_on, ends_on in sanctions.get(employee.pk, ())
                    ),
                )
            except ServiceError as error:
                self.refused(row.row, error)
                continue
            sequence.append(new)
            sequence.sort(key=lambda entry: entry.tmt_on)
            row.action = "created"
            to_write.append(row)
        return to_write

    def write_row(self, row):
        history.record_rank(row.employee, by=self.actor, **row.values)


def rank_template() -> bytes:
    return build_template(
        sheet_title="Riwayat pangkat",
        columns=_RankImport.columns,
        column_help=(
            ("nip", True, "198609262015051001", gettext_lazy("18 digits; format the column as Text")),
            ("golongan", True, "III/b", gettext_lazy("I/a to IV/e")),
            ("tmt_golongan", True, "2019-04-01", gettext_lazy("YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY")),
            ("nomor_sk", False, "823.3/123/2019", gettext_lazy("decree (SK) number")),
            ("tanggal_sk", False, "2019-03-15", gettext_lazy("decree date; not in the future")),
            ("jenis_kp", False, "reguler", gettext_lazy("the kind of the entry (codes below); empty means reguler")),
        ),
        text_columns=("nip", "nomor_sk"),
        extra_rows=[[_("Kinds (jenis_kp):")], *([value, str(label)] for value, label in RankEntryKind.choices)],
    )


# --- riwayat_jabatan ------------------------------------------------------------------------------


class _PositionImport(_HistoryImport):
    """Import posts held (riwayat jabatan), all rows or none."""

    code = POSITIONS
    columns = ("nip", "jabatan", "jenis_jabatan", "jenjang", "kode_unit", "tmt_jabatan")
    required = ("nip", "jabatan", "jenis_jabatan", "kode_unit", "tmt_jabatan")
    key_columns = ("nip", "tmt_jabatan")
    column_of_field = {
        "name": "jabatan",
        "kind": "jenis_jabatan",
        "jenjang": "jenjang",
        "position": "jabatan",
        "tmt_on": "tmt_jabatan",
        "unit": "kode_unit",
    }
    text_limits = {"jabatan": PositionHistory._meta.get_field("name").max_length}

    def load_reference(self, rows) -> None:
        self.kinds = _choices(PositionKind)
        self.levels = _choices(Jenjang)
        # The units the file names (codes compare without case), and the catalogue posts in
        # them, which a row is linked to when its name, kind and level match.
        self.units: dict[str, OrgUnit] = {}
        self.positions: dict[tuple, Position] = {}
        codes = {cell_text(cells.get("kode_unit")).upper() for _number, cells in rows} - {""}
        if not codes:
            return
        # Units are few (hundreds): all of them in one query, as the employee import does.
        self.units = {unit.code.upper(): unit for unit in OrgUnit.objects.all() if unit.code.upper() in codes}
        unit_ids = sorted({unit.pk for unit in self.units.values()})
        for chunk in chunks(unit_ids, chunk_size()):
            for position in Position.objects.filter(unit_id__in=chunk).select_related("unit").order_by("id"):
                key = (position.unit_id, position.name.casefold(), position.kind, position.jenjang)
                self.positions.setdefault(key, position)

    def parse(self, number, cells, employee):
        name = " ".join(self.text(number, cells, "jabatan").split())
        if not name:
            self.required_missing(number, cells, "jabatan")
        kind = self.choice(
            number,
            cells,
            "jenis_jabatan",
            self.kinds,
            "unknown_position_kind",
            _("Unknown jenis_jabatan %(value)s: use one of %(codes)s."),
            codes=", ".join(PositionKind.values),
        )
        jenjang = ""
        if not _is_empty(cells.get("jenjang")):
            jenjang = self.choice(
                number,
                cells,
                "jenjang",
                self.levels,
                "unknown_jenjang",
                _("Unknown jenjang %(value)s: use one of %(codes)s."),
                codes=", ".join(Jenjang.values),
            )
        unit = None
        if not self.required_missing(number, cells, "kode_unit"):
            code = cell_text(cells.get("kode_unit"))
            unit = self.units.get(code.upper())
            if unit is None:
                self.add(number, "kode_unit", "unknown_unit", _("Unknown unit code %(code)s.") % {"code": code})
        tmt_on = self.date(number, cells, "tmt_jabatan")
        if not name or kind is None or jenjang is None or unit is None or tmt_on is None:
            return None
        position = self.positions.get((unit.pk, name.casefold(), kind, jenjang))
        try:
            history.check_position(name=name, kind=kind, jenjang=jenjang, unit=unit, position=position)
        except ServiceError as error:
            self.refused(number, error)
            return None
        return {"name": name, "kind": kind, "jenjang": jenjang, "unit": unit, "tmt_on": tmt_on, "position": position}

    def key(self, employee, values):
        return (employee.pk, values["tmt_on"])

    def plan(self, rows):
        recorded: dict[tuple[int, dt.date], tuple] = {}
        for chunk in chunks(_by_employee(rows), chunk_size()):
            for employee_id, tmt_on, name, kind, jenjang, unit_id in PositionHistory.objects.filter(
                employee_id__in=chunk
            ).values_list("employee_id", "tmt_on", "name", "kind", "jenjang", "unit_id"):
                recorded[(employee_id, tmt_on)] = (name, kind, jenjang, unit_id)
        to_write = []
        for row in sorted(rows, key=lambda r: (r.employee.pk, r.values["tmt_on"])):
            values = row.values
            same_day = recorded.get((row.employee.pk, values["tmt_on"]))
            if same_day is None:
                row.action = "created"
                to_write.append(row)
            elif (same_day[0].casefold(), *same_day[1:]) == (
                values["name"].casefold(),
                values["kind"],
                values["jenjang"],
                values["unit"].pk,
            ):
                row.action = "unchanged"
            else:
                self.add(
                    row.row,
                    "tmt_jabatan",
                    "position_tmt_taken",
                    _(
                        "Another position is already recorded with TMT %(date)s (%(name)s); an import does not change "
                        "recorded positions."
                    )
                    % {"date": values["tmt_on"].isoformat(), "name": same_day[0]},
                )
        return to_write

    def write_row(self, row):
        history.record_position(row.employee, by=self.actor, **row.values)


def position_template() -> bytes:
    return build_template(
        sheet_title="Riwayat jabatan",
        columns=_PositionImport.columns,
        column_help=(
            ("nip", True, "198609262015051001", gettext_lazy("18 digits; format the column as Text")),
            ("jabatan", True, "Analis Kepegawaian", gettext_lazy("position name as on the decree")),
            ("jenis_jabatan", True, "fungsional_keahlian", gettext_lazy("the kind of position (codes below)")),
            ("jenjang", False, "ahli_pertama", gettext_lazy("functional positions only (codes below)")),
            ("kode_unit", True, "DINKES", gettext_lazy("unit code as in SIGAP")),
            ("tmt_jabatan", True, "2021-01-04", gettext_lazy("YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY")),
        ),
        extra_rows=[
            [_("Kinds of position (jenis_jabatan):")],
            *([value, str(label)] for value, label in PositionKind.choices),
            [],
            [_("Levels of functional positions (jenjang):")],
            *([value, str(label)] for value, label in Jenjang.choices),
        ],
    )


# --- pendidikan -----------------------------------------------------------------------------------


def _level_key(text: str) -> str:
    return re.sub(r"[\s\-_./]+", "", text.upper())


class _EducationImport(_HistoryImport):
    """Import diplomas (riwayat pendidikan), all rows or none."""

    code = EDUCATION
    columns = ("nip", "jenjang", "jurusan", "institusi", "tanggal_lulus", "nomor_ijazah", "jalur")
    required = ("nip", "jenjang", "institusi", "tanggal_lulus")
    key_columns = ("nip", "jenjang", "tanggal_lulus")
    column_of_field = {
        "institution": "institusi",
        "graduated_on": "tanggal_lulus",
        "path": "jalur",
        "level": "jenjang",
        "major": "jurusan",
        "diploma_number": "nomor_ijazah",
    }
    text_limits = {
        "jurusan": EducationHistory._meta.get_field("major").max_length,
        "institusi": EducationHistory._meta.get_field("institution").max_length,
        "nomor_ijazah": EducationHistory._meta.get_field("diploma_number").max_length,
    }

    def load_reference(self, rows) -> None:
        self.levels = {_level_key(level.code): level for level in EducationLevel.objects.order_by("order")}
        self.paths = _choices(StudyPath)

    def parse(self, number, cells, employee):
        level = None
        if not self.required_missing(number, cells, "jenjang"):
            text = cell_text(cells.get("jenjang"))
            level = self.levels.get(_level_key(text))
            if level is None:
                self.add(
                    number,
                    "jenjang",
                    "unknown_education_level",
                    _("Unknown jenjang %(value)s: use an education level code (%(codes)s).")
                    % {"value": text, "codes": ", ".join(level.code for level in self.levels.values())},
                )
        major = self.text(number, cells, "jurusan")
        institution = self.text(number, cells, "institusi")
        graduated_on = self.date(number, cells, "tanggal_lulus")
        diploma_number = self.text(number, cells, "nomor_ijazah")
        path = ""
        if not _is_empty(cells.get("jalur")):
            path = self.paths.get(_norm(cell_text(cells.get("jalur"))))
            if path is None:
                self.add(
                    number,
                    "jalur",
                    "invalid_path",
                    _("The study path is tugas_belajar, izin_belajar or empty (not %(path)s).")
                    % {"path": cell_text(cells.get("jalur"))},
                )
        if level is None or graduated_on is None or path is None:
            return None
        try:
            history.check_education(institution=institution, graduated_on=graduated_on, path=path, today=self.today)
        except ServiceError as error:
            self.refused(number, error)
            return None
        return {
            "level": level,
            "major": " ".join(major.split()),
            "institution": " ".join(institution.split()),
            "graduated_on": graduated_on,
            "diploma_number": diploma_number,
            "path": path,
        }

    def key(self, employee, values):
        return (employee.pk, values["level"].pk, values["graduated_on"])

    def plan(self, rows):
        recorded: dict[tuple, tuple] = {}
        for chunk in chunks(_by_employee(rows), chunk_size()):
            for (
                employee_id,
                level_id,
                graduated_on,
                major,
                institution,
                number,
                path,
            ) in EducationHistory.objects.filter(employee_id__in=chunk).values_list(
                "employee_id", "level_id", "graduated_on", "major", "institution", "diploma_number", "path"
            ):
                recorded[(employee_id, level_id, graduated_on)] = (major, institution, number, path)
        to_write = []
        for row in rows:
            values = row.values
            before = recorded.get(self.key(row.employee, values))
            after = (values["major"], values["institution"], values["diploma_number"], values["path"])
            if before == after:
                row.action = "unchanged"
                continue
            row.action = "created" if before is None else "updated"
            to_write.append(row)
        return to_write

    def write_row(self, row):
        history.record_education(row.employee, by=self.actor, today=self.today, **row.values)


def education_template() -> bytes:
    levels = EducationLevel.objects.order_by("order")
    return build_template(
        sheet_title="Riwayat pendidikan",
        columns=_EducationImport.columns,
        column_help=(
            ("nip", True, "198609262015051001", gettext_lazy("18 digits; format the column as Text")),
            ("jenjang", True, "S1", gettext_lazy("the education level code (listed below)")),
            ("jurusan", False, "Ilmu Administrasi Negara", ""),
            ("institusi", True, "Universitas Diponegoro", ""),
            ("tanggal_lulus", True, "2012-08-25", gettext_lazy("YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY")),
            ("nomor_ijazah", False, "UN7.F1/2012/001234", ""),
            ("jalur", False, "", gettext_lazy("tugas_belajar, izin_belajar, or empty (before appointment)")),
        ),
        text_columns=("nip", "nomor_ijazah"),
        extra_rows=[[_("Education levels (jenjang):")], *([level.code, level.name] for level in levels)],
    )


# --- skp ------------------------------------------------------------------------------------------

_YEAR = re.compile(r"^\d{4}$")


class _PerformanceImport(_HistoryImport):
    """Import annual SKP predikat, all rows or none."""

    code = PERFORMANCE
    columns = ("nip", "tahun", "predikat")
    required = columns
    key_columns = ("nip", "tahun")
    column_of_field = {"year": "tahun", "predikat": "predikat"}

    def load_reference(self, rows) -> None:
        self.predikat = _choices(Predikat, kurang=Predikat.KURANG, misconduct=Predikat.KURANG)

    def parse(self, number, cells, employee):
        year = None
        if not self.required_missing(number, cells, "tahun"):
            text = cell_text(cells.get("tahun"))
            if _YEAR.match(text):
                year = int(text)
            else:
                self.add(
                    number,
                    "tahun",
                    "invalid_year",
                    _("%(value)s in tahun is not a year: write it as four digits (2025).") % {"value": text},
                )
        predikat = self.choice(
            number,
            cells,
            "predikat",
            self.predikat,
            "unknown_predikat",
            _("Unknown predikat %(value)s: use Sangat Baik, Baik, Butuh Perbaikan, Kurang or Sangat Kurang."),
        )
        if year is None or predikat is None or employee is None:
            return None
        try:
            history.check_performance(employee, year=year, predikat=predikat, today=self.today)
        except ServiceError as error:
            self.refused(number, error)
            return None
        return {"year": year, "predikat": predikat}

    def key(self, employee, values):
        return (employee.pk, values["year"])

    def plan(self, rows):
        recorded: dict[tuple[int, int], str] = {}
        for chunk in chunks(_by_employee(rows), chunk_size()):
            for employee_id, year, predikat in PerformanceRating.objects.filter(employee_id__in=chunk).values_list(
                "employee_id", "year", "predikat"
            ):
                recorded[(employee_id, year)] = predikat
        to_write = []
        for row in rows:
            before = recorded.get(self.key(row.employee, row.values))
            if before == row.values["predikat"]:
                row.action = "unchanged"
                continue
            row.action = "created" if before is None else "updated"
            to_write.append(row)
        return to_write

    def write_row(self, row):
        history.record_performance(row.employee, by=self.actor, today=self.today, **row.values)


def performance_template() -> bytes:
    return build_template(
        sheet_title="SKP",
        columns=_PerformanceImport.columns,
        column_help=(
            ("nip", True, "198609262015051001", gettext_lazy("18 digits; format the column as Text")),
            ("tahun", True, "2025", gettext_lazy("the year rated; not before the TMT CPNS year")),
            (
                "predikat",
                True,
                "Baik",
                gettext_lazy("Sangat Baik, Baik, Butuh Perbaikan, Kurang or Sangat Kurang"),
            ),
        ),
    )


# --- ujian_dinas ----------------------------------------------------------------------------------


class _ExamImport(_HistoryImport):
    """Import passed service exams (UD1, UD2, UKPPI), all rows or none."""

    code = EXAMS
    columns = ("nip", "jenis", "tanggal_lulus")
    required = columns
    key_columns = ("nip", "jenis", "tanggal_lulus")
    column_of_field = {"kind": "jenis", "passed_on": "tanggal_lulus"}

    def load_reference(self, rows) -> None:
        self.kinds = {value: value for value in ExamKind.values}

    def parse(self, number, cells, employee):
        kind = None
        if not self.required_missing(number, cells, "jenis"):
            text = cell_text(cells.get("jenis"))
            kind = self.kinds.get(_level_key(text))
            if kind is None:
                self.add(
                    number,
                    "jenis",
                    "invalid_exam",
                    _("Unknown exam %(value)s: use UD1, UD2 or UKPPI.") % {"value": text},
                )
        passed_on = self.date(number, cells, "tanggal_lulus")
        if kind is None or passed_on is None or employee is None:
            return None
        try:
            history.check_exam(employee, kind=kind, passed_on=passed_on, today=self.today)
        except ServiceError as error:
            self.refused(number, error)
            return None
        return {"kind": kind, "passed_on": passed_on}

    def key(self, employee, values):
        return (employee.pk, values["kind"], values["passed_on"])

    def plan(self, rows):
        recorded: set[tuple] = set()
        for chunk in chunks(_by_employee(rows), chunk_size()):
            recorded.update(
                ExamResult.objects.filter(employee_id__in=chunk).values_list("employee_id", "kind", "passed_on")
            )
        to_write = []
        for row in rows:
            if self.key(row.employee, row.values) in recorded:
                row.action = "unchanged"
            else:
                row.action = "created"
                to_write.append(row)
        return to_write

    def write_row(self, row):
        history.record_exam(row.employee, by=self.actor, today=self.today, **row.values)


def exam_template() -> bytes:
    return build_template(
        sheet_title="Ujian dinas",
        columns=_ExamImport.columns,
        column_help=(
            ("nip", True, "198609262015051001", gettext_lazy("18 digits; format the column as Text")),
            ("jenis", True, "UD1", gettext_lazy("UD1 (Ujian Dinas I), UD2 (Ujian Dinas II) or UKPPI")),
            ("tanggal_lulus", True, "2018-11-20", gettext_lazy("YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY")),
        ),
    )


# --- angka_kredit ---------------------------------------------------------------------------------


class _CreditImport(_HistoryImport):
    """Import angka kredit assessments (PAK), all rows or none."""

    code = CREDITS
    columns = ("nip", "tanggal", "jenjang", "angka_kredit")
    required = columns
    key_columns = ("nip", "tanggal")
    column_of_field = {"assessed_on": "tanggal", "jenjang": "jenjang", "total": "angka_kredit"}

    def load_reference(self, rows) -> None:
        self.levels = _choices(Jenjang)

    def parse(self, number, cells, employee):
        assessed_on = self.date(number, cells, "tanggal")
        jenjang = self.choice(
            number,
            cells,
            "jenjang",
            self.levels,
            "invalid_jenjang",
            _("Unknown jenjang %(value)s: use one of %(codes)s."),
            codes=", ".join(Jenjang.values),
        )
        total = None
        if not self.required_missing(number, cells, "angka_kredit"):
            value = cells.get("angka_kredit")
            text = cell_text(value).replace(" ", "")
            if isinstance(value, str) and text.count(",") == 1 and "." not in text:
                text = text.replace(",", ".")  # the Indonesian decimal comma: 12,5
            try:
                total = history.parse_credit(text)
            except ServiceError as error:
                self.refused(number, error)
        if assessed_on is None or jenjang is None or total is None:
            return None
        try:
            history.check_credit_assessment(assessed_on=assessed_on, jenjang=jenjang, total=total, today=self.today)
        except ServiceError as error:
            self.refused(number, error)
            return None
        return {"assessed_on": assessed_on, "jenjang": jenjang, "total": total}

    def key(self, employee, values):
        return (employee.pk, values["assessed_on"])

    def plan(self, rows):
        recorded: dict[tuple[int, dt.date], tuple[str, Decimal]] = {}
        for chunk in chunks(_by_employee(rows), chunk_size()):
            for employee_id, assessed_on, jenjang, total in CreditAssessment.objects.filter(
                employee_id__in=chunk
            ).values_list("employee_id", "assessed_on", "jenjang", "total"):
                recorded[(employee_id, assessed_on)] = (jenjang, total)
        to_write = []
        for row in rows:
            before = recorded.get(self.key(row.employee, row.values))
            if before == (row.values["jenjang"], row.values["total"]):
                row.action = "unchanged"
                continue
            row.action = "created" if before is None else "updated"
            to_write.append(row)
        return to_write

    def write_row(self, row):
        history.record_credit_assessment(row.employee, by=self.actor, today=self.today, **row.values)


def credit_template() -> bytes:
    return build_template(
        sheet_title="Angka kredit",
        columns=_CreditImport.columns,
        column_help=(
            ("nip", True, "198609262015051001", gettext_lazy("18 digits; format the column as Text")),
            ("tanggal", True, "2025-01-31", gettext_lazy("date of the PAK; not in the future")),
            ("jenjang", True, "ahli_pertama", gettext_lazy("the functional level (codes below)")),
            ("angka_kredit", True, "62,5", gettext_lazy("cumulative angka kredit in the level; 0 or more")),
        ),
        extra_rows=[
            [_("Levels of functional positions (jenjang):")],
            *([value, str(label)] for value, label in Jenjang.choices),
        ],
    )


import_ranks = _runner(_RankImport)
import_positions = _runner(_PositionImport)
import_education = _runner(_EducationImport)
import_performance = _runner(_PerformanceImport)
import_exams = _runner(_ExamImport)
import_credits = _runner(_CreditImport)


# --- Registration (CareersConfig.ready) ---------------------------------------------------------

_DATES_NOTE = gettext_lazy("Dates as YYYY-MM-DD, DD-MM-YYYY, DD/MM/YYYY, or real Excel dates.")
_SCOPE_NOTE = gettext_lazy("An Operator OPD imports the histories of their own OPD's employees only.")


def _rank_kinds_note() -> str:
    return _("jenis_kp is one of %(codes)s; empty means reguler.") % {"codes": ", ".join(RankEntryKind.values)}


def _education_levels_note() -> str:
    codes = EducationLevel.objects.order_by("order").values_list("code", flat=True)
    return _("jenjang is an education level code: %(codes)s.") % {"codes": ", ".join(codes)}


_KINDS = (
    (
        RANKS,
        gettext_lazy("Rank history"),
        gettext_lazy("Import rank history"),
        gettext_lazy(
            "Load rank decrees (riwayat pangkat) from a spreadsheet, for example when moving data from SIASN. "
            "The employee's current rank follows the latest decree."
        ),
        import_ranks,
        rank_template,
        (
            lazy(_rank_kinds_note, str)(),
            gettext_lazy(
                "Ranks go up in TMT order; a rank goes down only with jenis_kp penurunan and a demotion sanction "
                "recorded in SIGAP."
            ),
            gettext_lazy("A promotion's TMT is a promotion period date of the rules in force on that date."),
            _DATES_NOTE,
        ),
        gettext_lazy("rank entries recorded"),
        81,
    ),
    (
        POSITIONS,
        gettext_lazy("Position history"),
        gettext_lazy("Import position history"),
        gettext_lazy("Load the posts employees held (riwayat jabatan) from a spreadsheet."),
        import_positions,
        position_template,
        (
            gettext_lazy("jenjang only for functional positions."),
            gettext_lazy("A post already recorded on the same TMT is not changed."),
            _DATES_NOTE,
        ),
        gettext_lazy("positions recorded"),
        82,
    ),
    (
        EDUCATION,
        gettext_lazy("Education history"),
        gettext_lazy("Import education history"),
        gettext_lazy(
            "Load diplomas (riwayat pendidikan) from a spreadsheet. The employee's highest education follows."
        ),
        import_education,
        education_template,
        (
            lazy(_education_levels_note, str)(),
            gettext_lazy("jalur: tugas_belajar, izin_belajar or empty."),
            _DATES_NOTE,
        ),
        gettext_lazy("diplomas recorded"),
        83,
    ),
    (
        PERFORMANCE,
        gettext_lazy("SKP ratings"),
        gettext_lazy("Import SKP ratings"),
        gettext_lazy("Load the annual SKP predikat of employees from a spreadsheet: one row per employee and year."),
        import_performance,
        performance_template,
        (
            gettext_lazy("predikat: Sangat Baik, Baik, Butuh Perbaikan, Kurang or Sangat Kurang."),
            gettext_lazy("A year already rated gets the predikat of the file."),
        ),
        gettext_lazy("ratings recorded"),
        84,
    ),
    (
        EXAMS,
        gettext_lazy("Service exams"),
        gettext_lazy("Import service exam results"),
        gettext_lazy("Load passed Ujian Dinas I, Ujian Dinas II and UKPPI from a spreadsheet."),
        import_exams,
        exam_template,
        (gettext_lazy("jenis: UD1, UD2 or UKPPI."), _DATES_NOTE),
        gettext_lazy("exam results recorded"),
        85,
    ),
    (
        CREDITS,
        gettext_lazy("Angka kredit (PAK)"),
        gettext_lazy("Import angka kredit assessments"),
        gettext_lazy("Load angka kredit assessments (PAK) of functional officials from a spreadsheet."),
        import_credits,
        credit_template,
        (
            gettext_lazy("angka_kredit is the cumulative total in the level, 0 or more; 12,5 and 12.5 both work."),
            gettext_lazy("An assessment of the same date gets the values of the file."),
            _DATES_NOTE,
        ),
        gettext_lazy("assessments recorded"),
        86,
    ),
)


_KIND_CLASSES: dict[str, type[_HistoryImport]] = {
    kind.code: kind
    for kind in (_RankImport, _PositionImport, _EducationImport, _PerformanceImport, _ExamImport, _CreditImport)
}


def register() -> None:
    """Register the six kinds (CareersConfig.ready)."""
    for code, label, title, description, run, template, notes, created_label, order in _KINDS:
        imports.register(
            imports.ImportKind(
                code=code,
                label=label,
                title=title,
                description=description,
                columns=_KIND_CLASSES[code].columns,
                required=_KIND_CLASSES[code].required,
                may_use=can_import_histories,
                sees_all_jobs=_sees_every_job,
                run=run,
                template=template,
                template_filename=f"template-import-{code.replace('_', '-')}.xlsx",
                notes=(*notes, _SCOPE_NOTE),
                created_label=created_label,
                updated_label=gettext_lazy("records updated"),
                unchanged_label=gettext_lazy("already up to date"),
                result_url_name="portal:employee-list",
                result_link_label=gettext_lazy("Open the employee directory"),
                order=order,
            )
        )
