"""Pages for employees, supervisors and operators (namespace "training", at /training/).
The names "registration-detail", "approvals", "follow-up" and "my-jp" are used in
notifications (training/services.py): keep them."""

from django.urls import path

from training.views import people

urlpatterns = [
    # Employees
    path("", people.catalogue, name="catalogue"),
    path("sessions/<int:pk>/", people.session_detail, name="session-detail"),
    path("sessions/<int:pk>/register/", people.session_register, name="session-register"),
    path("me/", people.my_registrations, name="my-registrations"),
    path("me/jp/", people.my_jp, name="my-jp"),
    path("registrations/<int:pk>/", people.registration_detail, name="registration-detail"),
    path("registrations/<int:pk>/cancel/", people.registration_cancel, name="registration-cancel"),
    path("registrations/<int:pk>/evaluation/", people.registration_evaluation, name="registration-evaluation"),
    # Supervisors (atasan langsung)
    path("approvals/", people.approvals, name="approvals"),
    path("approvals/bulk/", people.approvals_bulk, name="approvals-bulk"),
    path("approvals/<int:pk>/approve/", people.registration_approve, name="registration-approve"),
    path("approvals/<int:pk>/reject/", people.registration_reject, name="registration-reject"),
    path("follow-ups/<int:pk>/", people.follow_up, name="follow-up"),
    # Operator OPD
    path("opd/", people.opd, name="opd"),
    path("opd/nominate/", people.opd_nominate, name="opd-nominate"),
    path("opd/jp/", people.opd_jp, name="opd-jp"),
    # Outside learning: the employee's own records and the verification queue
    path("outside/", people.outside_queue, name="outside-queue"),
    path("outside/<int:pk>/", people.outside_detail, name="outside-detail"),
    path("outside/<int:pk>/certificate/", people.outside_certificate, name="outside-certificate"),
    path("outside/<int:pk>/decide/", people.outside_decide, name="outside-decide"),
]
