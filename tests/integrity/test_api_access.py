"""Who sees and changes which integrity record through the API, role by role, in the named
city (tests/conftest.py). The tables say what each role may do; the API must agree with
integrity/permissions.py. The rule for every endpoint: what a role may not see is an empty
list and a 404 (exactly like a missing id), and every write by anyone but the Inspektorat is
a 403 — the one exception being an employee reporting their own gift."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

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
from integrity.serializers import AudienceError, SanctionOfficerSerializer, SanctionOwnSerializer
from tests.integrity.factories import TODAY, case, sanction

pytestmark = pytest.mark.django_db

ROLES = ["admin", "inspektur", "operator", "supervisor", "staff_a", "staff_b", "outsider"]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

# Words only the Inspektorat (and, for their own record, the employee) may ever read.
VIOLATION = "Menerima uang pelicin dari pemohon izin reklame."
CASE_SUMMARY = "Laporan masyarakat tentang pungutan di loket perizinan."
GIFT_DESCRIPTION = "Parsel berisi jam tangan merek Swiss."
GIFT_VALUE = "7350000"
HANDLING_NOTE = "Diverifikasi UPG, nilai di atas batas."
RESTRICTED_WORDS = [VIOLATION, CASE_SUMMARY, GIFT_DESCRIPTION, GIFT_VALUE, HANDLING_NOTE, "positif", "negatif"]
RESTRICTED_KEYS = {"violation", "summary", "estimated_value", "description", "outcome", "handling_note", "giver"}


@pytest.fixture(autouse=True)
def _pinned_today_and_media(monkeypatch, settings, tmp_path):
    monkeypatch.setattr("integrity.api.local_today", lambda: TODAY)
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Records:
    sanction_a: Sanction
    sanction_x: Sanction
    filing_a: WealthReport
    filing_x: WealthReport
    gift_a: GratificationReport
    gift_x: GratificationReport
    pact_a: IntegrityPact
    pact_x: IntegrityPact
    case_a: IntegrityCase
    case_x: IntegrityCase  # opened by the outsider's positive drug test
    evidence_a: CaseEvidence
    event: object
    result_a: DrugTestResult


def _gift(employee, **extra):
    return services.report_gratification(
        employee=employee,
        received_on=dt.date(2026, 11, 2),
        giver="PT Reklame Jaya",
        description=GIFT_DESCRIPTION,
        estimated_value=Decimal(GIFT_VALUE),
        relation_to_duty="Pemohon izin yang sedang diproses.",
        reported_on=dt.date(2026, 11, 5),
        by=None,
        **extra,
    )


def _pact(employee):
    return services.record_pact(
        employee=employee,
        occasion="tahunan",
        signed_on=dt.date(2026, 1, 5),
        document=SimpleUploadedFile("pakta.pdf", PDF, content_type="application/pdf"),
        by=None,
        today=TODAY,
    )


@pytest.fixture
def records(city) -> Records:
    """One record of each kind about Budi (staff_a) and, where an employee may read their
    own, one about the outsider too."""
    inspektur = city.inspektur
    sanction_a = sanction(city.staff_a, "potong_tukin_25_6_bulan", dt.date(2026, 6, 1), violation=VIOLATION)
    sanction_x = sanction(city.outsider, "teguran_tertulis", dt.date(2026, 3, 2), violation=VIOLATION)
    filing_a = services.create_filing(city.staff_a, year=2025, kind=None, by=None, today=TODAY)
    filing_x = services.create_filing(city.outsider, year=2025, kind=None, by=None, today=TODAY)
    gift_a = _gift(city.staff_a)
    services.process_gratification(
        gift_a, status="diverifikasi", by=inspektur, on=dt.date(2026, 11, 6), note=HANDLING_NOTE
    )
    gift_x = _gift(city.outsider)
    case_a = case(city.staff_a, summary=CASE_SUMMARY, by=inspektur)
    evidence_a = services.add_evidence(
        case_a, uploaded=SimpleUploadedFile("foto.pdf", PDF), description="Tangkapan layar", by=inspektur
    )
    event = services.record_drug_test_event(
        held_on=dt.date(2026, 10, 1),
        organiser="BNNK Kota Semarang",
        units=[city.dinkes, city.disdik],
        notes="",
        by=inspektur,
        today=TODAY,
    )
    result_a = services.record_drug_test_result(
        event=event, employee=city.staff_a, outcome="negatif", follow_up="", notes="", by=inspektur
    )
    services.record_drug_test_result(
        event=event, employee=city.outsider, outcome="positif", follow_up="asesmen", notes="", by=inspektur
    )
    case_x = IntegrityCase.objects.get(employee=city.outsider)
    return Records(
        sanction_a=sanction_a,
        sanction_x=sanction_x,
        filing_a=filing_a,
        filing_x=filing_x,
        gift_a=gift_a,
        gift_x=gift_x,
        pact_a=_pact(city.staff_a),
        pact_x=_pact(city.outsider),
        case_a=case_a,
        case_x=case_x,
        evidence_a=evidence_a,
        event=event,
        result_a=result_a,
    )


# --- Reading: lists and details ---------------------------------------------------------------

OWN_KINDS = {  # record kind → (list url name, detail url name, attribute prefix)
    "sanctions": ("api-integrity-sanction-list", "api-integrity-sanction-detail", "sanction"),
    "filings": ("api-integrity-filing-list", "api-integrity-filing-detail", "filing"),
    "gratification": ("api-integrity-gratification-list", "api-integrity-gratification-detail", "gift"),
    "pacts": ("api-integrity-pact-list", "api-integrity-pact-detail", "pact"),
}
OFFICER_KINDS = {
    "cases": ("api-integrity-case-list", "api-integrity-case-detail", ("case_a", "case_x")),
    "drug tests": ("api-integrity-drug-test-list", "api-integrity-drug-test-detail", ("event",)),
}

# role → which of the two employees' own-kind records (staff_a's "a", the outsider's "x") it sees
SEES_OWN_KINDS = {
    "admin": set(),  # Admin BKPP: standing and compliance only
    "inspektur": {"a", "x"},
    "operator": set(),  # an operator sees the OPD's registry, not its integrity records
    "supervisor": set(),  # a supervisor sees a subordinate's standing only
    "staff_a": {"a"},
    "staff_b": set(),
    "outsider": {"x"},
}


@pytest.mark.parametrize("kind", OWN_KINDS)
@pytest.mark.parametrize("who", ROLES)
def test_the_lists_of_sanctions_filings_gifts_and_pacts_hold_only_what_a_role_may_see(city, records, login, who, kind):
    list_name, _detail, prefix = OWN_KINDS[kind]
    client = login(city.user(who))

    response = client.get(reverse(list_name), {"page_size": 100})

    assert response.status_code == 200
    expected = {getattr(records, f"{prefix}_{owner}").pk for owner in SEES_OWN_KINDS[who]}
    assert {row["id"] for row in response.json()["results"]} == expected


@pytest.mark.parametrize("kind", OWN_KINDS)
@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("owner", ["a", "x"])
def test_retrieving_a_record_outside_ones_view_is_a_404_like_a_missing_one(city, records, login, who, kind, owner):
    _list, detail_name, prefix = OWN_KINDS[kind]
    record = getattr(records, f"{prefix}_{owner}")
    client = login(city.user(who))

    response = client.get(reverse(detail_name, args=[record.pk]))

    if owner in SEES_OWN_KINDS[who]:
        assert response.status_code == 200
        assert response.json()["id"] == record.pk
        assert response.json()["audience"] == ("officer" if who == "inspektur" else "employee")
    else:
        assert response.status_code == 404
        assert response.json() == client.get(reverse(detail_name, args=[10**9])).json()
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("kind", OFFICER_KINDS)
@pytest.mark.parametrize("who", ROLES)
def test_cases_and_drug_tests_are_the_inspektorats_alone(city, records, login, who, kind):
    list_name, detail_name, attributes = OFFICER_KINDS[kind]
    client = login(city.user(who))

    listed = client.get(reverse(list_name), {"page_size": 100})
    details = [client.get(reverse(detail_name, args=[getattr(records, name).pk])) for name in attributes]

    if who == "inspektur":
        assert {row["id"] for row in listed.json()["results"]} == {getattr(records, n).pk for n in attributes}
        assert [d.status_code for d in details] == [200] * len(attributes)
    else:
        assert listed.status_code == 200
        assert listed.json()["results"] == []
        assert [d.status_code for d in details] == [404] * len(attributes)


@pytest.mark.parametrize("who", ROLES)
def test_drug_test_results_are_the_inspektorats_alone(city, records, login, who):
    client = login(city.user(who))

    response = client.get(reverse("api-integrity-drug-test-results", args=[records.event.pk]))

    if who == "inspektur":
        assert response.status_code == 200
        assert {row["outcome"] for row in response.json()["results"]} == {"negatif", "positif"}
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("who", ROLES)
def test_evidence_files_are_the_inspektorats_alone(city, records, login, who):
    client = login(city.user(who))

    response = client.get(reverse("api-integrity-case-evidence-file", args=[records.case_a.pk, records.evidence_a.pk]))

    assert response.status_code == (200 if who == "inspektur" else 404)


@pytest.mark.parametrize("who", ROLES)
def test_a_pact_document_is_for_the_inspektorat_and_the_employee_who_signed_it(city, records, login, who):
    client = login(city.user(who))

    response = client.get(reverse("api-integrity-pact-document", args=[records.pact_a.pk]))

    assert response.status_code == (200 if who in {"inspektur", "staff_a"} else 404)


# --- Standing and compliance ---------------------------------------------------------------------

# role → whose standing it may read (anyone it may see in the registry; the Inspektorat: all)
STANDING = {
    "admin": {"supervisor", "staff_a", "staff_b", "operator", "outsider"},
    "inspektur": {"supervisor", "staff_a", "staff_b", "operator", "outsider"},
    "operator": {"supervisor", "staff_a", "staff_b", "operator"},  # the Operator OPD of Dinas Kesehatan
    "supervisor": {"supervisor", "staff_a", "staff_b"},
    "staff_a": {"staff_a"},
    "staff_b": {"staff_b"},
    "outsider": {"outsider"},
}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("target", ["supervisor", "staff_a", "staff_b", "operator", "outsider"])
def test_standing_answers_whoever_may_see_the_employee_and_404s_everyone_else(city, login, who, target):
    client = login(city.user(who))

    response = client.get(reverse("api-employee-standing", args=[getattr(city, target).nip]))

    if target in STANDING[who]:
        assert response.status_code == 200
        assert response.json()["nip"] == getattr(city, target).nip
    else:
        assert response.status_code == 404
        assert response.json() == client.get(reverse("api-employee-standing", args=["199001012020011999"])).json()


@pytest.mark.parametrize("who", ROLES)
def test_filing_compliance_is_for_admin_bkpp_and_the_inspektorat(city, records, login, who):
    client = login(city.user(who))

    response = client.get(reverse("api-integrity-compliance"), {"year": 2025})

    if who in {"admin", "inspektur"}:
        assert response.status_code == 200
        assert response.json()["total"]["obligees"] == 2
    else:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"


# --- Nothing restricted ever reaches HR, supervisors or operators -------------------------------


def _every_read(city, records) -> list[str]:
    """Every GET endpoint with every record of the fixture."""
    urls = [
        reverse("api-integrity-compliance"),
        reverse("api-integrity-drug-test-results", args=[records.event.pk]),
        reverse("api-integrity-case-evidence-file", args=[records.case_a.pk, records.evidence_a.pk]),
        reverse("api-integrity-pact-document", args=[records.pact_a.pk]),
    ]
    for list_name, detail_name, prefix in OWN_KINDS.values():
        urls.append(reverse(list_name))
        urls += [reverse(detail_name, args=[getattr(records, f"{prefix}_{o}").pk]) for o in ("a", "x")]
    for list_name, detail_name, attributes in OFFICER_KINDS.values():
        urls.append(reverse(list_name))
        urls += [reverse(detail_name, args=[getattr(records, name).pk]) for name in attributes]
    for who in ("staff_a", "outsider", "supervisor"):
        urls.append(reverse("api-employee-standing", args=[getattr(city, who).nip]) + "?on=2026-07-01")
    return urls


def _text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode()


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    return set()


@pytest.mark.parametrize("who", ["admin", "operator", "supervisor", "staff_b"])
def test_no_answer_to_hr_operators_or_supervisors_holds_a_restricted_word_or_field(city, records, login, who):
    client = login(city.user(who))

    responses = [client.get(url) for url in _every_read(city, records)]

    for response in responses:
        text = _text(response)
        assert not [word for word in RESTRICTED_WORDS if word in text], (response.request["PATH_INFO"], text)
        assert not _keys(json.loads(text)) & RESTRICTED_KEYS
    assert {r.status_code for r in responses} <= {200, 403, 404}


def test_the_same_reads_by_the_inspektorat_do_hold_every_restricted_word(city, records, login):
    client = login(city.inspektur)

    text = "".join(_text(client.get(url)) for url in _every_read(city, records))

    assert [word for word in RESTRICTED_WORDS if word not in text] == []


def test_an_employee_reads_their_own_violation_and_gift_value_but_not_the_upgs_notes(city, records, login):
    client = login(city.staff_a.user)

    sanction_body = client.get(reverse("api-integrity-sanction-detail", args=[records.sanction_a.pk])).json()
    gift_body = client.get(reverse("api-integrity-gratification-detail", args=[records.gift_a.pk])).json()

    assert sanction_body["violation"] == VIOLATION
    assert "recorded_by" not in sanction_body
    assert gift_body["estimated_value"] == GIFT_VALUE
    assert gift_body["status"] == "diverifikasi"
    assert "handling_note" not in gift_body
    assert HANDLING_NOTE not in json.dumps(gift_body)


def test_the_inspektorat_reads_every_field(city, records, login):
    client = login(city.inspektur)

    sanction_body = client.get(reverse("api-integrity-sanction-detail", args=[records.sanction_a.pk])).json()
    gift_body = client.get(reverse("api-integrity-gratification-detail", args=[records.gift_a.pk])).json()
    case_body = client.get(reverse("api-integrity-case-detail", args=[records.case_a.pk])).json()

    assert sanction_body["violation"] == VIOLATION
    assert gift_body["handling_note"] == HANDLING_NOTE
    assert gift_body["handled_by"] == "inspektur"
    assert case_body["summary"] == CASE_SUMMARY


def test_an_own_serializer_refuses_another_employees_record(city, records, rf):
    request = rf.get("/")
    request.user = city.staff_a.user

    with pytest.raises(AudienceError):
        _ = SanctionOwnSerializer(records.sanction_x, context={"request": request, "today": TODAY}).data


def test_an_officer_serializer_refuses_to_render_for_anyone_else(city, records, rf):
    request = rf.get("/")
    request.user = city.admin

    with pytest.raises(AudienceError):
        _ = SanctionOfficerSerializer(records.sanction_a, context={"request": request, "today": TODAY}).data


# --- Writing --------------------------------------------------------------------------------------


def _create_requests(city) -> dict[str, tuple[str, dict, str]]:
    """name → (url, data, format) for a valid create of each kind."""
    return {
        "sanction": (
            reverse("api-integrity-sanction-list"),
            {
                "employee_nip": city.staff_b.nip,
                "type_code": "teguran_lisan",
                "decree_number": "800/77/2026",
                "decree_on": "2026-11-20",
                "issued_by": "Kepala Dinas Kesehatan",
                "starts_on": "2026-11-23",
                "violation": "Terlambat masuk kerja berulang kali.",
            },
            "json",
        ),
        "case": (
            reverse("api-integrity-case-list"),
            {
                "employee_nip": city.staff_b.nip,
                "category": "netralitas",
                "source": "aduanasn",
                "summary": "Unggahan dukungan calon di media sosial.",
                "opened_on": "2026-11-20",
                "alleged_level": "sedang",
            },
            "json",
        ),
        "filing": (
            reverse("api-integrity-filing-list"),
            {"employee_nip": city.staff_b.nip, "year": 2024},
            "json",
        ),
        "drug test": (
            reverse("api-integrity-drug-test-list"),
            {"held_on": "2026-11-02", "organiser": "BNNK Kota Semarang", "unit_codes": ["DINKES"]},
            "json",
        ),
        "pact": (
            reverse("api-integrity-pact-list"),
            {
                "employee_nip": city.staff_b.nip,
                "occasion": "pengangkatan",
                "signed_on": "2026-11-02",
                "document": SimpleUploadedFile("pakta.pdf", PDF),
            },
            "multipart",
        ),
    }


CREATE_KINDS = ["sanction", "case", "filing", "drug test", "pact"]
MODELS = {
    "sanction": Sanction,
    "case": IntegrityCase,
    "filing": WealthReport,
    "drug test": services.DrugTestEvent,
    "pact": IntegrityPact,
}


def _post(client, url, data, fmt):
    if fmt == "json":
        return client.post(url, data, content_type="application/json")
    return client.post(url, data)


@pytest.mark.parametrize("kind", CREATE_KINDS)
@pytest.mark.parametrize("who", ROLES)
def test_only_the_inspektorat_records_integrity_data(city, login, who, kind):
    url, data, fmt = _create_requests(city)[kind]
    client = login(city.user(who))
    before = MODELS[kind].objects.count()

    response = _post(client, url, data, fmt)

    expected = 201 if who == "inspektur" else 403
    assert response.status_code == expected, response.content
    assert MODELS[kind].objects.count() == before + (1 if expected == 201 else 0)
    if expected == 403:
        assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize("kind", CREATE_KINDS)
def test_a_forbidden_write_is_403_before_its_input_is_even_read(city, login, kind):
    url, _data, fmt = _create_requests(city)[kind]
    client = login(city.admin)

    response = _post(client, url, {"employee_nip": "not a nip"}, fmt)

    assert response.status_code == 403


# role → status of reporting a gift for oneself: every employee may; staff accounts have no gifts
REPORT_GIFT = {
    "admin": 403,
    "inspektur": 403,  # the city's officer account is not an employee
    "operator": 201,
    "supervisor": 201,
    "staff_a": 201,
    "staff_b": 201,
    "outsider": 201,
}


@pytest.mark.parametrize("who", ROLES)
def test_every_employee_reports_their_own_gift_and_nobody_elses(city, login, who):
    client = login(city.user(who))

    response = client.post(
        reverse("api-integrity-gratification-list"),
        {
            "received_on": "2026-11-20",
            "giver": "Rekanan",
            "description": "Bingkisan",
            "estimated_value": "250000",
            "employee_nip": city.outsider.nip,  # not an input: the reporter is always the caller
        },
        content_type="application/json",
    )

    assert response.status_code == REPORT_GIFT[who]
    if response.status_code == 201:
        report = GratificationReport.objects.get(pk=response.json()["id"])
        assert report.employee == getattr(city, who)
        assert response.json()["audience"] == "employee"


def _detail_writes(city, records) -> dict[str, tuple[str, dict, str]]:
    return {
        "annul a sanction": (
            reverse("api-integrity-sanction-annul", args=[records.sanction_a.pk]),
            {"annulment_decree_number": "862/5/2026", "annulment_decree_on": "2026-11-20"},
            "json",
        ),
        "advance a case": (
            reverse("api-integrity-case-advance", args=[records.case_a.pk]),
            {"status": "verifikasi"},
            "json",
        ),
        "add evidence": (
            reverse("api-integrity-case-evidence", args=[records.case_a.pk]),
            {"file": SimpleUploadedFile("bukti.pdf", PDF)},
            "multipart",
        ),
        "submit a filing": (
            reverse("api-integrity-filing-submit", args=[records.filing_a.pk]),
            {"submitted_on": "2026-03-02"},
            "json",
        ),
        "process a gift": (
            reverse("api-integrity-gratification-process", args=[records.gift_a.pk]),
            {"status": "diteruskan", "kpk_reference": "GOL-2026-1"},
            "json",
        ),
        "record a drug-test result": (
            reverse("api-integrity-drug-test-results", args=[records.event.pk]),
            {"employee_nip": city.staff_b.nip, "outcome": "negatif"},
            "json",
        ),
    }


@pytest.mark.parametrize(
    ("what", "ok_status"),
    [
        ("annul a sanction", 200),
        ("advance a case", 200),
        ("add evidence", 201),
        ("submit a filing", 200),
        ("process a gift", 200),
        ("record a drug-test result", 201),
    ],
)
@pytest.mark.parametrize("who", ROLES)
def test_changing_a_record_is_for_the_inspektorat_even_when_the_caller_can_read_it(
    city, records, login, who, what, ok_status
):
    url, data, fmt = _detail_writes(city, records)[what]
    client = login(city.user(who))

    response = _post(client, url, data, fmt)

    assert response.status_code == (ok_status if who == "inspektur" else 403), response.content


@pytest.mark.parametrize("who", ROLES)
def test_verifying_a_filing_is_for_the_inspektorat(city, records, login, who):
    services.record_submission(city.staff_a, year=2025, submitted_on=dt.date(2026, 3, 2), by=None, today=TODAY)
    client = login(city.user(who))

    response = client.post(reverse("api-integrity-filing-verify", args=[records.filing_a.pk]))

    assert response.status_code == (200 if who == "inspektur" else 403)
    records.filing_a.refresh_from_db()
    assert (records.filing_a.verified_on is not None) == (who == "inspektur")


@pytest.mark.parametrize("url_name", ["api-integrity-sanction-list", "api-integrity-compliance"])
def test_an_anonymous_caller_gets_401_with_the_standard_error_body(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_records_cannot_be_edited_or_deleted_through_the_api(city, records, login):
    client = login(city.inspektur)
    url = reverse("api-integrity-sanction-detail", args=[records.sanction_a.pk])

    patched = client.patch(url, {"violation": "x"}, content_type="application/json")
    deleted = client.delete(url)

    assert patched.status_code == 405
    assert deleted.status_code == 405
    assert Sanction.objects.filter(pk=records.sanction_a.pk, violation=VIOLATION).exists()
