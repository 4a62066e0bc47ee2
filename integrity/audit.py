"""Every write to an integrity record is audited (who, what, before/after, from which
address); reads of details are logged through `services.log_read` (ACCESS entries)."""

from auditlog.registry import auditlog

from integrity.models import (
    CaseEvidence,
    DrugTestEvent,
    DrugTestResult,
    GratificationReport,
    IntegrityCase,
    IntegrityPact,
    LhkpnDesignation,
    Sanction,
    WealthReport,
)

for model in (
    Sanction,
    IntegrityCase,
    CaseEvidence,
    WealthReport,
    LhkpnDesignation,
    GratificationReport,
    DrugTestEvent,
    DrugTestResult,
    IntegrityPact,
):
    auditlog.register(model)
