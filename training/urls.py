"""Training pages, included at /training/ (namespace "training"). The URL names below are
used by training.services in notifications; the views are filled by the pages work."""

from django.http import Http404
from django.urls import path

app_name = "training"


def _todo(request, *args, **kwargs):
    raise Http404


urlpatterns = [
    path("registrations/<int:pk>/", _todo, name="registration-detail"),
    path("approvals/", _todo, name="approvals"),
    path("follow-ups/<int:pk>/", _todo, name="follow-up"),
    path("me/jp/", _todo, name="my-jp"),
]
