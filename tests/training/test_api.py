"""Training API v1: the state machine through the API, seats and the waiting list, bad input
(a 4xx with a stable code and nothing written), filters, attendance, outside learning, the JP
ledger across years and sources, query counts and the schema. Who may do what is in
test_api_access.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from asn_portal.models import Rank
from tests.factories import EmployeeFactory
from tests.integrity.factories import sanction
from tests.training.factories import TODAY, program, registered, session
from training import services
from training.models import (
    Attendance,
    Certificate,
    ConfirmationMode,
    OutsideLearning,
    Program,
    Registration,
    RegistrationEvent,
    Session,
    SessionStatus,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """The API's "today", pinned; call it to move the day."""

    def pin(day: dt.date = TODAY) -> dt.date:
        monkeypatch.setattr("training.api.local_today", lambda: day)
        return day

    pin(TODAY)
    return pin


def _post(client, url, data=None, **headers):
    return client.post(url, data or {}, content_type="application/json", **headers)


def _error(response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def _field_codes(response) -> dict[str, list[str]]:
    return {name: [item["code"] for item in items] for name, items in response.json()["error"]["fields"].items()}


def _state(registration) -> str:
    return Registration.objects.get(pk=registration.pk).state


def _url(name, *args) -> str:
    return reverse(f"api-training-{name}", args=args)


def _stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


# --- The state machine through the API ------------------------------------------------------------


def test_register_approve_confirm_and_pass_issue_a_certificate_and_credit_jp(city, login, today):
    sess = session(program(default_jp=24), confirmation_mode=ConfirmationMode.BKPP)

    submitted = _post(login(city.staff_a.user), _url("registration-list"), {"session_id": sess.pk})
    pk = submitted.json()["id"]
    approved = _post(login(city.supervisor.user), _url("registration-approve", pk))
    bkpp = login(city.admin)
    confirmed = _post(bkpp, _url("registration-confirm", pk))
    running = _post(bkpp, _url("session-status", sess.pk), {"status": "running"})
    today(dt.date(2026, 12, 2))
    passed = _post(bkpp, _url("registration-result", pk), {"passed": True, "score": "87.50", "notes": "Baik"})
    jp = bkpp.get(reverse("api-employee-jp", args=[city.staff_a.nip]), {"year": 2026}).json()

    assert (submitted.status_code, submitted.json()["state"]) == (201, "submitted")
    assert (approved.status_code, approved.json()["state"]) == (200, "approved")
    assert (confirmed.status_code, confirmed.json()["state"]) == (200, "confirmed")
    assert (running.status_code, running.json()["status"]) == (200, "running")
    assert passed.status_code == 200
    body = passed.json()
    assert (body["state"], body["score"], body["result_notes"]) == ("completed", "87.50", "Baik")
    assert body["certificate"]["number"] == Certificate.objects.get(registration_id=pk).number
    assert (body["certificate"]["jp"], body["certificate"]["is_valid"]) == (24, True)
    assert [(e["from_state"], e["to_state"], e["by"]) for e in body["events"]] == [
        (None, "submitted", city.staff_a.user.username),
        ("submitted", "approved", city.supervisor.user.username),
        ("approved", "confirmed", city.admin.username),
        ("confirmed", "completed", city.admin.username),
    ]
    assert (jp["jp_sessions"], jp["jp_total"], jp["entries"][0]["id"]) == (24, 24, pk)


def test_a_failed_or_absent_participant_gets_no_certificate(city, login):
    sess = session(approval_required=False, capacity=3)
    failed, absent = registered(sess, city.staff_a), registered(sess, city.staff_b)
    services.set_session_status(sess, SessionStatus.RUNNING, by=None, today=TODAY)
    client = login(city.admin)

    not_passed = _post(client, _url("registration-result", failed.pk), {"passed": False, "score": "40"})
    no_show = _post(client, _url("registration-result", absent.pk), {"passed": None})

    assert (not_passed.json()["state"], not_passed.json()["certificate"]) == ("failed", None)
    assert (no_show.json()["state"], no_show.json()["certificate"]) == ("no_show", None)
    assert not Certificate.objects.exists()


def test_a_result_needs_passed_said_explicitly(city, login):
    sess = session(approval_required=False)
    registration = registered(sess, city.staff_a)
    services.set_session_status(sess, SessionStatus.RUNNING, by=None, today=TODAY)
    client = login(city.admin)

    response = _post(client, _url("registration-result", registration.pk), {"score": "90"})

    assert response.status_code == 400
    assert _field_codes(response) == {"passed": ["required"]}
    assert _state(registration) == "confirmed"


@pytest.mark.parametrize(("score", "code"), [("100.01", "score_range"), ("-1", "score_range")])
def test_a_score_outside_0_to_100_is_refused_and_nothing_changes(city, login, score, code):
    sess = session(approval_required=False)
    registration = registered(sess, city.staff_a)
    services.set_session_status(sess, SessionStatus.RUNNING, by=None, today=TODAY)
    client = login(city.admin)

    response = _post(client, _url("registration-result", registration.pk), {"passed": True, "score": score})

    assert _error(response) == (400, code)
    assert _state(registration) == "confirmed"
    assert not Certificate.objects.exists()


def test_cancelling_a_confirmed_seat_through_the_api_promotes_the_first_waitlisted(city, login):
    sess = session(capacity=1)
    staff_c = EmployeeFactory(unit=city.dinkes_bidang, supervisor=city.supervisor)
    regs = [registered(sess, employee) for employee in (city.staff_a, city.staff_b, staff_c)]
    supervisor = login(city.supervisor.user)
    for registration in regs:
        _post(supervisor, _url("registration-approve", registration.pk))
    states_before = [_state(r) for r in regs]
    employee = login(city.staff_a.user)

    response = _post(employee, _url("registration-cancel", regs[0].pk), {"reason": "Sakit"})

    assert states_before == ["confirmed", "waitlisted", "waitlisted"]
    assert response.status_code == 200
    assert response.json()["state"] == "cancelled"
    assert response.json()["events"][-1]["reason"] == "Sakit"
    assert [_state(r) for r in regs] == ["cancelled", "confirmed", "waitlisted"]
    sess.refresh_from_db()
    assert sess.confirmed_count == 1


def test_more_seats_through_the_api_confirm_the_waiting_list_in_arrival_order(city, login):
    sess = session(capacity=1, approval_required=False)
    staff_c = EmployeeFactory(unit=city.dinkes_bidang, supervisor=city.supervisor)
    regs = [registered(sess, employee) for employee in (city.staff_a, city.staff_b, staff_c)]
    client = login(city.admin)

    response = _post(client, _url("session-capacity", sess.pk), {"capacity": 2})

    assert response.status_code == 200
    assert (response.json()["capacity"], response.json()["seats_left"]) == (2, 0)
    assert [_state(r) for r in regs] == ["confirmed", "confirmed", "waitlisted"]


def test_bkpp_cancels_after_the_deadline_and_the_employee_cannot(city, login, today):
    registration = registered(session(), city.staff_a)
    today(dt.date(2026, 11, 26))  # the cancellation deadline was 25 November

    late = _post(login(city.staff_a.user), _url("registration-cancel", registration.pk))
    by_bkpp = _post(login(city.admin), _url("registration-cancel", registration.pk), {"reason": "Atas permintaan"})

    assert _error(late) == (400, "cancellation_deadline_passed")
    assert (by_bkpp.status_code, by_bkpp.json()["state"]) == (200, "cancelled")


def test_a_rejection_needs_a_reason_the_employee_is_told(city, login):
    registration = registered(session(), city.staff_a)
    client = login(city.supervisor.user)

    without = _post(client, _url("registration-reject", registration.pk), {"reason": "  "}, **EN)
    given = _post(client, _url("registration-reject", registration.pk), {"reason": "Beban kerja Desember."})

    assert _error(without) == (400, "reason_required")
    assert without.json()["error"]["message"] == "Give the reason for the rejection."
    assert _field_codes(without) == {"reason": ["reason_required"]}
    assert given.json()["state"] == "rejected"
    assert given.json()["events"][-1]["reason"] == "Beban kerja Desember."


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_a_supervisor_cannot_decide_a_registration_twice(city, login, action):
    registration = registered(session(), city.staff_a)
    client = login(city.supervisor.user)
    _post(client, _url(f"registration-{action}", registration.pk), {"reason": "x"})

    again = _post(client, _url(f"registration-{action}", registration.pk), {"reason": "x"})

    assert again.status_code == 403  # no longer waiting for them: the predicate says no


def test_confirming_a_waitlisted_registration_without_a_free_seat_is_refused(city, login):
    sess = session(capacity=1, approval_required=False)
    registered(sess, city.staff_a)
    waiting = registered(sess, city.staff_b)
    client = login(city.admin)

    response = _post(client, _url("registration-confirm", waiting.pk))

    assert _error(response) == (400, "no_seat")
    assert _state(waiting) == "waitlisted"


def test_an_operator_nomination_skips_the_supervisor_and_names_the_operator(city, login):
    sess = session()
    client = login(city.operator.user)

    response = _post(
        client,
        _url("registration-list"),
        {"session_id": sess.pk, "employee_nip": city.staff_b.formatted_nip, "motivation": "Kebutuhan bidang"},
    )

    assert response.status_code == 201
    assert response.json()["employee"]["id"] == city.staff_b.pk
    assert response.json()["nominated_by"] == city.operator.user.username
    assert response.json()["state"] == "confirmed"
    assert response.json()["opd"]["code"] == "DINKES"


# --- Bad input: a clear message, 4xx, nothing written ------------------------------------------------


def _written() -> tuple:
    return (
        Program.objects.count(),
        Session.objects.count(),
        Registration.objects.count(),
        RegistrationEvent.objects.count(),
        OutsideLearning.objects.count(),
        list(Session.objects.order_by("pk").values_list("capacity", "confirmed_count", "status")),
    )


def test_registering_outside_the_window_is_refused(city, login, today):
    sess = session()
    today(dt.date(2026, 11, 21))  # registration closed on 20 November
    client = login(city.staff_a.user)
    before = _written()

    response = _post(client, _url("registration-list"), {"session_id": sess.pk}, **EN)

    assert _error(response) == (400, "registration_closed")
    assert response.json()["error"]["message"] == (
        "Registration for this session is not open (window 2026-10-01 – 2026-11-20)."
    )
    assert _field_codes(response) == {"session_id": ["registration_closed"]}
    assert _written() == before


def test_registering_for_a_cancelled_session_is_refused(city, login):
    sess = session()
    services.set_session_status(sess, SessionStatus.CANCELLED, by=None, today=TODAY)
    client = login(city.staff_a.user)
    before = _written()

    response = _post(client, _url("registration-list"), {"session_id": sess.pk})

    assert _error(response) == (400, "session_cancelled")
    assert _written() == before


def test_registering_twice_is_refused(city, login):
    sess = session()
    client = login(city.staff_a.user)
    _post(client, _url("registration-list"), {"session_id": sess.pk})
    before = _written()

    again = _post(client, _url("registration-list"), {"session_id": sess.pk})

    assert _error(again) == (400, "already_registered")
    assert _field_codes(again) == {"employee_nip": ["already_registered"]}
    assert _written() == before


def test_an_operator_nominating_someone_of_another_opd_is_refused(city, login):
    sess = session()
    client = login(city.operator.user)
    before = _written()

    response = _post(client, _url("registration-list"), {"session_id": sess.pk, "employee_nip": city.outsider.nip})
    unknown = _post(client, _url("registration-list"), {"session_id": sess.pk, "employee_nip": "199001012020011999"})

    assert _error(response) == (403, "permission_denied")
    assert unknown.json() == response.json()  # an unknown NIP answers the same: nothing learnt
    assert _written() == before


def test_registering_for_a_draft_or_unknown_session_is_a_field_error(city, login):
    draft = session(opened=False)
    client = login(city.staff_a.user)

    for session_id in (draft.pk, 10**9, "x"):
        response = _post(client, _url("registration-list"), {"session_id": session_id})

        assert response.status_code == 400
        assert list(_field_codes(response)) == ["session_id"]
    assert not Registration.objects.exists()


def test_an_ineligible_employee_is_told_why(city, login):
    ranked = program(min_rank=Rank.objects.get(code="IV/a"))
    sess = session(ranked)
    client = login(city.staff_a.user)

    response = _post(client, _url("registration-list"), {"session_id": sess.pk}, **EN)

    assert _error(response) == (400, "not_eligible_rank")
    assert "IV/a" in response.json()["error"]["message"]
    assert not Registration.objects.exists()


def test_seats_below_the_confirmed_are_refused(city, login):
    sess = session(capacity=2, approval_required=False)
    registered(sess, city.staff_a)
    registered(sess, city.staff_b)
    client = login(city.admin)
    before = _written()

    response = _post(client, _url("session-capacity", sess.pk), {"capacity": 1})

    assert _error(response) == (400, "capacity_below_confirmed")
    assert _field_codes(response) == {"capacity": ["capacity_below_confirmed"]}
    assert _written() == before


def _session_payload(prog, **overrides) -> dict:
    payload = {
        "program_id": prog.pk,
        "starts_on": "2027-02-01",
        "ends_on": "2027-02-03",
        "capacity": 30,
        "registration_opens_on": "2027-01-04",
        "registration_closes_on": "2027-01-25",
        "place": "Balai Diklat BKPP",
    }
    payload.update(overrides)
    return payload


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"ends_on": "2027-01-31"}, "ends_before_start", "ends_on"),
        ({"jp": 0}, "jp_not_positive", "jp"),
        ({"jp": -8}, "jp_not_positive", "jp"),
        ({"capacity": 0}, "capacity_not_positive", "capacity"),
        ({"registration_closes_on": "2027-01-01"}, "registration_window", "registration_closes_on"),
        ({"registration_closes_on": "2027-02-04"}, "registration_after_session", "registration_closes_on"),
        ({"cost_per_participant": "-1"}, "validation_error", "cost_per_participant"),
        ({"days": ["2027-03-01"]}, "validation_error", "days"),
        ({"starts_on": "2027-02-30"}, "validation_error", "starts_on"),
    ],
)
def test_a_bad_session_is_a_400_naming_the_field_and_nothing_is_written(city, login, overrides, code, field):
    prog = program()
    client = login(city.admin)
    before = _written()

    response = _post(client, _url("session-list"), _session_payload(prog, **overrides))

    assert _error(response) == (400, code)
    assert list(_field_codes(response)) == [field]
    assert _written() == before


def test_bkpp_creates_a_session_with_its_days_and_jp_from_the_programme(city, login):
    prog = program(default_jp=18)
    client = login(city.admin)

    response = _post(client, _url("session-list"), _session_payload(prog, days=["2027-02-03", "2027-02-01"]))

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["jp"], body["batch"], body["seats_left"]) == ("draft", 18, 1, 30)
    assert body["cancellation_deadline"] == "2027-01-25"
    assert [day["date"] for day in body["days"]] == ["2027-02-01", "2027-02-03"]
    assert body["eligibility"] is None  # BKPP's account is not an employee


def test_a_changed_session_that_ends_before_it_starts_is_refused(city, login):
    sess = session()
    client = login(city.admin)

    response = client.patch(_url("session-detail", sess.pk), {"ends_on": "2026-11-30"}, content_type="application/json")

    assert _error(response) == (400, "ends_before_start")
    sess.refresh_from_db()
    assert sess.ends_on == dt.date(2026, 12, 2)


@pytest.mark.parametrize("default_jp", [0, -4])
def test_a_programme_with_zero_or_negative_jp_is_refused(city, login, default_jp):
    client = login(city.admin)

    response = _post(
        client,
        _url("program-list"),
        {"code": "BT-1", "title": "Bimtek", "category": "bimtek", "method": "klasikal", "organiser": "bkpp"}
        | {"default_jp": default_jp},
        **EN,
    )

    assert _error(response) == (400, "jp_not_positive")
    assert response.json()["error"]["message"] == "JP must be a whole number above zero."
    assert not Program.objects.exists()


def test_a_programme_code_is_unique_and_the_rank_range_ordered(city, login):
    program(code="BT-1")
    client = login(city.admin)
    payload = {"title": "Bimtek", "category": "bimtek", "method": "klasikal", "organiser": "bkpp", "default_jp": 8}

    duplicate = _post(client, _url("program-list"), payload | {"code": "BT-1"})
    reversed_range = _post(
        client, _url("program-list"), payload | {"code": "BT-2"} | {"min_rank_code": "IV/a", "max_rank_code": "III/a"}
    )

    assert _field_codes(duplicate) == {"code": ["unique"]}
    assert _error(reversed_range) == (400, "rank_range")
    assert _field_codes(reversed_range) == {"min_rank_code": ["rank_range"]}
    assert Program.objects.count() == 1


def test_a_new_leadership_programme_is_closed_to_sanctioned_staff(city, login):
    client = login(city.admin)

    response = _post(
        client,
        _url("program-list"),
        {"code": "PKA-1", "title": "PKA Angkatan I", "category": "pka", "method": "blended", "organiser": "bkpp"}
        | {"default_jp": 908, "position_kinds": ["administrator"], "min_rank_code": "III/c"},
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["blocked_by_sanction"], body["is_leadership"]) == (True, True)
    assert body["min_rank"]["code"] == "III/c"
    assert body["position_kinds"] == ["administrator"]


def test_an_error_speaks_indonesian_unless_asked_otherwise(city, login):
    sess = session()
    services.set_session_status(sess, SessionStatus.CANCELLED, by=None, today=TODAY)
    client = login(city.staff_a.user)

    response = _post(client, _url("registration-list"), {"session_id": sess.pk})

    assert response["Content-Language"] == "id"
    assert response.json()["error"]["code"] == "session_cancelled"


@pytest.mark.parametrize("pk", ["abc", "0", "-1", "0.5", str(2**70)])
def test_an_unusable_id_is_a_404_with_the_standard_body(city, login, pk):
    client = login(city.admin)

    response = client.get(f"/api/v1/training/registrations/{pk}/")

    assert _error(response) == (404, "not_found")


# --- Sessions: eligibility and filters ----------------------------------------------------------------


def test_a_session_explains_eligibility_to_an_employee_criterion_by_criterion(city, login):
    prog = program(min_rank=Rank.objects.get(code="III/a"), position_kinds=["administrator"])
    sess = session(prog)
    client = login(city.staff_a.user)

    body = client.get(_url("session-detail", sess.pk), **EN).json()

    assert [(c["code"], c["ok"]) for c in body["eligibility"]] == [
        ("rank", True),  # III/a, the lowest allowed
        ("position_kind", False),
        ("overlap", True),
    ]
    assert body["eligibility"][1]["message"] == "For positions: Administrator."
    assert body["my_registration"] is None
    assert (body["seats_left"], body["is_registration_open"]) == (2, True)


def test_a_session_shows_the_callers_live_registration(city, login):
    sess = session()
    registration = registered(sess, city.staff_a)
    client = login(city.staff_a.user)

    body = client.get(_url("session-detail", sess.pk)).json()

    assert body["my_registration"] == {"id": registration.pk, "state": "submitted"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "open"}, {"december", "january"}),
        ({"status": "closed"}, {"closed"}),
        ({"month": "2026-12"}, {"december", "closed"}),
        ({"month": "2027-01"}, {"january", "closed"}),  # the closed one runs over new year
        ({"open_on": "2026-11-02"}, {"december"}),
        ({"open_on": "2026-12-10"}, {"january"}),
        ({"program": "OTHER"}, {"january"}),
    ],
)
def test_the_session_list_filters_by_programme_status_month_and_open_date(city, login, params, expected):
    prog, other = program(), program()
    made = {
        "december": session(prog),
        "closed": session(prog, starts_on=dt.date(2026, 12, 30), ends_on=dt.date(2027, 1, 2)),
        "january": session(
            other,
            starts_on=dt.date(2027, 1, 11),
            ends_on=dt.date(2027, 1, 12),
            registration_opens_on=dt.date(2026, 12, 1),
            registration_closes_on=dt.date(2027, 1, 4),
        ),
    }
    services.set_session_status(made["closed"], SessionStatus.CLOSED, by=None, today=TODAY)
    client = login(city.staff_a.user)

    response = client.get(_url("session-list"), {k: other.pk if v == "OTHER" else v for k, v in params.items()})

    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {made[name].pk for name in expected}


def test_a_session_over_new_year_runs_in_january_too(city, login):
    sess = session(starts_on=dt.date(2026, 12, 30), ends_on=dt.date(2027, 1, 2))
    client = login(city.staff_a.user)

    in_january = client.get(_url("session-list"), {"month": "2027-01"}).json()["results"]

    assert [row["id"] for row in in_january] == [sess.pk]


@pytest.mark.parametrize("params", [{"month": "2026-13"}, {"month": "Desember"}, {"open_on": "2026-11-31"}])
def test_a_bad_session_filter_is_a_400_naming_the_parameter(city, login, params):
    client = login(city.staff_a.user)

    response = client.get(_url("session-list"), params)

    assert response.status_code == 400
    assert list(_field_codes(response)) == list(params)


# --- Programmes: the catalogue filters ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "pka"}, {"leadership"}),
        ({"organiser": "lan"}, {"lan_course"}),
        ({"q": "arsip"}, {"archives"}),
        ({"q": "ARS-"}, {"archives"}),
        ({"q": "kearsipan"}, {"archives"}),  # a competency tag
        ({"open_for_me": "true"}, {"archives"}),
        ({"open_for_me": "false"}, {"leadership", "lan_course"}),
    ],
)
def test_the_catalogue_filters_by_category_organiser_text_and_open_for_me(city, login, params, expected):
    made = {
        "archives": program(code="ARS-01", title="Bimtek Pengelolaan Arsip", competencies=["kearsipan"]),
        "leadership": program(
            code="PKA-01", title="PKA", category="pka", default_jp=908, min_rank=Rank.objects.get(code="III/d")
        ),
        "lan_course": program(code="LAN-01", title="Kursus Kebijakan Publik", organiser="lan"),
    }
    session(made["archives"])  # open today, staff_a may register
    session(made["leadership"])  # open, but staff_a's golongan is below III/d
    session(made["lan_course"], opened=False)  # not open
    client = login(city.staff_a.user)

    response = client.get(_url("program-list"), params)

    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {made[name].pk for name in expected}


def test_a_programme_already_registered_for_is_no_longer_open_for_me(city, login):
    prog = program()
    registered(session(prog), city.staff_a)
    client = login(city.staff_a.user)

    response = client.get(_url("program-list"), {"open_for_me": "true"})

    assert response.json()["results"] == []


def test_a_sanction_closes_leadership_programmes_for_me_but_not_others(city, login):
    leadership = program(code="PKP-01", title="PKP", category="pkp", default_jp=300)
    other = program(code="BT-01")
    session(leadership)
    session(other, starts_on=dt.date(2026, 12, 14), ends_on=dt.date(2026, 12, 15))
    sanction(city.staff_a, "potong_tukin_25_6_bulan", dt.date(2026, 9, 1))  # in force in December
    client = login(city.staff_a.user)

    response = client.get(_url("program-list"), {"open_for_me": "true"})

    assert {row["id"] for row in response.json()["results"]} == {other.pk}


def test_a_staff_account_has_nothing_open_for_itself(city, login):
    session(program())
    client = login(city.admin)

    response = client.get(_url("program-list"), {"open_for_me": "true"})

    assert response.json()["results"] == []


def test_bkpp_changes_a_programme_and_retires_it(city, login):
    prog = program(title="Bimtek Lama")
    client = login(city.admin)

    response = client.patch(
        _url("program-detail", prog.pk), {"title": "Bimtek Baru", "is_active": False}, content_type="application/json"
    )
    employee_view = login(city.staff_a.user).get(_url("program-detail", prog.pk))

    assert response.status_code == 200
    assert (response.json()["title"], response.json()["is_active"]) == ("Bimtek Baru", False)
    assert employee_view.status_code == 404


# --- Registrations: filters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"session": "FIRST"}, {"a1", "b1", "x1"}),
        ({"state": "submitted"}, {"a1", "b1"}),
        ({"state": "confirmed"}, {"x1", "a2"}),
        ({"employee": "STAFF_A"}, {"a1", "a2"}),
        ({"opd": "DISDIK"}, {"x1"}),
    ],
)
def test_the_registration_list_filters_by_session_state_employee_and_opd(city, login, params, expected):
    first = session(capacity=5)
    second = session(capacity=5, approval_required=False, starts_on=dt.date(2026, 12, 8), ends_on=dt.date(2026, 12, 9))
    made = {
        "a1": registered(first, city.staff_a),
        "b1": registered(first, city.staff_b),
        "x1": registered(first, city.outsider),
        "a2": registered(second, city.staff_a),
    }
    values = {"FIRST": first.pk, "STAFF_A": city.staff_a.formatted_nip, "DISDIK": city.disdik.pk}
    client = login(city.admin)

    response = client.get(_url("registration-list"), {k: values.get(v, v) for k, v in params.items()})

    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {made[name].pk for name in expected}


def test_a_supervisors_inbox_is_the_submitted_registrations_of_their_staff(city, login):
    sess = session(capacity=5)
    waiting = [registered(sess, city.staff_a), registered(sess, city.staff_b)]
    registered(sess, city.outsider)
    client = login(city.supervisor.user)

    response = client.get(_url("registration-list"), {"state": "submitted"})

    assert [row["id"] for row in response.json()["results"]] == [r.pk for r in reversed(waiting)]


# --- Attendance -------------------------------------------------------------------------------------------


def test_bkpp_ticks_attendance_per_day_and_reads_it_back(city, login):
    sess = session(approval_required=False, capacity=3)
    present, absent = registered(sess, city.staff_a), registered(sess, city.staff_b)
    day = sess.days.order_by("date").first()
    client = login(city.admin)
    url = _url("session-attendance", sess.pk, day.pk)

    before = client.get(url).json()
    ticked = _post(
        client,
        url,
        {
            "entries": [
                {"registration_id": present.pk, "present": True},
                {"registration_id": absent.pk, "present": False},
            ]
        },
    )

    assert before["day"]["date"] == "2026-12-01"
    assert {e["registration_id"]: e["present"] for e in before["entries"]} == {present.pk: None, absent.pk: None}
    assert ticked.status_code == 200
    assert {e["registration_id"]: e["present"] for e in ticked.json()["entries"]} == {
        present.pk: True,
        absent.pk: False,
    }
    assert Attendance.objects.filter(day=day, is_present=True).count() == 1


def test_all_present_ticks_every_confirmed_participant(city, login):
    sess = session(approval_required=False, capacity=3)
    regs = [registered(sess, city.staff_a), registered(sess, city.staff_b)]
    day = sess.days.order_by("date").last()
    client = login(city.admin)

    response = _post(client, _url("session-attendance", sess.pk, day.pk), {"all_present": True})

    assert response.status_code == 200
    assert set(Attendance.objects.filter(day=day, is_present=True).values_list("registration_id", flat=True)) == {
        r.pk for r in regs
    }


def test_attendance_for_someone_without_a_seat_refuses_the_whole_request(city, login):
    sess = session(capacity=1, approval_required=False)
    seated, waiting = registered(sess, city.staff_a), registered(sess, city.staff_b)
    day = sess.days.first()
    client = login(city.admin)

    response = _post(
        client,
        _url("session-attendance", sess.pk, day.pk),
        {
            "entries": [
                {"registration_id": seated.pk, "present": True},
                {"registration_id": waiting.pk, "present": True},
            ]
        },
    )
    empty = _post(client, _url("session-attendance", sess.pk, day.pk), {"entries": []})

    assert _error(response) == (400, "not_a_participant")
    assert _field_codes(empty) == {"entries": ["required"]}
    assert not Attendance.objects.exists()


def test_a_day_of_another_session_is_a_404(city, login):
    sess, other = session(), session(starts_on=dt.date(2026, 12, 8), ends_on=dt.date(2026, 12, 9))
    client = login(city.admin)

    response = client.get(_url("session-attendance", sess.pk, other.days.first().pk))

    assert _error(response) == (404, "not_found")


def test_cancelling_a_session_through_the_api_cancels_its_registrations(city, login):
    sess = session(capacity=3, approval_required=False)
    regs = [registered(sess, city.staff_a), registered(sess, city.staff_b)]
    client = login(city.admin)

    response = _post(client, _url("session-status", sess.pk), {"status": "cancelled", "reason": "Narasumber sakit"})
    reopened = _post(client, _url("session-status", sess.pk), {"status": "open"})

    assert (response.json()["status"], response.json()["confirmed_count"]) == ("cancelled", 0)
    assert [_state(r) for r in regs] == ["cancelled", "cancelled"]
    assert _error(reopened) == (400, "invalid_status")


def test_a_quota_is_set_per_opd_and_refused_for_a_sub_unit(city, login):
    sess = session(capacity=4)
    client = login(city.admin)

    set_ = _post(
        client, _url("session-quotas", sess.pk), {"opd_code": "DISDIK", "seats": 2, "release_on": "2026-11-15"}
    )
    sub_unit = _post(
        client, _url("session-quotas", sess.pk), {"opd_code": "DINKES-P2P", "seats": 1, "release_on": "2026-11-15"}
    )

    assert set_.json()["quotas"] == [
        {
            "opd": {"id": city.disdik.pk, "code": "DISDIK", "name": "Dinas Pendidikan"},
            "seats": 2,
            "release_on": "2026-11-15",
        }
    ]
    assert _error(sub_unit) == (400, "not_an_opd")
    assert _field_codes(sub_unit) == {"opd_code": ["not_an_opd"]}


# --- Outside learning -------------------------------------------------------------------------------------


def _outside_payload(**overrides) -> dict:
    payload = {
        "title": "E-learning Antikorupsi (ACLC KPK)",
        "organiser": "KPK",
        "category": "elearning",
        "starts_on": "2026-10-05",
        "ends_on": "2026-10-09",
        "jp": 10,
        "certificate": SimpleUploadedFile("sertifikat.pdf", PDF),
    }
    payload.update(overrides)
    return payload


def test_an_employee_records_outside_learning_and_the_operator_verifies_it(city, login, media):
    employee = login(city.staff_a.user)

    created = employee.post(_url("outside-learning-list"), _outside_payload())
    pk = created.json()["id"]
    downloaded = employee.get(created.json()["certificate_url"])
    verified = _post(login(city.operator.user), _url("outside-learning-verify", pk))

    assert created.status_code == 201
    assert (created.json()["status"], created.json()["certificate_type"]) == ("submitted", "application/pdf")
    assert created.json()["opd"]["code"] == "DINKES"
    assert downloaded["Content-Disposition"].startswith("attachment")
    assert downloaded["X-Content-Type-Options"] == "nosniff"
    assert b"".join(downloaded.streaming_content) == PDF
    assert (verified.json()["status"], verified.json()["decided_by"]) == ("verified", city.operator.user.username)
    assert services.jp_total(city.staff_a, 2026) == 10


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"jp": 0}, "jp_not_positive", "jp"),
        ({"jp": -3}, "jp_not_positive", "jp"),
        ({"ends_on": "2026-10-01"}, "ends_before_start", "ends_on"),
        ({"ends_on": "2026-11-03"}, "date_in_future", "ends_on"),
        ({"certificate": SimpleUploadedFile("sertifikat.pdf", b"MZ\x90\x00 not a pdf")}, "file_type", "certificate"),
        ({"certificate": SimpleUploadedFile("kosong.pdf", b"")}, "validation_error", "certificate"),
        ({"category": "tamasya"}, "validation_error", "category"),
    ],
)
def test_bad_outside_learning_is_refused_and_nothing_is_stored(city, login, media, overrides, code, field):
    client = login(city.staff_a.user)

    response = client.post(_url("outside-learning-list"), _outside_payload(**overrides))

    assert _error(response) == (400, code)
    assert list(_field_codes(response)) == [field]
    assert not OutsideLearning.objects.exists()
    assert _stored_files(media) == []


def test_outside_learning_wants_multipart(city, login):
    client = login(city.staff_a.user)

    response = _post(client, _url("outside-learning-list"), {"title": "x"})

    assert _error(response) == (415, "unsupported_media_type")


def test_a_rejection_of_outside_learning_needs_a_reason_and_happens_once(city, login):
    created = login(city.staff_a.user).post(_url("outside-learning-list"), _outside_payload()).json()
    client = login(city.admin)

    without = _post(client, _url("outside-learning-reject", created["id"]), {})
    rejected = _post(client, _url("outside-learning-reject", created["id"]), {"reason": "Sertifikat tidak sah"})
    again = _post(client, _url("outside-learning-verify", created["id"]))

    assert _error(without) == (400, "reason_required")
    assert (rejected.json()["status"], rejected.json()["reason"]) == ("rejected", "Sertifikat tidak sah")
    assert _error(again) == (400, "already_decided")
    assert services.jp_total(city.staff_a, 2026) == 0


# --- JP ---------------------------------------------------------------------------------------------------


def _completed(employee, jp: int, starts_on: dt.date, ends_on: dt.date, title: str) -> Registration:
    sess = session(
        program(default_jp=jp, title=title),
        approval_required=False,
        starts_on=starts_on,
        ends_on=ends_on,
        registration_opens_on=starts_on - dt.timedelta(days=30),
        registration_closes_on=starts_on,
        cancellation_deadline=starts_on,
    )
    registration = services.register(session=sess, employee=employee, by=None, today=starts_on)
    services.set_session_status(sess, SessionStatus.RUNNING, by=None, today=starts_on)
    return services.record_result(registration, passed=True, by=None, on=ends_on)


def _outside(employee, jp: int, ends_on: dt.date, title: str, *, verified: bool | None = True) -> OutsideLearning:
    record = services.record_outside_learning(
        employee=employee,
        title=title,
        organiser="LAN",
        category="elearning",
        starts_on=ends_on - dt.timedelta(days=1),
        ends_on=ends_on,
        jp=jp,
        certificate=SimpleUploadedFile("s.pdf", PDF),
        by=None,
        today=TODAY,
    )
    if verified is not None:
        services.decide_outside_learning(record, verified=verified, by=None, reason="" if verified else "Tidak sah")
    return record


@pytest.fixture
def ledger(city):
    """staff_a's JP history over the 2025/2026 boundary, from both sources."""
    return {
        "new_year": _completed(city.staff_a, 30, dt.date(2025, 12, 29), dt.date(2026, 1, 2), "Diklat Teknis PBJ"),
        "june_2025": _completed(city.staff_a, 8, dt.date(2025, 6, 2), dt.date(2025, 6, 2), "Bimtek SAKIP"),
        "elearning_2025": _outside(city.staff_a, 5, dt.date(2025, 12, 31), "E-learning LAN 2025"),
        "elearning_2026": _outside(city.staff_a, 6, dt.date(2026, 3, 1), "E-learning LAN 2026"),
        "unverified": _outside(city.staff_a, 10, dt.date(2026, 4, 1), "Seminar", verified=None),
        "rejected": _outside(city.staff_a, 12, dt.date(2026, 5, 1), "Webinar", verified=False),
    }


@pytest.mark.parametrize(
    ("year", "sessions", "outside", "entries"),
    [
        (2025, 8, 5, ["elearning_2025", "june_2025"]),
        (2026, 30, 6, ["elearning_2026", "new_year"]),
        (2024, 0, 0, []),
    ],
)
def test_jp_count_in_the_year_the_training_ended_from_both_sources(
    city, login, ledger, year, sessions, outside, entries
):
    client = login(city.supervisor.user)

    body = client.get(reverse("api-employee-jp", args=[city.staff_a.nip]), {"year": year}).json()

    assert body["nip"] == city.staff_a.nip
    assert (body["year"], body["target"]) == (year, 20)
    assert (body["jp_sessions"], body["jp_outside"], body["jp_total"]) == (sessions, outside, sessions + outside)
    assert [(e["source"], e["id"]) for e in body["entries"]] == [
        ("session" if isinstance(ledger[name], Registration) else "outside", ledger[name].pk) for name in entries
    ]
    assert sum(e["jp"] for e in body["entries"]) == body["jp_total"]


def test_jp_defaults_to_this_year_and_accepts_the_printed_nip(city, login, ledger, today):
    today(dt.date(2025, 12, 31))
    client = login(city.staff_a.user)

    body = client.get(reverse("api-employee-jp", args=[city.staff_a.formatted_nip])).json()

    assert (body["year"], body["jp_total"]) == (2025, 13)
    assert body["entries"][0] == {
        "source": "outside",
        "id": ledger["elearning_2025"].pk,
        "title": "E-learning LAN 2025",
        "jp": 5,
        "ended_on": "2025-12-31",
    }


def test_the_jp_target_of_pppk_comes_from_the_settings(city, login, settings):
    settings.SIGAP_JP_TARGET_PPPK = 24
    pppk = EmployeeFactory(unit=city.dinkes_bidang, employment_type="pppk", rank=None)
    client = login(city.admin)

    body = client.get(reverse("api-employee-jp", args=[pppk.nip]), {"year": 2026}).json()

    assert (body["target"], body["jp_total"], body["entries"]) == (24, 0, [])


@pytest.mark.parametrize("year", ["20x6", "1899", "3000", "2026.5"])
def test_a_bad_year_is_a_400_naming_the_parameter(city, login, year):
    client = login(city.staff_a.user)

    response = client.get(reverse("api-employee-jp", args=[city.staff_a.nip]), {"year": year})

    assert response.status_code == 400
    assert list(_field_codes(response)) == ["year"]


# --- Query counts ------------------------------------------------------------------------------------


@pytest.fixture
def crowd(city):
    """55 rows in every list: programmes, sessions (each with days and a quota),
    registrations with certificates, and verified outside learning."""
    employees = EmployeeFactory.create_batch(55, unit=city.dinkes_bidang, supervisor=city.supervisor)
    big = session(program(default_jp=10), capacity=60, approval_required=False)
    services.set_quota(big, opd=city.disdik, seats=2, release_on=dt.date(2026, 11, 30), by=None, today=TODAY)
    for n in range(54):
        session(program(code=f"C-{n:03d}"))
    regs = [registered(big, employee) for employee in employees]
    services.set_session_status(big, SessionStatus.RUNNING, by=None, today=TODAY)
    for registration in regs[:30]:
        services.record_result(registration, passed=True, by=None, on=dt.date(2026, 12, 2))
    for employee in employees:
        _outside(employee, 4, dt.date(2026, 10, 1), "Kursus daring")
    return employees


LIST_URLS = [
    "api-training-program-list",
    "api-training-session-list",
    "api-training-registration-list",
    "api-training-outside-learning-list",
]


def _count_list_queries(client, url: str, page_size: int, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": page_size, **params})
    assert response.status_code == 200
    assert len(response.json()["results"]) == page_size
    return len(captured)


@pytest.mark.parametrize(
    ("url_name", "who"),
    [(url_name, who) for url_name in LIST_URLS for who in ("admin", "operator")]
    + [(url_name, "supervisor") for url_name in LIST_URLS[:3]],  # a supervisor sees no outside records
)
def test_a_list_costs_the_same_queries_for_10_or_50_rows(city, crowd, login, url_name, who):
    client = login(city.user(who))
    url = reverse(url_name)
    _count_list_queries(client, url, 10)  # warm up per-process caches (content types, ...)

    small = _count_list_queries(client, url, 10)
    large = _count_list_queries(client, url, 50)

    assert small == large


def test_the_catalogue_open_for_me_costs_the_same_for_10_or_50_programmes(city, crowd, login):
    client = login(crowd[0].user)  # completed the big session: free for the 54 open ones
    url = reverse("api-training-program-list")
    _count_list_queries(client, url, 10, open_for_me="true")

    small = _count_list_queries(client, url, 10, open_for_me="true")
    large = _count_list_queries(client, url, 50, open_for_me="true")

    assert small == large


# --- Schema ------------------------------------------------------------------------------------------


@pytest.fixture
def schema(client):
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/v1/training/programs/", "get"),
        ("/api/v1/training/programs/", "post"),
        ("/api/v1/training/sessions/{id}/", "get"),
        ("/api/v1/training/sessions/{id}/capacity/", "post"),
        ("/api/v1/training/sessions/{id}/days/{day_id}/attendance/", "post"),
        ("/api/v1/training/registrations/", "post"),
        ("/api/v1/training/registrations/{id}/approve/", "post"),
        ("/api/v1/training/outside-learning/", "post"),
        ("/api/v1/employees/{nip}/jp/", "get"),
    ],
)
def test_training_operations_document_the_error_body(schema, path, method):
    responses = schema["paths"][path][method]["responses"]

    for code in ("400", "401", "404"):
        assert responses[code]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorResponse"
        }


def test_training_choices_have_their_own_schema_components(schema):
    components = schema["components"]["schemas"]

    assert "waitlisted" in components["RegistrationState"]["enum"]
    assert "cancelled" in components["SessionStatus"]["enum"]
    assert components["Registration"]["properties"]["state"]["allOf"] == [
        {"$ref": "#/components/schemas/RegistrationState"}
    ]
