"""API v1 routes, included at /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from asn_portal.api import AuthTokenView, EmployeeViewSet, MeView, OrgUnitViewSet
from asn_portal.report_api import ReportJobViewSet

# --- Routes --------------------------------------------------------------------------------------

router = SimpleRouter()
router.register("employees", EmployeeViewSet, basename="api-employee")
router.register("org-units", OrgUnitViewSet, basename="api-org-unit")
router.register("reports", ReportJobViewSet, basename="api-report-job")

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("auth/token/", AuthTokenView.as_view(), name="api-auth-token"),
    *router.urls,
]
