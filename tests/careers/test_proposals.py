"""The promotion proposal workflow (careers.proposals, issue 5 part 6): every step and every
step that is not possible from a state, the eligibility snapshot that later changes of data
or rules never rewrite, BKPP's override with a written reason, the proposal window, and the
decree that writes the rank history and the employee's current rank in one transaction — or
nothing at all."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from asn_portal.models import Employee, EmploymentType, Notification, Rank
from asn_portal.services import ServiceError
from careers import eligibility, proposals
from careers.models import (
    DocumentKind,
    PerformanceRating,
    PromotionKind,
    PromotionProposal,
    PromotionRule,
    ProposalEvent,
    ProposalState,
    RankHistory,
)
from tests.careers.page_factories import (
    ALL_DOCUMENTS,
    LATER,
    PERIOD,
    TODAY,
    eligible,
    fresh,
    held_back_by_time,
    proposal_at,
    state_of,
    without_skp,
)
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

P = ProposalState
BASE = [DocumentKind.SK_CPNS, DocumentKind.SK_PNS, DocumentKind.SK_PANGKAT, DocumentKind.SKP]


@pytest.fixture
def staff(city):
    """staff_a: eligible for PERIOD (III/b since 2020, SKP Baik), supervised by city.supervisor."""
    return eligible(city.staff_a)


def _propose(city, employee, **extra):
    extra.setdefault("documents", ALL_DOCUMENTS)
    return proposals.propose(employee, period_on=PERIOD, by=city.operator.user, **extra)


def _walk(city, employee, state):
    return proposal_at(
        state, employee, proposer=city.operator.user, bkpp=city.admin, supervisor_user=city.supervisor.user
    )


# ---------------------------------------------------------------------------------------------
# Proposing
# ---------------------------------------------------------------------------------------------


def test_proposing_an_eligible_employee_stores_the_explanation_and_asks_the_supervisor(city, staff):
    proposal = _propose(city, staff, documents=[DocumentKind.SK_CPNS, DocumentKind.SKP])

    proposal.refresh_from_db()
    assert proposal.state == P.PROPOSED
    assert (proposal.from_rank.code, proposal.to_rank.code) == ("III/b", "III/c")
    assert proposal.kind == PromotionKind.REGULER
    assert proposal.opd_id == city.dinkes.pk
    assert proposal.eligibility["eligible"] is True
    assert proposal.eligibility["period"] == PERIOD.isoformat()
    assert proposal.rule_version == proposal.eligibility["rule_version"] == "reguler-2025.1"
    assert {c["code"] for c in proposal.eligibility["criteria"]} >= {"employment", "time", "performance", "integrity"}
    assert proposal.documents == {
        DocumentKind.SK_CPNS: True,
        DocumentKind.SK_PNS: False,
        DocumentKind.SK_PANGKAT: False,
        DocumentKind.SKP: True,
        DocumentKind.IJAZAH: False,
    }
    assert list(proposal.events.values_list("from_state", "to_state", "by")) == [
        ("", P.PROPOSED, city.operator.user.pk)
    ]
    assert Notification.objects.filter(
        recipient=city.supervisor.user, key=f"promotion-proposal-{proposal.pk}-supervisor"
    ).exists()


def test_the_operator_cannot_propose_someone_not_eligible_and_nothing_is_written(city):
    employee = held_back_by_time(city.staff_a)

    with pytest.raises(ServiceError) as refused:
        _propose(city, employee)

    assert refused.value.code == "not_eligible"
    assert not PromotionProposal.objects.exists()
    assert not ProposalEvent.objects.exists()


def test_bkpp_proposes_someone_not_eligible_only_with_a_written_reason(city):
    employee = without_skp(city.staff_a)

    with pytest.raises(ServiceError) as refused:
        proposals.propose(employee, period_on=PERIOD, by=city.admin, override_reason="   ")
    proposal = proposals.propose(
        employee, period_on=PERIOD, by=city.admin, override_reason="SKP 2025 dan 2026 ada di SIASN, belum diimpor."
    )

    assert refused.value.code == "override_reason_required"
    assert proposal.override_reason == "SKP 2025 dan 2026 ada di SIASN, belum diimpor."
    assert proposal.eligibility["eligible"] is False
    assert proposal.events.get().reason == proposal.override_reason


def test_an_override_reason_is_dropped_when_the_employee_is_eligible(city, staff):
    proposal = proposals.propose(staff, period_on=PERIOD, by=city.admin, override_reason="tidak perlu")

    assert proposal.override_reason == ""


@pytest.mark.parametrize("day", [dt.date(2027, 1, 15), dt.date(2026, 12, 31)])
def test_a_date_that_is_not_a_period_is_refused_and_nothing_is_written(city, staff, day):
    with pytest.raises(ServiceError) as refused:
        proposals.propose(staff, period_on=day, by=city.operator.user)

    assert refused.value.code == "not_a_period"
    assert refused.value.field == "period"
    assert not PromotionProposal.objects.exists()


@pytest.mark.parametrize("employment_type", [EmploymentType.CPNS, EmploymentType.PPPK])
def test_only_a_pns_with_a_rank_can_be_proposed(city, employment_type):
    rank = None if employment_type == EmploymentType.PPPK else Rank.objects.get(code="III/a")
    employee = EmployeeFactory(unit=city.dinkes, employment_type=employment_type, rank=rank)

    with pytest.raises(ServiceError) as refused:
        proposals.propose(employee, period_on=PERIOD, by=city.admin, override_reason="coba")

    assert refused.value.code == "not_pns"


def test_a_second_proposal_for_the_same_period_is_refused_until_the_first_ends(city, staff):
    first = _propose(city, staff)

    with pytest.raises(ServiceError) as refused:
        _propose(city, staff)
    proposals.withdraw(first, by=city.operator.user, reason="Salah periode")
    again = _propose(city, staff)

    assert refused.value.code == "already_proposed"
    assert again.pk != first.pk
    assert PromotionProposal.objects.filter(employee=staff).count() == 2


def test_another_period_is_a_separate_proposal(city, staff):
    _propose(city, staff)

    second = proposals.propose(staff, period_on=LATER, by=city.admin)

    assert second.period_on == LATER


def test_the_opd_proposes_only_while_the_window_is_open_but_bkpp_may_later(city, staff):
    before_window = dt.date(2026, 11, 10)
    after_deadline = dt.date(2026, 12, 20)

    with pytest.raises(ServiceError) as early:
        proposals.propose(staff, period_on=PERIOD, by=city.operator.user, today=before_window)
    with pytest.raises(ServiceError) as late:
        proposals.propose(staff, period_on=PERIOD, by=city.operator.user, today=after_deadline)
    by_bkpp = proposals.propose(staff, period_on=PERIOD, by=city.admin, today=after_deadline)

    assert early.value.code == late.value.code == "window_closed"
    assert "16" in early.value.message
    assert by_bkpp.state == P.PROPOSED


def test_propose_many_proposes_the_eligible_and_reports_each_refusal(city, staff):
    held = held_back_by_time(city.staff_b)
    outsider = eligible(city.outsider)
    _propose(city, outsider)

    result = proposals.propose_many([staff, held, outsider], period_on=PERIOD, by=city.admin, today=TODAY)

    assert [p.employee_id for p in result.proposed] == [staff.pk]
    assert {(e.pk, error.code) for e, error in result.refused} == {
        (held.pk, "override_reason_required"),
        (outsider.pk, "already_proposed"),
    }


def test_the_dossier_follows_the_kind_and_the_golongan_crossing():
    snapshot_crossing = {"criteria": [{"code": "exam", "exempt": False}]}
    snapshot_exempt = {"criteria": [{"code": "exam", "exempt": True}]}

    functional = proposals.required_documents(PromotionKind.FUNGSIONAL, {})
    crossing = proposals.required_documents(PromotionKind.REGULER, snapshot_crossing)
    exempt = proposals.required_documents(PromotionKind.REGULER, snapshot_exempt)
    ijazah = proposals.required_documents(PromotionKind.IJAZAH, {"criteria": [{"code": "ukppi"}]})

    assert functional == [*BASE, DocumentKind.SK_JABATAN, DocumentKind.PAK]
    assert crossing == [*BASE, DocumentKind.IJAZAH, DocumentKind.UJIAN_DINAS]
    assert exempt == [*BASE, DocumentKind.IJAZAH]
    assert ijazah == [*BASE, DocumentKind.IJAZAH, DocumentKind.UKPPI]


# ---------------------------------------------------------------------------------------------
# The snapshot is never rewritten
# ---------------------------------------------------------------------------------------------


def test_the_snapshot_stays_as_proposed_after_the_data_and_the_rules_change(city, staff):
    proposal = _propose(city, staff)
    stored = PromotionProposal.objects.get(pk=proposal.pk).eligibility

    PerformanceRating.objects.filter(employee=staff, year=2026).delete()
    PromotionRule.objects.filter(kind=PromotionKind.REGULER).update(years_in_rank=10, version="reguler-2027.1")
    proposals.approve_as_supervisor(proposal, by=city.supervisor.user)
    now = eligibility.explain(staff, PERIOD)

    proposal.refresh_from_db()
    assert proposal.eligibility == stored
    assert proposal.rule_version == "reguler-2025.1"
    assert stored["eligible"] is True
    assert not now.eligible
    assert set(now.failing) == {"time", "performance"}
    assert now.rule_version == "reguler-2027.1"


# ---------------------------------------------------------------------------------------------
# The steps
# ---------------------------------------------------------------------------------------------


def test_the_whole_way_to_the_decree(city, staff):
    proposal = _propose(city, staff)

    proposals.approve_as_supervisor(proposal, by=city.supervisor.user, note="Kinerja baik")
    proposals.verify(proposal, by=city.admin, documents=list(proposal.documents))
    proposals.submit_to_bkn(proposal, by=city.admin, reference="  BKN-KP-2026-0042 ")
    proposals.record_decree(
        proposal,
        by=city.admin,
        decree_number="B-1234/KP/XII/2026",
        decree_on=dt.date(2026, 12, 20),
        tmt_on=PERIOD,
    )

    proposal.refresh_from_db()
    assert proposal.state == P.APPROVED
    assert proposal.bkn_reference == "BKN-KP-2026-0042"
    assert (proposal.decree_number, proposal.decree_on) == ("B-1234/KP/XII/2026", dt.date(2026, 12, 20))
    assert list(proposal.events.values_list("to_state", flat=True)) == [
        P.PROPOSED,
        P.SUPERVISOR_APPROVED,
        P.VERIFIED,
        P.SUBMITTED,
        P.APPROVED,
    ]
    assert proposal.events.get(to_state=P.SUPERVISOR_APPROVED).reason == "Kinerja baik"
    assert Notification.objects.filter(recipient=staff.user, title__contains="III/c").exists()


def test_the_decree_writes_the_rank_history_and_the_current_rank(city, staff):
    proposal = _walk(city, staff, P.SUBMITTED)

    proposals.record_decree(
        proposal, by=city.admin, decree_number="B-77/KP/2026", decree_on=dt.date(2026, 12, 20), tmt_on=PERIOD
    )

    entry = RankHistory.objects.filter(employee=staff).order_by("-tmt_on").first()
    employee = Employee.objects.get(pk=staff.pk)
    assert (entry.rank.code, entry.tmt_on, entry.kind) == ("III/c", PERIOD, PromotionKind.REGULER)
    assert (entry.decree_number, entry.decree_on) == ("B-77/KP/2026", dt.date(2026, 12, 20))
    assert (employee.rank.code, employee.rank_tmt_on) == ("III/c", PERIOD)


def test_bkn_may_grant_another_rank_and_tmt_than_proposed(city, staff):
    proposal = _walk(city, staff, P.SUBMITTED)

    proposals.record_decree(
        proposal,
        by=city.admin,
        decree_number="B-78/KP/2027",
        decree_on=dt.date(2027, 1, 20),
        tmt_on=dt.date(2027, 2, 1),
        rank=Rank.objects.get(code="III/d"),
    )

    proposal.refresh_from_db()
    employee = Employee.objects.get(pk=staff.pk)
    assert proposal.to_rank.code == "III/d"
    assert (employee.rank.code, employee.rank_tmt_on) == ("III/d", dt.date(2027, 2, 1))


@pytest.mark.parametrize("tmt_on", [dt.date(2027, 1, 15), dt.date(2027, 1, 2)])
def test_a_decree_tmt_that_is_not_a_period_is_refused_and_nothing_is_written(city, staff, tmt_on):
    proposal = _walk(city, staff, P.SUBMITTED)
    events = ProposalEvent.objects.count()
    rows = RankHistory.objects.count()

    with pytest.raises(ServiceError) as refused:
        proposals.record_decree(
            proposal, by=city.admin, decree_number="B-1/KP", decree_on=dt.date(2026, 12, 20), tmt_on=tmt_on
        )

    assert refused.value.code == "not_a_period"
    assert "1 Februari 2027" in refused.value.message or "1 February 2027" in refused.value.message
    proposal.refresh_from_db()
    assert proposal.state == P.SUBMITTED
    assert proposal.decree_number == ""
    assert ProposalEvent.objects.count() == events
    assert RankHistory.objects.count() == rows
    assert fresh(staff).rank.code == "III/b"


def test_a_decree_rank_not_above_the_current_one_is_refused(city, staff):
    proposal = _walk(city, staff, P.SUBMITTED)

    with pytest.raises(ServiceError) as refused:
        proposals.record_decree(
            proposal,
            by=city.admin,
            decree_number="B-2/KP",
            decree_on=dt.date(2026, 12, 20),
            tmt_on=PERIOD,
            rank=Rank.objects.get(code="III/b"),
        )

    assert refused.value.code == "rank_not_higher"
    assert state_of(proposal) == P.SUBMITTED


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("decree_number", {"decree_number": "  "}),
        ("tmt_on", {"tmt_on": None}),
    ],
)
def test_a_decree_needs_its_number_and_dates(city, staff, field, values):
    proposal = _walk(city, staff, P.SUBMITTED)
    data = {"decree_number": "B-3/KP", "decree_on": dt.date(2026, 12, 20), "tmt_on": PERIOD} | values

    with pytest.raises(ServiceError) as refused:
        proposals.record_decree(proposal, by=city.admin, **data)

    assert refused.value.field == field
    assert state_of(proposal) == P.SUBMITTED


def test_the_decree_and_its_rank_history_are_one_transaction(city, staff, monkeypatch):
    proposal = _walk(city, staff, P.SUBMITTED)

    def broken_event(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(proposals, "_event", broken_event)
    with pytest.raises(RuntimeError):
        proposals.record_decree(
            proposal, by=city.admin, decree_number="B-4/KP", decree_on=dt.date(2026, 12, 20), tmt_on=PERIOD
        )

    assert not RankHistory.objects.filter(employee=staff, tmt_on=PERIOD).exists()
    assert fresh(staff).rank.code == "III/b"
    assert PromotionProposal.objects.get(pk=proposal.pk).decree_number == ""


def test_a_decree_the_rank_history_refuses_writes_nothing(city, staff):
    """A rank already recorded on that TMT (e.g. imported from SIASN): the history's own rule
    refuses, and the proposal stays at BKN."""
    proposal = _walk(city, staff, P.SUBMITTED)
    RankHistory.objects.create(employee=staff, rank=Rank.objects.get(code="III/c"), tmt_on=PERIOD, kind="reguler")

    with pytest.raises(ServiceError) as refused:
        proposals.record_decree(
            proposal, by=city.admin, decree_number="B-5/KP", decree_on=dt.date(2026, 12, 20), tmt_on=PERIOD
        )

    assert refused.value.code == "rank_tmt_taken"
    assert state_of(proposal) == P.SUBMITTED
    assert not ProposalEvent.objects.filter(proposal=proposal, to_state=P.APPROVED).exists()


def test_verification_needs_every_document_and_a_refusal_writes_nothing(city, staff):
    proposal = _walk(city, staff, P.SUPERVISOR_APPROVED)
    proposals_documents = dict(PromotionProposal.objects.get(pk=proposal.pk).documents)

    with pytest.raises(ServiceError) as refused:
        proposals.verify(proposal, by=city.admin, documents=[DocumentKind.SK_CPNS])

    assert refused.value.code == "documents_missing"
    assert str(DocumentKind.SKP.label) in refused.value.message
    stored = PromotionProposal.objects.get(pk=proposal.pk)
    assert stored.state == P.SUPERVISOR_APPROVED
    assert stored.documents == proposals_documents


def test_submission_needs_bkn_s_reference(city, staff):
    proposal = _walk(city, staff, P.VERIFIED)

    with pytest.raises(ServiceError) as refused:
        proposals.submit_to_bkn(proposal, by=city.admin, reference=" ")

    assert refused.value.code == "reference_required"
    assert state_of(proposal) == P.VERIFIED


@pytest.mark.parametrize("state", [P.PROPOSED, P.SUPERVISOR_APPROVED, P.VERIFIED, P.SUBMITTED])
def test_a_proposal_is_returned_with_a_reason_corrected_and_sent_again(city, staff, state):
    proposal = _walk(city, staff, state)
    snapshot = PromotionProposal.objects.get(pk=proposal.pk).eligibility

    with pytest.raises(ServiceError) as no_reason:
        proposals.return_to_opd(proposal, by=city.admin, reason="")
    proposals.return_to_opd(proposal, by=city.admin, reason="SK pangkat terakhir buram")
    proposals.resubmit(proposal, by=city.operator.user, documents=[DocumentKind.SK_PANGKAT])

    proposal.refresh_from_db()
    assert no_reason.value.code == "reason_required"
    assert proposal.state == P.PROPOSED
    assert proposal.documents[DocumentKind.SK_PANGKAT] is True
    assert proposal.documents[DocumentKind.SK_CPNS] is False
    assert proposal.eligibility == snapshot
    assert proposal.events.filter(to_state=P.RETURNED).get().reason == "SK pangkat terakhir buram"
    assert Notification.objects.filter(recipient=city.operator.user, title__contains=staff.full_name).exists()


@pytest.mark.parametrize("state", [P.SUPERVISOR_APPROVED, P.VERIFIED, P.SUBMITTED])
def test_bkpp_rejects_with_a_reason(city, staff, state):
    proposal = _walk(city, staff, state)

    with pytest.raises(ServiceError):
        proposals.reject(proposal, by=city.admin, reason="")
    proposals.reject(proposal, by=city.admin, reason="BKN: masa kerja tidak sesuai")

    assert state_of(proposal) == P.REJECTED
    assert _propose(city, staff).state == P.PROPOSED  # a rejected proposal no longer counts


@pytest.mark.parametrize("state", [P.PROPOSED, P.RETURNED, P.SUPERVISOR_APPROVED, P.VERIFIED, P.SUBMITTED])
def test_a_live_proposal_can_be_withdrawn_with_a_reason(city, staff, state):
    proposal = _walk(city, staff, state)

    with pytest.raises(ServiceError):
        proposals.withdraw(proposal, by=city.admin, reason=" ")
    proposals.withdraw(proposal, by=city.admin, reason="Pegawai mutasi ke instansi lain")

    assert state_of(proposal) == P.WITHDRAWN


# Which step is possible from which state; every other pair is refused.
STEPS = {
    "approve": (P.PROPOSED,),
    "return": (P.PROPOSED, P.SUPERVISOR_APPROVED, P.VERIFIED, P.SUBMITTED),
    "resubmit": (P.RETURNED,),
    "verify": (P.SUPERVISOR_APPROVED,),
    "submit": (P.VERIFIED,),
    "decree": (P.SUBMITTED,),
    "reject": (P.SUPERVISOR_APPROVED, P.VERIFIED, P.SUBMITTED),
    "withdraw": P.live(),
}
STATES = tuple(P.values)


def _take(step, proposal, city):
    if step == "approve":
        return proposals.approve_as_supervisor(proposal, by=city.supervisor.user)
    if step == "return":
        return proposals.return_to_opd(proposal, by=city.admin, reason="alasan")
    if step == "resubmit":
        return proposals.resubmit(proposal, by=city.operator.user)
    if step == "verify":
        return proposals.verify(proposal, by=city.admin, documents=ALL_DOCUMENTS)
    if step == "submit":
        return proposals.submit_to_bkn(proposal, by=city.admin, reference="BKN-1")
    if step == "decree":
        return proposals.record_decree(
            proposal, by=city.admin, decree_number="B-9", decree_on=dt.date(2026, 12, 20), tmt_on=PERIOD
        )
    if step == "reject":
        return proposals.reject(proposal, by=city.admin, reason="alasan")
    return proposals.withdraw(proposal, by=city.admin, reason="alasan")


@pytest.mark.parametrize(
    ("step", "state"),
    [(step, state) for step, allowed in STEPS.items() for state in STATES if state not in allowed],
)
def test_a_step_not_possible_from_the_state_is_refused_and_changes_nothing(city, staff, step, state):
    proposal = _walk(city, staff, state)
    events = ProposalEvent.objects.filter(proposal=proposal).count()
    before = PromotionProposal.objects.filter(pk=proposal.pk).values().get()

    with pytest.raises(ServiceError) as refused:
        _take(step, proposal, city)

    assert refused.value.code == "invalid_transition"
    assert PromotionProposal.objects.filter(pk=proposal.pk).values().get() == before
    assert ProposalEvent.objects.filter(proposal=proposal).count() == events


@pytest.mark.parametrize(("step", "state"), [(step, state) for step, allowed in STEPS.items() for state in allowed])
def test_each_possible_step_moves_the_proposal_and_records_who(city, staff, step, state):
    proposal = _walk(city, staff, state)

    _take(step, proposal, city)

    last = ProposalEvent.objects.filter(proposal=proposal).order_by("-at", "-id").first()
    assert last.from_state == state
    assert last.to_state == state_of(proposal)
    assert last.by_id is not None


# ---------------------------------------------------------------------------------------------
# Concurrency (PostgreSQL)
# ---------------------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_proposals_of_one_employee_make_one(city):
    staff = eligible(city.staff_a)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run(user):
        try:
            barrier.wait()
            proposals.propose(Employee.objects.get(pk=staff.pk), period_on=PERIOD, by=user)
            outcomes.append("proposed")
        except ServiceError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(user,)) for user in (city.operator.user, city.admin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already_proposed", "proposed"]
    assert PromotionProposal.objects.filter(employee=staff).count() == 1
