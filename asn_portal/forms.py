"""Forms of the core pages: they validate input only; views pass cleaned data to services."""

from __future__ import annotations

import django_filters
from auditlog.models import LogEntry
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from asn_portal.auth import normalize_login


class AuditLogFilter(django_filters.FilterSet):
    # A text box, not a select: there are as many accounts as employees.
    actor = django_filters.CharFilter(label=_("By (NIP or username)"), method="filter_actor")
    content_type = django_filters.ModelChoiceFilter(
        label=_("Record type"),
        queryset=ContentType.objects.filter(app_label__in=["asn_portal", "training", "careers", "integrity"]).order_by(
            "app_label", "model"
        ),
    )
    action = django_filters.ChoiceFilter(label=_("Action"), choices=LogEntry.Action.choices)
    object_repr = django_filters.CharFilter(label=_("Record"), lookup_expr="icontains")
    since = django_filters.DateFilter(
        label=_("From"), field_name="timestamp", lookup_expr="date__gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        label=_("Until"),
        field_name="timestamp",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = LogEntry
        fields = ["actor", "content_type", "action", "object_repr", "since", "until"]

    def filter_actor(self, queryset, name, value):
        return queryset.filter(actor__username=normalize_login(value)) if value else queryset
