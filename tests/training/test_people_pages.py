"""The training pages of employees, supervisors and operators (issue 4, parts 1, 3, 6, 7, 8
and 10): what each page shows, what each form does, bad input refused with a message and
nothing written, and list pages whose query count does not grow with their rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from asn_portal.models import Notification, Rank
from tests.factories import EmployeeFactory
from tests.training.factories import TODAY, program, registered, session
from training import selectors, services
from training.models import (
    Evaluation,
    FollowUp,
    OutsideLearning,
    OutsideStatus,
    Registration,
    RegistrationEvent,
    SessionStatus,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"


# ---------------------------------------------------------------------------------------------
# Fixtures and builders (test_people_access.py imports them)
# ---------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def english_pages(client):
    """Pages answer in English here, so messages are asserted in the msgid's words (the
    Indonesian catalogue may not be compiled yet)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture(name="pinned_today")
def pinned_today_fixture(monkeypatch):
    """The pages' "today" (training.selectors.today), pinned; call it to move the day."""

    def pin(day: dt.date = TODAY) -> dt.date:
        monkeypatch.setattr(selectors, "today", lambda: day)
        return day

    pin(TODAY)
    return pin


@pytest.fixture(name="media")
def media_fixture(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf(name: str = "sertifikat.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def completed(employee, prog=None, *, starts_on: dt.date, ends_on: dt.date | None = None) -> Registration:
    """A passed registration of a session that ran from `starts_on` to `ends_on`."""
    ends_on = ends_on or starts_on
    sess = session(
        prog,
        approval_required=False,
        starts_on=starts_on,
        ends_on=ends_on,
        registration_opens_on=starts_on - dt.timedelta(days=30),
        registration_closes_on=starts_on,
        cancellation_deadline=starts_on,
    )
    reg = services.register(session=sess, employee=employee, by=None, today=starts_on - dt.timedelta(days=1))
    services.set_session_status(sess, SessionStatus.RUNNING, by=None, today=starts_on)
    services.record_result(reg, passed=True, by=None, on=ends_on)
    return Registration.objects.get(pk=reg.pk)


def outside(employee, *, jp: int = 6, ends_on: dt.date = dt.date(2026, 5, 1), verified: bool | None = None):
    record = services.record_outside_learning(
        employee=employee,
        title="E-learning Antikorupsi (ACLC KPK)",
        organiser="KPK",
        category="elearning",
        starts_on=ends_on - dt.timedelta(days=2),
        ends_on=ends_on,
        jp=jp,
        certificate=pdf(),
        by=None,
        today=TODAY,
    )
    if verified is not None:
        services.decide_outside_learning(record, verified=verified, by=None, reason="" if verified else "Tidak sah")
    return OutsideLearning.objects.get(pk=record.pk)


@dataclass
class Records:
    open_session: object
    draft_session: object
    submitted: Registration  # staff_a's, waiting for the supervisor
    completed: Registration  # staff_a's, passed in 2026
    follow_up: FollowUp  # asked of the supervisor about `completed`
    outside: OutsideLearning  # staff_a's, waiting for verification


def build_records(city) -> Records:
    open_session = session(program(title="Bimtek Penyusunan SKP"), capacity=5)
    draft = session(program(title="Bimtek Draf Rahasia"), opened=False)
    submitted = registered(open_session, city.staff_a)
    done = completed(
        city.staff_a, program(title="Pelatihan Pelayanan Prima", default_jp=12), starts_on=dt.date(2026, 3, 2)
    )
    question = services.ask_follow_up(done, on=TODAY)
    record = outside(city.staff_a)
    return Records(open_session, draft, submitted, done, question, record)


@pytest.fixture(name="records")
def records_fixture(city, media, pinned_today) -> Records:
    return build_records(city)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _state(registration) -> str:
    return Registration.objects.get(pk=registration.pk).state


# ---------------------------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------------------------


def test_the_catalogue_lists_open_sessions_by_programme_and_never_a_draft(city, login, records):
    client = login(city.staff_b.user)

    response = client.get(reverse("training:catalogue"))

    titles = [p.title for p in response.context["page"].object_list]
    assert titles == ["Bimtek Penyusunan SKP"]
    html = response.content.decode()
    assert "Bimtek Draf Rahasia" not in html
    assert reverse("training:session-detail", args=[records.open_session.pk]) in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "antikorupsi"}, ["Pelatihan Antikorupsi"]),
        ({"q": "LAT-7"}, ["Latsar CPNS Angkatan"]),
        ({"category": "seminar"}, ["Seminar Smart City"]),
        ({"organiser": "lan"}, ["Latsar CPNS Angkatan"]),
        ({"month": "2027-01"}, ["Seminar Smart City"]),
        ({"month": "bukan-bulan"}, ["Latsar CPNS Angkatan", "Pelatihan Antikorupsi", "Seminar Smart City"]),
    ],
)
def test_the_catalogue_searches_and_filters(city, login, pinned_today, query, expected):
    session(program(title="Pelatihan Antikorupsi", category="diklat_teknis"))
    session(program(title="Latsar CPNS Angkatan", code="LAT-7", category="latsar", organiser="lan"))
    session(
        program(title="Seminar Smart City", category="seminar"),
        starts_on=dt.date(2027, 1, 5),
        ends_on=dt.date(2027, 1, 5),
    )
    client = login(city.staff_a.user)

    response = client.get(reverse("training:catalogue"), query)

    assert [p.title for p in response.context["page"].object_list] == expected


def test_open_for_me_keeps_exactly_the_sessions_the_employee_can_register_for_today(city, login, pinned_today):
    iv_a = Rank.objects.get(code="IV/a")
    fits = session(program(title="Bimtek Arsip Digital"))
    later = session(program(title="Bimtek Pengadaan"), registration_opens_on=dt.date(2026, 11, 10))
    too_senior = session(program(title="Pelatihan Kepemimpinan Administrator", min_rank=iv_a, category="pka"))
    mine = session(program(title="Bimtek SIASN"))
    registered(mine, city.staff_a)
    client = login(city.staff_a.user)

    response = client.get(reverse("training:catalogue"), {"open": "1"})

    listed = {s.pk for p in response.context["page"].object_list for s in p.listed_sessions}
    assert listed == {fits.pk}
    for sess in (fits, later, too_senior):  # agrees with the service's own verdict
        verdict = all(c.ok for c in services.eligibility(city.staff_a, sess)) and sess.registration_open_on(TODAY)
        assert verdict == (sess.pk in listed)
    assert mine.pk not in listed


def test_the_catalogue_shows_who_may_register_and_why_not(city, login, pinned_today):
    iv_a = Rank.objects.get(code="IV/a")
    session(program(title="PKA Angkatan", min_rank=iv_a, category="pka"))
    client = login(city.staff_a.user)

    html = client.get(reverse("training:catalogue")).content.decode()

    assert "Requirements not met" in html
    assert "Golongan IV/a – IV/e; yours is III/a." in html


def _catalogue_rows(count: int, *, leadership_every: int = 5):
    for index in range(count):
        category = "pkp" if index % leadership_every == 0 else "bimtek"
        session(program(title=f"Program {index:03d}", category=category))


def test_the_catalogue_costs_the_same_queries_for_10_and_40_sessions(city, login, pinned_today):
    client = login(city.staff_a.user)
    plain = reverse("training:catalogue") + "?per_page=50"
    open_only = plain + "&open=1"
    _catalogue_rows(10)
    at_ten = (_queries(client, plain), _queries(client, open_only))
    ten_listed = client.get(plain).context["session_count"]

    _catalogue_rows(30)
    at_forty = (_queries(client, plain), _queries(client, open_only))

    assert ten_listed == 10
    assert client.get(plain).context["session_count"] == 40
    assert at_forty == at_ten


# ---------------------------------------------------------------------------------------------
# Session detail and registering
# ---------------------------------------------------------------------------------------------


def test_the_session_page_shows_schedule_seats_and_each_criterion(city, login, pinned_today):
    iv_a = Rank.objects.get(code="IV/a")
    sess = session(program(title="PKA Angkatan", min_rank=iv_a, category="pka"), capacity=30)
    client = login(city.staff_a.user)

    response = client.get(reverse("training:session-detail", args=[sess.pk]))

    html = response.content.decode()
    assert [d.date for d in response.context["days"]] == [dt.date(2026, 12, 1), dt.date(2026, 12, 2)]
    assert 'data-testid="seats-left">30<' in html
    codes = {c.code: c.ok for c in response.context["criteria"]}
    assert codes == {"rank": False, "standing": True, "overlap": True}
    assert "Golongan IV/a – IV/e; yours is III/a." in html
    assert 'data-ok="0"' in html and 'data-ok="1"' in html
    assert not response.context["eligible"]


def test_registering_waits_for_the_supervisor_and_tells_them(city, login, pinned_today):
    sess = session()
    client = login(city.staff_a.user)

    response = client.post(reverse("training:session-register", args=[sess.pk]), {"motivation": "Untuk SKP tim."})

    registration = Registration.objects.get(session=sess, employee=city.staff_a)
    assert response.status_code == 302
    assert response.url == reverse("training:registration-detail", args=[registration.pk])
    assert (registration.state, registration.motivation) == ("submitted", "Untuk SKP tim.")
    assert Notification.objects.filter(recipient=city.supervisor.user, url=reverse("training:approvals")).exists()


def _refused_registration(client, sess, day=None):
    response = client.post(reverse("training:session-register", args=[sess.pk]), {"motivation": ""})
    return response, response.content.decode()


def test_registering_outside_the_window_is_refused_and_writes_nothing(city, login, pinned_today):
    sess = session()
    pinned_today(dt.date(2026, 11, 21))
    client = login(city.staff_a.user)

    response, html = _refused_registration(client, sess)

    assert response.status_code == 400
    assert "Registration for this session is not open (window 2026-10-01 – 2026-11-20)." in html
    assert not Registration.objects.exists()


def test_registering_for_a_cancelled_session_is_refused(city, login, pinned_today):
    sess = session()
    services.set_session_status(sess, SessionStatus.CANCELLED, by=None, today=TODAY)
    client = login(city.staff_a.user)

    response, html = _refused_registration(client, sess)

    assert response.status_code == 400
    assert "This session has been cancelled." in html
    assert not Registration.objects.exists()


def test_registering_twice_is_refused_and_writes_nothing(city, login, pinned_today):
    sess = session()
    first = registered(sess, city.staff_a)
    client = login(city.staff_a.user)

    response, html = _refused_registration(client, sess)

    assert response.status_code == 400
    assert "is already registered for this session." in html
    assert list(Registration.objects.values_list("pk", flat=True)) == [first.pk]
    assert RegistrationEvent.objects.count() == 1


def test_a_registered_employee_sees_the_state_and_can_cancel_before_the_deadline(city, login, pinned_today):
    sess = session()
    registration = registered(sess, city.staff_a)
    client = login(city.staff_a.user)

    page = client.get(reverse("training:session-detail", args=[sess.pk]))
    response = client.post(
        reverse("training:registration-cancel", args=[registration.pk]),
        {"reason": "Bertugas di luar kota", "next": reverse("training:session-detail", args=[sess.pk])},
    )

    assert page.context["live"] and page.context["can_cancel"]
    assert 'data-testid="cancel-form"' in page.content.decode()
    assert response.status_code == 302 and response.url == reverse("training:session-detail", args=[sess.pk])
    assert _state(registration) == "cancelled"
    assert registration.events.get(to_state="cancelled").reason == "Bertugas di luar kota"


def test_cancelling_after_the_deadline_is_refused_with_a_message(city, login, pinned_today):
    sess = session(approval_required=False)
    registration = registered(sess, city.staff_a)
    pinned_today(dt.date(2026, 11, 26))
    client = login(city.staff_a.user)

    response = client.post(reverse("training:registration-cancel", args=[registration.pk]), {"reason": ""})

    assert response.status_code == 400
    assert "The cancellation deadline (2026-11-25) has passed; ask BKPP." in response.content.decode()
    assert _state(registration) == "confirmed"


def test_the_session_page_costs_the_same_queries_for_a_short_and_a_long_session(city, login, pinned_today):
    client = login(city.staff_a.user)
    short = session(program(category="pkp"), capacity=40)
    long = session(program(category="pkp"), capacity=40, starts_on=dt.date(2026, 12, 1), ends_on=dt.date(2026, 12, 12))
    for sess in (short, long):
        registered(sess, city.staff_a)
    for employee in EmployeeFactory.create_batch(12, unit=city.dinkes_bidang, supervisor=city.supervisor):
        registered(long, employee)

    at_short = _queries(client, reverse("training:session-detail", args=[short.pk]))
    at_long = _queries(client, reverse("training:session-detail", args=[long.pk]))

    assert at_long == at_short


# ---------------------------------------------------------------------------------------------
# My registrations and one registration
# ---------------------------------------------------------------------------------------------


def test_my_registrations_say_what_happens_next_and_offer_the_certificate(city, login, records):
    client = login(city.staff_a.user)

    response = client.get(reverse("training:my-registrations"))

    html = response.content.decode()
    rows = {r.pk: r for r in response.context["rows"]}
    assert set(rows) == {records.submitted.pk, records.completed.pk}
    assert "Waiting for your supervisor, Siti Rahmawati, to approve." in html
    assert "Passed: 12 JP are credited and your certificate is issued." in html
    assert rows[records.completed.pk].certificate_url == reverse(
        "training:certificate-pdf", args=[records.completed.pk]
    )
    assert rows[records.submitted.pk].can_cancel and not rows[records.completed.pk].can_cancel
    assert rows[records.completed.pk].can_evaluate


def test_the_registration_page_shows_who_did_what_when_and_why(city, login, records):
    services.reject(records.submitted, by=city.supervisor.user, reason="Jadwal bentrok dengan audit")
    client = login(city.staff_a.user)

    response = client.get(reverse("training:registration-detail", args=[records.submitted.pk]))

    html = response.content.decode()
    assert [(e.from_state, e.to_state) for e in response.context["events"]] == [
        ("", "submitted"),
        ("submitted", "rejected"),
    ]
    assert "Jadwal bentrok dengan audit" in html
    assert city.supervisor.full_name in html
    assert "Not approved." in html


def test_my_registrations_cost_the_same_queries_for_3_and_15_rows(city, login, pinned_today, media):
    client = login(city.staff_a.user)
    url = reverse("training:my-registrations")

    def add(count):
        for _index in range(count):
            registered(session(program()), city.staff_a)
        completed(city.staff_a, program(), starts_on=dt.date(2026, 2, 2) + dt.timedelta(days=count))
        services.reject(registered(session(program()), city.staff_a), by=None, reason="Tidak sesuai tugas")

    add(1)
    at_three = _queries(client, url)
    add(10)
    at_fifteen = _queries(client, url)

    assert Registration.objects.filter(employee=city.staff_a).count() == 15
    assert at_fifteen == at_three


# ---------------------------------------------------------------------------------------------
# Supervisor: approvals, team JP, follow-up
# ---------------------------------------------------------------------------------------------


def test_the_supervisor_approves_and_the_seat_is_allocated(city, login, records):
    client = login(city.supervisor.user)

    response = client.post(reverse("training:registration-approve", args=[records.submitted.pk]))

    assert response.status_code == 302
    assert _state(records.submitted) == "confirmed"


def test_a_rejection_needs_a_reason_and_without_one_nothing_changes(city, login, records):
    client = login(city.supervisor.user)
    url = reverse("training:registration-reject", args=[records.submitted.pk])
    field = f"r{records.submitted.pk}-reason"

    refused = client.post(url, {field: "  "})
    accepted = client.post(url, {field: "Belum prioritas tahun ini"})

    assert refused.status_code == 400
    assert "Give the reason for the rejection." in refused.content.decode()
    assert accepted.status_code == 302
    assert _state(records.submitted) == "rejected"
    assert records.submitted.events.get(to_state="rejected").reason == "Belum prioritas tahun ini"


def test_bulk_approve_moves_exactly_the_checked_registrations(city, login, pinned_today):
    staff_c = EmployeeFactory(unit=city.dinkes_bidang, supervisor=city.supervisor)
    sess = session(capacity=10)
    regs = [registered(sess, e) for e in (city.staff_a, city.staff_b, staff_c)]
    client = login(city.supervisor.user)

    response = client.post(
        reverse("training:approvals-bulk"), {"registrations": [regs[0].pk, regs[2].pk], "decision": "approve"}
    )

    assert response.status_code == 302
    assert [_state(r) for r in regs] == ["confirmed", "submitted", "confirmed"]


def test_bulk_reject_needs_a_reason_and_then_rejects_the_checked(city, login, pinned_today):
    sess = session(capacity=10)
    regs = [registered(sess, e) for e in (city.staff_a, city.staff_b)]
    client = login(city.supervisor.user)
    url = reverse("training:approvals-bulk")

    refused = client.post(url, {"registrations": [r.pk for r in regs], "decision": "reject", "reason": ""})
    accepted = client.post(url, {"registrations": [regs[1].pk], "decision": "reject", "reason": "Kuota habis"})

    assert refused.status_code == 400
    assert "Give the reason for the rejection." in refused.content.decode()
    assert accepted.status_code == 302
    assert [_state(r) for r in regs] == ["submitted", "rejected"]


def test_bulk_decisions_are_all_or_nothing_when_one_ticked_is_not_waiting(city, login, pinned_today):
    sess = session(capacity=10)
    waiting = registered(sess, city.staff_a)
    decided = registered(sess, city.staff_b)
    services.reject(decided, by=city.supervisor.user, reason="Sudah ditolak")
    stranger = registered(session(), EmployeeFactory(unit=city.dinkes, supervisor=city.operator))
    client = login(city.supervisor.user)

    response = client.post(
        reverse("training:approvals-bulk"),
        {"registrations": [waiting.pk, decided.pk, stranger.pk], "decision": "approve"},
    )

    assert response.status_code == 400
    assert "no longer wait for your approval" in response.content.decode()
    assert (_state(waiting), _state(decided), _state(stranger)) == ("submitted", "rejected", "submitted")


def test_the_inbox_lists_only_the_direct_subordinates_waiting(city, login, pinned_today):
    sess = session(capacity=10)
    mine = [registered(sess, e) for e in (city.staff_a, city.staff_b)]
    services.approve(mine[1], by=city.supervisor.user, today=TODAY)
    registered(sess, city.outsider)
    registered(sess, city.operator)
    client = login(city.supervisor.user)

    response = client.get(reverse("training:approvals"))

    assert [r.pk for r in response.context["inbox"]] == [mine[0].pk]


def test_the_team_jp_shows_each_subordinate_against_the_target(city, login, records):
    completed(city.staff_b, program(default_jp=24), starts_on=dt.date(2026, 6, 1))
    services.decide_outside_learning(records.outside, verified=True, by=city.admin)
    client = login(city.supervisor.user)

    response = client.get(reverse("training:approvals"))

    team = {m.pk: (m.jp_total, m.jp_target, m.jp_percent) for m in response.context["team"]}
    assert team == {city.staff_a.pk: (18, 20, 90), city.staff_b.pk: (24, 20, 100)}
    assert response.context["team_below"] == 1


def test_the_inbox_costs_the_same_queries_for_3_and_12_registrations(city, login, pinned_today):
    client = login(city.supervisor.user)
    url = reverse("training:approvals")
    team = EmployeeFactory.create_batch(12, unit=city.dinkes_bidang, supervisor=city.supervisor)
    for employee in team[:3]:
        registered(session(program()), employee)
    at_three = _queries(client, url)
    for employee in team[3:]:
        registered(session(program()), employee)
    at_twelve = _queries(client, url)

    assert len(client.get(url).context["inbox"]) == 12
    assert at_twelve == at_three


def test_a_large_team_is_shown_a_page_at_a_time_and_counted_below_target_in_full(city, login, pinned_today):
    """A head of a large unit may have hundreds of direct subordinates (the demo city of 100,000
    has 227 under one head): the team's JP comes 25 at a time, the count covers everyone."""
    from training.views.people import TEAM_PAGE_SIZE

    EmployeeFactory.create_batch(TEAM_PAGE_SIZE + 3, unit=city.dinkes_bidang, supervisor=city.supervisor)
    everyone = TEAM_PAGE_SIZE + 3 + 2  # and staff_a, staff_b
    client = login(city.supervisor.user)
    url = reverse("training:approvals")

    first = client.get(url)
    second = client.get(url, {"team_page": 2})

    assert len(first.context["team"]) == TEAM_PAGE_SIZE
    assert len(second.context["team"]) == everyone - TEAM_PAGE_SIZE
    shown = {m.pk for m in first.context["team"]} | {m.pk for m in second.context["team"]}
    assert len(shown) == everyone
    assert first.context["team_below"] == second.context["team_below"] == everyone  # nobody has JP yet
    assert 'href="?team_page=2#team-title" rel="next"' in first.content.decode()


def test_only_the_oldest_open_follow_ups_are_listed_with_the_full_count(city, login, pinned_today):
    from training.views.people import FOLLOW_UPS_SHOWN

    team = EmployeeFactory.create_batch(FOLLOW_UPS_SHOWN + 2, unit=city.dinkes_bidang, supervisor=city.supervisor)
    asked = []
    for number, employee in enumerate(team):
        done = completed(employee, program(), starts_on=dt.date(2026, 1, 5))
        asked.append(services.ask_follow_up(done, on=TODAY - dt.timedelta(days=len(team) - number)))
    client = login(city.supervisor.user)

    response = client.get(reverse("training:approvals"))

    assert [q.pk for q in response.context["follow_ups"]] == [q.pk for q in asked[:FOLLOW_UPS_SHOWN]]
    assert response.context["follow_up_count"] == FOLLOW_UPS_SHOWN + 2
    html = response.content.decode()
    assert 'data-testid="follow-up-count">22<' in html
    assert 'data-testid="follow-ups-more"' in html


def test_the_supervisor_answers_the_follow_up_once(city, login, records):
    client = login(city.supervisor.user)
    url = reverse("training:follow-up", args=[records.follow_up.pk])

    answered = client.post(url, {"is_used": "yes", "comment": "Dipakai untuk menyusun SOP pelayanan."})
    again = client.post(url, {"is_used": "no", "comment": ""})

    records.follow_up.refresh_from_db()
    assert answered.status_code == 302
    assert again.status_code == 400
    assert (records.follow_up.is_used, records.follow_up.comment) == (True, "Dipakai untuk menyusun SOP pelayanan.")


# ---------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------


def test_the_participant_answers_the_questionnaire_once(city, login, records):
    client = login(city.staff_a.user)
    url = reverse("training:registration-evaluation", args=[records.completed.pk])
    answers = {"content": "5", "trainer": "4", "organisation": "3", "usefulness": "5", "comment": "Materi relevan."}

    first = client.post(url, answers)
    second = client.post(url, answers)

    assert first.status_code == 302
    assert second.status_code == 400
    assert "You have already answered the questionnaire for this session." in second.content.decode()
    evaluation = Evaluation.objects.get()
    assert (evaluation.content, evaluation.trainer, evaluation.organisation, evaluation.usefulness) == (5, 4, 3, 5)


@pytest.mark.parametrize("answers", [{"content": "6"}, {"content": "0"}, {}])
def test_a_questionnaire_with_a_rating_out_of_range_is_refused(city, login, records, answers):
    client = login(city.staff_a.user)
    data = {"content": "4", "trainer": "4", "organisation": "4", "usefulness": "4", **answers}
    if not answers:
        data.pop("trainer")

    response = client.post(reverse("training:registration-evaluation", args=[records.completed.pk]), data)

    assert response.status_code == 400
    assert not Evaluation.objects.exists()


def test_the_questionnaire_opens_only_after_the_result(city, login, records):
    client = login(city.staff_a.user)
    url = reverse("training:registration-evaluation", args=[records.submitted.pk])

    page = client.get(url)
    response = client.post(url, {"content": "4", "trainer": "4", "organisation": "4", "usefulness": "4"})

    assert page.status_code == 200 and not page.context["open"]
    assert response.status_code == 400
    assert not Evaluation.objects.exists()


# ---------------------------------------------------------------------------------------------
# JP saya and outside learning
# ---------------------------------------------------------------------------------------------


def test_the_jp_page_counts_each_training_in_the_year_it_ended(city, login, pinned_today, media):
    completed(city.staff_a, program(default_jp=30), starts_on=dt.date(2025, 12, 29), ends_on=dt.date(2026, 1, 2))
    completed(city.staff_a, program(default_jp=8), starts_on=dt.date(2025, 6, 2))
    outside(city.staff_a, jp=5, ends_on=dt.date(2025, 12, 31), verified=True)
    outside(city.staff_a, jp=7, ends_on=dt.date(2026, 1, 1), verified=None)  # not verified: not counted
    client = login(city.staff_a.user)

    response = client.get(reverse("training:my-jp"))

    years = {row.year: row.jp for row in response.context["years"]}
    assert years == {2026: 30, 2025: 13, 2024: 0, 2023: 0, 2022: 0}
    assert years[2026] == services.jp_total(city.staff_a, 2026)
    assert years[2025] == services.jp_total(city.staff_a, 2025)
    assert response.context["this_year"].reached
    assert 'data-testid="jp-total">30<' in response.content.decode()


def test_the_jp_page_lists_history_certificates_and_outside_records(city, login, records):
    rejected = outside(city.staff_a, jp=3, verified=False)
    client = login(city.staff_a.user)

    response = client.get(reverse("training:my-jp"))

    assert [entry.title for entry, _url in response.context["history"]] == ["Pelatihan Pelayanan Prima"]
    assert [c.registration_id for c in response.context["certificates"]] == [records.completed.pk]
    assert [r.pk for r in response.context["outside"]] == [rejected.pk, records.outside.pk]
    assert "Tidak sah" in response.content.decode()


def _outside_form(**overrides):
    data = {
        "title": "Seminar Nasional Kesehatan Masyarakat",
        "organiser": "IAKMI",
        "category": "seminar",
        "starts_on": "2026-10-06",
        "ends_on": "2026-10-07",
        "jp": "8",
        "certificate": pdf(),
    }
    data.update(overrides)
    return data


def test_recording_outside_learning_waits_for_verification(city, login, pinned_today, media):
    client = login(city.staff_a.user)

    response = client.post(reverse("training:my-jp"), _outside_form())

    record = OutsideLearning.objects.get()
    assert response.status_code == 302
    assert (record.employee_id, record.opd_id, record.status, record.jp) == (
        city.staff_a.pk,
        city.dinkes.pk,
        OutsideStatus.SUBMITTED,
        8,
    )
    assert record.certificate_type == "application/pdf"
    assert services.jp_total(city.staff_a, 2026) == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"certificate": SimpleUploadedFile("sertifikat.pdf", b"<html>bukan sertifikat</html>")},
            "Only PDF, JPEG and PNG files are accepted",
        ),
        ({"jp": "0"}, "JP must be a whole number above zero."),
        ({"jp": "-3"}, "JP must be a whole number above zero."),
        ({"ends_on": "2026-10-01"}, "The last day cannot be before the first day."),
        ({"ends_on": "2026-11-30", "starts_on": "2026-11-29"}, "Record training once it has ended."),
    ],
)
def test_bad_outside_learning_is_refused_with_a_message_and_nothing_is_written(
    city, login, pinned_today, media, overrides, message
):
    client = login(city.staff_a.user)

    response = client.post(reverse("training:my-jp"), _outside_form(**overrides))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not OutsideLearning.objects.exists()


def test_the_operator_verifies_outside_learning_and_its_jp_count(city, login, records):
    client = login(city.operator.user)

    queue = client.get(reverse("training:outside-queue"))
    response = client.post(reverse("training:outside-decide", args=[records.outside.pk]), {"decision": "verify"})

    assert [r.pk for r in queue.context["page"].object_list] == [records.outside.pk]
    assert response.status_code == 302
    records.outside.refresh_from_db()
    assert (records.outside.status, records.outside.decided_by) == (OutsideStatus.VERIFIED, city.operator.user)
    assert services.jp_total(city.staff_a, 2026) == 12 + 6


def test_rejecting_outside_learning_needs_a_reason(city, login, records):
    client = login(city.admin)
    url = reverse("training:outside-decide", args=[records.outside.pk])

    refused = client.post(url, {"decision": "reject", "reason": ""})
    accepted = client.post(url, {"decision": "reject", "reason": "Nama pada sertifikat berbeda"})

    assert refused.status_code == 400
    assert "Give the reason for the rejection." in refused.content.decode()
    assert accepted.status_code == 302
    records.outside.refresh_from_db()
    assert (records.outside.status, records.outside.reason) == ("rejected", "Nama pada sertifikat berbeda")


def test_nobody_verifies_their_own_outside_learning(city, login, records):
    own = outside(city.operator)
    client = login(city.operator.user)

    queue = client.get(reverse("training:outside-queue"))
    response = client.post(reverse("training:outside-decide", args=[own.pk]), {"decision": "verify"})

    assert own.pk not in [r.pk for r in queue.context["page"].object_list]
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.status == OutsideStatus.SUBMITTED


def test_the_certificate_is_served_as_an_attachment_to_those_who_may_see_it(city, login, records):
    client = login(city.operator.user)

    response = client.get(reverse("training:outside-certificate", args=[records.outside.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


# ---------------------------------------------------------------------------------------------
# Operator OPD
# ---------------------------------------------------------------------------------------------


def test_the_operator_nominates_an_employee_of_their_opd(city, login, pinned_today):
    sess = session(capacity=5)
    client = login(city.operator.user)

    response = client.post(
        reverse("training:opd-nominate"),
        {"nip": city.staff_b.formatted_nip, "session": sess.pk, "motivation": "Penugasan kepala dinas"},
    )

    registration = Registration.objects.get()
    assert response.status_code == 302
    assert (registration.employee, registration.state, registration.nominated_by) == (
        city.staff_b,
        "confirmed",
        city.operator.user,
    )
    assert Notification.objects.filter(recipient=city.staff_b.user, title__icontains="Bimtek").exists()


def test_the_operator_cannot_nominate_an_employee_of_another_opd(city, login, pinned_today):
    sess = session(capacity=5)
    client = login(city.operator.user)

    response = client.post(reverse("training:opd-nominate"), {"nip": city.outsider.nip, "session": sess.pk})

    assert response.status_code == 400
    assert "You can nominate only employees of the OPD you manage." in response.content.decode()
    assert not Registration.objects.exists()


def test_the_opd_page_lists_only_its_own_registrations_for_current_sessions(city, login, pinned_today, media):
    sess = session(capacity=10)
    own = [registered(sess, e) for e in (city.staff_a, city.staff_b)]
    registered(sess, city.outsider)
    past = completed(city.staff_a, program(), starts_on=dt.date(2026, 3, 2))  # still "running", but over
    finished = completed(city.staff_b, program(), starts_on=dt.date(2026, 2, 2))
    services.set_session_status(finished.session, SessionStatus.FINISHED, by=None, today=TODAY)
    client = login(city.operator.user)

    response = client.get(reverse("training:opd"))
    filtered = client.get(reverse("training:opd"), {"state": "submitted"})

    listed = {r.pk for r in response.context["page"].object_list}
    assert {r.pk for r in own} <= listed
    assert finished.pk not in listed and past.pk not in listed
    assert all(r.opd_id == city.dinkes.pk for r in response.context["page"].object_list)
    assert {r.pk for r in filtered.context["page"].object_list} == {r.pk for r in own}


def test_the_opd_jp_page_lists_only_employees_below_target(city, login, pinned_today, media):
    completed(city.staff_a, program(default_jp=20), starts_on=dt.date(2026, 4, 6))
    completed(city.staff_b, program(default_jp=8), starts_on=dt.date(2026, 4, 7))
    client = login(city.operator.user)

    response = client.get(reverse("training:opd-jp"))

    below = [(e.pk, e.jp_total) for e in response.context["page"].object_list]
    # Lowest first, then by name: Agus Operator, Siti Rahmawati, then Dewi Lestari with 8 JP.
    assert below == [(city.operator.pk, 0), (city.supervisor.pk, 0), (city.staff_b.pk, 8)]
    assert response.context["summary"] == {"total": 4, "reached": 1, "percent": 25}


# ---------------------------------------------------------------------------------------------
# Profile tab, dashboard and menu
# ---------------------------------------------------------------------------------------------


def test_the_profile_tab_shows_the_jp_of_this_year_and_the_history(city, login, records):
    client = login(city.supervisor.user)

    response = client.get(reverse("portal:employee-detail", args=[city.staff_a.pk]), {"tab": "diklat"})

    tab_object, tab = next((t, context) for t, context in response.context["tabs"] if t.slug == "diklat")
    assert tab_object.template == "training/people/_profile_tab.html"
    assert tab["this_year"].jp == 12
    assert [e.title for e in tab["history"]] == ["Pelatihan Pelayanan Prima"]
    assert [r.pk for r in tab["upcoming"]] == [records.submitted.pk]
    assert 'data-testid="tab-jp-total">12<' in response.content.decode()


def test_the_dashboard_shows_my_jp_and_the_supervisor_s_waiting_approvals(city, login, records):
    employee = login(city.staff_a.user).get(reverse("portal:dashboard")).content.decode()
    supervisor = login(city.supervisor.user).get(reverse("portal:dashboard")).content.decode()
    operator = login(city.operator.user).get(reverse("portal:dashboard")).content.decode()

    assert 'data-testid="card-jp">12 ' in employee
    assert 'data-testid="training-approvals-card"' not in employee
    assert 'data-testid="card-approvals">1<' in supervisor
    assert 'data-testid="card-outside">1<' in operator


def test_the_menu_shows_training_to_everyone_and_approvals_to_supervisors(city, login, records):
    staff = login(city.staff_a.user).get(reverse("training:catalogue")).content.decode()
    supervisor = login(city.supervisor.user).get(reverse("training:catalogue")).content.decode()
    operator = login(city.operator.user).get(reverse("training:catalogue")).content.decode()

    assert 'data-testid="nav-training"' in staff and 'data-testid="nav-training-approvals"' not in staff
    assert 'data-testid="nav-training-approvals"' in supervisor
    assert 'data-testid="nav-training-opd"' in operator and 'data-testid="nav-training-opd"' not in supervisor
