"""Read paths of the integrity pages: the register lists, the compliance aggregates, the
dashboard figures and an employee's records. Set-based, each a fixed number of queries
whatever the number of rows; callers pass "today" (computed once at the edge by `today()`)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from asn_portal.models import Employee, OrgUnit
from integrity import rules
from integrity.models import (
    DrugTestEvent,
    DrugTestOutcome,
    FilingStatus,
    GratificationReport,
    GratificationStatus,
    IntegrityCase,
    IntegrityPact,
    LhkpnDesignation,
    Sanction,
    WealthReport,
)


def today() -> dt.date:
    """The local date of the request: the one clock call of the integrity pages (tests pin it)."""
    return timezone.localdate()


# ---------------------------------------------------------------------------------------------
# Register lists: the rows each list shows, with what its columns need in the same query
# ---------------------------------------------------------------------------------------------


def sanction_rows(queryset: QuerySet[Sanction]) -> QuerySet[Sanction]:
    return queryset.select_related("employee", "employee__opd", "type").order_by("-starts_on", "-id")


def case_rows(queryset: QuerySet[IntegrityCase]) -> QuerySet[IntegrityCase]:
    return (
        queryset.select_related("employee", "employee__opd", "sanction__type")
        .annotate(evidence_count=Count("evidence", distinct=True))
        .order_by("-opened_on", "-id")
    )


def filing_rows(queryset: QuerySet[WealthReport], on: dt.date) -> QuerySet[WealthReport]:
    if "status_on" not in queryset.query.annotations:
        queryset = queryset.with_status(on)
    return queryset.select_related("employee", "opd").order_by("-year", "employee__name", "id")


def gratification_rows(queryset: QuerySet[GratificationReport]) -> QuerySet[GratificationReport]:
    return queryset.select_related("employee", "employee__opd").order_by("-received_on", "-id")


def drug_test_rows(queryset: QuerySet[DrugTestEvent]) -> QuerySet[DrugTestEvent]:
    return (
        queryset.annotate(
            result_count=Count("results", distinct=True),
            positive_count=Count("results", filter=Q(results__outcome=DrugTestOutcome.POSITIF), distinct=True),
            absent_count=Count("results", filter=Q(results__outcome=DrugTestOutcome.TIDAK_HADIR), distinct=True),
        )
        .prefetch_related("units")
        .order_by("-held_on", "-id")
    )


def pact_rows(queryset: QuerySet[IntegrityPact]) -> QuerySet[IntegrityPact]:
    return queryset.select_related("employee", "employee__opd").order_by("-signed_on", "-id")


def designation_rows(queryset: QuerySet[LhkpnDesignation]) -> QuerySet[LhkpnDesignation]:
    return queryset.select_related("employee", "employee__opd").order_by("-valid_from", "-id")


# ---------------------------------------------------------------------------------------------
# Compliance (Admin BKPP and Inspektorat): counts only, grouped in the database
# ---------------------------------------------------------------------------------------------


def _filing_counts(filings: QuerySet[WealthReport], on: dt.date) -> dict:
    """Aggregates of a set of filings on the day `on`: filed on time, filed late, overdue
    (past due and not filed), not yet due; `verified` counts the verified among the filed."""
    submitted = Q(submitted_on__isnull=False, submitted_on__lte=on)
    return {
        "total": Count("id"),
        "on_time": Count("id", filter=submitted & Q(submitted_on__lte=F("due_on"))),
        "late": Count("id", filter=submitted & Q(submitted_on__gt=F("due_on"))),
        "not_filed": Count("id", filter=Q(status_on=FilingStatus.TERLAMBAT) & ~submitted),
        "pending": Count("id", filter=Q(status_on=FilingStatus.BELUM)),
        "verified": Count("id", filter=Q(status_on=FilingStatus.TERVERIFIKASI)),
    }


def _with_rate(row: dict) -> dict:
    filed = row["on_time"] + row["late"]
    row["filed"] = filed
    row["rate"] = round(100 * filed / row["total"], 1) if row["total"] else None
    row["on_time_rate"] = round(100 * row["on_time"] / row["total"], 1) if row["total"] else None
    return row


def filing_compliance(year: int, on: dt.date, kind: str = "") -> dict:
    """The filing rate of reporting year `year` per OPD (the OPD at filing time) and for the
    whole city, on the day `on`: three queries whatever the number of filings. OPDs are
    listed worst first."""
    filings = WealthReport.objects.filter(year=year)
    if kind:
        filings = filings.filter(kind=kind)
    counts = _filing_counts(filings, on)
    rows = list(filings.with_status(on).values("opd_id").annotate(**counts).order_by("opd_id"))
    names = dict(OrgUnit.objects.filter(pk__in=[r["opd_id"] for r in rows]).values_list("id", "name"))
    by_opd = [_with_rate({**r, "name": names.get(r["opd_id"], "?")}) for r in rows]
    by_opd.sort(key=lambda r: (r["rate"] if r["rate"] is not None else 101, r["name"]))
    total = _with_rate(filings.with_status(on).aggregate(**counts))
    return {"year": year, "kind": kind, "on": on, "total": total, "by_opd": by_opd}


def filing_rate(year: int, on: dt.date) -> dict:
    """The city's filing figures of reporting year `year` on `on` (one query)."""
    filings = WealthReport.objects.filter(year=year)
    return {"year": year, **_with_rate(filings.with_status(on).aggregate(**_filing_counts(filings, on)))}


def filing_years() -> list[int]:
    """Reporting years that have filings, newest first (one query)."""
    return list(WealthReport.objects.order_by("-year").values_list("year", flat=True).distinct())


def late_gratification_by_opd(year: int) -> dict:
    """Gratification reports received in `year` and how many of them were reported late, per
    OPD of the employee: counts only (two queries)."""
    rows = list(
        GratificationReport.objects.filter(received_on__year=year)
        .values(opd_id=F("employee__opd_id"))
        .annotate(total=Count("id"), late=Count("id", filter=Q(reported_on__gt=F("due_on"))))
        .order_by("opd_id")
    )
    names = dict(OrgUnit.objects.filter(pk__in=[r["opd_id"] for r in rows]).values_list("id", "name"))
    by_opd = [{**r, "name": names.get(r["opd_id"], "?")} for r in rows]
    by_opd.sort(key=lambda r: (-r["late"], r["name"]))
    return {
        "year": year,
        "by_opd": by_opd,
        "total": sum(r["total"] for r in by_opd),
        "late": sum(r["late"] for r in by_opd),
    }


# ---------------------------------------------------------------------------------------------
# Dashboard figures
# ---------------------------------------------------------------------------------------------


def inspektorat_summary(on: dt.date) -> dict:
    """What needs the Inspektorat's attention on `on`: three queries."""
    cases = IntegrityCase.objects.aggregate(
        open=Count("id", filter=Q(closed_on__isnull=True)),
        examining=Count("id", filter=Q(closed_on__isnull=True, alleged_level__in=("sedang", "berat"))),
    )
    sanctions = Sanction.objects.in_force_on(on).aggregate(
        in_force=Count("id"), blocking=Count("id", filter=Q(type__level__in=("sedang", "berat")))
    )
    gratification = GratificationReport.objects.aggregate(
        late=Count("id", filter=Q(received_on__year=on.year, reported_on__gt=F("due_on"))),
        waiting=Count("id", filter=~Q(status=GratificationStatus.DITETAPKAN)),
    )
    return {
        "open_cases": cases["open"],
        "examining": cases["examining"],
        "sanctions_in_force": sanctions["in_force"],
        "blocking_sanctions": sanctions["blocking"],
        "late_gratification": gratification["late"],
        "waiting_gratification": gratification["waiting"],
        "year": on.year,
    }


def campaign_year(on: dt.date) -> int:
    """The reporting year being filed on `on`: the previous calendar year (due 31 March)."""
    return on.year - 1


# ---------------------------------------------------------------------------------------------
# One employee's records (profile tab, "Integritas saya")
# ---------------------------------------------------------------------------------------------


def employee_sanctions(employee: Employee) -> list[Sanction]:
    return list(employee.sanctions.select_related("type").order_by("-starts_on", "-id"))


def employee_cases(employee: Employee) -> list[IntegrityCase]:
    return list(employee.integrity_cases.order_by("-opened_on", "-id"))


def employee_filings(employee: Employee, on: dt.date) -> list[WealthReport]:
    """With `status` (a FilingStatus) on the day `on`."""
    filings = list(employee.wealth_reports.with_status(on).order_by("-year", "-id"))
    for filing in filings:
        filing.status = FilingStatus(filing.status_on)
    return filings


def employee_gratification(employee: Employee) -> list[GratificationReport]:
    return list(employee.gratification_reports.order_by("-received_on", "-id"))


def employee_drug_results(employee: Employee):
    return list(employee.drug_test_results.select_related("event").order_by("-event__held_on", "-id"))


def employee_pacts(employee: Employee) -> list[IntegrityPact]:
    return list(employee.integrity_pacts.order_by("-signed_on", "-id"))


def next_filing_deadline(filings: list[WealthReport], on: dt.date) -> dict | None:
    """The filing the employee should act on next: the oldest one not yet submitted (overdue
    first), else the coming annual deadline when its year has no row yet. None when nothing
    is open and the coming year already has a filed row."""
    open_filings = sorted((f for f in filings if f.submitted_on is None), key=lambda f: (f.due_on, f.year))
    if open_filings:
        filing = open_filings[0]
        return {"year": filing.year, "kind": filing.kind, "due_on": filing.due_on, "overdue": filing.due_on < on}
    year = on.year - 1 if on <= rules.annual_due_on(on.year - 1) else on.year
    if any(f.year == year for f in filings):
        return None
    return {"year": year, "kind": "", "due_on": rules.annual_due_on(year), "overdue": False}


# ---------------------------------------------------------------------------------------------
# The integrity compliance report (Inspektorat only; integrity/reports.py)
# ---------------------------------------------------------------------------------------------


def compliance_report_figures(year: int, on: dt.date, opd_id: int | None = None) -> dict:
    """Per OPD (all OPDs, or one): the filings of reporting year `year` — obligees (the filing
    rows, in the OPD the employee belonged to when the row was made), filed by `on`, of those
    late, not filed, verified; the sanctions imposed in `year` and those in force on
    `sanctions_on` (31 December of `year`, or `on` for the current year) by level, in the
    employee's current OPD; the gratification reports received in `year` by step, and how
    many were reported late. Four queries whatever the number of records."""
    from integrity.models import SanctionLevel

    sanctions_on = min(on, dt.date(year, 12, 31))
    opds = OrgUnit.objects.opds()
    if opd_id is not None:
        opds = opds.filter(pk=opd_id)
    units = list(opds.values("id", "code", "name").order_by("name", "id"))

    filings = WealthReport.objects.filter(year=year)
    sanctions = Sanction.objects.filter(is_annulled=False)
    gifts = GratificationReport.objects.filter(received_on__year=year)
    if opd_id is not None:
        filings = filings.filter(opd_id=opd_id)
        sanctions = sanctions.filter(employee__opd_id=opd_id)
        gifts = gifts.filter(employee__opd_id=opd_id)
    submitted = Q(submitted_on__isnull=False, submitted_on__lte=on)
    filing_rows = {
        row["opd_id"]: row
        for row in filings.values("opd_id")
        .annotate(
            obligees=Count("id"),
            filed=Count("id", filter=submitted),
            late=Count("id", filter=submitted & Q(submitted_on__gt=F("due_on"))),
            verified=Count("id", filter=submitted & Q(verified_on__isnull=False, verified_on__lte=on)),
        )
        .order_by("opd_id")
    }
    in_force = Q(starts_on__lte=sanctions_on) & (Q(ends_on__isnull=True) | Q(ends_on__gt=sanctions_on))
    sanction_rows = list(
        sanctions.filter(Q(starts_on__year=year) | in_force)
        .values(opd_id=F("employee__opd_id"), level=F("type__level"))
        .annotate(imposed=Count("id", filter=Q(starts_on__year=year)), in_force=Count("id", filter=in_force))
        .order_by("opd_id", "level")
    )
    gift_rows = list(
        gifts.values(opd_id=F("employee__opd_id"), step=F("status"))
        .annotate(total=Count("id"), late=Count("id", filter=Q(reported_on__gt=F("due_on"))))
        .order_by("opd_id", "step")
    )

    levels = list(SanctionLevel.values)
    steps = list(GratificationStatus.values)

    def blank() -> dict:
        return {
            "obligees": 0,
            "filed": 0,
            "late": 0,
            "verified": 0,
            "imposed": dict.fromkeys(levels, 0),
            "in_force": dict.fromkeys(levels, 0),
            "gifts": dict.fromkeys(steps, 0),
            "gifts_late": 0,
        }

    by_opd = {unit["id"]: {**unit, **blank()} for unit in units}
    for opd, row in filing_rows.items():
        if opd in by_opd:
            by_opd[opd].update({key: row[key] for key in ("obligees", "filed", "late", "verified")})
    for row in sanction_rows:
        if row["opd_id"] in by_opd:
            by_opd[row["opd_id"]]["imposed"][row["level"]] += row["imposed"]
            by_opd[row["opd_id"]]["in_force"][row["level"]] += row["in_force"]
    for row in gift_rows:
        if row["opd_id"] in by_opd:
            by_opd[row["opd_id"]]["gifts"][row["step"]] += row["total"]
            by_opd[row["opd_id"]]["gifts_late"] += row["late"]

    total = {"id": None, "code": "", "name": "", **blank()}
    rows = list(by_opd.values())
    for row in rows:
        row["not_filed"] = row["obligees"] - row["filed"]
        row["rate"] = round(100 * row["filed"] / row["obligees"], 1) if row["obligees"] else None
        row["gifts_total"] = sum(row["gifts"].values())
        for key in ("obligees", "filed", "late", "verified", "gifts_late"):
            total[key] += row[key]
        for key in ("imposed", "in_force", "gifts"):
            for sub, count in row[key].items():
                total[key][sub] += count
    total["not_filed"] = total["obligees"] - total["filed"]
    total["rate"] = round(100 * total["filed"] / total["obligees"], 1) if total["obligees"] else None
    total["gifts_total"] = sum(total["gifts"].values())
    return {"year": year, "on": on, "sanctions_on": sanctions_on, "rows": rows, "total": total}


def unfiled_rows(year: int, on: dt.date, opd_id: int | None = None):
    """The filings of reporting year `year` not submitted by `on`, as value tuples (OPD, NIP,
    name, kind, due date), streamed: one query, read in chunks."""
    filings = WealthReport.objects.filter(year=year).filter(Q(submitted_on__isnull=True) | Q(submitted_on__gt=on))
    if opd_id is not None:
        filings = filings.filter(opd_id=opd_id)
    return (
        filings.values_list("opd__name", "employee__nip", "employee__name", "kind", "due_on")
        .order_by("opd__name", "employee__name", "id")
        .iterator(chunk_size=2000)
    )
