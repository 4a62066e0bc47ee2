"""API plumbing shared by every app: pagination and one error body for every failure.

Every error answers with
    {"error": {"code": "<stable English code>", "message": "<text in the request's language>",
               "fields": {"<field>": [{"code": "...", "message": "..."}]}}}
where `fields` appears only for invalid input.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from asn_portal.services import EmployeeDataError, ServiceError


class StandardPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


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
    return resp
