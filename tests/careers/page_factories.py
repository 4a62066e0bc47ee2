"""Builders for the proposal and careers-page tests: employees with the histories that make
them eligible (or not) for a promotion period, and proposals walked to a given step through
the services.

The day is pinned to TODAY (a Saturday in late November 2026). Under the monthly regime
(Peraturan BKN 4/2025) the window of PERIOD (1 January 2027) runs from 16 November to 15
December 2026, so it is open on TODAY; the window of LATER (1 March 2027) opens on 16 January
2027."""

from __future__ import annotations

import datetime as dt

from asn_portal.models import Employee
from careers import proposals
from careers.models import DocumentKind, Predikat, PromotionProposal, ProposalState
from tests.careers.factories import appoint, rank_history, skp

TODAY = dt.date(2026, 11, 28)
PERIOD = dt.date(2027, 1, 1)
LATER = dt.date(2027, 3, 1)
SKP_YEARS = (2025, 2026)  # the two calendar years before PERIOD's year

P = ProposalState


def fresh(employee: Employee) -> Employee:
    return Employee.objects.select_related("rank", "supervisor__user").get(pk=employee.pk)


def eligible(employee: Employee, *, rank: str = "III/b", since: dt.date = dt.date(2020, 4, 1)) -> Employee:
    """Appointed as CPNS/PNS in III/a, promoted to `rank` on `since` (a period date of the
    regime then), SKP Baik in 2025 and 2026: a regular promotion on PERIOD when `since` is at
    least four years before it."""
    appoint(employee, "III/a")
    if rank != "III/a":
        rank_history(employee, rank, since)
    for year in SKP_YEARS:
        skp(employee, year, Predikat.BAIK, today=TODAY)
    return fresh(employee)


def held_back_by_time(employee: Employee) -> Employee:
    """III/b since 1 April 2024, SKP Baik: only the time in rank is missing on PERIOD (met on
    1 April 2028)."""
    return eligible(employee, since=dt.date(2024, 4, 1))


def without_skp(employee: Employee) -> Employee:
    appoint(employee, "III/a")
    rank_history(employee, "III/b", dt.date(2020, 4, 1))
    return fresh(employee)


ALL_DOCUMENTS = [str(code) for code in DocumentKind.values]


def proposal_at(state: str, employee: Employee, *, proposer, bkpp, supervisor_user=None, period=PERIOD):
    """A proposal of `employee` walked through the services to `state`."""
    proposal = proposals.propose(employee, period_on=period, by=proposer, documents=ALL_DOCUMENTS)
    if state == P.PROPOSED:
        return proposal
    if state == P.WITHDRAWN:
        return proposals.withdraw(proposal, by=proposer, reason="Salah usul")
    if state == P.RETURNED:
        return proposals.return_to_opd(proposal, by=supervisor_user or bkpp, reason="Lengkapi SK terakhir")
    proposal = proposals.approve_as_supervisor(proposal, by=supervisor_user or bkpp)
    if state == P.SUPERVISOR_APPROVED:
        return proposal
    if state == P.REJECTED:
        return proposals.reject(proposal, by=bkpp, reason="Tidak memenuhi syarat")
    proposal = proposals.verify(proposal, by=bkpp, documents=ALL_DOCUMENTS)
    if state == P.VERIFIED:
        return proposal
    proposal = proposals.submit_to_bkn(proposal, by=bkpp, reference="BKN-2026-000123")
    if state == P.SUBMITTED:
        return proposal
    if state == P.APPROVED:
        return proposals.record_decree(
            proposal, by=bkpp, decree_number="823.3/001/2027", decree_on=dt.date(2026, 12, 20), tmt_on=period
        )
    raise ValueError(state)


def state_of(proposal: PromotionProposal) -> str:
    return PromotionProposal.objects.get(pk=proposal.pk).state
