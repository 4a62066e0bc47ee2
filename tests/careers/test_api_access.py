"""Who sees and does what in the careers API, role by role, in the named city (tests/conftest.py)
plus an Operator OPD of the other OPD. The tables say what each role may do; the API must agree
with careers/permissions.py and the employee profile. The rule for every endpoint: what a role
may not see is left out of lists and is a 404 (exactly like a missing id or NIP); BKPP's steps
answer everyone else 403 before anything is loaded; the candidates list answers 403 to whoever
does not prepare promotions; the other steps answer 403 to a caller who sees the proposal but
has no part in that step. Never a 200 with another OPD's data, never a 500."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import reverse

from asn_portal import services as core_services
from asn_portal.models import Jenjang, Role
from careers import history, proposals
from careers.models import ExamKind, PromotionProposal, ProposalState
from tests.careers.factories import TODAY, appoint, award, diploma, exam, pak, position_history, skp_years
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

PERIOD = dt.date(2027, 1, 1)  # TODAY is inside its window
ROLES = ["admin", "inspektur", "operator", "operator_disdik", "supervisor", "staff_a", "staff_b", "outsider"]
EMPLOYEES = ["operator", "operator_disdik", "supervisor", "staff_a", "staff_b", "outsider", "teacher"]
ALL_DOCUMENTS = ["sk_cpns", "sk_pns", "sk_pangkat", "skp", "ijazah", "ujian_dinas", "pak", "sk_jabatan", "ukppi"]


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch):
    monkeypatch.setattr("careers.api.local_today", lambda: TODAY)


@dataclass
class World:
    city: object
    operator_disdik: object  # an employee of Dinas Pendidikan who is its Operator OPD
    teacher: object  # another employee of Dinas Pendidikan, eligible, not proposed
    rows: dict  # history name → {"a": staff_a's row, "x": the outsider's row}
    prop_a: PromotionProposal  # staff_a's, proposed by Dinkes' operator, waits for the supervisor
    prop_x: PromotionProposal  # the outsider's (no supervisor), proposed by Disdik's operator

    def user(self, who: str):
        if who == "operator_disdik":
            return self.operator_disdik.user
        return self.city.user(who)

    def employee(self, who: str):
        return {"operator_disdik": self.operator_disdik, "teacher": self.teacher}.get(who) or getattr(self.city, who)


def _histories(employee, unit) -> dict:
    skp_years(employee, [2025, 2026])
    return {
        "rank-history": appoint(employee)[0],
        "position-history": position_history(employee, "Pengadministrasi Umum", dt.date(2016, 3, 1), unit=unit),
        "education-history": diploma(employee, "S1", dt.date(2013, 8, 30)),
        "skp": employee.performance.get(year=2026),
        "exam": exam(employee, ExamKind.UD1, dt.date(2020, 11, 20)),
        "credit-assessment": pak(employee, dt.date(2025, 12, 31), Jenjang.AHLI_PERTAMA, "40"),
        "award": award(employee),
        "innovation": history.record_innovation(employee, title="Inovasi Layanan", year=2025, unit=unit),
    }


@pytest.fixture
def world(city) -> World:
    operator_disdik = EmployeeFactory(unit=city.disdik, name="Yusuf Operator")
    core_services.grant_operator(operator_disdik.user, city.disdik, by=city.admin)
    teacher = EmployeeFactory(unit=city.disdik, name="Wulan Guru")
    skp_years(teacher, [2025, 2026])
    skp_years(city.staff_b, [2025, 2026])
    of_a, of_x = _histories(city.staff_a, city.dinkes_bidang), _histories(city.outsider, city.disdik)
    prop_a = proposals.propose(city.staff_a, period_on=PERIOD, by=city.operator.user, documents=ALL_DOCUMENTS)
    prop_x = proposals.propose(city.outsider, period_on=PERIOD, by=operator_disdik.user, documents=ALL_DOCUMENTS)
    return World(
        city=city,
        operator_disdik=operator_disdik,
        teacher=teacher,
        rows={name: {"a": of_a[name], "x": of_x[name]} for name in of_a},
        prop_a=prop_a,
        prop_x=prop_x,
    )


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def _url(name, *args) -> str:
    return reverse(f"api-careers-{name}", args=args)


# --- Histories: like the profile ----------------------------------------------------------------------

# role → whose profile (and so histories) it may see
SEES_EMPLOYEE = {
    "admin": set(EMPLOYEES),
    "inspektur": set(EMPLOYEES),  # reads every profile
    "operator": {"operator", "supervisor", "staff_a", "staff_b"},  # Dinas Kesehatan
    "operator_disdik": {"operator_disdik", "outsider", "teacher"},  # Dinas Pendidikan
    "supervisor": {"supervisor", "staff_a", "staff_b"},  # themselves and their direct subordinates
    "staff_a": {"staff_a"},
    "staff_b": {"staff_b"},
    "outsider": {"outsider"},
}
OWNERS = {"a": "staff_a", "x": "outsider"}
HISTORIES = [
    "rank-history",
    "position-history",
    "education-history",
    "skp",
    "exam",
    "credit-assessment",
    "award",
    "innovation",
]


@pytest.mark.parametrize("name", HISTORIES)
@pytest.mark.parametrize("who", ROLES)
def test_a_history_list_holds_only_the_employees_a_role_may_see(world, login, who, name):
    client = login(world.user(who))

    response = client.get(_url(f"{name}-list"), {"page_size": 100})

    assert response.status_code == 200
    listed = {row["employee"]["nip"] for row in response.json()["results"]}
    assert listed <= {world.employee(target).nip for target in SEES_EMPLOYEE[who]}
    for owner, target in OWNERS.items():
        assert (world.rows[name][owner].pk in {row["id"] for row in response.json()["results"]}) == (
            target in SEES_EMPLOYEE[who]
        )


@pytest.mark.parametrize("name", HISTORIES)
@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("owner", ["a", "x"])
def test_a_history_row_outside_ones_view_is_a_404_like_a_missing_one(world, login, who, name, owner):
    row = world.rows[name][owner]
    client = login(world.user(who))

    response = client.get(_url(f"{name}-detail", row.pk))

    if OWNERS[owner] in SEES_EMPLOYEE[who]:
        assert response.status_code == 200
        assert response.json()["id"] == row.pk
    else:
        assert response.status_code == 404
        assert response.json() == client.get(_url(f"{name}-detail", 10**9)).json()


# --- Eligibility ----------------------------------------------------------------------------------------

# role → whose outlook it may read: it is on the profile's rank tab
SEES_OUTLOOK = SEES_EMPLOYEE


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("target", EMPLOYEES)
def test_an_outlook_answers_whoever_may_open_the_profile_and_404s_everyone_else(world, login, who, target):
    client = login(world.user(who))

    response = client.get(
        reverse("api-employee-eligibility", args=[world.employee(target).nip]), {"period": "2027-01-01"}
    )

    if target in SEES_OUTLOOK[who]:
        assert response.status_code == 200
        assert response.json()["nip"] == world.employee(target).nip
    else:
        assert response.status_code == 404
        unknown = client.get(reverse("api-employee-eligibility", args=["199001012020011999"]))
        assert response.json() == unknown.json()


@pytest.mark.parametrize("who", ROLES)
def test_an_outlook_hidden_from_a_role_is_a_404_even_for_a_bad_period(world, login, who):
    client = login(world.user(who))

    response = client.get(reverse("api-employee-eligibility", args=[world.city.outsider.nip]), {"period": "x"})

    assert response.status_code == (400 if "outsider" in SEES_OUTLOOK[who] else 404)


# role → whose candidacy it lists; the others get 403
LISTS_CANDIDATES = {
    "admin": set(EMPLOYEES),
    "operator": {"operator", "supervisor", "staff_a", "staff_b"},
    "operator_disdik": {"operator_disdik", "outsider", "teacher"},
}


@pytest.mark.parametrize("who", ROLES)
def test_the_candidates_are_for_bkpp_and_the_operators_of_their_opds(world, login, who):
    client = login(world.user(who))

    response = client.get(_url("eligibility-list"), {"period": "2027-01-01", "page_size": 100})
    other_opd = client.get(_url("eligibility-list"), {"period": "2027-01-01", "unit": "DISDIK"})

    if who in LISTS_CANDIDATES:
        assert response.status_code == 200
        expected = {world.employee(target).nip for target in LISTS_CANDIDATES[who]}
        assert {row["employee"]["nip"] for row in response.json()["results"]} == expected
        # Asking for another OPD's unit shows nothing more: an empty list for Dinkes' operator.
        expected_disdik = {world.city.outsider.nip, world.operator_disdik.nip, world.teacher.nip}
        assert {row["employee"]["nip"] for row in other_opd.json()["results"]} == (expected & expected_disdik)
    else:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"
        assert other_opd.status_code == 403


@pytest.mark.parametrize("who", ROLES)
def test_the_candidates_are_refused_before_the_period_is_read(world, login, who):
    client = login(world.user(who))

    response = client.get(_url("eligibility-list"), {"period": "2027-01-15"})

    assert response.status_code == (400 if who in LISTS_CANDIDATES else 403)


# --- Proposals: reading ----------------------------------------------------------------------------------

SEES_PROPOSALS = {
    "admin": {"a", "x"},
    "inspektur": set(),
    "operator": {"a"},
    "operator_disdik": {"x"},
    "supervisor": {"a"},  # their direct subordinate's
    "staff_a": {"a"},
    "staff_b": set(),
    "outsider": {"x"},
}


@pytest.mark.parametrize("who", ROLES)
def test_the_proposal_list_holds_only_what_a_role_may_see(world, login, who):
    client = login(world.user(who))

    response = client.get(_url("proposal-list"), {"page_size": 100})

    assert response.status_code == 200
    expected = {getattr(world, f"prop_{owner}").pk for owner in SEES_PROPOSALS[who]}
    assert {row["id"] for row in response.json()["results"]} == expected


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("owner", ["a", "x"])
def test_retrieving_a_proposal_outside_ones_view_is_a_404_like_a_missing_one(world, login, who, owner):
    proposal = getattr(world, f"prop_{owner}")
    client = login(world.user(who))

    response = client.get(_url("proposal-detail", proposal.pk))

    if owner in SEES_PROPOSALS[who]:
        assert response.status_code == 200
        assert response.json()["id"] == proposal.pk
    else:
        assert response.status_code == 404
        assert response.json() == client.get(_url("proposal-detail", 10**9)).json()


# --- Proposals: proposing ---------------------------------------------------------------------------------

PROPOSE_STAFF_B = {"admin": 201, "operator": 201}
PROPOSE_TEACHER = {"admin": 201, "operator_disdik": 201}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize(("target", "table"), [("staff_b", PROPOSE_STAFF_B), ("teacher", PROPOSE_TEACHER)])
def test_proposing_is_for_bkpp_and_the_operator_of_the_employees_opd(world, login, who, target, table):
    employee = world.employee(target)
    client = login(world.user(who))

    response = _post(client, _url("proposal-list"), {"employee_nip": employee.nip, "period": "2027-01-01"})

    expected = table.get(who, 403)
    assert response.status_code == expected, response.content
    assert PromotionProposal.objects.filter(employee=employee).exists() == (expected == 201)
    if expected == 403:
        assert response.json()["error"]["code"] == "permission_denied"


def test_nobody_proposes_themselves_and_an_unknown_nip_answers_the_same(world, login):
    skp_years(world.city.operator, [2025, 2026])
    client = login(world.city.operator.user)

    own = _post(client, _url("proposal-list"), {"employee_nip": world.city.operator.nip, "period": "2027-01-01"})
    unknown = _post(client, _url("proposal-list"), {"employee_nip": "199001012020011999", "period": "2027-01-01"})

    assert own.status_code == 403
    assert unknown.json() == own.json()
    assert not PromotionProposal.objects.filter(employee=world.city.operator).exists()


@pytest.mark.parametrize("who", ROLES)
def test_proposing_many_is_for_the_same_people(world, login, who):
    client = login(world.user(who))

    response = _post(
        client, _url("proposal-propose-many"), {"period": "2027-01-01", "employee_nips": [world.city.staff_b.nip]}
    )

    assert response.status_code == (200 if who in PROPOSE_STAFF_B else 403)
    assert PromotionProposal.objects.filter(employee=world.city.staff_b).exists() == (who in PROPOSE_STAFF_B)


# --- Proposals: the steps ------------------------------------------------------------------------------

# step on staff_a's proposal → role → status; the roles left out do not see it (404)
STEPS = {
    # waiting for the supervisor: BKPP returns only from its own steps, so it is the wrong moment
    "approve": ("proposed", {"supervisor": 200, "admin": 403, "operator": 403, "staff_a": 403}),
    "return": ("proposed", {"supervisor": 200, "admin": 400, "operator": 403, "staff_a": 403}),
    "withdraw": ("proposed", {"operator": 200, "admin": 200, "supervisor": 403, "staff_a": 403}),
    "resubmit": ("returned", {"operator": 200, "admin": 200, "supervisor": 403, "staff_a": 403}),
}
AFTER = {"approve": "supervisor_approved", "return": "returned", "withdraw": "withdrawn", "resubmit": "proposed"}


@pytest.mark.parametrize("what", STEPS)
@pytest.mark.parametrize("who", ROLES)
def test_the_steps_follow_the_permission_predicates(world, login, who, what):
    state, table = STEPS[what]
    if state == "returned":
        proposals.return_to_opd(world.prop_a, by=world.city.supervisor.user, reason="Lengkapi")
    client = login(world.user(who))

    response = _post(client, _url(f"proposal-{what}", world.prop_a.pk), {"reason": "Alasan tertulis."})

    expected = table.get(who, 404)
    assert response.status_code == expected, response.content
    if expected == 400:
        assert response.json()["error"]["code"] == "invalid_transition"
    world.prop_a.refresh_from_db()
    assert world.prop_a.state == (AFTER[what] if expected == 200 else state)


@pytest.mark.parametrize("who", ROLES)
def test_bkpp_takes_the_supervisors_step_when_there_is_no_supervisor(world, login, who):
    client = login(world.user(who))

    response = _post(client, _url("proposal-approve", world.prop_x.pk))

    expected = {"admin": 200, "operator_disdik": 403, "outsider": 403}.get(who, 404)
    assert response.status_code == expected
    world.prop_x.refresh_from_db()
    assert world.prop_x.state == ("supervisor_approved" if expected == 200 else "proposed")


def _approved(world, proposal):
    proposals.approve_as_supervisor(proposal, by=world.city.supervisor.user)


def _verified(world, proposal):
    _approved(world, proposal)
    proposals.verify(proposal, by=world.city.admin, documents=ALL_DOCUMENTS)


def _submitted(world, proposal):
    _verified(world, proposal)
    proposals.submit_to_bkn(proposal, by=world.city.admin, reference="KP-1")


BKPP_STEPS = {
    "verify": (_approved, {"documents": ALL_DOCUMENTS}, "verified"),
    "submit": (_verified, {"bkn_reference": "KP-9"}, "submitted"),
    "decree": (
        _submitted,
        {"decree_number": "823.3/9/BKPP", "decree_on": "2026-11-27", "tmt_on": "2027-01-01"},
        "approved",
    ),
    "reject": (_approved, {"reason": "Tidak memenuhi syarat"}, "rejected"),
}


@pytest.mark.parametrize("what", BKPP_STEPS)
@pytest.mark.parametrize("who", ROLES)
def test_verification_submission_decree_and_rejection_are_bkpps(world, login, who, what):
    before, data, after = BKPP_STEPS[what]
    before(world, world.prop_a)
    world.prop_a.refresh_from_db()
    state = world.prop_a.state
    client = login(world.user(who))

    response = _post(client, _url(f"proposal-{what}", world.prop_a.pk), data)

    assert response.status_code == (200 if who == "admin" else 403), response.content
    world.prop_a.refresh_from_db()
    assert world.prop_a.state == (after if who == "admin" else state)
    world.city.staff_a.refresh_from_db()
    assert world.city.staff_a.rank.code == ("III/b" if (who, what) == ("admin", "decree") else "III/a")


@pytest.mark.parametrize("what", BKPP_STEPS)
@pytest.mark.parametrize("who", ROLES)
def test_a_bkpp_step_is_403_before_the_proposal_or_its_input_is_read(world, login, who, what):
    client = login(world.user(who))

    response = _post(client, _url(f"proposal-{what}", 10**9), {"documents": "many"})

    assert response.status_code == (404 if who == "admin" else 403)


def test_a_bkpp_officer_does_not_take_bkpps_steps_on_their_own_promotion(world, login):
    officer = EmployeeFactory(unit=world.city.dinkes_bidang, name="Petugas BKPP", supervisor=world.city.supervisor)
    core_services.grant_role(officer.user, Role.ADMIN_BKPP, by=None)
    skp_years(officer, [2025, 2026])
    proposal = proposals.propose(officer, period_on=PERIOD, by=world.city.operator.user, documents=ALL_DOCUMENTS)
    proposals.approve_as_supervisor(proposal, by=world.city.supervisor.user)
    client = login(officer.user)

    own = _post(client, _url("proposal-verify", proposal.pk), {"documents": ALL_DOCUMENTS})
    by_another = _post(login(world.city.admin), _url("proposal-verify", proposal.pk), {"documents": ALL_DOCUMENTS})

    assert own.status_code == 403
    assert by_another.status_code == 200
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.VERIFIED


# --- Anonymous -----------------------------------------------------------------------------------------


def _anonymous_requests(world) -> list[tuple[str, str]]:
    pk = world.prop_a.pk
    reads = [_url(f"{name}-list") for name in HISTORIES]
    reads += [_url(f"{name}-detail", world.rows[name]["a"].pk) for name in HISTORIES]
    reads += [
        _url("eligibility-list") + "?period=2027-01-01",
        reverse("api-employee-eligibility", args=[world.city.staff_a.nip]),
        _url("proposal-list"),
        _url("proposal-detail", pk),
    ]
    writes = [_url("proposal-list"), _url("proposal-propose-many")]
    writes += [
        _url(f"proposal-{what}", pk)
        for what in ("approve", "return", "resubmit", "withdraw", "verify", "submit", "decree", "reject")
    ]
    return [("get", url) for url in reads] + [("post", url) for url in writes]


def test_an_anonymous_caller_gets_401_with_the_standard_error_body_everywhere(world, client):
    answers = {}
    for method, url in _anonymous_requests(world):
        response = getattr(client, method)(url, {}, content_type="application/json")
        answers[(method, url)] = (response.status_code, response.json()["error"]["code"])

    assert set(answers.values()) == {(401, "not_authenticated")}
    world.prop_a.refresh_from_db()
    assert world.prop_a.state == "proposed"
