"""The retention rules of careers (issue 8, asn_portal.retention), registered from
CareersConfig.ready(). Career histories, promotion proposals and study leave are the personnel
file (arsip kepegawaian): kept long after retirement under the archive retention schedule, never
deleted here. Only the supporting documents of an application that never became a study (and
the health certificate of any finished one) expire."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from asn_portal import retention

PERSONNEL_FILE = (
    "Personnel file (arsip kepegawaian): the career history is the legal record of the civil servant, kept long "
    "after retirement under the archive retention schedule (UU 43/2009 Kearsipan); never deleted automatically."
)


def _expired_application_documents(queryset):
    from careers.models import StudyDocumentKind, StudyState

    never_studied = Q(leave__state__in=[StudyState.REJECTED, StudyState.WITHDRAWN])
    health_after_end = Q(leave__state__in=StudyState.final(), kind=StudyDocumentKind.HEALTH)
    return queryset.filter(never_studied | health_after_end)


def register() -> None:
    from careers.models import StudyDocument

    retention.register(
        retention.RetentionRule(
            code="study_application_documents",
            kind=_("Documents of study applications that ended"),
            model=StudyDocument,
            age_field="leave__updated_at",
            days=2 * 365,
            action=retention.Action.DELETE,
            file_field="file",
            scope=_expired_application_documents,
            reason="UU 27/2022 art. 43(1)a: the documents of a rejected or withdrawn application, and the health "
            "certificate (health data, art. 4(2)) of any finished study, are no longer needed two years after the "
            "last step (time for an objection). The application, its decision and its steps are kept.",
            order=300,
        )
    )
    for label in (
        "careers.rankhistory",
        "careers.positionhistory",
        "careers.educationhistory",
        "careers.performancerating",
        "careers.examresult",
        "careers.creditassessment",
        "careers.award",
        "careers.innovation",
        "careers.promotionproposal",
        "careers.proposalevent",
        "careers.studyleave",
        "careers.studyreport",
        "careers.studyextension",
        "careers.studyevent",
    ):
        retention.keep(label, PERSONNEL_FILE)
