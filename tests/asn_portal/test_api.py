"""API v1: employees, organisation units, the signed-in user and API tokens."""

import datetime as dt

import factory
import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from asn_portal.models import Employee, OrgUnitKind, Position, PositionKind
from tests.factories import EmployeeFactory, make_nip, org_unit

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-sigap"  # tests.factories.UserFactory


def _payload(**overrides) -> dict:
    payload = {
        "nip": "19880214 201001 1 901",
        "name": "Hendra Wijaya",
        "back_title": "S.Kom.",
        "employment_type": "pns",
        "unit_code": "DINKES-P2P",
        "rank_code": "III/b",
        "rank_tmt_on": "2019-04-01",
        "education_code": "S1",
        "cpns_tmt_on": "2010-01-01",
        "pns_tmt_on": "2011-01-01",
        "email": "hendra@example.go.id",
    }
    payload.update(overrides)
    return payload


def _field_codes(response) -> dict[str, list[str]]:
    return {name: [item["code"] for item in items] for name, items in response.json()["error"]["fields"].items()}


# --- Reading employees ---------------------------------------------------------------------------


def test_an_employee_is_shown_with_nested_unit_opd_rank_education_and_supervisor(city, login):
    client = login(city.admin)

    response = client.get(reverse("api-employee-detail", args=[city.staff_a.pk]))

    assert response.status_code == 200
    body = response.json()
    staff = city.staff_a
    assert body["nip"] == staff.nip
    assert body["nip_formatted"] == staff.formatted_nip
    assert body["full_name"] == staff.full_name
    assert body["unit"] == {"id": city.dinkes_bidang.pk, "code": "DINKES-P2P", "name": city.dinkes_bidang.name}
    assert body["opd"] == {"id": city.dinkes.pk, "code": "DINKES", "name": city.dinkes.name}
    assert body["rank"] == {"id": staff.rank.pk, "code": "III/a", "name": staff.rank.name}
    assert body["education"] == {"code": "S1", "name": staff.education.name}
    assert body["supervisor"] == {"id": city.supervisor.pk, "nip": city.supervisor.nip, "name": "Siti Rahmawati"}
    assert body["position"] is None
    assert body["born_on"] == staff.born_on.isoformat()
    assert "path" not in body["unit"]


def test_a_position_is_shown_with_kind_and_jenjang(city, login):
    position = Position.objects.create(
        name="Epidemiolog Kesehatan", kind=PositionKind.FUNGSIONAL_KEAHLIAN, jenjang="ahli_muda", unit=city.dinkes
    )
    Employee.objects.filter(pk=city.staff_b.pk).update(position=position)
    client = login(city.admin)

    body = client.get(reverse("api-employee-detail", args=[city.staff_b.pk])).json()

    assert body["position"] == {
        "id": position.pk,
        "name": "Epidemiolog Kesehatan",
        "kind": "fungsional_keahlian",
        "jenjang": "ahli_muda",
    }


def test_the_employee_list_is_paginated_and_ordered_by_name(city, login):
    client = login(city.admin)

    response = client.get(reverse("api-employee-list"), {"page_size": 2})

    body = response.json()
    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert body["next"] is not None
    all_names = sorted(e.name for e in Employee.objects.all())
    assert [row["name"] for row in body["results"]] == all_names[:2]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "budi"}, {"staff_a"}),
        ({"opd": "DISDIK"}, {"outsider"}),
        ({"unit": "DINKES-P2P"}, {"supervisor", "staff_a", "staff_b"}),
        ({"status": "pensiun"}, {"staff_b"}),
    ],
)
def test_the_employee_list_filters_like_the_directory_page(city, login, params, expected):
    Employee.objects.filter(pk=city.staff_b.pk).update(status="pensiun")
    units = {"DISDIK": city.disdik.pk, "DINKES-P2P": city.dinkes_bidang.pk}
    query = {name: units.get(value, value) for name, value in params.items()}
    client = login(city.admin)

    response = client.get(reverse("api-employee-list"), query)

    assert response.status_code == 200
    assert {row["nip"] for row in response.json()["results"]} == {getattr(city, who).nip for who in expected}


def test_an_invalid_filter_value_is_a_validation_error_naming_the_parameter(city, login):
    client = login(city.admin)

    response = client.get(reverse("api-employee-list"), {"status": "on_holiday"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert _field_codes(response) == {"status": ["invalid_choice"]}


@pytest.mark.parametrize("pk", ["abc", "0", "-1", "0.5", "1e3", str(2**70)])
def test_an_unusable_employee_id_is_a_404_with_the_standard_body(city, login, pk):
    client = login(city.admin)

    response = client.get(f"/api/v1/employees/{pk}/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.fixture
def crowd(city):
    """120 more employees in Dinas Pendidikan, all visible to Admin BKPP, each with a
    supervisor, a position and a rank so every nested object is filled."""
    school = org_unit("DISDIK-SMP1", "SMP Negeri 1", OrgUnitKind.SEKOLAH, city.disdik)
    position = Position.objects.create(name="Guru Ahli Pertama", kind=PositionKind.PELAKSANA, unit=school)
    born = dt.date(1985, 7, 1)
    nips = [make_nip(born, 2009, 3, "2", serial) for serial in range(1, 121)]
    return EmployeeFactory.create_batch(
        120,
        unit=school,
        born=born,
        appointed=dt.date(2009, 3, 1),
        gender="P",
        nip=factory.Iterator(nips),
        supervisor=city.outsider,
        position=position,
    )


def _count_list_queries(client, page_size: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("api-employee-list"), {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == page_size
    return len(captured)


def test_the_employee_list_costs_the_same_queries_for_10_or_100_rows(city, crowd, login):
    client = login(city.admin)
    _count_list_queries(client, 10)  # warm up per-process caches (content types, ...)

    small = _count_list_queries(client, 10)
    large = _count_list_queries(client, 100)

    assert small == large


@pytest.mark.parametrize("page_size", ["101", "500", "9" * 5000])
def test_page_size_is_capped_at_100(city, crowd, login, page_size):
    client = login(city.admin)

    response = client.get(reverse("api-employee-list"), {"page_size": page_size})

    assert len(response.json()["results"]) == 100


@pytest.mark.parametrize("page_size", ["0", "-5", "ten", "true", "2.5", ""])
def test_a_page_size_that_is_not_a_positive_whole_number_is_refused(city, login, page_size):
    client = login(city.admin)

    response = client.get(reverse("api-employee-list"), {"page_size": page_size})

    assert response.status_code == 400
    assert _field_codes(response) == {"page_size": ["invalid"]}


def test_a_page_past_the_end_is_a_404_with_the_standard_body(city, login):
    client = login(city.admin)

    response = client.get(reverse("api-employee-list"), {"page": 99})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# --- Writing employees ---------------------------------------------------------------------------


def test_admin_adds_an_employee_through_the_service(city, login):
    client = login(city.admin)

    response = client.post(reverse("api-employee-list"), _payload(), content_type="application/json")

    assert response.status_code == 201
    body = response.json()
    employee = Employee.objects.get(nip="198802142010011901")
    assert body["id"] == employee.pk
    assert body["nip_formatted"] == "19880214 201001 1 901"
    assert body["full_name"] == "Hendra Wijaya, S.Kom."
    assert body["opd"]["code"] == "DINKES"
    assert body["rank"]["code"] == "III/b"
    assert body["status"] == "aktif"
    # the service's own work: birth date and gender read from the NIP, a login account
    assert employee.born_on == dt.date(1988, 2, 14)
    assert employee.gender == "L"
    assert employee.user.username == employee.nip


def test_a_malformed_nip_is_a_field_error_with_a_stable_code(city, login):
    client = login(city.admin)

    response = client.post(
        reverse("api-employee-list"),
        _payload(nip="1988021420100119"),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    indonesian = client.post(
        reverse("api-employee-list"), _payload(nip="1988021420100119"), content_type="application/json"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert _field_codes(response) == {"nip": ["nip_format"]}
    assert error["fields"]["nip"][0]["message"] == "NIP must be exactly 18 digits (got 16 characters)."
    assert (
        indonesian.json()["error"]["fields"]["nip"][0]["message"]
        == "NIP harus tepat 18 digit (yang diisi 16 karakter)."
    )
    assert indonesian.json()["error"]["fields"]["nip"][0]["code"] == "nip_format"


def test_unknown_codes_are_field_errors_on_the_fields_sent(city, login):
    client = login(city.admin)

    response = client.post(
        reverse("api-employee-list"),
        _payload(
            unit_code="NOWHERE",
            rank_code="V/z",
            education_code="S9",
            supervisor_nip="19000101 190001 1 001",
            position_id=999999,
        ),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert _field_codes(response) == {
        "unit_code": ["does_not_exist"],
        "rank_code": ["does_not_exist"],
        "education_code": ["does_not_exist"],
        "supervisor_nip": ["does_not_exist"],
        "position_id": ["does_not_exist"],
    }


def test_missing_required_fields_are_listed_with_code_required(city, login):
    client = login(city.admin)

    response = client.post(reverse("api-employee-list"), {}, content_type="application/json")

    assert response.status_code == 400
    assert _field_codes(response) == {
        "nip": ["required"],
        "name": ["required"],
        "employment_type": ["required"],
        "unit_code": ["required"],
    }


def test_a_position_of_another_opd_is_refused_on_position_id(city, login):
    school_position = Position.objects.create(name="Guru", kind=PositionKind.PELAKSANA, unit=city.disdik)
    client = login(city.admin)

    response = client.post(
        reverse("api-employee-list"), _payload(position_id=school_position.pk), content_type="application/json"
    )

    assert response.status_code == 400
    assert _field_codes(response) == {"position_id": ["position_other_opd"]}


def test_a_domain_rule_of_the_service_comes_back_in_the_standard_body(city, login):
    client = login(city.admin)

    response = client.post(
        reverse("api-employee-list"),
        _payload(nip=city.staff_a.nip, cpns_tmt_on="2015-03-01", pns_tmt_on="2016-03-01"),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert _field_codes(response) == {"nip": ["nip_exists"]}


def test_a_supervisor_outside_the_callers_view_does_not_exist_for_them(city, login):
    client = login(city.operator.user)  # operator of Dinkes; the outsider works at Disdik

    response = client.post(
        reverse("api-employee-list"), _payload(supervisor_nip=city.outsider.nip), content_type="application/json"
    )

    assert response.status_code == 400
    assert _field_codes(response) == {"supervisor_nip": ["does_not_exist"]}


def test_patch_changes_only_the_fields_sent(city, login):
    staff = city.staff_a
    before = {
        "rank": staff.rank_id,
        "supervisor": staff.supervisor_id,
        "education": staff.education_id,
        "cpns": staff.cpns_tmt_on,
    }
    client = login(city.operator.user)

    response = client.patch(
        reverse("api-employee-detail", args=[staff.pk]),
        {"phone": "0812-555-0101", "front_title": "dr."},
        content_type="application/json",
    )

    assert response.status_code == 200
    staff.refresh_from_db()
    assert staff.phone == "0812-555-0101"
    assert response.json()["full_name"] == f"dr. {staff.name}"
    after = {
        "rank": staff.rank_id,
        "supervisor": staff.supervisor_id,
        "education": staff.education_id,
        "cpns": staff.cpns_tmt_on,
    }
    assert after == before


def test_put_replaces_the_data_and_clears_optional_fields_left_out(city, login):
    Employee.objects.filter(pk=city.staff_a.pk).update(phone="0812-000")
    client = login(city.admin)
    payload = {
        "name": "Budi Santoso",
        "employment_type": "pns",
        "status": "aktif",
        "unit_code": "DINKES",
        "rank_code": "III/b",
        "rank_tmt_on": "2022-04-01",
        "education_code": "S1",
        "cpns_tmt_on": "2015-03-01",
        "pns_tmt_on": "2016-03-01",
    }

    response = client.put(
        reverse("api-employee-detail", args=[city.staff_a.pk]), payload, content_type="application/json"
    )

    assert response.status_code == 200
    city.staff_a.refresh_from_db()
    assert city.staff_a.rank.code == "III/b"
    assert city.staff_a.unit_id == city.dinkes.pk
    assert city.staff_a.phone == ""
    assert city.staff_a.supervisor_id is None


def test_the_nip_cannot_be_changed_through_the_api(city, login):
    original = city.staff_a.nip
    client = login(city.admin)

    response = client.patch(
        reverse("api-employee-detail", args=[city.staff_a.pk]),
        {"nip": "19700101 199003 1 002", "phone": "021-1"},
        content_type="application/json",
    )

    assert response.status_code == 200
    city.staff_a.refresh_from_db()
    assert city.staff_a.nip == original
    assert response.json()["nip"] == original


def test_an_update_error_from_the_service_names_the_api_field(city, login):
    client = login(city.admin)

    response = client.patch(
        reverse("api-employee-detail", args=[city.supervisor.pk]),
        {"supervisor_nip": city.staff_a.nip},  # staff_a reports to the supervisor: a loop
        content_type="application/json",
    )

    assert response.status_code == 400
    assert _field_codes(response) == {"supervisor_nip": ["supervisor_cycle"]}


# --- Organisation units --------------------------------------------------------------------------


def test_an_org_unit_shows_its_parent_code_and_opd_but_not_its_path(city, login):
    client = login(city.staff_a.user)

    response = client.get(reverse("api-org-unit-detail", args=[city.dinkes_bidang.pk]))

    assert response.status_code == 200
    assert response.json() == {
        "id": city.dinkes_bidang.pk,
        "code": "DINKES-P2P",
        "name": city.dinkes_bidang.name,
        "kind": "bidang",
        "depth": 2,
        "parent_code": "DINKES",
        "opd": {"id": city.dinkes.pk, "code": "DINKES", "name": "Dinas Kesehatan"},
        "is_active": True,
    }


def test_an_opd_has_no_parent_and_is_its_own_opd(city, login):
    client = login(city.staff_a.user)

    body = client.get(reverse("api-org-unit-detail", args=[city.disdik.pk])).json()

    assert body["parent_code"] is None
    assert body["opd"]["code"] == "DISDIK"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"parent": "DINKES"}, ["DINKES-P2P"]),
        ({"kind": "dinas"}, ["DINKES", "DISDIK"]),
        ({"q": "pendidikan"}, ["DISDIK"]),
    ],
)
def test_the_org_unit_list_filters_by_parent_kind_and_name(city, login, params, expected):
    client = login(city.staff_a.user)

    response = client.get(reverse("api-org-unit-list"), params)

    assert response.status_code == 200
    assert sorted(row["code"] for row in response.json()["results"]) == expected


def test_the_org_unit_list_costs_the_same_queries_for_few_or_many_units(city, login):
    client = login(city.admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("api-org-unit-list"), {"page_size": 100})
        assert response.status_code == 200
        return len(captured)

    count()  # warm up
    few = count()
    for n in range(30):
        org_unit(f"DINKES-PKM{n}", f"Puskesmas {n}", OrgUnitKind.PUSKESMAS, city.dinkes_bidang)
    many = count()

    assert few == many


def test_a_missing_org_unit_is_a_404_with_the_standard_body(city, login):
    client = login(city.staff_a.user)

    response = client.get(reverse("api-org-unit-detail", args=[10**9]))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_api_reads_json_only(city, login):
    client = login(city.admin)

    response = client.post(reverse("api-employee-list"), {"nip": "1", "name": "x"})  # a form post

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_org_units_are_read_only(city, login):
    client = login(city.admin)

    response = client.post(reverse("api-org-unit-list"), {"code": "X"}, content_type="application/json")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


# --- The signed-in user ---------------------------------------------------------------------------


def test_me_tells_an_operator_their_opds_and_employee_record(city, login):
    client = login(city.operator.user)

    body = client.get(reverse("api-me")).json()

    assert body["username"] == city.operator.nip
    assert body["roles"] == {
        "admin_bkpp": False,
        "inspektorat": False,
        "operator_opd": ["DINKES"],
        "is_supervisor": False,
    }
    assert body["employee"]["id"] == city.operator.pk
    assert body["employee"]["nip_formatted"] == city.operator.formatted_nip
    assert body["employee"]["opd"]["code"] == "DINKES"


def test_me_marks_a_supervisor(city, login):
    client = login(city.supervisor.user)

    body = client.get(reverse("api-me")).json()

    assert body["roles"]["is_supervisor"] is True
    assert body["roles"]["operator_opd"] == []


def test_me_for_a_staff_account_without_employee_record(city, login):
    client = login(city.admin)

    body = client.get(reverse("api-me")).json()

    assert body["username"] == "admin.bkpp"
    assert body["roles"]["admin_bkpp"] is True
    assert body["employee"] is None


# --- API tokens -----------------------------------------------------------------------------------


def test_a_token_is_obtained_with_the_nip_used_and_revoked(city, client):
    spaced_nip = city.staff_a.formatted_nip  # "19900517 201503 1 00x", as printed on decrees

    obtained = client.post(
        reverse("api-auth-token"), {"username": spaced_nip, "password": PASSWORD}, content_type="application/json"
    )
    token = obtained.json()["token"]
    me = client.get(reverse("api-me"), headers={"Authorization": f"Token {token}"})
    revoked = client.delete(reverse("api-auth-token"), headers={"Authorization": f"Token {token}"})
    after = client.get(reverse("api-me"), headers={"Authorization": f"Token {token}"})

    assert obtained.status_code == 200
    assert me.status_code == 200
    assert me.json()["username"] == city.staff_a.nip
    assert revoked.status_code == 204
    assert not Token.objects.filter(key=token).exists()
    assert after.status_code == 401


def test_a_staff_account_obtains_a_token_with_its_username(city, client):
    response = client.post(
        reverse("api-auth-token"), {"username": "admin.bkpp", "password": PASSWORD}, content_type="application/json"
    )

    assert response.status_code == 200
    assert Token.objects.get(user=city.admin).key == response.json()["token"]


def test_a_wrong_password_gives_no_token_and_the_standard_error_body(city, client):
    response = client.post(
        reverse("api-auth-token"), {"username": "admin.bkpp", "password": "wrong"}, content_type="application/json"
    )

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "invalid_credentials"
    assert not Token.objects.exists()


def test_the_token_endpoint_locks_a_username_out_after_the_failure_limit(city, client):
    url = reverse("api-auth-token")
    wrong = {"username": city.staff_a.nip, "password": "wrong"}
    failures = [client.post(url, wrong, content_type="application/json") for _ in range(settings.AXES_FAILURE_LIMIT)]

    right_password = client.post(
        url, {"username": city.staff_a.nip, "password": PASSWORD}, content_type="application/json"
    )

    assert [r.status_code for r in failures[:-1]] == [401] * (settings.AXES_FAILURE_LIMIT - 1)
    assert failures[-1].status_code == 429  # the failure that reaches the limit locks
    assert right_password.status_code == 429
    assert right_password["Content-Type"] == "application/json"
    assert right_password.json()["error"]["code"] == "locked_out"
    assert int(right_password["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert not Token.objects.exists()


def test_a_successful_sign_in_clears_the_failure_count(city, client):
    url = reverse("api-auth-token")
    wrong = {"username": city.staff_a.nip, "password": "wrong"}
    almost = settings.AXES_FAILURE_LIMIT - 1
    for _ in range(almost):
        client.post(url, wrong, content_type="application/json")
    client.post(url, {"username": city.staff_a.nip, "password": PASSWORD}, content_type="application/json")

    again = [client.post(url, wrong, content_type="application/json").status_code for _ in range(almost)]

    assert again == [401] * almost


def test_a_stale_token_header_does_not_block_signing_in(city, client):
    response = client.post(
        reverse("api-auth-token"),
        {"username": "admin.bkpp", "password": PASSWORD},
        content_type="application/json",
        headers={"Authorization": "Token revoked-long-ago"},
    )

    assert response.status_code == 200


def test_the_lock_out_counts_the_nip_however_it_is_spaced(city, client):
    url = reverse("api-auth-token")
    spellings = [city.staff_a.nip, city.staff_a.formatted_nip, city.staff_a.formatted_nip.replace(" ", ".")]
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": spellings[n % 3], "password": "wrong"}, content_type="application/json")

    response = client.post(url, {"username": city.staff_a.nip, "password": PASSWORD}, content_type="application/json")

    assert response.status_code == 429


def test_a_write_with_a_token_records_the_tokens_user_in_the_audit_log(city, client):
    token = Token.objects.create(user=city.operator.user)

    response = client.patch(
        reverse("api-employee-detail", args=[city.staff_a.pk]),
        {"phone": "0812-555-0199"},
        content_type="application/json",
        headers={"Authorization": f"Token {token.key}"},
    )

    assert response.status_code == 200
    entry = LogEntry.objects.get_for_object(city.staff_a).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == city.operator.user
    assert entry.changes_dict["phone"][1] == "0812-555-0199"


def test_an_unknown_api_path_answers_with_the_json_error_body(client, settings):
    settings.DEBUG = False

    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
