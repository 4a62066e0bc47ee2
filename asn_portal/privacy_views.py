"""The pages of personal-data protection (UU 27/2022): "Data saya" for every employee, about
themself only, and the breach query for the Inspektorat and Admin BKPP. The queries are in
asn_portal/privacy.py."""

from __future__ import annotations

import csv
import io
import json

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from asn_portal import audit, extensions, permissions, privacy
from asn_portal.models import Employee, User
from asn_portal.report_pdf import NAVY, fit

ACCESS_PAGE_SIZE = 20


# ---------------------------------------------------------------------------------------------
# "Data saya"
# ---------------------------------------------------------------------------------------------


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
def my_data(request):
    """The signed-in employee's own data: never anyone else's, whatever the role."""
    actor = permissions.actor_for(request.user)
    if actor.employee_id is None:
        return render(request, "portal/my_data.html", {"employee": None})
    employee = Employee.objects.select_related("opd", "unit", "position", "rank").get(pk=actor.employee_id)
    kind = request.GET.get("format", "")
    stamp = timezone.localdate().isoformat()
    if kind in ("json", "pdf"):
        audit.log_read(employee)  # a full copy left the system: it belongs in the trail
    if kind == "json":
        content = json.dumps(privacy.export(employee), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        return _attachment(content.encode(), "application/json", f"data-saya-{employee.nip}-{stamp}.json")
    if kind == "pdf":
        return _attachment(render_summary_pdf(employee), "application/pdf", f"data-saya-{employee.nip}-{stamp}.pdf")
    page = Paginator(privacy.access_entries(employee), ACCESS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"employee": employee, "counts": privacy.record_counts(employee), "page": page}
    return render(request, "portal/my_data.html", context)


def render_summary_pdf(employee: Employee) -> bytes:
    """A readable one- or two-page A4 summary: identity, counts per kind, the last 20 accesses."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm
    )
    document.title = _("My data")
    styles = getSampleStyleSheet()
    width = A4[0] - 36 * mm
    grid = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(NAVY)),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#d1d5db")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )

    def dash(value) -> str:
        return str(value) if value not in (None, "") else "—"

    identity = [
        [_("Name"), employee.name],
        [_("NIP"), employee.nip],
        [_("OPD"), dash(employee.opd)],
        [_("Unit"), dash(employee.unit)],
        [_("Position"), dash(employee.position)],
        [_("Rank"), dash(employee.rank)],
    ]
    identity_table = Table(
        [[label, fit(str(value), 9, width - 40 * mm)] for label, value in identity],
        colWidths=[40 * mm, width - 40 * mm],
        hAlign="LEFT",
    )
    identity_table.setStyle(
        TableStyle([("FONT", (0, 0), (0, -1), "Helvetica-Bold", 9), ("FONT", (1, 0), (1, -1), "Helvetica", 9)])
    )
    counts = [[_("Kind of record"), _("Records")]] + [
        [fit(name.capitalize(), 8.5, width - 40 * mm), str(count)]
        for _label, name, count in privacy.record_counts(employee)
    ]
    if len(counts) == 1:
        counts.append([_("No records yet."), "0"])
    counts_table = Table(counts, colWidths=[width - 30 * mm, 30 * mm], repeatRows=1, hAlign="LEFT")
    counts_table.setStyle(grid)
    accesses = [[_("When"), _("By"), _("Action"), _("Record")]]
    for entry in privacy.access_entries(employee)[:20]:
        accesses.append(
            [
                timezone.localtime(entry.timestamp).strftime("%d-%m-%Y %H:%M"),
                fit(entry.actor.username if entry.actor else _("system"), 8.5, 36 * mm),
                str(entry.get_action_display()),
                fit(f"{entry.content_type.name}: {entry.object_repr}", 8.5, width - 96 * mm),
            ]
        )
    if len(accesses) == 1:
        accesses.append(["—", "", "", _("No one has accessed your records yet.")])
    accesses_table = Table(
        accesses, colWidths=[28 * mm, 40 * mm, 24 * mm, width - 92 * mm], repeatRows=1, hAlign="LEFT"
    )
    accesses_table.setStyle(grid)
    generated = timezone.localtime().strftime("%d-%m-%Y %H:%M")
    story = [
        Paragraph(_("What SIGAP holds about you"), styles["Title"]),
        Paragraph(
            _("Generated on %(when)s under UU 27/2022 (personal data protection).") % {"when": generated},
            styles["Normal"],
        ),
        Spacer(1, 6 * mm),
        identity_table,
        Spacer(1, 6 * mm),
        Paragraph(_("Your records"), styles["Heading2"]),
        counts_table,
        Spacer(1, 6 * mm),
        Paragraph(_("The last 20 accesses to your records"), styles["Heading2"]),
        accesses_table,
        Spacer(1, 4 * mm),
        Paragraph(_("The JSON download holds every record in full."), styles["Italic"]),
    ]
    document.build(story)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# The breach query
# ---------------------------------------------------------------------------------------------


class BreachQueryForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Account (username)"), max_length=150)
    date_from = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(_("There is no account with this username."))
        self.user = user
        return username

    def clean(self):
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to:
            privacy.validate_range(date_from, date_to, error=forms.ValidationError)
        return data


def can_run_breach_query(user) -> bool:
    actor = permissions.actor_for(user)
    return actor.is_admin or actor.is_inspektorat or actor.is_superuser


@never_cache
@login_required
def breach_query(request):
    if not can_run_breach_query(request.user):
        raise PermissionDenied(_("Only the Inspektorat and Admin BKPP can run the breach query."))
    asked = any(request.GET.get(name) for name in ("username", "date_from", "date_to"))
    form = BreachQueryForm(request.GET if asked else None)
    if not asked:
        return render(request, "portal/breach_query.html", {"form": form})
    if not form.is_valid():
        return render(request, "portal/breach_query.html", {"form": form}, status=400)
    hidden = extensions.audit_apps_hidden_from(request.user)
    result = privacy.breach_query(
        form.user, form.cleaned_data["date_from"], form.cleaned_data["date_to"], hidden_apps=hidden
    )
    if request.GET.get("download") == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(privacy.breach_csv_rows(result))
        filename = f"breach-{result.username}-{result.date_from}-{result.date_to}.csv"
        return _attachment(buffer.getvalue().encode(), "text/csv; charset=utf-8", filename)
    query = request.GET.copy()
    query["download"] = "csv"
    context = {"form": form, "result": result, "hidden_apps": hidden, "csv_query": query.urlencode()}
    return render(request, "portal/breach_query.html", context)
