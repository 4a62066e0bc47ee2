"""The training results import, kind "hasil_pelatihan" of the core's spreadsheet imports
(asn_portal.imports: one upload page, job, task and `manage.py import_records` command for
every kind). Registered from TrainingConfig.ready().

One file holds the results of ONE session. The import registry hands a kind nothing but the
file (no per-job options), so the session travels in the file: a `sesi` column with the
session's code — the programme code and the batch, "BIMTEK-SKP/3" — the same on every row.
BKPP downloads the sheet of a session from its results page with `sesi`, `nip` and `nama`
already filled for every confirmed participant, and uploads it there (the page checks that
the file is that session's); the generic upload page and the command take the same file:

    manage.py import_records hasil_pelatihan hasil-bimtek-skp-3.xlsx --as admin.bkpp

Columns: `sesi`, `nip`, `lulus` (ya / tidak / tidak hadir) required; `nilai` (0–100),
`catatan` and `nama` (ignored: it helps whoever fills the sheet) optional.

All or nothing: every row is checked first — a NIP that is not in SIGAP, or not a confirmed
participant of the session, a result already recorded differently, the same NIP twice —
and every bad row is listed; with any problem nothing is written. The writes go through
`services.record_result` (which issues the certificate of a pass and tells the employee), in
one transaction. Re-importing the same file changes nothing (the rows are "unchanged")."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asn_portal import imports
from asn_portal.importing import (
    CellError,
    ImportResult,
    build_template,
    cell_text,
    chunk_size,
    chunks,
    parse_nip_cell,
    problem,
    read_records,
    sorted_problems,
    write_all_or_nothing,
)
from asn_portal.models import Employee, User
from asn_portal.nip import format_nip
from asn_portal.services import ServiceError
from training import services
from training.models import Registration, RegistrationState, Session, SessionStatus
from training.permissions import can_manage_training

RESULTS = "hasil_pelatihan"
COLUMNS = ("sesi", "nip", "nama", "lulus", "nilai", "catatan")
REQUIRED = ("sesi", "nip", "lulus")
NOTES_MAX = 2000

S = RegistrationState
_YES = {"ya", "y", "lulus", "yes", "passed", "pass"}
_NO = {"tidak", "t", "tidak lulus", "no", "failed", "fail"}
_ABSENT = {"tidak hadir", "tidak_hadir", "tidak-hadir", "absen", "absent", "no show", "no-show", "no_show"}
# What a recorded result is, in the file's terms: passed True, not passed False, no-show None.
_OUTCOME_OF_STATE = {S.COMPLETED: True, S.FAILED: False, S.NO_SHOW: None}


def session_code(session: Session) -> str:
    """How a file names its session: programme code, "/", batch ("BIMTEK-SKP/3")."""
    return f"{session.program.code}/{session.batch}"


def find_session(code: str) -> Session | None:
    program_code, _sep, batch = (code or "").strip().rpartition("/")
    if not program_code or not batch.strip().isdigit():
        return None
    return (
        Session.objects.select_related("program")
        .filter(program__code__iexact=program_code.strip(), batch=int(batch))
        .first()
    )


def _label(outcome: bool | None) -> str:
    if outcome is None:
        return _("did not attend")
    return _("passed") if outcome else _("not passed")


class _Problems:
    def __init__(self):
        self.items: list[dict] = []
        self.bad_rows: set[int] = set()

    def add(self, row: int | None, column: str, code: str, message: str) -> None:
        self.items.append(problem(row, column, code, message))
        if row is not None:
            self.bad_rows.add(row)

    def __bool__(self) -> bool:
        return bool(self.items)


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_outcome(value) -> tuple[bool, bool | None]:
    """(understood, outcome): "ya" → passed, "tidak" → not passed, "tidak hadir" → None."""
    text = " ".join(cell_text(value).lower().split())
    if text in _YES:
        return True, True
    if text in _NO:
        return True, False
    if text in _ABSENT:
        return True, None
    return False, None


def parse_score(value) -> Decimal | None:
    """A score 0–100 with at most two decimals; "85,5" (Indonesian decimal comma) is 85.5.
    Raises CellError."""
    if _is_empty(value):
        return None
    if isinstance(value, bool):
        raise CellError("invalid_score", _("nilai must be a number from 0 to 100."))
    text = cell_text(value).replace(" ", "")
    if isinstance(value, str) and text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        score = Decimal(text)
    except InvalidOperation as exc:
        raise CellError(
            "invalid_score", _("nilai must be a number from 0 to 100 (%(value)s is not).") % {"value": text}
        ) from exc
    if not score.is_finite() or not Decimal(0) <= score <= Decimal(100):
        raise CellError(
            "score_range", _("nilai must be between 0 and 100 (%(value)s is not).") % {"value": cell_text(value)}
        )
    return score.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class _Row:
    row: int
    nip: str
    employee: Employee | None
    outcome: bool | None
    score: Decimal | None
    notes: str


def _session_of_file(problems: _Problems, rows: list[tuple[int, dict]], expected: Session | None) -> Session | None:
    """The one session the file is for (the `sesi` column; the same code on every row)."""
    codes: dict[str, int] = {}
    for number, cells in rows:
        code = " ".join(cell_text(cells.get("sesi")).split())
        if not code:
            problems.add(number, "sesi", "required", _("sesi is required: the session's code, e.g. BIMTEK-SKP/3."))
            continue
        codes.setdefault(code.casefold(), number)
    if not codes:
        return None
    if len(codes) > 1:
        first_rows = sorted(codes.values())
        for number in first_rows[1:]:
            problems.add(
                number,
                "sesi",
                "several_sessions",
                _("A file holds the results of one session; row %(row)d names another session.") % {"row": number},
            )
        return None
    number = next(iter(codes.values()))
    code = " ".join(cell_text(dict(rows)[number].get("sesi")).split())
    session = find_session(code)
    if session is None:
        problems.add(
            number,
            "sesi",
            "unknown_session",
            _("There is no session %(code)s. Write the programme code, a slash and the batch, e.g. BIMTEK-SKP/3.")
            % {"code": code},
        )
        return None
    if expected is not None and session.pk != expected.pk:
        problems.add(
            number,
            "sesi",
            "other_session",
            _("This file is for session %(code)s, not for %(expected)s. Upload it on that session's page.")
            % {"code": session_code(session), "expected": session_code(expected)},
        )
        return None
    return session


def _check_session(problems: _Problems, session: Session, today: dt.date) -> None:
    """The session-wide conditions of services.record_result, checked once for the file."""
    if session.status == SessionStatus.CANCELLED:
        problems.add(
            None, "sesi", "session_cancelled", _("Session %(code)s was cancelled.") % {"code": session_code(session)}
        )
    elif session.status not in (SessionStatus.RUNNING, SessionStatus.FINISHED) and today < session.starts_on:
        problems.add(
            None,
            "sesi",
            "session_not_started",
            _("Session %(code)s starts on %(date)s; results come after it has started.")
            % {"code": session_code(session), "date": session.starts_on.isoformat()},
        )


def import_results(
    fileobj,
    *,
    filename: str,
    actor: User | None,
    today: dt.date | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    session: Session | None = None,
) -> ImportResult:
    """Record the results of one session's participants from a spreadsheet, all rows or
    none. `session`, when given (the session's own upload page), must be the one the file
    names. A system import (`actor` None) records the results without a named actor."""
    today = today or timezone.localdate()
    report = progress or (lambda percent: None)
    result = ImportResult(dry_run=dry_run)
    rows, file_problems = read_records(fileobj, filename=filename, columns=COLUMNS, required=REQUIRED, progress=report)
    result.total_rows = len(rows)
    if file_problems:
        result.errors = file_problems
        return result

    problems = _Problems()
    target = _session_of_file(problems, rows, session)
    if target is None:
        result.errors = sorted_problems(problems.items, COLUMNS)
        return result
    _check_session(problems, target, today)
    report(30)

    # NIPs, then the employees and their registrations in this session: a fixed number of
    # queries whatever the number of rows.
    nips: dict[int, str] = {}
    for number, cells in rows:
        value = cells.get("nip")
        if _is_empty(value):
            problems.add(number, "nip", "required", _("nip is required."))
            continue
        try:
            nips[number] = parse_nip_cell(value, "nip")
        except CellError as exc:
            problems.add(number, "nip", exc.code, exc.message)
    employees: dict[str, Employee] = {}
    registrations: dict[int, Registration] = {}
    for chunk in chunks(sorted(set(nips.values())), chunk_size()):
        for employee in Employee.objects.filter(nip__in=chunk).only("id", "nip", "name", "front_title", "back_title"):
            employees[employee.nip] = employee
    employee_ids = sorted(e.pk for e in employees.values())
    for chunk in chunks(employee_ids, chunk_size()):
        for registration in (
            Registration.objects.filter(session=target, employee_id__in=chunk, state__in=services.SEAT_STATES)
            .select_related("employee")
            .order_by("id")
        ):
            registrations[registration.employee_id] = registration
    report(50)

    checked: list[_Row] = []
    first_row_of: dict[str, int] = {}
    for number, cells in rows:
        nip = nips.get(number, "")
        employee = employees.get(nip) if nip else None
        if nip and employee is None:
            problems.add(
                number,
                "nip",
                "unknown_employee",
                _("There is no employee with NIP %(nip)s in SIGAP.") % {"nip": format_nip(nip)},
            )
        elif employee is not None and employee.pk not in registrations:
            problems.add(
                number,
                "nip",
                "not_a_participant",
                _("%(name)s (NIP %(nip)s) is not a confirmed participant of session %(code)s.")
                % {"name": employee.full_name, "nip": format_nip(nip), "code": session_code(target)},
            )
        if nip:
            if nip in first_row_of:
                problems.add(
                    number,
                    "nip",
                    "duplicate_row",
                    _("NIP %(nip)s already appears in row %(row)d of this file.")
                    % {"nip": format_nip(nip), "row": first_row_of[nip]},
                )
            else:
                first_row_of[nip] = number

        outcome = None
        if _is_empty(cells.get("lulus")):
            problems.add(number, "lulus", "required", _("lulus is required: ya, tidak or tidak hadir."))
        else:
            understood, outcome = parse_outcome(cells.get("lulus"))
            if not understood:
                problems.add(
                    number,
                    "lulus",
                    "invalid_result",
                    _("lulus must be ya, tidak or tidak hadir (not %(value)s).")
                    % {"value": cell_text(cells.get("lulus"))},
                )
        score = None
        try:
            score = parse_score(cells.get("nilai"))
        except CellError as exc:
            problems.add(number, "nilai", exc.code, exc.message)
        notes = cell_text(cells.get("catatan"))
        if len(notes) > NOTES_MAX:
            problems.add(
                number,
                "catatan",
                "too_long",
                _("catatan is longer than %(limit)d characters.") % {"limit": NOTES_MAX},
            )
        if number not in problems.bad_rows:
            checked.append(_Row(number, nip, employee, outcome, score, notes))
    report(70)

    # A result already recorded stays as it is: the same result again is "unchanged"; a
    # different one is a problem (the state machine has no way back from a result).
    to_record: list[tuple[_Row, Registration]] = []
    for row in checked:
        registration = registrations[row.employee.pk]
        if registration.state == S.CONFIRMED:
            to_record.append((row, registration))
            continue
        recorded = _OUTCOME_OF_STATE[registration.state]
        if recorded == row.outcome and registration.score == row.score:
            result.unchanged += 1
            continue
        problems.add(
            row.row,
            "lulus",
            "result_already_recorded",
            _("The result of %(name)s is already recorded (%(result)s); it cannot be changed by import.")
            % {"name": row.employee.full_name, "result": _label(recorded)},
        )
    if problems:
        result.unchanged = 0
        result.errors = sorted_problems(problems.items, COLUMNS)
        return result

    result.created = len(to_record)
    if dry_run:
        report(100)
        return result
    report(80)

    refused: list[dict] = []

    class _Refused(Exception):
        pass

    def write() -> None:
        for row, registration in to_record:
            try:
                services.record_result(
                    registration, passed=row.outcome, by=actor, on=today, score=row.score, notes=row.notes
                )
            except ServiceError as error:
                refused.append(problem(row.row, "lulus", error.code, error.message))
                raise _Refused from error

    try:
        write_all_or_nothing(result, write, name=RESULTS)
    except _Refused:
        # The transaction was rolled back: nothing of this file was written.
        result.created = result.unchanged = 0
        result.errors = refused
    if result.ok:
        report(100)
    return result


# ---------------------------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------------------------

_COLUMN_HELP = (
    (
        "sesi",
        True,
        "BIMTEK-SKP/3",
        gettext_lazy("the session: programme code, a slash, the batch; one session per file"),
    ),
    ("nip", True, "198609262015051001", gettext_lazy("18 digits; format the column as Text")),
    ("nama", False, "Budi Santoso", gettext_lazy("for your reference only; not imported")),
    ("lulus", True, "ya", gettext_lazy("ya (passed), tidak (not passed) or tidak hadir (did not attend)")),
    ("nilai", False, "85,5", gettext_lazy("score from 0 to 100")),
    ("catatan", False, "", gettext_lazy("notes on the result")),
)


def results_template() -> bytes:
    return build_template(sheet_title="Hasil pelatihan", columns=COLUMNS, column_help=_COLUMN_HELP)


def session_sheet(session: Session) -> bytes:
    """The results sheet of one session: the template with a row for every participant
    holding a seat (session code, NIP, name; results of those already recorded filled in)."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(results_template()))
    sheet = workbook.worksheets[0]
    code = session_code(session)
    answers = {True: "ya", False: "tidak", None: "tidak hadir"}
    participants = (
        Registration.objects.filter(session=session, state__in=services.SEAT_STATES)
        .select_related("employee")
        .order_by("employee__name", "id")
    )
    for number, registration in enumerate(participants, start=2):
        recorded = registration.state != S.CONFIRMED
        values = (
            code,
            registration.employee.nip,
            registration.employee.full_name,
            answers[_OUTCOME_OF_STATE[registration.state]] if recorded else None,
            float(registration.score) if recorded and registration.score is not None else None,
            registration.result_notes if recorded else None,
        )
        for column, value in enumerate(values, start=1):
            sheet.cell(row=number, column=column, value=value)
    sheet.column_dimensions["C"].width = 34
    sheet.column_dimensions["F"].width = 40
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_filename(session: Session) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in session.program.code.lower()).strip("-")
    return f"hasil-{safe}-{session.batch}.xlsx"


def codes_in_upload(fileobj, filename: str) -> set[str]:
    """The session codes an uploaded file names (for the session page's check before the job
    is queued). Reads the file and rewinds it."""
    rows, problems = read_records(fileobj, filename=filename, columns=COLUMNS, required=REQUIRED)
    fileobj.seek(0)
    if problems:
        return set()
    return {" ".join(cell_text(cells.get("sesi")).split()).casefold() for _number, cells in rows} - {""}


# --- Registration (TrainingConfig.ready) ---------------------------------------------------------


def register() -> None:
    imports.register(
        imports.ImportKind(
            code=RESULTS,
            label=gettext_lazy("Training results"),
            title=gettext_lazy("Import training results"),
            description=gettext_lazy(
                "Record the results of one session's participants from a spreadsheet: passed, not passed or "
                "did not attend, with the score and notes. A pass issues the certificate."
            ),
            columns=COLUMNS,
            required=REQUIRED,
            may_use=can_manage_training,
            sees_all_jobs=can_manage_training,
            run=import_results,
            template=results_template,
            template_filename="template-import-hasil-pelatihan.xlsx",
            notes=(
                gettext_lazy(
                    "Download the sheet of a session from its results page: the participants are filled in already."
                ),
                gettext_lazy(
                    "sesi names the session (programme code/batch, e.g. BIMTEK-SKP/3), the same on every row."
                ),
                gettext_lazy("lulus: ya, tidak or tidak hadir. nilai from 0 to 100."),
                gettext_lazy("Only confirmed participants of the session; a result already recorded is not changed."),
            ),
            created_label=gettext_lazy("results recorded"),
            unchanged_label=gettext_lazy("already recorded"),
            result_url_name="training:manage-sessions",
            result_link_label=gettext_lazy("Open the training sessions"),
            order=70,
        )
    )
