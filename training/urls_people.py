"""Pages for employees, supervisors and operators."""

from django.http import Http404
from django.urls import path


def _todo(request, *args, **kwargs):
    raise Http404


urlpatterns = [
    path("registrations/<int:pk>/", _todo, name="registration-detail"),
    path("approvals/", _todo, name="approvals"),
    path("follow-ups/<int:pk>/", _todo, name="follow-up"),
    path("me/jp/", _todo, name="my-jp"),
]
