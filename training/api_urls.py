"""Training API routes, included at /api/v1/ (training/… and employees/<nip>/jp/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from training.api import (
    EmployeeJpView,
    OutsideLearningViewSet,
    ProgramViewSet,
    RegistrationViewSet,
    SessionViewSet,
)

router = SimpleRouter()
router.register("training/programs", ProgramViewSet, basename="api-training-program")
router.register("training/sessions", SessionViewSet, basename="api-training-session")
router.register("training/registrations", RegistrationViewSet, basename="api-training-registration")
router.register("training/outside-learning", OutsideLearningViewSet, basename="api-training-outside-learning")

urlpatterns = [
    # Any text reaches the view, which answers a JSON 404 for what is not a visible NIP.
    path("employees/<str:nip>/jp/", EmployeeJpView.as_view(), name="api-employee-jp"),
    *router.urls,
]
