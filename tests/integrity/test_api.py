"""Integrity API v1: standing, the records and their writes through the services, bad input,
the audit trail of reads, and query counts. Who may do what is in test_api_access.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from asn_portal.models import OrgUnitKind
from integrity import services
from integrity.models import (
    CaseEvidence,
    DrugTestResult,
    GratificationReport,
    IntegrityCase,
    IntegrityPact,
    Sanction,
    WealthReport,
)
from tests.factories import EmployeeFactory, org_unit
from tests.integrity.factories import TODAY, case, sanction

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _pinned_today_and_media(monkeypatch, settings, tmp_path):
    monkeypatch.setattr("integrity.api.local_today", lambda: TODAY)
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _field_codes(response) -> dict[str, list[str]]:
    return {name: [item["code"] for item in items] for name, items in response.json()["error"]["fields"].items()}


def _stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


def _sanction_payload(city, **overrides) -> dict:
    payload = {
        "employee_nip": city.staff_a.formatted_nip,
        "type_code": "potong_tukin_25_6_bulan",
        "decree_number": "800/123/BKPP/2026",
        "decree_on": "2026-01-05",
        "issued_by": "Wali Kota Semarang",
        "starts_on": "2026-01-10",
        "violation": "Tidak masuk kerja tanpa alasan yang sah selama 12 hari kerja.",
    }
    payload.update(overrides)
    return payload


# --- Standing ----------------------------------------------------------------------------------


def _standing(client, employee, on=None, **headers):
    params = {"on": on} if on else {}
    return client.get(reverse("api-employee-standing", args=[employee.nip]), params, **headers)


@pytest.mark.parametrize(
    ("on", "good", "until"),
    [
        ("2026-07-09", False, "2026-07-09"),  # the last day in force
        ("2026-07-10", True, None),  # the sanction's (exclusive) end
        ("2026-07-11", True, None),
    ],
)
def test_standing_on_the_day_before_on_and_after_a_sanctions_end(city, login, on, good, until):
    sanction(city.staff_a, "potong_tukin_25_6_bulan", dt.date(2026, 1, 10))  # ends 2026-07-10 (exclusive)
    client = login(city.admin)

    body = _standing(client, city.staff_a, on).json()

    assert body["on"] == on
    assert body["in_good_standing"] is good
    assert body["sanction_free"] is good
    assert body["sanction_until"] == until
    assert body["sanction_level"] == (None if good else "sedang")


def test_standing_says_everything_an_hr_clerk_needs_and_no_violation(city, login):
    sanction(city.staff_a, "penurunan_jabatan_12_bulan", dt.date(2026, 3, 1), violation="Pungutan liar.")
    case(city.staff_a, level="berat", opened_on=dt.date(2026, 6, 1))
    client = login(city.admin)

    response = _standing(client, city.staff_a, "2026-06-15", **EN)

    assert response.status_code == 200
    assert response.json() == {
        "nip": city.staff_a.nip,
        "on": "2026-06-15",
        "in_good_standing": False,
        "sanction_free": False,
        "sanction_level": "berat",
        "sanction_until": "2027-02-28",
        "under_examination": True,
        "filings_complete": True,
        "filing_year": 2025,
        "reasons": [
            "Serving a severe disciplinary sanction until 28 February 2027.",
            "Under examination for an alleged moderate or severe violation.",
            "Wealth report for 2025 filed or not required.",
        ],
    }


def test_standing_defaults_to_today(city, login):
    sanction(city.staff_a, "potong_tukin_25_6_bulan", dt.date(2026, 6, 1))  # in force on TODAY
    client = login(city.staff_a.user)

    body = _standing(client, city.staff_a).json()

    assert body["on"] == TODAY.isoformat()
    assert body["in_good_standing"] is False


def test_standing_accepts_the_nip_as_printed_on_decrees(city, login):
    client = login(city.admin)

    response = client.get(reverse("api-employee-standing", args=[city.staff_a.formatted_nip]))

    assert response.status_code == 200
    assert response.json()["nip"] == city.staff_a.nip


@pytest.mark.parametrize("on", ["2026-02-30", "28-11-2026", "today", "2026-11"])
def test_a_bad_standing_date_is_a_400_naming_the_parameter(city, login, on):
    client = login(city.admin)

    response = client.get(reverse("api-employee-standing", args=[city.staff_a.nip]), {"on": on})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert _field_codes(response) == {"on": ["invalid"]}


def test_a_supervisor_asking_about_someone_elses_staff_gets_the_unknown_nip_404(city, login):
    client = login(city.supervisor.user)

    foreign = _standing(client, city.outsider)
    unknown = client.get(reverse("api-employee-standing", args=["199001012020011999"]))

    assert foreign.status_code == 404
    assert foreign.json() == unknown.json()
    assert foreign.json()["error"]["code"] == "not_found"


def test_a_supervisor_reads_a_subordinates_standing(city, login):
    sanction(city.staff_b, "pembebasan_jabatan_12_bulan", dt.date(2026, 5, 4))
    client = login(city.supervisor.user)

    body = _standing(client, city.staff_b, "2026-11-01").json()

    assert body["in_good_standing"] is False
    assert body["sanction_until"] == "2027-05-03"


# --- Sanctions ---------------------------------------------------------------------------------


def test_the_inspektorat_records_a_sanction_through_the_service(city, login):
    client = login(city.inspektur)

    response = client.post(
        reverse("api-integrity-sanction-list"), _sanction_payload(city), content_type="application/json"
    )

    assert response.status_code == 201
    body = response.json()
    record = Sanction.objects.get(pk=body["id"])
    assert record.employee == city.staff_a
    assert record.ends_on == dt.date(2026, 7, 10)  # from the type: six months, exclusive
    assert record.recorded_by == city.inspektur
    assert body["ends_on"] == "2026-07-10"
    assert body["last_day_on"] == "2026-07-09"
    assert body["state"] == "selesai"  # on TODAY, 2026-11-28
    assert body["type"] == {
        "code": "potong_tukin_25_6_bulan",
        "name": record.type.name,
        "level": "sedang",
        "duration_months": 6,
        "is_dismissal": False,
    }
    assert body["recorded_by"] == "inspektur"
    entry = LogEntry.objects.get_for_object(record).get(action=LogEntry.Action.CREATE)
    assert entry.actor == city.inspektur


def test_a_decree_may_set_its_own_end(city, login):
    client = login(city.inspektur)

    response = client.post(
        reverse("api-integrity-sanction-list"),
        _sanction_payload(city, ends_on="2026-05-10"),
        content_type="application/json",
    )

    assert response.status_code == 201
    assert Sanction.objects.get().ends_on == dt.date(2026, 5, 10)


@pytest.mark.parametrize(
    ("overrides", "fields", "message"),
    [
        ({"employee_nip": "19000101 190001 1 001"}, {"employee_nip": ["does_not_exist"]}, None),
        ({"type_code": "hukuman_mati"}, {"type_code": ["does_not_exist"]}, None),
        (
            {"decree_on": "2026-11-29"},  # the day after TODAY
            {"decree_on": ["date_in_future"]},
            "The decree date cannot be in the future (2026-11-29).",
        ),
        (
            {"ends_on": "2026-01-09"},
            {"ends_on": ["ends_before_start"]},
            "The end date cannot be before the start date.",
        ),
        ({"decree_number": "   "}, {"decree_number": ["blank"]}, None),
        ({"starts_on": "2026-13-01"}, {"starts_on": ["invalid"]}, None),
    ],
)
def test_a_bad_sanction_is_a_400_with_a_code_on_the_field_and_nothing_is_written(
    city, login, overrides, fields, message
):
    client = login(city.inspektur)

    response = client.post(
        reverse("api-integrity-sanction-list"),
        _sanction_payload(city, **overrides),
        content_type="application/json",
        **EN,
    )

    assert response.status_code == 400
    assert _field_codes(response) == fields
    if message:
        assert response.json()["error"]["message"] == message
        assert response.json()["error"]["fields"][next(iter(fields))][0]["message"] == message
    assert not Sanction.objects.exists()


def test_an_error_speaks_indonesian_unless_asked_otherwise(city, login):
    client = login(city.inspektur)

    response = client.post(
        reverse("api-integrity-sanction-list"),
        _sanction_payload(city, decree_on="2027-01-01"),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response["Content-Language"] == "id"
    assert response.json()["error"]["code"] == "date_in_future"


def test_annulling_a_sanction_lifts_it_and_cannot_be_done_twice(city, login):
    record = sanction(city.staff_a, "potong_tukin_25_12_bulan", dt.date(2026, 6, 1))
    client = login(city.inspektur)
    url = reverse("api-integrity-sanction-annul", args=[record.pk])
    payload = {"annulment_decree_number": "862/5/2026", "annulment_decree_on": "2026-11-20"}

    first = client.post(url, payload, content_type="application/json")
    again = client.post(url, payload, content_type="application/json")

    assert first.status_code == 200
    assert first.json()["is_annulled"] is True
    assert first.json()["state"] == "dibatalkan"
    assert services.standing(city.staff_a, TODAY).in_good_standing
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "already_annulled"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": "sedang"}, {"tukin_a"}),
        ({"level": "ringan"}, {"reprimand_x"}),
        ({"in_force_on": "2026-11-28"}, {"tukin_a"}),
        ({"in_force_on": "2026-01-15"}, {"demotion_b"}),  # 2025-02-01 for 12 months
        ({"in_force_on": "2025-01-15"}, set()),
        ({"year": "2025"}, {"demotion_b"}),
        ({"opd": "DISDIK"}, {"reprimand_x"}),
        ({"employee": "STAFF_A_FORMATTED"}, {"tukin_a"}),
    ],
)
def test_the_sanction_list_filters_by_employee_opd_level_date_and_year(city, login, params, expected):
    made = {
        "tukin_a": sanction(city.staff_a, "potong_tukin_25_6_bulan", dt.date(2026, 6, 1)),
        "demotion_b": sanction(city.staff_b, "penurunan_jabatan_12_bulan", dt.date(2025, 2, 1)),
        "reprimand_x": sanction(city.outsider, "teguran_lisan", dt.date(2026, 3, 2)),
    }
    values = {"DISDIK": city.disdik.pk, "STAFF_A_FORMATTED": city.staff_a.formatted_nip}
    client = login(city.inspektur)

    response = client.get(reverse("api-integrity-sanction-list"), {k: values.get(v, v) for k, v in params.items()})

    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {made[name].pk for name in expected}


def test_an_invalid_filter_value_is_a_validation_error_naming_the_parameter(city, login):
    client = login(city.inspektur)

    response = client.get(reverse("api-integrity-sanction-list"), {"level": "sangat_berat", "year": "20x6"})

    assert response.status_code == 400
    assert _field_codes(response) == {"level": ["invalid_choice"], "year": ["invalid"]}


@pytest.mark.parametrize("pk", ["abc", "0", "-1", "0.5", str(2**70)])
def test_an_unusable_id_is_a_404_with_the_standard_body(city, login, pk):
    client = login(city.inspektur)

    response = client.get(f"/api/v1/integrity/sanctions/{pk}/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# --- Cases and evidence ------------------------------------------------------------------------


def test_opening_a_case_about_a_severe_allegation_puts_the_employee_under_examination(city, login):
    client = login(city.inspektur)

    response = client.post(
        reverse("api-integrity-case-list"),
        {
            "employee_nip": city.staff_a.nip,
            "category": "pungli_korupsi",
            "source": "masyarakat",
            "summary": "Dugaan pungutan pada layanan perizinan.",
            "opened_on": "2026-11-02",
            "alleged_level": "berat",
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "diterima"
    assert body["is_open"] is True
    assert [event["status"] for event in body["events"]] == ["diterima"]
    assert body["events"][0]["by"] == "inspektur"
    assert services.standing(city.staff_a, TODAY).under_examination


def test_a_case_without_an_alleged_level_shows_null(city, login):
    client = login(city.inspektur)

    response = client.post(
        reverse("api-integrity-case-list"),
        {
            "employee_nip": city.staff_a.nip,
            "category": "lainnya",
            "source": "audit_internal",
            "summary": "Temuan audit.",
            "opened_on": "2026-11-02",
            "alleged_level": None,
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response.json()["alleged_level"] is None
    assert IntegrityCase.objects.get().alleged_level == ""


def test_a_case_moves_step_by_step_and_closes_with_its_sanction(city, login):
    opened = case(city.staff_a, level="sedang", opened_on=dt.date(2026, 6, 1))
    result = sanction(city.staff_a, "potong_tukin_25_6_bulan", dt.date(2026, 9, 1))
    client = login(city.inspektur)
    url = reverse("api-integrity-case-advance", args=[opened.pk])

    steps = [
        client.post(url, {"status": "verifikasi", "on": "2026-06-10"}, content_type="application/json"),
        client.post(url, {"status": "klarifikasi", "on": "2026-07-01"}, content_type="application/json"),
        client.post(
            url,
            {"status": "selesai", "on": "2026-08-20", "note": "Terbukti.", "sanction_id": result.pk},
            content_type="application/json",
        ),
    ]

    assert [r.status_code for r in steps] == [200, 200, 200]
    body = steps[-1].json()
    assert body["closed_on"] == "2026-08-20"
    assert body["is_open"] is False
    assert body["sanction_id"] == result.pk
    assert [e["status"] for e in body["events"]] == ["diterima", "verifikasi", "klarifikasi", "selesai"]
    assert body["alleged_level"] == "sedang"  # kept: not sent


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({"status": "selesai"}, "invalid_step", "status"),  # diterima cannot jump to selesai
        ({"status": "verifikasi", "on": "2026-05-01"}, "step_before_open", "on"),
        ({"status": "dibatalkan"}, "validation_error", "status"),
    ],
)
def test_a_case_step_the_rules_refuse_is_a_400(city, login, payload, code, field):
    opened = case(city.staff_a, opened_on=dt.date(2026, 6, 1))
    client = login(city.inspektur)

    response = client.post(
        reverse("api-integrity-case-advance", args=[opened.pk]), payload, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert field in response.json()["error"]["fields"]
    opened.refresh_from_db()
    assert opened.status == "diterima"


def test_a_sanction_of_another_employee_cannot_close_a_case(city, login):
    opened = case(city.staff_a, opened_on=dt.date(2026, 6, 1))
    services.advance_case(opened, status="verifikasi", by=None, on=dt.date(2026, 6, 2))
    services.advance_case(opened, status="klarifikasi", by=None, on=dt.date(2026, 6, 3))
    other = sanction(city.staff_b, "teguran_lisan", dt.date(2026, 6, 4))
    client = login(city.inspektur)

    response = client.post(
        reverse("api-integrity-case-advance", args=[opened.pk]),
        {"status": "selesai", "sanction_id": other.pk},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert _field_codes(response) == {"sanction_id": ["sanction_other_employee"]}


def test_evidence_is_uploaded_and_downloaded_as_an_attachment_that_never_runs(city, login):
    opened = case(city.staff_a)
    client = login(city.inspektur)

    uploaded = client.post(
        reverse("api-integrity-case-evidence", args=[opened.pk]),
        {"file": SimpleUploadedFile("tangkapan-layar.png", PNG, content_type="image/png"), "description": "Foto"},
    )
    evidence = CaseEvidence.objects.get()
    downloaded = client.get(uploaded.json()["evidence"][0]["download_url"])

    assert uploaded.status_code == 201
    assert uploaded.json()["evidence"][0]["content_type"] == "image/png"
    assert evidence.uploaded_by == city.inspektur
    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content) == PNG
    assert downloaded["Content-Type"] == "image/png"
    assert downloaded["Content-Disposition"].startswith("attachment")
    assert downloaded["X-Content-Type-Options"] == "nosniff"


def test_evidence_of_another_case_is_a_json_404_whatever_the_client_accepts(city, login):
    first, second = case(city.staff_a), case(city.staff_b)
    services.add_evidence(first, uploaded=SimpleUploadedFile("a.pdf", PDF), description="", by=None)
    evidence = CaseEvidence.objects.get()
    client = login(city.inspektur)

    response = client.get(
        reverse("api-integrity-case-evidence-file", args=[second.pk, evidence.pk]), HTTP_ACCEPT="application/pdf"
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"MZ\x90\x00 this is a program", "bukti.pdf", "file_type"),  # named .pdf, is not one
        (b"<html><script>alert(1)</script></html>", "bukti.png", "file_type"),
        (PDF + b"0" * 2048, "besar.pdf", "file_too_large"),
        (b"", "kosong.pdf", "empty"),
    ],
)
def test_an_upload_that_is_not_a_small_pdf_or_image_is_refused_and_nothing_is_stored(
    city, login, settings, _pinned_today_and_media, content, name, code
):
    settings.SIGAP_MAX_DOCUMENT_BYTES = 1024
    opened = case(city.staff_a)
    client = login(city.inspektur)

    evidence = client.post(
        reverse("api-integrity-case-evidence", args=[opened.pk]), {"file": SimpleUploadedFile(name, content)}
    )
    pact = client.post(
        reverse("api-integrity-pact-list"),
        {
            "employee_nip": city.staff_a.nip,
            "occasion": "tahunan",
            "signed_on": "2026-01-05",
            "document": SimpleUploadedFile(name, content),
        },
    )

    assert evidence.status_code == 400
    assert _field_codes(evidence) == {"file": [code]}
    assert pact.status_code == 400
    assert _field_codes(pact) == {"document": [code]}
    assert not CaseEvidence.objects.exists()
    assert not IntegrityPact.objects.exists()
    assert _stored_files(_pinned_today_and_media) == []


def test_an_upload_endpoint_wants_multipart(city, login):
    opened = case(city.staff_a)
    client = login(city.inspektur)

    response = client.post(
        reverse("api-integrity-case-evidence", args=[opened.pk]), {"file": "x"}, content_type="application/json"
    )

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


# --- Filings ------------------------------------------------------------------------------------


def test_a_filing_is_added_submitted_and_verified(city, login):
    client = login(city.inspektur)

    created = client.post(
        reverse("api-integrity-filing-list"),
        {"employee_nip": city.staff_a.nip, "year": 2025},
        content_type="application/json",
    )
    filing_id = created.json()["id"]
    submitted = client.post(
        reverse("api-integrity-filing-submit", args=[filing_id]),
        {"submitted_on": "2026-03-02"},
        content_type="application/json",
    )
    verified = client.post(reverse("api-integrity-filing-verify", args=[filing_id]))

    assert created.status_code == 201
    assert created.json()["kind"] == "lhkasn"  # a pelaksana without corruption-prone duties
    assert created.json()["due_on"] == "2026-03-31"
    assert created.json()["status"] == "terlambat"  # not filed by 31 March, seen on TODAY
    assert created.json()["channel"] is None
    assert submitted.json()["status"] == "sudah"
    assert submitted.json()["channel"] == "siharka"
    assert verified.status_code == 200
    assert verified.json()["status"] == "terverifikasi"
    assert verified.json()["verified_by"] == "inspektur"
    assert WealthReport.objects.get().verified_on == TODAY


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"year": 2025}, "duplicate_filing"),
        ({"year": 2014}, "year_before_appointment"),  # staff_a was appointed (TMT CPNS) in 2015
        ({"year": 2027}, "year_in_future"),
    ],
)
def test_a_duplicate_or_impossible_filing_year_is_a_400_and_nothing_is_written(city, login, payload, code):
    services.create_filing(city.staff_a, year=2025, kind=None, by=None, today=TODAY)
    client = login(city.inspektur)

    response = client.post(
        reverse("api-integrity-filing-list"),
        {"employee_nip": city.staff_a.nip, **payload},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert _field_codes(response) == {"year": [code]}
    assert WealthReport.objects.count() == 1


def test_verifying_an_unsubmitted_filing_is_refused(city, login):
    filing = services.create_filing(city.staff_a, year=2025, kind=None, by=None, today=TODAY)
    client = login(city.inspektur)

    response = client.post(reverse("api-integrity-filing-verify", args=[filing.pk]))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "not_submitted"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "terlambat"}, {"late_a", "outsider"}),  # never filed, past due
        ({"status": "sudah"}, {"on_time_b"}),
        ({"status": "belum"}, set()),
        ({"year": "2024"}, {"old_a"}),
        ({"opd": "DISDIK"}, {"outsider"}),
        ({"kind": "lhkpn"}, {"outsider"}),
        ({"employee": "STAFF_B"}, {"on_time_b"}),
    ],
)
def test_the_filing_list_filters_by_year_opd_kind_and_todays_status(city, login, params, expected):
    made = {
        "late_a": services.create_filing(city.staff_a, year=2025, kind=None, by=None, today=TODAY),
        "old_a": services.record_submission(
            city.staff_a, year=2024, submitted_on=dt.date(2025, 3, 1), by=None, today=TODAY
        ),
        "on_time_b": services.record_submission(
            city.staff_b, year=2025, submitted_on=dt.date(2026, 3, 1), by=None, today=TODAY
        ),
        "outsider": services.create_filing(city.outsider, year=2023, kind="lhkpn", by=None, today=TODAY),
    }
    services.verify_filing(made["old_a"], by=None, on=dt.date(2025, 4, 1))
    values = {"DISDIK": city.disdik.pk, "STAFF_B": city.staff_b.nip}
    client = login(city.inspektur)

    response = client.get(reverse("api-integrity-filing-list"), {k: values.get(v, v) for k, v in params.items()})

    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {made[name].pk for name in expected}


# --- Gratification -------------------------------------------------------------------------------


def test_an_employee_reports_a_gift_for_themselves_with_its_deadlines(city, login):
    client = login(city.staff_a.user)

    response = client.post(
        reverse("api-integrity-gratification-list"),
        {
            "received_on": "2026-11-02",
            "giver": "PT Maju",
            "description": "Voucher belanja",
            "estimated_value": "1500000",
            "relation_to_duty": "Rekanan pengadaan",
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    body = response.json()
    report = GratificationReport.objects.get()
    assert report.employee == city.staff_a
    assert report.reported_on == TODAY
    assert body["employee"]["nip"] == city.staff_a.nip
    assert body["estimated_value"] == "1500000"
    assert body["due_on"] == report.due_on.isoformat()
    assert body["is_late"] is True  # ten working days after 2 November are long past on 28 November
    assert report.due_on < TODAY
    assert "handling_note" not in body


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"received_on": "2026-12-01"}, "received_on", "date_in_future"),
        ({"estimated_value": "-5"}, "estimated_value", "negative_value"),
        ({"estimated_value": "12.5"}, "estimated_value", "max_decimal_places"),
        ({"giver": ""}, "giver", "blank"),
    ],
)
def test_a_bad_gift_report_is_a_400_and_nothing_is_written(city, login, overrides, field, code):
    client = login(city.staff_a.user)
    payload = {"received_on": "2026-11-02", "giver": "PT Maju", "description": "Voucher", "estimated_value": "10"}

    response = client.post(
        reverse("api-integrity-gratification-list"), {**payload, **overrides}, content_type="application/json"
    )

    assert response.status_code == 400
    assert _field_codes(response) == {field: [code]}
    assert not GratificationReport.objects.exists()


def test_the_upg_verifies_forwards_and_decides_a_gift(city, login):
    report = services.report_gratification(
        employee=city.staff_a,
        received_on=dt.date(2026, 11, 2),
        giver="PT Maju",
        description="Jam tangan",
        estimated_value=Decimal("3000000"),
        relation_to_duty="",
        reported_on=dt.date(2026, 11, 3),
        by=None,
    )
    client = login(city.inspektur)
    url = reverse("api-integrity-gratification-process", args=[report.pk])

    verified = client.post(url, {"status": "diverifikasi", "note": "Lengkap."}, content_type="application/json")
    forwarded = client.post(url, {"status": "diteruskan", "kpk_reference": "GOL-77"}, content_type="application/json")
    undecided = client.post(url, {"status": "ditetapkan"}, content_type="application/json")
    decided = client.post(url, {"status": "ditetapkan", "decision": "milik_negara"}, content_type="application/json")

    assert [r.status_code for r in (verified, forwarded, undecided, decided)] == [200, 200, 400, 200]
    assert _field_codes(undecided) == {"decision": ["required"]}
    body = decided.json()
    assert body["status"] == "ditetapkan"
    assert body["decision"] == "milik_negara"
    assert body["decided_on"] == TODAY.isoformat()
    assert body["forwarded_on"] == TODAY.isoformat()
    assert body["kpk_reference"] == "GOL-77"
    assert body["handling_note"] == "Lengkap."


# --- Drug tests ---------------------------------------------------------------------------------


def test_a_drug_test_event_and_its_results_with_a_positive_one_opening_a_case(city, login):
    client = login(city.inspektur)

    event = client.post(
        reverse("api-integrity-drug-test-list"),
        {"held_on": "2026-11-02", "organiser": "BNNK Kota Semarang", "unit_codes": ["DINKES", "DISDIK"]},
        content_type="application/json",
    )
    results_url = reverse("api-integrity-drug-test-results", args=[event.json()["id"]])
    negative = client.post(
        results_url, {"employee_nip": city.staff_a.nip, "outcome": "negatif"}, content_type="application/json"
    )
    positive = client.post(
        results_url,
        {"employee_nip": city.staff_b.nip, "outcome": "positif", "follow_up": "asesmen"},
        content_type="application/json",
    )
    duplicate = client.post(
        results_url, {"employee_nip": city.staff_a.nip, "outcome": "positif"}, content_type="application/json"
    )
    listed = client.get(results_url)
    shown = client.get(reverse("api-integrity-drug-test-detail", args=[event.json()["id"]]))

    assert event.status_code == 201
    assert [u["code"] for u in event.json()["units"]] == ["DINKES", "DISDIK"]
    assert negative.status_code == 201
    assert negative.json()["case_id"] is None
    assert negative.json()["follow_up"] is None
    assert positive.status_code == 201
    opened = IntegrityCase.objects.get(employee=city.staff_b)
    assert positive.json()["case_id"] == opened.pk
    assert opened.category == "narkoba"
    assert duplicate.status_code == 400
    assert _field_codes(duplicate) == {"employee_nip": ["duplicate_result"]}
    assert DrugTestResult.objects.count() == 2
    assert [row["employee"]["nip"] for row in listed.json()["results"]] == [city.staff_a.nip, city.staff_b.nip]
    assert shown.json()["result_count"] == 2


def test_an_unknown_unit_code_is_a_field_error(city, login):
    client = login(city.inspektur)

    response = client.post(
        reverse("api-integrity-drug-test-list"),
        {"held_on": "2026-11-02", "organiser": "BNNK", "unit_codes": ["NOWHERE"]},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert _field_codes(response) == {"unit_codes": ["does_not_exist"]}


# --- Pacts -------------------------------------------------------------------------------------------


def test_a_signed_pact_is_recorded_with_its_document_and_downloaded_by_its_signer(city, login):
    officer = login(city.inspektur)

    created = officer.post(
        reverse("api-integrity-pact-list"),
        {
            "employee_nip": city.staff_a.nip,
            "occasion": "tahunan",
            "signed_on": "2026-01-05",
            "document": SimpleUploadedFile("scan.pdf", PDF),
        },
    )
    signer = login(city.staff_a.user)
    downloaded = signer.get(created.json()["document_url"], HTTP_ACCEPT="application/pdf")

    assert created.status_code == 201
    assert created.json()["document_type"] == "application/pdf"
    assert created.json()["recorded_by"] == "inspektur"
    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content) == PDF
    assert (
        downloaded["Content-Disposition"] == f'attachment; filename="pakta-integritas-{city.staff_a.nip}-20260105.pdf"'
    )


def test_the_same_pact_twice_on_one_day_is_refused(city, login):
    client = login(city.inspektur)

    def post():
        return client.post(
            reverse("api-integrity-pact-list"),
            {
                "employee_nip": city.staff_a.nip,
                "occasion": "tahunan",
                "signed_on": "2026-01-05",
                "document": SimpleUploadedFile("scan.pdf", PDF),
            },
        )

    first, second = post(), post()

    assert first.status_code == 201
    assert second.status_code == 400
    assert _field_codes(second) == {"signed_on": ["duplicate_pact"]}
    assert IntegrityPact.objects.count() == 1


# --- Compliance ---------------------------------------------------------------------------------


def test_compliance_counts_filings_per_opd_for_a_year_worst_first(city, login):
    services.record_submission(city.staff_a, year=2025, submitted_on=dt.date(2026, 3, 2), by=None, today=TODAY)
    late = services.record_submission(city.staff_b, year=2025, submitted_on=dt.date(2026, 4, 15), by=None, today=TODAY)
    services.verify_filing(late, by=None, on=dt.date(2026, 5, 1))
    services.create_filing(city.supervisor, year=2025, kind="lhkpn", by=None, today=TODAY)
    services.create_filing(city.outsider, year=2025, kind=None, by=None, today=TODAY)
    services.create_filing(city.outsider, year=2024, kind=None, by=None, today=TODAY)
    client = login(city.admin)

    response = client.get(reverse("api-integrity-compliance"), {"year": 2025})
    lhkpn = client.get(reverse("api-integrity-compliance"), {"year": 2025, "kind": "lhkpn"})

    assert response.status_code == 200
    body = response.json()
    assert (body["year"], body["kind"], body["on"]) == (2025, None, TODAY.isoformat())
    assert body["opds"] == [
        {
            "opd": {"id": city.disdik.pk, "code": "DISDIK", "name": "Dinas Pendidikan"},
            "obligees": 1,
            "filed_on_time": 0,
            "filed_late": 0,
            "not_filed": 1,
            "not_yet_due": 0,
            "verified": 0,
            "filing_rate": 0.0,
        },
        {
            "opd": {"id": city.dinkes.pk, "code": "DINKES", "name": "Dinas Kesehatan"},
            "obligees": 3,
            "filed_on_time": 1,
            "filed_late": 1,
            "not_filed": 1,
            "not_yet_due": 0,
            "verified": 1,
            "filing_rate": 66.7,
        },
    ]
    assert body["total"] == {
        "obligees": 4,
        "filed_on_time": 1,
        "filed_late": 1,
        "not_filed": 2,
        "not_yet_due": 0,
        "verified": 1,
        "filing_rate": 50.0,
    }
    assert lhkpn.json()["total"]["obligees"] == 1
    assert lhkpn.json()["kind"] == "lhkpn"


def test_a_filing_still_within_its_deadline_counts_as_not_yet_due(city, login):
    services.create_filing(city.staff_a, year=2026, kind=None, by=None, today=TODAY)  # due 31 March 2027
    client = login(city.inspektur)

    body = client.get(reverse("api-integrity-compliance"), {"year": 2026}).json()

    assert body["total"]["not_yet_due"] == 1
    assert body["total"]["not_filed"] == 0
    assert body["total"]["filing_rate"] == 0.0


def test_compliance_defaults_to_the_last_year_whose_deadline_has_passed(city, login):
    client = login(city.inspektur)

    response = client.get(reverse("api-integrity-compliance"))

    assert response.json()["year"] == 2025  # seen on 28 November 2026
    assert response.json()["opds"] == []


@pytest.mark.parametrize("params", [{"year": "dua ribu"}, {"year": "1200"}, {"kind": "spt"}])
def test_a_bad_compliance_query_is_a_400(city, login, params):
    client = login(city.admin)

    response = client.get(reverse("api-integrity-compliance"), params)

    assert response.status_code == 400
    assert set(_field_codes(response)) == set(params)


# --- The audit trail of reads ---------------------------------------------------------------------


def _read_targets(city):
    """(url, the record whose read is logged) for every detail and download endpoint."""
    sanction_ = sanction(city.staff_a, "teguran_lisan", dt.date(2026, 3, 2))
    case_ = case(city.staff_a)
    evidence = services.add_evidence(case_, uploaded=SimpleUploadedFile("a.pdf", PDF), description="", by=None)
    filing = services.create_filing(city.staff_a, year=2025, kind=None, by=None, today=TODAY)
    gift = services.report_gratification(
        employee=city.staff_a,
        received_on=dt.date(2026, 11, 2),
        giver="X",
        description="Y",
        estimated_value=Decimal(1),
        relation_to_duty="",
        reported_on=dt.date(2026, 11, 3),
        by=None,
    )
    event = services.record_drug_test_event(
        held_on=dt.date(2026, 11, 2), organiser="BNNK", units=[], notes="", by=None, today=TODAY
    )
    pact = services.record_pact(
        employee=city.staff_a,
        occasion="tahunan",
        signed_on=dt.date(2026, 1, 5),
        document=SimpleUploadedFile("p.pdf", PDF),
        by=None,
        today=TODAY,
    )
    return [
        (reverse("api-integrity-sanction-detail", args=[sanction_.pk]), sanction_),
        (reverse("api-integrity-case-detail", args=[case_.pk]), case_),
        (reverse("api-integrity-case-evidence-file", args=[case_.pk, evidence.pk]), evidence),
        (reverse("api-integrity-filing-detail", args=[filing.pk]), filing),
        (reverse("api-integrity-gratification-detail", args=[gift.pk]), gift),
        (reverse("api-integrity-drug-test-detail", args=[event.pk]), event),
        (reverse("api-integrity-drug-test-results", args=[event.pk]), event),
        (reverse("api-integrity-pact-detail", args=[pact.pk]), pact),
        (reverse("api-integrity-pact-document", args=[pact.pk]), pact),
    ]


def _access_entries(record):
    return LogEntry.objects.get_for_object(record).filter(action=LogEntry.Action.ACCESS)


def test_every_read_of_a_record_or_file_leaves_an_access_entry_with_actor_and_address(city, login):
    targets = _read_targets(city)
    client = login(city.inspektur)

    for url, record in targets:
        before = _access_entries(record).count()

        response = client.get(url, REMOTE_ADDR="10.20.30.40")

        assert response.status_code == 200, url
        assert _access_entries(record).count() == before + 1, url
        entry = _access_entries(record).latest("timestamp")
        assert entry.actor == city.inspektur
        assert entry.remote_addr == "10.20.30.40"


def test_a_read_with_a_token_records_the_tokens_user(city, client):
    record = sanction(city.staff_a, "teguran_lisan", dt.date(2026, 3, 2))
    token = Token.objects.create(user=city.staff_a.user)

    response = client.get(
        reverse("api-integrity-sanction-detail", args=[record.pk]),
        headers={"Authorization": f"Token {token.key}"},
        REMOTE_ADDR="203.0.113.9",
    )

    assert response.status_code == 200
    entry = _access_entries(record).get()
    assert entry.actor == city.staff_a.user
    assert entry.remote_addr == "203.0.113.9"


def test_lists_and_refused_reads_leave_no_access_entry(city, login):
    record = sanction(city.staff_a, "teguran_lisan", dt.date(2026, 3, 2))
    client = login(city.admin)

    client.get(reverse("api-integrity-sanction-detail", args=[record.pk]))
    login(city.inspektur).get(reverse("api-integrity-sanction-list"))

    assert not _access_entries(record).exists()


# --- Query counts ------------------------------------------------------------------------------


@pytest.fixture
def crowd(city):
    """55 more employees (in a school of Dinas Pendidikan), each with one record of every
    kind, so every list has more than 50 rows with every nested object filled."""
    school = org_unit("DISDIK-SMP1", "SMP Negeri 1", OrgUnitKind.SEKOLAH, city.disdik)
    employees = EmployeeFactory.create_batch(55, unit=school)
    event = services.record_drug_test_event(
        held_on=dt.date(2026, 10, 1), organiser="BNNK", units=[city.dinkes, city.disdik], notes="", by=None, today=TODAY
    )
    for n, employee in enumerate(employees):
        sanction(employee, "teguran_tertulis", dt.date(2026, 1, 5), by=city.inspektur)
        opened = case(employee, by=city.inspektur)
        services.advance_case(opened, status="verifikasi", by=city.inspektur, on=dt.date(2026, 6, 2))
        services.add_evidence(opened, uploaded=SimpleUploadedFile("a.pdf", PDF), description="", by=None)
        filing = services.record_submission(employee, year=2025, submitted_on=dt.date(2026, 3, 2), by=None, today=TODAY)
        services.verify_filing(filing, by=city.inspektur, on=dt.date(2026, 4, 2))
        gift = services.report_gratification(
            employee=employee,
            received_on=dt.date(2026, 11, 2),
            giver="X",
            description="Y",
            estimated_value=Decimal(1),
            relation_to_duty="",
            reported_on=dt.date(2026, 11, 3),
            by=None,
        )
        services.process_gratification(gift, status="diverifikasi", by=city.inspektur, on=dt.date(2026, 11, 4))
        services.record_drug_test_event(
            held_on=dt.date(2026, 10, 2), organiser=f"BNNK {n}", units=[school], notes="", by=None, today=TODAY
        )
        services.record_drug_test_result(
            event=event,
            employee=employee,
            outcome="positif" if n % 5 == 0 else "negatif",
            follow_up="",
            notes="",
            by=city.inspektur,
        )
        services.record_pact(
            employee=employee,
            occasion="tahunan",
            signed_on=dt.date(2026, 1, 5),
            document=SimpleUploadedFile("p.pdf", PDF),
            by=city.inspektur,
            today=TODAY,
        )
    return event


LIST_URLS = [
    "api-integrity-sanction-list",
    "api-integrity-case-list",
    "api-integrity-filing-list",
    "api-integrity-gratification-list",
    "api-integrity-drug-test-list",
    "api-integrity-pact-list",
    "drug-test-results",
]


def _count_list_queries(client, url: str, page_size: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == page_size
    return len(captured)


@pytest.mark.parametrize("url_name", LIST_URLS)
def test_a_list_costs_the_same_queries_for_10_or_50_rows(city, crowd, login, url_name):
    if url_name == "drug-test-results":
        url = reverse("api-integrity-drug-test-results", args=[crowd.pk])
    else:
        url = reverse(url_name)
    client = login(city.inspektur)
    _count_list_queries(client, url, 10)  # warm up per-process caches (content types, ...)

    small = _count_list_queries(client, url, 10)
    large = _count_list_queries(client, url, 50)

    assert small == large


def test_an_employees_own_list_costs_the_same_queries_for_few_or_many_rows(city, login):
    client = login(city.staff_a.user)
    url = reverse("api-integrity-sanction-list")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    sanction(city.staff_a, "teguran_lisan", dt.date(2026, 1, 5))
    count()  # warm up
    few = count()
    for day in range(6, 30):
        sanction(city.staff_a, "teguran_lisan", dt.date(2026, 1, day))
    many = count()

    assert few == many


# --- Schema -------------------------------------------------------------------------------------


@pytest.fixture
def schema(client):
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/v1/integrity/sanctions/", "get"),
        ("/api/v1/integrity/sanctions/", "post"),
        ("/api/v1/integrity/sanctions/{id}/", "get"),
        ("/api/v1/integrity/cases/{id}/advance/", "post"),
        ("/api/v1/integrity/filings/", "get"),
        ("/api/v1/integrity/gratification-reports/", "post"),
        ("/api/v1/integrity/drug-tests/{id}/results/", "get"),
        ("/api/v1/integrity/pacts/", "post"),
        ("/api/v1/employees/{nip}/standing/", "get"),
    ],
)
def test_integrity_operations_document_the_error_body(schema, path, method):
    responses = schema["paths"][path][method]["responses"]

    for code in ("400", "401", "404"):
        assert responses[code]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorResponse"
        }


def test_a_records_two_shapes_are_told_apart_by_audience(schema):
    sanction_schema = schema["components"]["schemas"]["Sanction"]

    assert sanction_schema["discriminator"]["propertyName"] == "audience"
    assert set(sanction_schema["discriminator"]["mapping"]) == {"officer", "employee"}
    own = schema["components"]["schemas"]["SanctionOwn"]["properties"]
    officer = schema["components"]["schemas"]["SanctionOfficer"]["properties"]
    assert set(officer) - set(own) == {"recorded_by", "created_at", "updated_at"}
