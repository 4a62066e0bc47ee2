"""The project's WSGI application plus two reference pages for bench/page_overhead.py, served
only by the bench's gunicorn, never by the product:

- `/__bench/trivial/` answers "ok" to a signed-in user (a redirect to the sign-in page
  otherwise). It goes through the same middleware, URL resolver and gunicorn configuration as
  every page, loads the session and the user like them, and does nothing else — the floor a
  page's latency is divided by (the issue's target).
- `/__bench/layout/` renders an empty page through templates/base.html as every page does:
  the context processors, the menu, the messages and the footer, no content — what any
  signed-in page costs before its own queries and markup (a second, informative ratio)."""

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()  # sets Django up

from django.contrib.auth.decorators import login_required  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402

from asn_portal import urls  # noqa: E402
from bench.common import LAYOUT_PATH, TRIVIAL_PATH  # noqa: E402

_EMPTY_PAGE = engines["django"].from_string('{% extends "base.html" %}{% block content %}<p>ok</p>{% endblock %}')


@login_required
def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


@login_required
def layout(request):
    return HttpResponse(_EMPTY_PAGE.render({}, request))


urls.urlpatterns.insert(0, path(TRIVIAL_PATH.strip("/") + "/", trivial, name="bench-trivial"))
urls.urlpatterns.insert(0, path(LAYOUT_PATH.strip("/") + "/", layout, name="bench-layout"))
clear_url_caches()
