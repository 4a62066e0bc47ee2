"""Who may open which training page of employees, supervisors and operators (issue 4, part 10):
the access table for every role of the `city` fixture, what each role's lists hold, and the
actions nobody may take on someone else's behalf."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import EmployeeFactory
from tests.training.factories import TODAY, registered
from tests.training.test_people_pages import (  # noqa: F401  (fixtures)
    english_pages,
    media_fixture,
    outside,
    pinned_today_fixture,
    records_fixture,
)
from training import services
from training.models import Evaluation, FollowUp, OutsideStatus, Registration

pytestmark = pytest.mark.django_db

ROLES = ("admin", "inspektur", "operator", "supervisor", "staff_a", "staff_b", "outsider")


def _urls(records) -> dict[str, str]:
    r = records
    return {
        "catalogue": reverse("training:catalogue"),
        "catalogue-open-for-me": reverse("training:catalogue") + "?open=1",
        "session": reverse("training:session-detail", args=[r.open_session.pk]),
        "session-draft": reverse("training:session-detail", args=[r.draft_session.pk]),
        "my-registrations": reverse("training:my-registrations"),
        "my-jp": reverse("training:my-jp"),
        "registration": reverse("training:registration-detail", args=[r.submitted.pk]),
        "evaluation": reverse("training:registration-evaluation", args=[r.completed.pk]),
        "approvals": reverse("training:approvals"),
        "follow-up": reverse("training:follow-up", args=[r.follow_up.pk]),
        "opd": reverse("training:opd"),
        "opd-jp": reverse("training:opd-jp"),
        "outside-queue": reverse("training:outside-queue"),
        "outside": reverse("training:outside-detail", args=[r.outside.pk]),
        "outside-certificate": reverse("training:outside-certificate", args=[r.outside.pk]),
        "profile-tab": reverse("portal:employee-detail", args=[r.submitted.employee_id]) + "?tab=diklat",
    }


EVERYONE = dict.fromkeys(ROLES, 200)
EMPLOYEES = {**dict.fromkeys(ROLES, 200), "admin": 403, "inspektur": 403}
# staff_a's records: staff_a, their supervisor, their OPD's operator and BKPP.
STAFF_A_RECORD = {
    "staff_a": 200,
    "supervisor": 200,
    "operator": 200,
    "admin": 200,
    "staff_b": 404,
    "outsider": 404,
    "inspektur": 404,
}
# Outside learning: the employee, their OPD's operator and BKPP — not the supervisor.
STAFF_A_OUTSIDE = {**STAFF_A_RECORD, "supervisor": 404}

ACCESS = {
    "catalogue": EVERYONE,
    "catalogue-open-for-me": EVERYONE,
    "session": EVERYONE,
    "session-draft": {**dict.fromkeys(ROLES, 404), "admin": 200},
    "my-registrations": EMPLOYEES,
    "my-jp": EMPLOYEES,
    "registration": STAFF_A_RECORD,
    # Seen by the supervisor, the operator and BKPP, answered by the participant alone.
    "evaluation": {**STAFF_A_RECORD, "supervisor": 403, "operator": 403, "admin": 403},
    "approvals": {**dict.fromkeys(ROLES, 403), "supervisor": 200},
    "follow-up": {**dict.fromkeys(ROLES, 404), "supervisor": 200},
    "opd": {**dict.fromkeys(ROLES, 403), "operator": 200},
    "opd-jp": {**dict.fromkeys(ROLES, 403), "operator": 200},
    "outside-queue": {**dict.fromkeys(ROLES, 403), "operator": 200, "admin": 200},
    "outside": STAFF_A_OUTSIDE,
    "outside-certificate": STAFF_A_OUTSIDE,
    # Whoever may open staff_a's profile sees the tab (the Inspektorat reads every profile).
    "profile-tab": {**STAFF_A_RECORD, "inspektur": 200},
}


@pytest.mark.parametrize("page_name", sorted(ACCESS))
@pytest.mark.parametrize("who", ROLES)
def test_each_role_gets_exactly_the_training_pages_it_needs(city, login, records, page_name, who):
    client = login(city.user(who))

    response = client.get(_urls(records)[page_name])

    assert response.status_code == ACCESS[page_name][who]


@pytest.mark.parametrize("page_name", sorted(ACCESS))
def test_an_anonymous_visitor_is_sent_to_sign_in(client, city, records, page_name):
    response = client.get(_urls(records)[page_name])

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["admin", "operator", "supervisor", "staff_a"])
def test_the_diklat_tab_replaces_the_placeholder_for_whoever_may_see_the_employee(city, login, records, who):
    client = login(city.user(who))

    response = client.get(reverse("portal:employee-detail", args=[city.staff_a.pk]), {"tab": "diklat"})

    tab = next(t for t, _context in response.context["tabs"] if t.slug == "diklat")
    assert tab.template == "training/people/_profile_tab.html"
    assert 'data-testid="tab-jp"' in response.content.decode()


# ---------------------------------------------------------------------------------------------
# What each role's lists hold
# ---------------------------------------------------------------------------------------------


def test_my_registrations_hold_only_one_s_own(city, login, records):
    registered(records.open_session, city.staff_b)

    rows_a = login(city.staff_a.user).get(reverse("training:my-registrations")).context["rows"]
    rows_b = login(city.staff_b.user).get(reverse("training:my-registrations")).context["rows"]

    assert {r.employee_id for r in rows_a} == {city.staff_a.pk}
    assert {r.employee_id for r in rows_b} == {city.staff_b.pk}


def test_the_operator_s_lists_hold_their_opd_only_and_bkpp_s_queue_every_opd(city, login, records):
    registered(records.open_session, city.outsider)
    foreign = outside(city.outsider)

    opd_rows = login(city.operator.user).get(reverse("training:opd")).context["page"].object_list
    operator_queue = login(city.operator.user).get(reverse("training:outside-queue")).context["page"].object_list
    bkpp_queue = login(city.admin).get(reverse("training:outside-queue")).context["page"].object_list

    assert {r.opd_id for r in opd_rows} == {city.dinkes.pk}
    assert [r.pk for r in operator_queue] == [records.outside.pk]
    assert {r.pk for r in bkpp_queue} == {records.outside.pk, foreign.pk}


def test_the_supervisor_s_team_jp_holds_the_direct_subordinates_only(city, login, records):
    response = login(city.supervisor.user).get(reverse("training:approvals"))

    assert {m.pk for m in response.context["team"]} == {city.staff_a.pk, city.staff_b.pk}


# ---------------------------------------------------------------------------------------------
# Actions on someone else's behalf
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("staff_b", 404), ("outsider", 404), ("supervisor", 403)])
def test_nobody_cancels_another_employee_s_registration(city, login, records, who, status):
    client = login(city.user(who))

    response = client.post(reverse("training:registration-cancel", args=[records.submitted.pk]), {"reason": "x"})

    assert response.status_code == status
    assert Registration.objects.get(pk=records.submitted.pk).state == "submitted"


@pytest.mark.parametrize(("who", "status"), [("staff_a", 403), ("staff_b", 403), ("operator", 403), ("admin", 403)])
def test_only_the_direct_supervisor_approves(city, login, records, who, status):
    client = login(city.user(who))

    approve = client.post(reverse("training:registration-approve", args=[records.submitted.pk]))
    reject = client.post(
        reverse("training:registration-reject", args=[records.submitted.pk]),
        {f"r{records.submitted.pk}-reason": "Tidak"},
    )
    bulk = client.post(
        reverse("training:approvals-bulk"), {"registrations": [records.submitted.pk], "decision": "approve"}
    )

    assert (approve.status_code, reject.status_code, bulk.status_code) == (status, status, 403)
    assert Registration.objects.get(pk=records.submitted.pk).state == "submitted"


def test_a_supervisor_cannot_approve_someone_else_s_subordinate(city, login, records):
    other_boss = EmployeeFactory(unit=city.dinkes)
    theirs = registered(records.open_session, EmployeeFactory(unit=city.dinkes, supervisor=other_boss))
    client = login(city.supervisor.user)

    response = client.post(reverse("training:registration-approve", args=[theirs.pk]))
    bulk = client.post(reverse("training:approvals-bulk"), {"registrations": [theirs.pk], "decision": "approve"})

    assert response.status_code == 404
    assert bulk.status_code == 400
    assert Registration.objects.get(pk=theirs.pk).state == "submitted"


@pytest.mark.parametrize(("who", "status"), [("supervisor", 404), ("staff_a", 403), ("outsider", 404)])
def test_outside_learning_is_decided_only_by_the_opd_s_operator_or_bkpp(city, login, records, who, status):
    client = login(city.user(who))

    response = client.post(reverse("training:outside-decide", args=[records.outside.pk]), {"decision": "verify"})

    assert response.status_code == status
    records.outside.refresh_from_db()
    assert records.outside.status == OutsideStatus.SUBMITTED


def test_an_operator_of_another_opd_cannot_decide_dinkes_outside_learning(city, login, records):
    from asn_portal import services as core_services

    disdik_operator = EmployeeFactory(unit=city.disdik)
    core_services.grant_operator(disdik_operator.user, city.disdik, by=city.admin)
    client = login(disdik_operator.user)

    response = client.post(reverse("training:outside-decide", args=[records.outside.pk]), {"decision": "verify"})

    assert response.status_code == 404
    records.outside.refresh_from_db()
    assert records.outside.status == OutsideStatus.SUBMITTED


@pytest.mark.parametrize("who", ["operator", "staff_a", "admin"])
def test_only_the_supervisor_asked_answers_the_follow_up(city, login, records, who):
    client = login(city.user(who))

    response = client.post(reverse("training:follow-up", args=[records.follow_up.pk]), {"is_used": "yes"})

    assert response.status_code == 404
    assert FollowUp.objects.get(pk=records.follow_up.pk).answered_at is None


def test_only_the_participant_answers_the_questionnaire(city, login, records):
    client = login(city.supervisor.user)

    response = client.post(
        reverse("training:registration-evaluation", args=[records.completed.pk]),
        {"content": "1", "trainer": "1", "organisation": "1", "usefulness": "1"},
    )

    assert response.status_code == 403
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("who", ["supervisor", "staff_a", "admin"])
def test_only_an_operator_nominates(city, login, records, who):
    client = login(city.user(who))

    response = client.post(
        reverse("training:opd-nominate"), {"nip": city.staff_b.nip, "session": records.open_session.pk}
    )

    assert response.status_code == 403
    assert not Registration.objects.filter(employee=city.staff_b).exists()


@pytest.mark.parametrize("who", ["admin", "inspektur"])
def test_an_account_without_an_employee_record_cannot_register(city, login, records, who):
    client = login(city.user(who))

    response = client.post(reverse("training:session-register", args=[records.open_session.pk]), {})

    assert response.status_code == 403
    assert Registration.objects.filter(session=records.open_session).count() == 1


def test_a_draft_session_cannot_be_registered_for(city, login, records):
    client = login(city.staff_b.user)

    response = client.post(reverse("training:session-register", args=[records.draft_session.pk]), {})

    assert response.status_code == 404
    assert not Registration.objects.filter(session=records.draft_session).exists()


def test_the_cancelled_registration_frees_the_way_to_register_again(city, login, records):
    services.cancel(records.submitted, by=city.staff_a.user, today=TODAY)
    client = login(city.staff_a.user)

    response = client.post(reverse("training:session-register", args=[records.open_session.pk]), {})

    assert response.status_code == 302
    assert Registration.objects.filter(session=records.open_session, employee=city.staff_a).count() == 2
