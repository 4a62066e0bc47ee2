"""Who sees and does what in the training API, role by role, in the named city
(tests/conftest.py). The tables say what each role may do; the API must agree with
training/permissions.py. The rule for every endpoint: what a role may not see is an empty list
and a 404 (exactly like a missing id); BKPP's operations answer everyone else 403 before
anything is loaded; the other actions answer 403 to a caller who sees the row but may not act
on it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.training.factories import TODAY, program, registered, session
from training import services
from training.models import (
    Attendance,
    ConfirmationMode,
    OutsideLearning,
    OutsideStatus,
    Program,
    Registration,
    Session,
    SessionQuota,
    SessionStatus,
)

pytestmark = pytest.mark.django_db

ROLES = ["admin", "inspektur", "operator", "supervisor", "staff_a", "staff_b", "outsider"]
EMPLOYEES = ["operator", "supervisor", "staff_a", "staff_b", "outsider"]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _pinned_today_and_media(monkeypatch, settings, tmp_path):
    monkeypatch.setattr("training.api.local_today", lambda: TODAY)
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class World:
    program: Program
    retired: Program
    session: Session  # open, the supervisor approves
    draft: Session
    reg_a: Registration  # staff_a's, waiting for the supervisor
    reg_b: Registration  # staff_b's, waiting for the supervisor
    reg_x: Registration  # the outsider's (no supervisor): confirmed at once
    out_a: OutsideLearning  # staff_a's, waiting for verification
    out_x: OutsideLearning  # the outsider's


def _outside(employee) -> OutsideLearning:
    return services.record_outside_learning(
        employee=employee,
        title="E-learning Manajemen ASN (LAN)",
        organiser="LAN",
        category="elearning",
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2026, 9, 3),
        jp=12,
        certificate=SimpleUploadedFile("sertifikat.pdf", PDF),
        by=None,
        today=TODAY,
    )


@pytest.fixture
def world(city) -> World:
    prog = program(title="Bimtek Penyusunan SKP")
    sess = session(prog, capacity=5)
    return World(
        program=prog,
        retired=program(title="Bimtek Arsip Lama", is_active=False),
        session=sess,
        draft=session(prog, opened=False),
        reg_a=registered(sess, city.staff_a),
        reg_b=registered(sess, city.staff_b),
        reg_x=registered(sess, city.outsider),
        out_a=_outside(city.staff_a),
        out_x=_outside(city.outsider),
    )


def _next_week(prog, **fields) -> Session:
    """Another open session, a week after the world's (no clash with a confirmed seat there)."""
    return session(prog, starts_on=dt.date(2026, 12, 8), ends_on=dt.date(2026, 12, 9), **fields)


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


# --- Reading: lists and details -------------------------------------------------------------------

# role → which of the world's registrations ("a", "b", "x") it sees
SEES_REGISTRATIONS = {
    "admin": {"a", "b", "x"},
    "inspektur": set(),  # integrity officers have no business with training records
    "operator": {"a", "b"},  # the Operator OPD of Dinas Kesehatan
    "supervisor": {"a", "b"},  # their direct subordinates
    "staff_a": {"a"},
    "staff_b": {"b"},
    "outsider": {"x"},
}
SEES_OUTSIDE = {
    "admin": {"a", "x"},
    "inspektur": set(),
    "operator": {"a"},
    "supervisor": set(),  # a supervisor sees the team's JP totals, not the records
    "staff_a": {"a"},
    "staff_b": set(),
    "outsider": {"x"},
}


@pytest.mark.parametrize("who", ROLES)
def test_the_registration_list_holds_only_what_a_role_may_see(city, world, login, who):
    client = login(city.user(who))

    response = client.get(reverse("api-training-registration-list"), {"page_size": 100})

    assert response.status_code == 200
    expected = {getattr(world, f"reg_{owner}").pk for owner in SEES_REGISTRATIONS[who]}
    assert {row["id"] for row in response.json()["results"]} == expected


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("owner", ["a", "b", "x"])
def test_retrieving_a_registration_outside_ones_view_is_a_404_like_a_missing_one(city, world, login, who, owner):
    registration = getattr(world, f"reg_{owner}")
    client = login(city.user(who))

    response = client.get(reverse("api-training-registration-detail", args=[registration.pk]))

    if owner in SEES_REGISTRATIONS[who]:
        assert response.status_code == 200
        assert response.json()["id"] == registration.pk
    else:
        assert response.status_code == 404
        missing = client.get(reverse("api-training-registration-detail", args=[10**9]))
        assert response.json() == missing.json()


@pytest.mark.parametrize("who", ROLES)
def test_the_outside_learning_list_holds_only_what_a_role_may_see(city, world, login, who):
    client = login(city.user(who))

    response = client.get(reverse("api-training-outside-learning-list"), {"page_size": 100})

    assert response.status_code == 200
    expected = {getattr(world, f"out_{owner}").pk for owner in SEES_OUTSIDE[who]}
    assert {row["id"] for row in response.json()["results"]} == expected


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("owner", ["a", "x"])
def test_an_outside_record_and_its_certificate_are_for_those_who_see_it(city, world, login, who, owner):
    record = getattr(world, f"out_{owner}")
    client = login(city.user(who))

    detail = client.get(reverse("api-training-outside-learning-detail", args=[record.pk]))
    certificate = client.get(reverse("api-training-outside-learning-certificate", args=[record.pk]))

    expected = 200 if owner in SEES_OUTSIDE[who] else 404
    assert (detail.status_code, certificate.status_code) == (expected, expected)
    if expected == 200:
        assert b"".join(certificate.streaming_content) == PDF


@pytest.mark.parametrize("who", ROLES)
def test_everyone_reads_the_published_sessions_and_only_bkpp_the_drafts(city, world, login, who):
    client = login(city.user(who))

    listed = client.get(reverse("api-training-session-list"), {"page_size": 100})
    draft = client.get(reverse("api-training-session-detail", args=[world.draft.pk]))
    published = client.get(reverse("api-training-session-detail", args=[world.session.pk]))

    expected = {world.session.pk, world.draft.pk} if who == "admin" else {world.session.pk}
    assert {row["id"] for row in listed.json()["results"]} == expected
    assert draft.status_code == (200 if who == "admin" else 404)
    assert published.status_code == 200


@pytest.mark.parametrize("who", ROLES)
def test_everyone_reads_the_catalogue_and_only_bkpp_the_retired_programmes(city, world, login, who):
    client = login(city.user(who))

    listed = client.get(reverse("api-training-program-list"), {"page_size": 100})
    retired = client.get(reverse("api-training-program-detail", args=[world.retired.pk]))

    expected = {world.program.pk, world.retired.pk} if who == "admin" else {world.program.pk}
    assert {row["id"] for row in listed.json()["results"]} == expected
    assert retired.status_code == (200 if who == "admin" else 404)


# role → whose JP it may read (whoever it may see in the registry)
SEES_JP = {
    "admin": {"operator", "supervisor", "staff_a", "staff_b", "outsider"},
    "inspektur": {"operator", "supervisor", "staff_a", "staff_b", "outsider"},
    "operator": {"operator", "supervisor", "staff_a", "staff_b"},
    "supervisor": {"supervisor", "staff_a", "staff_b"},
    "staff_a": {"staff_a"},
    "staff_b": {"staff_b"},
    "outsider": {"outsider"},
}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("target", EMPLOYEES)
def test_jp_answers_whoever_may_see_the_employee_and_404s_everyone_else(city, login, who, target):
    client = login(city.user(who))

    response = client.get(reverse("api-employee-jp", args=[getattr(city, target).nip]))

    if target in SEES_JP[who]:
        assert response.status_code == 200
        assert response.json()["nip"] == getattr(city, target).nip
    else:
        assert response.status_code == 404
        assert response.json() == client.get(reverse("api-employee-jp", args=["199001012020011999"])).json()


# --- Registration actions --------------------------------------------------------------------------

# action on staff_a's waiting registration → role → status
REGISTRATION_ACTIONS = {
    "approve": {"supervisor": 200, "admin": 403, "operator": 403, "staff_a": 403},
    # BKPP rejects only a registration waiting for a seat; a submitted one is the supervisor's.
    "reject": {"supervisor": 200, "admin": 403, "operator": 403, "staff_a": 403},
    "cancel": {"staff_a": 200, "admin": 200, "operator": 403, "supervisor": 403},
}
AFTER = {"approve": "confirmed", "reject": "rejected", "cancel": "cancelled"}


@pytest.mark.parametrize("what", REGISTRATION_ACTIONS)
@pytest.mark.parametrize("who", ROLES)
def test_registration_actions_follow_the_permission_predicates(city, world, login, who, what):
    client = login(city.user(who))

    response = _post(
        client, reverse(f"api-training-registration-{what}", args=[world.reg_a.pk]), {"reason": "Beban kerja."}
    )

    expected = REGISTRATION_ACTIONS[what].get(who, 404)  # the others do not see it at all
    assert response.status_code == expected, response.content
    world.reg_a.refresh_from_db()
    assert world.reg_a.state == (AFTER[what] if expected == 200 else "submitted")


def test_bkpp_rejects_a_registration_waiting_for_its_seat(city, world, login):
    sess = _next_week(world.program, confirmation_mode=ConfirmationMode.BKPP)
    registration = registered(sess, city.outsider)  # no supervisor: approved at once, waits for BKPP

    response = _post(
        login(city.admin), reverse("api-training-registration-reject", args=[registration.pk]), {"reason": "Kuota"}
    )

    assert response.status_code == 200, response.content
    registration.refresh_from_db()
    assert registration.state == "rejected"


@pytest.mark.parametrize("who", ROLES)
def test_only_bkpp_confirms_a_seat_even_for_someone_who_sees_the_registration(city, world, login, who):
    sess = _next_week(world.program, confirmation_mode=ConfirmationMode.BKPP)
    registration = registered(sess, city.outsider)  # no supervisor: approved at once, waits for BKPP
    client = login(city.user(who))

    response = _post(client, reverse("api-training-registration-confirm", args=[registration.pk]))

    assert response.status_code == (200 if who == "admin" else 403)
    registration.refresh_from_db()
    assert registration.state == ("confirmed" if who == "admin" else "approved")


@pytest.mark.parametrize("who", ROLES)
def test_only_bkpp_records_a_result(city, world, login, who):
    services.set_session_status(world.session, SessionStatus.RUNNING, by=None, today=TODAY)
    client = login(city.user(who))

    response = _post(client, reverse("api-training-registration-result", args=[world.reg_x.pk]), {"passed": True})

    assert response.status_code == (200 if who == "admin" else 403)
    world.reg_x.refresh_from_db()
    assert world.reg_x.state == ("completed" if who == "admin" else "confirmed")


# role → status of registering oneself (201) for the open session
@pytest.mark.parametrize("who", ROLES)
def test_every_employee_registers_themselves_and_a_staff_account_must_name_someone(city, world, login, who):
    sess = _next_week(world.program)
    client = login(city.user(who))

    response = _post(client, reverse("api-training-registration-list"), {"session_id": sess.pk})

    if who in EMPLOYEES:
        assert response.status_code == 201, response.content
        assert response.json()["employee"]["nip"] == getattr(city, who).nip
        assert response.json()["nominated_by"] is None
    elif who == "admin":  # BKPP registers others: it must name them
        assert response.status_code == 400
        assert response.json()["error"]["fields"]["employee_nip"][0]["code"] == "required"
    else:  # the Inspektorat registers nobody
        assert response.status_code == 403
    assert who in EMPLOYEES or not sess.registrations.exists()


NOMINATE_STAFF_B = {"admin": 201, "operator": 201, "staff_b": 201}  # staff_b: their own NIP


@pytest.mark.parametrize("who", ROLES)
def test_nominating_is_for_bkpp_and_the_operator_of_the_employees_opd(city, world, login, who):
    sess = _next_week(world.program)
    client = login(city.user(who))

    response = _post(
        client,
        reverse("api-training-registration-list"),
        {"session_id": sess.pk, "employee_nip": city.staff_b.formatted_nip},
    )

    expected = NOMINATE_STAFF_B.get(who, 403)
    assert response.status_code == expected, response.content
    assert sess.registrations.filter(employee=city.staff_b).exists() == (expected == 201)


@pytest.mark.parametrize("who", ROLES)
def test_nobody_but_bkpp_nominates_an_employee_of_another_opd(city, world, login, who):
    sess = _next_week(world.program)
    client = login(city.user(who))

    response = _post(
        client, reverse("api-training-registration-list"), {"session_id": sess.pk, "employee_nip": city.outsider.nip}
    )

    expected = 201 if who in {"admin", "outsider"} else 403
    assert response.status_code == expected
    if expected == 403:
        assert response.json()["error"]["code"] == "permission_denied"
        assert not sess.registrations.exists()


# --- BKPP's operations --------------------------------------------------------------------------------


def _bkpp_requests(city, world) -> dict[str, tuple[str, str, dict, int]]:
    """name → (method, url, data, success status) of every operation only BKPP may call."""
    day = world.session.days.order_by("date").first()
    attendance = reverse("api-training-session-attendance", args=[world.session.pk, day.pk])
    return {
        "create a programme": (
            "post",
            reverse("api-training-program-list"),
            {"code": "PKP-2027", "title": "PKP", "category": "pkp", "method": "blended", "default_jp": 300}
            | {"organiser": "bpsdmd_jateng"},
            201,
        ),
        "change a programme": (
            "patch",
            reverse("api-training-program-detail", args=[world.program.pk]),
            {"title": "Bimtek SKP 2027"},
            200,
        ),
        "create a session": (
            "post",
            reverse("api-training-session-list"),
            {
                "program_id": world.program.pk,
                "starts_on": "2027-01-11",
                "ends_on": "2027-01-12",
                "capacity": 30,
                "registration_opens_on": "2026-12-01",
                "registration_closes_on": "2027-01-04",
            },
            201,
        ),
        "change a session": (
            "patch",
            reverse("api-training-session-detail", args=[world.session.pk]),
            {"place": "Aula BKPP"},
            200,
        ),
        "change the seats": (
            "post",
            reverse("api-training-session-capacity", args=[world.session.pk]),
            {"capacity": 9},
            200,
        ),
        "close registration": (
            "post",
            reverse("api-training-session-status", args=[world.session.pk]),
            {"status": "closed"},
            200,
        ),
        "set a quota": (
            "post",
            reverse("api-training-session-quotas", args=[world.session.pk]),
            {"opd_code": "DISDIK", "seats": 2, "release_on": "2026-11-15"},
            200,
        ),
        "read attendance": ("get", attendance, {}, 200),
        "tick attendance": (
            "post",
            attendance,
            {"entries": [{"registration_id": world.reg_x.pk, "present": True}]},
            200,
        ),
    }


BKPP_OPERATIONS = [
    "create a programme",
    "change a programme",
    "create a session",
    "change a session",
    "change the seats",
    "close registration",
    "set a quota",
    "read attendance",
    "tick attendance",
]


def _state_of_catalogue(world) -> tuple:
    world.session.refresh_from_db()
    return (
        Program.objects.count(),
        Session.objects.count(),
        SessionQuota.objects.count(),
        Attendance.objects.count(),
        Program.objects.get(pk=world.program.pk).title,
        world.session.place,
        world.session.capacity,
        world.session.status,
    )


@pytest.mark.parametrize("what", BKPP_OPERATIONS)
@pytest.mark.parametrize("who", ROLES)
def test_programmes_sessions_seats_quotas_and_attendance_are_bkpps(city, world, login, who, what):
    method, url, data, ok = _bkpp_requests(city, world)[what]
    client = login(city.user(who))
    before = _state_of_catalogue(world)

    if method == "get":
        response = client.get(url)
    else:
        response = getattr(client, method)(url, data, content_type="application/json")

    assert response.status_code == (ok if who == "admin" else 403), response.content
    if who != "admin":
        assert response.json()["error"]["code"] == "permission_denied"
        assert _state_of_catalogue(world) == before
    elif method != "get":
        assert _state_of_catalogue(world) != before


@pytest.mark.parametrize("who", ROLES)
def test_a_bkpp_operation_is_403_before_its_input_is_even_read(city, world, login, who):
    client = login(city.user(who))

    response = _post(client, reverse("api-training-session-capacity", args=[10**9]), {"capacity": "many"})

    assert response.status_code == (404 if who == "admin" else 403)


# --- Outside learning -----------------------------------------------------------------------------

DECIDE_OUT_A = {"admin": 200, "operator": 200, "staff_a": 403}  # the rest do not see it


@pytest.mark.parametrize("what", ["verify", "reject"])
@pytest.mark.parametrize("who", ROLES)
def test_the_opds_operator_and_bkpp_decide_outside_learning(city, world, login, who, what):
    client = login(city.user(who))

    response = _post(
        client,
        reverse(f"api-training-outside-learning-{what}", args=[world.out_a.pk]),
        {"reason": "Sertifikat tidak terbaca."},
    )

    expected = DECIDE_OUT_A.get(who, 404)
    assert response.status_code == expected
    world.out_a.refresh_from_db()
    decided = {"verify": OutsideStatus.VERIFIED, "reject": OutsideStatus.REJECTED}[what]
    assert world.out_a.status == (decided if expected == 200 else OutsideStatus.SUBMITTED)


@pytest.mark.parametrize("who", ROLES)
def test_every_employee_records_their_own_outside_learning_and_staff_accounts_none(city, login, who):
    client = login(city.user(who))

    response = client.post(
        reverse("api-training-outside-learning-list"),
        {
            "title": "Seminar Nasional Kesehatan Masyarakat",
            "organiser": "Universitas Diponegoro",
            "category": "seminar",
            "starts_on": "2026-10-12",
            "ends_on": "2026-10-12",
            "jp": 8,
            "certificate": SimpleUploadedFile("sertifikat.pdf", PDF),
            "employee_nip": city.outsider.nip,  # not an input: the record is always the caller's
        },
    )

    if who in EMPLOYEES:
        assert response.status_code == 201, response.content
        assert OutsideLearning.objects.get(pk=response.json()["id"]).employee == getattr(city, who)
    else:
        assert response.status_code == 403
        assert not OutsideLearning.objects.exists()


# --- Anonymous ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    [
        "api-training-program-list",
        "api-training-session-list",
        "api-training-registration-list",
        "api-training-outside-learning-list",
    ],
)
def test_an_anonymous_caller_gets_401_with_the_standard_error_body(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_an_anonymous_caller_cannot_read_anyones_jp(city, client):
    response = client.get(reverse("api-employee-jp", args=[city.staff_a.nip]))

    assert response.status_code == 401
