"""Integrity services: the rules on bad input, and what each write does."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from asn_portal.models import EmploymentType
from asn_portal.services import ServiceError
from integrity import services
from integrity.models import (
    CaseCategory,
    CaseSource,
    CaseStatus,
    DrugTestOutcome,
    FilingKind,
    GratificationStatus,
    IntegrityCase,
    Sanction,
    SanctionType,
    WealthReport,
)
from tests.factories import EmployeeFactory, PositionFactory
from tests.integrity.factories import TODAY, case, sanction

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _code(error):
    return error.value.code


def test_a_decree_dated_in_the_future_is_refused_and_nothing_is_written(city):
    with pytest.raises(ServiceError) as error:
        sanction(city.staff_a, "potong_tukin_25_6_bulan", dt.date(2026, 11, 1), decree_on=dt.date(2026, 12, 1))

    assert _code(error) == "date_in_future"
    assert error.value.field == "decree_on"
    assert not Sanction.objects.exists()


def test_an_end_before_the_start_is_refused(city):
    with pytest.raises(ServiceError) as error:
        sanction(city.staff_a, "potong_tukin_25_6_bulan", dt.date(2026, 5, 1), ends_on=dt.date(2026, 4, 1))

    assert _code(error) == "ends_before_start"
    assert not Sanction.objects.exists()


def test_the_end_is_stored_from_the_type(city):
    record = sanction(city.staff_a, "potong_tukin_25_9_bulan", dt.date(2026, 5, 1))

    assert record.ends_on == dt.date(2027, 2, 1)
    assert record.last_day_on == dt.date(2027, 1, 31)
    assert record.state_on(dt.date(2026, 12, 1)) == "berlaku"
    assert record.state_on(dt.date(2027, 2, 1)) == "selesai"


def test_a_sanction_cannot_be_annulled_twice(city):
    record = sanction(city.staff_a, "teguran_tertulis", dt.date(2026, 5, 1))
    services.annul_sanction(record, decree_number="A/1", decree_on=dt.date(2026, 6, 1), by=None, today=TODAY)

    with pytest.raises(ServiceError) as error:
        services.annul_sanction(record, decree_number="A/2", decree_on=dt.date(2026, 6, 2), by=None, today=TODAY)

    assert _code(error) == "already_annulled"


def test_case_steps_follow_the_workflow_and_record_who_and_when(city):
    item = case(city.staff_a, by=city.inspektur)

    services.advance_case(
        item, status=CaseStatus.VERIFIKASI, by=city.inspektur, on=dt.date(2026, 6, 5), note="Lengkap."
    )
    with pytest.raises(ServiceError) as error:
        services.advance_case(item, status=CaseStatus.SELESAI, by=city.inspektur, on=dt.date(2026, 6, 6))

    assert _code(error) == "invalid_step"
    steps = list(item.events.order_by("at", "pk").values_list("status", "by__username"))
    assert steps == [("diterima", "inspektur"), ("verifikasi", "inspektur")]


def test_a_closed_case_links_the_sanction_it_led_to(city):
    item = case(city.staff_a)
    for step in (CaseStatus.VERIFIKASI, CaseStatus.KLARIFIKASI, CaseStatus.REKOMENDASI_SANKSI):
        services.advance_case(item, status=step, by=None, on=dt.date(2026, 6, 10))
    result = sanction(city.staff_a, "pembebasan_jabatan_12_bulan", dt.date(2026, 7, 1))

    services.advance_case(item, status=CaseStatus.SELESAI, by=None, on=dt.date(2026, 7, 1), sanction=result)

    item.refresh_from_db()
    assert item.sanction == result
    assert item.closed_on == dt.date(2026, 7, 1)


def test_a_sanction_of_another_employee_cannot_close_a_case(city):
    item = case(city.staff_a)
    for step in (CaseStatus.VERIFIKASI, CaseStatus.KLARIFIKASI):
        services.advance_case(item, status=step, by=None, on=dt.date(2026, 6, 10))
    other = sanction(city.staff_b, "teguran_lisan", dt.date(2026, 7, 1))

    with pytest.raises(ServiceError) as error:
        services.advance_case(item, status=CaseStatus.SELESAI, by=None, on=dt.date(2026, 7, 1), sanction=other)

    assert _code(error) == "sanction_other_employee"


def test_evidence_must_be_a_pdf_or_an_image_by_content(city):
    item = case(city.staff_a)

    with pytest.raises(ServiceError) as error:
        services.add_evidence(
            item, uploaded=SimpleUploadedFile("bukti.pdf", b"MZ\x90\0binary"), description="", by=None
        )
    evidence = services.add_evidence(item, uploaded=SimpleUploadedFile("scan", PDF), description="Surat", by=None)

    assert _code(error) == "file_type"
    assert evidence.content_type == "application/pdf"
    assert item.evidence.count() == 1
    assert "scan" not in evidence.file.name  # stored under a random name


def test_a_positive_drug_test_opens_a_case_for_the_inspektorat(city):
    event = services.record_drug_test_event(
        held_on=dt.date(2026, 10, 1),
        organiser="BNNK Kota Semarang",
        units=[city.dinkes],
        notes="",
        by=None,
        today=TODAY,
    )

    result = services.record_drug_test_result(
        event=event, employee=city.staff_a, outcome=DrugTestOutcome.POSITIF, follow_up="asesmen", notes="", by=None
    )
    services.record_drug_test_result(
        event=event, employee=city.staff_b, outcome=DrugTestOutcome.NEGATIF, follow_up="", notes="", by=None
    )

    opened = IntegrityCase.objects.get()
    assert opened.employee == city.staff_a
    assert (opened.category, opened.source) == (CaseCategory.NARKOBA, CaseSource.TES_URINE)
    assert opened.drug_test_result == result


def test_a_second_result_for_the_same_test_is_refused(city):
    event = services.record_drug_test_event(
        held_on=dt.date(2026, 10, 1), organiser="BNNK", units=[], notes="", by=None, today=TODAY
    )
    services.record_drug_test_result(
        event=event, employee=city.staff_a, outcome="negatif", follow_up="", notes="", by=None
    )

    with pytest.raises(ServiceError) as error:
        services.record_drug_test_result(
            event=event, employee=city.staff_a, outcome="positif", follow_up="", notes="", by=None
        )

    assert _code(error) == "duplicate_result"
    assert not IntegrityCase.objects.exists()


def test_opening_a_filing_year_gives_lhkpn_to_obligees_and_lhkasn_to_everyone_else(city):
    head = PositionFactory(unit=city.dinkes, name="Kepala Dinas", kind="jpt_pratama")
    buyer = PositionFactory(unit=city.dinkes, name="Pejabat Pengadaan", kind="pelaksana", handles_procurement=True)
    chief = EmployeeFactory(unit=city.dinkes, position=head)
    procurement = EmployeeFactory(unit=city.dinkes, position=buyer)
    pppk = EmployeeFactory(unit=city.dinkes, employment_type=EmploymentType.PPPK, appointed=dt.date(2021, 1, 1))

    created = services.open_filing_year(2025, today=TODAY)
    again = services.open_filing_year(2025, today=TODAY)

    kinds = dict(WealthReport.objects.filter(year=2025).values_list("employee_id", "kind"))
    assert created == 8 and again == 0  # the five of the city and three more
    assert kinds[chief.pk] == kinds[procurement.pk] == FilingKind.LHKPN
    assert kinds[city.staff_a.pk] == kinds[pppk.pk] == FilingKind.LHKASN
    assert set(WealthReport.objects.values_list("due_on", flat=True)) == {dt.date(2026, 3, 31)}


def test_a_ppk_decree_makes_an_employee_an_lhkpn_obligee(city):
    services.designate_lhkpn(
        city.staff_a,
        must_file=True,
        decree_number="PPK/9",
        decree_on=dt.date(2025, 1, 2),
        valid_from=dt.date(2025, 1, 2),
        by=None,
        today=TODAY,
    )

    services.open_filing_year(2025, today=TODAY)

    assert WealthReport.objects.get(employee=city.staff_a, year=2025).kind == FilingKind.LHKPN


def test_a_filing_year_before_the_appointment_is_refused(city):
    with pytest.raises(ServiceError) as error:
        services.create_filing(city.staff_a, year=2010, kind=None, by=None, today=TODAY)  # appointed 2015

    assert _code(error) == "year_before_appointment"
    assert not WealthReport.objects.exists()


def test_a_second_filing_for_the_same_year_is_refused(city):
    services.create_filing(city.staff_a, year=2024, kind=None, by=None, today=TODAY)

    with pytest.raises(ServiceError) as error:
        services.create_filing(city.staff_a, year=2024, kind=None, by=None, today=TODAY)

    assert _code(error) == "duplicate_filing"
    assert WealthReport.objects.count() == 1


def test_filing_status_follows_the_dates(city):
    services.create_filing(city.staff_a, year=2024, kind=None, by=None, today=TODAY)
    services.record_submission(city.staff_a, year=2024, submitted_on=dt.date(2025, 4, 10), by=None, today=TODAY)
    services.create_filing(city.staff_b, year=2024, kind=None, by=None, today=TODAY)
    services.record_submission(city.staff_b, year=2024, submitted_on=dt.date(2025, 2, 1), by=None, today=TODAY)
    services.create_filing(city.supervisor, year=2024, kind=None, by=None, today=TODAY)
    services.verify_filing(WealthReport.objects.get(employee=city.staff_b), by=city.inspektur, on=dt.date(2025, 3, 1))

    status = dict(WealthReport.objects.with_status(dt.date(2025, 6, 1)).values_list("employee_id", "status_on"))
    before = dict(WealthReport.objects.with_status(dt.date(2025, 3, 1)).values_list("employee_id", "status_on"))

    assert status == {city.staff_a.pk: "terlambat", city.staff_b.pk: "terverifikasi", city.supervisor.pk: "terlambat"}
    assert before[city.staff_a.pk] == "belum"


def test_a_gift_reported_within_ten_working_days_is_on_time_and_one_after_is_late(city):
    # Received Friday 14 August 2026: 17 August and 25 August are national holidays.
    on_time = services.report_gratification(
        employee=city.staff_a,
        received_on=dt.date(2026, 8, 14),
        giver="PT Contoh",
        description="Parsel",
        estimated_value=Decimal("750000"),
        relation_to_duty="Rekanan pengadaan",
        reported_on=dt.date(2026, 9, 1),
        by=None,
    )
    late = services.report_gratification(
        employee=city.staff_b,
        received_on=dt.date(2026, 8, 14),
        giver="PT Contoh",
        description="Parsel",
        estimated_value=Decimal("750000"),
        relation_to_duty="",
        reported_on=dt.date(2026, 9, 2),
        by=None,
    )

    assert on_time.due_on == dt.date(2026, 9, 1)
    assert not on_time.is_late
    assert late.is_late


def test_a_gift_with_a_negative_value_is_refused(city):
    with pytest.raises(ServiceError) as error:
        services.report_gratification(
            employee=city.staff_a,
            received_on=dt.date(2026, 11, 2),
            giver="X",
            description="Y",
            estimated_value=Decimal("-1"),
            relation_to_duty="",
            reported_on=TODAY,
            by=None,
        )

    assert _code(error) == "negative_value"


def test_the_upg_verifies_forwards_and_records_the_kpk_decision(city):
    report = services.report_gratification(
        employee=city.staff_a,
        received_on=dt.date(2026, 11, 2),
        giver="X",
        description="Jam tangan",
        estimated_value=Decimal("3000000"),
        relation_to_duty="",
        reported_on=dt.date(2026, 11, 3),
        by=None,
    )

    with pytest.raises(ServiceError):
        services.process_gratification(report, status=GratificationStatus.DITERUSKAN, by=city.inspektur, on=TODAY)
    services.process_gratification(report, status=GratificationStatus.DIVERIFIKASI, by=city.inspektur, on=TODAY)
    services.process_gratification(
        report, status=GratificationStatus.DITERUSKAN, by=city.inspektur, on=TODAY, kpk_reference="GOL-123"
    )
    final = services.process_gratification(
        report, status=GratificationStatus.DITETAPKAN, by=city.inspektur, on=TODAY, decision="milik_negara"
    )

    assert (final.status, final.decision, final.kpk_reference) == ("ditetapkan", "milik_negara", "GOL-123")


def test_a_pact_needs_a_real_document(city):
    with pytest.raises(ServiceError) as error:
        services.record_pact(
            employee=city.staff_a,
            occasion="jabatan",
            signed_on=dt.date(2026, 1, 5),
            document=SimpleUploadedFile("pakta.pdf", b"<html>"),
            by=None,
            today=TODAY,
        )
    pact = services.record_pact(
        employee=city.staff_a,
        occasion="jabatan",
        signed_on=dt.date(2026, 1, 5),
        document=SimpleUploadedFile("pakta.pdf", PDF),
        by=None,
        today=TODAY,
    )

    assert _code(error) == "file_type"
    assert pact.document_type == "application/pdf"


def test_sanction_types_are_reference_data_with_stable_codes(db):
    assert SanctionType.objects.get(code="pemberhentian").is_dismissal


def test_a_case_step_cannot_be_dated_in_the_future(city):
    item = case(city.staff_a)

    with pytest.raises(ServiceError) as error:
        services.advance_case(item, status=CaseStatus.VERIFIKASI, by=None, on=dt.date(2026, 12, 5), today=TODAY)

    assert _code(error) == "date_in_future"


def test_a_pact_for_a_position_of_another_opd_is_refused(city):
    other = PositionFactory(unit=city.disdik, name="Guru")

    with pytest.raises(ServiceError) as error:
        services.record_pact(
            employee=city.staff_a,
            occasion="jabatan",
            signed_on=dt.date(2026, 1, 5),
            position=other,
            document=SimpleUploadedFile("pakta.pdf", PDF),
            by=None,
            today=TODAY,
        )

    assert _code(error) == "position_other_opd"
