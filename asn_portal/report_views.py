"""Report pages: the list of one's report jobs with the kinds one may request, the parameter
form of a kind, a job's page (progress polled by htmx, download, retry) and the download.
Every job goes through `reports.jobs_for`, so a user only ever reaches the jobs they may see."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from asn_portal import reports
from asn_portal.services import ServiceError
from asn_portal.uploads import protected_file_response

JOBS_PER_PAGE = 20


@login_required
def report_list(request):
    kinds = reports.kinds_for(request.user)
    jobs = reports.jobs_for(request.user).select_related("requested_by").order_by("-created_at", "-id")
    if not kinds and not jobs.exists():
        raise PermissionDenied(_("Reports are for Admin BKPP, the Operator OPD and the Inspektorat."))
    page = Paginator(jobs, JOBS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/reports/list.html", {"kinds": kinds, "page": page})


@login_required
def report_new(request, kind: str):
    report_kind = reports.get(kind)
    if report_kind is None:
        raise Http404
    if not report_kind.may_request(request.user):
        raise PermissionDenied(_("You may not request this report."))
    form = report_kind.form_class(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        try:
            job = reports.request(request.user, kind, request.POST)
        except reports.ReportParamsError:
            form.is_valid()  # the same form: its errors are shown next to the fields
            status = 400
        else:
            messages.success(request, _("Your report is being built. You may leave this page; it will be here."))
            return redirect("portal:report-detail", pk=job.pk)
    return render(request, "portal/reports/new.html", {"kind": report_kind, "form": form}, status=status)


@login_required
@never_cache
def report_detail(request, pk: int):
    job = reports.get_job_for_user(request.user, pk)
    context = {"job": job, "kind": reports.get(job.kind), "may_retry": reports.may_retry(request.user, job)}
    if request.htmx and not request.htmx.boosted:  # the poll: the status block only
        return render(request, "portal/reports/detail.html#status", context)
    context["params"] = reports.describe(job)
    return render(request, "portal/reports/detail.html", context)


@login_required
def report_download(request, pk: int):
    job = reports.get_job_for_user(request.user, pk)
    if job.status != job.Status.SUCCEEDED or not job.file:
        raise Http404
    return protected_file_response(job.file, download_name=job.file_name, content_type=job.content_type)


@login_required
@require_POST
def report_retry(request, pk: int):
    job = reports.get_job_for_user(request.user, pk)
    try:
        reports.retry(request.user, job)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The report is being built again."))
    return redirect("portal:report-detail", pk=job.pk)
