"""“Integritas saya”: the employee's own integrity page. Report a gift (the due date is 10
working days after receipt, counted on the holiday calendar), see one's reports, filings and
their next deadline, sanctions and pacts. Never cases or drug results (need to know)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from asn_portal import permissions as core_permissions
from asn_portal.models import Employee
from asn_portal.workdays import deadline
from integrity import permissions, rules, selectors, services
from integrity.forms import GratificationForm
from integrity.models import SanctionState
from integrity.views.common import BAD_INPUT, submit
from integrity.views.gratification import report_message


def _own_employee(request) -> Employee:
    actor = core_permissions.actor_for(request.user)
    if actor.employee_id is None or not permissions.can_report_gratification(request.user):
        raise PermissionDenied(
            _("This account is not linked to an employee record. Ask Admin BKPP to link it to your NIP.")
        )
    return Employee.objects.select_related("opd", "unit", "position").get(pk=actor.employee_id)


@login_required
def me(request):
    employee = _own_employee(request)
    on = selectors.today()
    form = GratificationForm(request.POST or None, user=request.user, own=True, initial={"received_on": on})
    status = 200
    if request.method == "POST":

        def report(data):
            created = services.report_gratification(
                employee=employee,
                received_on=data["received_on"],
                giver=data["giver"],
                description=data["description"],
                estimated_value=data["estimated_value"],
                relation_to_duty=data["relation_to_duty"],
                reported_on=selectors.today(),
                by=request.user,
            )
            level, text = report_message(created)
            getattr(messages, level)(request, text)
            return reverse("integrity:me") + "#gratification"

        response = submit(form, report)
        if response:
            return response
        status = BAD_INPUT
    filings = selectors.employee_filings(employee, on)
    sanctions = selectors.employee_sanctions(employee)
    context = {
        "employee": employee,
        "form": form,
        "reports": selectors.employee_gratification(employee),
        "filings": filings,
        "next_filing": selectors.next_filing_deadline(filings, on),
        "sanctions": [(s, SanctionState(s.state_on(on))) for s in sanctions],
        "pacts": selectors.employee_pacts(employee),
        "working_days": rules.GRATIFICATION_REPORT_WORKING_DAYS,
        "today": on,
    }
    return render(request, "integrity/me.html", context, status=status)


@login_required
def me_due_date(request):
    """The due date of a gift received on the typed date, shown beside the form (htmx)."""
    _own_employee(request)
    on = selectors.today()
    try:
        received_on = dt.date.fromisoformat(request.GET.get("received_on", ""))
    except ValueError:
        received_on = None
    context = {"received_on": received_on, "today": on, "working_days": rules.GRATIFICATION_REPORT_WORKING_DAYS}
    if received_on is not None and received_on <= on:
        due_on = deadline(received_on, rules.GRATIFICATION_REPORT_WORKING_DAYS)
        context.update(due_on=due_on, late=on > due_on)
    return render(request, "integrity/_due_date.html", context)
