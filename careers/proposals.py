"""The promotion proposal workflow (usul kenaikan pangkat, DESIGN.md "Promotion"; DOMAIN.md
§3.5): the OPD proposes → the direct supervisor approves or returns → BKPP verifies the
dossier → submitted to BKN → the decree is recorded (a new rank-history row and the employee's
current rank, in the same transaction) or the proposal is rejected.

Each proposal stores the engine's explanation when it was made (`eligibility`, with the rule
version), so a later change of data or rules never rewrites why it was proposed. A proposal
for someone the engine finds not eligible needs BKPP and a written reason. Every move is a
`ProposalEvent` (who, when, why); the people concerned are told after the commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from asn_portal.models import Employee, EmploymentType, Rank, User
from asn_portal.services import ServiceError, notify
from careers import eligibility, history, periods
from careers import permissions as careers_permissions
from careers.models import DocumentKind, PromotionKind, PromotionProposal, ProposalEvent, ProposalState

P = ProposalState

# DOMAIN.md §3.5: the dossier of every kind, plus what each kind adds.
BASE_DOCUMENTS = (DocumentKind.SK_CPNS, DocumentKind.SK_PNS, DocumentKind.SK_PANGKAT, DocumentKind.SKP)
KIND_DOCUMENTS = {
    PromotionKind.REGULER: (DocumentKind.IJAZAH,),
    PromotionKind.STRUKTURAL: (DocumentKind.IJAZAH, DocumentKind.SK_JABATAN),
    PromotionKind.FUNGSIONAL: (DocumentKind.SK_JABATAN, DocumentKind.PAK),
    PromotionKind.IJAZAH: (DocumentKind.IJAZAH,),
}
EXAM_CRITERION = "exam"
UKPPI_CRITERION = "ukppi"


def required_documents(kind: str, snapshot: dict) -> list[str]:
    """The checklist of a proposal: the base dossier, the kind's additions, the ujian dinas
    certificate when the promotion crosses a golongan by exam, the UKPPI certificate when a
    diploma adjustment needs one."""
    needed = [*BASE_DOCUMENTS, *KIND_DOCUMENTS.get(kind, ())]
    codes = {c["code"]: c for c in snapshot.get("criteria", [])}
    if EXAM_CRITERION in codes and not codes[EXAM_CRITERION].get("exempt"):
        needed.append(DocumentKind.UJIAN_DINAS)
    if UKPPI_CRITERION in codes and not codes[UKPPI_CRITERION].get("exempt"):
        needed.append(DocumentKind.UKPPI)
    return [str(d) for d in dict.fromkeys(needed)]


def _url(proposal: PromotionProposal) -> str:
    try:
        return reverse("careers:proposal-detail", args=[proposal.pk])
    except NoReverseMatch:  # the pages arrive after the services
        return ""


def _event(proposal: PromotionProposal, to_state: str, *, by: User | None, reason: str = "") -> None:
    ProposalEvent.objects.create(proposal=proposal, from_state=proposal.state, to_state=to_state, by=by, reason=reason)
    proposal.state = to_state
    proposal.save(update_fields=["state", "updated_at"])


def _lock(proposal: PromotionProposal) -> PromotionProposal:
    return (
        PromotionProposal.objects.select_for_update(of=("self",))
        .select_related("employee__supervisor__user", "employee__user", "from_rank", "to_rank")
        .get(pk=proposal.pk)
    )


def _expect(proposal: PromotionProposal, *states: str) -> None:
    if proposal.state not in states:
        raise ServiceError(
            _("This proposal is “%(state)s”; that step is not possible now.") % {"state": proposal.get_state_display()},
            "invalid_transition",
            "state",
        )


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Write the reason."), "reason_required", "reason")
    return reason


def _tell(user: User | None, proposal: PromotionProposal, title: str, body: str = "", key: str = "") -> None:
    if user is not None:
        notify(user, title=title, body=body, url=_url(proposal), key=key)


def _supervisor_user(employee: Employee) -> User | None:
    return employee.supervisor.user if employee.supervisor_id and employee.supervisor.user_id else None


def _check_window(period_on: dt.date, today: dt.date) -> None:
    """DOMAIN.md §3.2: the OPD proposes inside the period's window, up to BKPP's internal
    deadline. BKPP itself may still propose after it (it deals with BKN's own deadline)."""
    if period_on in periods.open_for(today):
        return
    opens, _closes, deadline = periods.window(period_on)
    values = {
        "period": date_format(period_on, "j F Y"),
        "opens": date_format(opens, "j F Y"),
        "deadline": date_format(deadline, "j F Y"),
    }
    if today < opens:
        message = _("Proposals for the period %(period)s open on %(opens)s.") % values
    else:
        message = _("Proposals for the period %(period)s closed on %(deadline)s; ask BKPP.") % values
    raise ServiceError(message, "window_closed", "period")


# ---------------------------------------------------------------------------------------------
# Proposing
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def propose(
    employee: Employee,
    *,
    period_on: dt.date,
    by: User,
    documents: Iterable[str] = (),
    override_reason: str = "",
    today: dt.date | None = None,
) -> PromotionProposal:
    """Propose one employee for the period. The engine's explanation is stored with it; if it
    says not eligible, only BKPP may propose, with `override_reason`. With `today`, someone
    other than BKPP may propose only while the period's window is open. Raises `ServiceError`
    (`not_a_period`, `window_closed`, `not_pns`, `already_proposed`, `not_eligible`,
    `override_reason_required`, `top_rank`)."""
    periods.check_period(period_on)
    if today is not None and not careers_permissions.can_override(by):
        _check_window(period_on, today)
    employee = Employee.objects.select_for_update(of=("self",)).select_related("supervisor__user").get(pk=employee.pk)
    if employee.employment_type != EmploymentType.PNS or employee.rank_id is None:
        raise ServiceError(_("Only a PNS with a rank can be proposed for promotion."), "not_pns", "employee")
    if PromotionProposal.objects.filter(
        employee=employee, period_on=period_on, state__in=[*P.live(), P.APPROVED]
    ).exists():
        raise ServiceError(
            _("%(name)s already has a proposal for the period %(period)s.")
            % {"name": employee.full_name, "period": date_format(period_on, "j F Y")},
            "already_proposed",
            "employee",
        )
    outlook = eligibility.explain(employee, period_on)
    snapshot = eligibility.snapshot(outlook)
    override_reason = (override_reason or "").strip()
    if not outlook.eligible:
        if not careers_permissions.can_override(by):
            raise ServiceError(
                _("%(name)s is not eligible for the period %(period)s; only BKPP may propose with a written reason.")
                % {"name": employee.full_name, "period": date_format(period_on, "j F Y")},
                "not_eligible",
                "employee",
            )
        if not override_reason:
            raise ServiceError(
                _("%(name)s is not eligible for this period: write why BKPP proposes anyway.")
                % {"name": employee.full_name},
                "override_reason_required",
                "override_reason",
            )
    else:
        override_reason = ""
    target = outlook.target_rank or Rank.objects.filter(pk=employee.rank_id + 1).first()
    if target is None:
        raise ServiceError(_("%(name)s is at the highest rank.") % {"name": employee.full_name}, "top_rank", "employee")
    kind = outlook.kind or PromotionKind.REGULER
    allowed = required_documents(kind, snapshot)
    ticked = set(documents)
    try:
        with transaction.atomic():
            proposal = PromotionProposal.objects.create(
                employee=employee,
                opd_id=employee.opd_id,
                period_on=period_on,
                kind=kind,
                from_rank_id=employee.rank_id,
                to_rank=target,
                eligibility=snapshot,
                rule_version=snapshot.get("rule_version", ""),
                override_reason=override_reason,
                documents={code: code in ticked for code in allowed},
                proposed_by=by,
            )
    except IntegrityError as exc:  # a simultaneous second proposal
        raise ServiceError(
            _("%(name)s already has a proposal for the period %(period)s.")
            % {"name": employee.full_name, "period": date_format(period_on, "j F Y")},
            "already_proposed",
            "employee",
        ) from exc
    ProposalEvent.objects.create(proposal=proposal, from_state="", to_state=P.PROPOSED, by=by, reason=override_reason)
    _tell(
        _supervisor_user(employee),
        proposal,
        _("Promotion proposal to approve: %(name)s") % {"name": employee.full_name},
        key=f"promotion-proposal-{proposal.pk}-supervisor",
    )
    return proposal


@dataclass(frozen=True)
class BulkResult:
    proposed: list[PromotionProposal]
    refused: list[tuple[Employee, ServiceError]]


def propose_many(
    employees: Iterable[Employee], *, period_on: dt.date, by: User, today: dt.date | None = None
) -> BulkResult:
    """Propose each employee in its own transaction; a refusal (not eligible, already
    proposed) is reported and the others go ahead. Never overrides: someone not eligible is
    refused even when BKPP asks (an override needs its reason, one by one)."""
    proposed, refused = [], []
    for employee in employees:
        try:
            proposed.append(propose(employee, period_on=period_on, by=by, today=today))
        except ServiceError as error:
            refused.append((employee, error))
    return BulkResult(proposed, refused)


# ---------------------------------------------------------------------------------------------
# The steps
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def approve_as_supervisor(proposal: PromotionProposal, *, by: User, note: str = "") -> PromotionProposal:
    """The direct supervisor agrees; the proposal goes on to BKPP's verification."""
    proposal = _lock(proposal)
    _expect(proposal, P.PROPOSED)
    _event(proposal, P.SUPERVISOR_APPROVED, by=by, reason=(note or "").strip())
    return proposal


@transaction.atomic
def return_to_opd(proposal: PromotionProposal, *, by: User, reason: str) -> PromotionProposal:
    """The supervisor (while it waits for them) or BKPP (from its own steps, or recording that
    BKN returned it) sends it back to the OPD with a reason."""
    reason = _require_reason(reason)
    proposal = _lock(proposal)
    _expect(proposal, P.PROPOSED, P.SUPERVISOR_APPROVED, P.VERIFIED, P.SUBMITTED)
    _event(proposal, P.RETURNED, by=by, reason=reason)
    _tell(
        proposal.proposed_by,
        proposal,
        _("Promotion proposal returned: %(name)s") % {"name": proposal.employee.full_name},
        body=reason,
    )
    return proposal


@transaction.atomic
def resubmit(proposal: PromotionProposal, *, by: User, documents: Iterable[str] | None = None) -> PromotionProposal:
    """The OPD corrects a returned proposal and sends it again to the supervisor. The
    eligibility snapshot stays the one of the first proposal."""
    proposal = _lock(proposal)
    _expect(proposal, P.RETURNED)
    if documents is not None:
        _tick(proposal, documents)
    _event(proposal, P.PROPOSED, by=by)
    _tell(
        _supervisor_user(proposal.employee),
        proposal,
        _("Promotion proposal to approve again: %(name)s") % {"name": proposal.employee.full_name},
    )
    return proposal


def _tick(proposal: PromotionProposal, documents: Iterable[str]) -> None:
    present = set(documents)
    proposal.documents = {code: code in present for code in proposal.documents}
    proposal.save(update_fields=["documents", "updated_at"])


@transaction.atomic
def verify(proposal: PromotionProposal, *, by: User, documents: Iterable[str]) -> PromotionProposal:
    """BKPP checks the dossier: every required document must be there."""
    proposal = _lock(proposal)
    _expect(proposal, P.SUPERVISOR_APPROVED)
    _tick(proposal, documents)
    missing = [code for code, present in proposal.documents.items() if not present]
    if missing:
        labels = ", ".join(str(DocumentKind(code).label) for code in missing)
        raise ServiceError(
            _("The dossier is incomplete: %(missing)s.") % {"missing": labels}, "documents_missing", "documents"
        )
    _event(proposal, P.VERIFIED, by=by)
    return proposal


@transaction.atomic
def submit_to_bkn(proposal: PromotionProposal, *, by: User, reference: str) -> PromotionProposal:
    """BKPP has sent the verified proposal to BKN (SIASN): its reference number is kept."""
    reference = (reference or "").strip()
    if not reference:
        raise ServiceError(_("Enter BKN's reference number."), "reference_required", "bkn_reference")
    proposal = _lock(proposal)
    _expect(proposal, P.VERIFIED)
    proposal.bkn_reference = reference
    proposal.save(update_fields=["bkn_reference", "updated_at"])
    _event(proposal, P.SUBMITTED, by=by)
    return proposal


@transaction.atomic
def record_decree(
    proposal: PromotionProposal,
    *,
    by: User,
    decree_number: str,
    decree_on: dt.date,
    tmt_on: dt.date,
    rank: Rank | None = None,
    service_years: int = 0,
    service_months: int = 0,
) -> PromotionProposal:
    """The promotion is granted: the decree (or PERTEK) number, its date, the TMT (a period
    date), the new rank (the proposed one unless BKN decided otherwise) and the masa kerja
    golongan the decree states — written to the rank history, which sets the employee's
    current rank, in this same transaction."""
    decree_number = (decree_number or "").strip()
    if not decree_number:
        raise ServiceError(_("Enter the decree number."), "decree_number_required", "decree_number")
    if decree_on is None or tmt_on is None:
        raise ServiceError(_("Enter the decree date and the TMT."), "decree_dates_required", "tmt_on")
    proposal = _lock(proposal)
    _expect(proposal, P.SUBMITTED)
    periods.check_period(tmt_on)
    new_rank = rank or proposal.to_rank
    if new_rank.pk <= proposal.from_rank_id:
        raise ServiceError(_("The new rank must be above the current one."), "rank_not_higher", "rank")
    history.record_rank(
        proposal.employee,
        rank=new_rank,
        tmt_on=tmt_on,
        kind=proposal.kind,
        decree_number=decree_number,
        decree_on=decree_on,
        service_years=service_years,
        service_months=service_months,
        by=by,
    )
    proposal.decree_number = decree_number
    proposal.decree_on = decree_on
    proposal.to_rank = new_rank
    proposal.save(update_fields=["decree_number", "decree_on", "to_rank", "updated_at"])
    # The TMT is kept in the rank history; the event says it in a language-neutral form.
    _event(proposal, P.APPROVED, by=by, reason=f"TMT {tmt_on.isoformat()}")
    _tell(
        proposal.employee.user,
        proposal,
        _("Congratulations: your promotion to %(rank)s is granted") % {"rank": new_rank.code},
        body=_("Decree %(number)s, TMT %(tmt)s.") % {"number": decree_number, "tmt": date_format(tmt_on, "j F Y")},
    )
    return proposal


@transaction.atomic
def reject(proposal: PromotionProposal, *, by: User, reason: str) -> PromotionProposal:
    """BKPP, or BKN's answer recorded by BKPP: the proposal ends without promotion."""
    reason = _require_reason(reason)
    proposal = _lock(proposal)
    _expect(proposal, P.SUPERVISOR_APPROVED, P.VERIFIED, P.SUBMITTED)
    _event(proposal, P.REJECTED, by=by, reason=reason)
    _tell(
        proposal.proposed_by,
        proposal,
        _("Promotion proposal rejected: %(name)s") % {"name": proposal.employee.full_name},
        body=reason,
    )
    return proposal


@transaction.atomic
def withdraw(proposal: PromotionProposal, *, by: User, reason: str) -> PromotionProposal:
    """The OPD or BKPP ends a live proposal without a decision, with a reason."""
    reason = _require_reason(reason)
    proposal = _lock(proposal)
    _expect(proposal, *P.live())
    _event(proposal, P.WITHDRAWN, by=by, reason=reason)
    return proposal
