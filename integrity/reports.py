"""The integrity compliance report (issue 7), registered with asn_portal.reports from the app's
ready(): for a reporting year, per OPD, the LHKPN/LHKASN filing figures (DOMAIN.md §9.1), the
disciplinary sanctions by level (§8.1) and the gratification reports by step (§9.2).

Integrity data belongs to the Inspektorat (DESIGN.md): only an integrity officer may request
the report or see its jobs (Admin BKPP, operators and employees are refused), and every build
writes an ACCESS entry in the audit trail under the integrity app — who built which report —
which only the Inspektorat reads there (integrity/audit.py).

Two formats: a workbook (one sheet per subject, plus the list of who has not filed, streamed
row by row) and a one-page PDF summary with a bar chart of the filing share per OPD.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asn_portal import report_pdf, reports
from asn_portal.models import OrgUnit
from asn_portal.reports import safe_cell
from integrity import permissions, selectors
from integrity.models import FilingKind, GratificationStatus, SanctionLevel, WealthReport

CODE = "integrity_compliance"
FORMATS = (("xlsx", gettext_lazy("Workbook (XLSX)")), ("pdf", gettext_lazy("One-page summary (PDF)")))
MAX_CHART_OPDS = 60  # bars that still read on one A4 page; the lowest shares are kept


def may_request(user) -> bool:
    """The Inspektorat (and superusers), as for every other integrity read."""
    return permissions.is_integrity_officer(user)


class ComplianceReportForm(reports.ReportForm):
    opd = forms.ModelChoiceField(
        label=gettext_lazy("OPD"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=gettext_lazy("All OPDs"),
        error_messages={"invalid_choice": gettext_lazy("Choose an OPD from the list.")},
    )
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=FORMATS, initial="xlsx")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built here, not at import: "this year" must follow the calendar in a long-lived worker.
        self.fields["year"] = reports.year_field(
            label=gettext_lazy("Reporting year"),
            help_text=gettext_lazy("The filings of this year, due on 31 March of the next."),
        )
        self.order_fields(["year", "opd", "format"])
        opds = OrgUnit.objects.opds() if may_request(self.user) else OrgUnit.objects.none()
        self.fields["opd"].queryset = opds.order_by("name", "id")


# ---------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------


def build(params: dict, out, progress, *, user) -> reports.Built:
    year = int(params["year"])
    opd = None
    if params.get("opd"):
        opd = OrgUnit.objects.opds().filter(pk=params["opd"]).values("id", "code", "name").first()
        if opd is None:
            raise reports.ReportError("integrity_opd_missing")
    on = timezone.localdate()
    figures = selectors.compliance_report_figures(year, on, opd["id"] if opd else None)
    progress(1, 4)
    fmt = params.get("format") or "xlsx"
    _log_build(user, year, opd, fmt)
    suffix = f"-{_slug(opd['code'])}" if opd else ""
    if fmt == "pdf":
        _write_pdf(out, figures, opd, user)
        return reports.Built(f"kepatuhan-integritas-{year}{suffix}.pdf", reports.PDF, len(figures["rows"]))
    unfiled = _write_xlsx(out, figures, opd, progress)
    return reports.Built(f"kepatuhan-integritas-{year}{suffix}.xlsx", reports.XLSX, len(figures["rows"]) + unfiled)


def _slug(code: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in code.lower()).strip("-") or "opd"


def _scope(opd) -> str:
    return opd["name"] if opd else _("All OPDs")


def report_label(year: int, opd) -> str:
    return _("Integrity compliance report %(year)s — %(scope)s") % {"year": year, "scope": _scope(opd)}


def _log_build(user, year: int, opd, fmt: str) -> None:
    """An ACCESS entry of the integrity app (hidden from everyone but the Inspektorat in the
    audit trail): the report reads every filing, sanction and gratification report in scope,
    so who built which one is recorded, as the pages record each read (services.log_read)."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(WealthReport),
        object_pk="",
        object_repr=report_label(year, opd),
        action=LogEntry.Action.ACCESS,
        actor=user,
        actor_email=user.email or None,
        additional_data={"report": CODE, "year": year, "opd": opd["id"] if opd else None, "format": fmt},
    )


# --- Workbook --------------------------------------------------------------------------------


def _write_xlsx(out, figures: dict, opd, progress) -> int:
    """Four sheets in openpyxl's write-only mode (as asn_portal.reports.write_xlsx): filings,
    sanctions and gratification per OPD with a total row, then the employees who have not
    filed, streamed from the database. Returns the number of employees listed."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    year, on, sanctions_on = figures["year"], figures["on"], figures["sanctions_on"]
    rows, total = figures["rows"], figures["total"]
    bold = Font(bold=True)
    workbook = Workbook(write_only=True)

    def sheet(title: str, header: list[str], widths: list[int]):
        worksheet = workbook.create_sheet(title=title[:31])
        for index, width in enumerate(widths):
            worksheet.column_dimensions[_column(index)].width = width
        worksheet.freeze_panes = "A2"
        worksheet.append([_bold_cell(WriteOnlyCell, worksheet, text, bold) for text in header])
        return worksheet

    def total_row(worksheet, values: list) -> None:
        worksheet.append([_bold_cell(WriteOnlyCell, worksheet, value, bold) for value in values])

    filings = sheet(
        _("LHKPN-LHKASN %(year)s") % {"year": year},
        [
            _("OPD code"),
            _("OPD"),
            _("Obligees"),
            _("Filed"),
            _("Of which late"),
            _("Verified"),
            _("Not filed"),
            _("Filed (%)"),
        ],
        [14, 48, 12, 12, 14, 12, 12, 12],
    )
    for row in rows:
        filings.append(
            [
                safe_cell(row["code"]),
                safe_cell(row["name"]),
                row["obligees"],
                row["filed"],
                row["late"],
                row["verified"],
                row["not_filed"],
                row["rate"],
            ]
        )
    total_row(
        filings,
        [
            "",
            _("Total"),
            total["obligees"],
            total["filed"],
            total["late"],
            total["verified"],
            total["not_filed"],
            total["rate"],
        ],
    )
    filings.append([])
    filings.append([_("Reporting year %(year)s, due on 31 March %(next)s; counted on %(on)s.") % _dates(year, on)])

    levels = list(SanctionLevel)
    blocking = [level for level in levels if level in SanctionLevel.blocking()]
    sanctions = sheet(
        _("Sanctions %(year)s") % {"year": year},
        [
            _("OPD code"),
            _("OPD"),
            *[_("Imposed in %(year)s: %(level)s") % {"year": year, "level": level.label} for level in levels],
            *[
                _("In force on %(date)s: %(level)s") % {"date": sanctions_on.isoformat(), "level": level.label}
                for level in blocking
            ],
        ],
        [14, 48, *[18] * (len(levels) + len(blocking))],
    )
    for row in rows:
        sanctions.append(
            [
                safe_cell(row["code"]),
                safe_cell(row["name"]),
                *[row["imposed"][level] for level in levels],
                *[row["in_force"][level] for level in blocking],
            ]
        )
    total_row(
        sanctions,
        [
            "",
            _("Total"),
            *[total["imposed"][level] for level in levels],
            *[total["in_force"][level] for level in blocking],
        ],
    )
    progress(2, 4)

    steps = list(GratificationStatus)
    gifts = sheet(
        _("Gratification %(year)s") % {"year": year},
        [_("OPD code"), _("OPD"), *[step.label for step in steps], _("Total"), _("Reported late")],
        [14, 48, *[16] * (len(steps) + 2)],
    )
    for row in rows:
        gifts.append(
            [
                safe_cell(row["code"]),
                safe_cell(row["name"]),
                *[row["gifts"][step] for step in steps],
                row["gifts_total"],
                row["gifts_late"],
            ]
        )
    total_row(
        gifts,
        ["", _("Total"), *[total["gifts"][step] for step in steps], total["gifts_total"], total["gifts_late"]],
    )
    gifts.append([])
    gifts.append([_("Reports of gifts received in %(year)s, by their current step.") % {"year": year}])
    progress(3, 4)

    unfiled = sheet(
        _("Not filed %(year)s") % {"year": year},
        [_("OPD"), _("NIP"), _("Name"), _("Kind"), _("Due date")],
        [40, 22, 40, 10, 14],
    )
    kinds = dict(FilingKind.choices)
    count = 0
    for opd_name, nip, name, kind, due_on in selectors.unfiled_rows(year, on, opd["id"] if opd else None):
        unfiled.append([safe_cell(opd_name), nip, safe_cell(name), str(kinds.get(kind, kind)), due_on])
        count += 1
        if count % 1000 == 0:
            progress(3, 4)
    workbook.save(out)
    return count


def _bold_cell(cell_class, worksheet, value, font):
    if value is not None and not isinstance(value, (int, float)):
        value = str(value)  # lazy translations
    cell = cell_class(worksheet, value=value)
    cell.font = font
    return cell


def _column(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _dates(year: int, on: dt.date) -> dict:
    return {"year": year, "next": year + 1, "on": on.isoformat()}


# --- One-page PDF ----------------------------------------------------------------------------


def _write_pdf(out, figures: dict, opd, user) -> None:
    """A4 portrait, reportlab's canvas and built-in fonts (as training/certificates.py): the
    headline figures, then a horizontal bar chart of the share filed per OPD (lowest first)."""
    from reportlab.graphics import renderPDF
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    navy, ink, muted = colors.HexColor("#1e3a8a"), colors.HexColor("#101828"), colors.HexColor("#475467")
    year, on, total = figures["year"], figures["on"], figures["total"]
    width, height = A4
    margin = 40
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setTitle(report_label(year, opd))
    pdf.setAuthor("SIGAP")

    y = height - margin
    pdf.setFillColor(navy)
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(margin, y - 12, _("Integrity compliance %(year)s") % {"year": year})
    pdf.setFillColor(muted)
    pdf.setFont("Helvetica", 9)
    y -= 30
    pdf.drawString(
        margin,
        y,
        _("%(scope)s · built on %(date)s by %(user)s")
        % {"scope": _scope(opd), "date": date_format(on, "j F Y"), "user": user.get_full_name() or user.username},
    )

    # Headline figures: three boxes.
    y -= 16
    box_w, box_h = (width - 2 * margin - 20) / 3, 74
    boxes = [
        (
            _("LHKPN / LHKASN %(year)s") % {"year": year},
            [
                _("Obligees: %(n)s") % {"n": total["obligees"]},
                _("Filed: %(n)s (%(rate)s)") % {"n": total["filed"], "rate": _percent(total["rate"])},
                _("Not filed: %(n)s") % {"n": total["not_filed"]},
                _("Filed late: %(n)s") % {"n": total["late"]},
            ],
        ),
        (
            _("Sanctions"),
            [
                _("Imposed in %(year)s: %(n)s") % {"year": year, "n": sum(total["imposed"].values())},
                *[
                    _("In force, %(level)s: %(n)s") % {"level": level.label, "n": total["in_force"][level]}
                    for level in SanctionLevel
                    if level in SanctionLevel.blocking()
                ],
            ],
        ),
        (
            _("Gratification %(year)s") % {"year": year},
            [
                *[f"{step.label}: {total['gifts'][step]}" for step in GratificationStatus],
            ],
        ),
    ]
    for index, (heading, lines) in enumerate(boxes):
        x = margin + index * (box_w + 10)
        pdf.setStrokeColor(colors.HexColor("#d0d5dd"))
        pdf.roundRect(x, y - box_h, box_w, box_h, 4, stroke=1, fill=0)
        pdf.setFillColor(ink)
        pdf.setFont("Helvetica-Bold", 9)
        pdf.drawString(x + 8, y - 14, heading[:40])
        pdf.setFont("Helvetica", 8)
        for line_no, line in enumerate(lines[:5]):
            pdf.drawString(x + 8, y - 28 - line_no * 11, line[:48])
    y -= box_h + 22

    # The chart: share filed per OPD, lowest first; OPDs without obligees have no share.
    charted = sorted((row for row in figures["rows"] if row["rate"] is not None), key=lambda r: (r["rate"], r["name"]))
    cut = len(charted) > MAX_CHART_OPDS
    charted = charted[:MAX_CHART_OPDS]
    pdf.setFillColor(ink)
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(margin, y, _("Filing share per OPD (%)"))
    y -= 8
    footer = margin + 34  # the notes
    if charted:
        drawing = report_pdf.share_chart(
            [(row["name"], row["rate"]) for row in charted], width=width - 2 * margin, available=y - footer
        )
        renderPDF.draw(drawing, pdf, margin, y - drawing.height)
    else:
        pdf.setFont("Helvetica", 9)
        pdf.setFillColor(muted)
        pdf.drawString(margin, y - 14, _("No filings recorded for %(year)s.") % {"year": year})

    pdf.setFont("Helvetica", 7)
    pdf.setFillColor(muted)
    notes = [_("Reporting year %(year)s, due on 31 March %(next)s; counted on %(on)s.") % _dates(year, on)]
    if cut:
        notes.append(_("The %(count)s OPDs with the lowest share are shown.") % {"count": MAX_CHART_OPDS})
    notes.append(_("Integrity data: for the Inspektorat only."))
    for line_no, line in enumerate(notes):
        pdf.drawString(margin, margin + 20 - line_no * 9, line)
    pdf.showPage()
    pdf.save()


def _percent(rate) -> str:
    return "—" if rate is None else f"{rate:g}%"


# ---------------------------------------------------------------------------------------------


def register() -> None:
    reports.register(
        reports.ReportKind(
            code=CODE,
            label=gettext_lazy("Integrity compliance"),
            description=gettext_lazy(
                "Per OPD for a reporting year: LHKPN/LHKASN filed and not filed, disciplinary sanctions by level, "
                "gratification reports by step. Inspektorat only."
            ),
            form_class=ComplianceReportForm,
            build=build,
            may_request=may_request,
            may_read_all=may_request,
            icon="bi-shield-check",
            order=90,
            errors={"integrity_opd_missing": gettext_lazy("The OPD of this report no longer exists.")},
        )
    )
