"""Careers API routes, included at /api/v1/ (careers/… and employees/<nip>/eligibility/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from careers.api import (
    AwardViewSet,
    CreditAssessmentViewSet,
    EducationHistoryViewSet,
    EligibilityViewSet,
    EmployeeEligibilityView,
    ExamResultViewSet,
    InnovationViewSet,
    PerformanceRatingViewSet,
    PositionHistoryViewSet,
    ProposalViewSet,
    RankHistoryViewSet,
)
from careers.study_api import StudyLeaveViewSet

router = SimpleRouter()
router.register("careers/rank-history", RankHistoryViewSet, basename="api-careers-rank-history")
router.register("careers/position-history", PositionHistoryViewSet, basename="api-careers-position-history")
router.register("careers/education-history", EducationHistoryViewSet, basename="api-careers-education-history")
router.register("careers/skp", PerformanceRatingViewSet, basename="api-careers-skp")
router.register("careers/exams", ExamResultViewSet, basename="api-careers-exam")
router.register("careers/credit-assessments", CreditAssessmentViewSet, basename="api-careers-credit-assessment")
router.register("careers/awards", AwardViewSet, basename="api-careers-award")
router.register("careers/innovations", InnovationViewSet, basename="api-careers-innovation")
router.register("careers/eligibility", EligibilityViewSet, basename="api-careers-eligibility")
router.register("careers/proposals", ProposalViewSet, basename="api-careers-proposal")
router.register("careers/study-leaves", StudyLeaveViewSet, basename="api-careers-study-leave")

urlpatterns = [
    # Any text reaches the view, which answers a JSON 404 for what is not a visible NIP.
    path("employees/<str:nip>/eligibility/", EmployeeEligibilityView.as_view(), name="api-employee-eligibility"),
    *router.urls,
]
