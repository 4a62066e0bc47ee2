"""Error handlers: API paths answer with the API's JSON error body, pages with the templates."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception):
    if _is_api(request):
        return JsonResponse({"error": {"code": "not_found", "message": _("Not found.")}}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse(
            {"error": {"code": "server_error", "message": _("Something went wrong on our side.")}}, status=500
        )
    return defaults.server_error(request)
