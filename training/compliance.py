"""Read paths for JP compliance and mandatory training (issue 4 parts 8 and 9), set-based:
every function is a fixed number of queries however many employees there are. They build on
the one JP definition, `services.with_jp` (DOMAIN.md §6.1), and on the mandatory-training
selectors `services.missing_leadership_training` and `missing_integrity_training`.

Who counts: employees whose status is "active" (aktif). Those on study assignment (tugas
belajar: the education path of competency development, §6.2), unpaid leave, suspension,
retired or deceased are not expected to attend training this year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When

from asn_portal import permissions as core
from asn_portal.models import Employee, EmployeeStatus, EmploymentType, OrgUnit
from training import services
from training.permissions import can_manage_training


def scope_for(user) -> QuerySet[Employee]:
    """The employees whose compliance `user` may see: every OPD for Admin BKPP, the granted
    OPDs for an operator, nobody otherwise (training.permissions.can_view_training_compliance
    gates the pages)."""
    actor = core.actor_for(user)
    if can_manage_training(user):
        return Employee.objects.all()
    if actor.operator_opd_ids:
        return Employee.objects.filter(opd_id__in=actor.operator_opd_ids)
    return Employee.objects.none()


def opds_for(user) -> QuerySet[OrgUnit]:
    """The OPDs `user` may pick in the compliance filters."""
    actor = core.actor_for(user)
    if can_manage_training(user):
        return OrgUnit.objects.opds()
    return OrgUnit.objects.opds().filter(pk__in=actor.operator_opd_ids)


def counted(queryset: QuerySet[Employee]) -> QuerySet[Employee]:
    return queryset.filter(status=EmployeeStatus.AKTIF)


def target_expression():
    """The yearly JP target of each row, in SQL: the twin of rules.jp_target (DOMAIN.md §6.1:
    PNS and CPNS at least SIGAP_JP_TARGET_PNS; PPPK per contract, SIGAP_JP_TARGET_PPPK)."""
    return Case(
        When(employment_type__in=EmploymentType.pppk(), then=Value(settings.SIGAP_JP_TARGET_PPPK)),
        default=Value(settings.SIGAP_JP_TARGET_PNS),
        output_field=IntegerField(),
    )


def with_target(queryset: QuerySet[Employee], year: int) -> QuerySet[Employee]:
    """`with_jp` plus `jp_target` and `jp_shortfall` (0 when the target is met)."""
    annotated = services.with_jp(queryset, year).annotate(jp_target=target_expression())
    return annotated.annotate(
        jp_shortfall=Case(
            When(jp_total__gte=F("jp_target"), then=Value(0)),
            default=F("jp_target") - F("jp_total"),
            output_field=IntegerField(),
        )
    )


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class OpdCompliance:
    opd_id: int | None
    name: str
    total: int
    met: int
    jp_sum: int

    @property
    def below(self) -> int:
        return self.total - self.met

    @property
    def share(self) -> float | None:
        """Percentage of counted employees at or above their target."""
        return _share(self.met, self.total)

    @property
    def average_jp(self) -> float | None:
        return round(self.jp_sum / self.total, 1) if self.total else None


def by_opd(queryset: QuerySet[Employee], year: int) -> list[OpdCompliance]:
    """JP compliance per OPD for a calendar year, lowest share first: one grouped query."""
    rows = (
        with_target(counted(queryset), year)
        .order_by()
        .values("opd_id", "opd__name")
        .annotate(
            total=Count("pk"),
            met=Count("pk", filter=Q(jp_total__gte=F("jp_target"))),
            jp_sum=Sum("jp_total"),
        )
    )
    result = [
        OpdCompliance(row["opd_id"], row["opd__name"], row["total"], row["met"], row["jp_sum"] or 0) for row in rows
    ]
    return sorted(result, key=lambda r: (r.share if r.share is not None else 101, r.name))


def overall(rows: list[OpdCompliance]) -> OpdCompliance:
    return OpdCompliance(
        None,
        "",
        sum(r.total for r in rows),
        sum(r.met for r in rows),
        sum(r.jp_sum for r in rows),
    )


def at_risk(queryset: QuerySet[Employee], year: int) -> QuerySet[Employee]:
    """Counted employees below their JP target for the year, fewest JP first, ready for a
    list (select_related), with `jp_total`, `jp_target` and `jp_shortfall`."""
    return (
        with_target(counted(queryset), year)
        .filter(jp_total__lt=F("jp_target"))
        .select_related("opd", "unit", "position", "rank")
        .order_by("jp_total", "name", "id")
    )


def missing_leadership(queryset: QuerySet[Employee], on: dt.date) -> QuerySet[Employee]:
    """Structural officials without the leadership training their post requires after a year
    in post (DOMAIN.md §3.4), ready for a list."""
    return (
        services.missing_leadership_training(queryset.filter(status__in=EmployeeStatus.in_service()), on)
        .select_related("opd", "unit", "position", "rank")
        .order_by("opd__name", "name", "id")
    )


def missing_integrity(queryset: QuerySet[Employee]) -> QuerySet[Employee]:
    """Holders of corruption-prone posts who never completed integrity training."""
    return (
        services.missing_integrity_training(queryset.filter(status__in=EmployeeStatus.in_service()))
        .select_related("opd", "unit", "position", "rank")
        .order_by("opd__name", "name", "id")
    )


def target_summary() -> dict:
    """The JP targets in force (settings; DOMAIN.md §6.1), for the page's explanation."""
    return {"pns": settings.SIGAP_JP_TARGET_PNS, "pppk": settings.SIGAP_JP_TARGET_PPPK}


def required_leadership() -> list[tuple[str, str]]:
    """(position kind, the leadership programme it requires) for the page's explanation."""
    from asn_portal.models import PositionKind
    from training.models import ProgramCategory
    from training.rules import REQUIRED_LEADERSHIP

    return [
        (PositionKind(kind).label, ProgramCategory(category).label) for kind, category in REQUIRED_LEADERSHIP.items()
    ]
