"""The careers pages (issue 5, parts 1, 1b, 5 and 6): what each page shows, what each form
writes, bad input answered with 4xx, a clear message and nothing written, the XLSX exports,
the profile tabs, the dashboard cards, and list pages whose query count does not grow with
their rows."""

from __future__ import annotations

import datetime as dt
import html
import io
from dataclasses import dataclass

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from asn_portal.models import Employee, EmploymentType, Rank
from careers import eligibility, proposals, selectors
from careers.models import (
    DocumentKind,
    ExamKind,
    PromotionProposal,
    ProposalEvent,
    ProposalState,
    RankHistory,
)
from tests.careers.factories import appoint, award, diploma, exam, position_history, rank_history, skp
from tests.careers.page_factories import (
    LATER,
    PERIOD,
    SKP_YEARS,
    TODAY,
    eligible,
    held_back_by_time,
    proposal_at,
    state_of,
)
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

P = ProposalState


# ---------------------------------------------------------------------------------------------
# Fixtures (test_access.py imports them)
# ---------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def english_pages(client):
    """Pages answer in English here, so messages are asserted in the msgid's words (the
    Indonesian catalogue is filled from locale/pending/ by `make messages`)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture(name="pinned_today")
def pinned_today_fixture(monkeypatch):
    """The careers pages' "today" (careers.selectors.today), pinned; call it to move the day."""

    def pin(day: dt.date = TODAY) -> dt.date:
        monkeypatch.setattr(selectors, "today", lambda: day)
        return day

    pin(TODAY)
    return pin


@dataclass
class Careers:
    staff_a: Employee  # eligible for PERIOD, proposed (waiting for the supervisor)
    staff_b: Employee  # held back by the time in rank only
    outsider: Employee  # Disdik, eligible, not proposed
    proposal: PromotionProposal  # staff_a's


def build_careers(city) -> Careers:
    staff_a = eligible(city.staff_a)
    staff_b = held_back_by_time(city.staff_b)
    outsider = eligible(city.outsider)
    proposal = proposals.propose(staff_a, period_on=PERIOD, by=city.operator.user, documents=[DocumentKind.SK_CPNS])
    return Careers(staff_a, staff_b, outsider, proposal)


@pytest.fixture(name="careers")
def careers_fixture(city, pinned_today) -> Careers:
    return build_careers(city)


def text(response) -> str:
    return html.unescape(response.content.decode())


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _walk(city, employee, state):
    return proposal_at(
        state, employee, proposer=city.operator.user, bkpp=city.admin, supervisor_user=city.supervisor.user
    )


# ---------------------------------------------------------------------------------------------
# Kenaikan pangkat saya
# ---------------------------------------------------------------------------------------------


def test_my_promotion_shows_each_criterion_for_the_open_period(city, login, careers):
    response = login(city.staff_a.user).get(reverse("careers:my-outlook"))

    assert response.status_code == 200
    outlook = response.context["outlook"]
    assert response.context["period"] == PERIOD
    assert outlook.eligible
    page = text(response)
    assert 'data-testid="outlook-summary" data-eligible="1"' in page
    assert "Eligible for the period 1 January 2027" in page
    assert "SKP 2025: Baik. SKP 2026: Baik." in page
    assert 'data-criterion="time" data-ok="1"' in page
    assert response.context["current"].pk == careers.proposal.pk
    assert f'data-proposal="{careers.proposal.pk}"' in page


def test_my_promotion_says_what_is_missing_and_when_the_time_is_met(city, login, careers):
    response = login(city.staff_b.user).get(reverse("careers:my-outlook"))

    page = text(response)
    assert response.context["outlook"].failing == ("time",)
    assert 'data-criterion="time" data-ok="0"' in page
    assert "Time in rank is met for the period 1 April 2028." in page
    assert "No proposal yet" in page


def test_my_promotion_offers_the_coming_periods_and_switches(city, login, careers):
    client = login(city.staff_a.user)

    response = client.get(reverse("careers:my-outlook"), {"period": LATER.isoformat()})

    assert response.status_code == 200
    assert response.context["period"] == LATER
    offered = [value for value, _label in response.context["form"].fields["period"].widget.choices]
    assert offered[0] == PERIOD.isoformat()
    assert LATER.isoformat() in offered
    assert "1 January 2027 (open until 15 Dec 2026)" in text(response)
    assert "1 March 2027 (opens 16 Jan 2027)" in text(response)


@pytest.mark.parametrize("value", ["2027-01-15", "2027-13-01", "kemarin"])
def test_a_date_that_is_not_a_period_is_answered_400_with_a_message(city, login, careers, value):
    response = login(city.staff_a.user).get(reverse("careers:my-outlook"), {"period": value})

    assert response.status_code == 400
    assert 'data-testid="period-error"' in text(response)
    if value == "2027-01-15":
        assert "15 January 2027 is not a promotion period; the next period is 1 February 2027." in text(response)
    assert response.context["period"] == PERIOD  # the page still shows the default period


def test_a_pppk_employee_sees_that_there_is_no_rank_to_promote(city, login, pinned_today):
    pppk = EmployeeFactory(unit=city.dinkes, employment_type=EmploymentType.PPPK)

    response = login(pppk.user).get(reverse("careers:my-outlook"))

    assert response.status_code == 200
    assert 'data-testid="outlook-pppk"' in text(response)


# ---------------------------------------------------------------------------------------------
# The supervisor's team
# ---------------------------------------------------------------------------------------------


def test_the_supervisor_sees_the_proposal_waiting_and_the_team_outlook(city, login, careers):
    response = login(city.supervisor.user).get(reverse("careers:team"))

    assert [p.pk for p in response.context["inbox"]] == [careers.proposal.pk]
    members = {m.pk: m for m in response.context["members"]}
    assert set(members) == {city.staff_a.pk, city.staff_b.pk}
    assert members[city.staff_a.pk].proposal_state == P.PROPOSED
    assert not members[city.staff_b.pk].is_eligible
    assert members[city.staff_b.pk].failing == ["Time in rank"]
    assert response.context["eligible_count"] == 1


def test_the_supervisor_approves_from_the_inbox(city, login, careers):
    client = login(city.supervisor.user)

    response = client.post(
        reverse("careers:proposal-approve", args=[careers.proposal.pk]), {"next": reverse("careers:team")}
    )

    assert response.status_code == 302
    assert response.url == reverse("careers:team")
    assert state_of(careers.proposal) == P.SUPERVISOR_APPROVED
    assert 'data-testid="inbox-empty"' in text(client.get(reverse("careers:team")))


def test_returning_needs_a_reason_and_without_one_nothing_changes(city, login, careers):
    client = login(city.supervisor.user)
    url = reverse("careers:proposal-return", args=[careers.proposal.pk])

    refused = client.post(url, {"return-reason": "  "})
    returned = client.post(url, {"return-reason": "Mohon lengkapi SKP 2026"})

    assert refused.status_code == 400
    assert "Write the reason." in text(refused)
    assert returned.status_code == 302
    assert state_of(careers.proposal) == P.RETURNED
    assert ProposalEvent.objects.filter(proposal=careers.proposal, to_state=P.RETURNED).get().reason == (
        "Mohon lengkapi SKP 2026"
    )


def test_the_team_page_costs_the_same_queries_for_2_and_12_subordinates(city, login, careers):
    client = login(city.supervisor.user)
    url = reverse("careers:team")
    at_two = _queries(client, url)

    for employee in EmployeeFactory.create_batch(10, unit=city.dinkes_bidang, supervisor=city.supervisor):
        eligible(employee)
    at_twelve = _queries(client, url)

    assert len(client.get(url).context["members"]) == 12
    assert at_twelve == at_two


# ---------------------------------------------------------------------------------------------
# Candidates
# ---------------------------------------------------------------------------------------------


def _rows(response) -> set[int]:
    return {row.pk for row in response.context["page"].object_list}


def test_the_operator_sees_the_eligible_of_their_opd_only(city, login, careers):
    response = login(city.operator.user).get(reverse("careers:candidates"))

    assert response.status_code == 200
    assert response.context["period"] == PERIOD
    assert _rows(response) == {city.staff_a.pk}
    row = response.context["page"].object_list[0]
    assert (row.target_rank.code, row.proposal_state, row.selectable) == ("III/c", P.PROPOSED, False)


def test_bkpp_sees_every_opd(city, login, careers):
    response = login(city.admin).get(reverse("careers:candidates"))

    assert _rows(response) == {city.staff_a.pk, city.outsider.pk}
    outsider = next(r for r in response.context["page"].object_list if r.pk == city.outsider.pk)
    assert outsider.selectable


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # The supervisor and the operator hold III/a since 2020 without any SKP recorded.
        ({"status": "not_eligible"}, {"staff_b", "supervisor", "operator"}),
        ({"status": "all"}, {"staff_a", "staff_b", "outsider", "supervisor", "operator"}),
        ({"failing": "time"}, {"staff_b"}),
        ({"failing": "performance"}, {"supervisor", "operator"}),
        ({"opd": "DISDIK"}, {"outsider"}),
        ({"kind": "pilihan_fungsional"}, set()),
        ({"kind": "reguler"}, {"staff_a", "outsider"}),
        ({"target_rank": "III/c", "status": "all"}, {"staff_a", "staff_b", "outsider"}),
        ({"target_rank": "III/d", "status": "all"}, set()),
        ({"q": "Budi"}, {"staff_a"}),
    ],
)
def test_the_candidates_filter(city, login, careers, query, expected):
    if "opd" in query:
        query = {**query, "opd": {"DISDIK": city.disdik.pk}[query["opd"]]}

    response = login(city.admin).get(reverse("careers:candidates"), query)

    assert response.status_code == 200
    assert _rows(response) == {getattr(city, name).pk for name in expected}


def test_not_eligible_only_because_of_time_names_the_criterion(city, login, careers):
    response = login(city.admin).get(reverse("careers:candidates"), {"failing": "time"})

    assert "1 employee is not eligible only because of Time in rank" in text(response)


def test_a_bad_period_on_the_candidates_list_is_answered_400(city, login, careers):
    response = login(city.operator.user).get(reverse("careers:candidates"), {"period": "2027-01-20"})

    assert response.status_code == 400
    assert "20 January 2027 is not a promotion period" in text(response)


def test_an_unknown_opd_filter_is_answered_400(city, login, careers):
    response = login(city.operator.user).get(reverse("careers:candidates"), {"opd": city.disdik.pk})

    assert response.status_code == 400


def test_the_live_filter_answers_only_the_results_to_htmx(city, login, careers):
    response = login(city.admin).get(reverse("careers:candidates"), {"status": "all"}, HTTP_HX_REQUEST="true")

    body = text(response)
    assert body.lstrip().startswith('<div id="results">')
    assert "<html" not in body
    assert 'hx-swap-oob="true"' in body
    assert "HX-Request" in response["Vary"]


def test_the_operator_cannot_propose_before_the_window_opens(city, login, careers):
    response = login(city.operator.user).get(reverse("careers:candidates"), {"period": LATER.isoformat()})

    assert response.context["window_state"] == "upcoming"
    assert not response.context["may_propose"]
    assert 'data-testid="bulk-form"' not in text(response)


def _population(city, count: int, start: int = 0) -> None:
    for index in range(start, start + count):
        unit = city.dinkes_bidang if index % 2 else city.disdik
        employee = EmployeeFactory(unit=unit, name=f"Pegawai {index:03d}")
        eligible(employee) if index % 3 else held_back_by_time(employee)


def test_the_candidates_list_costs_the_same_queries_for_few_and_many(
    city, login, careers, django_assert_max_num_queries
):
    client = login(city.admin)
    url = reverse("careers:candidates") + "?status=all&per_page=100"
    at_few = _queries(client, url)
    few = client.get(url).context["page"].paginator.count

    _population(city, 24)
    with django_assert_max_num_queries(at_few):
        response = client.get(url)
    at_many = _queries(client, url)

    assert response.context["page"].paginator.count == few + 24
    assert at_many == at_few


def test_the_operator_s_list_costs_the_same_queries_for_few_and_many(city, login, careers):
    client = login(city.operator.user)
    url = reverse("careers:candidates") + "?status=all"
    at_few = _queries(client, url)

    _population(city, 12)
    at_many = _queries(client, url)

    assert at_many == at_few


# ---------------------------------------------------------------------------------------------
# Proposing from the list and one by one
# ---------------------------------------------------------------------------------------------


def test_bulk_proposing_proposes_the_ticked_of_one_s_opd_and_reports_the_others(city, login, careers):
    more = eligible(EmployeeFactory(unit=city.dinkes_bidang, name="Wahyu Nugroho", supervisor=city.supervisor))
    client = login(city.operator.user)
    back = reverse("careers:candidates") + f"?period={PERIOD.isoformat()}"

    response = client.post(
        reverse("careers:candidates-propose"),
        {
            "period": PERIOD.isoformat(),
            "employees": [more.pk, city.staff_b.pk, city.outsider.pk, city.staff_a.pk],
            "next": back,
        },
        follow=True,
    )

    shown = _messages(response)
    assert response.redirect_chain[-1][0] == back
    assert PromotionProposal.objects.get(employee=more, period_on=PERIOD).state == P.PROPOSED
    assert not PromotionProposal.objects.filter(employee__in=[city.staff_b, city.outsider]).exists()
    assert PromotionProposal.objects.filter(employee=city.staff_a).count() == 1
    assert any("1 employees proposed" in m for m in shown)
    assert any(m.startswith(f"{city.staff_b.full_name} not proposed") for m in shown)
    assert any("1 ticked rows were not proposed" in m for m in shown)


def test_bulk_proposing_with_nothing_ticked_proposes_nothing(city, login, careers):
    response = login(city.operator.user).post(
        reverse("careers:candidates-propose"), {"period": PERIOD.isoformat()}, follow=True
    )

    assert PromotionProposal.objects.count() == 1
    assert "Tick at least one eligible candidate." in _messages(response)


def test_bulk_proposing_for_a_date_that_is_not_a_period_proposes_nothing(city, login, careers):
    response = login(city.operator.user).post(
        reverse("careers:candidates-propose"), {"period": "2027-01-31", "employees": [city.staff_b.pk]}, follow=True
    )

    assert PromotionProposal.objects.count() == 1
    assert any("is not a promotion period" in m for m in _messages(response))


def test_the_propose_page_explains_and_offers_the_kind_s_checklist(city, login, careers):
    more = eligible(EmployeeFactory(unit=city.dinkes_bidang, supervisor=city.supervisor))
    client = login(city.operator.user)
    url = reverse("careers:proposal-create", args=[more.pk]) + f"?period={PERIOD.isoformat()}"

    page = client.get(url)
    created = client.post(url, {"period": PERIOD.isoformat(), "documents": [DocumentKind.SK_CPNS, DocumentKind.SKP]})

    assert page.status_code == 200
    assert [code for code, _label in page.context["form"].fields["documents"].choices] == [
        DocumentKind.SK_CPNS,
        DocumentKind.SK_PNS,
        DocumentKind.SK_PANGKAT,
        DocumentKind.SKP,
        DocumentKind.IJAZAH,
    ]
    proposal = PromotionProposal.objects.get(employee=more)
    assert created.status_code == 302
    assert created.url == reverse("careers:proposal-detail", args=[proposal.pk])
    assert proposal.documents[DocumentKind.SKP] and not proposal.documents[DocumentKind.IJAZAH]


def test_the_operator_cannot_propose_someone_not_eligible(city, login, careers):
    client = login(city.operator.user)
    url = reverse("careers:proposal-create", args=[city.staff_b.pk])

    page = client.get(url)
    refused = client.post(url, {"period": PERIOD.isoformat()})

    assert 'data-testid="not-eligible"' in text(page)
    assert refused.status_code == 400
    assert "only BKPP may propose with a written reason" in text(refused)
    assert not PromotionProposal.objects.filter(employee=city.staff_b).exists()


def test_bkpp_overrides_with_a_written_reason(city, login, careers):
    client = login(city.admin)
    url = reverse("careers:proposal-create", args=[city.staff_b.pk])

    refused = client.post(url, {"period": PERIOD.isoformat(), "override_reason": ""})
    created = client.post(
        url, {"period": PERIOD.isoformat(), "override_reason": "Masa kerja dari instansi asal diakui BKN."}
    )

    assert refused.status_code == 400
    assert "Write why BKPP proposes this employee" in text(refused)
    proposal = PromotionProposal.objects.get(employee=city.staff_b)
    assert created.status_code == 302
    assert proposal.override_reason == "Masa kerja dari instansi asal diakui BKN."
    detail = text(client.get(reverse("careers:proposal-detail", args=[proposal.pk])))
    assert 'data-testid="override-reason"' in detail


def test_the_propose_page_refuses_a_date_that_is_not_a_period(city, login, careers):
    client = login(city.operator.user)
    url = reverse("careers:proposal-create", args=[city.staff_b.pk])

    shown = client.get(url, {"period": "2027-02-14"})
    posted = client.post(url, {"period": "2027-02-14"})

    assert shown.status_code == posted.status_code == 400
    assert "14 February 2027 is not a promotion period" in text(posted)
    assert not PromotionProposal.objects.filter(employee=city.staff_b).exists()


def test_the_operator_cannot_propose_before_the_window_and_is_told_when_it_opens(city, login, careers):
    more = eligible(EmployeeFactory(unit=city.dinkes_bidang))
    client = login(city.operator.user)
    url = reverse("careers:proposal-create", args=[more.pk])

    page = client.get(url, {"period": LATER.isoformat()})
    refused = client.post(url, {"period": LATER.isoformat()})

    assert 'data-testid="window-closed"' in text(page)
    assert refused.status_code == 400
    assert "Proposals for the period 1 March 2027 open on 16 January 2027." in text(refused)
    assert not PromotionProposal.objects.filter(employee=more).exists()


def test_the_propose_page_links_an_existing_proposal(city, login, careers):
    response = login(city.operator.user).get(reverse("careers:proposal-create", args=[city.staff_a.pk]))

    assert response.context["existing_pk"] == careers.proposal.pk
    assert 'data-testid="already-proposed"' in text(response)


# ---------------------------------------------------------------------------------------------
# A proposal and BKPP's steps
# ---------------------------------------------------------------------------------------------


def test_the_proposal_page_shows_the_snapshot_the_dossier_and_the_timeline(city, login, careers):
    response = login(city.staff_a.user).get(reverse("careers:proposal-detail", args=[careers.proposal.pk]))

    page = text(response)
    assert response.status_code == 200
    assert 'data-criterion="performance" data-ok="1"' in page
    assert 'data-document="sk_cpns" data-present="1"' in page
    assert 'data-document="skp" data-present="0"' in page
    assert 'data-to-state="proposed"' in page
    assert f"Waiting for the direct supervisor, {city.supervisor.full_name}, to approve." in page
    assert not response.context["can_any"]


def test_bkpp_verifies_only_a_complete_dossier(city, login, careers):
    proposals.approve_as_supervisor(careers.proposal, by=city.supervisor.user)
    client = login(city.admin)
    url = reverse("careers:proposal-verify", args=[careers.proposal.pk])

    refused = client.post(url, {"documents": [DocumentKind.SK_CPNS, DocumentKind.SKP]})
    verified = client.post(url, {"documents": list(careers.proposal.documents)})

    assert refused.status_code == 400
    assert "The dossier is incomplete" in text(refused)
    assert verified.status_code == 302
    assert state_of(careers.proposal) == P.VERIFIED


def test_bkpp_sends_to_bkn_with_the_reference(city, login, careers):
    proposal = _walk(city, careers.outsider, P.VERIFIED)
    client = login(city.admin)
    url = reverse("careers:proposal-submit", args=[proposal.pk])

    refused = client.post(url, {"bkn_reference": ""})
    sent = client.post(url, {"bkn_reference": "KP-2026-12-0099"})

    assert refused.status_code == 400
    assert "Enter BKN's reference number." in text(refused)
    assert sent.status_code == 302
    assert PromotionProposal.objects.get(pk=proposal.pk).bkn_reference == "KP-2026-12-0099"


def test_a_decree_tmt_not_on_a_period_date_is_refused_and_nothing_is_written(city, login, careers):
    proposal = _walk(city, careers.outsider, P.SUBMITTED)
    rows = RankHistory.objects.filter(employee=careers.outsider).count()

    response = login(city.admin).post(
        reverse("careers:proposal-decree", args=[proposal.pk]),
        {"decree_number": "B-100/KP/2026", "decree_on": "2026-12-20", "tmt_on": "2027-01-10", "rank": "11"},
    )

    assert response.status_code == 400
    assert "10 January 2027 is not a promotion period; the next period is 1 February 2027." in text(response)
    assert state_of(proposal) == P.SUBMITTED
    assert RankHistory.objects.filter(employee=careers.outsider).count() == rows
    assert Employee.objects.get(pk=careers.outsider.pk).rank.code == "III/b"


def test_recording_the_decree_changes_the_rank_on_the_profile(city, login, careers):
    proposal = _walk(city, careers.outsider, P.SUBMITTED)
    client = login(city.admin)

    response = client.post(
        reverse("careers:proposal-decree", args=[proposal.pk]),
        {
            "decree_number": "B-101/KP/2026",
            "decree_on": "2026-12-20",
            "tmt_on": PERIOD.isoformat(),
            "rank": "11",
            "service_years": "10",
            "service_months": "4",
        },
    )
    profile = client.get(reverse("portal:employee-detail", args=[careers.outsider.pk]), {"tab": "pangkat"})

    assert response.status_code == 302
    assert state_of(proposal) == P.APPROVED
    assert Employee.objects.get(pk=careers.outsider.pk).rank.code == "III/c"
    entry = RankHistory.objects.get(employee=careers.outsider, tmt_on=PERIOD)
    assert (entry.service_years, entry.service_months) == (10, 4)
    page = text(profile)
    assert 'data-rank="III/c"' in page
    assert "B-101/KP/2026" in page
    detail = text(client.get(reverse("careers:proposal-detail", args=[proposal.pk])))
    assert "TMT 1 January 2027" in detail


def test_a_decree_without_its_number_or_dates_is_refused(city, login, careers):
    proposal = _walk(city, careers.outsider, P.SUBMITTED)

    response = login(city.admin).post(reverse("careers:proposal-decree", args=[proposal.pk]), {"rank": "11"})

    assert response.status_code == 400
    assert "Enter the decree number." in text(response)
    assert "Enter the TMT." in text(response)
    assert state_of(proposal) == P.SUBMITTED


def test_bkpp_rejects_and_the_opd_resends_or_withdraws(city, login, careers):
    approved = _walk(city, careers.outsider, P.SUPERVISOR_APPROVED)
    admin = login(city.admin)

    no_reason = admin.post(reverse("careers:proposal-reject", args=[approved.pk]), {"reject-reason": ""})
    rejected = admin.post(reverse("careers:proposal-reject", args=[approved.pk]), {"reject-reason": "Berkas palsu"})
    proposals.return_to_opd(careers.proposal, by=city.supervisor.user, reason="SKP kurang")
    operator = login(city.operator.user)
    resent = operator.post(
        reverse("careers:proposal-resubmit", args=[careers.proposal.pk]),
        {"resubmit-documents": list(careers.proposal.documents)},
    )
    withdrawn = operator.post(
        reverse("careers:proposal-withdraw", args=[careers.proposal.pk]), {"withdraw-reason": "Pindah instansi"}
    )

    assert no_reason.status_code == 400
    assert rejected.status_code == resent.status_code == withdrawn.status_code == 302
    assert state_of(approved) == P.REJECTED
    assert state_of(careers.proposal) == P.WITHDRAWN
    assert ProposalEvent.objects.filter(proposal=careers.proposal, from_state=P.RETURNED, to_state=P.PROPOSED).exists()


# ---------------------------------------------------------------------------------------------
# The proposals list and the exports
# ---------------------------------------------------------------------------------------------


def test_the_proposals_list_counts_each_step_and_keeps_the_operator_to_their_opd(city, login, careers):
    _walk(city, careers.outsider, P.VERIFIED)

    bkpp = login(city.admin).get(reverse("careers:proposal-list"))
    operator = login(city.operator.user).get(reverse("careers:proposal-list"))
    to_verify = login(city.admin).get(reverse("careers:proposal-list"), {"state": "verified"})

    counts = {key: count for key, _label, count in bkpp.context["state_tabs"]}
    assert counts["live"] == 2 and counts["proposed"] == 1 and counts["verified"] == 1
    assert {p.employee_id for p in bkpp.context["page"].object_list} == {city.staff_a.pk, city.outsider.pk}
    assert {p.employee_id for p in operator.context["page"].object_list} == {city.staff_a.pk}
    assert [p.employee_id for p in to_verify.context["page"].object_list] == [city.outsider.pk]


def test_the_proposals_list_refuses_a_period_that_is_not_one(city, login, careers):
    response = login(city.admin).get(reverse("careers:proposal-list"), {"period": "2027-01-05"})

    assert response.status_code == 400
    assert "5 January 2027 is not a promotion period" in text(response)


def test_the_proposals_list_costs_the_same_queries_for_few_and_many(city, login, careers):
    client = login(city.admin)
    url = reverse("careers:proposal-list") + "?state=all"
    at_few = _queries(client, url)

    for index in range(8):
        employee = eligible(EmployeeFactory(unit=city.dinkes_bidang, name=f"Usulan {index}"))
        proposals.propose(employee, period_on=PERIOD, by=city.admin)
    at_many = _queries(client, url)

    assert at_many == at_few


def _sheet(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return openpyxl.load_workbook(io.BytesIO(content)).active


def test_the_candidates_export_holds_every_filtered_row(city, login, careers):
    response = login(city.admin).get(reverse("careers:candidates-export"), {"status": "all"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "kandidat-kenaikan-pangkat-2027-01-01.xlsx" in response["Content-Disposition"]
    rows = list(_sheet(response).iter_rows(values_only=True))
    assert rows[1][:3] == ("No.", "NIP", "Name")
    body = {row[1]: row for row in rows[2:]}
    everyone = (city.staff_a, city.staff_b, city.outsider, city.supervisor, city.operator)
    assert set(body) == {employee.nip for employee in everyone}
    assert body[city.staff_b.nip][10] == "No"
    assert body[city.staff_b.nip][11] == "Time in rank"
    assert body[city.staff_a.nip][12] == str(P.PROPOSED.label)


def test_the_operator_s_export_holds_their_opd_only(city, login, careers):
    response = login(city.operator.user).get(reverse("careers:candidates-export"), {"status": "all"})

    nips = {row[1] for row in list(_sheet(response).iter_rows(values_only=True))[2:]}
    assert nips == {city.staff_a.nip, city.staff_b.nip, city.supervisor.nip, city.operator.nip}


def test_the_export_refuses_a_date_that_is_not_a_period(city, login, careers):
    response = login(city.admin).get(reverse("careers:candidates-export"), {"period": "2027-01-09"})

    assert response.status_code == 400


def test_the_satyalancana_list_and_its_export(city, login, careers):
    award(city.outsider, awarded_on=dt.date(2025, 8, 17))
    client = login(city.admin)

    page = client.get(reverse("careers:satyalancana"))
    export = client.get(reverse("careers:satyalancana-export"), {"opd": city.dinkes.pk})

    due = {row.employee.pk for row in page.context["page"].object_list}
    assert city.staff_a.pk in due and city.outsider.pk not in due
    assert page.context["total"] == len(due)
    assert export.status_code == 200
    nips = {row[1] for row in list(_sheet(export).iter_rows(values_only=True))[1:]}
    assert city.staff_a.nip in nips and city.outsider.nip not in nips


def test_a_bad_satyalancana_date_is_answered_400(city, login, careers):
    assert login(city.admin).get(reverse("careers:satyalancana"), {"on": "2026-02-30"}).status_code == 400


# ---------------------------------------------------------------------------------------------
# Profile tabs, dashboard, menu
# ---------------------------------------------------------------------------------------------


def _tab(client, employee, slug):
    response = client.get(reverse("portal:employee-detail", args=[employee.pk]), {"tab": slug})
    assert response.status_code == 200
    tab = next(t for t, _context in response.context["tabs"] if t.slug == slug)
    assert tab.template.startswith("careers/tabs/")
    return text(response)


def test_the_profile_tabs_show_the_histories(city, login, careers):
    staff = careers.staff_a
    position_history(staff, "Pengelola Data Kesehatan", dt.date(2021, 1, 4), decree_number="821/12/2021")
    diploma(staff, "S1", dt.date(2014, 8, 30), institution="Universitas Negeri Semarang", major="Kesehatan Masyarakat")
    exam(staff, ExamKind.UD1, dt.date(2019, 11, 20))
    award(staff, name="Satyalancana Karya Satya X Tahun", issuer="Presiden RI")
    client = login(city.staff_a.user)

    ranks = _tab(client, staff, "pangkat")
    positions = _tab(client, staff, "jabatan")
    education = _tab(client, staff, "pendidikan")
    ratings = _tab(client, staff, "skp")
    awards = _tab(client, staff, "penghargaan")

    assert 'data-rank="III/b"' in ranks and 'data-rank="III/a"' in ranks
    assert 'data-testid="tab-outlook" data-eligible="1"' in ranks
    assert "Ujian Dinas Tingkat I" in ranks
    assert "Pengelola Data Kesehatan" in positions and "821/12/2021" in positions
    assert "Universitas Negeri Semarang" in education
    assert all(f'data-year="{year}"' in ratings for year in SKP_YEARS)
    assert "Satyalancana Karya Satya X" in awards


def test_the_tabs_say_what_to_do_when_a_history_is_empty(city, login, pinned_today):
    client = login(city.admin)

    assert 'data-testid="tab-ranks-empty"' in _tab(client, city.staff_b, "pangkat")
    assert 'data-testid="tab-positions-empty"' in _tab(client, city.staff_b, "jabatan")
    assert 'data-testid="tab-diplomas-empty"' in _tab(client, city.staff_b, "pendidikan")
    assert 'data-testid="tab-ratings-empty"' in _tab(client, city.staff_b, "skp")
    assert "No award recorded yet." in _tab(client, city.staff_b, "penghargaan")


def test_the_profile_costs_the_same_queries_with_a_short_and_a_long_rank_history(city, login, pinned_today):
    short = eligible(city.staff_a)
    long = EmployeeFactory(unit=city.dinkes_bidang, appointed=dt.date(2008, 3, 1))
    appoint(long, "II/c")
    for code, tmt_on in (("II/d", dt.date(2012, 4, 1)), ("III/a", dt.date(2016, 4, 1)), ("III/b", dt.date(2020, 4, 1))):
        rank_history(long, code, tmt_on)
    for year in SKP_YEARS:
        skp(long, year)
    client = login(city.admin)

    def count(employee):
        return _queries(client, reverse("portal:employee-detail", args=[employee.pk]) + "?tab=pangkat")

    assert count(short) == count(long)


def test_the_dashboard_shows_each_role_s_promotion_card(city, login, careers):
    proposals.approve_as_supervisor(_walk(city, careers.outsider, P.PROPOSED), by=city.admin)

    employee = text(login(city.staff_b.user).get(reverse("portal:dashboard")))
    supervisor = text(login(city.supervisor.user).get(reverse("portal:dashboard")))
    operator = login(city.operator.user).get(reverse("portal:dashboard"))
    bkpp = text(login(city.admin).get(reverse("portal:dashboard")))

    assert 'data-testid="careers-outlook-card"' in employee
    assert "Not yet eligible for 1 January 2027" in employee
    failing = eligibility.explain(city.staff_b, PERIOD).failing
    labels = ", ".join(str(eligibility.CRITERIA_BY_CODE[code].label) for code in failing)
    assert f"Not met: {labels}" in employee  # the criteria by name, not their objects
    assert "Check(" not in employee
    assert 'data-testid="card-proposals-waiting">1<' in supervisor
    assert 'data-testid="card-eligible">1<' in text(operator)
    assert 'data-testid="card-eligible">2<' in bkpp
    assert 'data-testid="card-verify">1<' in bkpp


def test_the_dashboard_card_reuses_its_city_wide_count_per_scope_and_says_when(
    city, login, careers, settings, monkeypatch
):
    from django.core.cache import cache

    settings.SIGAP_DASHBOARD_CACHE_SECONDS = 300
    period = selectors.default_period(selectors.period_choices(selectors.today()))
    for scope in ("all", f"opd-{city.dinkes.pk}"):
        cache.delete(f"sigap:dashboard:careers-eligible:{scope}:{period.isoformat()}:{selectors.today().isoformat()}")
    counted = []
    count = selectors.eligible_count
    monkeypatch.setattr(selectors, "eligible_count", lambda user, on: counted.append(user) or count(user, on))
    bkpp = login(city.admin)

    first = text(bkpp.get(reverse("portal:dashboard")))
    second = text(bkpp.get(reverse("portal:dashboard")))
    operator = text(login(city.operator.user).get(reverse("portal:dashboard")))

    assert 'data-testid="card-eligible">2<' in first and 'data-testid="card-eligible">2<' in second
    assert 'data-testid="card-eligible-counted">Counted at ' in second
    assert 'data-testid="card-eligible">1<' in operator  # another scope: its own count
    assert counted == [city.admin, city.operator.user]  # BKPP's second view reused the first count


def test_the_menu_shows_promotion_to_employees_and_hr_but_not_the_inspektorat(city, login, careers):
    def entries(user):
        items = login(user).get(reverse("portal:dashboard")).context["nav_items"]
        return [item["key"] for item in (items() if callable(items) else items)]

    assert "careers" in entries(city.staff_a.user)
    assert "careers" in entries(city.admin)
    assert "careers" not in entries(city.inspektur)


@pytest.mark.parametrize(
    ("who", "target"),
    [("admin", "careers:candidates"), ("operator", "careers:candidates"), ("staff_a", "careers:my-outlook")],
)
def test_the_menu_entry_leads_each_role_to_its_page(city, login, careers, who, target):
    response = login(city.user(who)).get(reverse("careers:home"))

    assert response.status_code == 302
    assert response.url == reverse(target)


def test_rank_ids_are_the_rank_order():
    """The decree form posts the rank's id; the tests above rely on III/c being 11."""
    assert Rank.objects.get(code="III/c").pk == 11
