"""Retention of the integrity records (issue 8, asn_portal.retention), declared from
IntegrityConfig.ready(). Every integrity record is the Inspektorat's and is kept: sanctions are
part of the personnel file (PP 94/2021) and count in later eligibility; wealth filings,
gratification reports, drug tests, cases and pacts are the evidence of the Inspektorat's
supervision. No rule deletes or anonymises them; the Inspektorat decides case by case."""

from __future__ import annotations

from asn_portal import retention

INTEGRITY_RECORD = (
    "The Inspektorat's integrity record (PP 94/2021; UU 28/1999; Peraturan KPK 2/2019 and 2/2020): evidence of "
    "supervision and, for sanctions, part of the personnel file; kept, any removal is the Inspektorat's decision."
)


def register() -> None:
    for label in (
        "integrity.sanction",
        "integrity.integritycase",
        "integrity.caseevent",
        "integrity.caseevidence",
        "integrity.lhkpndesignation",
        "integrity.wealthreport",
        "integrity.gratificationreport",
        "integrity.drugtestevent",
        "integrity.drugtestresult",
        "integrity.integritypact",
    ):
        retention.keep(label, INTEGRITY_RECORD)
