"""Error handlers: API paths answer with the API's JSON error body, pages with the templates."""

import sys

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from asn_portal.middleware import database_unavailable, service_unavailable_response


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception):
    if _is_api(request):
        return JsonResponse({"error": {"code": "not_found", "message": _("Not found.")}}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    # The database went away outside a view (e.g. the session loaded by a middleware): the
    # same friendly 503 as asn_portal.middleware.DatabaseUnavailableMiddleware gives a view.
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        return service_unavailable_response(request, exc)
    if _is_api(request):
        return JsonResponse(
            {"error": {"code": "server_error", "message": _("Something went wrong on our side.")}}, status=500
        )
    return defaults.server_error(request)
