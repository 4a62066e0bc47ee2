"""Integrity pacts (pakta integritas): record one with its signed document, read it (the
employee their own; logged), download the document through a permission check (logged)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from asn_portal import permissions as core_permissions
from asn_portal.uploads import protected_file_response
from integrity import permissions, selectors, services
from integrity.forms import PactForm
from integrity.views.common import BAD_INPUT, form_page, nip_from_query, register_crumb, require_manager, submit


@login_required
def pact_create(request):
    require_manager(request)
    form = PactForm(request.POST or None, request.FILES or None, user=request.user, initial=nip_from_query(request))
    status = 200
    if request.method == "POST":

        def record(data):
            pact = services.record_pact(
                employee=data["nip"],
                occasion=data["occasion"],
                signed_on=data["signed_on"],
                document=data["document"],
                by=request.user,
                today=selectors.today(),
            )
            messages.success(request, _("The pact is recorded."))
            return reverse("integrity:pact-detail", args=[pact.pk])

        response = submit(form, record)
        if response:
            return response
        status = BAD_INPUT
    return form_page(
        request,
        form=form,
        layout=[["nip"], ["occasion", "signed_on"], ["document"]],
        title=_("Record an integrity pact"),
        lead=_("A signed pakta integritas (PermenPANRB 49/2011), on appointment, a new position or each year."),
        crumbs=register_crumb("pakta", _("Integrity pacts")),
        submit_label=_("Record the pact"),
        cancel_url=reverse("integrity:register") + "?tab=pakta",
        status=status,
        multipart=True,
        notes=[
            _("The position is taken from the employee's record as it is today."),
            _("The employee sees their own pacts and can download the signed document."),
        ],
    )


@login_required
def pact_detail(request, pk: int):
    pact = permissions.get_pact_for_user(request.user, pk)
    services.log_read(pact)
    can_manage = permissions.can_manage_integrity(request.user)
    context = {
        "pact": pact,
        "employee": pact.employee,
        "can_manage": can_manage,
        "own": not can_manage and core_permissions.actor_for(request.user).employee_id == pact.employee_id,
    }
    return render(request, "integrity/pact_detail.html", context)


@login_required
def pact_document(request, pk: int):
    pact = permissions.get_pact_for_user(request.user, pk)
    services.log_read(pact)
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(pact.document_type, "bin")
    name = f"pakta-integritas-{pact.employee.nip}-{pact.signed_on:%Y%m%d}.{extension}"
    return protected_file_response(pact.document, download_name=name, content_type=pact.document_type)
