"""Every write to an integrity record is audited (who, what, before/after, from which
address); reads of details are logged through `services.log_read` (ACCESS entries)."""

from auditlog.registry import auditlog

from asn_portal.extensions import register_audit_restriction
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
from integrity.permissions import is_integrity_officer

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

# The entries hold the records' values (a sanction's violation, a gift's value): only the
# Inspektorat reads them in the audit trail.
register_audit_restriction("integrity", is_integrity_officer)
