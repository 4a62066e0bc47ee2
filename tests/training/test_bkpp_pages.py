"""BKPP's training pages: who may open them (every role of the `city` fixture), what each
form refuses (400 with the service's message) and writes, the attendance grid with and
without htmx, results, schedule, evaluation summary, and constant query counts on lists."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from asn_portal.models import Employee
from tests.factories import EmployeeFactory
from tests.training.factories import TODAY, program, registered, session
from training import services
from training.models import (
    Attendance,
    Certificate,
    ConfirmationMode,
    Evaluation,
    FollowUp,
    Program,
    Registration,
    Session,
    SessionDay,
    SessionQuota,
    SessionStatus,
)
from training.views import bkpp

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}  # messages are asserted in English (the catalogue may lag)
ROLES = ("admin", "inspektur", "operator", "supervisor", "staff_a", "staff_b", "outsider")
RUNNING_DAY = dt.date(2026, 12, 2)  # the factories' sessions run 1–2 December 2026


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    """The pages take "today" from bkpp.today(); tests pin it (STYLE.md: no clock in rules)."""
    day = {"value": TODAY}
    monkeypatch.setattr(bkpp, "today", lambda: day["value"])
    return day


@dataclass
class Course:
    session: Session
    a: Registration  # staff_a, confirmed
    b: Registration  # staff_b, confirmed
    waiting: Registration  # outsider, waitlisted (the session has 2 seats)


def build_course(city, *, capacity: int = 2) -> Course:
    """A session with two confirmed participants of Dinkes and one waitlisted of Disdik."""
    sess = session(capacity=capacity)
    a, b = registered(sess, city.staff_a), registered(sess, city.staff_b)
    for registration in (a, b):
        services.approve(registration, by=city.supervisor.user, today=TODAY)
    waiting = registered(sess, city.outsider)  # no supervisor: straight to seat allocation
    a, b, waiting = (Registration.objects.get(pk=r.pk) for r in (a, b, waiting))
    return Course(Session.objects.get(pk=sess.pk), a, b, waiting)


@pytest.fixture
def course(city) -> Course:
    return build_course(city)


def run_session(sess: Session) -> Session:
    return services.set_session_status(sess, SessionStatus.RUNNING, by=None, today=RUNNING_DAY)


def text(response) -> str:
    """The page as a reader sees it (entities such as &#x27; decoded)."""
    return html.unescape(response.content.decode())


def _state(registration) -> str:
    return Registration.objects.get(pk=registration.pk).state


def bkpp_urls(course: Course) -> dict[str, str]:
    s = course.session
    day = s.days.order_by("date").first()
    return {
        "sessions": reverse("training:manage-sessions"),
        "session-create": reverse("training:manage-session-create"),
        "session": reverse("training:manage-session", args=[s.pk]),
        "session-edit": reverse("training:manage-session-edit", args=[s.pk]),
        "schedule": reverse("training:manage-session-schedule", args=[s.pk]),
        "participants": reverse("training:manage-participants", args=[s.pk]),
        "cancel": reverse("training:manage-registration-cancel", args=[course.a.pk]),
        "attendance": reverse("training:manage-attendance", args=[s.pk]) + f"?day={day.pk}",
        "results": reverse("training:manage-results", args=[s.pk]),
        "results-sheet": reverse("training:manage-results-sheet", args=[s.pk]),
        "evaluation": reverse("training:manage-evaluation", args=[s.pk]),
        "programs": reverse("training:manage-programs"),
        "program-create": reverse("training:manage-program-create"),
        "program-edit": reverse("training:manage-program-edit", args=[s.program_id]),
    }


BKPP_PAGES = (
    "sessions",
    "session-create",
    "session",
    "session-edit",
    "schedule",
    "participants",
    "cancel",
    "attendance",
    "results",
    "results-sheet",
    "evaluation",
    "programs",
    "program-create",
    "program-edit",
)


# ---------------------------------------------------------------------------------------------
# Access
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_bkpp_page_opens_for_admin_bkpp_and_is_forbidden_to_every_other_role(city, course, login, role):
    client = login(city.user(role))
    urls = bkpp_urls(course)

    statuses = {name: client.get(urls[name]).status_code for name in BKPP_PAGES}

    expected = 200 if role == "admin" else 403
    assert statuses == dict.fromkeys(BKPP_PAGES, expected)


@pytest.mark.parametrize("role", ROLES)
def test_the_compliance_pages_open_for_bkpp_and_operators_only(city, login, role):
    client = login(city.user(role))

    statuses = {
        name: client.get(reverse(name)).status_code
        for name in ("training:manage-compliance", "training:manage-mandatory")
    }

    expected = 200 if role in ("admin", "operator") else 403
    assert set(statuses.values()) == {expected}


@pytest.mark.parametrize("role", ("operator", "supervisor", "staff_a", "outsider", "inspektur"))
def test_nobody_but_bkpp_may_post_to_a_session(city, course, login, role):
    client = login(city.user(role))
    s = course.session

    responses = [
        client.post(reverse("training:manage-session-capacity", args=[s.pk]), {"capacity": 9}),
        client.post(reverse("training:manage-session-status", args=[s.pk]), {"status": "closed"}),
        client.post(reverse("training:manage-registration-confirm", args=[course.waiting.pk])),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    s.refresh_from_db()
    assert (s.capacity, s.status) == (2, SessionStatus.OPEN)


def test_an_anonymous_visitor_is_sent_to_sign_in(client, course):
    response = client.get(reverse("training:manage-session", args=[course.session.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_operator_sees_the_compliance_of_their_own_opd_only(city, login):
    client = login(city.operator.user)

    page = client.get(reverse("training:manage-compliance"))
    other = client.get(reverse("training:manage-compliance"), {"opd": city.disdik.pk})

    assert [row.name for row in page.context["rows"]] == ["Dinas Kesehatan"]
    assert "Rina Guru" not in page.content.decode()
    assert [row.name for row in other.context["rows"]] == ["Dinas Kesehatan"]
    assert {e.opd_id for e in page.context["at_risk"].object_list} == {city.dinkes.pk}


def test_bkpp_sees_every_opds_compliance(city, login):
    client = login(city.admin)

    page = client.get(reverse("training:manage-compliance"))

    assert {row.name for row in page.context["rows"]} == {"Dinas Kesehatan", "Dinas Pendidikan"}


def test_the_menu_offers_kelola_diklat_to_bkpp_only(city, login):
    admin_page = login(city.admin).get(reverse("portal:dashboard")).content.decode()
    staff_page = login(city.staff_a.user).get(reverse("portal:dashboard")).content.decode()

    manage = reverse("training:manage-sessions")
    assert f'href="{manage}"' in admin_page
    assert f'href="{manage}"' not in staff_page


# ---------------------------------------------------------------------------------------------
# Programmes
# ---------------------------------------------------------------------------------------------


def _program_data(**changes) -> dict:
    data = {
        "code": "pka-2027",
        "title": "Pelatihan Kepemimpinan Administrator",
        "category": "pka",
        "method": "blended",
        "default_jp": "908",
        "organiser": "bpsdmd_jateng",
        "organiser_name": "",
        "competencies": "kepemimpinan, manajemen perubahan,  Kepemimpinan , aksi perubahan",
        "description": "",
        "min_rank": "13",
        "max_rank": "",
        "position_kinds": ["administrator", "fungsional_keahlian"],
        "jenjang": ["ahli_madya"],
        "employment_types": ["pns"],
        "prior_program": "",
        "mandatory_for_position_kinds": ["administrator"],
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_creating_a_programme_saves_its_prerequisites_and_competency_tags(city, login):
    client = login(city.admin)

    response = client.post(reverse("training:manage-program-create"), _program_data())

    assert response.status_code == 302
    saved = Program.objects.get(code="PKA-2027")
    assert saved.competencies == ["kepemimpinan", "manajemen perubahan", "aksi perubahan"]
    assert (saved.position_kinds, saved.jenjang, saved.employment_types) == (
        ["administrator", "fungsional_keahlian"],
        ["ahli_madya"],
        ["pns"],
    )
    assert (saved.min_rank_id, saved.max_rank_id, saved.default_jp) == (13, None, 908)
    assert saved.mandatory_for_position_kinds == ["administrator"]
    assert saved.blocked_by_sanction  # leadership: the service sets it (DOMAIN.md §8.3)


@pytest.mark.parametrize("jp", ["0", "-4"])
def test_a_programme_without_positive_jp_is_refused_with_400_and_a_message(city, login, jp):
    client = login(city.admin)

    response = client.post(reverse("training:manage-program-create"), _program_data(default_jp=jp), **EN)

    assert response.status_code == 400
    assert "JP must be a whole number above zero." in text(response)
    assert not Program.objects.filter(code="PKA-2027").exists()


def test_editing_a_programme_keeps_its_code_unique(city, login):
    first, second = program(code="BIMTEK-A"), program(code="BIMTEK-B")
    client = login(city.admin)

    response = client.post(
        reverse("training:manage-program-edit", args=[second.pk]),
        _program_data(code="bimtek-a", category="bimtek", min_rank=""),
    )

    assert response.status_code == 400
    second.refresh_from_db()
    assert (first.code, second.code) == ("BIMTEK-A", "BIMTEK-B")


def test_the_programme_list_searches_and_filters(city, login):
    program(code="BIMTEK-SKP", title="Bimtek Penyusunan SKP")
    program(code="PKP-1", title="Pelatihan Kepemimpinan Pengawas", category="pkp")
    client = login(city.admin)

    found = client.get(reverse("training:manage-programs"), {"q": "skp"})
    leadership = client.get(reverse("training:manage-programs"), {"category": "pkp"})

    assert [p.code for p in found.context["page"].object_list] == ["BIMTEK-SKP"]
    assert [p.code for p in leadership.context["page"].object_list] == ["PKP-1"]


# ---------------------------------------------------------------------------------------------
# Sessions
# ---------------------------------------------------------------------------------------------


def _session_data(prog, **changes) -> dict:
    data = {
        "program": prog.pk,
        "batch": "",
        "starts_on": "2027-02-01",
        "ends_on": "2027-02-03",
        "place": "Balai Diklat BKPP",
        "online_link": "",
        "jp": "",
        "capacity": "30",
        "registration_opens_on": "2027-01-04",
        "registration_closes_on": "2027-01-22",
        "cancellation_deadline": "",
        "approval_required": "on",
        "confirmation_mode": "automatic",
        "cost_per_participant": "1500000",
        "notes": "",
    }
    data.update(changes)
    return data


def test_creating_a_session_takes_the_programmes_jp_and_makes_a_day_per_date(city, login):
    prog = program(default_jp=24)
    client = login(city.admin)

    response = client.post(reverse("training:manage-session-create"), _session_data(prog))

    created = Session.objects.get(program=prog)
    assert response.status_code == 302
    assert response["Location"] == reverse("training:manage-session", args=[created.pk])
    assert (created.jp, created.batch, created.capacity, created.status) == (24, 1, 30, SessionStatus.DRAFT)
    assert created.cancellation_deadline == dt.date(2027, 1, 22)
    assert list(created.days.order_by("date").values_list("date", flat=True)) == [
        dt.date(2027, 2, 1),
        dt.date(2027, 2, 2),
        dt.date(2027, 2, 3),
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_on": "2027-01-31"}, "The last day cannot be before the first day."),
        ({"jp": "0"}, "JP must be a whole number above zero."),
        ({"jp": "-3"}, "JP must be a whole number above zero."),
        ({"registration_closes_on": "2027-01-01"}, "Registration cannot close before it opens."),
        ({"registration_closes_on": "2027-02-10"}, "Registration must close by the session's last day."),
        ({"capacity": "0"}, "A session needs at least one seat."),
    ],
)
def test_a_session_with_bad_dates_jp_or_seats_is_refused_with_400_and_a_message(city, login, changes, message):
    prog = program()
    client = login(city.admin)

    response = client.post(reverse("training:manage-session-create"), _session_data(prog, **changes), **EN)

    assert response.status_code == 400
    assert message in text(response)
    assert not Session.objects.filter(program=prog).exists()


def test_editing_a_session_with_the_end_before_the_start_is_refused(city, course, login):
    s = course.session
    client = login(city.admin)
    data = _session_data(s.program, starts_on="2026-12-05", ends_on="2026-12-04", jp="16")

    response = client.post(reverse("training:manage-session-edit", args=[s.pk]), data, **EN)

    assert response.status_code == 400
    assert "The last day cannot be before the first day." in text(response)
    s.refresh_from_db()
    assert (s.starts_on, s.ends_on) == (dt.date(2026, 12, 1), dt.date(2026, 12, 2))


def test_editing_a_session_saves_its_place_and_jp(city, course, login):
    s = course.session
    client = login(city.admin)
    data = _session_data(
        s.program,
        starts_on="2026-12-01",
        ends_on="2026-12-02",
        registration_opens_on="2026-10-01",
        registration_closes_on="2026-11-20",
        place="Hotel Patra Semarang",
        jp="18",
    )

    response = client.post(reverse("training:manage-session-edit", args=[s.pk]), data)

    assert response.status_code == 302
    s.refresh_from_db()
    assert (s.place, s.jp, s.capacity) == ("Hotel Patra Semarang", 18, 2)


def test_seats_below_the_confirmed_are_refused_with_400_and_a_message(city, course, login):
    client = login(city.admin)

    response = client.post(
        reverse("training:manage-session-capacity", args=[course.session.pk]), {"capacity": "1"}, **EN
    )

    assert response.status_code == 400
    assert "2 seats are already confirmed" in text(response)
    course.session.refresh_from_db()
    assert course.session.capacity == 2


def test_more_seats_confirm_the_first_waitlisted_at_once(city, course, login):
    client = login(city.admin)

    response = client.post(reverse("training:manage-session-capacity", args=[course.session.pk]), {"capacity": "3"})

    assert response.status_code == 302
    assert _state(course.waiting) == "confirmed"


def test_a_quota_reserves_seats_for_an_opd(city, login):
    sess = session(capacity=5)
    client = login(city.admin)

    response = client.post(
        reverse("training:manage-session-quota", args=[sess.pk]),
        {"opd": city.disdik.pk, "seats": "2", "release_on": "2026-11-15"},
    )

    assert response.status_code == 302
    quota = SessionQuota.objects.get(session=sess)
    assert (quota.opd_id, quota.seats, quota.release_on) == (city.disdik.pk, 2, dt.date(2026, 11, 15))


def test_quotas_above_the_seats_are_refused_with_400(city, login):
    sess = session(capacity=2)
    client = login(city.admin)

    response = client.post(
        reverse("training:manage-session-quota", args=[sess.pk]),
        {"opd": city.disdik.pk, "seats": "3", "release_on": "2026-11-15"},
    )

    assert response.status_code == 400
    assert not SessionQuota.objects.filter(session=sess).exists()


def test_bkpp_moves_a_session_through_close_run_and_finish(city, course, login):
    client = login(city.admin)
    url = reverse("training:manage-session-status", args=[course.session.pk])

    steps = [client.post(url, {"status": status}).status_code for status in ("closed", "running", "finished")]

    assert steps == [302, 302, 302]
    course.session.refresh_from_db()
    assert course.session.status == SessionStatus.FINISHED


def test_a_forbidden_status_change_is_refused_with_400(city, course, login):
    client = login(city.admin)

    response = client.post(reverse("training:manage-session-status", args=[course.session.pk]), {"status": "finished"})

    assert response.status_code == 400
    course.session.refresh_from_db()
    assert course.session.status == SessionStatus.OPEN


def test_cancelling_a_session_needs_a_reason_and_then_cancels_every_registration(city, course, login):
    client = login(city.admin)
    url = reverse("training:manage-session-status", args=[course.session.pk])

    without_reason = client.post(url, {"status": "cancelled"})
    with_reason = client.post(url, {"status": "cancelled", "reason": "Narasumber berhalangan."})

    assert (without_reason.status_code, with_reason.status_code) == (400, 302)
    assert {_state(r) for r in (course.a, course.b, course.waiting)} == {"cancelled"}


def test_the_schedule_saves_hours_and_topics_and_adds_a_day(city, course, login):
    s = course.session
    first, second = s.days.order_by("date")
    client = login(city.admin)

    saved = client.post(
        reverse("training:manage-session-schedule", args=[s.pk]),
        {
            "action": "save",
            f"day-{first.pk}-starts_at": "08:00",
            f"day-{first.pk}-ends_at": "16:00",
            f"day-{first.pk}-topic": "Kebijakan SKP",
            f"day-{second.pk}-topic": "Praktik",
        },
    )
    bad_day = client.post(
        reverse("training:manage-session-schedule", args=[s.pk]), {"action": "add", "date": "2026-12-09"}
    )

    assert (saved.status_code, bad_day.status_code) == (302, 400)
    first.refresh_from_db()
    assert (first.starts_at, first.ends_at, first.topic) == (dt.time(8), dt.time(16), "Kebijakan SKP")
    assert s.days.count() == 2


def test_a_day_with_attendance_cannot_be_removed_but_one_without_can(city, course, login):
    s = course.session
    first, second = s.days.order_by("date")
    services.record_attendance(first, present={course.a.pk: True}, by=None)
    client = login(city.admin)
    url = reverse("training:manage-session-schedule", args=[s.pk])

    page = client.get(url)
    response = client.post(url, {"action": "save", f"day-{first.pk}-delete": "on", f"day-{second.pk}-delete": "on"})

    assert f'name="day-{first.pk}-delete"' in page.content.decode()
    assert page.context["rows"][0][1].fields["delete"].disabled
    assert response.status_code == 302
    assert list(s.days.values_list("pk", flat=True)) == [first.pk]


def test_removing_every_day_is_refused_with_400(city, course, login):
    s = course.session
    first, second = s.days.order_by("date")
    client = login(city.admin)

    response = client.post(
        reverse("training:manage-session-schedule", args=[s.pk]),
        {"action": "save", f"day-{first.pk}-delete": "on", f"day-{second.pk}-delete": "on"},
    )

    assert response.status_code == 400
    assert s.days.count() == 2


# ---------------------------------------------------------------------------------------------
# Participants
# ---------------------------------------------------------------------------------------------


def test_the_participants_page_shows_states_opds_and_the_waiting_list_in_order(city, course, login):
    late = EmployeeFactory(unit=city.disdik, name="Yoga Pratama")
    late_registration = registered(course.session, late)
    client = login(city.admin)

    response = client.get(reverse("training:manage-participants", args=[course.session.pk]))

    assert response.status_code == 200
    assert [r.pk for r in response.context["waiting"]] == [course.waiting.pk, late_registration.pk]
    usage = {row["name"]: (row["held"], row["waiting"]) for row in response.context["quotas"]}
    assert usage == {"Dinas Kesehatan": (2, 0), "Dinas Pendidikan": (0, 2)}


def test_bkpp_confirms_an_approved_registration_when_bkpp_confirms_seats(city, login):
    sess = session(capacity=2, confirmation_mode=ConfirmationMode.BKPP)
    reg = registered(sess, city.outsider)
    client = login(city.admin)

    response = client.post(reverse("training:manage-registration-confirm", args=[reg.pk]))

    assert response.status_code == 302
    assert _state(reg) == "confirmed"


def test_confirming_a_waitlisted_registration_without_a_free_seat_is_refused_with_400(city, course, login):
    client = login(city.admin)

    response = client.post(reverse("training:manage-registration-confirm", args=[course.waiting.pk]), **EN)

    assert response.status_code == 400
    assert "No seat is free for this registration." in text(response)
    assert _state(course.waiting) == "waitlisted"


def test_bkpp_cancels_a_confirmed_seat_with_a_reason_and_the_first_waitlisted_takes_it(city, course, login):
    client = login(city.admin)
    url = reverse("training:manage-registration-cancel", args=[course.a.pk])

    without_reason = client.post(url, {"reason": ""})
    with_reason = client.post(url, {"reason": "Mutasi ke OPD lain."})

    assert (without_reason.status_code, with_reason.status_code) == (400, 302)
    assert (_state(course.a), _state(course.waiting)) == ("cancelled", "confirmed")
    assert course.a.events.filter(to_state="cancelled", reason="Mutasi ke OPD lain.", by=city.admin).exists()


# ---------------------------------------------------------------------------------------------
# Attendance
# ---------------------------------------------------------------------------------------------


def _first_day(course) -> SessionDay:
    return course.session.days.order_by("date").first()


def test_ticking_a_participant_saves_their_attendance_and_returns_their_row(city, course, login):
    day = _first_day(course)
    client = login(city.admin)
    url = reverse("training:manage-attendance-mark", args=[course.session.pk, day.pk])

    response = client.post(
        url, {"registration": course.a.pk, "present": [str(course.a.pk)]}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="att-{course.a.pk}"' in page and 'hx-swap-oob="true"' in page
    assert Attendance.objects.get(registration=course.a, day=day).is_present


def test_unticking_records_the_participant_absent(city, course, login):
    day = _first_day(course)
    services.record_attendance(day, present={course.a.pk: True}, by=None)
    client = login(city.admin)
    url = reverse("training:manage-attendance-mark", args=[course.session.pk, day.pk])

    response = client.post(url, {"registration": course.a.pk}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert not Attendance.objects.get(registration=course.a, day=day).is_present


def test_ticking_someone_without_a_seat_is_refused_with_400(city, course, login):
    day = _first_day(course)
    client = login(city.admin)
    url = reverse("training:manage-attendance-mark", args=[course.session.pk, day.pk])

    response = client.post(url, {"registration": course.waiting.pk, "present": [str(course.waiting.pk)]})

    assert response.status_code == 400
    assert not Attendance.objects.filter(registration=course.waiting).exists()


def test_all_present_marks_every_confirmed_participant_of_the_day(city, course, login):
    day = _first_day(course)
    client = login(city.admin)

    response = client.post(
        reverse("training:manage-attendance-all", args=[course.session.pk, day.pk]), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert 'id="attendance-grid"' in text(response)
    assert set(Attendance.objects.filter(day=day, is_present=True).values_list("registration_id", flat=True)) == {
        course.a.pk,
        course.b.pk,
    }


def test_the_grid_saves_as_a_plain_form_without_javascript(city, course, login):
    day = _first_day(course)
    client = login(city.admin)

    response = client.post(
        reverse("training:manage-attendance", args=[course.session.pk]),
        {"day": day.pk, "shown": [course.a.pk, course.b.pk], "present": [course.b.pk]},
    )

    assert response.status_code == 302
    marks = dict(Attendance.objects.filter(day=day).values_list("registration_id", "is_present"))
    assert marks == {course.a.pk: False, course.b.pk: True}


def test_a_day_of_another_session_is_not_found(city, course, login):
    other = session(capacity=1)
    client = login(city.admin)

    response = client.post(
        reverse("training:manage-attendance-mark", args=[course.session.pk, other.days.first().pk]),
        {"registration": course.a.pk},
    )

    assert response.status_code == 404


# ---------------------------------------------------------------------------------------------
# Results, certificates, evaluation
# ---------------------------------------------------------------------------------------------


def test_entering_results_records_each_outcome_and_issues_the_certificate_of_a_pass(city, course, login, pinned_today):
    pinned_today["value"] = RUNNING_DAY
    run_session(course.session)
    client = login(city.admin)

    response = client.post(
        reverse("training:manage-results", args=[course.session.pk]),
        {
            f"result-{course.a.pk}": "passed",
            f"score-{course.a.pk}": "86.5",
            f"notes-{course.a.pk}": "Aktif",
            f"result-{course.b.pk}": "no_show",
        },
    )

    assert response.status_code == 302
    a = Registration.objects.get(pk=course.a.pk)
    assert (a.state, a.score, a.result_notes) == ("completed", Decimal("86.50"), "Aktif")
    assert _state(course.b) == "no_show"
    assert Certificate.objects.filter(registration=course.a).exists()
    assert not Certificate.objects.filter(registration=course.b).exists()


def test_results_before_the_session_starts_are_refused_and_nothing_is_saved(city, course, login):
    client = login(city.admin)

    response = client.post(
        reverse("training:manage-results", args=[course.session.pk]),
        {f"result-{course.a.pk}": "passed", f"result-{course.b.pk}": "failed"},
        **EN,
    )

    assert response.status_code == 400
    assert "Results come after the session has started." in text(response)
    assert (_state(course.a), _state(course.b)) == ("confirmed", "confirmed")


def test_a_score_above_100_is_refused_with_400(city, course, login, pinned_today):
    pinned_today["value"] = RUNNING_DAY
    client = login(city.admin)

    response = client.post(
        reverse("training:manage-results", args=[course.session.pk]),
        {f"result-{course.a.pk}": "passed", f"score-{course.a.pk}": "101"},
    )

    assert response.status_code == 400
    assert _state(course.a) == "confirmed"


def test_bkpp_revokes_a_certificate_with_a_reason(city, course, login):
    run_session(course.session)
    services.record_result(course.a, passed=True, by=None, on=RUNNING_DAY)
    certificate = Certificate.objects.get(registration=course.a)
    client = login(city.admin)
    url = reverse("training:manage-certificate-revoke", args=[certificate.pk])

    without_reason = client.post(url, {"reason": " "})
    with_reason = client.post(url, {"reason": "Peserta terbukti tidak mengikuti pelatihan."})

    assert (without_reason.status_code, with_reason.status_code) == (400, 302)
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revoked_reason == "Peserta terbukti tidak mengikuti pelatihan."


def test_the_evaluation_summary_averages_each_rating_and_lists_comments_and_follow_ups(city, course, login):
    run_session(course.session)
    for registration, ratings, comment in (
        (course.a, (5, 4, 3, 5), "Materi sangat bermanfaat."),
        (course.b, (3, 4, 5, 4), ""),
    ):
        done = services.record_result(registration, passed=True, by=None, on=RUNNING_DAY)
        content, trainer, organisation, usefulness = ratings
        services.submit_evaluation(
            done,
            content=content,
            trainer=trainer,
            organisation=organisation,
            usefulness=usefulness,
            comment=comment,
        )
    follow_up = services.ask_follow_up(Registration.objects.get(pk=course.a.pk), on=dt.date(2027, 3, 2))
    services.answer_follow_up(follow_up, is_used=True, comment="Dipakai untuk SKP tim.", by=None)
    client = login(city.admin)

    response = client.get(reverse("training:manage-evaluation", args=[course.session.pk]))

    averages = {r["name"]: r["average"] for r in response.context["ratings"]}
    assert response.context["count"] == Evaluation.objects.count() == 2
    assert averages == {"content": 4, "trainer": 4, "organisation": 4, "usefulness": 4.5}
    assert [c["comment"] for c in response.context["comments"].object_list] == ["Materi sangat bermanfaat."]
    assert response.context["follow_up_counts"] == {"asked": 1, "answered": 1, "used": 1, "not_used": 0}
    assert FollowUp.objects.filter(registration=course.a).exists()
    page = text(response)
    assert "Dipakai untuk SKP tim." in page and "Materi sangat bermanfaat." in page


# ---------------------------------------------------------------------------------------------
# Query counts: the same whatever the number of rows
# ---------------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _crowd(city, sess, count: int) -> None:
    """`count` more registrations of the session (nominated by BKPP: straight to seats or the
    waiting list)."""
    for _index in range(count):
        employee = EmployeeFactory(unit=city.disdik)
        services.register(session=sess, employee=employee, by=city.admin, today=TODAY)


def test_the_participants_page_runs_the_same_number_of_queries_for_few_and_many(city, login):
    sess = session(capacity=4)
    client = login(city.admin)
    url = reverse("training:manage-participants", args=[sess.pk])
    _crowd(city, sess, 3)
    few = _queries(client, url)

    _crowd(city, sess, 15)
    many = _queries(client, url)

    assert few == many


def test_the_attendance_and_results_pages_run_the_same_number_of_queries_for_few_and_many(city, login):
    sess = session(capacity=40)
    client = login(city.admin)
    day = sess.days.first()
    urls = [
        reverse("training:manage-attendance", args=[sess.pk]) + f"?day={day.pk}",
        reverse("training:manage-results", args=[sess.pk]),
    ]
    _crowd(city, sess, 2)
    few = [_queries(client, url) for url in urls]

    _crowd(city, sess, 12)
    many = [_queries(client, url) for url in urls]

    assert few == many


def test_the_session_and_programme_lists_run_the_same_number_of_queries_for_few_and_many(city, login):
    client = login(city.admin)
    urls = [reverse("training:manage-sessions"), reverse("training:manage-programs")]
    session(capacity=2)
    few = [_queries(client, url) for url in urls]

    for _index in range(8):
        session(capacity=2)
    many = [_queries(client, url) for url in urls]

    assert few == many


def test_the_compliance_pages_run_the_same_number_of_queries_for_few_and_many_employees(city, login):
    client = login(city.admin)
    urls = [
        reverse("training:manage-compliance"),
        reverse("training:manage-mandatory"),
        reverse("training:manage-mandatory") + "?list=integrity",
    ]
    few = [_queries(client, url) for url in urls]

    for _index in range(20):
        EmployeeFactory(unit=city.disdik)
    assert Employee.objects.count() == 25
    many = [_queries(client, url) for url in urls]

    assert few == many
