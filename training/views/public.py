"""The public certificate verification page, /v/<code>/ (the QR code's target). No login:
anyone holding a printed certificate can check it. It shows only what proves the document:
valid or revoked (with the date, never the reason), the programme, its dates and JP, the
holder's name with a partly masked NIP, and the certificate number. An unknown code is a
404 with a friendly page."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from training import certificates
from training.models import Certificate

# Codes are made by services.issue_certificate (secrets.token_urlsafe, 16 characters).
CODE_MAX_LENGTH = 32


@never_cache
def verify(request, code: str):
    certificate = None
    if len(code) <= CODE_MAX_LENGTH:
        certificate = (
            Certificate.objects.select_related("registration__session__program", "registration__employee")
            .filter(code=code)
            .first()
        )
    if certificate is None:
        response = render(request, "training/public/verify_unknown.html", {"code": code[:CODE_MAX_LENGTH]}, status=404)
    else:
        registration = certificate.registration
        session = registration.session
        employee = registration.employee
        context = {
            # Only these fields reach the template: nothing else of the employee or the record.
            "shown": {
                "is_valid": certificate.is_valid,
                "revoked_on": timezone.localtime(certificate.revoked_at).date() if certificate.revoked_at else None,
                "number": certificate.number,
                "program": session.program.title,
                "starts_on": session.starts_on,
                "ends_on": session.ends_on,
                "jp": certificate.jp,
                "holder": employee.full_name,
                "masked_nip": certificates.mask_nip(employee.nip),
            },
        }
        response = render(request, "training/public/verify.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
