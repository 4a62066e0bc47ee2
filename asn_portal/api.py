"""API v1 views (routed in `api_urls.py`, included at /api/v1/): employees, organisation
units, the signed-in user and API tokens.

Views are thin adapters: querysets start from `permissions.*_visible_to`, a row the caller
may not see is a 404 exactly like a missing one, and writes go through `services` after the
same `permissions.can_*` checks as the HTML pages. Errors (including the services' domain
errors) become the standard body in `asn_portal.drf.exception_handler`.
"""

from __future__ import annotations

from contextlib import contextmanager

from axes.helpers import get_cool_off
from django.contrib.auth import authenticate, user_logged_in
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Left, Length
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from asn_portal import audit, permissions, services, two_factor
from asn_portal.auth import normalize_login
from asn_portal.drf import error_response, error_responses, object_id_or_404
from asn_portal.filters import EmployeeFilter, OrgUnitFilter
from asn_portal.models import OrgUnit
from asn_portal.serializers import (
    EmployeeCreateSerializer,
    EmployeeSerializer,
    EmployeeUpdateSerializer,
    MeSerializer,
    OrgUnitSerializer,
    TokenObtainSerializer,
    TokenSerializer,
)
from asn_portal.services import EmployeeDataError

# --- Employees ---------------------------------------------------------------------------------


class EmployeeAccess(BasePermission):
    """Writes to an employee follow `permissions.can_change_employee`: Admin BKPP everywhere,
    an Operator OPD in their own OPDs; nobody else."""

    message = gettext_lazy("You may not change this employee's data.")

    def has_object_permission(self, request, view, obj):
        return request.method in SAFE_METHODS or permissions.can_change_employee(request.user, obj)


@contextmanager
def _errors_named_for(serializer_class):
    """Re-raise the services' field errors under the names the client sent ("unit" →
    "unit_code"); the exception handler turns them into the error body."""
    try:
        yield
    except EmployeeDataError as exc:
        names = serializer_class.api_field_names()
        raise EmployeeDataError(
            [(names.get(field, field), code, message) for field, code, message in exc.errors]
        ) from exc


@extend_schema_view(
    list=extend_schema(
        summary="List employees",
        description="Employees the caller may see, ordered by name. Admin BKPP and Inspektorat see everyone, "
        "an Operator OPD their OPDs, others themselves and their direct subordinates.",
        responses={200: EmployeeSerializer(many=True), **error_responses(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="One employee",
        responses={200: EmployeeSerializer, **error_responses(400, 401, 403, 404)},
    ),
    create=extend_schema(
        summary="Add an employee",
        description="Admin BKPP in any unit, an Operator OPD in units of their own OPDs.",
        request=EmployeeCreateSerializer,
        responses={201: EmployeeSerializer, **error_responses(400, 401, 403, 404)},
    ),
    update=extend_schema(
        summary="Replace an employee's registry data",
        description="Every field; optional fields left out are cleared. The NIP cannot be changed.",
        request=EmployeeUpdateSerializer,
        responses={200: EmployeeSerializer, **error_responses(400, 401, 403, 404)},
    ),
    partial_update=extend_schema(
        summary="Change some of an employee's registry data",
        description="Only the fields sent; the others keep their values. The NIP cannot be changed.",
        request=EmployeeUpdateSerializer,
        responses={200: EmployeeSerializer, **error_responses(400, 401, 403, 404)},
    ),
)
@extend_schema(tags=["employees"])
class EmployeeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = EmployeeSerializer
    filterset_class = EmployeeFilter
    permission_classes = [IsAuthenticated, EmployeeAccess]
    parser_classes = [JSONParser]
    # Any id reaches the view, which answers a JSON 404 for ids that are not ids ("0.5").
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return (
            permissions.employees_visible_to(self.request.user)
            .for_listing()
            .select_related("supervisor", "education")
            .order_by("name", "id")
        )

    def get_object(self):
        employee = permissions.get_employee_for_user(self.request.user, pk=object_id_or_404(self.kwargs["pk"]))
        self.check_object_permissions(self.request, employee)
        if self.action == "retrieve":
            audit.log_read(employee, by=self.request.user)
        return employee

    def create(self, request, *args, **kwargs):
        # Who may never add anyone hears so before their body is judged; the unit decides the rest.
        if not permissions.can_add_employees(request.user):
            raise exceptions.PermissionDenied(_("Only Admin BKPP and Operator OPD may add employees."))
        serializer = EmployeeCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.create_data()
        if not permissions.can_create_employee_in(request.user, data.unit):
            raise exceptions.PermissionDenied(_("You may not add employees to this unit."))
        with _errors_named_for(EmployeeCreateSerializer):
            employee = services.create_employee(data, by=request.user)
        return Response(self.get_serializer(employee).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        employee = self.get_object()
        serializer = EmployeeUpdateSerializer(data=request.data, partial=partial, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.update_data(employee)
        # Moving someone to another OPD needs the right to add employees there too.
        if data.unit.opd_id != employee.opd_id and not permissions.can_create_employee_in(request.user, data.unit):
            raise exceptions.PermissionDenied(_("You may not move employees to this unit."))
        with _errors_named_for(EmployeeUpdateSerializer):
            employee = services.update_employee(employee, data, by=request.user)
        return Response(self.get_serializer(employee).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


# --- Organisation units ----------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List organisation units",
        description="The whole tree in depth-first order; every signed-in user may read it.",
        responses={200: OrgUnitSerializer(many=True), **error_responses(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="One organisation unit",
        responses={200: OrgUnitSerializer, **error_responses(400, 401, 403, 404)},
    ),
)
@extend_schema(tags=["org-units"])
class OrgUnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrgUnitSerializer
    filterset_class = OrgUnitFilter
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        # The parent is the unit whose materialised path is this one's minus its last step:
        # one indexed lookup per row inside the same query, instead of a query per row.
        parent_code = OrgUnit.objects.filter(
            path=Left(OuterRef("path"), Length(OuterRef("path")) - OrgUnit.steplen)
        ).values("code")[:1]
        return (
            permissions.org_units_visible_to(self.request.user)
            .select_related("opd")
            .annotate(parent_code=Subquery(parent_code))
            .order_by("path")
        )

    def get_object(self):
        unit = self.get_queryset().filter(pk=object_id_or_404(self.kwargs["pk"])).first()
        if unit is None:
            raise Http404(_("Organisation unit not found."))
        self.check_object_permissions(self.request, unit)
        return unit


# --- The signed-in user ------------------------------------------------------------------------


class MeView(APIView):
    @extend_schema(
        tags=["me"],
        summary="The signed-in user",
        description="Username, roles and the employee record linked to the account (null for staff accounts).",
        responses={200: MeSerializer, **error_responses(401)},
    )
    def get(self, request):
        actor = permissions.actor_for(request.user)
        employee = None
        if actor.employee_id is not None:
            employee = permissions.get_employee_for_user(request.user, pk=actor.employee_id)
        operator_opds = OrgUnit.objects.filter(pk__in=actor.operator_opd_ids).order_by("code")
        me = {
            "username": request.user.get_username(),
            "roles": {
                "admin_bkpp": actor.is_admin,
                "inspektorat": actor.is_inspektorat,
                "operator_opd": list(operator_opds.values_list("code", flat=True)),
                "is_supervisor": permissions.is_supervisor(request.user),
            },
            "employee": employee,
        }
        return Response(MeSerializer(me).data)


# --- API tokens --------------------------------------------------------------------------------


class AuthTokenView(APIView):
    parser_classes = [JSONParser]
    # Obtain (POST) or revoke (DELETE) an API token. Sign-in goes through
    # `django.contrib.auth.authenticate` with the request, so django-axes counts failures and
    # refuses a locked-out username exactly as on the login page. Axes marks the DRF request
    # it is given; AxesMiddleware only inspects Django's request, so it leaves this view's
    # answer alone and a lock-out keeps the standard error body.

    def _is_sign_in(self) -> bool:
        return getattr(getattr(self, "request", None), "method", None) == "POST"

    def get_authenticators(self):
        # Signing in needs no credentials, and a stale token header must not block it.
        return [] if self._is_sign_in() else super().get_authenticators()

    def get_permissions(self):
        return [AllowAny()] if self._is_sign_in() else [IsAuthenticated()]

    @extend_schema(
        tags=["auth"],
        summary="Obtain an API token",
        description='Send it afterwards as "Authorization: Token <token>". Repeated failures lock the '
        "username out for a while (429).",
        request=TokenObtainSerializer,
        responses={200: TokenSerializer, **error_responses(400, 401, 429)},
        auth=[],
    )
    def post(self, request):
        serializer = TokenObtainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request=request,
            username=normalize_login(serializer.validated_data["username"]),
            password=serializer.validated_data["password"],
        )
        if user is None:
            if getattr(request, "axes_locked_out", False):
                cool_off = get_cool_off(request)
                headers = {"Retry-After": str(int(cool_off.total_seconds()))} if cool_off else None
                return error_response(
                    "locked_out",
                    _("Too many failed sign-in attempts. This account is locked for a while; try again later."),
                    status.HTTP_429_TOO_MANY_REQUESTS,
                    headers=headers,
                )
            return error_response(
                "invalid_credentials",
                _("The NIP/username or password is wrong. Check both and try again."),
                status.HTTP_401_UNAUTHORIZED,
                headers={"WWW-Authenticate": "Token"},
            )
        refused = self._second_factor_refusal(user, serializer.validated_data.get("otp", ""))
        if refused is not None:
            return refused
        # A token is a sign-in: record it (last login) and let axes clear the failure count.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response(TokenSerializer({"token": token.key}).data)

    @staticmethod
    def _second_factor_refusal(user, code: str):
        """An account with two-factor sign-in gets a token only with a current code: the
        password alone would otherwise open the API that the pages keep closed."""
        device = two_factor.confirmed_device(user)
        if device is None:
            return None
        if not code.strip():
            return error_response(
                "otp_required",
                _("This account uses two-factor sign-in: send the 6-digit code of your authenticator app as otp."),
                status.HTTP_401_UNAUTHORIZED,
            )
        accepted, wait = two_factor.check_code(device, code.strip())
        if accepted:
            return None
        if wait:
            return error_response(
                "otp_throttled",
                ngettext(
                    "Too many wrong codes. Wait %(seconds)d second, then enter the newest code.",
                    "Too many wrong codes. Wait %(seconds)d seconds, then enter the newest code.",
                    wait,
                )
                % {"seconds": wait},
                status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(wait)},
            )
        message = _(
            "That code is wrong or has expired. Enter the newest code from your authenticator app (check that "
            "your phone's clock is right)."
        )
        return error_response("otp_invalid", message, status.HTTP_401_UNAUTHORIZED)

    @extend_schema(
        tags=["auth"],
        summary="Revoke the caller's API token",
        description="Signs every client using the caller's token out.",
        request=None,
        responses={204: OpenApiResponse(description="The token is deleted."), **error_responses(401, 403)},
    )
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
