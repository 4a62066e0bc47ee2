"""Who sees and changes which employee through the API, role by role, in the named city
(tests/conftest.py). The tables say what each role may do; the API must agree with
`asn_portal.permissions`, which the HTML pages use too."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

EMPLOYEES = ["supervisor", "staff_a", "staff_b", "operator", "outsider"]
DINKES_STAFF = {"supervisor", "staff_a", "staff_b", "operator"}

# role → the employees (city attribute names) the employee list returns
VISIBLE = {
    "admin": set(EMPLOYEES),
    "inspektur": set(EMPLOYEES),
    "operator": DINKES_STAFF,  # the Operator OPD of Dinas Kesehatan
    "supervisor": {"supervisor", "staff_a", "staff_b"},  # self and direct subordinates
    "staff_a": {"staff_a"},
    "outsider": {"outsider"},
}
ROLES = list(VISIBLE)


def _new_employee_payload(unit_code: str, serial: int = 901) -> dict:
    return {
        "nip": f"19880214 201001 1 {serial:03d}",
        "name": "Hendra Wijaya",
        "employment_type": "pns",
        "unit_code": unit_code,
        "rank_code": "III/b",
        "rank_tmt_on": "2019-04-01",
        "education_code": "S1",
        "cpns_tmt_on": "2010-01-01",
        "pns_tmt_on": "2011-01-01",
    }


@pytest.mark.parametrize("who", ROLES)
def test_the_employee_list_returns_exactly_the_employees_a_role_may_see(city, login, who):
    client = login(city.user(who))

    response = client.get(reverse("api-employee-list"), {"page_size": 100})

    assert response.status_code == 200
    returned = {row["nip"] for row in response.json()["results"]}
    assert returned == {getattr(city, name).nip for name in VISIBLE[who]}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("target", EMPLOYEES)
def test_retrieving_an_employee_outside_ones_view_is_a_404_like_a_missing_one(city, login, who, target):
    client = login(city.user(who))

    response = client.get(reverse("api-employee-detail", args=[getattr(city, target).pk]))

    if target in VISIBLE[who]:
        assert response.status_code == 200
        assert response.json()["nip"] == getattr(city, target).nip
    else:
        assert response.status_code == 404
        assert response.json() == client.get(reverse("api-employee-detail", args=[10**9])).json()
        assert response.json()["error"]["code"] == "not_found"


CREATE_IN_DINKES = {
    "admin": 201,
    "operator": 201,
    "inspektur": 403,  # reads everyone, writes nothing
    "supervisor": 403,
    "staff_a": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("who", ROLES)
def test_only_admin_and_the_opds_operator_may_add_an_employee_to_a_unit(city, login, who):
    client = login(city.user(who))

    response = client.post(
        reverse("api-employee-list"), _new_employee_payload("DINKES-P2P"), content_type="application/json"
    )

    assert response.status_code == CREATE_IN_DINKES[who]
    if response.status_code == 403:
        assert response.json()["error"]["code"] == "permission_denied"


def test_an_operator_may_not_add_an_employee_to_another_opd(city, login):
    client = login(city.operator.user)

    response = client.post(
        reverse("api-employee-list"), _new_employee_payload("DISDIK"), content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_admin_may_add_an_employee_to_any_opd(city, login):
    client = login(city.admin)

    response = client.post(
        reverse("api-employee-list"), _new_employee_payload("DISDIK"), content_type="application/json"
    )

    assert response.status_code == 201
    assert response.json()["opd"]["code"] == "DISDIK"


PATCH_STAFF_A = {
    "admin": 200,
    "operator": 200,
    "inspektur": 403,
    "supervisor": 403,  # an atasan approves, but does not edit the registry
    "staff_a": 403,  # not even one's own registry data
    "outsider": 404,  # cannot see staff_a at all
}


@pytest.mark.parametrize("who", ROLES)
def test_who_may_change_an_employees_registry_data(city, login, who):
    client = login(city.user(who))

    response = client.patch(
        reverse("api-employee-detail", args=[city.staff_a.pk]),
        {"phone": "0812-555-0101"},
        content_type="application/json",
    )

    assert response.status_code == PATCH_STAFF_A[who]
    city.staff_a.refresh_from_db()
    assert (city.staff_a.phone == "0812-555-0101") == (response.status_code == 200)


def test_an_operator_gets_404_for_an_employee_of_another_opd_even_when_writing(city, login):
    client = login(city.operator.user)

    response = client.put(
        reverse("api-employee-detail", args=[city.outsider.pk]),
        {**_new_employee_payload("DISDIK"), "status": "aktif"},
        content_type="application/json",
    )

    assert response.status_code == 404


def test_an_operator_may_not_move_an_employee_out_of_their_opd(city, login):
    client = login(city.operator.user)

    response = client.patch(
        reverse("api-employee-detail", args=[city.staff_a.pk]), {"unit_code": "DISDIK"}, content_type="application/json"
    )

    assert response.status_code == 403
    city.staff_a.refresh_from_db()
    assert city.staff_a.unit_id == city.dinkes_bidang.pk


@pytest.mark.parametrize(
    ("method", "url_name", "with_pk"),
    [
        ("get", "api-employee-list", False),
        ("post", "api-employee-list", False),
        ("get", "api-employee-detail", True),
        ("patch", "api-employee-detail", True),
        ("get", "api-org-unit-list", False),
        ("get", "api-me", False),
        ("delete", "api-auth-token", False),
    ],
)
def test_an_anonymous_caller_gets_401_with_the_standard_error_body(city, client, method, url_name, with_pk):
    url = reverse(url_name, args=[city.staff_a.pk] if with_pk else [])

    response = getattr(client, method)(url, {}, content_type="application/json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert set(response.json()) == {"error"}
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response.json()["error"]["message"]


def test_a_bad_token_is_401_with_the_standard_error_body(city, client):
    response = client.get(reverse("api-me"), headers={"Authorization": "Token not-a-real-token"})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
