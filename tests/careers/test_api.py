"""Careers API v1: the histories, the eligibility of many for a period and the explanation for
one, the proposal workflow through the API (every step, every forbidden step with its code and
nothing written), bad input, filters, pagination, query counts and the schema. Who may do what
is in test_api_access.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from asn_portal.models import EducationLevel, Employee, EmploymentType, Jenjang, PositionKind
from careers import history, periods
from careers.models import (
    Award,
    AwardKind,
    CreditAssessment,
    DocumentKind,
    EducationHistory,
    ExamKind,
    ExamResult,
    Innovation,
    PerformanceRating,
    PositionHistory,
    Predikat,
    PromotionProposal,
    ProposalEvent,
    RankEntryKind,
    RankHistory,
)
from tests.careers.factories import (
    TODAY,
    appoint,
    award,
    diploma,
    exam,
    pak,
    position_history,
    rank,
    rank_history,
    skp_years,
)
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

# TODAY (28 November 2026) is in the window of TMT 1 January 2027 (16 November – 15 December),
# whose SKP years are 2025 and 2026.
PERIOD = dt.date(2027, 1, 1)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ALL_DOCUMENTS = [kind.value for kind in DocumentKind]


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """The API's "today", pinned; call it to move the day."""

    def pin(day: dt.date = TODAY) -> dt.date:
        monkeypatch.setattr("careers.api.local_today", lambda: day)
        return day

    pin(TODAY)
    return pin


def _post(client, url, data=None, **headers):
    return client.post(url, data or {}, content_type="application/json", **headers)


def _error(response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def _field_codes(response) -> dict[str, list[str]]:
    return {name: [item["code"] for item in items] for name, items in response.json()["error"]["fields"].items()}


def _url(name, *args) -> str:
    return reverse(f"api-careers-{name}", args=args)


def _outlook_url(employee) -> str:
    return reverse("api-employee-eligibility", args=[employee.nip])


def _ready(*employees) -> None:
    """SKP Baik in 2025 and 2026: with III/a since 2020 and an S1, eligible for III/b on PERIOD."""
    for employee in employees:
        skp_years(employee, [2025, 2026])


def _state(proposal_or_id) -> str:
    pk = getattr(proposal_or_id, "pk", proposal_or_id)
    return PromotionProposal.objects.get(pk=pk).state


# --- The workflow through the API -----------------------------------------------------------------


def _propose(client, employee, **extra) -> dict:
    response = _post(
        client,
        _url("proposal-list"),
        {"employee_nip": employee.nip, "period": PERIOD.isoformat(), "documents": ALL_DOCUMENTS, **extra},
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_propose_approve_verify_submit_and_decree_promote_the_employee(city, login):
    _ready(city.staff_a)

    proposed = _propose(login(city.operator.user), city.staff_a)
    pk = proposed["id"]
    approved = _post(login(city.supervisor.user), _url("proposal-approve", pk), {"note": "Layak"})
    bkpp = login(city.admin)
    verified = _post(bkpp, _url("proposal-verify", pk), {"documents": ALL_DOCUMENTS})
    submitted = _post(bkpp, _url("proposal-submit", pk), {"bkn_reference": "KP-2026-12-0042"})
    decreed = _post(
        bkpp,
        _url("proposal-decree", pk),
        {
            "decree_number": "823.3/1201/BKPP/2026",
            "decree_on": "2026-11-25",
            "tmt_on": "2027-01-01",
            "service_years": 6,
            "service_months": 10,
        },
    )

    assert (proposed["state"], proposed["kind"], proposed["period_on"]) == ("proposed", "reguler", "2027-01-01")
    assert (proposed["from_rank"]["code"], proposed["to_rank"]["code"]) == ("III/a", "III/b")
    assert proposed["eligibility"]["eligible"] is True
    assert proposed["opd"]["code"] == "DINKES"
    assert proposed["proposed_by"] == city.operator.user.username
    assert [(d["code"], d["present"]) for d in proposed["documents"]] == [
        ("sk_cpns", True),
        ("sk_pns", True),
        ("sk_pangkat", True),
        ("skp", True),
        ("ijazah", True),
    ]
    assert (approved.status_code, approved.json()["state"]) == (200, "supervisor_approved")
    assert (verified.status_code, verified.json()["state"]) == (200, "verified")
    assert (submitted.json()["state"], submitted.json()["bkn_reference"]) == ("submitted", "KP-2026-12-0042")
    assert decreed.status_code == 200
    body = decreed.json()
    assert (body["state"], body["decree_number"], body["decree_on"]) == (
        "approved",
        "823.3/1201/BKPP/2026",
        "2026-11-25",
    )
    assert [(e["from_state"], e["to_state"], e["by"]) for e in body["events"]] == [
        (None, "proposed", city.operator.user.username),
        ("proposed", "supervisor_approved", city.supervisor.user.username),
        ("supervisor_approved", "verified", city.admin.username),
        ("verified", "submitted", city.admin.username),
        ("submitted", "approved", city.admin.username),
    ]
    assert body["events"][1]["reason"] == "Layak"
    entry = RankHistory.objects.get(employee=city.staff_a)
    assert (entry.service_years, entry.service_months) == (6, 10)
    assert (entry.rank.code, entry.tmt_on, entry.kind, entry.decree_number) == (
        "III/b",
        PERIOD,
        "reguler",
        "823.3/1201/BKPP/2026",
    )
    city.staff_a.refresh_from_db()
    assert (city.staff_a.rank.code, city.staff_a.rank_tmt_on) == ("III/b", PERIOD)


def test_a_returned_proposal_is_corrected_resubmitted_and_withdrawn(city, login):
    _ready(city.staff_a)
    operator = login(city.operator.user)
    pk = _propose(operator, city.staff_a, documents=["sk_cpns"])["id"]

    returned = _post(login(city.supervisor.user), _url("proposal-return", pk), {"reason": "SKP 2025 belum dilampirkan"})
    operator = login(city.operator.user)
    resubmitted = _post(operator, _url("proposal-resubmit", pk), {"documents": ["sk_cpns", "skp"]})
    approved = _post(login(city.supervisor.user), _url("proposal-approve", pk))
    by_bkpp = _post(login(city.admin), _url("proposal-return", pk), {"reason": "Ijazah belum dilegalisir"})
    withdrawn = _post(login(city.operator.user), _url("proposal-withdraw", pk), {"reason": "Pegawai pindah"})

    assert (returned.json()["state"], returned.json()["events"][-1]["reason"]) == (
        "returned",
        "SKP 2025 belum dilampirkan",
    )
    assert resubmitted.json()["state"] == "proposed"
    assert {d["code"] for d in resubmitted.json()["documents"] if d["present"]} == {"sk_cpns", "skp"}
    assert approved.json()["state"] == "supervisor_approved"
    assert by_bkpp.json()["state"] == "returned"
    assert (withdrawn.status_code, withdrawn.json()["state"]) == (200, "withdrawn")
    assert [e["to_state"] for e in withdrawn.json()["events"]] == [
        "proposed",
        "returned",
        "proposed",
        "supervisor_approved",
        "returned",
        "withdrawn",
    ]


def test_bkpp_records_that_bkn_returned_a_proposal(city, login):
    _ready(city.staff_a)
    pk = _propose(login(city.operator.user), city.staff_a)["id"]
    _post(login(city.supervisor.user), _url("proposal-approve", pk))
    bkpp = login(city.admin)
    _post(bkpp, _url("proposal-verify", pk), {"documents": ALL_DOCUMENTS})
    _post(bkpp, _url("proposal-submit", pk), {"bkn_reference": "KP-7"})

    response = _post(bkpp, _url("proposal-return", pk), {"reason": "BKN: SK jabatan tidak terbaca"})

    assert (response.status_code, response.json()["state"]) == (200, "returned")
    assert response.json()["events"][-1]["reason"] == "BKN: SK jabatan tidak terbaca"


def test_bkpp_rejects_a_proposal_with_a_reason(city, login):
    _ready(city.staff_a)
    pk = _propose(login(city.operator.user), city.staff_a)["id"]
    _post(login(city.supervisor.user), _url("proposal-approve", pk))
    client = login(city.admin)

    without = _post(client, _url("proposal-reject", pk), {"reason": " "})
    rejected = _post(client, _url("proposal-reject", pk), {"reason": "Masa kerja belum cukup menurut BKN"})

    assert _error(without) == (400, "reason_required")
    assert _field_codes(without) == {"reason": ["reason_required"]}
    assert (rejected.json()["state"], rejected.json()["events"][-1]["reason"]) == (
        "rejected",
        "Masa kerja belum cukup menurut BKN",
    )


def test_a_rejected_proposal_makes_room_for_a_new_one_in_the_same_period(city, login):
    _ready(city.staff_a)
    first = _propose(login(city.operator.user), city.staff_a)["id"]
    _post(login(city.supervisor.user), _url("proposal-approve", first))
    _post(login(city.admin), _url("proposal-reject", first), {"reason": "Berkas tidak lengkap"})

    again = _propose(login(city.operator.user), city.staff_a)

    assert again["id"] != first
    assert again["state"] == "proposed"


# --- Forbidden steps: a 400 with its code, nothing written ---------------------------------------------

# the steps that bring staff_a's proposal to a state, each (role, action, data)
TO_STATE = {
    "proposed": [],
    "supervisor_approved": [("supervisor", "approve", {})],
    "verified": [("supervisor", "approve", {}), ("admin", "verify", {"documents": ALL_DOCUMENTS})],
    "submitted": [
        ("supervisor", "approve", {}),
        ("admin", "verify", {"documents": ALL_DOCUMENTS}),
        ("admin", "submit", {"bkn_reference": "KP-1"}),
    ],
    "returned": [("supervisor", "return", {"reason": "Lengkapi berkas"})],
    "withdrawn": [("operator", "withdraw", {"reason": "Batal"})],
    "rejected": [("supervisor", "approve", {}), ("admin", "reject", {"reason": "Tidak memenuhi"})],
}
DECREE = {"decree_number": "823.3/1/BKPP", "decree_on": "2026-11-25", "tmt_on": "2027-01-01"}


def _proposal_in(city, login, state: str) -> int:
    _ready(city.staff_a)
    pk = _propose(login(city.operator.user), city.staff_a)["id"]
    for who, what, data in TO_STATE[state]:
        response = _post(login(city.user(who)), _url(f"proposal-{what}", pk), data)
        assert response.status_code == 200, response.content
    assert _state(pk) == state
    return pk


def _written(pk: int) -> tuple:
    proposal = PromotionProposal.objects.get(pk=pk)
    return (
        proposal.state,
        proposal.documents,
        proposal.bkn_reference,
        proposal.decree_number,
        ProposalEvent.objects.filter(proposal_id=pk).count(),
        RankHistory.objects.count(),
        list(Employee.objects.order_by("pk").values_list("rank_id", "rank_tmt_on")),
    )


@pytest.mark.parametrize(
    ("state", "who", "what", "data"),
    [
        ("proposed", "admin", "verify", {"documents": ALL_DOCUMENTS}),
        ("proposed", "admin", "submit", {"bkn_reference": "KP-1"}),
        ("proposed", "admin", "decree", DECREE),
        ("proposed", "admin", "reject", {"reason": "x"}),
        ("proposed", "operator", "resubmit", {}),
        ("supervisor_approved", "supervisor", "approve", {}),
        ("supervisor_approved", "supervisor", "return", {"reason": "x"}),
        ("supervisor_approved", "admin", "submit", {"bkn_reference": "KP-1"}),
        ("supervisor_approved", "admin", "decree", DECREE),
        ("verified", "admin", "verify", {"documents": ALL_DOCUMENTS}),
        ("verified", "admin", "decree", DECREE),
        ("verified", "operator", "withdraw", {"reason": "x"}),
        ("submitted", "operator", "resubmit", {}),
        ("submitted", "admin", "submit", {"bkn_reference": "KP-2"}),
        ("returned", "supervisor", "approve", {}),
        ("returned", "admin", "verify", {"documents": ALL_DOCUMENTS}),
        ("returned", "admin", "reject", {"reason": "x"}),
        ("withdrawn", "operator", "withdraw", {"reason": "x"}),
        ("withdrawn", "operator", "resubmit", {}),
        ("withdrawn", "supervisor", "approve", {}),
        ("withdrawn", "admin", "verify", {"documents": ALL_DOCUMENTS}),
        ("rejected", "operator", "withdraw", {"reason": "x"}),
        ("rejected", "admin", "decree", DECREE),
        ("rejected", "admin", "return", {"reason": "x"}),
    ],
)
def test_a_step_out_of_order_is_refused_with_invalid_transition(city, login, state, who, what, data):
    pk = _proposal_in(city, login, state)
    before = _written(pk)
    client = login(city.user(who))

    response = _post(client, _url(f"proposal-{what}", pk), data, **EN)

    assert _error(response) == (400, "invalid_transition")
    assert _field_codes(response) == {"state": ["invalid_transition"]}
    assert "that step is not possible now" in response.json()["error"]["message"]
    assert _written(pk) == before


def test_a_decreed_proposal_takes_no_further_step(city, login):
    pk = _proposal_in(city, login, "submitted")
    _post(login(city.admin), _url("proposal-decree", pk), DECREE)
    before = _written(pk)

    steps = [
        _post(login(city.admin), _url("proposal-decree", pk), DECREE),
        _post(login(city.admin), _url("proposal-reject", pk), {"reason": "x"}),
        _post(login(city.operator.user), _url("proposal-withdraw", pk), {"reason": "x"}),
    ]

    assert [_error(response) for response in steps] == [(400, "invalid_transition")] * 3
    assert _written(pk) == before


def test_a_decree_whose_tmt_is_not_a_period_is_refused_and_nothing_is_written(city, login):
    pk = _proposal_in(city, login, "submitted")
    before = _written(pk)
    client = login(city.admin)

    response = _post(client, _url("proposal-decree", pk), {**DECREE, "tmt_on": "2027-01-15"}, **EN)

    assert _error(response) == (400, "not_a_period")
    assert _field_codes(response) == {"tmt_on": ["not_a_period"]}
    assert "next period is 1 February 2027" in response.json()["error"]["message"]
    assert _written(pk) == before
    assert not RankHistory.objects.exists()


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"decree_number": "  "}, "decree_number_required", "decree_number"),
        ({"rank_code": "III/a"}, "rank_not_higher", "rank_code"),
        ({"rank_code": "V/a"}, "validation_error", "rank_code"),
        ({"tmt_on": None}, "validation_error", "tmt_on"),
        ({"decree_on": "kemarin"}, "validation_error", "decree_on"),
        ({"service_months": 12}, "validation_error", "service_months"),
        ({"service_years": -1}, "validation_error", "service_years"),
    ],
)
def test_a_bad_decree_is_a_400_naming_the_field_and_nothing_is_written(city, login, data, code, field):
    pk = _proposal_in(city, login, "submitted")
    before = _written(pk)
    client = login(city.admin)

    response = _post(client, _url("proposal-decree", pk), {**DECREE, **data})

    assert _error(response) == (400, code)
    assert list(_field_codes(response)) == [field]
    assert _written(pk) == before


def test_bkn_may_grant_another_rank_than_the_one_proposed(city, login):
    pk = _proposal_in(city, login, "submitted")

    response = _post(login(city.admin), _url("proposal-decree", pk), {**DECREE, "rank_code": "III/c"})

    assert response.json()["to_rank"]["code"] == "III/c"
    city.staff_a.refresh_from_db()
    assert city.staff_a.rank.code == "III/c"


def test_an_incomplete_dossier_is_not_verified_and_the_checklist_stays(city, login):
    pk = _proposal_in(city, login, "supervisor_approved")
    before = _written(pk)
    client = login(city.admin)

    response = _post(client, _url("proposal-verify", pk), {"documents": ["sk_cpns", "sk_pns"]})

    assert _error(response) == (400, "documents_missing")
    assert _field_codes(response) == {"documents": ["documents_missing"]}
    assert _written(pk) == before


def test_sending_to_bkn_needs_the_reference(city, login):
    pk = _proposal_in(city, login, "verified")
    before = _written(pk)

    response = _post(login(city.admin), _url("proposal-submit", pk), {"bkn_reference": ""})

    assert _error(response) == (400, "reference_required")
    assert _field_codes(response) == {"bkn_reference": ["reference_required"]}
    assert _written(pk) == before


@pytest.mark.parametrize(("who", "what"), [("supervisor", "return"), ("operator", "withdraw")])
def test_returning_and_withdrawing_need_a_reason(city, login, who, what):
    pk = _proposal_in(city, login, "proposed")
    before = _written(pk)

    response = _post(login(city.user(who)), _url(f"proposal-{what}", pk), {})

    assert _error(response) == (400, "reason_required")
    assert _written(pk) == before


# --- Proposing: bad input --------------------------------------------------------------------------


def _nothing_proposed() -> tuple:
    return PromotionProposal.objects.count(), ProposalEvent.objects.count()


def test_proposing_for_a_date_that_is_not_a_period_is_refused(city, login):
    _ready(city.staff_a)
    client = login(city.operator.user)

    response = _post(client, _url("proposal-list"), {"employee_nip": city.staff_a.nip, "period": "2027-01-15"})

    assert _error(response) == (400, "not_a_period")
    assert _field_codes(response) == {"period": ["not_a_period"]}
    assert _nothing_proposed() == (0, 0)


def test_an_operator_proposes_only_inside_the_periods_window_and_bkpp_after_it(city, login):
    skp_years(city.staff_a, [2024, 2025, 2026])  # eligible for December 2026 and January 2027
    late = {"employee_nip": city.staff_a.nip, "period": "2026-12-01"}  # closed on 15 November
    early = {"employee_nip": city.staff_a.nip, "period": "2027-02-01"}  # opens on 16 December

    closed = _post(login(city.operator.user), _url("proposal-list"), late, **EN)
    not_yet = _post(login(city.operator.user), _url("proposal-list"), early, **EN)
    by_bkpp = _post(login(city.admin), _url("proposal-list"), late)

    assert _error(closed) == (400, "window_closed")
    assert _field_codes(closed) == {"period": ["window_closed"]}
    assert "closed on 15 November 2026" in closed.json()["error"]["message"]
    assert _error(not_yet) == (400, "window_closed")
    assert "open on 16 December 2026" in not_yet.json()["error"]["message"]
    assert (by_bkpp.status_code, by_bkpp.json()["period_on"]) == (201, "2026-12-01")
    assert PromotionProposal.objects.count() == 1


def test_proposing_twice_for_a_period_is_refused(city, login):
    _ready(city.staff_a)
    _propose(login(city.operator.user), city.staff_a)
    before = _nothing_proposed()

    again = _post(
        login(city.admin), _url("proposal-list"), {"employee_nip": city.staff_a.formatted_nip, "period": "2027-01-01"}
    )

    assert _error(again) == (400, "already_proposed")
    assert _field_codes(again) == {"employee_nip": ["already_proposed"]}
    assert _nothing_proposed() == before


def test_only_bkpp_proposes_someone_not_eligible_and_only_with_a_reason(city, login):
    payload = {"employee_nip": city.staff_b.nip, "period": "2027-01-01"}  # no SKP: not eligible

    by_operator = _post(login(city.operator.user), _url("proposal-list"), payload)
    bkpp = login(city.admin)
    without_reason = _post(bkpp, _url("proposal-list"), payload)
    with_reason = _post(bkpp, _url("proposal-list"), {**payload, "override_reason": "SKP 2024 hilang di e-Kinerja"})

    assert _error(by_operator) == (400, "not_eligible")
    assert _field_codes(by_operator) == {"employee_nip": ["not_eligible"]}
    assert _error(without_reason) == (400, "override_reason_required")
    assert with_reason.status_code == 201
    body = with_reason.json()
    assert (body["override_reason"], body["eligibility"]["eligible"]) == ("SKP 2024 hilang di e-Kinerja", False)
    assert [c["code"] for c in body["eligibility"]["criteria"] if not c["ok"]] == ["performance"]
    assert PromotionProposal.objects.count() == 1


def test_a_pppk_cannot_be_proposed(city, login):
    pppk = EmployeeFactory(unit=city.dinkes_bidang, employment_type=EmploymentType.PPPK)

    response = _post(login(city.admin), _url("proposal-list"), {"employee_nip": pppk.nip, "period": "2027-01-01"})

    assert _error(response) == (400, "not_pns")
    assert _nothing_proposed() == (0, 0)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"period": "2027-01-01"}, "employee_nip"),
        ({"employee_nip": "x"}, "period"),
        ({"employee_nip": "x", "period": "1-12-2026"}, "period"),
        ({"employee_nip": "x", "period": "2027-01-01", "documents": ["ktp"]}, "documents.0"),
    ],
)
def test_a_proposal_without_its_fields_is_a_validation_error(city, login, payload, field):
    response = _post(login(city.operator.user), _url("proposal-list"), payload)

    assert _error(response) == (400, "validation_error")
    assert list(_field_codes(response)) == [field]
    assert _nothing_proposed() == (0, 0)


def test_propose_many_proposes_the_eligible_and_explains_the_others(city, login):
    _ready(city.staff_a)
    client = login(city.operator.user)

    response = _post(
        client,
        _url("proposal-propose-many"),
        {"period": "2027-01-01", "employee_nips": [city.staff_a.formatted_nip, city.staff_b.nip, city.staff_a.nip]},
        **EN,
    )

    assert response.status_code == 200
    body = response.json()
    assert [(p["employee"]["nip"], p["state"]) for p in body["proposed"]] == [(city.staff_a.nip, "proposed")]
    assert [(r["employee"]["nip"], r["code"]) for r in body["refused"]] == [(city.staff_b.nip, "not_eligible")]
    assert "not eligible" in body["refused"][0]["message"]
    assert PromotionProposal.objects.count() == 1


def test_propose_many_with_someone_of_another_opd_refuses_everyone(city, login):
    _ready(city.staff_a, city.outsider)
    client = login(city.operator.user)

    response = _post(
        client,
        _url("proposal-propose-many"),
        {"period": "2027-01-01", "employee_nips": [city.staff_a.nip, city.outsider.nip]},
    )
    bad_period = _post(
        client, _url("proposal-propose-many"), {"period": "2027-01-02", "employee_nips": [city.staff_a.nip]}
    )
    empty = _post(client, _url("proposal-propose-many"), {"period": "2027-01-01", "employee_nips": []})

    assert _error(response) == (403, "permission_denied")
    assert _error(bad_period) == (400, "not_a_period")
    assert _field_codes(empty) == {"employee_nips": ["min_length"]}
    assert _nothing_proposed() == (0, 0)


# --- Proposals: list, filters, detail ---------------------------------------------------------------


def test_the_proposal_list_filters_by_period_state_kind_employee_and_opd(city, login):
    _ready(city.staff_a, city.staff_b, city.outsider)
    bkpp = login(city.admin)
    a = _propose(bkpp, city.staff_a)["id"]
    b = _propose(bkpp, city.staff_b)["id"]
    x = _propose(bkpp, city.outsider)["id"]
    _post(login(city.supervisor.user), _url("proposal-approve", b))
    client = login(city.admin)

    def ids(**params):
        response = client.get(_url("proposal-list"), params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids() == {a, b, x}
    assert ids(period="2027-01-01") == {a, b, x}
    assert ids(period="2027-02-01") == set()
    assert ids(state="proposed") == {a, x}
    assert ids(state="supervisor_approved") == {b}
    assert ids(kind="reguler") == {a, b, x}
    assert ids(employee=city.staff_a.formatted_nip) == {a}
    assert ids(opd=city.disdik.pk) == {x}
    assert _error(client.get(_url("proposal-list"), {"state": "lulus"})) == (400, "validation_error")
    assert _error(client.get(_url("proposal-list"), {"period": "desember"})) == (400, "validation_error")


def test_a_supervisors_inbox_is_the_proposed_proposals_of_their_staff(city, login):
    _ready(city.staff_a, city.staff_b)
    operator = login(city.operator.user)
    a = _propose(operator, city.staff_a)["id"]
    b = _propose(operator, city.staff_b)["id"]
    _post(login(city.supervisor.user), _url("proposal-approve", b))
    client = login(city.supervisor.user)

    response = client.get(_url("proposal-list"), {"state": "proposed"})

    assert [row["id"] for row in response.json()["results"]] == [a]


def test_a_proposal_shows_the_explanation_stored_when_it_was_made(city, login):
    _ready(city.staff_a)
    pk = _propose(login(city.operator.user), city.staff_a)["id"]
    PerformanceRating.objects.filter(employee=city.staff_a).delete()  # the data changes afterwards

    body = login(city.staff_a.user).get(_url("proposal-detail", pk)).json()

    stored = body["eligibility"]
    assert (stored["eligible"], stored["period"], stored["current_rank"], stored["target_rank"]) == (
        True,
        "2027-01-01",
        "III/a",
        "III/b",
    )
    assert stored["rule_version"] == body["rule_version"]
    assert all(c["ok"] for c in stored["criteria"])
    assert {"employment", "status", "time", "performance", "ceiling", "integrity"} <= {
        c["code"] for c in stored["criteria"]
    }


@pytest.mark.parametrize("pk", ["0", "abc", "1.5", str(2**63)])
def test_an_unusable_proposal_id_is_a_404_with_the_standard_body(city, login, pk):
    client = login(city.admin)

    response = client.get(f"/api/v1/careers/proposals/{pk}/")

    assert _error(response) == (404, "not_found")


# --- Eligibility of many -----------------------------------------------------------------------------


def _candidates(client, **params) -> list[dict]:
    response = client.get(_url("eligibility-list"), {"page_size": 100, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_the_candidates_of_a_unit_for_a_period_with_every_criterion(city, login):
    _ready(city.staff_a)
    client = login(city.admin)

    rows = _candidates(client, period="2027-01-01", unit="DINKES")

    assert [row["employee"]["nip"] for row in rows] == [
        e.nip
        for e in sorted([city.operator, city.supervisor, city.staff_a, city.staff_b], key=lambda e: (e.name, e.pk))
    ]
    by_nip = {row["employee"]["nip"]: row for row in rows}
    eligible = by_nip[city.staff_a.nip]
    assert (eligible["is_eligible"], eligible["promotion_kind"], eligible["failing"]) == (True, "reguler", [])
    assert (eligible["rank"]["code"], eligible["target_rank"]["code"]) == ("III/a", "III/b")
    assert (eligible["unit"]["code"], eligible["opd"]["code"]) == ("DINKES-P2P", "DINKES")
    assert set(eligible["criteria"]) == {
        "employment",
        "status",
        "time",
        "performance",
        "ceiling",
        "credit",
        "exam",
        "ukppi",
        "integrity",
    }
    assert all(eligible["criteria"].values())
    assert eligible["proposal"] is None
    not_yet = by_nip[city.staff_b.nip]
    assert (not_yet["is_eligible"], not_yet["failing"], not_yet["criteria"]["performance"]) == (
        False,
        ["performance"],
        False,
    )


@pytest.fixture
def mixed(city):
    """The city's employees by name: staff_a eligible; the others without SKP, except a
    newcomer whose time in rank is not met yet; and a PPPK."""
    _ready(city.staff_a)
    newcomer = EmployeeFactory(
        unit=city.dinkes_bidang, name="Aditya Baru", rank_tmt_on=dt.date(2024, 4, 1), supervisor=city.supervisor
    )
    _ready(newcomer)
    pppk = EmployeeFactory(unit=city.dinkes, name="Putri PPPK", employment_type=EmploymentType.PPPK)
    people = {name: getattr(city, name) for name in ("operator", "supervisor", "staff_a", "staff_b", "outsider")}
    return {**people, "newcomer": newcomer, "pppk": pppk}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"eligible": "true"}, {"staff_a"}),
        ({"eligible": "false", "unit": "DINKES-P2P", "fails": "performance"}, {"supervisor", "staff_b"}),
        ({"fails": "time"}, {"newcomer"}),
        ({"only_failing": "time"}, {"newcomer"}),
        ({"only_failing": "performance", "unit": "DINKES"}, {"operator", "supervisor", "staff_b"}),
        ({"fails": "employment"}, set()),  # CPNS and PPPK are not candidates at all
        ({"kind": "reguler", "eligible": "true"}, {"staff_a"}),
        ({"kind": "pilihan_fungsional"}, set()),
        ({"employee": "__staff_a_formatted__"}, {"staff_a"}),
        ({"q": "Aditya"}, {"newcomer"}),
        ({"unit": "DISDIK"}, {"outsider"}),
        ({"unit": "DISDIK", "eligible": "true"}, set()),
    ],
)
def test_the_candidates_filter_by_unit_verdict_kind_criterion_and_name(city, login, mixed, params, expected):
    params = {k: (city.staff_a.formatted_nip if v == "__staff_a_formatted__" else v) for k, v in params.items()}
    client = login(city.admin)

    rows = _candidates(client, period="2027-01-01", **params)

    by_nip = {employee.nip: name for name, employee in mixed.items()}
    assert {by_nip[row["employee"]["nip"]] for row in rows} == expected


def test_a_candidate_shows_their_proposal_for_the_period(city, login):
    _ready(city.staff_a)
    pk = _propose(login(city.operator.user), city.staff_a)["id"]
    client = login(city.operator.user)

    this_period = _candidates(client, period="2027-01-01", employee=city.staff_a.nip)
    another = _candidates(client, period="2027-02-01", employee=city.staff_a.nip)

    assert this_period[0]["proposal"] == {"id": pk, "state": "proposed"}
    assert another[0]["proposal"] is None


def test_the_candidates_are_paginated(city, login, mixed):
    client = login(city.admin)

    first = client.get(_url("eligibility-list"), {"period": "2027-01-01", "unit": "DINKES", "page_size": 3}).json()
    second = client.get(first["next"]).json()

    assert first["count"] == 5  # operator, supervisor, staff_a, staff_b, newcomer: not the PPPK
    assert (len(first["results"]), len(second["results"])) == (3, 2)
    assert second["next"] is None
    everyone = {row["employee"]["nip"] for row in first["results"] + second["results"]}
    assert everyone == set(
        Employee.objects.filter(opd=city.dinkes, employment_type="pns").values_list("nip", flat=True)
    )


def test_the_candidates_default_to_the_period_open_for_proposals(city, login, today):
    _ready(city.staff_a)
    today(dt.date(2026, 12, 1))  # on a period's day, the next period is the following one
    client = login(city.admin)

    rows = _candidates(client, unit="DINKES-P2P", eligible="true")

    assert [row["employee"]["nip"] for row in rows] == [city.staff_a.nip]


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"period": "2027-01-15"}, "not_a_period", "period"),
        ({"period": "2026-13-01"}, "validation_error", "period"),
        ({"period": "2027-01-01", "unit": "TIDAK-ADA"}, "validation_error", "unit"),
        ({"period": "2027-01-01", "fails": "umur"}, "validation_error", "fails"),
        ({"period": "2027-01-01", "page_size": "0"}, "validation_error", "page_size"),
    ],
)
def test_a_bad_candidates_query_is_a_400_naming_the_parameter(city, login, params, code, field):
    client = login(city.operator.user)

    response = client.get(_url("eligibility-list"), params)

    assert _error(response) == (400, code)
    assert list(_field_codes(response)) == [field]


def test_not_a_period_names_the_next_one_in_the_callers_language(city, login):
    client = login(city.operator.user)

    default = client.get(_url("eligibility-list"), {"period": "2027-01-15"})
    english = client.get(_url("eligibility-list"), {"period": "2027-01-15"}, **EN)

    assert "1 Februari 2027" in default.json()["error"]["message"]
    assert english.json()["error"]["message"] == (
        "15 January 2027 is not a promotion period; the next period is 1 February 2027."
    )


def test_an_error_speaks_indonesian_unless_asked_otherwise(city, login):
    client = login(city.operator.user)

    default = client.get(_url("eligibility-list"), {"period": "2026-13-01"})
    english = client.get(_url("eligibility-list"), {"period": "2026-13-01"}, **EN)

    assert default.json()["error"]["message"] == "Data tidak valid."
    assert english.json()["error"]["message"] == "The data is not valid."


# --- The explanation of one -----------------------------------------------------------------------------


def test_the_explanation_gives_every_criterion_with_its_numbers(city, login):
    _ready(city.staff_a)
    client = login(city.staff_a.user)

    response = client.get(_outlook_url(city.staff_a), {"period": "2027-01-01"}, **EN)

    assert response.status_code == 200
    body = response.json()
    assert (body["nip"], body["period"], body["eligible"], body["kind"]) == (
        city.staff_a.nip,
        "2027-01-01",
        True,
        "reguler",
    )
    assert (body["current_rank"]["code"], body["target_rank"]["code"], body["next_period"]) == ("III/a", "III/b", None)
    assert body["rule_version"]
    opens, closes, internal = periods.window(PERIOD)
    assert body["window"] == {
        "opens_on": opens.isoformat(),
        "closes_on": closes.isoformat(),
        "internal_deadline_on": internal.isoformat(),
    }
    codes = [c["code"] for c in body["criteria"]]
    assert codes == ["employment", "status", "time", "performance", "ceiling", "integrity"]
    assert all(c["ok"] and c["message"] and c["label"] for c in body["criteria"])
    assert set(body["criteria"][0]) == {"code", "label", "ok", "exempt", "message", "values"}
    assert body["proposal"] is None


def test_the_explanation_says_what_is_missing_and_when_the_time_is_met(city, login):
    newcomer = EmployeeFactory(unit=city.dinkes_bidang, rank_tmt_on=dt.date(2024, 4, 1), supervisor=city.supervisor)
    client = login(city.supervisor.user)

    body = client.get(_outlook_url(newcomer), {"period": "2027-01-01"}).json()

    assert body["eligible"] is False
    failing = {c["code"]: c for c in body["criteria"] if not c["ok"]}
    assert set(failing) == {"time", "performance"}
    assert body["next_period"] == "2028-04-01"  # four years in rank from April 2024
    assert failing["time"]["values"]
    assert failing["performance"]["message"]


def test_the_explanation_shows_the_proposal_of_the_period(city, login):
    _ready(city.staff_a)
    pk = _propose(login(city.operator.user), city.staff_a)["id"]
    client = login(city.staff_a.user)

    this_period = client.get(_outlook_url(city.staff_a), {"period": "2027-01-01"}).json()
    next_period = client.get(_outlook_url(city.staff_a), {"period": "2027-02-01"}).json()

    assert this_period["proposal"] == {"id": pk, "state": "proposed"}
    assert next_period["proposal"] is None


@pytest.mark.parametrize(
    ("day", "period"),
    [
        (dt.date(2026, 11, 28), "2027-01-01"),  # inside January's window
        (dt.date(2026, 12, 20), "2027-02-01"),  # February's window opened on 16 December
    ],
)
def test_the_explanation_defaults_to_the_period_open_for_proposals_and_accepts_the_printed_nip(
    city, login, today, day, period
):
    today(day)
    client = login(city.operator.user)

    body = client.get(reverse("api-employee-eligibility", args=[city.staff_a.formatted_nip])).json()

    assert (body["nip"], body["period"]) == (city.staff_a.nip, period)


@pytest.mark.parametrize(
    ("period", "code"), [("2027-01-15", "not_a_period"), ("2026-02-30", "validation_error"), ("x", "validation_error")]
)
def test_a_bad_explanation_period_is_a_400_naming_it(city, login, period, code):
    client = login(city.staff_a.user)

    response = client.get(_outlook_url(city.staff_a), {"period": period})

    assert _error(response) == (400, code)
    assert list(_field_codes(response)) == ["period"]


# --- Histories ----------------------------------------------------------------------------------------


@pytest.fixture
def careers_of_staff_a(city):
    """staff_a's histories, one or more rows of each kind, through the services."""
    employee = city.staff_a
    rows = {"rank": appoint(employee)}
    rows["rank"].append(rank_history(employee, "III/b", dt.date(2019, 4, 1)))
    rows["position"] = [
        position_history(employee, "Pengadministrasi Umum", dt.date(2015, 3, 1)),
        position_history(
            employee,
            "Epidemiolog Kesehatan Ahli Pertama",
            dt.date(2021, 1, 1),
            kind=PositionKind.FUNGSIONAL_KEAHLIAN,
            jenjang=Jenjang.AHLI_PERTAMA,
        ),
    ]
    rows["education"] = [
        diploma(employee, "S1", dt.date(2013, 8, 30)),
        diploma(employee, "S2", dt.date(2023, 3, 1), path="izin_belajar", major="Epidemiologi"),
    ]
    rows["skp"] = skp_years(employee, [2025, 2026])
    rows["exam"] = [exam(employee, ExamKind.UD1, dt.date(2020, 11, 20))]
    rows["credit"] = [pak(employee, dt.date(2025, 12, 31), Jenjang.AHLI_PERTAMA, "62.500")]
    rows["award"] = [award(employee, AwardKind.SATYALANCANA_X, dt.date(2025, 8, 17))]
    rows["innovation"] = [
        history.record_innovation(
            employee, title="SIPANDU Kesehatan", year=2025, unit=city.dinkes_bidang, recognition="Top 45 KIPP"
        )
    ]
    return rows


def test_the_rank_history_is_each_employees_latest_first(city, login, careers_of_staff_a):
    client = login(city.staff_a.user)

    rows = client.get(_url("rank-history-list")).json()["results"]

    assert [(r["rank"]["code"], r["tmt_on"], r["kind"]) for r in rows] == [
        ("III/b", "2019-04-01", "reguler"),
        ("III/a", "2016-03-01", "pns"),
        ("III/a", "2015-03-01", "cpns"),
    ]
    assert rows[0]["employee"] == {
        "id": city.staff_a.pk,
        "nip": city.staff_a.nip,
        "full_name": city.staff_a.full_name,
    }
    assert rows[0]["decree_number"] == "823.3/20190401/BKPP"


def test_every_history_reads_back_what_the_services_recorded(city, login, careers_of_staff_a):
    client = login(city.operator.user)

    def rows(name):
        response = client.get(_url(f"{name}-list"), {"employee": city.staff_a.nip})
        assert response.status_code == 200, response.content
        return response.json()["results"]

    position = rows("position-history")
    education = rows("education-history")
    assert [(p["name"], p["kind"], p["jenjang"], p["unit"]["code"]) for p in position] == [
        ("Epidemiolog Kesehatan Ahli Pertama", "fungsional_keahlian", "ahli_pertama", "DINKES-P2P"),
        ("Pengadministrasi Umum", "pelaksana", None, "DINKES-P2P"),
    ]
    assert [(e["level"]["code"], e["major"], e["path"]) for e in education] == [
        ("S2", "Epidemiologi", "izin_belajar"),
        ("S1", "", None),
    ]
    assert [(s["year"], s["predikat"]) for s in rows("skp")] == [(2026, "baik"), (2025, "baik")]
    assert [(e["kind"], e["passed_on"]) for e in rows("exam")] == [("UD1", "2020-11-20")]
    assert [(c["jenjang"], c["total"]) for c in rows("credit-assessment")] == [("ahli_pertama", "62.500")]
    assert [(a["kind"], a["awarded_on"]) for a in rows("award")] == [("satyalancana_x", "2025-08-17")]
    assert [(i["title"], i["year"], i["recognition"]) for i in rows("innovation")] == [
        ("SIPANDU Kesehatan", 2025, "Top 45 KIPP")
    ]


def test_one_history_row_is_retrieved_by_id(city, login, careers_of_staff_a):
    entry = careers_of_staff_a["credit"][0]
    client = login(city.supervisor.user)

    response = client.get(_url("credit-assessment-detail", entry.pk))

    assert response.status_code == 200
    assert (response.json()["id"], response.json()["total"]) == (entry.pk, "62.500")


@pytest.mark.parametrize(
    ("name", "params", "expected"),
    [
        ("rank-history", {"kind": "cpns"}, 2),  # staff_a's and the outsider's appointment
        ("rank-history", {"kind": "reguler", "opd": "__disdik__"}, 0),
        ("rank-history", {"opd": "__disdik__"}, 2),
        ("skp", {"year": 2025}, 2),
        ("skp", {"year": 2025, "employee": "__outsider__"}, 1),
        ("skp", {"predikat": "sangat_baik"}, 0),
        ("exam", {"kind": "UD2"}, 0),
        ("award", {"kind": "satyalancana_x"}, 1),
        ("innovation", {"year": 2024}, 0),
    ],
)
def test_the_histories_filter_by_employee_opd_and_their_own_fields(
    city, login, careers_of_staff_a, name, params, expected
):
    appoint(city.outsider)
    skp_years(city.outsider, [2025])
    replace = {"__disdik__": city.disdik.pk, "__outsider__": city.outsider.formatted_nip}
    params = {key: replace.get(value, value) for key, value in params.items()}
    client = login(city.admin)

    response = client.get(_url(f"{name}-list"), params)

    assert response.status_code == 200, response.content
    assert response.json()["count"] == expected


@pytest.mark.parametrize(("name", "params"), [("skp", {"year": "2025.5"}), ("rank-history", {"kind": "naik"})])
def test_a_bad_history_filter_is_a_400_naming_the_parameter(city, login, name, params):
    response = login(city.admin).get(_url(f"{name}-list"), params)

    assert _error(response) == (400, "validation_error")
    assert list(_field_codes(response)) == list(params)


def test_histories_are_read_only(city, login, careers_of_staff_a):
    client = login(city.admin)
    entry = careers_of_staff_a["skp"][0]

    created = _post(client, _url("skp-list"), {"year": 2023, "predikat": "baik"})
    changed = client.patch(_url("skp-detail", entry.pk), {"predikat": "kurang"}, content_type="application/json")
    deleted = client.delete(_url("skp-detail", entry.pk))

    assert [_error(r) for r in (created, changed, deleted)] == [(405, "method_not_allowed")] * 3
    entry.refresh_from_db()
    assert entry.predikat == Predikat.BAIK


# --- Query counts --------------------------------------------------------------------------------


@pytest.fixture
def crowd(city):
    """55 employees of Dinas Kesehatan (staff of the supervisor), each with a row of every
    history and a proposal."""
    employees = EmployeeFactory.create_batch(55, unit=city.dinkes_bidang, supervisor=city.supervisor)
    level = EducationLevel.objects.get(code="S1")
    RankHistory.objects.bulk_create(
        RankHistory(employee=e, rank=rank("III/a"), tmt_on=dt.date(2015, 3, 1), kind=RankEntryKind.CPNS)
        for e in employees
    )
    PositionHistory.objects.bulk_create(
        PositionHistory(employee=e, name="Pengadministrasi Umum", kind="pelaksana", unit=e.unit, tmt_on=TODAY)
        for e in employees
    )
    EducationHistory.objects.bulk_create(
        EducationHistory(employee=e, level=level, institution="UNDIP", graduated_on=dt.date(2013, 8, 1))
        for e in employees
    )
    PerformanceRating.objects.bulk_create(PerformanceRating(employee=e, year=2025, predikat="baik") for e in employees)
    ExamResult.objects.bulk_create(ExamResult(employee=e, kind="UD1", passed_on=dt.date(2020, 1, 1)) for e in employees)
    CreditAssessment.objects.bulk_create(
        CreditAssessment(employee=e, assessed_on=TODAY, jenjang="ahli_pertama", total=Decimal("12.5"))
        for e in employees
    )
    Award.objects.bulk_create(
        Award(employee=e, kind="lainnya", name="Pegawai Teladan", awarded_on=TODAY) for e in employees
    )
    Innovation.objects.bulk_create(Innovation(employee=e, title="Inovasi", year=2025, unit=e.unit) for e in employees)
    PromotionProposal.objects.bulk_create(
        PromotionProposal(
            employee=e,
            opd=e.opd,
            period_on=PERIOD,
            kind="reguler",
            from_rank=rank("III/a"),
            to_rank=rank("III/b"),
            eligibility={},
            rule_version="test",
            documents={"sk_cpns": True, "skp": False},
            proposed_by=city.operator.user,
        )
        for e in employees
    )
    return employees


LIST_URLS = [
    ("rank-history-list", {}),
    ("position-history-list", {}),
    ("education-history-list", {}),
    ("skp-list", {}),
    ("exam-list", {}),
    ("credit-assessment-list", {}),
    ("award-list", {}),
    ("innovation-list", {}),
    ("proposal-list", {}),
    ("eligibility-list", {"period": "2027-01-01"}),
]


def _count_list_queries(client, url: str, page_size: int, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": page_size, **params})
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == page_size
    return len(captured)


@pytest.mark.parametrize(
    ("name", "params", "who"),
    [(name, params, who) for name, params in LIST_URLS for who in ("admin", "operator")]
    + [(name, params, "supervisor") for name, params in LIST_URLS[:-1]],  # candidates: BKPP and operators
)
def test_a_list_costs_the_same_queries_for_10_or_50_rows(
    city, crowd, login, django_assert_max_num_queries, name, params, who
):
    client = login(city.user(who))
    url = _url(name)
    _count_list_queries(client, url, 10, **params)  # warm up per-process caches (content types, ...)
    few = _count_list_queries(client, url, 10, **params)

    with django_assert_max_num_queries(few):
        response = client.get(url, {"page_size": 50, **params})

    assert len(response.json()["results"]) == 50


# --- Schema ------------------------------------------------------------------------------------------


@pytest.fixture
def schema(client):
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/v1/careers/rank-history/", "get"),
        ("/api/v1/careers/skp/{id}/", "get"),
        ("/api/v1/careers/eligibility/", "get"),
        ("/api/v1/careers/proposals/", "post"),
        ("/api/v1/careers/proposals/propose-many/", "post"),
        ("/api/v1/careers/proposals/{id}/approve/", "post"),
        ("/api/v1/careers/proposals/{id}/return/", "post"),
        ("/api/v1/careers/proposals/{id}/decree/", "post"),
        ("/api/v1/employees/{nip}/eligibility/", "get"),
    ],
)
def test_careers_operations_document_the_error_body(schema, path, method):
    operation = schema["paths"][path][method]

    assert operation["summary"]
    for code in ("400", "401", "404"):
        assert operation["responses"][code]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorResponse"
        }


def test_careers_choices_have_their_own_schema_components(schema):
    components = schema["components"]["schemas"]

    assert "supervisor_approved" in components["ProposalState"]["enum"]
    assert "time" in components["CriterionCode"]["enum"]
    assert set(components["CriterionFlags"]["properties"]) >= {"time", "performance", "integrity"}
    assert components["Proposal"]["properties"]["state"]["allOf"] == [{"$ref": "#/components/schemas/ProposalState"}]
    assert "/api/v1/careers/eligibility/{id}/" not in schema["paths"]
    assert "post" not in schema["paths"]["/api/v1/careers/rank-history/"]
