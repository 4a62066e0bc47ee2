"""Training API v1 (routed in `training/api_urls.py`, included at /api/v1/): the catalogue
(programmes), sessions with seats, quotas and attendance, registrations and their state
machine, outside learning, and an employee's JP for a year.

Access follows training/permissions.py, with one rule for every endpoint:

- Reads start from `permissions.*_visible_to(request.user)`; a row the caller may not see is a
  404 exactly like a missing one. An employee's JP answers whoever `can_view_jp`, else 404.
- BKPP's operations (programmes and sessions written, seats, quotas, status, attendance,
  confirmation, results) are checked before anything is loaded or validated: anyone else gets
  403, which tells nothing about whether the row exists.
- The other actions load the row the caller may see (404 otherwise) and then ask the
  permission predicate (`can_approve_registration`, `can_cancel_registration`,
  `can_verify_outside_learning`, `can_register`): 403 when it says no.

Writes go only through `training.services`, which own the transaction, the locks and every
rule; "today" is read here, at the edge (`local_today`). Domain errors (`ServiceError`) become
the standard error body in `asn_portal.drf.exception_handler`, with the field named as the
client sent it; a refused write leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from asn_portal import permissions as core_permissions
from asn_portal.drf import FileDownloadNegotiation, error_responses, object_id_or_404
from asn_portal.drf import service_errors as _service_errors
from asn_portal.models import Employee, OrgUnit
from asn_portal.nip import normalize_digits
from asn_portal.uploads import protected_file_response
from training import permissions, selectors, services
from training.models import (
    Organiser,
    OutsideLearning,
    OutsideStatus,
    Program,
    ProgramCategory,
    Registration,
    RegistrationEvent,
    RegistrationState,
    Session,
    SessionDay,
    SessionQuota,
    SessionStatus,
)
from training.serializers import (
    AttendanceInputSerializer,
    AttendanceSerializer,
    CapacitySerializer,
    EmployeeJpSerializer,
    JpQuerySerializer,
    OutsideLearningCreateSerializer,
    OutsideLearningSerializer,
    ProgramSerializer,
    ProgramWriteSerializer,
    QuotaSerializer,
    ReasonSerializer,
    RegistrationCreateSerializer,
    RegistrationDetailSerializer,
    RegistrationSerializer,
    RequiredReasonSerializer,
    ResultSerializer,
    SessionCreateSerializer,
    SessionDetailSerializer,
    SessionSerializer,
    SessionStatusChangeSerializer,
    SessionUpdateSerializer,
)


def local_today() -> dt.date:
    """Today in the site's time zone (Asia/Jakarta): the edge where the clock is read."""
    return timezone.localdate()


_ERRORS = error_responses(400, 401, 403, 404)


# --- Access ---------------------------------------------------------------------------------------


class TrainingAccess(BasePermission):
    """The view's `bkpp_actions` are Admin BKPP's alone (`permissions.can_manage_training`),
    refused before anything is loaded; everything else is scoped by the querysets and the
    actions' own predicates."""

    message = gettext_lazy("Only Admin BKPP may do this.")

    def has_permission(self, request, view):
        return view.action not in view.bkpp_actions or permissions.can_manage_training(request.user)


class TrainingViewSet(viewsets.GenericViewSet):
    """Shared plumbing: JSON 404s for any id that is not visible, input validation, answers
    reloaded through the list's queryset."""

    permission_classes = [IsAuthenticated, TrainingAccess]
    parser_classes = [JSONParser]
    # Any id reaches the view, which answers a JSON 404 for ids that are not ids ("0.5").
    lookup_value_regex = "[^/]+"
    bkpp_actions: frozenset[str] = frozenset()
    detail_serializer_class: type | None = None

    def get_serializer_class(self):
        if self.action != "list" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return self.serializer_class

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": local_today()}

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

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    """A whole number (an id, a year): "1.5" is a 400, not a decimal, and so is a number no
    database column holds (an id beyond 64 bits overflowed SQLite into a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -(2**63))
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^\d{4}-\d{2}$",
        "example": "2026-12",
        "description": "Sessions running in the month (YYYY-MM).",
    }
)
class MonthFilter(django_filters.DateFilter):
    """A calendar month written YYYY-MM; the value is its first day."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m"])
        super().__init__(*args, **kwargs)


def _filter_employee_nip(queryset, name, value):
    return queryset.filter(employee__nip=normalize_digits(value))


def _opd_filter(field_name: str):
    return django_filters.ModelChoiceFilter(
        label=gettext_lazy("OPD"), queryset=OrgUnit.objects.filter(depth=1), field_name=field_name
    )


def _employee_filter():
    return django_filters.CharFilter(label=gettext_lazy("Employee NIP"), method=_filter_employee_nip)


def _caller_employee(user) -> Employee | None:
    employee_id = core_permissions.actor_for(user).employee_id
    if employee_id is None:
        return None
    return Employee.objects.select_related("rank", "position").get(pk=employee_id)


# --- Programmes -----------------------------------------------------------------------------------


class ProgramFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(label=gettext_lazy("Category"), choices=ProgramCategory.choices)
    organiser = django_filters.ChoiceFilter(label=gettext_lazy("Organiser"), choices=Organiser.choices)
    q = django_filters.CharFilter(
        label=gettext_lazy("Search in code, title and competencies"), method="filter_q", max_length=100
    )
    open_for_me = django_filters.BooleanFilter(
        label=gettext_lazy("With a session the caller may register for today"), method="filter_open_for_me"
    )

    class Meta:
        model = Program
        fields = ["category", "organiser", "q", "open_for_me"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Competencies are a JSON list of tags: matched as text, which both databases can do.
        return queryset.filter(Q(code__icontains=value) | Q(title__icontains=value) | Q(competencies__icontains=value))

    def filter_open_for_me(self, queryset, name, value):
        # The catalogue page's own definition (training.selectors.open_for): window open today,
        # no live registration yet, every eligibility criterion met — in a fixed number of
        # queries however many sessions are open.
        user = self.request.user
        employee = _caller_employee(user)
        session_ids = (
            selectors.open_for(employee, permissions.sessions_visible_to(user), local_today()) if employee else []
        )
        programs = Session.objects.filter(pk__in=session_ids).values("program_id")
        return queryset.filter(pk__in=programs) if value else queryset.exclude(pk__in=programs)


@extend_schema_view(
    list=extend_schema(
        summary="List training programmes (the catalogue)",
        description="By title. Everyone signed in sees the active programmes; Admin BKPP also the retired ones.",
        responses={200: ProgramSerializer(many=True), **_ERRORS},
    ),
    retrieve=extend_schema(summary="One training programme", responses={200: ProgramSerializer, **_ERRORS}),
    create=extend_schema(
        summary="Add a programme to the catalogue",
        description="Admin BKPP only. A new leadership programme is always closed to employees under a "
        "moderate or severe sanction (DOMAIN.md §8.3).",
        request=ProgramWriteSerializer,
        responses={201: ProgramSerializer, **_ERRORS},
    ),
    update=extend_schema(
        summary="Replace a programme",
        description="Admin BKPP only. Every field; optional fields left out take their defaults.",
        request=ProgramWriteSerializer,
        responses={200: ProgramSerializer, **_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change some of a programme",
        description="Admin BKPP only. Only the fields sent.",
        request=ProgramWriteSerializer,
        responses={200: ProgramSerializer, **_ERRORS},
    ),
)
@extend_schema(tags=["training"])
class ProgramViewSet(TrainingViewSet):
    serializer_class = ProgramSerializer
    filterset_class = ProgramFilter
    bkpp_actions = frozenset({"create", "update", "partial_update"})

    def get_queryset(self):
        return (
            permissions.programs_visible_to(self.request.user)
            .select_related("min_rank", "max_rank", "prior_program")
            .order_by("title", "id")
        )

    def create(self, request, *args, **kwargs):
        data = self.validated_input(ProgramWriteSerializer)
        with _service_errors(min_rank="min_rank_code", max_rank="max_rank_code"):
            program = services.save_program(Program(**data), by=request.user)
        return self.read_response(program, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        program = self.get_object()
        serializer = ProgramWriteSerializer(
            program, data=request.data, partial=kwargs.get("partial", False), context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        for name, value in serializer.validated_data.items():
            setattr(program, name, value)
        with _service_errors(min_rank="min_rank_code", max_rank="max_rank_code"):
            services.save_program(program, by=request.user)
        return self.read_response(program)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


# --- Sessions -------------------------------------------------------------------------------------


class SessionFilter(django_filters.FilterSet):
    program = IntegerFilter(label=gettext_lazy("Programme id"), field_name="program_id")
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=SessionStatus.choices)
    month = MonthFilter(label=gettext_lazy("Running in the month (YYYY-MM)"), method="filter_month")
    open_on = django_filters.DateFilter(
        label=gettext_lazy("Open for registration on the date"), method="filter_open_on"
    )

    class Meta:
        model = Session
        fields = ["program", "status", "month", "open_on"]

    def filter_month(self, queryset, name, value):
        first = value.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return queryset.filter(starts_on__lt=following, ends_on__gte=first)

    def filter_open_on(self, queryset, name, value):
        return queryset.filter(
            status=SessionStatus.OPEN, registration_opens_on__lte=value, registration_closes_on__gte=value
        )


_DAY_ID = OpenApiParameter("day_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Id of the session day.")


@extend_schema_view(
    list=extend_schema(
        summary="List training sessions",
        description="Latest first. Admin BKPP also sees drafts; everyone else the published sessions.",
        responses={200: SessionSerializer(many=True), **_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One training session",
        description="With the seats left and, for an employee, every eligibility criterion with its verdict "
        "and their live registration.",
        responses={200: SessionDetailSerializer, **_ERRORS},
    ),
    create=extend_schema(
        summary="Add a session (angkatan) of a programme",
        description="Admin BKPP only. Starts as a draft; JP default from the programme; a day for every date "
        "unless `days` says otherwise.",
        request=SessionCreateSerializer,
        responses={201: SessionDetailSerializer, **_ERRORS},
    ),
    update=extend_schema(
        summary="Replace a session's dates, place, JP and window",
        description="Admin BKPP only. Seats change through `capacity/`, the status through `status/`.",
        request=SessionUpdateSerializer,
        responses={200: SessionDetailSerializer, **_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change some of a session",
        description="Admin BKPP only. Only the fields sent.",
        request=SessionUpdateSerializer,
        responses={200: SessionDetailSerializer, **_ERRORS},
    ),
)
@extend_schema(tags=["training"])
class SessionViewSet(TrainingViewSet):
    serializer_class = SessionSerializer
    detail_serializer_class = SessionDetailSerializer
    filterset_class = SessionFilter
    bkpp_actions = frozenset({"create", "update", "partial_update", "capacity", "status", "quotas", "attendance"})

    def get_queryset(self):
        queryset = (
            permissions.sessions_visible_to(self.request.user)
            .select_related("program")
            .prefetch_related(
                Prefetch("days", SessionDay.objects.order_by("date", "id")),
                Prefetch("quotas", SessionQuota.objects.select_related("opd").order_by("opd__code", "id")),
            )
            .order_by("-starts_on", "-id")
        )
        if self.action != "list":  # eligibility reads the programme's prerequisites
            queryset = queryset.select_related("program__min_rank", "program__max_rank", "program__prior_program")
        return queryset

    def _shown(self, session: Session, http_status=status.HTTP_200_OK) -> Response:
        """A session as the caller sees it: with their eligibility and live registration when
        they are an employee."""
        context = self.get_serializer_context()
        employee = _caller_employee(self.request.user)
        if employee is not None:
            context["eligibility"] = services.eligibility(employee, session)
            context["my_registration"] = (
                Registration.objects.filter(session=session, employee=employee, state__in=RegistrationState.live())
                .order_by("-id")
                .first()
            )
        return Response(SessionDetailSerializer(session, context=context).data, status=http_status)

    def retrieve(self, request, *args, **kwargs):
        return self._shown(self.get_object())

    def read_response(self, obj, http_status=status.HTTP_200_OK) -> Response:
        return self._shown(self.get_queryset().get(pk=obj.pk), http_status)

    def create(self, request, *args, **kwargs):
        data = dict(self.validated_input(SessionCreateSerializer))
        program = data.pop("program")
        days = data.pop("days", None)
        with _service_errors():
            session = services.create_session(program=program, by=request.user, days=days, **data)
        return self.read_response(session, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        session = self.get_object()
        data = self.validated_input(SessionUpdateSerializer, partial=kwargs.get("partial", False))
        with _service_errors():
            services.update_session(session, by=request.user, **data)
        return self.read_response(session)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(
        summary="Change a session's seats",
        description="Admin BKPP only. Never fewer than the seats already confirmed; more seats confirm the "
        "waiting list in arrival order at once.",
        request=CapacitySerializer,
        responses={200: SessionDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def capacity(self, request, pk=None):
        session = self.get_object()
        data = self.validated_input(CapacitySerializer)
        with _service_errors():
            services.change_capacity(session, data["capacity"], by=request.user, today=local_today())
        return self.read_response(session)

    @extend_schema(
        summary="Open, close, start, finish or cancel a session",
        description="Admin BKPP only. Cancelling cancels every live registration and tells the employees.",
        request=SessionStatusChangeSerializer,
        responses={200: SessionDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        session = self.get_object()
        data = self.validated_input(SessionStatusChangeSerializer)
        with _service_errors():
            services.set_session_status(
                session, data["status"], by=request.user, today=local_today(), reason=data["reason"]
            )
        return self.read_response(session)

    @extend_schema(
        summary="Reserve seats for an OPD",
        description="Admin BKPP only. The OPD's registrations are capped at its quota, and the seats are kept "
        "for it, until the release date; setting a quota again replaces it.",
        request=QuotaSerializer,
        responses={200: SessionDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def quotas(self, request, pk=None):
        session = self.get_object()
        data = self.validated_input(QuotaSerializer)
        with _service_errors(opd="opd_code"):
            services.set_quota(session, **data, by=request.user, today=local_today())
        return self.read_response(session)

    def _attendance(self, day: SessionDay) -> dict:
        marks = dict(day.attendance.values_list("registration_id", "is_present"))
        participants = (
            day.session.registrations.filter(state__in=services.SEAT_STATES)
            .select_related("employee")
            .order_by("employee__name", "id")
        )
        return {
            "day": day,
            "entries": [
                {
                    "registration_id": registration.pk,
                    "employee": registration.employee,
                    "state": registration.state,
                    "present": marks.get(registration.pk),
                }
                for registration in participants
            ],
        }

    @extend_schema(
        methods=["GET"],
        summary="A session day's attendance",
        description="Admin BKPP only. Every participant with a seat, by name; `present` is null until ticked.",
        parameters=[_DAY_ID],
        responses={200: AttendanceSerializer, **_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Tick a session day's attendance",
        description="Admin BKPP only. Present or absent per registration, or every confirmed participant "
        "present at once. Entries that are not participants with a seat refuse the whole request.",
        parameters=[_DAY_ID],
        request=AttendanceInputSerializer,
        responses={200: AttendanceSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["get", "post"], url_path=r"days/(?P<day_id>[^/]+)/attendance")
    def attendance(self, request, pk=None, day_id=None):
        session = self.get_object()
        day = SessionDay.objects.filter(session=session, pk=object_id_or_404(day_id)).select_related("session").first()
        if day is None:
            raise exceptions.NotFound()
        if request.method == "POST":
            data = self.validated_input(AttendanceInputSerializer)
            with _service_errors():
                if data["all_present"]:
                    services.mark_all_present(day, by=request.user)
                else:
                    present = {entry["registration_id"]: entry["present"] for entry in data["entries"]}
                    services.record_attendance(day, present=present, by=request.user)
        return Response(AttendanceSerializer(self._attendance(day)).data)


# --- Registrations --------------------------------------------------------------------------------


class RegistrationFilter(django_filters.FilterSet):
    session = IntegerFilter(label=gettext_lazy("Session id"), field_name="session_id")
    state = django_filters.ChoiceFilter(label=gettext_lazy("State"), choices=RegistrationState.choices)
    employee = _employee_filter()
    opd = _opd_filter("opd")

    class Meta:
        model = Registration
        fields = ["session", "state", "employee", "opd"]


@extend_schema_view(
    list=extend_schema(
        summary="List training registrations",
        description="Newest first. Admin BKPP sees all; an Operator OPD their OPDs'; a supervisor their direct "
        "subordinates'; an employee their own (`state=submitted` is a supervisor's inbox).",
        responses={200: RegistrationSerializer(many=True), **_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One registration with every step",
        responses={200: RegistrationDetailSerializer, **_ERRORS},
    ),
    create=extend_schema(
        summary="Register for a session",
        description="For yourself, or nominating an employee: an Operator OPD of their OPDs, Admin BKPP anyone "
        "(403 otherwise). The window and every eligibility criterion are checked. A nomination, or a session "
        "that needs no approval, goes straight to seat allocation; otherwise the direct supervisor decides.",
        request=RegistrationCreateSerializer,
        responses={201: RegistrationDetailSerializer, **_ERRORS},
    ),
)
@extend_schema(tags=["training"])
class RegistrationViewSet(TrainingViewSet):
    serializer_class = RegistrationSerializer
    detail_serializer_class = RegistrationDetailSerializer
    filterset_class = RegistrationFilter
    bkpp_actions = frozenset({"confirm", "result"})

    def get_queryset(self):
        queryset = (
            permissions.registrations_visible_to(self.request.user)
            .select_related("session__program", "employee", "opd", "nominated_by", "certificate")
            .order_by("-submitted_at", "-id")
        )
        if self.action != "list":
            queryset = queryset.prefetch_related(
                Prefetch("events", RegistrationEvent.objects.select_related("by").order_by("at", "id"))
            )
        return queryset

    def _employee_to_register(self, nip: str | None) -> Employee:
        """The caller, or the employee they nominate: among those they may see and register,
        else 403 (the same for an unknown NIP, so nobody learns which NIPs exist)."""
        user = self.request.user
        if nip is None:
            employee_id = core_permissions.actor_for(user).employee_id
            if employee_id is None:
                message = _("Give the NIP of the employee to register: this account is not an employee.")
                raise exceptions.ValidationError({"employee_nip": [ErrorDetail(message, code="required")]})
            employee = Employee.objects.get(pk=employee_id)
        else:
            employee = core_permissions.employees_visible_to(user).filter(nip=normalize_digits(nip)).first()
        if employee is None or not permissions.can_register(user, employee):
            raise exceptions.PermissionDenied(_("You may not register this employee."))
        return employee

    def create(self, request, *args, **kwargs):
        if not permissions.may_register_anyone(request.user):
            raise exceptions.PermissionDenied(_("This account has no employee record and may register nobody."))
        data = self.validated_input(RegistrationCreateSerializer)
        employee = self._employee_to_register(data.get("employee_nip"))
        with _service_errors(session="session_id", employee="employee_nip"):
            registration = services.register(
                session=data["session"],
                employee=employee,
                by=request.user,
                today=local_today(),
                motivation=data["motivation"],
            )
        return self.read_response(registration, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Approve a registration",
        description="The employee's direct supervisor, while it waits for them. With automatic confirmation the "
        "seat is allocated at once (or the registration joins the waiting list).",
        request=None,
        responses={200: RegistrationDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        registration = self.get_object()
        if not permissions.can_approve_registration(request.user, registration):
            raise exceptions.PermissionDenied(
                _("Only the employee's direct supervisor may approve this registration now.")
            )
        with _service_errors():
            services.approve(registration, by=request.user, today=local_today())
        return self.read_response(registration)

    @extend_schema(
        summary="Reject a registration",
        description="The direct supervisor (while it waits for them) or Admin BKPP, with a reason the employee "
        "is told.",
        request=RequiredReasonSerializer,
        responses={200: RegistrationDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        registration = self.get_object()
        if not permissions.can_reject_registration(request.user, registration):
            raise exceptions.PermissionDenied(
                _("Only the employee's direct supervisor or Admin BKPP may reject this registration.")
            )
        data = self.validated_input(RequiredReasonSerializer)
        with _service_errors():
            services.reject(registration, by=request.user, reason=data["reason"])
        return self.read_response(registration)

    @extend_schema(
        summary="Cancel a registration",
        description="The employee until the cancellation deadline, Admin BKPP any time before the result. A "
        "freed seat goes to the first on the waiting list at once.",
        request=ReasonSerializer,
        responses={200: RegistrationDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        registration = self.get_object()
        if not permissions.can_cancel_registration(request.user, registration):
            raise exceptions.PermissionDenied(_("Only the employee or Admin BKPP may cancel this registration."))
        data = self.validated_input(ReasonSerializer)
        with _service_errors():
            services.cancel(
                registration,
                by=request.user,
                today=local_today(),
                reason=data["reason"],
                as_bkpp=permissions.can_manage_training(request.user),
            )
        return self.read_response(registration)

    @extend_schema(
        summary="Confirm a seat",
        description="Admin BKPP only: an approved registration (sessions where BKPP confirms), or a waitlisted "
        "one when a seat is free.",
        request=None,
        responses={200: RegistrationDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        registration = self.get_object()
        with _service_errors():
            services.confirm(registration, by=request.user, today=local_today())
        return self.read_response(registration)

    @extend_schema(
        summary="Record a participant's result",
        description="Admin BKPP only, for a confirmed participant once the session has started: passed "
        "(certificate issued, JP credited), not passed, or absent (`passed: null`).",
        request=ResultSerializer,
        responses={200: RegistrationDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def result(self, request, pk=None):
        registration = self.get_object()
        data = self.validated_input(ResultSerializer)
        with _service_errors():
            services.record_result(
                registration,
                passed=data["passed"],
                by=request.user,
                on=local_today(),
                score=data["score"],
                notes=data["notes"],
            )
        return self.read_response(registration)


# --- Outside learning ---------------------------------------------------------------------------


class OutsideLearningFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=OutsideStatus.choices)
    employee = _employee_filter()
    opd = _opd_filter("opd")
    # A date's year is 1..9999: another number is a 400, not a 500 from the `__year` lookup.
    year = IntegerFilter(
        label=gettext_lazy("Year the training ended"), field_name="ends_on__year", min_value=1, max_value=9999
    )

    class Meta:
        model = OutsideLearning
        fields = ["status", "employee", "opd", "year"]


@extend_schema_view(
    list=extend_schema(
        summary="List outside learning",
        description="Newest first. An employee sees their own records, an Operator OPD their OPDs', Admin BKPP all.",
        responses={200: OutsideLearningSerializer(many=True), **_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One outside-learning record", responses={200: OutsideLearningSerializer, **_ERRORS}
    ),
    create=extend_schema(
        summary="Record training done elsewhere",
        description="The signed-in employee, for themselves, once the training has ended: multipart with the "
        "certificate (PDF, JPEG or PNG, checked by content, size capped). It counts toward JP once verified.",
        request={"multipart/form-data": OutsideLearningCreateSerializer},
        responses={201: OutsideLearningSerializer, **_ERRORS},
    ),
)
@extend_schema(tags=["training"])
class OutsideLearningViewSet(TrainingViewSet):
    serializer_class = OutsideLearningSerializer
    filterset_class = OutsideLearningFilter
    parser_classes = [MultiPartParser]

    def get_queryset(self):
        return (
            permissions.outside_learning_visible_to(self.request.user)
            .select_related("employee", "opd", "decided_by")
            .order_by("-ends_on", "-id")
        )

    def create(self, request, *args, **kwargs):
        employee_id = core_permissions.actor_for(request.user).employee_id
        if employee_id is None:
            raise exceptions.PermissionDenied(_("Only employees record their own outside learning."))
        data = self.validated_input(OutsideLearningCreateSerializer)
        with _service_errors(file="certificate"):
            record = services.record_outside_learning(
                employee=Employee.objects.get(pk=employee_id), **data, by=request.user, today=local_today()
            )
        return self.read_response(record, status.HTTP_201_CREATED)

    def _decidable(self):
        """The record, if the caller may see it (else 404) and decide it (else 403)."""
        record = self.get_object()
        if not permissions.can_verify_outside_learning(self.request.user, record):
            raise exceptions.PermissionDenied(_("Only the OPD's operator or Admin BKPP may verify this record."))
        return record

    @extend_schema(
        summary="Verify outside learning",
        description="The Operator OPD of the record's OPD or Admin BKPP: its JP count from now on.",
        request=None,
        responses={200: OutsideLearningSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def verify(self, request, pk=None):
        record = self._decidable()
        with _service_errors():
            services.decide_outside_learning(record, verified=True, by=request.user)
        return self.read_response(record)

    @extend_schema(
        summary="Reject outside learning",
        description="The Operator OPD of the record's OPD or Admin BKPP, with a reason the employee is told.",
        request=RequiredReasonSerializer,
        responses={200: OutsideLearningSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def reject(self, request, pk=None):
        record = self._decidable()
        data = self.validated_input(RequiredReasonSerializer)
        with _service_errors():
            services.decide_outside_learning(record, verified=False, by=request.user, reason=data["reason"])
        return self.read_response(record)

    @extend_schema(
        summary="Download an outside-learning certificate",
        description="For whoever may see the record.",
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
            **_ERRORS,
        },
    )
    @action(detail=True, methods=["get"], content_negotiation_class=FileDownloadNegotiation)
    def certificate(self, request, pk=None):
        record = self.get_object()
        extension = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(
            record.certificate_type, ""
        )
        return protected_file_response(
            record.certificate,
            download_name=f"sertifikat-{record.employee.nip}-{record.pk}{extension}",
            content_type=record.certificate_type,
        )


# --- JP ------------------------------------------------------------------------------------------


class EmployeeJpView(APIView):
    @extend_schema(
        tags=["training"],
        summary="An employee's JP in a calendar year",
        description="JP of completed sessions and verified outside learning that ended in the year, the target "
        "(DOMAIN.md §6.1) and what earned them. For whoever may see the employee (themselves, their "
        "supervisor, their OPD's operator, Admin BKPP, the Inspektorat); anyone else gets a 404, as for an "
        "unknown NIP.",
        parameters=[
            OpenApiParameter("nip", OpenApiTypes.STR, OpenApiParameter.PATH, description="NIP or NI PPPK."),
            JpQuerySerializer,
        ],
        responses={200: EmployeeJpSerializer, **error_responses(400, 401, 404)},
    )
    def get(self, request, nip):
        employee = Employee.objects.filter(nip=normalize_digits(nip)).first()
        if employee is None or not permissions.can_view_jp(request.user, employee):
            raise Http404(_("Employee not found."))
        query = JpQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or local_today().year
        totals = (
            services.with_jp(Employee.objects.filter(pk=employee.pk), year)
            .values("jp_sessions", "jp_outside", "jp_total")
            .get()
        )
        entries = [
            {"source": e.source, "id": e.pk, "title": e.title, "jp": e.jp, "ended_on": e.ended_on}
            for e in services.jp_history(employee)
            if e.ended_on.year == year
        ]
        body = {"nip": employee.nip, "year": year, "target": services.jp_target(employee), **totals, "entries": entries}
        return Response(EmployeeJpSerializer(body).data)
