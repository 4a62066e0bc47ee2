"""Loading the organisation tree from a spreadsheet (`manage.py import_org_units FILE`), the
same format as the demo's opd.csv: `code, name, kind, parent_code` (and optional `is_active`).
Upsert by code, all-or-nothing like the employee import: every bad row is reported and
nothing is written. A parent may be defined later in the same file. Moving a unit to another
parent moves its whole subtree and re-points `opd` for all of it and for its employees."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from asn_portal import services
from asn_portal.importing import ImportFileError, open_table, problem
from asn_portal.models import OrgUnit, OrgUnitKind

COLUMNS = ("code", "name", "kind", "parent_code", "is_active")
REQUIRED = ("code", "name", "kind")
_TRUE = {"1", "ya", "y", "yes", "true", "aktif", ""}
_FALSE = {"0", "tidak", "t", "no", "n", "false", "nonaktif"}


@dataclass
class OrgImportResult:
    errors: list[dict] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    moved: int = 0
    unchanged: int = 0


@dataclass
class _Row:
    number: int
    code: str
    name: str
    kind: str
    parent_code: str
    is_active: bool


def _kind(value: str) -> str | None:
    value = value.strip().lower()
    for choice, label in OrgUnitKind.choices:
        if value in (choice, str(label).lower()):
            return choice
    return None


def _read(fileobj, filename: str, result: OrgImportResult) -> list[_Row]:
    rows: list[_Row] = []
    with open_table(fileobj, filename) as table:
        columns = table.columns
        missing = [c for c in REQUIRED if c not in columns]
        unknown = [c for c in columns if c and c not in COLUMNS]
        if missing:
            result.errors.append(
                problem(
                    1,
                    ", ".join(missing),
                    "missing_columns",
                    _("Required columns are missing from the header (row 1): %(columns)s.")
                    % {"columns": ", ".join(missing)},
                )
            )
        for name in unknown:
            result.errors.append(
                problem(
                    1,
                    name,
                    "unknown_column",
                    _("Unknown column %(column)s. Use only the columns of the template: %(columns)s.")
                    % {"column": name, "columns": ", ".join(COLUMNS)},
                )
            )
        if result.errors:
            return []
        for number, cells in table.rows:
            values = {
                columns[i]: ("" if cell is None else str(cell).strip())
                for i, cell in enumerate(cells)
                if i < len(columns) and columns[i]
            }
            kind = _kind(values.get("kind", ""))
            active_text = values.get("is_active", "").lower()
            row = _Row(
                number=number,
                code=values.get("code", ""),
                name=" ".join(values.get("name", "").split()),
                kind=kind or "",
                parent_code=values.get("parent_code", ""),
                is_active=active_text not in _FALSE,
            )
            if not row.code:
                result.errors.append(problem(number, "code", "required", _("The unit code is required.")))
            if not row.name:
                result.errors.append(problem(number, "name", "required", _("The unit name is required.")))
            if kind is None:
                result.errors.append(
                    problem(
                        number,
                        "kind",
                        "unknown_kind",
                        _("Unknown unit kind %(value)s. Use one of: %(choices)s.")
                        % {"value": values.get("kind", ""), "choices": ", ".join(OrgUnitKind.values)},
                    )
                )
            if active_text and active_text not in _TRUE | _FALSE:
                result.errors.append(
                    problem(number, "is_active", "invalid_boolean", _("Write 1 (active) or 0 (inactive)."))
                )
            rows.append(row)
    if not rows and not result.errors:
        result.errors.append(problem(None, "", "no_rows", _("The file has a header but no data rows.")))
    return rows


def _check(rows: list[_Row], existing: dict[str, OrgUnit], result: OrgImportResult) -> None:
    by_code: dict[str, _Row] = {}
    for row in rows:
        if row.code in by_code:
            result.errors.append(
                problem(
                    row.number,
                    "code",
                    "duplicate_code",
                    _("Unit code %(code)s appears more than once in the file (first in row %(row)d).")
                    % {"code": row.code, "row": by_code[row.code].number},
                )
            )
        else:
            by_code[row.code] = row
    for row in rows:
        if row.parent_code and row.parent_code not in by_code and row.parent_code not in existing:
            result.errors.append(
                problem(
                    row.number,
                    "parent_code",
                    "unknown_parent",
                    _("Parent unit %(code)s is neither in this file nor in SIGAP.") % {"code": row.parent_code},
                )
            )
    # The parent of a unit is its file row's parent, else the stored one. A loop in that
    # graph would detach part of the tree.
    stored_parent = {
        code: (OrgUnit.objects.get_parent(unit).code if unit.depth > 1 else "") for code, unit in existing.items()
    }

    def parent_of(code: str) -> str:
        return by_code[code].parent_code if code in by_code else stored_parent.get(code, "")

    for row in rows:
        seen = {row.code}
        current = parent_of(row.code)
        while current:
            if current in seen:
                result.errors.append(
                    problem(
                        row.number,
                        "parent_code",
                        "parent_cycle",
                        _("Unit %(code)s would end up inside itself through its parents.") % {"code": row.code},
                    )
                )
                break
            seen.add(current)
            current = parent_of(current)


@transaction.atomic
def import_org_units(fileobj, filename: str, *, by=None, dry_run: bool = False) -> OrgImportResult:
    """Create or update the units in the file. Raises `ImportFileError` for an unreadable file;
    row problems come back in `result.errors` and then nothing is written."""
    result = OrgImportResult()
    rows = _read(fileobj, filename, result)
    if not rows:
        return result
    existing = {unit.code: unit for unit in OrgUnit.objects.all()}
    _check(rows, existing, result)
    if result.errors or dry_run:
        return result

    pending = list(rows)
    while pending:  # parents first: a pass places every row whose parent is placed
        placed_any = False
        for row in list(pending):
            if row.parent_code and row.parent_code not in existing:
                continue
            _write(row, existing, by, result)
            pending.remove(row)
            placed_any = True
        if not placed_any:  # cannot happen after _check; guard against an endless loop
            raise ImportFileError(_("The parent units could not be ordered."), "parent_cycle")
    return result


def _write(row: _Row, existing: dict[str, OrgUnit], by, result: OrgImportResult) -> None:
    parent = existing.get(row.parent_code) if row.parent_code else None
    unit = existing.get(row.code)
    if unit is None:
        unit = services.create_org_unit(code=row.code, name=row.name, kind=row.kind, parent=parent, by=by)
        if not row.is_active:
            unit.is_active = False
            unit.save(update_fields=["is_active"])
        existing[row.code] = unit
        result.created += 1
        return
    unit.refresh_from_db()
    current_parent = OrgUnit.objects.get_parent(unit)
    moved = (current_parent.pk if current_parent else None) != (parent.pk if parent else None)
    changed = (unit.name, unit.kind, unit.is_active) != (row.name, row.kind, row.is_active)
    if changed:
        unit.name, unit.kind, unit.is_active = row.name, row.kind, row.is_active
        unit.save(update_fields=["name", "kind", "is_active"])
    if moved:
        services.move_org_unit(unit, parent, by=by)
        result.moved += 1
    if changed or moved:
        result.updated += 1
        existing[row.code] = OrgUnit.objects.get(pk=unit.pk)
    else:
        result.unchanged += 1
