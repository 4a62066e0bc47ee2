"""Certificates: the STTPP PDF (a real A4 landscape PDF with the number, the holder, the
programme, the JP and a QR code to the public page), who may download it, revocation, and
the public verification page (valid, revoked, unknown code) showing nothing beyond the
allowed fields."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from asn_portal.nip import format_nip
from tests.training.factories import TODAY
from tests.training.test_bkpp_pages import RUNNING_DAY, build_course, run_session
from training import certificates, services
from training.models import Certificate, Registration

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def passed(city):
    """staff_a passed the session (certificate issued); staff_b did not attend."""
    course = build_course(city)
    run_session(course.session)
    services.record_result(
        course.a, passed=True, by=city.admin, on=RUNNING_DAY, score=Decimal("87.25"), notes="Sangat aktif"
    )
    services.record_result(course.b, passed=None, by=city.admin, on=RUNNING_DAY)
    registration = Registration.objects.select_related("employee", "session__program").get(pk=course.a.pk)
    return registration, Certificate.objects.get(registration=registration), course


def _pdf_string(text: str) -> bytes:
    """How reportlab writes a text of the built-in fonts into a content stream."""
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("cp1252")


def _page(response) -> str:
    return html.unescape(response.content.decode())


# ---------------------------------------------------------------------------------------------
# Masking
# ---------------------------------------------------------------------------------------------


def test_a_masked_nip_shows_only_the_first_six_and_last_three_digits_in_decree_groups():
    assert certificates.mask_nip("198609262015051001") == "198609•• •••••• • 001"


def test_a_value_that_is_not_a_nip_shows_only_its_last_three_digits():
    assert certificates.mask_nip("12345") == "••345"


# ---------------------------------------------------------------------------------------------
# The PDF
# ---------------------------------------------------------------------------------------------


def test_the_certificate_is_an_a4_landscape_pdf_carrying_every_printed_fact(passed):
    registration, certificate, _course = passed
    employee = registration.employee

    pdf = certificates.render_certificate(certificate, compress=False)

    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert re.search(rb"/MediaBox \[\s*0 0 841\.8898 595\.2756\s*\]", pdf)
    for printed in (
        "SURAT TANDA TAMAT PELATIHAN",
        f"Nomor: {certificate.number}",
        employee.full_name,
        f"NIP {format_nip(employee.nip)}",
        registration.session.program.title,
        f"sebanyak {certificate.jp} jam pelajaran (JP)",
        "Kepala BKPP",
    ):
        assert _pdf_string(printed) in pdf, printed


@override_settings(SIGAP_SITE_URL="https://sigap.semarangkota.go.id/")
def test_the_qr_code_points_to_the_absolute_public_verification_address(passed):
    _registration, certificate, _course = passed

    url = certificates.verification_url(certificate)
    pdf = certificates.render_certificate(certificate, compress=False)

    assert url == f"https://sigap.semarangkota.go.id/v/{certificate.code}/"
    assert url.encode() in pdf  # printed under the QR code
    # The QR code itself is drawn as many small filled squares.
    assert pdf.count(b" re") > 100


def test_the_compressed_pdf_names_the_certificate_in_its_metadata(passed):
    _registration, certificate, _course = passed

    pdf = certificates.render_certificate(certificate)

    assert f"(STTPP {certificate.number})".encode() in pdf
    assert b"FlateDecode" in pdf


def test_dates_are_written_in_indonesian_whatever_the_span():
    import datetime as dt

    assert certificates.date_span_id(dt.date(2026, 12, 1), dt.date(2026, 12, 3)) == "1 – 3 Desember 2026"
    assert certificates.date_span_id(dt.date(2026, 11, 30), dt.date(2026, 12, 2)) == "30 November – 2 Desember 2026"
    assert certificates.date_span_id(dt.date(2026, 12, 30), dt.date(2027, 1, 2)) == "30 Desember 2026 – 2 Januari 2027"
    assert certificates.date_span_id(dt.date(2026, 8, 17), dt.date(2026, 8, 17)) == "17 Agustus 2026"


# ---------------------------------------------------------------------------------------------
# Who may download it
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("staff_a", 200),  # the holder
        ("admin", 200),  # BKPP
        ("supervisor", 200),  # the holder's direct supervisor (training.permissions)
        ("operator", 200),  # the operator of the holder's OPD
        ("staff_b", 404),  # a colleague
        ("outsider", 404),  # someone of another OPD
        ("inspektur", 404),
    ],
)
def test_the_certificate_pdf_is_served_only_to_whoever_may_see_the_registration(city, passed, login, role, status):
    registration, certificate, _course = passed
    client = login(city.user(role))

    response = client.get(reverse("training:certificate-pdf", args=[registration.pk]))

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        assert certificate.number.encode() in response.content


def test_an_anonymous_visitor_cannot_download_a_certificate(client, passed):
    registration, _certificate, _course = passed

    response = client.get(reverse("training:certificate-pdf", args=[registration.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_registration_without_a_certificate_has_no_pdf(city, passed, login):
    _registration, _certificate, course = passed  # staff_b did not attend

    response = login(city.staff_b.user).get(reverse("training:certificate-pdf", args=[course.b.pk]))

    assert response.status_code == 404


def test_a_revoked_certificate_is_not_downloadable_and_says_why(city, passed, login):
    registration, certificate, _course = passed
    services.revoke_certificate(certificate, by=city.admin, reason="Data peserta keliru.")

    response = login(city.staff_a.user).get(reverse("training:certificate-pdf", args=[registration.pk]), **EN)

    assert response.status_code == 410
    assert response["Content-Type"].startswith("text/html")
    assert "This certificate has been revoked" in _page(response)


# ---------------------------------------------------------------------------------------------
# The public verification page
# ---------------------------------------------------------------------------------------------


def test_the_verification_page_of_a_valid_certificate_needs_no_login_and_shows_the_allowed_facts(client, passed):
    registration, certificate, _course = passed
    employee = registration.employee

    response = client.get(reverse("certificates:verify", args=[certificate.code]), **EN)

    page = _page(response)
    assert response.status_code == 200
    assert response.context["shown"]["is_valid"] is True
    assert "Valid certificate" in page
    for allowed in (
        certificate.number,
        employee.full_name,
        certificates.mask_nip(employee.nip),
        registration.session.program.title,
        f"{certificate.jp} JP",
        "1 December 2026",
        "2 December 2026",
    ):
        assert allowed in page, allowed


def test_the_verification_page_never_shows_the_full_nip_or_anything_beyond_the_allowed_fields(client, passed):
    registration, certificate, _course = passed
    employee = registration.employee

    response = client.get(reverse("certificates:verify", args=[certificate.code]), **EN)

    page = _page(response)
    assert set(response.context["shown"]) == {
        "is_valid",
        "revoked_on",
        "number",
        "program",
        "starts_on",
        "ends_on",
        "jp",
        "holder",
        "masked_nip",
    }
    for secret in (
        employee.nip,
        format_nip(employee.nip),
        employee.nip[6:15],
        "87.25",  # the score
        "87,25",
        "Sangat aktif",  # the result notes
        employee.opd.name,
        employee.email or "@",
        registration.session.place,
    ):
        assert not secret or secret not in page, secret
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_the_verification_page_of_a_revoked_certificate_says_so_with_the_date_but_not_the_reason(city, client, passed):
    _registration, certificate, _course = passed
    services.revoke_certificate(certificate, by=city.admin, reason="Dokumen pendukung dipalsukan.")
    certificate.refresh_from_db()

    response = client.get(reverse("certificates:verify", args=[certificate.code]), **EN)

    page = _page(response)
    assert response.status_code == 200
    assert response.context["shown"]["is_valid"] is False
    assert "Certificate revoked" in page
    assert timezone.localtime(certificate.revoked_at).strftime("%-d %B %Y") in page  # the local day
    assert "Dokumen pendukung dipalsukan." not in page


@pytest.mark.parametrize("code", ["tidak-ada-kode-ini", "x" * 200])
def test_an_unknown_code_gets_a_friendly_404(client, passed, code):
    response = client.get(reverse("certificates:verify", args=[code]), **EN)

    assert response.status_code == 404
    assert "We could not find this certificate" in _page(response)


def test_a_new_certificate_takes_the_next_number_of_its_year(city):
    course = build_course(city)
    run_session(course.session)

    first = services.record_result(course.a, passed=True, by=None, on=RUNNING_DAY)
    second = services.record_result(course.b, passed=True, by=None, on=RUNNING_DAY)

    numbers = [first.certificate.number, second.certificate.number]
    assert numbers[0].endswith("/2026/000001") and numbers[1].endswith("/2026/000002")
    assert TODAY.year == 2026
