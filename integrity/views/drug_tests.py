"""Drug tests (tes urine): record an event, then each employee's result. A positive result
opens a case (the service does that). Only the Inspektorat sees results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from integrity import permissions, selectors, services
from integrity.forms import DrugTestEventForm, DrugTestResultForm
from integrity.models import DrugTestOutcome
from integrity.views.common import BAD_INPUT, form_page, register_crumb, require_manager, submit


@login_required
def drug_test_create(request):
    require_manager(request)
    form = DrugTestEventForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":

        def record(data):
            event = services.record_drug_test_event(
                held_on=data["held_on"],
                organiser=data["organiser"],
                units=data["units"],
                notes=data["notes"],
                by=request.user,
                today=selectors.today(),
            )
            messages.success(request, _("The drug test is recorded. Now record each employee's result."))
            return reverse("integrity:drug-test-detail", args=[event.pk])

        response = submit(form, record)
        if response:
            return response
        status = BAD_INPUT
    return form_page(
        request,
        form=form,
        layout=[["held_on", "organiser"], ["units"], ["notes"]],
        title=_("Record a drug test"),
        lead=_("An unannounced urine test held with the BNNK (Inpres 2/2020)."),
        crumbs=register_crumb("tes-urine", _("Drug tests")),
        submit_label=_("Record the test"),
        cancel_url=reverse("integrity:register") + "?tab=tes-urine",
        status=status,
        notes=[
            _("After the test, record each employee's result on the test's page: negative, positive or absent."),
            _("A positive result opens a narcotics case for the Inspektorat to verify."),
            _("Results are seen only by the Inspektorat."),
        ],
    )


@login_required
def drug_test_detail(request, pk: int):
    event = permissions.get_drug_test_event_for_user(request.user, pk)
    services.log_read(event)
    return _detail(request, event)


def _detail(request, event, *, result_form=None, status=200):
    results = list(
        permissions.drug_test_results_visible_to(request.user)
        .filter(event=event)
        .select_related("employee", "employee__opd", "case")
        .order_by("employee__name", "id")
    )
    context = {
        "event": event,
        "units": list(event.units.order_by("name")),
        "results": results,
        "positive": sum(1 for r in results if r.outcome == DrugTestOutcome.POSITIF),
        "absent": sum(1 for r in results if r.outcome == DrugTestOutcome.TIDAK_HADIR),
        "result_form": result_form
        or DrugTestResultForm(user=request.user, initial={"outcome": DrugTestOutcome.NEGATIF}),
        "crumbs": register_crumb("tes-urine", _("Drug tests")),
    }
    return render(request, "integrity/drug_test_detail.html", context, status=status)


@login_required
@require_POST
def drug_test_result_add(request, pk: int):
    event = permissions.get_drug_test_event_for_user(request.user, pk)
    require_manager(request)
    form = DrugTestResultForm(request.POST, user=request.user)

    def record(data):
        result = services.record_drug_test_result(
            event=event,
            employee=data["nip"],
            outcome=data["outcome"],
            follow_up=data["follow_up"],
            notes=data["notes"],
            by=request.user,
        )
        if result.outcome == DrugTestOutcome.POSITIF:
            messages.warning(
                request,
                _("The positive result of %(name)s is recorded and a narcotics case is opened.")
                % {"name": result.employee.full_name},
            )
        else:
            messages.success(request, _("The result of %(name)s is recorded.") % {"name": result.employee.full_name})
        return reverse("integrity:drug-test-detail", args=[event.pk]) + "#results"

    response = submit(form, record)
    if response:
        return response
    return _detail(request, event, result_form=form, status=BAD_INPUT)
