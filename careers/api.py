"""Careers API v1 (routed in `careers/api_urls.py`, included at /api/v1/): the career histories
(read-only), the promotion eligibility of many employees for a period and the full explanation
for one, and promotion proposals with every step of their workflow.

Access follows careers/permissions.py and the employee profile, with one rule for every
endpoint:

- Histories are part of the employee's profile: they answer whoever may see the employee
  (`asn_portal.permissions.employees_visible_to`: the employee, their supervisor, their OPD's
  operator, Admin BKPP, the Inspektorat). Rows of anyone else are left out of lists and an id
  the caller may not see is a 404 exactly like a missing one.
- One employee's outlook (`employees/{nip}/eligibility/`) is on their profile's rank tab, so it
  answers whoever may open the profile (`permissions.can_view_outlook`); anyone else gets a 404, as for an
  unknown NIP. The candidates list is the candidates page's (`selectors.candidates`: BKPP
  everyone, an operator their OPDs, PNS in service holding a rank) and answers 403 to anyone
  but BKPP and operators (`permissions.can_view_candidates`).
  Integrity details never appear: the `integrity` criterion says what the standing service
  says to these same people, nothing more.
- Proposals start from `permissions.proposals_visible_to(request.user)`: a proposal the caller
  may not see is a 404 like a missing one. BKPP's steps (verify, submit to BKN, decree, reject)
  are refused to anyone else with a 403 before anything is loaded. Every step then asks its
  permission predicate (`can_decide_as_supervisor`, `can_return`, `can_verify`, …): a caller
  with no part in the step gets 403; the right person at the wrong moment (approving twice,
  verifying before the supervisor approved) gets 400 `invalid_transition`, as the service
  would answer.

Writes go only through `careers.proposals`, which owns the transaction, the locks and every
rule; "today" is read here, at the edge (`local_today`). Domain errors (`ServiceError`) become
the standard error body in `asn_portal.drf.exception_handler`, with the field named as the
client sent it; a refused write leaves nothing behind.

Histories are read-only here: they are written by the pages and the spreadsheet imports
through `careers.history`.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable

import django_filters
from django import forms
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from asn_portal.drf import error_responses, object_id_or_404
from asn_portal.drf import service_errors as _service_errors
from asn_portal.filters import search_employees
from asn_portal.models import Employee, OrgUnit
from asn_portal.nip import normalize_digits
from asn_portal.services import ServiceError
from careers import eligibility, periods, permissions, proposals, selectors
from careers.models import (
    Award,
    AwardKind,
    CreditAssessment,
    EducationHistory,
    ExamKind,
    ExamResult,
    Innovation,
    PerformanceRating,
    PositionHistory,
    Predikat,
    PromotionKind,
    PromotionProposal,
    ProposalEvent,
    ProposalState,
    RankEntryKind,
    RankHistory,
)
from careers.serializers import (
    AwardSerializer,
    CreditAssessmentSerializer,
    EducationHistorySerializer,
    ExamResultSerializer,
    InnovationSerializer,
    OutlookSerializer,
    PerformanceRatingSerializer,
    PeriodQuerySerializer,
    PositionHistorySerializer,
    PromotionCandidateSerializer,
    ProposalCreateSerializer,
    ProposalDecreeSerializer,
    ProposalDetailSerializer,
    ProposalDocumentsSerializer,
    ProposalNoteSerializer,
    ProposalReasonSerializer,
    ProposalResubmitSerializer,
    ProposalSerializer,
    ProposalSubmitSerializer,
    ProposeManyResultSerializer,
    ProposeManySerializer,
    RankHistorySerializer,
)


def local_today() -> dt.date:
    """Today in the site's time zone (Asia/Jakarta): the edge where the clock is read."""
    return timezone.localdate()


_ERRORS = error_responses(400, 401, 403, 404)
_P = ProposalState


def _at_step(proposal: PromotionProposal, state: str) -> PromotionProposal:
    """A copy of `proposal` in `state`, to ask a predicate whether the caller would be allowed
    at that step (the copy is never saved)."""
    twin = copy.copy(proposal)
    twin.state = state
    return twin


def _wrong_step(proposal: PromotionProposal) -> ServiceError:
    # The text and code of careers.proposals._expect: the same refusal whoever finds it first.
    return ServiceError(
        _("This proposal is “%(state)s”; that step is not possible now.") % {"state": proposal.get_state_display()},
        "invalid_transition",
        "state",
    )


# --- Shared plumbing -----------------------------------------------------------------------------


class CandidatesAccess(BasePermission):
    """The candidates list is the operators' and BKPP's (`permissions.can_view_candidates`);
    one employee's outlook is at employees/{nip}/eligibility/."""

    message = gettext_lazy("Only Admin BKPP and the OPD operators see the promotion candidates.")

    def has_permission(self, request, view):
        return permissions.can_view_candidates(request.user)


class CareersAccess(BasePermission):
    """The view's `bkpp_actions` are Admin BKPP's alone (`permissions.can_manage_careers`),
    refused before anything is loaded; everything else is scoped by the querysets and the
    actions' own predicates."""

    message = gettext_lazy("Only Admin BKPP may do this.")

    def has_permission(self, request, view):
        return view.action not in view.bkpp_actions or permissions.can_manage_careers(request.user)


class CareersViewSet(viewsets.GenericViewSet):
    """JSON 404s for any id that is not visible, input validation, answers reloaded through
    the list's queryset."""

    permission_classes = [IsAuthenticated, CareersAccess]
    parser_classes = [JSONParser]
    # Any id reaches the view, which answers a JSON 404 for ids that are not ids ("0.5").
    lookup_value_regex = "[^/]+"
    bkpp_actions: frozenset[str] = frozenset()
    detail_serializer_class: type | None = None

    def get_serializer_class(self):
        if self.action != "list" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return self.serializer_class

    def get_object(self):
        obj = self.get_queryset().filter(pk=object_id_or_404(self.kwargs["pk"])).first()
        if obj is None:
            raise exceptions.NotFound()
        self.check_object_permissions(self.request, obj)
        return obj

    def validated_input(self, serializer_class, **kwargs):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def read_response(self, obj, http_status=status.HTTP_200_OK) -> Response:
        """`obj` reloaded through the view's queryset (related rows, steps) and shown."""
        obj = self.get_queryset().get(pk=obj.pk)
        return Response(self.get_serializer(obj).data, status=http_status)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class RetrieveMixin:
    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    """A whole number (a year): "1.5" is a 400, not a decimal."""

    field_class = forms.IntegerField


def _filter_employee_nip(queryset, name, value):
    return queryset.filter(**{name: normalize_digits(value)})


def _employee_filter(field_name: str = "employee__nip"):
    return django_filters.CharFilter(
        label=gettext_lazy("Employee NIP"), field_name=field_name, method=_filter_employee_nip
    )


def _opd_filter(field_name: str):
    return django_filters.ModelChoiceFilter(
        label=gettext_lazy("OPD"), queryset=OrgUnit.objects.filter(depth=1), field_name=field_name
    )


def _period(query_params) -> dt.date:
    """The `period` asked for, checked (a date that is not a promotion period is a 400
    `not_a_period` naming the next one); by default the pages' own: the first period the OPDs
    may propose for today, else the next one."""
    query = PeriodQuerySerializer(data=query_params)
    query.is_valid(raise_exception=True)
    period = query.validated_data.get("period")
    if period is None:
        period = selectors.default_period(selectors.period_choices(local_today()))
    return periods.check_period(period)


_PERIOD = OpenApiParameter(
    "period",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description="A promotion period (TMT), the 1st of a period month; default: the first period the OPDs may "
    "propose for today, else the next one. Another date is a 400 with code `not_a_period`.",
)
_NIP = OpenApiParameter("nip", OpenApiTypes.STR, OpenApiParameter.PATH, description="NIP or NI PPPK.")


# --- Histories -----------------------------------------------------------------------------------


class HistoryFilter(django_filters.FilterSet):
    employee = _employee_filter()
    opd = _opd_filter("employee__opd")


class RankHistoryFilter(HistoryFilter):
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=RankEntryKind.choices)

    class Meta:
        model = RankHistory
        fields = ["employee", "opd", "kind"]


class PositionHistoryFilter(HistoryFilter):
    class Meta:
        model = PositionHistory
        fields = ["employee", "opd"]


class EducationHistoryFilter(HistoryFilter):
    class Meta:
        model = EducationHistory
        fields = ["employee", "opd"]


class PerformanceRatingFilter(HistoryFilter):
    year = IntegerFilter(label=gettext_lazy("Year"), field_name="year")
    predikat = django_filters.ChoiceFilter(label=gettext_lazy("Predikat"), choices=Predikat.choices)

    class Meta:
        model = PerformanceRating
        fields = ["employee", "opd", "year", "predikat"]


class ExamResultFilter(HistoryFilter):
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Exam"), choices=ExamKind.choices)

    class Meta:
        model = ExamResult
        fields = ["employee", "opd", "kind"]


class CreditAssessmentFilter(HistoryFilter):
    class Meta:
        model = CreditAssessment
        fields = ["employee", "opd"]


class AwardFilter(HistoryFilter):
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=AwardKind.choices)

    class Meta:
        model = Award
        fields = ["employee", "opd", "kind"]


class InnovationFilter(HistoryFilter):
    year = IntegerFilter(label=gettext_lazy("Year"), field_name="year")

    class Meta:
        model = Innovation
        fields = ["employee", "opd", "year"]


class HistoryViewSet(RetrieveMixin, CareersViewSet):
    """A read-only history: the rows of the employees the caller may see, each employee's
    newest first."""

    model: type = RankHistory
    related: tuple[str, ...] = ()
    newest_first: tuple[str, ...] = ()

    def get_queryset(self):
        return (
            permissions.histories_visible_to(self.request.user, self.model)
            .select_related("employee", *self.related)
            .order_by("employee__name", "employee_id", *self.newest_first, "-id")
        )


def _history_schema(noun: str, serializer, order: str):
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {noun}",
            description=f"By employee name, each employee's {order}. For whoever may see the employee (themselves, "
            "their supervisor, their OPD's operator, Admin BKPP, the Inspektorat), as on the profile.",
            responses={200: serializer(many=True), **_ERRORS},
        ),
        retrieve=extend_schema(summary=f"One row of {noun}", responses={200: serializer, **_ERRORS}),
    )


@_history_schema("rank history (riwayat pangkat)", RankHistorySerializer, "latest TMT first")
@extend_schema(tags=["careers"])
class RankHistoryViewSet(HistoryViewSet):
    serializer_class = RankHistorySerializer
    filterset_class = RankHistoryFilter
    model = RankHistory
    related = ("rank",)
    newest_first = ("-tmt_on",)


@_history_schema("position history (riwayat jabatan)", PositionHistorySerializer, "latest TMT first")
@extend_schema(tags=["careers"])
class PositionHistoryViewSet(HistoryViewSet):
    serializer_class = PositionHistorySerializer
    filterset_class = PositionHistoryFilter
    model = PositionHistory
    related = ("unit",)
    newest_first = ("-tmt_on",)


@_history_schema("education history (riwayat pendidikan)", EducationHistorySerializer, "latest diploma first")
@extend_schema(tags=["careers"])
class EducationHistoryViewSet(HistoryViewSet):
    serializer_class = EducationHistorySerializer
    filterset_class = EducationHistoryFilter
    model = EducationHistory
    related = ("level",)
    newest_first = ("-graduated_on",)


@_history_schema("annual SKP ratings", PerformanceRatingSerializer, "latest year first")
@extend_schema(tags=["careers"])
class PerformanceRatingViewSet(HistoryViewSet):
    serializer_class = PerformanceRatingSerializer
    filterset_class = PerformanceRatingFilter
    model = PerformanceRating
    newest_first = ("-year",)


@_history_schema("passed service exams (ujian dinas, UKPPI)", ExamResultSerializer, "latest first")
@extend_schema(tags=["careers"])
class ExamResultViewSet(HistoryViewSet):
    serializer_class = ExamResultSerializer
    filterset_class = ExamResultFilter
    model = ExamResult
    newest_first = ("-passed_on",)


@_history_schema("angka kredit assessments (PAK)", CreditAssessmentSerializer, "latest first")
@extend_schema(tags=["careers"])
class CreditAssessmentViewSet(HistoryViewSet):
    serializer_class = CreditAssessmentSerializer
    filterset_class = CreditAssessmentFilter
    model = CreditAssessment
    newest_first = ("-assessed_on",)


@_history_schema("awards", AwardSerializer, "latest first")
@extend_schema(tags=["careers"])
class AwardViewSet(HistoryViewSet):
    serializer_class = AwardSerializer
    filterset_class = AwardFilter
    model = Award
    newest_first = ("-awarded_on",)


@_history_schema("innovations", InnovationSerializer, "latest year first")
@extend_schema(tags=["careers"])
class InnovationViewSet(HistoryViewSet):
    serializer_class = InnovationSerializer
    filterset_class = InnovationFilter
    model = Innovation
    related = ("unit",)
    newest_first = ("-year",)


# --- Eligibility ---------------------------------------------------------------------------------


class CandidateFilter(django_filters.FilterSet):
    unit = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Unit code (with sub-units)"),
        queryset=OrgUnit.objects.all(),
        to_field_name="code",
        method="filter_unit",
    )
    eligible = django_filters.BooleanFilter(label=gettext_lazy("Eligible"), field_name="is_eligible")
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Kind of promotion"),
        choices=[(kind.value, kind.label) for kind in PromotionKind.decided_by_engine()],
        field_name="promotion_kind",
    )
    fails = django_filters.ChoiceFilter(
        label=gettext_lazy("Fails this criterion"),
        choices=[(criterion.code, criterion.label) for criterion in eligibility.CRITERIA],
        method="filter_fails",
    )
    only_failing = django_filters.ChoiceFilter(
        label=gettext_lazy("Fails only this criterion"),
        choices=[(criterion.code, criterion.label) for criterion in eligibility.CRITERIA],
        method="filter_only_failing",
    )
    employee = _employee_filter("nip")
    q = django_filters.CharFilter(label=gettext_lazy("Name or NIP"), method="filter_q", max_length=100)

    class Meta:
        model = Employee
        fields = ["unit", "eligible", "kind", "fails", "only_failing", "employee", "q"]

    def filter_unit(self, queryset, name, value):
        return queryset.in_subtree(value)

    def filter_fails(self, queryset, name, value):
        return queryset.filter(**{eligibility.flag_name(value): False})

    def filter_only_failing(self, queryset, name, value):
        return eligibility.only_failing(queryset, value)

    def filter_q(self, queryset, name, value):
        return search_employees(queryset, value)


@extend_schema_view(
    list=extend_schema(
        summary="Promotion candidates: the eligibility of many employees for a period",
        description="The candidates page's list: Admin BKPP sees every OPD, an Operator OPD their OPDs; anyone "
        "else gets 403. PNS in service holding a rank, by OPD and name, each judged by the engine in one "
        "query: the kind, the target rank, one flag per criterion (true also when it does not apply) and "
        "their proposal for the period. `only_failing=time` lists those held back by nothing but their time "
        "in rank. The full explanation of one employee is at `/api/v1/employees/{nip}/eligibility/`.",
        parameters=[_PERIOD],
        responses={200: PromotionCandidateSerializer(many=True), **_ERRORS},
    ),
)
@extend_schema(tags=["careers"])
class EligibilityViewSet(CareersViewSet):
    serializer_class = PromotionCandidateSerializer
    filterset_class = CandidateFilter
    permission_classes = [IsAuthenticated, CandidatesAccess]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema only wants the model
            return Employee.objects.none()
        period = _period(self.request.query_params)
        self.engine_context = eligibility.load_context(period)
        # The candidates page's rows, every verdict (status=""): the filters below narrow them.
        return selectors.candidates(self.request.user, period, context=self.engine_context, status="")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        engine_context = getattr(self, "engine_context", None)
        context["ranks"] = engine_context.ranks if engine_context is not None else {}
        return context


class EmployeeEligibilityView(APIView):
    @extend_schema(
        tags=["careers"],
        summary="An employee's promotion outlook for a period, criterion by criterion",
        description="The engine's full explanation (DOMAIN.md §3): the kind and the target rank, each "
        "criterion with its verdict, message and numbers, when the time in rank will be met, the period's "
        "proposal window and the employee's proposal for it. As on the profile: for whoever may see the "
        "employee (themselves, their supervisor, their OPD's operator, Admin BKPP, the Inspektorat); anyone "
        "else gets a 404, as for an unknown NIP.",
        parameters=[_NIP, _PERIOD],
        responses={200: OutlookSerializer, **error_responses(400, 401, 404)},
    )
    def get(self, request, nip):
        employee = Employee.objects.filter(nip=normalize_digits(nip)).first()
        if employee is None or not permissions.can_view_outlook(request.user, employee):
            raise Http404(_("Employee not found."))
        period = _period(request.query_params)
        outlook = eligibility.explain(employee, period)
        opens_on, closes_on, internal_deadline_on = periods.window(period)
        proposal = (
            permissions.proposals_visible_to(request.user)
            .filter(employee=employee, period_on=period, state__in=[*_P.live(), _P.APPROVED])
            .order_by("-id")
            .first()
        )
        body = {
            "nip": employee.nip,
            "period": period,
            "eligible": outlook.eligible,
            "kind": outlook.kind,
            "kind_label": outlook.kind_label,
            "current_rank": outlook.current_rank,
            "target_rank": outlook.target_rank,
            "rule_version": outlook.rule_version,
            "next_period": outlook.next_date,
            "window": {"opens_on": opens_on, "closes_on": closes_on, "internal_deadline_on": internal_deadline_on},
            "criteria": [
                {
                    "code": check.code,
                    "label": check.label,
                    "ok": check.ok,
                    "exempt": check.exempt,
                    "message": check.message,
                    "values": dict(check.values),
                }
                for check in outlook.criteria
            ],
            "proposal": proposal,
        }
        return Response(OutlookSerializer(body).data)


# --- Proposals -----------------------------------------------------------------------------------


class ProposalFilter(django_filters.FilterSet):
    period = django_filters.DateFilter(label=gettext_lazy("Period (TMT)"), field_name="period_on")
    state = django_filters.ChoiceFilter(label=gettext_lazy("State"), choices=ProposalState.choices)
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind of promotion"), choices=PromotionKind.choices)
    employee = _employee_filter()
    opd = _opd_filter("opd")

    class Meta:
        model = PromotionProposal
        fields = ["period", "state", "kind", "employee", "opd"]


@extend_schema_view(
    list=extend_schema(
        summary="List promotion proposals",
        description="Latest period first, then by name. Admin BKPP sees all; an Operator OPD their OPDs'; a "
        "supervisor their direct subordinates' (`state=proposed` is their inbox); an employee their own.",
        responses={200: ProposalSerializer(many=True), **_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One proposal with its stored explanation and every step",
        responses={200: ProposalDetailSerializer, **_ERRORS},
    ),
    create=extend_schema(
        summary="Propose an employee for promotion",
        description="The Operator OPD of the employee's OPD, or Admin BKPP (403 otherwise, the same for an unknown "
        "NIP). The period must be a promotion period; the engine's explanation is stored with the proposal. "
        "Someone the engine finds not eligible may only be proposed by Admin BKPP, with `override_reason`. "
        "The direct supervisor decides next.",
        request=ProposalCreateSerializer,
        responses={201: ProposalDetailSerializer, **_ERRORS},
    ),
)
@extend_schema(tags=["careers"])
class ProposalViewSet(RetrieveMixin, CareersViewSet):
    serializer_class = ProposalSerializer
    detail_serializer_class = ProposalDetailSerializer
    filterset_class = ProposalFilter
    bkpp_actions = frozenset({"verify", "submit", "decree", "reject"})

    def get_queryset(self):
        queryset = (
            permissions.proposals_visible_to(self.request.user)
            .select_related("employee", "opd", "from_rank", "to_rank", "proposed_by")
            .order_by("-period_on", "employee__name", "id")
        )
        if self.action not in ("list", "propose_many"):
            queryset = queryset.prefetch_related(
                Prefetch("events", ProposalEvent.objects.select_related("by").order_by("at", "id"))
            )
        return queryset

    def _proposable(self, nips: list[str]) -> list[Employee]:
        """The employees of `nips`, each one the caller may propose, else 403 for the whole
        request (the same for an unknown NIP, so nobody learns which NIPs exist)."""
        user = self.request.user
        wanted = list(dict.fromkeys(normalize_digits(nip) for nip in nips))
        found = {e.nip: e for e in permissions.candidates_visible_to(user).filter(nip__in=wanted)}
        if any(nip not in found or not permissions.can_propose(user, found[nip]) for nip in wanted):
            raise exceptions.PermissionDenied(_("You may not propose this employee."))
        return [found[nip] for nip in wanted]

    def create(self, request, *args, **kwargs):
        data = self.validated_input(ProposalCreateSerializer)
        (employee,) = self._proposable([data["employee_nip"]])
        with _service_errors(employee="employee_nip"):
            proposal = proposals.propose(
                employee,
                period_on=data["period"],
                by=request.user,
                documents=data["documents"],
                override_reason=data["override_reason"],
                today=local_today(),
            )
        return self.read_response(proposal, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Propose several employees for one period",
        description="The Operator OPD for employees of their OPDs, or Admin BKPP; one NIP the caller may not "
        "propose refuses the whole request (403), as does a date that is not a period (400). Each employee is "
        "proposed on their own: those the engine finds not eligible, already proposed for the period, or (for "
        "an operator) outside the period's window, are listed in `refused` with the reason and the others go ahead. "
        "Nobody is proposed against the engine here: that needs a reason, one by one.",
        request=ProposeManySerializer,
        responses={200: ProposeManyResultSerializer, **_ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="propose-many", url_name="propose-many")
    def propose_many(self, request):
        data = self.validated_input(ProposeManySerializer)
        employees = self._proposable(data["employee_nips"])
        with _service_errors():
            periods.check_period(data["period"])  # refused for the whole request, not once per employee
        result = proposals.propose_many(employees, period_on=data["period"], by=request.user, today=local_today())
        proposed = list(self.get_queryset().filter(pk__in=[p.pk for p in result.proposed]))
        body = {
            "proposed": proposed,
            "refused": [{"employee": e, "code": error.code, "message": error.message} for e, error in result.refused],
        }
        return Response(ProposeManyResultSerializer(body, context=self.get_serializer_context()).data)

    def _may(
        self,
        proposal: PromotionProposal,
        predicate: Callable[..., bool],
        states: tuple[str, ...],
        message: str,
    ) -> None:
        """Ask the step's permission predicate. When it says no, but would say yes at one of the
        step's `states`, the caller is the right person at the wrong moment: the service's own
        refusal (400 `invalid_transition`). Otherwise 403."""
        user = self.request.user
        if predicate(user, proposal):
            return
        if any(predicate(user, _at_step(proposal, state)) for state in states if state != proposal.state):
            raise _wrong_step(proposal)
        raise exceptions.PermissionDenied(message)

    @extend_schema(
        summary="Approve a proposal as the supervisor",
        description="The employee's direct supervisor, while it waits for them (Admin BKPP when the employee "
        "has no supervisor who can sign in). BKPP verifies next.",
        request=ProposalNoteSerializer,
        responses={200: ProposalDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        proposal = self.get_object()
        self._may(
            proposal,
            permissions.can_decide_as_supervisor,
            (_P.PROPOSED,),
            _("Only the employee's direct supervisor may approve this proposal."),
        )
        data = self.validated_input(ProposalNoteSerializer)
        with _service_errors():
            proposals.approve_as_supervisor(proposal, by=request.user, note=data["note"])
        return self.read_response(proposal)

    @extend_schema(
        summary="Return a proposal to the OPD",
        description="The direct supervisor while it waits for them; Admin BKPP from its own steps, or to record "
        "that BKN returned it. With a reason the OPD is told; the OPD corrects it and resubmits.",
        request=ProposalReasonSerializer,
        responses={200: ProposalDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_to_opd(self, request, pk=None):
        proposal = self.get_object()
        self._may(
            proposal,
            permissions.can_return,
            (_P.PROPOSED, *permissions.BKPP_RETURNABLE),
            _("Only the employee's direct supervisor or Admin BKPP may return this proposal."),
        )
        data = self.validated_input(ProposalReasonSerializer)
        with _service_errors():
            proposals.return_to_opd(proposal, by=request.user, reason=data["reason"])
        return self.read_response(proposal)

    @extend_schema(
        summary="Resubmit a returned proposal",
        description="The Operator OPD of the proposal's OPD or Admin BKPP, after correcting it: it goes back to "
        "the supervisor.",
        request=ProposalResubmitSerializer,
        responses={200: ProposalDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        proposal = self.get_object()
        self._may(
            proposal,
            permissions.can_resubmit,
            (_P.RETURNED,),
            _("Only the OPD's operator or Admin BKPP may resubmit this proposal."),
        )
        data = self.validated_input(ProposalResubmitSerializer)
        with _service_errors():
            proposals.resubmit(proposal, by=request.user, documents=data.get("documents"))
        return self.read_response(proposal)

    @extend_schema(
        summary="Withdraw a proposal",
        description="The Operator OPD of the proposal's OPD until BKPP has verified it, Admin BKPP while it is "
        "not decided; with a reason.",
        request=ProposalReasonSerializer,
        responses={200: ProposalDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        proposal = self.get_object()
        self._may(
            proposal,
            permissions.can_withdraw,
            tuple(_P.live()),
            _("Only the OPD's operator or Admin BKPP may withdraw this proposal."),
        )
        data = self.validated_input(ProposalReasonSerializer)
        with _service_errors():
            proposals.withdraw(proposal, by=request.user, reason=data["reason"])
        return self.read_response(proposal)

    def _bkpp_step(self, proposal: PromotionProposal, predicate: Callable[..., bool], *states: str) -> None:
        self._may(proposal, predicate, states, _("Another BKPP officer must take this step on your own promotion."))

    @extend_schema(
        summary="Verify a proposal's dossier",
        description="Admin BKPP only, once the supervisor approved: every required document must be present "
        "(`documents` lists those there), else 400 `documents_missing` and nothing changes.",
        request=ProposalDocumentsSerializer,
        responses={200: ProposalDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        proposal = self.get_object()
        self._bkpp_step(proposal, permissions.can_verify, _P.SUPERVISOR_APPROVED)
        data = self.validated_input(ProposalDocumentsSerializer)
        with _service_errors():
            proposals.verify(proposal, by=request.user, documents=data["documents"])
        return self.read_response(proposal)

    @extend_schema(
        summary="Record that a proposal was sent to BKN",
        description="Admin BKPP only, once verified, with BKN's reference number.",
        request=ProposalSubmitSerializer,
        responses={200: ProposalDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        proposal = self.get_object()
        self._bkpp_step(proposal, permissions.can_submit, _P.VERIFIED)
        data = self.validated_input(ProposalSubmitSerializer)
        with _service_errors():
            proposals.submit_to_bkn(proposal, by=request.user, reference=data["bkn_reference"])
        return self.read_response(proposal)

    @extend_schema(
        summary="Record the promotion decree",
        description="Admin BKPP only, once sent to BKN: the decree (or PERTEK) number, its date and the TMT, "
        "which must be a promotion period (400 `not_a_period` otherwise, and nothing is written). The new rank "
        "(the proposed one unless `rank_code` says otherwise) joins the rank history and becomes the employee's "
        "current rank in the same transaction.",
        request=ProposalDecreeSerializer,
        responses={200: ProposalDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decree(self, request, pk=None):
        proposal = self.get_object()
        self._bkpp_step(proposal, permissions.can_record_decree, _P.SUBMITTED)
        data = self.validated_input(ProposalDecreeSerializer)
        with _service_errors(period="tmt_on", rank="rank_code"):
            proposals.record_decree(
                proposal,
                by=request.user,
                decree_number=data["decree_number"],
                decree_on=data["decree_on"],
                tmt_on=data["tmt_on"],
                rank=data["rank"],
                service_years=data["service_years"],
                service_months=data["service_months"],
            )
        return self.read_response(proposal)

    @extend_schema(
        summary="Reject a proposal",
        description="Admin BKPP only (its own verdict or BKN's), after the supervisor approved and before the "
        "decree, with a reason the OPD is told.",
        request=ProposalReasonSerializer,
        responses={200: ProposalDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        proposal = self.get_object()
        self._bkpp_step(proposal, permissions.can_reject, *permissions.REJECTABLE)
        data = self.validated_input(ProposalReasonSerializer)
        with _service_errors():
            proposals.reject(proposal, by=request.user, reason=data["reason"])
        return self.read_response(proposal)
