"""The project's WSGI application plus one trivial page for bench/page_overhead.py:
`/__bench/trivial/` answers "ok" to a signed-in user (a redirect to the sign-in page
otherwise). It goes through the same middleware, URL resolver and gunicorn configuration as
every page, loads the session and the user like them, and does nothing else — the floor a
page's latency is divided by. Served only by the bench's gunicorn, never by the product."""

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()  # sets Django up

from django.contrib.auth.decorators import login_required  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402

from asn_portal import urls  # noqa: E402
from bench.common import TRIVIAL_PATH  # noqa: E402


@login_required
def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urls.urlpatterns.insert(0, path(TRIVIAL_PATH.strip("/") + "/", trivial, name="bench-trivial"))
clear_url_caches()
