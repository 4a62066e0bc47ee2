"""Gratification reports: the Inspektorat records a report made on paper, reads any report
(the employee their own; logged) and processes it: verify, forward to the KPK, decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asn_portal import permissions as core_permissions
from integrity import permissions, selectors, services
from integrity.forms import GratificationForm, ProcessGratificationForm
from integrity.models import GratificationStatus
from integrity.views.common import BAD_INPUT, form_page, nip_from_query, register_crumb, require_manager, submit


def report_message(report) -> tuple[str, str]:
    """The level and text that confirm a report: on time, or late, with the due date."""
    due = date_format(report.due_on, "l, j F Y")
    if report.is_late:
        return "warning", _(
            "Your report is recorded. It was due by %(due)s, so it is marked late; the UPG will still process it."
        ) % {"due": due}
    return "success", _("Your report is recorded, on time (due by %(due)s). The UPG will process it.") % {"due": due}


@login_required
def gratification_create(request):
    require_manager(request)
    on = selectors.today()
    form = GratificationForm(
        request.POST or None, user=request.user, initial={"reported_on": on, **nip_from_query(request)}
    )
    status = 200
    if request.method == "POST":

        def record(data):
            report = services.report_gratification(
                employee=data["nip"],
                received_on=data["received_on"],
                giver=data["giver"],
                description=data["description"],
                estimated_value=data["estimated_value"],
                relation_to_duty=data["relation_to_duty"],
                reported_on=data["reported_on"],
                by=request.user,
            )
            messages.success(request, _("The report is recorded."))
            return reverse("integrity:gratification-detail", args=[report.pk])

        response = submit(form, record)
        if response:
            return response
        status = BAD_INPUT
    return form_page(
        request,
        form=form,
        layout=[
            ["nip"],
            ["received_on", "reported_on"],
            ["giver"],
            ["description"],
            ["estimated_value"],
            ["relation_to_duty"],
        ],
        title=_("Record a gratification report"),
        lead=_("A gift an employee reported to the UPG on paper or by e-mail."),
        crumbs=register_crumb("gratifikasi", _("Gratification")),
        submit_label=_("Record the report"),
        cancel_url=reverse("integrity:register") + "?tab=gratifikasi",
        status=status,
        notes=[
            _(
                "The report was due 10 working days after the gift was received (weekends, national holidays and cuti "
                "bersama do not count); a later report is marked late."
            ),
            _("The UPG then has 10 working days to forward it to the KPK."),
        ],
    )


@login_required
def gratification_detail(request, pk: int):
    report = permissions.get_gratification_report_for_user(request.user, pk)
    services.log_read(report)
    return _detail(request, report)


def _detail(request, report, *, process_form=None, status=200):
    can_manage = permissions.can_manage_integrity(request.user)
    on = selectors.today()
    own = core_permissions.actor_for(request.user).employee_id == report.employee_id
    context = {
        "report": report,
        "employee": report.employee,
        "own": own and not can_manage,
        "can_manage": can_manage,
        "process_form": process_form
        or (
            ProcessGratificationForm(user=request.user, report=report, today=on, initial={"on": on})
            if can_manage and report.status != GratificationStatus.DITETAPKAN
            else None
        ),
        "steps": list(GratificationStatus),
        "today": on,
    }
    return render(request, "integrity/gratification_detail.html", context, status=status)


@login_required
@require_POST
def gratification_process(request, pk: int):
    report = permissions.get_gratification_report_for_user(request.user, pk)
    require_manager(request)
    form = ProcessGratificationForm(request.POST, user=request.user, report=report, today=selectors.today())

    def process(data):
        services.process_gratification(
            report,
            status=data["status"],
            by=request.user,
            on=data["on"],
            note=data["note"],
            kpk_reference=data["kpk_reference"],
            decision=data["decision"],
            today=selectors.today(),
        )
        messages.success(request, _("The step is recorded."))
        return reverse("integrity:gratification-detail", args=[report.pk])

    response = submit(form, process)
    if response:
        return response
    return _detail(request, report, process_form=form, status=BAD_INPUT)
