"""LHKPN/LHKASN filings: open a reporting year for everyone, add one filing, record a
submission, verify it; read a filing (logged); PPK designations of LHKPN obligees."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from integrity import permissions, rules, selectors, services
from integrity.forms import DesignationForm, FilingForm, OpenYearForm, SubmissionForm, VerifyFilingForm
from integrity.models import FilingStatus, WealthReport
from integrity.views.common import BAD_INPUT, form_page, nip_from_query, register_crumb, require_manager, submit


def _filings_crumb():
    return register_crumb("lhkpn", _("LHKPN / LHKASN"))


@login_required
def filing_open_year(request):
    require_manager(request)
    on = selectors.today()
    form = OpenYearForm(request.POST or None, user=request.user, initial={"year": selectors.campaign_year(on)})
    status = 200
    if request.method == "POST":

        def open_year(data):
            created = services.open_filing_year(data["year"], today=selectors.today(), by=request.user)
            messages.success(
                request,
                ngettext("%(count)s filing created for %(year)s.", "%(count)s filings created for %(year)s.", created)
                % {"count": created, "year": data["year"]},
            )
            return reverse("integrity:register") + f"?tab=lhkpn&year={data['year']}"

        response = submit(form, open_year)
        if response:
            return response
        status = BAD_INPUT
    return form_page(
        request,
        form=form,
        layout=[["year"]],
        title=_("Open a reporting year"),
        lead=_("Create the LHKPN/LHKASN filing of a year for every employee in service."),
        crumbs=_filings_crumb(),
        submit_label=_("Create the filings"),
        cancel_url=reverse("integrity:register") + "?tab=lhkpn",
        status=status,
        notes=[
            _(
                "The annual filing for a year is due on 31 March of the next year; new obligees have 3 months from "
                "their appointment."
            ),
            _(
                "LHKPN for JPT, administrators and corruption-prone posts, or by PPK designation; LHKASN for everyone "
                "else."
            ),
            _("Safe to run again: filings that exist are kept as they are."),
        ],
    )


@login_required
def filing_create(request):
    require_manager(request)
    on = selectors.today()
    form = FilingForm(
        request.POST or None,
        user=request.user,
        initial={"year": selectors.campaign_year(on), **nip_from_query(request)},
    )
    status = 200
    if request.method == "POST":

        def create(data):
            filing = services.create_filing(
                data["nip"], year=data["year"], kind=data["kind"] or None, by=request.user, today=selectors.today()
            )
            messages.success(request, _("The filing is added."))
            return reverse("integrity:filing-detail", args=[filing.pk])

        response = submit(form, create)
        if response:
            return response
        status = BAD_INPUT
    return form_page(
        request,
        form=form,
        layout=[["nip"], ["year", "kind"]],
        title=_("Add one filing"),
        lead=_("The filing obligation of one employee for one reporting year."),
        crumbs=_filings_crumb(),
        submit_label=_("Add the filing"),
        cancel_url=reverse("integrity:register") + "?tab=lhkpn",
        status=status,
        notes=[
            _("One filing per employee per year. A year before the employee's appointment is refused."),
            _("To create the filings of everyone at once, open the reporting year instead."),
        ],
    )


@login_required
def filing_submission(request):
    require_manager(request)
    on = selectors.today()
    form = SubmissionForm(
        request.POST or None,
        user=request.user,
        initial={"year": selectors.campaign_year(on), "submitted_on": on, **nip_from_query(request)},
    )
    status = 200
    if request.method == "POST":

        def record(data):
            filing = services.record_submission(
                data["nip"],
                year=data["year"],
                submitted_on=data["submitted_on"],
                channel=data["channel"],
                by=request.user,
                today=selectors.today(),
            )
            messages.success(request, _("The submission is recorded."))
            return reverse("integrity:filing-detail", args=[filing.pk])

        response = submit(form, record)
        if response:
            return response
        status = BAD_INPUT
    return form_page(
        request,
        form=form,
        layout=[["nip"], ["year", "submitted_on"], ["channel"]],
        title=_("Record a submission"),
        lead=_("When an employee has filed on e-LHKPN or SiHarka. A missing filing row is created."),
        crumbs=_filings_crumb(),
        submit_label=_("Record the submission"),
        cancel_url=reverse("integrity:register") + "?tab=lhkpn",
        status=status,
        notes=[
            _("A submission after the due date counts as late."),
            _("Many submissions at once: use the spreadsheet import (nip, tahun, tanggal_lapor)."),
        ],
    )


def _status_of(filing: WealthReport, on) -> FilingStatus:
    status = WealthReport.objects.with_status(on).filter(pk=filing.pk).values_list("status_on", flat=True).first()
    return FilingStatus(status)


@login_required
def filing_detail(request, pk: int):
    filing = permissions.get_filing_for_user(request.user, pk)
    services.log_read(filing)
    return _detail(request, filing)


def _detail(request, filing, *, submission_form=None, verify_form=None, status=200):
    on = selectors.today()
    can_manage = permissions.can_manage_integrity(request.user)
    context = {
        "filing": filing,
        "employee": filing.employee,
        "status": _status_of(filing, on),
        "annual_due_on": rules.annual_due_on(filing.year),
        "can_manage": can_manage,
        "submission_form": submission_form
        or (
            SubmissionForm(
                user=request.user,
                filing=filing,
                initial={"submitted_on": filing.submitted_on or on, "channel": filing.channel},
            )
            if can_manage
            else None
        ),
        "verify_form": verify_form
        or (VerifyFilingForm(user=request.user, today=on, initial={"on": on}) if can_manage else None),
        "today": on,
    }
    return render(request, "integrity/filing_detail.html", context, status=status)


@login_required
@require_POST
def filing_submit(request, pk: int):
    filing = permissions.get_filing_for_user(request.user, pk)
    require_manager(request)
    form = SubmissionForm(request.POST, user=request.user, filing=filing)

    def record(data):
        services.record_submission(
            filing.employee,
            year=filing.year,
            submitted_on=data["submitted_on"],
            channel=data["channel"],
            by=request.user,
            today=selectors.today(),
        )
        messages.success(request, _("The submission is recorded."))
        return reverse("integrity:filing-detail", args=[filing.pk])

    response = submit(form, record)
    if response:
        return response
    return _detail(request, filing, submission_form=form, status=BAD_INPUT)


@login_required
@require_POST
def filing_verify(request, pk: int):
    filing = permissions.get_filing_for_user(request.user, pk)
    require_manager(request)
    form = VerifyFilingForm(request.POST, user=request.user, today=selectors.today())

    def verify(data):
        services.verify_filing(filing, by=request.user, on=data["on"])
        messages.success(request, _("The filing is verified."))
        return reverse("integrity:filing-detail", args=[filing.pk])

    response = submit(form, verify)
    if response:
        return response
    return _detail(request, filing, verify_form=form, status=BAD_INPUT)


@login_required
def designation_list(request):
    require_manager(request)
    designations = selectors.designation_rows(permissions.designations_visible_to(request.user))
    page = Paginator(designations, 25).get_page(request.GET.get("page"))
    context = {"page": page, "crumbs": _filings_crumb(), "today": selectors.today()}
    return render(request, "integrity/designation_list.html", context)


@login_required
def designation_create(request):
    require_manager(request)
    form = DesignationForm(request.POST or None, user=request.user, initial=nip_from_query(request))
    status = 200
    if request.method == "POST":

        def designate(data):
            services.designate_lhkpn(
                data["nip"],
                must_file=data["must_file"],
                decree_number=data["decree_number"],
                decree_on=data["decree_on"],
                valid_from=data["valid_from"],
                by=request.user,
                today=selectors.today(),
            )
            messages.success(request, _("The designation is recorded."))
            return reverse("integrity:designation-list")

        response = submit(form, designate)
        if response:
            return response
        status = BAD_INPUT
    crumbs = [*_filings_crumb(), (reverse("integrity:designation-list"), _("LHKPN designations"))]
    return form_page(
        request,
        form=form,
        layout=[["nip"], ["must_file"], ["decree_number", "decree_on"], ["valid_from"]],
        title=_("Record an LHKPN designation"),
        lead=_(
            "A PPK decree that adds an employee to the LHKPN obligees, or removes them, whatever the position says."
        ),
        crumbs=crumbs,
        submit_label=_("Record the designation"),
        cancel_url=reverse("integrity:designation-list"),
        status=status,
        notes=[
            _("An earlier open designation of the same employee ends where this one starts."),
            _("The kind of new filings follows the designation valid on 31 December of the reporting year."),
        ],
    )
