"""Spreadsheet import pages, for every registered import kind (asn_portal.imports): upload
(with a kind selector when the user may run more than one kind, the template download and
the columns of the chosen kind), and the job page whose status part htmx polls until the job
is done. The import itself runs as a Celery task (`tasks.run_import_job`); see
`asn_portal.importing`."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from asn_portal import importing, imports
from asn_portal.import_forms import ImportForm
from asn_portal.imports import ImportKind
from asn_portal.models import ImportJob

ERRORS_PER_PAGE = 100
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _chosen_kind(request, kinds: list[ImportKind]) -> ImportKind:
    """The kind named by the form (POST) or the address (?kind=), else the user's first one.
    An unknown kind is a 404; a kind the user may not run is a 403."""
    code = (request.POST.get("kind") if request.method == "POST" else None) or request.GET.get("kind")
    if not code:
        return kinds[0]
    kind = imports.get(code)
    if kind is None:
        raise Http404(_("There is no such kind of import."))
    if kind.code not in {k.code for k in kinds}:
        raise PermissionDenied(_("You may not run this import."))
    return kind


@login_required
def import_upload(request):
    kinds = imports.kinds_for(request.user)
    if not kinds:
        raise PermissionDenied(_("You may not import spreadsheets."))
    kind = _chosen_kind(request, kinds)
    if request.GET.get("template") == "xlsx":
        response = HttpResponse(kind.template(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{kind.download_name}"'
        return response
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, kind=kind)
        if form.is_valid():
            job = importing.start_import(
                form.cleaned_data["file"], kind=kind.code, by=request.user, language=get_language()
            )
            return redirect("portal:import-detail", pk=job.pk)
        status = 413 if form.is_too_large else 400
    else:
        form = ImportForm(kind=kind)
    jobs = imports.jobs_visible_to(request.user).select_related("requested_by").order_by("-created_at", "-id")[:10]
    context = {
        "form": form,
        "jobs": jobs,
        "kind": kind,
        "kinds": kinds,
        "columns": kind.columns,
        "required_columns": kind.required,
        "optional_columns": [column for column in kind.columns if column not in kind.required],
        "max_upload_bytes": settings.SIGAP_MAX_UPLOAD_BYTES,
    }
    return render(request, "portal/import_upload.html", context, status=status)


@login_required
@never_cache
def import_detail(request, pk: int):
    job = imports.get_job_for_user(request.user, pk)
    if request.GET.get("download") == "errors":
        return _errors_csv(job)
    page = Paginator(job.errors or [], ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    kind = imports.get(job.kind)
    context = {
        "job": job,
        "page": page,
        "kind": kind,
        "labels": {
            "created": kind.created_label if kind else _("new records"),
            "updated": kind.updated_label if kind else _("records updated"),
            "unchanged": kind.unchanged_label if kind else _("already up to date"),
        },
        "result_url": reverse(kind.result_url_name) if kind and kind.result_url_name else "",
        "result_link_label": kind.result_link_label if kind else "",
        "upload_url": f"{reverse('portal:employee-import')}?kind={job.kind}",
    }
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
