"""Careers pages, included at /careers/ (namespace "careers"). The names "proposal-detail" and
"study-detail" are used in notifications (careers/proposals.py, careers/study.py): keep them."""

from django.urls import path

from careers.views import bkpp, people, study

app_name = "careers"
urlpatterns = [
    path("", people.home, name="home"),
    # Employees and supervisors
    path("me/", people.my_outlook, name="my-outlook"),
    path("team/", people.team_outlook, name="team"),
    path("proposals/<int:pk>/", people.proposal_detail, name="proposal-detail"),
    path("proposals/<int:pk>/approve/", people.proposal_approve, name="proposal-approve"),
    path("proposals/<int:pk>/return/", people.proposal_return, name="proposal-return"),
    # Operator OPD and BKPP
    path("candidates/", bkpp.candidates, name="candidates"),
    path("candidates/export.xlsx", bkpp.candidates_export, name="candidates-export"),
    path("candidates/propose/", bkpp.candidates_propose, name="candidates-propose"),
    path("candidates/<int:employee_pk>/propose/", bkpp.proposal_create, name="proposal-create"),
    path("proposals/", bkpp.proposal_list, name="proposal-list"),
    path("proposals/<int:pk>/verify/", bkpp.proposal_verify, name="proposal-verify"),
    path("proposals/<int:pk>/submit/", bkpp.proposal_submit, name="proposal-submit"),
    path("proposals/<int:pk>/decree/", bkpp.proposal_decree, name="proposal-decree"),
    path("proposals/<int:pk>/reject/", bkpp.proposal_reject, name="proposal-reject"),
    path("proposals/<int:pk>/resubmit/", bkpp.proposal_resubmit, name="proposal-resubmit"),
    path("proposals/<int:pk>/withdraw/", bkpp.proposal_withdraw, name="proposal-withdraw"),
    path("satyalancana/", bkpp.satyalancana, name="satyalancana"),
    path("satyalancana/export.xlsx", bkpp.satyalancana_export, name="satyalancana-export"),
    # Study leave (tugas belajar / izin belajar): the employee, the supervisor, OPD and BKPP
    path("study/", study.study_home, name="study-home"),
    path("study/me/", study.my_studies, name="study-mine"),
    path("study/new/", study.study_create, name="study-create"),
    path("study/precheck/", study.study_precheck, name="study-precheck"),
    path("study/team/", study.study_team, name="study-team"),
    path("study/list/", study.study_list, name="study-list"),
    path("study/roster/", study.study_roster, name="study-roster"),
    path("study/<int:pk>/", study.study_detail, name="study-detail"),
    path("study/<int:pk>/edit/", study.study_edit, name="study-edit"),
    path("study/<int:pk>/precheck/", study.study_precheck, name="study-precheck-edit"),
    path("study/<int:pk>/documents/", study.study_document_upload, name="study-document-upload"),
    path("study/<int:pk>/documents/<int:document_pk>/", study.study_document, name="study-document"),
    path("study/<int:pk>/reports/<int:report_pk>/transcript/", study.study_transcript, name="study-transcript"),
    path("study/<int:pk>/submit/", study.study_submit, name="study-submit"),
    path("study/<int:pk>/withdraw/", study.study_withdraw, name="study-withdraw"),
    path("study/<int:pk>/recommend/", study.study_recommend, name="study-recommend"),
    path("study/<int:pk>/return/", study.study_return, name="study-return"),
    path("study/<int:pk>/check/", study.study_check, name="study-check"),
    path("study/<int:pk>/approve/", study.study_approve, name="study-approve"),
    path("study/<int:pk>/reject/", study.study_reject, name="study-reject"),
    path("study/<int:pk>/report/", study.study_report, name="study-report"),
    path("study/<int:pk>/extension/", study.study_extension, name="study-extension"),
    path(
        "study/<int:pk>/extensions/<int:extension_pk>/decide/",
        study.study_extension_decide,
        name="study-extension-decide",
    ),
    path("study/<int:pk>/complete/", study.study_complete, name="study-complete"),
    path("study/<int:pk>/terminate/", study.study_terminate, name="study-terminate"),
]
