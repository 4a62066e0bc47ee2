"""Integrity pages, included at /integrity/ (namespace "integrity")."""

from django.urls import path

from integrity.views import cases, drug_tests, filings, gratification, me, pacts, register, sanctions

app_name = "integrity"
urlpatterns = [
    path("", register.register, name="register"),
    path("compliance/", register.compliance, name="compliance"),
    path("employees/lookup/", register.employee_lookup, name="employee-lookup"),
    path("me/", me.me, name="me"),
    path("me/due-date/", me.me_due_date, name="me-due-date"),
    path("sanctions/new/", sanctions.sanction_create, name="sanction-create"),
    path("sanctions/<int:pk>/", sanctions.sanction_detail, name="sanction-detail"),
    path("sanctions/<int:pk>/annul/", sanctions.sanction_annul, name="sanction-annul"),
    path("cases/new/", cases.case_create, name="case-create"),
    path("cases/<int:pk>/", cases.case_detail, name="case-detail"),
    path("cases/<int:pk>/advance/", cases.case_advance, name="case-advance"),
    path("cases/<int:pk>/evidence/", cases.case_evidence_add, name="case-evidence-add"),
    path("cases/<int:pk>/evidence/<int:evidence_pk>/", cases.case_evidence_download, name="case-evidence-download"),
    path("filings/new/", filings.filing_create, name="filing-create"),
    path("filings/open-year/", filings.filing_open_year, name="filing-open-year"),
    path("filings/submission/", filings.filing_submission, name="filing-submission"),
    path("filings/<int:pk>/", filings.filing_detail, name="filing-detail"),
    path("filings/<int:pk>/submit/", filings.filing_submit, name="filing-submit"),
    path("filings/<int:pk>/verify/", filings.filing_verify, name="filing-verify"),
    path("designations/", filings.designation_list, name="designation-list"),
    path("designations/new/", filings.designation_create, name="designation-create"),
    path("gratification/new/", gratification.gratification_create, name="gratification-create"),
    path("gratification/<int:pk>/", gratification.gratification_detail, name="gratification-detail"),
    path("gratification/<int:pk>/process/", gratification.gratification_process, name="gratification-process"),
    path("drug-tests/new/", drug_tests.drug_test_create, name="drug-test-create"),
    path("drug-tests/<int:pk>/", drug_tests.drug_test_detail, name="drug-test-detail"),
    path("drug-tests/<int:pk>/results/", drug_tests.drug_test_result_add, name="drug-test-result-add"),
    path("pacts/new/", pacts.pact_create, name="pact-create"),
    path("pacts/<int:pk>/", pacts.pact_detail, name="pact-detail"),
    path("pacts/<int:pk>/document/", pacts.pact_document, name="pact-document"),
]
