"""BKPP's pages (namespace "training", under /training/manage/): programmes, sessions,
participants, attendance, results, certificates, evaluations; and JP compliance and the
mandatory-training lists, which operators see for their own OPDs. "certificate-pdf" takes a
registration's pk and serves whoever may see the registration (the holder among them)."""

from django.urls import path

from training.views import bkpp

urlpatterns = [
    path("manage/", bkpp.session_list, name="manage-sessions"),
    path("manage/sessions/new/", bkpp.session_create, name="manage-session-create"),
    path("manage/sessions/<int:pk>/", bkpp.session_detail, name="manage-session"),
    path("manage/sessions/<int:pk>/edit/", bkpp.session_edit, name="manage-session-edit"),
    path("manage/sessions/<int:pk>/schedule/", bkpp.session_schedule, name="manage-session-schedule"),
    path("manage/sessions/<int:pk>/capacity/", bkpp.session_capacity, name="manage-session-capacity"),
    path("manage/sessions/<int:pk>/quotas/", bkpp.session_quota, name="manage-session-quota"),
    path("manage/sessions/<int:pk>/quotas/release/", bkpp.session_release_quotas, name="manage-session-release"),
    path("manage/sessions/<int:pk>/status/", bkpp.session_status, name="manage-session-status"),
    path("manage/sessions/<int:pk>/participants/", bkpp.participants, name="manage-participants"),
    path("manage/sessions/<int:pk>/attendance/", bkpp.attendance, name="manage-attendance"),
    path(
        "manage/sessions/<int:pk>/attendance/<int:day_pk>/mark/",
        bkpp.attendance_mark,
        name="manage-attendance-mark",
    ),
    path(
        "manage/sessions/<int:pk>/attendance/<int:day_pk>/all/",
        bkpp.attendance_all,
        name="manage-attendance-all",
    ),
    path("manage/sessions/<int:pk>/results/", bkpp.results, name="manage-results"),
    path("manage/sessions/<int:pk>/results/sheet/", bkpp.results_sheet, name="manage-results-sheet"),
    path("manage/sessions/<int:pk>/results/upload/", bkpp.results_upload, name="manage-results-upload"),
    path("manage/sessions/<int:pk>/evaluation/", bkpp.evaluation, name="manage-evaluation"),
    path("manage/registrations/<int:pk>/confirm/", bkpp.registration_confirm, name="manage-registration-confirm"),
    path("manage/registrations/<int:pk>/cancel/", bkpp.registration_cancel, name="manage-registration-cancel"),
    path("manage/registrations/<int:pk>/certificate.pdf", bkpp.certificate_pdf, name="certificate-pdf"),
    path("manage/certificates/<int:pk>/revoke/", bkpp.certificate_revoke, name="manage-certificate-revoke"),
    path("manage/programs/", bkpp.program_list, name="manage-programs"),
    path("manage/programs/new/", bkpp.program_create, name="manage-program-create"),
    path("manage/programs/<int:pk>/edit/", bkpp.program_edit, name="manage-program-edit"),
    path("manage/compliance/", bkpp.compliance_page, name="manage-compliance"),
    path("manage/mandatory/", bkpp.mandatory, name="manage-mandatory"),
]
