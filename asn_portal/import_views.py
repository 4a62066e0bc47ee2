"""Employee import pages (upload, job progress and result). Filled in with the import."""

from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def import_upload(request):
    raise Http404


@login_required
def import_detail(request, pk: int):
    raise Http404
