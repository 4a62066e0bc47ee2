"""API plumbing shared by every app: pagination and one error body for every failure.

Every error answers with
    {"error": {"code": "<stable English code>", "message": "<text in the request's language>",
               "fields": {"<field>": [{"code": "...", "message": "..."}]}}}
where `fields` appears only for invalid input.

`ErrorResponseSerializer` and `error_responses()` document that body in the OpenAPI schema.

Keep this module free of imports of DRF's generics and viewsets: settings name
`StandardPagination` and `exception_handler` here, and DRF imports them while
`rest_framework.generics` itself is still loading. The views live in each app's `api.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.exceptions import ErrorDetail
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from asn_portal.services import EmployeeDataError, ServiceError


class StandardPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    page_size_query_description = "Rows per page, at least 1; larger values than 100 are cut to 100. Default 25."

    def get_page_size(self, request):
        # DRF silently falls back to the default for a page_size it cannot read; refuse it
        # instead, so a client learns about its mistake (and the schema tells the truth).
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        digits = raw.lstrip("0")
        if not (raw.isascii() and raw.isdigit()) or not digits:
            message = _("Give a whole number of at least 1.")
            raise exceptions.ValidationError({self.page_size_query_param: [ErrorDetail(message, code="invalid")]})
        if len(digits) > len(str(self.max_page_size)):  # no int() of a thousand-digit string
            return self.max_page_size
        return min(int(digits), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters


_CODES = {
    exceptions.NotAuthenticated: ("not_authenticated", status.HTTP_401_UNAUTHORIZED),
    exceptions.AuthenticationFailed: ("authentication_failed", status.HTTP_401_UNAUTHORIZED),
    exceptions.PermissionDenied: ("permission_denied", status.HTTP_403_FORBIDDEN),
    exceptions.NotFound: ("not_found", status.HTTP_404_NOT_FOUND),
    exceptions.MethodNotAllowed: ("method_not_allowed", status.HTTP_405_METHOD_NOT_ALLOWED),
    exceptions.NotAcceptable: ("not_acceptable", status.HTTP_406_NOT_ACCEPTABLE),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", status.HTTP_415_UNSUPPORTED_MEDIA_TYPE),
    exceptions.Throttled: ("throttled", status.HTTP_429_TOO_MANY_REQUESTS),
    exceptions.ParseError: ("parse_error", status.HTTP_400_BAD_REQUEST),
}


def _field_errors(detail) -> dict:
    """DRF's nested error details as {field: [{code, message}]}."""
    if isinstance(detail, dict):
        out = {}
        for name, value in detail.items():
            if isinstance(value, dict) and not {"code", "message"} <= set(value):
                for sub, sub_value in _field_errors(value).items():
                    out[f"{name}.{sub}"] = sub_value
            else:
                items = value if isinstance(value, list) else [value]
                out[name] = [
                    {"code": str(item.get("code", "invalid")), "message": str(item.get("message", item))}
                    if isinstance(item, dict)
                    else {"code": "invalid", "message": str(item)}
                    for item in items
                ]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": _field_errors({"x": detail})["x"]}
    return {}


def error_response(code: str, message: str, http_status: int, fields: dict | None = None, headers=None) -> Response:
    body = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return Response(body, status=http_status, headers=headers)


def exception_handler(exc, context):
    if isinstance(exc, EmployeeDataError):
        fields: dict = {}
        for name, code, message in exc.errors:
            fields.setdefault(name, []).append({"code": code, "message": message})
        return error_response("validation_error", _("The data is not valid."), 400, fields)
    if isinstance(exc, ServiceError):
        fields = {exc.field: [{"code": exc.code, "message": exc.message}]} if exc.field else None
        return error_response(exc.code, exc.message, 400, fields)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: let Django log it and answer 500
    if isinstance(exc, exceptions.ValidationError):
        return error_response(
            "validation_error",
            _("The data is not valid."),
            400,
            _field_errors(exc.get_full_details()),
            headers=response.headers,
        )
    code, http_status = "error", response.status_code
    for exc_class, (candidate, candidate_status) in _CODES.items():
        if isinstance(exc, exc_class):
            code, http_status = candidate, candidate_status
            break
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    message = str(detail) if not isinstance(detail, (list, dict)) else _("The request failed.")
    resp = error_response(code, message, response.status_code or http_status)
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            resp[header] = response[header]
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        # DRF answers 403 when the first authentication class (session) names no challenge.
        # A client without valid credentials gets 401 and the scheme it can answer with.
        resp.status_code = status.HTTP_401_UNAUTHORIZED
        if "WWW-Authenticate" not in resp:
            resp["WWW-Authenticate"] = "Token"
    return resp


# --- The error body in the schema ---------------------------------------------------------------


class ErrorFieldItemSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable English code, e.g. `nip_format`.")
    message = serializers.CharField(help_text="Text in the request's language.")


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable English code, e.g. `validation_error`, `not_found`.")
    message = serializers.CharField(help_text="Text in the request's language.")
    fields = serializers.DictField(
        child=serializers.ListField(child=ErrorFieldItemSerializer()),
        required=False,
        help_text="Only for invalid input: the problems of each field.",
    )


class ErrorResponseSerializer(serializers.Serializer):
    """The one error body of the API (see the module docstring)."""

    error = ErrorBodySerializer()


_ERROR_DESCRIPTIONS = {
    400: "Invalid input: `error.fields` lists the problems of each field, each with a stable code.",
    401: "Not signed in, or the token is not valid.",
    403: "Signed in, but this role may not do this.",
    404: "No such object, or not one the caller may see.",
    429: "Too many failed sign-in attempts: locked out for a while.",
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """Schema entries for the error statuses an operation answers with, for `@extend_schema`."""
    return {code: OpenApiResponse(ErrorResponseSerializer, description=_ERROR_DESCRIPTIONS[code]) for code in codes}


class FileDownloadNegotiation(BaseContentNegotiation):
    """A download answers with the file's own type whatever the client's Accept header says
    (an Accept of application/pdf must not be a 406); errors are still JSON."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def object_id_or_404(value) -> int:
    """A URL id as an int; anything else (or out of the column's range) is a 404."""
    text = str(value)
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 2**63:
        raise exceptions.NotFound()
    return int(text)


@contextmanager
def service_errors(**renames: str) -> Iterator[None]:
    """Re-raise a service's `ServiceError` under the field name the client sent (the service
    says "employee", the request "employee_nip")."""
    from asn_portal.services import ServiceError

    try:
        yield
    except ServiceError as exc:
        if exc.field in renames:
            raise ServiceError(exc.message, exc.code, renames[exc.field]) from exc
        raise


# Every operation can answer these, whatever its own `@extend_schema` names: a body or query
# that does not validate (400), no or a bad credential (401), a role that may not (403), an id
# that is not there or not the caller's (404). Operations that name more (429) keep theirs.
DEFAULT_ERROR_STATUSES = (400, 401, 403, 404)
_ERROR_SCHEMA_REF = {"$ref": "#/components/schemas/ErrorResponse"}
_HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the error body for the
    statuses any DRF view may answer with (`DEFAULT_ERROR_STATUSES`), so a client — and the API
    fuzz test's schema-conformance checks (tests/test_api_fuzz.py) — can rely on the schema.
    An operation that needs no sign-in (no `security`) gets only the 400; it names the rest
    itself. `ErrorResponse` is a component already: the apps' views name it."""
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in _HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            anonymous = operation.get("security", [{}]) == [{}]
            for code in (400,) if anonymous else DEFAULT_ERROR_STATUSES:
                responses.setdefault(
                    str(code),
                    {
                        "content": {"application/json": {"schema": dict(_ERROR_SCHEMA_REF)}},
                        "description": _ERROR_DESCRIPTIONS[code],
                    },
                )
    return result
