"""Integrity API routes, included at /api/v1/ (integrity/… and employees/<nip>/standing/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from integrity.api import (
    CaseViewSet,
    ComplianceView,
    DrugTestEventViewSet,
    EmployeeStandingView,
    FilingViewSet,
    GratificationViewSet,
    PactViewSet,
    SanctionViewSet,
)

router = SimpleRouter()
router.register("integrity/sanctions", SanctionViewSet, basename="api-integrity-sanction")
router.register("integrity/cases", CaseViewSet, basename="api-integrity-case")
router.register("integrity/filings", FilingViewSet, basename="api-integrity-filing")
router.register("integrity/gratification-reports", GratificationViewSet, basename="api-integrity-gratification")
router.register("integrity/drug-tests", DrugTestEventViewSet, basename="api-integrity-drug-test")
router.register("integrity/pacts", PactViewSet, basename="api-integrity-pact")

urlpatterns = [
    # Any text reaches the view, which answers a JSON 404 for what is not a visible NIP.
    path("employees/<str:nip>/standing/", EmployeeStandingView.as_view(), name="api-employee-standing"),
    path("integrity/compliance/", ComplianceView.as_view(), name="api-integrity-compliance"),
    *router.urls,
]
