"""Who is due a Satyalancana Karya Satya (the long-service medal for 10, 20 and 30 years), and
the spreadsheet BKPP sends on with the proposal.

An employee is due the medal of a `SatyalancanaRule` on a date when their years of service,
counted from TMT CPNS, have reached the rule's years by that date, they have not received that
medal (nor a higher one), and no sanction of the rule's `excluding_levels` (sedang and berat by
default, DOMAIN.md §8.1) started within those years — annulled sanctions do not count. Of the
medals due, the highest is listed: someone with 22 years and no medal is due XX; with a sedang
sanction in year 15 and no medal, X.

Set-based: four queries whatever the number of employees (the rules, the employees, their
medals, their excluding sanctions); the dates are compared in Python, exactly as the calendar
has them.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from asn_portal.models import Employee, EmployeeStatus, EmploymentType
from careers.models import Award, AwardKind, SatyalancanaRule


@dataclass(frozen=True)
class SatyalancanaDue:
    """One employee and the medal due: its kind, the years it rewards and the day they were
    reached (TMT CPNS + years)."""

    employee: Employee
    award: str
    years: int
    reached_on: dt.date

    @property
    def award_label(self) -> str:
        return str(AwardKind(self.award).label)


def satyalancana_due(queryset: QuerySet[Employee], on: dt.date) -> list[SatyalancanaDue]:
    """The employees of `queryset` still in service who are due a Satyalancana Karya Satya on
    `on`, by name (see the module's docstring for the rule). The employees come with their
    unit, OPD and rank."""
    rules = sorted(SatyalancanaRule.objects.all(), key=lambda rule: rule.years, reverse=True)
    if not rules:
        return []
    # Someone whose TMT CPNS is after this day has not served the shortest rule's years.
    latest_start = on - relativedelta(years=min(rule.years for rule in rules))
    candidates = (
        queryset.filter(status__in=EmployeeStatus.in_service())
        .exclude(employment_type__in=EmploymentType.pppk())
        .filter(cpns_tmt_on__isnull=False, cpns_tmt_on__lte=latest_start)
    )
    ids = candidates.values("pk")

    held: dict[int, set[str]] = {}
    for employee_id, kind in Award.objects.filter(
        employee_id__in=ids, kind__in=[rule.award for rule in rules]
    ).values_list("employee_id", "kind"):
        held.setdefault(employee_id, set()).add(kind)

    from integrity.models import Sanction

    levels = sorted({level for rule in rules for level in rule.excluding_levels})
    sanctions: dict[int, list[tuple[dt.date, str]]] = {}
    if levels:
        for employee_id, starts_on, level in Sanction.objects.filter(
            employee_id__in=ids, is_annulled=False, type__level__in=levels, starts_on__lte=on
        ).values_list("employee_id", "starts_on", "type__level"):
            sanctions.setdefault(employee_id, []).append((starts_on, level))

    rank = {rule.award: index for index, rule in enumerate(rules)}  # 0 = the highest medal
    due: list[SatyalancanaDue] = []
    for employee in candidates.select_related("unit", "opd", "rank").order_by("name", "id"):
        mine = held.get(employee.pk, set())
        best_held = min((rank[kind] for kind in mine), default=len(rules))
        for index, rule in enumerate(rules):
            if index >= best_held:
                break  # they hold this medal or a higher one
            reached_on = employee.cpns_tmt_on + relativedelta(years=rule.years)
            if reached_on > on:
                continue
            excluded = any(
                level in rule.excluding_levels and employee.cpns_tmt_on <= starts_on < reached_on
                for starts_on, level in sanctions.get(employee.pk, ())
            )
            if not excluded:
                due.append(SatyalancanaDue(employee, rule.award, rule.years, reached_on))
                break
    return due


def satyalancana_xlsx(rows: Iterable[SatyalancanaDue]) -> bytes:
    """The list as an .xlsx workbook (written row by row: openpyxl's write-only mode keeps
    memory flat for the whole city). NIPs are text, dates real dates."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Satyalancana")
    headers = (
        _("No."),
        _("NIP"),
        _("Name"),
        _("Rank"),
        _("Unit"),
        _("OPD"),
        _("TMT CPNS"),
        _("Years of service"),
        _("Award due"),
        _("Years reached on"),
    )
    for letter, width in zip("ABCDEFGHIJ", (6, 22, 36, 10, 36, 36, 12, 10, 36, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DCE6F8")
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=str(text))
        cell.font, cell.fill = bold, fill
        header_cells.append(cell)
    sheet.append(header_cells)
    for number, row in enumerate(rows, start=1):
        employee = row.employee
        nip = WriteOnlyCell(sheet, value=employee.nip)
        nip.number_format = "@"
        dates = []
        for value in (employee.cpns_tmt_on, row.reached_on):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "yyyy-mm-dd"
            dates.append(cell)
        sheet.append(
            [
                number,
                nip,
                employee.full_name,
                employee.rank.code if employee.rank_id else "",
                employee.unit.name,
                employee.opd.name,
                dates[0],
                row.years,
                row.award_label,
                dates[1],
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
