"""Every write to a career history is audited by django-auditlog (who, when, the values before
and after). The history services (careers.history) save row by row, so the signals fire; the
employee fields they keep in step (rank, rank TMT, position, education) are audited through the
core's registration of `Employee`."""

from auditlog.registry import auditlog

from careers.models import (
    Award,
    CreditAssessment,
    EducationHistory,
    ExamResult,
    Innovation,
    PerformanceRating,
    PositionHistory,
    RankHistory,
)

for model in (
    RankHistory,
    PositionHistory,
    EducationHistory,
    PerformanceRating,
    ExamResult,
    CreditAssessment,
    Award,
    Innovation,
):
    auditlog.register(model)
