"""Employee and unit filters shared by the directory page and the API, so both search alike."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from asn_portal.models import Employee, EmployeeStatus, EmploymentType, OrgUnit, OrgUnitKind, PositionKind, Rank
from asn_portal.nip import normalize_digits


def search_employees(queryset, value: str):
    """Name or NIP. Digits (spaces allowed) search the NIP by prefix, which the NIP's btree
    index answers; text searches the name by substring, which PostgreSQL answers from the
    trigram index on UPPER(name) (migration 0003)."""
    value = (value or "").strip()
    if not value:
        return queryset
    digits = normalize_digits(value)
    if digits.isdigit():
        return queryset.filter(nip__startswith=digits)
    condition = Q()
    for word in value.split()[:5]:
        condition &= Q(name__icontains=word)
    return queryset.filter(condition)


class EmployeeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or NIP"), method="filter_q")
    opd = django_filters.ModelChoiceFilter(
        label=_("OPD"), queryset=OrgUnit.objects.filter(depth=1).order_by("name"), field_name="opd"
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit (with sub-units)"), queryset=OrgUnit.objects.all(), method="filter_unit"
    )
    rank = django_filters.ModelChoiceFilter(label=_("Golongan"), queryset=Rank.objects.order_by("id"))
    position_kind = django_filters.ChoiceFilter(
        label=_("Position kind"), choices=PositionKind.choices, field_name="position__kind"
    )
    employment_type = django_filters.ChoiceFilter(label=_("Employment type"), choices=EmploymentType.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EmployeeStatus.choices)

    class Meta:
        model = Employee
        fields = ["q", "opd", "unit", "rank", "position_kind", "employment_type", "status"]

    def filter_q(self, queryset, name, value):
        return search_employees(queryset, value)

    def filter_unit(self, queryset, name, value):
        return queryset.filter(unit__path__startswith=value.path) if value else queryset


class OrgUnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or code"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OrgUnitKind.choices)
    opd = django_filters.ModelChoiceFilter(label=_("OPD"), queryset=OrgUnit.objects.filter(depth=1), field_name="opd")
    parent = django_filters.CharFilter(label=_("Parent unit code"), method="filter_parent")
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = OrgUnit
        fields = ["q", "kind", "opd", "parent", "is_active"]

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__iexact=value))

    def filter_parent(self, queryset, name, value):
        parent = OrgUnit.objects.filter(code=value).first()
        if parent is None:
            return queryset.none()
        return queryset.filter(path__startswith=parent.path, depth=parent.depth + 1)
