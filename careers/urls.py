"""Careers pages, included at /careers/ (namespace "careers"). The name "proposal-detail" is
used in notifications (careers/proposals.py): keep it."""

from django.urls import path

from careers.views import bkpp, people

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
]
