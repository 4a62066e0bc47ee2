"""Read paths for core pages: aggregated in the database, a fixed number of queries each."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from asn_portal.models import Employee, EmploymentType, OrgUnit, Rank


def headcount(employees: QuerySet[Employee]) -> dict:
    """Headcount of the given (already scoped) employees in service, by OPD, by rank and by
    employment type: three grouped queries whatever the number of employees."""
    return headcount_labels(headcount_counts(employees))


def headcount_counts(employees: QuerySet[Employee]) -> dict:
    """The figures of `headcount` without translated labels, so one computation can serve
    every language (the dashboard reuses it: asn_portal.cache.dashboard_figure)."""
    in_service = employees.in_service()
    by_opd_rows = list(in_service.values("opd_id").annotate(n=Count("id")).order_by("-n", "opd_id"))
    opd_names = dict(OrgUnit.objects.filter(pk__in=[r["opd_id"] for r in by_opd_rows]).values_list("id", "name"))
    by_rank_counts = dict(in_service.filter(rank__isnull=False).values_list("rank_id").annotate(n=Count("id")))
    ranks = list(Rank.objects.order_by("id").values_list("id", "code"))
    by_type_counts = dict(in_service.values_list("employment_type").annotate(n=Count("id")))
    total = sum(r["n"] for r in by_opd_rows)
    return {
        "total": total,
        # PPPK hold no golongan: the rank chart says how many it leaves out.
        "without_rank": total - sum(by_rank_counts.values()),
        "by_opd": [{"id": r["opd_id"], "name": opd_names.get(r["opd_id"], "?"), "count": r["n"]} for r in by_opd_rows],
        "by_rank": [{"code": code, "count": by_rank_counts.get(rank_id, 0)} for rank_id, code in ranks],
        "by_type": {value: by_type_counts.get(value, 0) for value in EmploymentType.values},
    }


def headcount_labels(counts: dict) -> dict:
    """`headcount_counts` with the employment types labelled in the current language."""
    by_type = [
        {"code": value, "label": str(label), "count": counts["by_type"].get(value, 0)}
        for value, label in EmploymentType.choices
    ]
    return {**counts, "by_type": by_type}


def team_of(employee_id: int) -> QuerySet[Employee]:
    return Employee.objects.filter(supervisor_id=employee_id).for_listing().order_by("name", "id")
