"""Employee import pages: upload (with the template download), and the job page whose status
part htmx polls until the job is done. The import itself runs as a Celery task
(`tasks.run_employee_import`); see `asn_portal.importing`."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from asn_portal import importing, permissions
from asn_portal.import_forms import EmployeeImportForm
from asn_portal.models import ImportJob

ERRORS_PER_PAGE = 100
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Who sees which import job. These belong in permissions.py (reported to the lead; kept here
# because this task may not edit that module): Admin BKPP sees every job, an operator their own.
@login_required
def import_upload(request):
    if not permissions.can_import_employees(request.user):
        raise PermissionDenied(_("Only Admin BKPP and Operator OPD can import employees."))
    if request.GET.get("template") == "xlsx":
        response = HttpResponse(importing.template_workbook(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = 'attachment; filename="template-import-pegawai.xlsx"'
        return response
    status = 200
    if request.method == "POST":
        form = EmployeeImportForm(request.POST, request.FILES)
        if form.is_valid():
            job = importing.start_employee_import(form.cleaned_data["file"], by=request.user, language=get_language())
            return redirect("portal:import-detail", pk=job.pk)
        status = 413 if form.is_too_large else 400
    else:
        form = EmployeeImportForm()
    jobs = (
        permissions.import_jobs_visible_to(request.user)
        .select_related("requested_by")
        .order_by("-created_at", "-id")[:10]
    )
    context = {
        "form": form,
        "jobs": jobs,
        "columns": importing.COLUMNS,
        "required_columns": importing.REQUIRED_COLUMNS,
        "max_upload_bytes": settings.SIGAP_MAX_UPLOAD_BYTES,
    }
    return render(request, "portal/import_upload.html", context, status=status)


@login_required
@never_cache
def import_detail(request, pk: int):
    job = permissions.get_import_job_for_user(request.user, pk)
    if request.GET.get("download") == "errors":
        return _errors_csv(job)
    page = Paginator(job.errors or [], ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"job": job, "page": page}
    template = "portal/import_detail.html"
    if request.htmx and not request.htmx.boosted:
        template += "#status"
    return render(request, template, context)


def _errors_csv(job: ImportJob) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Row"), _("Column"), _("Code"), _("Problem")])
    for error in job.errors or []:
        writer.writerow(
            [
                error.get("row") or "",
                _spreadsheet_safe(error.get("column", "")),
                error.get("code", ""),
                _spreadsheet_safe(error.get("message", "")),
            ]
        )
    # A BOM, so that Excel opens the file as UTF-8.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response


def _spreadsheet_safe(value: str) -> str:
    """Messages quote the uploaded cells; a cell starting with = + - @ would run as a formula
    when the CSV is opened in Excel (CSV injection), so it is prefixed with a quote."""
    value = str(value or "")
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value
