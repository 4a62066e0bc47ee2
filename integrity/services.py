"""State changes of the integrity records, and the one question the rest of SIGAP asks:
`standing(employee, on)` — is this employee in good standing on a date, and if not, why and
until when — with its set-based twin `with_standing(queryset, on)`.

Every write records who made it (django-auditlog, with the actor from the request or from
`auditlog.context.set_actor` in commands). Reads of details are logged by `log_read`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from auditlog.signals import accessed
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from asn_portal.models import Employee, EmploymentType, User
from asn_portal.nip import parse_nip
from asn_portal.services import ServiceError
from asn_portal.uploads import check_document
from asn_portal.workdays import deadline
from integrity import rules
from integrity.models import (
    CaseCategory,
    CaseEvent,
    CaseEvidence,
    CaseSource,
    CaseStatus,
    DrugTestEvent,
    DrugTestOutcome,
    DrugTestResult,
    FilingChannel,
    FilingKind,
    GratificationDecision,
    GratificationReport,
    GratificationStatus,
    IntegrityCase,
    IntegrityPact,
    LhkpnDesignation,
    Sanction,
    SanctionLevel,
    SanctionType,
    WealthReport,
)

# ---------------------------------------------------------------------------------------------
# Standing
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """An employee's integrity standing on one day. Reasons are short and in the user's
    language; they never quote a violation (need to know)."""

    employee_id: int
    on: dt.date
    sanction_free: bool
    sanction_level: str  # "" when free
    sanction_until: dt.date | None  # last day in force; None when free or final (dismissal)
    under_examination: bool
    filings_complete: bool
    filing_year: int

    @property
    def in_good_standing(self) -> bool:
        """Free of an active sedang/berat sanction and not under examination: what promotion,
        study leave and leadership training ask (DOMAIN.md §8.3)."""
        return self.sanction_free and not self.under_examination

    @property
    def sanction_reason(self) -> str:
        if self.sanction_free:
            return _("No moderate or severe disciplinary sanction in force.")
        if self.sanction_until is None:
            return _("Dismissed by a severe disciplinary sanction.")
        return _("Serving a %(level)s disciplinary sanction until %(date)s.") % {
            "level": SanctionLevel(self.sanction_level).short_label.lower(),
            "date": date_format(self.sanction_until, "j F Y"),
        }

    @property
    def examination_reason(self) -> str:
        if self.under_examination:
            return _("Under examination for an alleged moderate or severe violation.")
        return _("Not under examination.")

    @property
    def filing_reason(self) -> str:
        if self.filings_complete:
            return _("Wealth report for %(year)s filed or not required.") % {"year": self.filing_year}
        return _("Wealth report for %(year)s not filed by its due date.") % {"year": self.filing_year}

    @property
    def reasons(self) -> list[str]:
        return [self.sanction_reason, self.examination_reason, self.filing_reason]


def _blocking_sanctions(on: dt.date) -> QuerySet[Sanction]:
    return Sanction.objects.blocking().in_force_on(on)


def _examining_cases(on: dt.date) -> QuerySet[IntegrityCase]:
    return IntegrityCase.objects.examining().open_on(on)


def _outstanding_filings(on: dt.date) -> QuerySet[WealthReport]:
    return WealthReport.objects.filter(year=rules.last_due_year(on)).outstanding_on(on)


def with_standing(queryset: QuerySet[Employee], on: dt.date) -> QuerySet[Employee]:
    """Annotate each employee with their standing on `on`, in the same single query:
    `integrity_sanctioned`, `integrity_sanction_level`, `integrity_sanction_ends_on` (exclusive;
    NULL also for a dismissal — see `integrity_dismissed`), `integrity_dismissed`,
    `integrity_examined`, `integrity_filings_outstanding`, and `integrity_good` (sanction-free
    and not examined)."""
    sanctions = _blocking_sanctions(on).filter(employee_id=OuterRef("pk"))
    # The sanction that lasts longest decides "until"; a dismissal (no end) outlasts all.
    longest = sanctions.order_by(F("ends_on").desc(nulls_first=True), "-type__level", "pk")
    return queryset.annotate(
        integrity_sanctioned=Exists(sanctions),
        integrity_sanction_level=Subquery(longest.values("type__level")[:1]),
        integrity_sanction_ends_on=Subquery(longest.values("ends_on")[:1]),
        integrity_dismissed=Exists(sanctions.filter(type__is_dismissal=True)),
        integrity_examined=Exists(_examining_cases(on).filter(employee_id=OuterRef("pk"))),
        integrity_filings_outstanding=Exists(_outstanding_filings(on).filter(employee_id=OuterRef("pk"))),
    ).annotate(
        integrity_good=ExpressionWrapper(
            Q(integrity_sanctioned=False) & Q(integrity_examined=False), output_field=BooleanField()
        )
    )


def in_good_standing(queryset: QuerySet[Employee], on: dt.date) -> QuerySet[Employee]:
    """Only the employees free of a blocking sanction and not under examination on `on`."""
    return with_standing(queryset, on).filter(integrity_good=True)


def _from_annotations(employee: Employee, on: dt.date) -> Standing:
    sanctioned = employee.integrity_sanctioned
    ends_on = employee.integrity_sanction_ends_on
    until = None
    if sanctioned and not employee.integrity_dismissed and ends_on is not None:
        until = ends_on - dt.timedelta(days=1)
    return Standing(
        employee_id=employee.pk,
        on=on,
        sanction_free=not sanctioned,
        sanction_level=(employee.integrity_sanction_level or "") if sanctioned else "",
        sanction_until=until,
        under_examination=employee.integrity_examined,
        filings_complete=not employee.integrity_filings_outstanding,
        filing_year=rules.last_due_year(on),
    )


def standings(queryset: QuerySet[Employee], on: dt.date) -> dict[int, Standing]:
    """The standing of every employee in `queryset` on `on`, in one query."""
    return {e.pk: _from_annotations(e, on) for e in with_standing(queryset.only("pk"), on)}


def standing(employee: Employee | int, on: dt.date) -> Standing:
    """One employee's standing on `on` (DOMAIN.md §8.3, §9.1). Careers and training ask this,
    never the integrity tables."""
    employee_id = employee if isinstance(employee, int) else employee.pk
    sanctions = list(_blocking_sanctions(on).filter(employee_id=employee_id).select_related("type").order_by("pk"))
    dismissed = any(s.type.is_dismissal for s in sanctions)
    until = None
    level = ""
    if sanctions:
        longest = max(sanctions, key=lambda s: (s.ends_on is None, s.ends_on or dt.date.min, s.type.level == "berat"))
        level = longest.type.level
        if not dismissed and longest.ends_on is not None:
            until = longest.ends_on - dt.timedelta(days=1)
    return Standing(
        employee_id=employee_id,
        on=on,
        sanction_free=not sanctions,
        sanction_level=level,
        sanction_until=until,
        under_examination=_examining_cases(on).filter(employee_id=employee_id).exists(),
        filings_complete=not _outstanding_filings(on).filter(employee_id=employee_id).exists(),
        filing_year=rules.last_due_year(on),
    )


# ---------------------------------------------------------------------------------------------
# Reading details is logged (need to know)
# ---------------------------------------------------------------------------------------------


def log_read(obj) -> None:
    """Record that the current user read this record (an ACCESS entry in the audit trail,
    with the actor and address from the request)."""
    accessed.send(obj.__class__, instance=obj)


# ---------------------------------------------------------------------------------------------
# Sanctions
# ---------------------------------------------------------------------------------------------


def _not_future(value: dt.date | None, today: dt.date, field: str, label: str) -> None:
    if value is not None and value > today:
        raise ServiceError(
            _("The %(label)s cannot be in the future (%(date)s).") % {"label": label, "date": value.isoformat()},
            "date_in_future",
            field,
        )


@transaction.atomic
def record_sanction(
    *,
    employee: Employee,
    type: SanctionType,
    decree_number: str,
    decree_on: dt.date,
    issued_by: str,
    starts_on: dt.date,
    violation: str,
    by: User | None,
    today: dt.date,
    ends_on: dt.date | None = None,
) -> Sanction:
    """Record a disciplinary sanction. The end follows from the type (DOMAIN.md §8.1) unless
    the decree sets another (`ends_on`, exclusive). Raises `ServiceError`."""
    _not_future(decree_on, today, "decree_on", _("decree date"))
    if not decree_number.strip():
        raise ServiceError(_("The decree (SK) number is required."), "required", "decree_number")
    computed = rules.sanction_ends_on(starts_on, type.duration_months, is_dismissal=type.is_dismissal)
    if ends_on is not None:
        if type.is_dismissal:
            raise ServiceError(_("A dismissal has no end date."), "dismissal_has_no_end", "ends_on")
        if ends_on < starts_on:
            raise ServiceError(_("The end date cannot be before the start date."), "ends_before_start", "ends_on")
    return Sanction.objects.create(
        employee=employee,
        type=type,
        decree_number=decree_number.strip(),
        decree_on=decree_on,
        issued_by=issued_by.strip(),
        starts_on=starts_on,
        ends_on=ends_on if ends_on is not None else computed,
        violation=violation.strip(),
        recorded_by=by,
    )


@transaction.atomic
def annul_sanction(
    sanction: Sanction, *, decree_number: str, decree_on: dt.date, by: User | None, today: dt.date
) -> Sanction:
    """Annul a sanction on appeal (banding administratif); it no longer counts from the start."""
    _not_future(decree_on, today, "annulment_decree_on", _("decree date"))
    if not decree_number.strip():
        raise ServiceError(_("The annulment decree number is required."), "required", "annulment_decree_number")
    sanction = Sanction.objects.select_for_update().get(pk=sanction.pk)
    if sanction.is_annulled:
        raise ServiceError(_("This sanction is already annulled."), "already_annulled")
    sanction.is_annulled = True
    sanction.annulment_decree_number = decree_number.strip()
    sanction.annulment_decree_on = decree_on
    sanction.save(update_fields=["is_annulled", "annulment_decree_number", "annulment_decree_on", "updated_at"])
    return sanction


# ---------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------

# Which steps may follow which (DOMAIN.md §9.4: verified, clarified, sanction recommended).
CASE_STEPS = {
    CaseStatus.DITERIMA: (CaseStatus.VERIFIKASI, CaseStatus.DITUTUP),
    CaseStatus.VERIFIKASI: (CaseStatus.KLARIFIKASI, CaseStatus.DITUTUP),
    CaseStatus.KLARIFIKASI: (CaseStatus.REKOMENDASI_SANKSI, CaseStatus.SELESAI, CaseStatus.DITUTUP),
    CaseStatus.REKOMENDASI_SANKSI: (CaseStatus.SELESAI, CaseStatus.DITUTUP),
    CaseStatus.SELESAI: (),
    CaseStatus.DITUTUP: (),
}


@transaction.atomic
def open_case(
    *,
    employee: Employee,
    category: str,
    source: str,
    summary: str,
    opened_on: dt.date,
    by: User | None,
    today: dt.date,
    alleged_level: str = "",
    drug_test_result: DrugTestResult | None = None,
) -> IntegrityCase:
    """Open an integrity case (aduan). With an alleged sedang/berat level the employee is
    under examination until the case closes."""
    _not_future(opened_on, today, "opened_on", _("date received"))
    if not summary.strip():
        raise ServiceError(_("Describe the complaint or finding."), "required", "summary")
    case = IntegrityCase.objects.create(
        employee=employee,
        category=category,
        source=source,
        summary=summary.strip(),
        alleged_level=alleged_level,
        opened_on=opened_on,
        drug_test_result=drug_test_result,
        created_by=by,
    )
    CaseEvent.objects.create(case=case, status=case.status, note="", by=by)
    return case


@transaction.atomic
def advance_case(
    case: IntegrityCase,
    *,
    status: str,
    by: User | None,
    on: dt.date,
    note: str = "",
    alleged_level: str | None = None,
    sanction: Sanction | None = None,
    today: dt.date | None = None,
) -> IntegrityCase:
    """Move a case to its next step, recording who and when. Closing steps set `closed_on`;
    a closed case cannot move again. Raises `ServiceError`."""
    _not_future(on, today or timezone.localdate(), "on", _("step date"))
    case = IntegrityCase.objects.select_for_update().get(pk=case.pk)
    if status not in CASE_STEPS[CaseStatus(case.status)]:
        raise ServiceError(
            _("A case in step “%(current)s” cannot move to “%(next)s”.")
            % {"current": CaseStatus(case.status).label, "next": CaseStatus(status).label},
            "invalid_step",
            "status",
        )
    if on < case.opened_on:
        raise ServiceError(_("A step cannot be dated before the case was received."), "step_before_open", "on")
    if sanction is not None and sanction.employee_id != case.employee_id:
        raise ServiceError(_("The sanction belongs to another employee."), "sanction_other_employee", "sanction")
    case.status = status
    if alleged_level is not None:
        case.alleged_level = alleged_level
    if sanction is not None:
        case.sanction = sanction
    if status in CaseStatus.closed():
        case.closed_on = on
    case.save()
    CaseEvent.objects.create(case=case, status=status, note=note.strip(), by=by)
    return case


@transaction.atomic
def add_evidence(case: IntegrityCase, *, uploaded, description: str, by: User | None) -> CaseEvidence:
    """Attach a PDF or image to a case; the content is checked, not the name."""
    content_type = check_document(uploaded)
    return CaseEvidence.objects.create(
        case=case,
        file=uploaded,
        original_name=(uploaded.name or "bukti")[:255],
        content_type=content_type,
        size=uploaded.size,
        description=description.strip(),
        uploaded_by=by,
    )


# ---------------------------------------------------------------------------------------------
# Drug tests
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def record_drug_test_event(*, held_on: dt.date, organiser: str, units, notes: str, by: User | None, today: dt.date):
    _not_future(held_on, today, "held_on", _("test date"))
    event = DrugTestEvent.objects.create(
        held_on=held_on, organiser=organiser.strip(), notes=notes.strip(), created_by=by
    )
    event.units.set(units)
    return event


@transaction.atomic
def record_drug_test_result(
    *, event: DrugTestEvent, employee: Employee, outcome: str, follow_up: str, notes: str, by: User | None
) -> DrugTestResult:
    """Record one employee's result. A positive result opens an integrity case (category
    narkoba, source drug test) for the Inspektorat to verify (DOMAIN.md §9.3)."""
    try:
        with transaction.atomic():
            result = DrugTestResult.objects.create(
                event=event,
                employee=employee,
                outcome=outcome,
                follow_up=follow_up,
                notes=notes.strip(),
                recorded_by=by,
            )
    except IntegrityError as exc:
        raise ServiceError(
            _("%(name)s already has a result for this test.") % {"name": employee.full_name},
            "duplicate_result",
            "employee",
        ) from exc
    if outcome == DrugTestOutcome.POSITIF:
        open_case(
            employee=employee,
            category=CaseCategory.NARKOBA,
            source=CaseSource.TES_URINE,
            summary=_("Positive drug test on %(date)s (%(organiser)s).")
            % {"date": date_format(event.held_on, "j F Y"), "organiser": event.organiser},
            opened_on=event.held_on,
            by=by,
            today=event.held_on,
            drug_test_result=result,
        )
    return result


# ---------------------------------------------------------------------------------------------
# Wealth reports (LHKPN / LHKASN)
# ---------------------------------------------------------------------------------------------


def appointed_on(employee: Employee) -> dt.date:
    """When the employee entered the civil service: TMT CPNS, or for PPPK the year in the NI
    PPPK (the month there is not reliable, DOMAIN.md §1.2)."""
    if employee.cpns_tmt_on:
        return employee.cpns_tmt_on
    info = parse_nip(employee.nip, pppk=employee.employment_type in EmploymentType.pppk())
    return dt.date(info.appointed_year, 1, 1)


def with_lhkpn_obligation(queryset: QuerySet[Employee], on: dt.date) -> QuerySet[Employee]:
    """Annotate `must_file_lhkpn` (DOMAIN.md §9.1): a PPK decree valid on `on` decides; else the
    position (JPT, administrator, or any corruption-prone duty)."""
    designation = (
        LhkpnDesignation.objects.filter(employee_id=OuterRef("pk"), valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .order_by("-valid_from", "-pk")
    )
    by_position = Q(position__kind__in=rules.LHKPN_POSITION_KINDS)
    for flag in (
        "handles_budget_planning",
        "handles_grants",
        "handles_tax_retribution",
        "handles_procurement",
        "handles_hr_promotion",
        "handles_licensing",
    ):
        by_position |= Q(**{f"position__{flag}": True})
    return queryset.annotate(
        must_file_lhkpn=Coalesce(
            Subquery(designation.values("must_file")[:1]),
            ExpressionWrapper(by_position, output_field=BooleanField()),
            Value(False),
            output_field=BooleanField(),
        )
    )


def filing_kind_for(employee: Employee, on: dt.date) -> str:
    designation = (
        LhkpnDesignation.objects.filter(employee=employee, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .order_by("-valid_from", "-pk")
        .values_list("must_file", flat=True)
        .first()
    )
    position = employee.position
    lhkpn = rules.must_file_lhkpn(
        position.kind if position else None, bool(position and position.is_corruption_prone), designation
    )
    return FilingKind.LHKPN if lhkpn else FilingKind.LHKASN


@transaction.atomic
def open_filing_year(year: int, *, today: dt.date, by: User | None = None) -> int:
    """Create the filing row of `year` for every employee in service who was appointed by the
    end of that year, with the kind their position calls for on 31 December and the due date
    (new obligees: 3 months after appointment when later). Safe to run again: existing rows
    are kept. Returns the number of rows created."""
    if year >= today.year + 1:
        raise ServiceError(
            _("The reporting year %(year)s has not ended yet.") % {"year": year}, "year_not_ended", "year"
        )
    year_end = dt.date(year, 12, 31)
    employees = (
        with_lhkpn_obligation(Employee.objects.in_service(), year_end)
        .exclude(wealth_reports__year=year)
        .only("pk", "nip", "employment_type", "cpns_tmt_on", "opd_id")
    )
    rows = []
    for employee in employees.iterator(chunk_size=2000):
        appointed = appointed_on(employee)
        if appointed > year_end:
            continue
        new_obligee = appointed.year == year
        rows.append(
            WealthReport(
                employee_id=employee.pk,
                opd_id=employee.opd_id,
                year=year,
                kind=FilingKind.LHKPN if employee.must_file_lhkpn else FilingKind.LHKASN,
                due_on=rules.filing_due_on(year, appointed if new_obligee else None),
            )
        )
    WealthReport.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


def _check_filing_year(employee: Employee, year: int, today: dt.date) -> None:
    if year > today.year:
        raise ServiceError(
            _("The reporting year %(year)s has not started yet.") % {"year": year}, "year_in_future", "year"
        )
    if year < appointed_on(employee).year:
        raise ServiceError(
            _("%(name)s was appointed in %(appointed)s, after the reporting year %(year)s.")
            % {"name": employee.full_name, "appointed": appointed_on(employee).year, "year": year},
            "year_before_appointment",
            "year",
        )


@transaction.atomic
def create_filing(employee: Employee, *, year: int, kind: str | None, by: User | None, today: dt.date) -> WealthReport:
    """Add one employee's filing obligation for a year. Raises `ServiceError` for a year
    before the appointment and for a second filing of the same year."""
    _check_filing_year(employee, year, today)
    appointed = appointed_on(employee)
    try:
        with transaction.atomic():
            return WealthReport.objects.create(
                employee=employee,
                opd_id=employee.opd_id,
                year=year,
                kind=kind or filing_kind_for(employee, dt.date(year, 12, 31)),
                due_on=rules.filing_due_on(year, appointed if appointed.year == year else None),
            )
    except IntegrityError as exc:
        raise ServiceError(
            _("%(name)s already has a filing for %(year)s.") % {"name": employee.full_name, "year": year},
            "duplicate_filing",
            "year",
        ) from exc


@transaction.atomic
def record_submission(
    employee: Employee, *, year: int, submitted_on: dt.date, channel: str = "", by: User | None, today: dt.date
) -> WealthReport:
    """Mark a year's filing as submitted (creating the row when the year was never opened)."""
    _check_filing_year(employee, year, today)
    _not_future(submitted_on, today, "submitted_on", _("submission date"))
    if submitted_on.year < year:
        raise ServiceError(
            _("A filing for %(year)s cannot be submitted before the year has begun.") % {"year": year},
            "submitted_before_year",
            "submitted_on",
        )
    filing = WealthReport.objects.select_for_update().filter(employee=employee, year=year).first()
    if filing is None:
        filing = create_filing(employee, year=year, kind=None, by=by, today=today)
    filing.submitted_on = submitted_on
    filing.channel = channel or (FilingChannel.E_LHKPN if filing.kind == FilingKind.LHKPN else FilingChannel.SIHARKA)
    filing.save(update_fields=["submitted_on", "channel", "updated_at"])
    return filing


@transaction.atomic
def verify_filing(filing: WealthReport, *, by: User | None, on: dt.date, today: dt.date | None = None) -> WealthReport:
    _not_future(on, today or timezone.localdate(), "verified_on", _("verification date"))
    filing = WealthReport.objects.select_for_update().get(pk=filing.pk)
    if filing.submitted_on is None:
        raise ServiceError(_("Only a submitted filing can be verified."), "not_submitted")
    filing.verified_on = on
    filing.verified_by = by
    filing.save(update_fields=["verified_on", "verified_by", "updated_at"])
    return filing


@transaction.atomic
def designate_lhkpn(
    employee: Employee,
    *,
    must_file: bool,
    decree_number: str,
    decree_on: dt.date,
    valid_from: dt.date,
    by: User | None,
    today: dt.date,
) -> LhkpnDesignation:
    """Record a PPK decree adding the employee to (or removing them from) the LHKPN obligees.
    An earlier open designation ends where this one starts."""
    _not_future(decree_on, today, "decree_on", _("decree date"))
    if not decree_number.strip():
        raise ServiceError(_("The decree number is required."), "required", "decree_number")
    LhkpnDesignation.objects.filter(employee=employee, valid_to__isnull=True, valid_from__lt=valid_from).update(
        valid_to=valid_from
    )
    return LhkpnDesignation.objects.create(
        employee=employee,
        must_file=must_file,
        decree_number=decree_number.strip(),
        decree_on=decree_on,
        valid_from=valid_from,
        created_by=by,
    )


# ---------------------------------------------------------------------------------------------
# Gratification
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def report_gratification(
    *,
    employee: Employee,
    received_on: dt.date,
    giver: str,
    description: str,
    estimated_value: Decimal,
    relation_to_duty: str,
    reported_on: dt.date,
    by: User | None,
) -> GratificationReport:
    """An employee reports a gift. The due date (10 working days after receipt, skipping
    weekends, national holidays and cuti bersama) is stored; a later report is flagged late."""
    _not_future(received_on, reported_on, "received_on", _("date received"))
    if estimated_value is None or estimated_value < 0:
        raise ServiceError(_("The estimated value cannot be negative."), "negative_value", "estimated_value")
    if not giver.strip() or not description.strip():
        raise ServiceError(_("Say who gave what."), "required", "giver" if not giver.strip() else "description")
    return GratificationReport.objects.create(
        employee=employee,
        received_on=received_on,
        giver=giver.strip(),
        description=description.strip(),
        estimated_value=estimated_value,
        relation_to_duty=relation_to_duty.strip(),
        reported_on=reported_on,
        due_on=deadline(received_on, rules.GRATIFICATION_REPORT_WORKING_DAYS),
        forward_due_on=deadline(reported_on, rules.GRATIFICATION_FORWARD_WORKING_DAYS),
    )


GRATIFICATION_STEPS = {
    GratificationStatus.DILAPORKAN: (GratificationStatus.DIVERIFIKASI,),
    GratificationStatus.DIVERIFIKASI: (GratificationStatus.DITERUSKAN, GratificationStatus.DITETAPKAN),
    GratificationStatus.DITERUSKAN: (GratificationStatus.DITETAPKAN,),
    GratificationStatus.DITETAPKAN: (),
}


@transaction.atomic
def process_gratification(
    report: GratificationReport,
    *,
    status: str,
    by: User | None,
    on: dt.date,
    note: str = "",
    kpk_reference: str = "",
    decision: str = "",
    today: dt.date | None = None,
) -> GratificationReport:
    """The UPG/Inspektorat's steps: verify, forward to the KPK, record the decision (the
    UPG itself may decide small gifts without forwarding). Raises `ServiceError`."""
    _not_future(on, today or timezone.localdate(), "on", _("step date"))
    report = GratificationReport.objects.select_for_update().get(pk=report.pk)
    if status not in GRATIFICATION_STEPS[GratificationStatus(report.status)]:
        raise ServiceError(
            _("A report in step “%(current)s” cannot move to “%(next)s”.")
            % {"current": GratificationStatus(report.status).label, "next": GratificationStatus(status).label},
            "invalid_step",
            "status",
        )
    if on < report.reported_on:
        raise ServiceError(_("A step cannot be dated before the report."), "step_before_report", "on")
    if status == GratificationStatus.DITERUSKAN:
        report.forwarded_on = on
        report.kpk_reference = kpk_reference.strip()
    if status == GratificationStatus.DITETAPKAN:
        if decision not in GratificationDecision.values:
            raise ServiceError(_("Choose the decision."), "required", "decision")
        report.decision = decision
        report.decided_on = on
    report.status = status
    if note.strip():
        report.handling_note = (report.handling_note + "\n" + note.strip()).strip()
    report.handled_by = by
    report.save()
    return report


# ---------------------------------------------------------------------------------------------
# Integrity pacts
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def record_pact(
    *, employee: Employee, occasion: str, signed_on: dt.date, document, by: User | None, today: dt.date, position=None
) -> IntegrityPact:
    """Record a signed pakta integritas with its scanned document (PDF or image, checked by
    content)."""
    _not_future(signed_on, today, "signed_on", _("signing date"))
    content_type = check_document(document)
    position = position or employee.position
    if position is not None and position.unit.opd_id != employee.opd_id:
        raise ServiceError(
            _("The position belongs to another OPD than the employee."), "position_other_opd", "position"
        )
    try:
        with transaction.atomic():
            return IntegrityPact.objects.create(
                employee=employee,
                occasion=occasion,
                position=position,
                position_name=str(position) if position else "",
                signed_on=signed_on,
                document=document,
                document_type=content_type,
                recorded_by=by,
            )
    except IntegrityError as exc:
        raise ServiceError(_("This pact is already recorded for that day."), "duplicate_pact", "signed_on") from exc
