"""The demo's training picture: `seed_demo` calls `training.demo.seed`, which plans with
`build_training` and writes the history in bulk and the present through the services. One
small city (120 employees, seeded as of AS_OF) for the whole module, inside a transaction
rolled back at the end; each test runs in a savepoint inside it. Certificate files go to a
temporary MEDIA_ROOT."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings

from asn_portal import demo
from asn_portal.models import Employee, PositionKind
from asn_portal.uploads import check_document
from training import permissions, services
from training.demo import build_training, insert_rows
from training.models import (
    Attendance,
    Certificate,
    Evaluation,
    FollowUp,
    OutsideLearning,
    OutsideStatus,
    Program,
    ProgramCategory,
    Registration,
    RegistrationEvent,
    RegistrationState,
    Session,
    SessionDay,
    SessionQuota,
    SessionStatus,
)

SIZE = 120
AS_OF = dt.date(2026, 11, 28)
SEAT_STATES = ("confirmed", "completed", "failed", "no_show")
TRAINING_MODELS = (
    Program,
    Session,
    SessionDay,
    SessionQuota,
    Registration,
    RegistrationEvent,
    Attendance,
    Certificate,
    Evaluation,
    FollowUp,
    OutsideLearning,
)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed once for the module (what the run printed is kept for the tests)."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", "--as-of", AS_OF.isoformat(), employees=SIZE, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def plan():
    return build_training(demo.build_city(demo.DEFAULT_SEED, SIZE), as_of=AS_OF)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TRAINING_MODELS}


def _active():
    return Employee.objects.filter(status="aktif")


# --- The plan alone (no database) -----------------------------------------------------------------


def test_the_same_city_and_day_plan_the_same_training():
    first = build_training(demo.build_city(seed=7, employees=300), as_of=AS_OF)
    second = build_training(demo.build_city(seed=7, employees=300), as_of=AS_OF)

    assert first == second


def test_another_seed_plans_other_training():
    first = build_training(demo.build_city(seed=7, employees=300), as_of=AS_OF)
    other = build_training(demo.build_city(seed=8, employees=300), as_of=AS_OF)

    assert first.registrations != other.registrations


@pytest.mark.parametrize("as_of", [None, demo.REFERENCE_DATE, AS_OF, dt.date(2028, 3, 1)])
def test_nothing_planned_for_the_past_lies_after_the_day_of_seeding(as_of):
    plan = build_training(demo.build_city(seed=3, employees=200), as_of=as_of)

    finished = [s for s in plan.sessions if s.status == SessionStatus.FINISHED]
    dates = [r.submitted_on for r in plan.registrations]
    dates += [d for r in plan.registrations for d in (r.decided_on, r.confirmed_on, r.certificate_on) if d]
    dates += [o.recorded_on for o in plan.outside] + [o.decided_on for o in plan.outside if o.decided_on]
    assert max(s.ends_on for s in finished) < plan.as_of
    assert max(dates) <= plan.as_of
    assert all(s.starts_on > plan.as_of for s in plan.open_sessions)
    assert all(s.registration_opens_on <= plan.as_of <= s.registration_closes_on for s in plan.open_sessions)


def test_the_catalogue_has_every_category():
    plan = build_training(demo.build_city(seed=3, employees=200), as_of=AS_OF)

    assert len(plan.programs) == 60
    assert {p.category for p in plan.programs} == set(ProgramCategory.values)


# --- The seeded database --------------------------------------------------------------------------


@pytest.mark.django_db
def test_seeding_reports_the_training_records(seeded):
    assert "Training: 60 programmes" in seeded
    assert "Demo records of training" in seeded


@pytest.mark.django_db
def test_leadership_programmes_are_closed_to_sanctioned_employees_and_mandatory_for_their_posts(seeded):
    leadership = {p.code: p for p in Program.objects.filter(category__in=ProgramCategory.leadership())}

    assert set(leadership) == {"PKP", "PKA", "PKN-II", "PKN-I"}
    assert all(p.blocked_by_sanction for p in leadership.values())
    assert leadership["PKP"].mandatory_for_position_kinds == [PositionKind.PENGAWAS]
    assert leadership["PKA"].mandatory_for_position_kinds == [PositionKind.ADMINISTRATOR]
    assert leadership["PKN-II"].mandatory_for_position_kinds == [PositionKind.JPT_PRATAMA]
    assert not Program.objects.exclude(category__in=ProgramCategory.leadership()).filter(blocked_by_sanction=True)


@pytest.mark.django_db
def test_an_anti_corruption_programme_counts_as_integrity_training(seeded):
    flagged = Program.objects.filter(is_integrity_training=True)

    assert flagged.filter(code="KRS-ANTIKORUPSI").exists()
    assert Registration.objects.filter(state="completed", session__program__in=flagged).exists()


@pytest.mark.django_db
def test_no_session_is_overbooked_and_its_count_is_its_seat_holders(seeded):
    sessions = Session.objects.annotate(
        holders=Count("registrations", filter=Q(registrations__state__in=SEAT_STATES))
    ).values_list("pk", "confirmed_count", "holders", "capacity")

    for pk, confirmed_count, holders, capacity in sessions:
        assert confirmed_count == holders <= capacity, pk


@pytest.mark.django_db
def test_nobody_holds_two_live_registrations_for_one_session(seeded):
    live = Registration.objects.filter(state__in=RegistrationState.live())

    pairs = Counter(live.values_list("session_id", "employee_id"))

    assert pairs and max(pairs.values()) == 1


@pytest.mark.django_db
def test_every_completed_registration_has_one_certificate_with_a_unique_number_and_code(seeded):
    certificates = Certificate.objects.select_related("registration__session__program")
    completed = Registration.objects.filter(state="completed")

    assert certificates.count() == completed.count() > 0
    assert len({c.number for c in certificates}) == len({c.code for c in certificates}) == certificates.count()
    for certificate in certificates:
        session = certificate.registration.session
        assert certificate.number.startswith(f"STTPP/{session.program.code}/{certificate.issued_on.year}/")
        assert certificate.jp == session.jp
        assert session.ends_on <= certificate.issued_on <= AS_OF


@pytest.mark.django_db
def test_every_registration_has_its_steps_from_submission_to_its_state(seeded):
    registrations = Registration.objects.prefetch_related("events")

    for registration in registrations:
        steps = sorted(registration.events.all(), key=lambda e: (e.at, e.pk))
        assert (steps[0].from_state, steps[0].to_state) == ("", "submitted"), registration.pk
        assert steps[-1].to_state == registration.state, registration.pk
        assert all(a.to_state == b.from_state for a, b in zip(steps, steps[1:], strict=False)), registration.pk


@pytest.mark.django_db
def test_past_participants_have_attendance_results_and_questionnaires(seeded):
    finished = Registration.objects.filter(session__status=SessionStatus.FINISHED)

    assert Attendance.objects.filter(registration__in=finished.filter(state="completed"), is_present=True).exists()
    assert not Attendance.objects.filter(registration__in=finished.filter(state="no_show"), is_present=True)
    assert finished.filter(state="completed", score__isnull=False).exists()
    assert {"completed", "failed", "no_show", "cancelled"} <= set(finished.values_list("state", flat=True))
    assert Evaluation.objects.exists()
    assert FollowUp.objects.filter(answered_at__isnull=False).exists()


@pytest.mark.django_db
def test_most_employees_have_jp_in_several_years(seeded):
    years: dict[int, set[int]] = {}
    completed = Registration.objects.filter(state="completed").values_list("employee_id", "session__ends_on__year")
    verified = OutsideLearning.objects.filter(status="verified").values_list("employee_id", "ends_on__year")
    for employee_id, year in [*completed, *verified]:
        years.setdefault(employee_id, set()).add(year)
    active = list(_active().values_list("pk", flat=True))

    several = [pk for pk in active if len(years.get(pk, ())) >= 2]

    assert len(several) > 0.6 * len(active)


@pytest.mark.django_db
def test_some_employees_are_short_of_20_jp_this_year_and_others_are_not(seeded):
    totals = list(services.with_jp(_active(), AS_OF.year).values_list("jp_total", flat=True))

    assert sum(total < 20 for total in totals) > 0.1 * len(totals)
    assert sum(total >= 20 for total in totals) > 0.3 * len(totals)


@pytest.mark.django_db
def test_an_open_session_is_full_with_a_waiting_list(seeded):
    full = Session.objects.filter(status=SessionStatus.OPEN, registrations__state="waitlisted").distinct()

    assert any(session.confirmed_count == session.capacity for session in full)


@pytest.mark.django_db
def test_an_open_session_reserves_seats_for_an_opd_until_a_coming_release_date(seeded):
    quota = SessionQuota.objects.select_related("session").get()

    assert quota.session.status == SessionStatus.OPEN
    assert AS_OF < quota.release_on < quota.session.starts_on
    assert quota.session.registrations.filter(state="waitlisted").exists()


@pytest.mark.django_db
def test_the_atasan_persona_has_registrations_to_approve(seeded):
    atasan = Employee.objects.select_related("user").get(nip=demo.PERSONA_SUPERVISOR.nip)

    inbox = Registration.objects.filter(state="submitted", employee__supervisor=atasan)

    assert inbox.count() >= 2
    assert all(permissions.can_approve_registration(atasan.user, registration) for registration in inbox)


@pytest.mark.django_db
def test_other_supervisors_have_approvals_waiting_too(seeded):
    supervisors = Registration.objects.filter(state="submitted").values("employee__supervisor").distinct()

    assert supervisors.count() >= 3


@pytest.mark.django_db
def test_the_pegawai_persona_has_jp_history_a_certificate_and_a_confirmed_seat_coming(seeded):
    persona = Employee.objects.get(nip=demo.PERSONA_EMPLOYEE.nip)

    history = services.jp_history(persona)
    upcoming = Registration.objects.filter(employee=persona, state="confirmed", session__starts_on__gt=AS_OF)

    assert len({entry.ended_on.year for entry in history}) >= 3
    assert Certificate.objects.filter(registration__employee=persona).exists()
    assert upcoming.exists()
    assert persona.outside_learning.filter(status=OutsideStatus.VERIFIED).exists()


@pytest.mark.django_db
def test_outside_certificates_are_stored_pdfs_and_some_wait_for_verification(seeded):
    records = OutsideLearning.objects.all()

    assert records.filter(status=OutsideStatus.VERIFIED).exists()
    assert records.filter(status=OutsideStatus.SUBMITTED).exists()
    assert not records.filter(status=OutsideStatus.REJECTED, reason="").exists()
    for record in records[:5]:
        with record.certificate.open("rb") as document:
            assert check_document(document) == "application/pdf"


@pytest.mark.django_db
def test_structural_officials_have_taken_up_their_post_and_a_handful_lack_their_leadership_training(seeded):
    officials = Employee.objects.filter(position__kind__in=demo.STRUCTURAL_KINDS)

    overdue = services.missing_leadership_training(Employee.objects.all(), AS_OF)

    assert not officials.filter(position_since_on__isnull=True).exists()
    assert officials.filter(position_since_on__gt=AS_OF - dt.timedelta(days=365)).exists()
    assert 1 <= overdue.count() <= 0.25 * officials.count()


@pytest.mark.django_db
def test_the_history_is_the_one_the_plan_expects(seeded, plan):
    planned = {(r.nip, r.code, r.batch, r.state) for r in plan.registrations}
    history = Registration.objects.exclude(session__status__in=(SessionStatus.OPEN, SessionStatus.DRAFT))

    stored = set(history.values_list("employee__nip", "session__program__code", "session__batch", "state"))

    assert stored == planned


@pytest.mark.django_db
def test_seeding_again_changes_no_training_records(seeded):
    before = _counts()

    out = StringIO()
    call_command("seed_demo", "--as-of", AS_OF.isoformat(), employees=SIZE, stdout=out)

    assert _counts() == before


@pytest.mark.django_db
def test_seeding_another_city_on_a_seeded_database_adds_no_training_records(seeded):
    before = _counts()

    call_command("seed_demo", "--as-of", AS_OF.isoformat(), employees=SIZE * 2, seed=99, stdout=StringIO())

    assert _counts() == before


# --- The plain insert ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_inserted_rows_take_the_defaults_of_the_fields_they_leave_out(seeded):
    session = Session.objects.filter(status=SessionStatus.FINISHED).first()

    insert_rows(SessionDay, [{"session_id": session.pk, "date": dt.date(2001, 1, 1)}])

    day = SessionDay.objects.get(session=session, date=dt.date(2001, 1, 1))
    assert (day.starts_at, day.ends_at, day.topic) == (None, None, "")


def test_inserting_a_field_the_model_lacks_is_refused():
    with pytest.raises(ValueError):
        insert_rows(SessionDay, [{"session_id": 1, "no_such_field": 1}])
