"""Who sees and does what in the study-leave API, role by role, in the named city
(tests/conftest.py) plus an Operator OPD of the other OPD. The tables say what each role may do;
the API must agree with careers/permissions.py. The rule for every endpoint: an application a
role may not see is left out of lists and is a 404 (exactly like a missing id); BKPP's steps
answer everyone else 403 before anything is loaded; the other steps answer 403 to a caller who
sees the application but has no part in that step, and 400 `invalid_transition` to the right
person at the wrong moment. Never a 200 with another OPD's data, never a 500."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import reverse

from asn_portal import services as core_services
from asn_portal.models import Role
from careers.models import StudyLeave, StudyState
from tests.careers.study_factories import START, TODAY, draft, pdf, study_at
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

S = StudyState
ROLES = ["admin", "inspektur", "operator", "operator_disdik", "supervisor", "staff_a", "staff_b", "outsider"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch):
    monkeypatch.setattr("careers.study_api.local_today", lambda: TODAY)


@dataclass
class World:
    city: object
    operator_disdik: object  # an employee of Dinas Pendidikan who is its Operator OPD
    leaves: dict  # "a": staff_a's, sent to the supervisor; "b": staff_b's draft; "x": the outsider's, sent

    def user(self, who: str):
        if who == "operator_disdik":
            return self.operator_disdik.user
        return self.city.user(who)

    def employee(self, who: str):
        return self.operator_disdik if who == "operator_disdik" else getattr(self.city, who)


@pytest.fixture
def world(city) -> World:
    operator_disdik = EmployeeFactory(unit=city.disdik, name="Yusuf Operator")
    core_services.grant_operator(operator_disdik.user, city.disdik, by=city.admin)
    return World(
        city=city,
        operator_disdik=operator_disdik,
        leaves={
            "a": study_at(S.SUBMITTED, city.staff_a, city),
            "b": draft(city.staff_b),
            "x": study_at(S.SUBMITTED, city.outsider, city),  # the outsider has no supervisor
        },
    )


def _url(name, *args) -> str:
    return reverse(f"api-careers-study-leave-{name}", args=args)


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def _status(response) -> int | tuple[int, str]:
    """200/201 as a number, an error as (status, code)."""
    if response.status_code < 300:
        return response.status_code
    return response.status_code, response.json()["error"]["code"]


NOT_FOUND = (404, "not_found")
FORBIDDEN = (403, "permission_denied")
WRONG_STEP = (400, "invalid_transition")

# role → the applications it sees: the supervisor and the operators see none of the drafts,
# the Inspektorat nothing at all.
SEES = {
    "admin": {"a", "b", "x"},
    "inspektur": set(),
    "operator": {"a"},
    "operator_disdik": {"x"},
    "supervisor": {"a"},
    "staff_a": {"a"},
    "staff_b": {"b"},
    "outsider": {"x"},
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_lists_exactly_the_applications_it_may_see(world, login, role):
    response = login(world.user(role)).get(_url("list"))

    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {world.leaves[key].pk for key in SEES[role]}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", ["a", "b", "x"])
def test_an_application_out_of_sight_is_a_404_like_a_missing_one(world, login, role, key):
    client = login(world.user(role))
    leave = world.leaves[key]

    response = client.get(_url("detail", leave.pk))

    assert _status(response) == (200 if key in SEES[role] else NOT_FOUND)
    assert _status(client.get(_url("detail", 999_999))) == NOT_FOUND


@pytest.mark.parametrize("role", ROLES)
def test_a_document_downloads_for_whoever_sees_the_application(world, login, role):
    leave = world.leaves["a"]
    document = leave.documents.first()

    response = login(world.user(role)).get(_url("document-file", leave.pk, document.pk))

    assert _status(response) == (200 if "a" in SEES[role] else NOT_FOUND)


@pytest.mark.parametrize(
    ("method", "name", "detail"),
    [
        ("get", "list", False),
        ("post", "list", False),
        ("get", "detail", True),
        ("post", "submit", True),
        ("post", "approve", True),
        ("get", "document-file", "document"),
        ("post", "precheck", False),
    ],
)
def test_anonymous_callers_get_401(world, client, method, name, detail):
    leave = world.leaves["a"]
    args = [] if not detail else [leave.pk] if detail is True else [leave.pk, leave.documents.first().pk]

    response = getattr(client, method)(_url(name, *args), {}, content_type="application/json")

    assert _status(response) == (401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


# --- Applying ------------------------------------------------------------------------------------

APPLY = {
    "admin": FORBIDDEN,  # no employee record
    "inspektur": FORBIDDEN,
    "operator": 201,
    "operator_disdik": 201,
    "supervisor": 201,
    "staff_a": (400, "already_open"),  # their application is under review
    "staff_b": (400, "already_open"),
    "outsider": (400, "already_open"),
}


@pytest.mark.parametrize("role", ROLES)
def test_only_employees_apply_and_always_for_themselves(world, login, role):
    body = {
        "kind": "tugas_belajar",
        "level": "S2",
        "program": "Magister Administrasi Publik",
        "institution": "Universitas Diponegoro",
        "accreditation": "A",
        "starts_on": START.isoformat(),
        "ends_on": "2029-02-01",
        "funding": "apbd",
        "relevance": "Kebijakan publik.",
        "employee": world.city.staff_b.pk,  # not a field: ignored
    }
    before = StudyLeave.objects.count()

    response = _post(login(world.user(role)), _url("list"), body)

    assert _status(response) == APPLY[role]
    if response.status_code == 201:
        assert response.json()["employee"]["nip"] == world.employee(role).nip
        assert StudyLeave.objects.count() == before + 1
    else:
        assert StudyLeave.objects.count() == before


# --- The steps on staff_a's application, sent to the supervisor ------------------------------------

# step → role → answer. Roles that do not see the application get 404 (BKPP's steps: 403 first).
STEPS = {
    "recommend": {"supervisor": 200, "staff_a": FORBIDDEN, "operator": FORBIDDEN, "admin": FORBIDDEN},
    "return": {"supervisor": 200, "staff_a": FORBIDDEN, "operator": WRONG_STEP, "admin": WRONG_STEP},
    "submit": {"supervisor": FORBIDDEN, "staff_a": WRONG_STEP, "operator": FORBIDDEN, "admin": FORBIDDEN},
    # BKPP cancels approved studies only: for a submitted one it is the wrong step.
    "withdraw": {"supervisor": FORBIDDEN, "staff_a": 200, "operator": FORBIDDEN, "admin": WRONG_STEP},
    "check": {"supervisor": FORBIDDEN, "staff_a": FORBIDDEN, "operator": WRONG_STEP, "admin": WRONG_STEP},
}
BKPP_STEPS = {
    "approve": {"decree_number": "800/1", "decree_on": "2026-11-27"},
    "reject": {"reason": "Tidak sesuai formasi"},
    "complete": {"graduated_on": "2026-11-01", "returned_on": "2026-11-02"},
    "terminate": {"reason_kind": "other", "reason": "x", "on": "2026-11-01"},
    "extension-decision": {"approve": True},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("step", list(STEPS))
def test_each_step_answers_the_role_that_takes_it_and_refuses_the_others(world, login, step, role):
    leave = world.leaves["a"]

    response = _post(login(world.user(role)), _url(step, leave.pk), {"reason": "Perlu dilengkapi"})

    expected = STEPS[step].get(role, NOT_FOUND)
    assert _status(response) == expected
    if expected != 200:
        assert StudyLeave.objects.get(pk=leave.pk).state == S.SUBMITTED


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("step", list(BKPP_STEPS))
def test_bkpp_steps_are_refused_to_everyone_else_before_anything_is_loaded(world, login, step, role):
    leave = world.leaves["a"]

    response = _post(login(world.user(role)), _url(step, leave.pk), BKPP_STEPS[step])

    assert _status(response) == (WRONG_STEP if role == "admin" else FORBIDDEN)
    assert StudyLeave.objects.get(pk=leave.pk).state == S.SUBMITTED


def test_bkpp_recommends_when_the_employee_has_no_supervisor_who_can_sign_in(world, login):
    response = _post(login(world.city.admin), _url("recommend", world.leaves["x"].pk))

    assert response.json()["state"] == "recommended"


UPLOAD = {
    "admin": 201,
    "operator": 201,
    "supervisor": FORBIDDEN,
    "staff_a": WRONG_STEP,  # their own documents while a draft or returned
}


@pytest.mark.parametrize("role", ROLES)
def test_documents_of_a_sent_application_are_added_by_its_operator_or_bkpp(world, login, role):
    leave = world.leaves["a"]

    response = login(world.user(role)).post(_url("documents", leave.pk), {"kind": "other", "file": pdf()})

    assert _status(response) == UPLOAD.get(role, NOT_FOUND)


EDIT = {"staff_b": 200, "admin": FORBIDDEN}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_employee_corrects_their_draft(world, login, role):
    leave = world.leaves["b"]

    response = login(world.user(role)).patch(
        _url("detail", leave.pk), {"program": "Magister Manajemen"}, content_type="application/json"
    )

    assert _status(response) == EDIT.get(role, NOT_FOUND)
    changed = StudyLeave.objects.get(pk=leave.pk).program == "Magister Manajemen"
    assert changed is (role == "staff_b")


def test_a_bkpp_officer_does_not_decide_their_own_application(city, login):
    officer = EmployeeFactory(unit=city.dinkes_bidang, supervisor=city.supervisor, name="Tono BKPP")
    core_services.grant_role(officer.user, Role.ADMIN_BKPP, by=city.admin)
    leave = study_at(S.CHECKED, officer, city)
    body = {"decree_number": "800/9", "decree_on": "2026-11-27"}

    own = _post(login(officer.user), _url("approve", leave.pk), body)
    other = _post(login(city.admin), _url("approve", leave.pk), body)

    assert _status(own) == FORBIDDEN
    assert other.json()["state"] == "approved"


# --- During the study ----------------------------------------------------------------------------

DURING = {
    "staff_a": 201,
    "operator": 201,
    "admin": 201,
    "supervisor": FORBIDDEN,  # sees the study, sends nothing for it
}


@pytest.mark.parametrize("role", ROLES)
def test_reports_and_extension_requests_come_from_the_employee_their_operator_or_bkpp(world, login, monkeypatch, role):
    monkeypatch.setattr("careers.study_api.local_today", lambda: dt.date(2027, 3, 1))
    StudyLeave.objects.filter(pk=world.leaves["a"].pk).update(state=S.WITHDRAWN)
    leave = study_at(S.ONGOING, world.city.staff_a, world.city)
    client = login(world.user(role))

    report = client.post(_url("reports", leave.pk), {"semester": "1", "gpa": "3.5", "transcript": pdf()})
    extension = _post(client, _url("extension", leave.pk), {"reason": "Penelitian"})

    assert _status(report) == DURING.get(role, NOT_FOUND)
    assert _status(extension) == DURING.get(role, NOT_FOUND)


# --- The pre-check -------------------------------------------------------------------------------

# role → may it pre-check staff_a's plan: themselves, their supervisor, Dinkes' operator, BKPP.
# The Inspektorat has no part in study leave: refused before the NIP is looked up.
PRECHECK = {"admin": 200, "operator": 200, "supervisor": 200, "staff_a": 200, "inspektur": FORBIDDEN}


@pytest.mark.parametrize("role", ROLES)
def test_the_precheck_answers_whoever_prepares_the_employees_study(world, login, role):
    body = {
        "nip": world.city.staff_a.nip,
        "kind": "izin_belajar",
        "level": "S2",
        "accreditation": "B",
        "starts_on": START.isoformat(),
        "duration_months": 24,
    }

    response = _post(login(world.user(role)), _url("precheck"), body)

    assert _status(response) == PRECHECK.get(role, NOT_FOUND)
