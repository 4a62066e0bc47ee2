"""Integrity API v1 (routed in `integrity/api_urls.py`, included at /api/v1/): an employee's
standing, and the integrity records — sanctions, cases, wealth-report filings,
gratification reports, drug tests and pacts — with the filing-compliance counts.

Access follows integrity/permissions.py exactly, with one rule for every endpoint:

- Reads start from `permissions.*_visible_to(request.user)`. A role that may not see a kind
  of record gets an empty list and a 404 for any id, exactly like a missing one (Admin BKPP
  for sanctions, cases, drug tests, gratification and pacts; an employee for anyone else's
  records and for cases and drug tests).
- Writes are checked before anything is loaded or validated: anyone but an integrity officer
  gets 403 (the one exception: an employee reports their own gratification). A 403 tells
  nothing about whether the record exists.
- Standing (`employees/{nip}/standing/`) answers whoever may see the employee
  (`get_employee_for_standing`), else 404. Compliance counts answer Admin BKPP and the
  Inspektorat, else 403.

Every retrieve and every file download logs the read (`services.log_read`: an ACCESS entry
in the audit trail with the actor and address). Writes go only through `integrity.services`;
django-auditlog records them. Domain errors (`ServiceError`) become the standard error body
in `asn_portal.drf.exception_handler`, with the field named as the client sent it.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from asn_portal import permissions as core_permissions
from asn_portal.drf import FileDownloadNegotiation, error_responses, object_id_or_404
from asn_portal.drf import service_errors as _service_errors
from asn_portal.models import Employee, OrgUnit
from asn_portal.nip import normalize_digits
from asn_portal.uploads import protected_file_response
from integrity import permissions, rules, selectors, services
from integrity.models import (
    CaseCategory,
    CaseEvent,
    CaseEvidence,
    CaseStatus,
    DrugTestEvent,
    FilingKind,
    FilingStatus,
    GratificationReport,
    GratificationStatus,
    IntegrityCase,
    IntegrityPact,
    PactOccasion,
    Sanction,
    SanctionLevel,
    WealthReport,
)
from integrity.serializers import (
    EMPLOYEE,
    OFFICER,
    CaseAdvanceSerializer,
    CaseCreateSerializer,
    CaseOfficerSerializer,
    ComplianceQuerySerializer,
    ComplianceSerializer,
    DrugTestEventCreateSerializer,
    DrugTestEventOfficerSerializer,
    DrugTestResultCreateSerializer,
    DrugTestResultOfficerSerializer,
    EvidenceUploadSerializer,
    FilingCreateSerializer,
    FilingOfficerSerializer,
    FilingOwnSerializer,
    FilingSubmitSerializer,
    GratificationCreateSerializer,
    GratificationOfficerSerializer,
    GratificationOwnSerializer,
    GratificationProcessSerializer,
    PactCreateSerializer,
    PactOfficerSerializer,
    PactOwnSerializer,
    SanctionAnnulSerializer,
    SanctionCreateSerializer,
    SanctionOfficerSerializer,
    SanctionOwnSerializer,
    StandingQuerySerializer,
    StandingSerializer,
    unset_to_blank,
)


def local_today():
    """Today in the site's time zone (Asia/Jakarta): the edge where the clock is read."""
    return timezone.localdate()


# --- Access ---------------------------------------------------------------------------------------


class IntegrityWrites(BasePermission):
    """Reads are scoped by the querysets; a write needs the view's `may_write` (by default
    `permissions.can_manage_integrity`: the Inspektorat)."""

    message = gettext_lazy("Only the Inspektorat may record or change integrity records.")

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or view.may_write(request.user)


class IntegrityViewSet(viewsets.GenericViewSet):
    """Shared plumbing: the audience's serializer, JSON 404s for any id that is not visible,
    logged reads."""

    permission_classes = [IsAuthenticated, IntegrityWrites]
    parser_classes = [JSONParser]
    lookup_value_regex = "[^/]+"
    officer_serializer_class: type | None = None
    own_serializer_class: type | None = None  # None: the records are the Inspektorat's alone

    def may_write(self, user) -> bool:
        return permissions.can_manage_integrity(user)

    @property
    def is_officer(self) -> bool:
        return permissions.is_integrity_officer(self.request.user)

    def get_serializer_class(self):
        """The reading serializer of the caller's audience (see integrity/serializers.py)."""
        if self.is_officer or self.own_serializer_class is None:
            return self.officer_serializer_class
        return self.own_serializer_class

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": local_today()}

    def get_object(self):
        obj = self.get_queryset().filter(pk=object_id_or_404(self.kwargs["pk"])).first()
        if obj is None:
            raise exceptions.NotFound()
        self.check_object_permissions(self.request, obj)
        return obj

    def validated_input(self, serializer_class):
        """Validated input of a write."""
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def read_response(self, obj, http_status=status.HTTP_200_OK) -> Response:
        """`obj` reloaded through the list's queryset (annotations, related rows) and shown
        to the caller."""
        obj = self.get_queryset().get(pk=obj.pk)
        return Response(self.get_serializer(obj).data, status=http_status)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        services.log_read(obj)
        return Response(self.get_serializer(obj).data)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 9999})
class YearFilter(django_filters.NumberFilter):
    """A calendar year, 1..9999: another number is a 400 (the `__year` lookups cannot take it)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


def _filter_employee_nip(queryset, name, value):
    return queryset.filter(employee__nip=normalize_digits(value))


def _opd_filter(field_name: str):
    return django_filters.ModelChoiceFilter(
        label=gettext_lazy("OPD"), queryset=OrgUnit.objects.filter(depth=1), field_name=field_name
    )


def _employee_filter():
    return django_filters.CharFilter(label=gettext_lazy("Employee NIP"), method=_filter_employee_nip)


_ERRORS = error_responses(400, 401, 403, 404)

_AUDIENCES = (
    "The Inspektorat sees every record with every field; an employee sees their own records without the "
    "Inspektorat's internal fields; everyone else sees an empty list."
)
_OFFICERS_ONLY = "The Inspektorat's records: everyone else sees an empty list and a 404 for any id."


def _for_caller(name: str, officer, own, *, many: bool = False) -> PolymorphicProxySerializer:
    """Both shapes of a record for the schema; `audience` says which one the caller got."""
    return PolymorphicProxySerializer(
        component_name=name,
        serializers={OFFICER: officer, EMPLOYEE: own},
        resource_type_field_name="audience",
        many=many,
    )


# --- Sanctions ------------------------------------------------------------------------------------


class SanctionFilter(django_filters.FilterSet):
    employee = _employee_filter()
    opd = _opd_filter("employee__opd")
    level = django_filters.ChoiceFilter(
        label=gettext_lazy("Level"), choices=SanctionLevel.choices, field_name="type__level"
    )
    in_force_on = django_filters.DateFilter(label=gettext_lazy("In force on"), method="filter_in_force_on")
    year = YearFilter(label=gettext_lazy("Year the sanction starts"), field_name="starts_on__year")

    class Meta:
        model = Sanction
        fields = ["employee", "opd", "level", "in_force_on", "year"]

    def filter_in_force_on(self, queryset, name, value):
        return queryset.in_force_on(value)


@extend_schema_view(
    list=extend_schema(
        summary="List disciplinary sanctions",
        description=f"Newest first. {_AUDIENCES}",
        responses={
            200: _for_caller("Sanction", SanctionOfficerSerializer, SanctionOwnSerializer, many=True),
            **_ERRORS,
        },
    ),
    retrieve=extend_schema(
        summary="One disciplinary sanction",
        description="The read is recorded in the audit trail.",
        responses={200: _for_caller("Sanction", SanctionOfficerSerializer, SanctionOwnSerializer), **_ERRORS},
    ),
    create=extend_schema(
        summary="Record a disciplinary sanction",
        description="Inspektorat only. The end date follows from the type unless the decree sets one.",
        request=SanctionCreateSerializer,
        responses={201: SanctionOfficerSerializer, **_ERRORS},
    ),
)
@extend_schema(tags=["integrity"])
class SanctionViewSet(IntegrityViewSet):
    officer_serializer_class = SanctionOfficerSerializer
    own_serializer_class = SanctionOwnSerializer
    filterset_class = SanctionFilter

    def get_queryset(self):
        return (
            permissions.sanctions_visible_to(self.request.user)
            .select_related("employee__opd", "type", "recorded_by")
            .order_by("-starts_on", "-id")
        )

    def create(self, request, *args, **kwargs):
        data = self.validated_input(SanctionCreateSerializer)
        with _service_errors(employee="employee_nip", type="type_code"):
            sanction = services.record_sanction(**data, by=request.user, today=local_today())
        return self.read_response(sanction, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Annul a sanction on appeal",
        description="Inspektorat only. An annulled sanction no longer counts, from its start.",
        request=SanctionAnnulSerializer,
        responses={200: SanctionOfficerSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def annul(self, request, pk=None):
        sanction = self.get_object()
        data = self.validated_input(SanctionAnnulSerializer)
        with _service_errors():
            services.annul_sanction(
                sanction,
                decree_number=data["annulment_decree_number"],
                decree_on=data["annulment_decree_on"],
                by=request.user,
                today=local_today(),
            )
        return self.read_response(sanction)


# --- Cases ----------------------------------------------------------------------------------------


class CaseFilter(django_filters.FilterSet):
    employee = _employee_filter()
    opd = _opd_filter("employee__opd")
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=CaseStatus.choices)
    category = django_filters.ChoiceFilter(label=gettext_lazy("Category"), choices=CaseCategory.choices)
    is_open = django_filters.BooleanFilter(
        label=gettext_lazy("Case open"), field_name="closed_on", lookup_expr="isnull"
    )
    year = YearFilter(label=gettext_lazy("Year received"), field_name="opened_on__year")

    class Meta:
        model = IntegrityCase
        fields = ["employee", "opd", "status", "category", "is_open", "year"]


@extend_schema_view(
    list=extend_schema(
        summary="List integrity cases",
        description=f"Newest first, with their steps and evidence. {_OFFICERS_ONLY}",
        responses={200: CaseOfficerSerializer(many=True), **_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One integrity case",
        description="The read is recorded in the audit trail.",
        responses={200: CaseOfficerSerializer, **_ERRORS},
    ),
    create=extend_schema(
        summary="Open an integrity case (aduan)",
        description="Inspektorat only. A moderate or severe allegation puts the employee under examination.",
        request=CaseCreateSerializer,
        responses={201: CaseOfficerSerializer, **_ERRORS},
    ),
)
@extend_schema(tags=["integrity"])
class CaseViewSet(IntegrityViewSet):
    officer_serializer_class = CaseOfficerSerializer
    filterset_class = CaseFilter

    def get_queryset(self):
        return (
            permissions.cases_visible_to(self.request.user)
            .select_related("employee__opd", "created_by")
            .prefetch_related(
                Prefetch("events", CaseEvent.objects.select_related("by").order_by("at", "id")),
                Prefetch("evidence", CaseEvidence.objects.order_by("uploaded_at", "id")),
            )
            .order_by("-opened_on", "-id")
        )

    def create(self, request, *args, **kwargs):
        data = self.validated_input(CaseCreateSerializer)
        data["alleged_level"] = unset_to_blank(data["alleged_level"])
        with _service_errors(employee="employee_nip"):
            case = services.open_case(**data, by=request.user, today=local_today())
        return self.read_response(case, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Move a case to its next step",
        description="Inspektorat only. Closing steps set the closing date; a closed case cannot move again.",
        request=CaseAdvanceSerializer,
        responses={200: CaseOfficerSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        case = self.get_object()
        data = self.validated_input(CaseAdvanceSerializer)
        with _service_errors(sanction="sanction_id"):
            services.advance_case(
                case,
                status=data["status"],
                by=request.user,
                on=data["on"] or local_today(),
                note=data["note"],
                alleged_level=unset_to_blank(data["alleged_level"]) if "alleged_level" in request.data else None,
                sanction=data["sanction"],
            )
        return self.read_response(case)

    @extend_schema(
        summary="Attach evidence to a case",
        description="Inspektorat only. Multipart upload of a PDF, JPEG or PNG (checked by content, size capped).",
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: CaseOfficerSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def evidence(self, request, pk=None):
        case = self.get_object()
        data = self.validated_input(EvidenceUploadSerializer)
        with _service_errors():
            services.add_evidence(case, uploaded=data["file"], description=data["description"], by=request.user)
        return self.read_response(case, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Download a piece of evidence",
        description="The read is recorded in the audit trail.",
        parameters=[OpenApiParameter("evidence_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
            **_ERRORS,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"evidence/(?P<evidence_id>[^/]+)/file",
        url_name="evidence-file",
        content_negotiation_class=FileDownloadNegotiation,
    )
    def evidence_file(self, request, pk=None, evidence_id=None):
        case = self.get_object()
        evidence = CaseEvidence.objects.filter(case=case, pk=object_id_or_404(evidence_id)).first()
        if evidence is None:
            raise exceptions.NotFound()
        services.log_read(evidence)
        return protected_file_response(
            evidence.file, download_name=evidence.original_name, content_type=evidence.content_type
        )


# --- Wealth-report filings ------------------------------------------------------------------------


class FilingFilter(django_filters.FilterSet):
    employee = _employee_filter()
    opd = _opd_filter("opd")
    year = YearFilter(label=gettext_lazy("Reporting year"))
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=FilingKind.choices)
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status today"), choices=FilingStatus.choices, field_name="status_on"
    )

    class Meta:
        model = WealthReport
        fields = ["employee", "opd", "year", "kind", "status"]


@extend_schema_view(
    list=extend_schema(
        summary="List wealth-report filings (LHKPN/LHKASN)",
        description=f"Newest year first. The status is computed for today. {_AUDIENCES}",
        responses={200: _for_caller("Filing", FilingOfficerSerializer, FilingOwnSerializer, many=True), **_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One wealth-report filing",
        description="The read is recorded in the audit trail.",
        responses={200: _for_caller("Filing", FilingOfficerSerializer, FilingOwnSerializer), **_ERRORS},
    ),
    create=extend_schema(
        summary="Add an employee's filing obligation for a year",
        description="Inspektorat only. One filing per employee and year, not before the appointment year.",
        request=FilingCreateSerializer,
        responses={201: FilingOfficerSerializer, **_ERRORS},
    ),
)
@extend_schema(tags=["integrity"])
class FilingViewSet(IntegrityViewSet):
    officer_serializer_class = FilingOfficerSerializer
    own_serializer_class = FilingOwnSerializer
    filterset_class = FilingFilter

    def get_queryset(self):
        return (
            permissions.filings_visible_to(self.request.user)
            .with_status(local_today())
            .select_related("employee__opd", "opd", "verified_by")
            .order_by("-year", "employee__name", "id")
        )

    def create(self, request, *args, **kwargs):
        data = self.validated_input(FilingCreateSerializer)
        with _service_errors(employee="employee_nip"):
            filing = services.create_filing(
                data["employee"],
                year=data["year"],
                kind=data["kind"],
                by=request.user,
                today=local_today(),
            )
        return self.read_response(filing, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record a filing's submission",
        description="Inspektorat only. The channel defaults to the kind's (e-LHKPN or SiHarka).",
        request=FilingSubmitSerializer,
        responses={200: FilingOfficerSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        filing = self.get_object()
        data = self.validated_input(FilingSubmitSerializer)
        with _service_errors():
            services.record_submission(
                filing.employee,
                year=filing.year,
                submitted_on=data["submitted_on"],
                channel=unset_to_blank(data["channel"]),
                by=request.user,
                today=local_today(),
            )
        return self.read_response(filing)

    @extend_schema(
        summary="Verify a submitted filing",
        description="Inspektorat only. Verified today.",
        request=None,
        responses={200: FilingOfficerSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        filing = self.get_object()
        with _service_errors():
            services.verify_filing(filing, by=request.user, on=local_today())
        return self.read_response(filing)


# --- Gratification reports ------------------------------------------------------------------------


class GratificationFilter(django_filters.FilterSet):
    employee = _employee_filter()
    opd = _opd_filter("employee__opd")
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=GratificationStatus.choices)
    year = YearFilter(label=gettext_lazy("Year received"), field_name="received_on__year")
    is_late = django_filters.BooleanFilter(label=gettext_lazy("Reported late"), method="filter_is_late")

    class Meta:
        model = GratificationReport
        fields = ["employee", "opd", "status", "year", "is_late"]

    def filter_is_late(self, queryset, name, value):
        late = Q(reported_on__gt=F("due_on"))
        return queryset.filter(late) if value else queryset.exclude(late)


@extend_schema_view(
    list=extend_schema(
        summary="List gratification reports",
        description=f"Newest gift first. {_AUDIENCES}",
        responses={
            200: _for_caller(
                "GratificationReport", GratificationOfficerSerializer, GratificationOwnSerializer, many=True
            ),
            **_ERRORS,
        },
    ),
    retrieve=extend_schema(
        summary="One gratification report",
        description="The read is recorded in the audit trail.",
        responses={
            200: _for_caller("GratificationReport", GratificationOfficerSerializer, GratificationOwnSerializer),
            **_ERRORS,
        },
    ),
    create=extend_schema(
        summary="Report a gift (gratifikasi)",
        description="The signed-in employee reports a gift they received, dated today; the 10-working-day "
        "deadline is computed from the day received.",
        request=GratificationCreateSerializer,
        responses={201: GratificationOwnSerializer, **_ERRORS},
    ),
)
@extend_schema(tags=["integrity"])
class GratificationViewSet(IntegrityViewSet):
    officer_serializer_class = GratificationOfficerSerializer
    own_serializer_class = GratificationOwnSerializer
    filterset_class = GratificationFilter

    def may_write(self, user) -> bool:
        if self.action == "create":
            return permissions.can_report_gratification(user)
        return super().may_write(user)

    def get_queryset(self):
        return (
            permissions.gratification_reports_visible_to(self.request.user)
            .select_related("employee__opd", "handled_by")
            .order_by("-received_on", "-id")
        )

    def create(self, request, *args, **kwargs):
        data = self.validated_input(GratificationCreateSerializer)
        employee = Employee.objects.get(pk=core_permissions.actor_for(request.user).employee_id)
        with _service_errors():
            report = services.report_gratification(
                employee=employee, **data, reported_on=local_today(), by=request.user
            )
        # Even an officer reporting their own gift sees it as the employee does.
        return Response(
            GratificationOwnSerializer(
                self.get_queryset().get(pk=report.pk), context=self.get_serializer_context()
            ).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Process a gratification report",
        description="Inspektorat (UPG) only: verify, forward to the KPK, record the decision.",
        request=GratificationProcessSerializer,
        responses={200: GratificationOfficerSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def process(self, request, pk=None):
        report = self.get_object()
        data = self.validated_input(GratificationProcessSerializer)
        with _service_errors():
            services.process_gratification(
                report,
                status=data["status"],
                by=request.user,
                on=data["on"] or local_today(),
                note=data["note"],
                kpk_reference=data["kpk_reference"],
                decision=unset_to_blank(data["decision"]),
            )
        return self.read_response(report)


# --- Drug tests -----------------------------------------------------------------------------------


class DrugTestEventFilter(django_filters.FilterSet):
    year = YearFilter(label=gettext_lazy("Year held"), field_name="held_on__year")

    class Meta:
        model = DrugTestEvent
        fields = ["year"]


@extend_schema_view(
    list=extend_schema(
        summary="List drug-test events",
        description=f"Newest first. {_OFFICERS_ONLY}",
        responses={200: DrugTestEventOfficerSerializer(many=True), **_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One drug-test event",
        description="The read is recorded in the audit trail.",
        responses={200: DrugTestEventOfficerSerializer, **_ERRORS},
    ),
    create=extend_schema(
        summary="Record a drug-test event",
        description="Inspektorat only.",
        request=DrugTestEventCreateSerializer,
        responses={201: DrugTestEventOfficerSerializer, **_ERRORS},
    ),
)
@extend_schema(tags=["integrity"])
class DrugTestEventViewSet(IntegrityViewSet):
    officer_serializer_class = DrugTestEventOfficerSerializer
    filterset_class = DrugTestEventFilter

    def get_queryset(self):
        return (
            permissions.drug_test_events_visible_to(self.request.user)
            .prefetch_related(Prefetch("units", OrgUnit.objects.order_by("code")))
            .annotate(result_count=Count("results"))
            .order_by("-held_on", "-id")
        )

    def create(self, request, *args, **kwargs):
        data = self.validated_input(DrugTestEventCreateSerializer)
        with _service_errors(units="unit_codes"):
            event = services.record_drug_test_event(**data, by=request.user, today=local_today())
        return self.read_response(event, status.HTTP_201_CREATED)

    def _results(self, event):
        case_id = IntegrityCase.objects.filter(drug_test_result=OuterRef("pk")).values("pk")[:1]
        return (
            permissions.drug_test_results_visible_to(self.request.user)
            .filter(event=event)
            .select_related("employee__opd")
            .annotate(integrity_case_id=Subquery(case_id))
            .order_by("employee__name", "id")
        )

    @extend_schema(
        methods=["GET"],
        summary="List a drug test's results",
        description="By employee name. The read is recorded in the audit trail (on the event).",
        filters=False,
        responses={200: DrugTestResultOfficerSerializer(many=True), **_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Record one employee's drug-test result",
        description="Inspektorat only. A positive result opens an integrity case (narkoba) to verify.",
        request=DrugTestResultCreateSerializer,
        responses={201: DrugTestResultOfficerSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None)
    def results(self, request, pk=None):
        event = self.get_object()
        if request.method == "POST":
            data = self.validated_input(DrugTestResultCreateSerializer)
            with _service_errors(employee="employee_nip"):
                result = services.record_drug_test_result(
                    event=event,
                    employee=data["employee"],
                    outcome=data["outcome"],
                    follow_up=unset_to_blank(data["follow_up"]),
                    notes=data["notes"],
                    by=request.user,
                )
            shown = self._results(event).get(pk=result.pk)
            return Response(
                DrugTestResultOfficerSerializer(shown, context=self.get_serializer_context()).data,
                status=status.HTTP_201_CREATED,
            )
        services.log_read(event)
        page = self.paginate_queryset(self._results(event))
        data = DrugTestResultOfficerSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)


# --- Integrity pacts ------------------------------------------------------------------------------


class PactFilter(django_filters.FilterSet):
    employee = _employee_filter()
    opd = _opd_filter("employee__opd")
    occasion = django_filters.ChoiceFilter(label=gettext_lazy("Occasion"), choices=PactOccasion.choices)
    year = YearFilter(label=gettext_lazy("Year signed"), field_name="signed_on__year")

    class Meta:
        model = IntegrityPact
        fields = ["employee", "opd", "occasion", "year"]


@extend_schema_view(
    list=extend_schema(
        summary="List integrity pacts",
        description=f"Newest first. {_AUDIENCES}",
        responses={200: _for_caller("Pact", PactOfficerSerializer, PactOwnSerializer, many=True), **_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One integrity pact",
        description="The read is recorded in the audit trail.",
        responses={200: _for_caller("Pact", PactOfficerSerializer, PactOwnSerializer), **_ERRORS},
    ),
    create=extend_schema(
        summary="Record a signed integrity pact",
        description="Inspektorat only. Multipart upload of the signed document (PDF, JPEG or PNG, checked by "
        "content, size capped).",
        request={"multipart/form-data": PactCreateSerializer},
        responses={201: PactOfficerSerializer, **_ERRORS},
    ),
)
@extend_schema(tags=["integrity"])
class PactViewSet(IntegrityViewSet):
    officer_serializer_class = PactOfficerSerializer
    own_serializer_class = PactOwnSerializer
    filterset_class = PactFilter
    parser_classes = [MultiPartParser]

    def get_queryset(self):
        return (
            permissions.pacts_visible_to(self.request.user)
            .select_related("employee__opd", "position", "recorded_by")
            .order_by("-signed_on", "-id")
        )

    def create(self, request, *args, **kwargs):
        data = self.validated_input(PactCreateSerializer)
        with _service_errors(employee="employee_nip", file="document", position="position_id"):
            pact = services.record_pact(**data, by=request.user, today=local_today())
        return self.read_response(pact, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Download a pact's signed document",
        description="The read is recorded in the audit trail.",
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
            **_ERRORS,
        },
    )
    @action(detail=True, methods=["get"], content_negotiation_class=FileDownloadNegotiation)
    def document(self, request, pk=None):
        pact = self.get_object()
        services.log_read(pact)
        extension = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(pact.document_type, "")
        return protected_file_response(
            pact.document,
            download_name=f"pakta-integritas-{pact.employee.nip}-{pact.signed_on:%Y%m%d}{extension}",
            content_type=pact.document_type,
        )


# --- Standing -------------------------------------------------------------------------------------


class EmployeeStandingView(APIView):
    @extend_schema(
        tags=["integrity"],
        summary="An employee's integrity standing on a day",
        description="Whether the employee is in good standing (no moderate or severe sanction in force, not "
        "under examination) and whether their wealth reports are complete, each with a short reason — never "
        "the violation itself. For whoever may see the employee (themselves, their supervisor, their OPD's "
        "operator, Admin BKPP, the Inspektorat); anyone else gets a 404, as for an unknown NIP.",
        parameters=[
            OpenApiParameter("nip", OpenApiTypes.STR, OpenApiParameter.PATH, description="NIP or NI PPPK."),
            StandingQuerySerializer,
        ],
        responses={200: StandingSerializer, **error_responses(400, 401, 404)},
    )
    def get(self, request, nip):
        employee = permissions.get_employee_for_standing(request.user, nip=normalize_digits(nip))
        query = StandingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        on = query.validated_data.get("on") or local_today()
        standing = services.standing(employee, on)
        body = {
            "nip": employee.nip,
            "on": standing.on,
            "in_good_standing": standing.in_good_standing,
            "sanction_free": standing.sanction_free,
            "sanction_level": standing.sanction_level,
            "sanction_until": standing.sanction_until,
            "under_examination": standing.under_examination,
            "filings_complete": standing.filings_complete,
            "filing_year": standing.filing_year,
            "reasons": standing.reasons,
        }
        return Response(StandingSerializer(body).data)


# --- Filing compliance ----------------------------------------------------------------------------


def _compliance_counts(row: dict) -> dict:
    """The API's names for a row of `selectors.filing_compliance`."""
    return {
        "obligees": row["total"],
        "filed_on_time": row["on_time"],
        "filed_late": row["late"],
        "not_filed": row["not_filed"],
        "not_yet_due": row["pending"],
        "verified": row["verified"],
        "filing_rate": row["rate"],
    }


def filing_compliance(year: int, *, kind: str | None, today) -> dict:
    """Filing counts per OPD and for the city: the very figures of the compliance dashboard
    (`selectors.filing_compliance`, worst OPD first), with each OPD's code."""
    figures = selectors.filing_compliance(year, today, kind or "")
    codes = dict(OrgUnit.objects.filter(pk__in=[row["opd_id"] for row in figures["by_opd"]]).values_list("id", "code"))
    return {
        "year": year,
        "kind": kind or None,
        "on": today,
        "opds": [
            {"opd": {"id": row["opd_id"], "code": codes.get(row["opd_id"], ""), "name": row["name"]}}
            | _compliance_counts(row)
            for row in figures["by_opd"]
        ],
        "total": _compliance_counts(figures["total"]),
    }


class ComplianceView(APIView):
    @extend_schema(
        tags=["integrity"],
        summary="Wealth-report filing compliance per OPD",
        description="For Admin BKPP and the Inspektorat: counts only, no names; the same figures as the "
        "compliance dashboard, worst OPD first. Everyone else gets 403.",
        parameters=[ComplianceQuerySerializer],
        responses={200: ComplianceSerializer, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        if not permissions.can_view_compliance(request.user):
            raise exceptions.PermissionDenied(_("Only Admin BKPP and the Inspektorat may see filing compliance."))
        query = ComplianceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = local_today()
        year = query.validated_data.get("year") or rules.last_due_year(today)
        figures = filing_compliance(year, kind=query.validated_data.get("kind"), today=today)
        return Response(ComplianceSerializer(figures).data)
