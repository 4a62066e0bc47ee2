"""Disciplinary sanctions: record one from its decree, read it (logged), annul it on appeal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from integrity import permissions, selectors, services
from integrity.forms import AnnulSanctionForm, SanctionForm
from integrity.models import SanctionState
from integrity.views.common import BAD_INPUT, form_page, nip_from_query, register_crumb, require_manager, submit


@login_required
def sanction_create(request):
    require_manager(request)
    form = SanctionForm(request.POST or None, user=request.user, initial=nip_from_query(request))
    status = 200
    if request.method == "POST":

        def record(data):
            sanction = services.record_sanction(
                employee=data["nip"],
                type=data["type"],
                decree_number=data["decree_number"],
                decree_on=data["decree_on"],
                issued_by=data["issued_by"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                violation=data["violation"],
                by=request.user,
                today=selectors.today(),
            )
            messages.success(
                request, _("The sanction for %(name)s is recorded.") % {"name": sanction.employee.full_name}
            )
            return reverse("integrity:sanction-detail", args=[sanction.pk])

        response = submit(form, record)
        if response:
            return response
        status = BAD_INPUT
    return form_page(
        request,
        form=form,
        layout=[
            ["nip"],
            ["type"],
            ["decree_number", "decree_on"],
            ["issued_by"],
            ["starts_on", "ends_on"],
            ["violation"],
        ],
        title=_("Record a disciplinary sanction"),
        lead=_("From the decree (SK) of the official who imposed it (PP 94/2021)."),
        crumbs=register_crumb("hukuman", _("Disciplinary sanctions")),
        submit_label=_("Record the sanction"),
        cancel_url=reverse("integrity:register") + "?tab=hukuman",
        status=status,
        notes=[
            _(
                "The end follows from the sanction: 6, 9 or 12 months for moderate and severe ones; reprimands end "
                "the day they start; a dismissal never ends."
            ),
            _(
                "A moderate or severe sanction in force blocks promotion, study leave and leadership-training "
                "nomination until the day before its end."
            ),
            _("The violation is seen only by the Inspektorat and the employee concerned."),
        ],
    )


@login_required
def sanction_detail(request, pk: int):
    sanction = permissions.get_sanction_for_user(request.user, pk)
    services.log_read(sanction)
    return _detail(request, sanction)


def _detail(request, sanction, *, annul_form=None, status=200):
    can_manage = permissions.can_manage_integrity(request.user)
    on = selectors.today()
    case = None
    if can_manage:
        case = permissions.cases_visible_to(request.user).filter(sanction=sanction).first()
    context = {
        "sanction": sanction,
        "employee": sanction.employee,
        "state": SanctionState(sanction.state_on(on)),
        "can_manage": can_manage,
        "case": case,
        "annul_form": annul_form or (AnnulSanctionForm(user=request.user) if can_manage else None),
        "today": on,
    }
    return render(request, "integrity/sanction_detail.html", context, status=status)


@login_required
@require_POST
def sanction_annul(request, pk: int):
    sanction = permissions.get_sanction_for_user(request.user, pk)
    require_manager(request)
    form = AnnulSanctionForm(request.POST, user=request.user)

    def annul(data):
        services.annul_sanction(
            sanction,
            decree_number=data["decree_number"],
            decree_on=data["decree_on"],
            by=request.user,
            today=selectors.today(),
        )
        messages.success(request, _("The sanction is annulled; it no longer counts from its start."))
        return reverse("integrity:sanction-detail", args=[sanction.pk])

    response = submit(form, annul)
    if response:
        return response
    return _detail(request, sanction, annul_form=form, status=BAD_INPUT)
