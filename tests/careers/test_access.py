"""Who may open which careers page and take which step (issue 5): the access table for every
role — employee, supervisor, Operator OPD of the employee's OPD and of another OPD, Admin
BKPP, Inspektorat, anonymous — on every page and every step. Where a role may not, the answer
is 403 (the page exists for them but is not theirs), 404 (the record is not theirs to see)
or the sign-in page; never 200, never 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from asn_portal import services
from careers.models import PromotionProposal, ProposalState
from tests.careers.page_factories import ALL_DOCUMENTS, PERIOD, proposal_at, state_of
from tests.careers.test_pages import (  # noqa: F401  (fixtures)
    build_careers,
    english_pages,
    pinned_today_fixture,
)
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

P = ProposalState
ROLES = ("admin", "inspektur", "operator", "other_operator", "supervisor", "staff_a", "staff_b", "outsider")


@pytest.fixture
def people(city, pinned_today):
    """The city's people, one Operator OPD more (Dinas Pendidikan's), and the careers records
    of test_pages.build_careers (staff_a's proposal waits for the supervisor)."""
    other = EmployeeFactory(unit=city.disdik, name="Rudi Operator Disdik")
    services.grant_operator(other.user, city.disdik, by=city.admin)
    careers = build_careers(city)
    users = {who: city.user(who) for who in ROLES if who != "other_operator"}
    users["other_operator"] = other.user
    return users, careers


def _urls(city, careers) -> dict[str, str]:
    profile = reverse("portal:employee-detail", args=[city.staff_a.pk])
    urls = {
        "home": reverse("careers:home"),
        "my-outlook": reverse("careers:my-outlook"),
        "team": reverse("careers:team"),
        "candidates": reverse("careers:candidates"),
        "candidates-export": reverse("careers:candidates-export"),
        "proposal-list": reverse("careers:proposal-list"),
        "proposal-create": reverse("careers:proposal-create", args=[city.staff_b.pk]),
        "proposal-detail": reverse("careers:proposal-detail", args=[careers.proposal.pk]),
        "satyalancana": reverse("careers:satyalancana"),
        "satyalancana-export": reverse("careers:satyalancana-export"),
    }
    for slug in ("pangkat", "jabatan", "pendidikan", "skp", "penghargaan"):
        urls[f"tab-{slug}"] = f"{profile}?tab={slug}"
    return urls


def table(**codes) -> dict[str, int]:
    """An access row: every role refused with `default`, the named roles with their code."""
    default = codes.pop("default")
    return {**dict.fromkeys(ROLES, default), **codes}


EMPLOYEES = table(default=200, admin=403, inspektur=403)
HR = table(default=403, admin=200, operator=200, other_operator=200)
# staff_a's records: staff_a, their supervisor, their OPD's operator and BKPP.
STAFF_A = table(default=404, staff_a=200, supervisor=200, operator=200, admin=200)

ACCESS = {
    "home": table(default=302, inspektur=403),
    "my-outlook": EMPLOYEES,
    "team": table(default=403, supervisor=200),
    "candidates": HR,
    "candidates-export": HR,
    "proposal-list": HR,
    # staff_b (Dinkes): BKPP and Dinkes' operator; Disdik's operator does not find them.
    "proposal-create": table(default=403, admin=200, operator=200, other_operator=404),
    "proposal-detail": STAFF_A,
    "satyalancana": table(default=403, admin=200),
    "satyalancana-export": table(default=403, admin=200),
    # Whoever may open staff_a's profile sees the tabs (the Inspektorat reads every profile).
    **{
        f"tab-{slug}": {**STAFF_A, "inspektur": 200}
        for slug in ("pangkat", "jabatan", "pendidikan", "skp", "penghargaan")
    },
}


@pytest.mark.parametrize("page_name", sorted(ACCESS))
@pytest.mark.parametrize("who", ROLES)
def test_each_role_gets_exactly_the_careers_pages_it_needs(city, client, people, page_name, who):
    users, careers = people
    client.force_login(users[who])

    response = client.get(_urls(city, careers)[page_name])

    assert response.status_code == ACCESS[page_name][who]


@pytest.mark.parametrize("page_name", sorted(ACCESS))
def test_an_anonymous_visitor_is_sent_to_sign_in(city, client, people, page_name):
    _users, careers = people

    response = client.get(_urls(city, careers)[page_name])

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# ---------------------------------------------------------------------------------------------
# The steps
# ---------------------------------------------------------------------------------------------

# step: (the state it starts from, the form data, who may take it)
DECREE = {"decree_number": "B-1/KP/2026", "decree_on": "2026-12-20", "tmt_on": PERIOD.isoformat(), "rank": "11"}
SUPERVISOR_STEP = table(default=404, supervisor=302, staff_a=403, operator=403, admin=403)
BKPP_STEP = table(default=404, admin=302, staff_a=403, supervisor=403, operator=403)
OPD_STEP = table(default=404, admin=302, operator=302, staff_a=403, supervisor=403)
STEPS = {
    "approve": (P.PROPOSED, {}, SUPERVISOR_STEP),
    "return": (P.PROPOSED, {"return-reason": "Lengkapi SKP"}, SUPERVISOR_STEP),
    "verify": (P.SUPERVISOR_APPROVED, {"documents": "*"}, BKPP_STEP),
    "submit": (P.VERIFIED, {"bkn_reference": "KP-2026-1"}, BKPP_STEP),
    "decree": (P.SUBMITTED, DECREE, BKPP_STEP),
    "reject": (P.SUPERVISOR_APPROVED, {"reject-reason": "Tidak lengkap"}, BKPP_STEP),
    "resubmit": (P.RETURNED, {}, OPD_STEP),
    "withdraw": (P.PROPOSED, {"withdraw-reason": "Salah usul"}, OPD_STEP),
}


def _at(city, careers, state):
    """staff_a's proposal (already proposed by the fixture) moved on to `state`."""
    proposal = careers.proposal
    if state == P.PROPOSED:
        return proposal
    PromotionProposal.objects.filter(pk=proposal.pk).delete()
    return proposal_at(
        state, careers.staff_a, proposer=city.operator.user, bkpp=city.admin, supervisor_user=city.supervisor.user
    )


@pytest.mark.parametrize("step", sorted(STEPS))
@pytest.mark.parametrize("who", ROLES)
def test_each_role_takes_exactly_its_own_steps(city, client, people, step, who):
    users, careers = people
    state, data, allowed = STEPS[step]
    proposal = _at(city, careers, state)
    if data.get("documents") == "*":
        data = {"documents": list(proposal.documents)}
    client.force_login(users[who])

    response = client.post(reverse(f"careers:proposal-{step}", args=[proposal.pk]), data)

    assert response.status_code == allowed[who]
    if allowed[who] != 302:
        assert state_of(proposal) == state


@pytest.mark.parametrize("step", sorted(STEPS))
def test_an_anonymous_visitor_takes_no_step(city, client, people, step):
    _users, careers = people

    response = client.post(reverse(f"careers:proposal-{step}", args=[careers.proposal.pk]), {})

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert state_of(careers.proposal) == P.PROPOSED


@pytest.mark.parametrize("who", ROLES)
def test_only_hr_proposes_from_the_candidates_list(city, client, people, who):
    users, _careers = people
    client.force_login(users[who])

    response = client.post(
        reverse("careers:candidates-propose"), {"period": PERIOD.isoformat(), "employees": [city.outsider.pk]}
    )

    may = who in ("admin", "operator", "other_operator")
    assert response.status_code == (302 if may else 403)
    # Dinkes' operator may tick Disdik's outsider but proposes nothing for them.
    assert PromotionProposal.objects.filter(employee=city.outsider).exists() == (who in ("admin", "other_operator"))


@pytest.mark.parametrize("who", ROLES)
def test_only_the_employee_s_opd_and_bkpp_propose_one_employee(city, client, people, who):
    users, _careers = people
    client.force_login(users[who])

    response = client.post(
        reverse("careers:proposal-create", args=[city.outsider.pk]),
        {"period": PERIOD.isoformat(), "documents": ["sk_cpns"]},
    )

    expected = {"admin": 302, "other_operator": 302, "operator": 404}.get(who, 403)
    assert response.status_code == expected
    assert PromotionProposal.objects.filter(employee=city.outsider).exists() == (expected == 302)


def test_nobody_proposes_their_own_promotion(city, client, people):
    users, _careers = people
    client.force_login(users["operator"])

    response = client.get(reverse("careers:proposal-create", args=[city.operator.pk]))

    assert response.status_code == 403


def test_bkpp_takes_the_supervisor_s_step_when_there_is_no_supervisor(city, client, people):
    users, careers = people
    proposal = proposal_at(P.PROPOSED, careers.outsider, proposer=city.admin, bkpp=city.admin)
    client.force_login(users["admin"])

    response = client.post(reverse("careers:proposal-approve", args=[proposal.pk]))

    assert response.status_code == 302
    assert state_of(proposal) == P.SUPERVISOR_APPROVED


def test_bkpp_cannot_take_the_step_of_a_supervisor_who_can_sign_in(city, client, people):
    users, careers = people
    client.force_login(users["admin"])

    response = client.get(reverse("careers:proposal-detail", args=[careers.proposal.pk]))

    assert response.context["can"]["approve"] is False
    assert 'data-testid="approve-form"' not in response.content.decode()


def test_a_step_from_the_wrong_state_is_answered_403_and_changes_nothing(city, client, people):
    users, careers = people
    client.force_login(users["admin"])

    response = client.post(reverse("careers:proposal-verify", args=[careers.proposal.pk]), {"documents": ALL_DOCUMENTS})

    assert response.status_code == 403
    assert state_of(careers.proposal) == P.PROPOSED


@pytest.mark.parametrize("who", ["operator", "admin"])
def test_the_operator_and_bkpp_see_their_actions_on_the_proposal_page(city, client, people, who):
    users, careers = people
    client.force_login(users[who])

    response = client.get(reverse("careers:proposal-detail", args=[careers.proposal.pk]))

    assert response.context["can"]["withdraw"] is True
    assert 'data-testid="withdraw-form"' in response.content.decode()
