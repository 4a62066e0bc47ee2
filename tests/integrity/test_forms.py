"""The integrity record forms: good input is recorded through the service; bad input gives a
clear message, a 400 and writes nothing (issue 3, "Bad input")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from integrity import services
from integrity.forms import RupiahField
from integrity.models import (
    CaseEvidence,
    CaseStatus,
    DrugTestEvent,
    GratificationReport,
    GratificationStatus,
    IntegrityCase,
    IntegrityPact,
    Sanction,
    SanctionType,
    WealthReport,
)
from tests.factories import EmployeeFactory
from tests.integrity.factories import TODAY, case, sanction
from tests.integrity.helpers import (  # noqa: F401  (fixtures)
    PDF_BYTES,
    PNG_BYTES,
    media_fixture,
    pdf,
    pinned_today_fixture,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    """Messages are asserted in English (the Indonesian catalogue may not be compiled yet)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def inspektorat(city, login, pinned_today, media):
    return login(city.inspektur)


def _sanction_data(city, **changes):
    data = {
        "nip": city.staff_a.formatted_nip,  # with the spaces of the decree form
        "type": str(SanctionType.objects.get(code="potong_tukin_25_9_bulan").pk),
        "decree_number": "800/1234/2026",
        "decree_on": "2026-11-02",
        "issued_by": "Wali Kota Semarang",
        "starts_on": "2026-11-09",
        "ends_on": "",
        "violation": "Tidak masuk kerja tanpa alasan yang sah selama 14 hari kerja.",
    }
    data.update(changes)
    return data


def _errors(response) -> str:
    return " ".join(str(e) for errors in response.context["form"].errors.values() for e in errors)


# --- Sanctions -------------------------------------------------------------------------------


def test_a_sanction_is_recorded_from_a_nip_typed_with_spaces_and_its_end_follows_from_the_type(city, inspektorat):
    response = inspektorat.post(reverse("integrity:sanction-create"), _sanction_data(city))

    recorded = Sanction.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("integrity:sanction-detail", args=[recorded.pk])
    assert recorded.employee == city.staff_a
    assert recorded.ends_on == dt.date(2027, 8, 9)  # 9 months after 9 November 2026
    assert recorded.recorded_by == city.inspektur


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"nip": "19900517 201503 1 999"}, "nip", "No employee has NIP 19900517 201503 1 999"),
        ({"nip": "1990-05"}, "nip", "18 digits"),
        ({"decree_on": "2026-12-01"}, "decree_on", "cannot be in the future"),
        ({"ends_on": "2026-11-01"}, "ends_on", "end date cannot be before the start date"),
        ({"type": "999999"}, "type", "Select a valid choice"),
        ({"decree_number": "   "}, "decree_number", "required"),
        ({"starts_on": "31-31-2026"}, "starts_on", "valid date"),
    ],
)
def test_bad_sanction_input_is_refused_with_a_message_and_nothing_is_written(
    city, inspektorat, changes, field, message
):
    response = inspektorat.post(reverse("integrity:sanction-create"), _sanction_data(city, **changes))

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert message in _errors(response)
    assert Sanction.objects.count() == 0
    assert "Nothing was saved" in response.content.decode()


def test_an_employee_outside_the_users_view_cannot_be_picked_even_by_a_superuser_typing_an_unknown_nip(
    city, inspektorat
):
    response = inspektorat.post(reverse("integrity:sanction-create"), _sanction_data(city, nip="0" * 18))

    assert response.status_code == 400
    assert Sanction.objects.count() == 0


def test_a_sanction_is_annulled_on_appeal_and_no_longer_blocks(city, inspektorat):
    record = sanction(city.staff_a, "potong_tukin_25_12_bulan", dt.date(2026, 6, 1))

    response = inspektorat.post(
        reverse("integrity:sanction-annul", args=[record.pk]),
        {"decree_number": "862/7/2026", "decree_on": "2026-11-20"},
    )

    record.refresh_from_db()
    assert response.status_code == 302
    assert record.is_annulled and record.annulment_decree_number == "862/7/2026"
    assert services.standing(city.staff_a, TODAY).sanction_free


def test_an_annulment_dated_in_the_future_is_refused(city, inspektorat):
    record = sanction(city.staff_a, "potong_tukin_25_12_bulan", dt.date(2026, 6, 1))

    response = inspektorat.post(
        reverse("integrity:sanction-annul", args=[record.pk]),
        {"decree_number": "862/7/2026", "decree_on": "2027-01-02"},
    )

    record.refresh_from_db()
    assert response.status_code == 400
    assert "cannot be in the future" in " ".join(str(e) for e in response.context["annul_form"].errors["decree_on"])
    assert not record.is_annulled


# --- Cases -----------------------------------------------------------------------------------


def test_a_case_is_opened_and_moved_step_by_step_with_who_and_when(city, inspektorat):
    opened = inspektorat.post(
        reverse("integrity:case-create"),
        {
            "nip": city.staff_b.nip,
            "category": "netralitas",
            "source": "masyarakat",
            "alleged_level": "sedang",
            "opened_on": "2026-11-02",
            "summary": "Unggahan dukungan kepada calon kepala daerah.",
        },
    )
    record = IntegrityCase.objects.get()

    step = inspektorat.post(
        reverse("integrity:case-advance", args=[record.pk]),
        {"status": CaseStatus.VERIFIKASI, "on": "2026-11-10", "note": "Pelapor dihubungi."},
    )

    record.refresh_from_db()
    assert opened.status_code == 302
    assert step.status_code == 302
    assert record.status == CaseStatus.VERIFIKASI
    assert list(record.events.values_list("status", "by")) == [
        (CaseStatus.DITERIMA, city.inspektur.pk),
        (CaseStatus.VERIFIKASI, city.inspektur.pk),
    ]
    assert services.standing(city.staff_b, TODAY).under_examination


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": CaseStatus.SELESAI, "on": "2026-11-10"}, "Select a valid choice"),
        ({"status": CaseStatus.VERIFIKASI, "on": "2026-05-01"}, "before the case was received"),
        ({"status": CaseStatus.VERIFIKASI, "on": "2026-12-24"}, "cannot be in the future"),
    ],
)
def test_a_case_step_out_of_order_or_badly_dated_is_refused(city, inspektorat, data, message):
    record = case(city.staff_a, opened_on=dt.date(2026, 6, 1))

    response = inspektorat.post(reverse("integrity:case-advance", args=[record.pk]), data)

    record.refresh_from_db()
    assert response.status_code == 400
    errors = " ".join(str(e) for es in response.context["advance_form"].errors.values() for e in es)
    assert message in errors
    assert record.status == CaseStatus.DITERIMA and record.events.count() == 1


def test_closing_a_case_links_the_resulting_sanction(city, inspektorat):
    record = case(city.staff_a, opened_on=dt.date(2026, 6, 1))
    for status in (CaseStatus.VERIFIKASI, CaseStatus.KLARIFIKASI, CaseStatus.REKOMENDASI_SANKSI):
        services.advance_case(record, status=status, by=None, on=dt.date(2026, 7, 1))
    result = sanction(city.staff_a, "penurunan_jabatan_12_bulan", dt.date(2026, 8, 1))

    response = inspektorat.post(
        reverse("integrity:case-advance", args=[record.pk]),
        {"status": CaseStatus.SELESAI, "on": "2026-08-01", "sanction": str(result.pk)},
    )

    record.refresh_from_db()
    assert response.status_code == 302
    assert record.sanction == result and record.closed_on == dt.date(2026, 8, 1)


def test_a_pdf_is_attached_as_evidence(city, inspektorat):
    record = case(city.staff_a)

    response = inspektorat.post(
        reverse("integrity:case-evidence-add", args=[record.pk]),
        {"file": pdf("laporan.pdf"), "description": "Laporan masyarakat"},
    )

    evidence = CaseEvidence.objects.get()
    assert response.status_code == 302
    assert (evidence.content_type, evidence.original_name, evidence.uploaded_by) == (
        "application/pdf",
        "laporan.pdf",
        city.inspektur,
    )


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("bukti.pdf", b"MZ\x90\x00 this is a program, not a PDF" * 10), "Only PDF, JPEG and PNG"),
        (SimpleUploadedFile("catatan.txt", b"hanya teks biasa\n" * 20), "Only PDF, JPEG and PNG"),
        (SimpleUploadedFile("besar.pdf", PDF_BYTES + b"0" * 3000), "too large"),
    ],
)
def test_evidence_that_is_not_a_pdf_or_image_or_too_large_is_refused_by_its_content(
    city, inspektorat, settings, upload, message
):
    settings.SIGAP_MAX_DOCUMENT_BYTES = 2000
    record = case(city.staff_a)

    response = inspektorat.post(reverse("integrity:case-evidence-add", args=[record.pk]), {"file": upload})

    assert response.status_code == 400
    assert message in " ".join(str(e) for e in response.context["evidence_form"].errors["file"])
    assert CaseEvidence.objects.count() == 0


# --- Drug tests ------------------------------------------------------------------------------


def test_a_positive_drug_test_result_opens_a_case_by_itself(city, inspektorat):
    inspektorat.post(
        reverse("integrity:drug-test-create"),
        {"held_on": "2026-10-06", "organiser": "BNNK Kota Semarang", "units": [city.dinkes.pk]},
    )
    event = DrugTestEvent.objects.get()

    negative = inspektorat.post(
        reverse("integrity:drug-test-result-add", args=[event.pk]), {"nip": city.staff_b.nip, "outcome": "negatif"}
    )
    positive = inspektorat.post(
        reverse("integrity:drug-test-result-add", args=[event.pk]),
        {"nip": city.staff_a.nip, "outcome": "positif", "follow_up": "asesmen"},
    )
    twice = inspektorat.post(
        reverse("integrity:drug-test-result-add", args=[event.pk]), {"nip": city.staff_a.nip, "outcome": "negatif"}
    )

    assert (negative.status_code, positive.status_code, twice.status_code) == (302, 302, 400)
    assert "already has a result" in " ".join(str(e) for e in twice.context["result_form"].errors["nip"])
    opened = IntegrityCase.objects.get()
    assert (opened.employee, opened.category, opened.source) == (city.staff_a, "narkoba", "tes_urine")
    assert list(event.units.all()) == [city.dinkes]


# --- Filings ---------------------------------------------------------------------------------


def test_a_filing_is_added_for_an_employee_and_a_year(city, inspektorat):
    response = inspektorat.post(reverse("integrity:filing-create"), {"nip": city.staff_a.nip, "year": "2025"})

    filing = WealthReport.objects.get()
    assert response.status_code == 302
    assert (filing.employee, filing.year, filing.kind, filing.due_on) == (
        city.staff_a,
        2025,
        "lhkasn",
        dt.date(2026, 3, 31),
    )


def test_a_second_filing_for_the_same_year_is_refused(city, inspektorat):
    services.create_filing(city.staff_a, year=2025, kind=None, by=None, today=TODAY)

    response = inspektorat.post(reverse("integrity:filing-create"), {"nip": city.staff_a.nip, "year": "2025"})

    assert response.status_code == 400
    assert "already has a filing for 2025" in " ".join(str(e) for e in response.context["form"].errors["year"])
    assert WealthReport.objects.count() == 1


def test_a_filing_year_before_the_employees_appointment_is_refused(city, inspektorat):
    newcomer = EmployeeFactory(unit=city.dinkes, appointed=dt.date(2024, 6, 1))

    response = inspektorat.post(reverse("integrity:filing-create"), {"nip": newcomer.nip, "year": "2023"})

    assert response.status_code == 400
    assert "was appointed in 2024" in " ".join(str(e) for e in response.context["form"].errors["year"])
    assert WealthReport.objects.count() == 0


def test_a_submission_by_nip_creates_the_missing_filing_and_a_late_one_counts_as_late(city, inspektorat):
    response = inspektorat.post(
        reverse("integrity:filing-submission"),
        {"nip": city.staff_a.formatted_nip, "year": "2025", "submitted_on": "2026-04-15"},
    )

    filing = WealthReport.objects.with_status(TODAY).get()
    assert response.status_code == 302
    assert filing.submitted_on == dt.date(2026, 4, 15) and filing.channel == "siharka"
    assert filing.status_on == "terlambat"


def test_a_submission_in_the_future_is_refused(city, inspektorat):
    response = inspektorat.post(
        reverse("integrity:filing-submission"), {"nip": city.staff_a.nip, "year": "2025", "submitted_on": "2026-12-15"}
    )

    assert response.status_code == 400
    assert WealthReport.objects.count() == 0


def test_a_filing_is_verified_only_once_submitted(city, inspektorat):
    filing = services.create_filing(city.staff_a, year=2025, kind=None, by=None, today=TODAY)

    early = inspektorat.post(reverse("integrity:filing-verify", args=[filing.pk]), {"on": "2026-11-20"})
    services.record_submission(city.staff_a, year=2025, submitted_on=dt.date(2026, 3, 2), by=None, today=TODAY)
    verified = inspektorat.post(reverse("integrity:filing-verify", args=[filing.pk]), {"on": "2026-11-20"})

    filing.refresh_from_db()
    assert early.status_code == 400
    assert "Only a submitted filing can be verified" in early.content.decode()
    assert verified.status_code == 302
    assert (filing.verified_on, filing.verified_by) == (dt.date(2026, 11, 20), city.inspektur)


def test_opening_a_reporting_year_creates_every_employees_filing_once(city, inspektorat):
    first = inspektorat.post(reverse("integrity:filing-open-year"), {"year": "2025"})
    again = inspektorat.post(reverse("integrity:filing-open-year"), {"year": "2025"})
    too_early = inspektorat.post(reverse("integrity:filing-open-year"), {"year": "2027"})

    assert (first.status_code, again.status_code, too_early.status_code) == (302, 302, 400)
    assert WealthReport.objects.filter(year=2025).count() == 5  # the five employees of the city
    assert WealthReport.objects.filter(year=2027).count() == 0


def test_an_lhkpn_designation_is_recorded(city, inspektorat):
    response = inspektorat.post(
        reverse("integrity:designation-create"),
        {
            "nip": city.staff_a.nip,
            "must_file": "1",
            "decree_number": "188.4/77/2026",
            "decree_on": "2026-01-15",
            "valid_from": "2026-01-01",
        },
    )

    assert response.status_code == 302
    assert services.filing_kind_for(city.staff_a, dt.date(2026, 12, 31)) == "lhkpn"


# --- Gratification ---------------------------------------------------------------------------


def _gift(**changes):
    data = {
        "received_on": "2026-08-12",
        "giver": "PT Maju Jaya",
        "description": "Parsel berisi jam tangan.",
        "estimated_value": "Rp 1.500.000",
        "relation_to_duty": "Pemohon izin.",
    }
    data.update(changes)
    return data


def test_a_gift_reported_on_my_integrity_is_due_ten_working_days_later_across_17_august(
    city, login, pinned_today, media
):
    # 12 Aug 2026 is a Wednesday; 17 Aug (Independence Day) and 25 Aug (Prophet's Birthday)
    # are national holidays, so the tenth working day is Friday 28 August.
    pinned_today(dt.date(2026, 8, 20))
    client = login(city.staff_a.user)

    response = client.post(reverse("integrity:me"), _gift(), follow=True)

    report = GratificationReport.objects.get()
    assert report.due_on == dt.date(2026, 8, 28)
    assert report.reported_on == dt.date(2026, 8, 20) and not report.is_late
    assert report.estimated_value == Decimal("1500000")
    assert report.employee == city.staff_a
    assert "on time (due by Friday, 28 August 2026)" in response.content.decode()


def test_a_gift_reported_after_its_due_date_is_flagged_late(city, login, pinned_today, media):
    pinned_today(dt.date(2026, 8, 31))
    client = login(city.staff_a.user)

    response = client.post(reverse("integrity:me"), _gift(), follow=True)

    report = GratificationReport.objects.get()
    assert report.is_late
    html = response.content.decode()
    assert "so it is marked late" in html
    assert "Reported late" in html


def test_the_due_date_preview_counts_working_days_across_the_holidays(city, login, pinned_today):
    pinned_today(dt.date(2026, 8, 31))
    client = login(city.staff_a.user)

    response = client.get(reverse("integrity:me-due-date"), {"received_on": "2026-08-12"})

    html = response.content.decode()
    assert "Friday, 28 August 2026" in html
    assert "your report will be marked late" in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"received_on": "2026-09-01"}, "received_on", "cannot be in the future"),
        ({"estimated_value": "satu juta"}, "estimated_value", "amount in rupiah"),
        ({"giver": ""}, "giver", "required"),
    ],
)
def test_a_bad_gift_report_is_refused_and_nothing_is_written(city, login, pinned_today, changes, field, message):
    pinned_today(dt.date(2026, 8, 20))
    client = login(city.staff_a.user)

    response = client.post(reverse("integrity:me"), _gift(**changes))

    assert response.status_code == 400
    assert message in " ".join(str(e) for e in response.context["form"].errors[field])
    assert GratificationReport.objects.count() == 0


def test_the_upg_verifies_forwards_and_decides_a_report(city, inspektorat):
    report = services.report_gratification(
        employee=city.staff_a,
        received_on=dt.date(2026, 11, 2),
        giver="PT Maju Jaya",
        description="Jam tangan.",
        estimated_value=Decimal(3000000),
        relation_to_duty="",
        reported_on=dt.date(2026, 11, 5),
        by=None,
    )
    url = reverse("integrity:gratification-process", args=[report.pk])

    inspektorat.post(url, {"status": GratificationStatus.DIVERIFIKASI, "on": "2026-11-06"})
    inspektorat.post(url, {"status": GratificationStatus.DITERUSKAN, "on": "2026-11-10", "kpk_reference": "GOL-123"})
    undecided = inspektorat.post(url, {"status": GratificationStatus.DITETAPKAN, "on": "2026-11-20"})
    decided = inspektorat.post(
        url, {"status": GratificationStatus.DITETAPKAN, "on": "2026-11-20", "decision": "milik_negara"}
    )

    report.refresh_from_db()
    assert undecided.status_code == 400
    assert decided.status_code == 302
    assert (report.status, report.kpk_reference, report.decision, report.handled_by) == (
        GratificationStatus.DITETAPKAN,
        "GOL-123",
        "milik_negara",
        city.inspektur,
    )


def test_the_inspektorat_records_a_report_made_on_paper(city, inspektorat):
    response = inspektorat.post(
        reverse("integrity:gratification-create"),
        _gift(nip=city.outsider.formatted_nip, reported_on="2026-08-18", estimated_value="750000"),
    )

    report = GratificationReport.objects.get()
    assert response.status_code == 302
    assert (report.employee, report.reported_on, report.estimated_value) == (
        city.outsider,
        dt.date(2026, 8, 18),
        Decimal(750000),
    )


# --- Pacts -----------------------------------------------------------------------------------


def test_a_pact_is_recorded_with_its_signed_document(city, inspektorat):
    response = inspektorat.post(
        reverse("integrity:pact-create"),
        {"nip": city.staff_a.nip, "occasion": "tahunan", "signed_on": "2026-01-05", "document": pdf("pakta.pdf")},
    )

    pact = IntegrityPact.objects.get()
    assert response.status_code == 302
    assert pact.document_type == "application/pdf" and pact.recorded_by == city.inspektur


def test_a_pact_scan_as_png_is_accepted_but_a_renamed_text_file_is_not(city, inspektorat):
    png = inspektorat.post(
        reverse("integrity:pact-create"),
        {
            "nip": city.staff_a.nip,
            "occasion": "tahunan",
            "signed_on": "2026-01-05",
            "document": SimpleUploadedFile("pakta.png", PNG_BYTES),
        },
    )
    fake = inspektorat.post(
        reverse("integrity:pact-create"),
        {
            "nip": city.staff_b.nip,
            "occasion": "tahunan",
            "signed_on": "2026-01-05",
            "document": SimpleUploadedFile("pakta.pdf", b"bukan pdf, hanya teks\n" * 10),
        },
    )

    assert png.status_code == 302
    assert fake.status_code == 400
    assert "Only PDF, JPEG and PNG" in " ".join(str(e) for e in fake.context["form"].errors["document"])
    assert list(IntegrityPact.objects.values_list("employee", flat=True)) == [city.staff_a.pk]


# --- Field parsing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("1500000", 1500000), ("1.500.000", 1500000), ("Rp 1.500.000,-", 1500000), ("rp1,500,000", 1500000), ("0", 0)],
)
def test_rupiah_amounts_are_read_as_people_write_them(typed, amount):
    assert RupiahField().clean(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["1.500,50", "1.50.000", "satu juta", "-5000"])
def test_rupiah_amounts_that_are_not_whole_rupiah_are_refused(typed):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        RupiahField().clean(typed)
