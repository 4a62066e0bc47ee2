"""The demo's study-leave records: `seed_demo` calls `careers.demo.seed`, which ends with
`careers.study_demo.seed` walking applications and studies through the services. One small city
(300 employees, seeded as of AS_OF) for the whole module, inside a transaction rolled back at
the end; each test runs in a savepoint inside it. The uploaded documents go to a temporary
MEDIA_ROOT."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from asn_portal import demo
from asn_portal.models import Employee, EmployeeStatus, Notification, User
from careers import study, study_demo
from careers import study_rules as rules
from careers.models import (
    EducationHistory,
    ExtensionState,
    PositionHistory,
    StudyDocument,
    StudyEvent,
    StudyExtension,
    StudyKind,
    StudyLeave,
    StudyReport,
    StudyState,
)
from careers.permissions import studies_visible_to

SIZE = 300
AS_OF = dt.date(2026, 11, 28)
S = StudyState
TB, IB = StudyKind.TUGAS_BELAJAR, StudyKind.IZIN_BELAJAR
STUDY_MODELS = (StudyLeave, StudyEvent, StudyDocument, StudyReport, StudyExtension)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed once for the module (what the run printed is kept for the tests)."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", "--as-of", AS_OF.isoformat(), employees=SIZE, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in STUDY_MODELS}


def _leaves(**filters):
    return StudyLeave.objects.filter(**filters).select_related("employee", "level", "released_position")


def _events(leave: StudyLeave) -> list[StudyEvent]:
    return list(leave.events.order_by("at", "id"))


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


# --- Dates (no database) ----------------------------------------------------------------------


def test_intakes_are_the_first_of_february_and_september():
    assert study_demo.intake_before(dt.date(2026, 11, 28)) == dt.date(2026, 9, 1)
    assert study_demo.intake_before(dt.date(2026, 9, 1)) == dt.date(2026, 9, 1)
    assert study_demo.intake_before(dt.date(2026, 8, 31)) == dt.date(2026, 2, 1)
    assert study_demo.intake_after(dt.date(2026, 11, 28)) == dt.date(2027, 2, 1)
    assert study_demo.intake_after(dt.date(2027, 2, 2)) == dt.date(2027, 9, 1)
    assert study_demo.intakes(dt.date(2026, 3, 1))[:3] == [
        dt.date(2026, 2, 1),
        dt.date(2025, 9, 1),
        dt.date(2025, 2, 1),
    ]


# --- The seeded records -----------------------------------------------------------------------


@pytest.mark.django_db
def test_seeding_reports_the_study_leave_records(seeded):
    assert "Careers: study leave: " in seeded


@pytest.mark.django_db
def test_applications_and_studies_stand_at_every_state(seeded):
    states = Counter(StudyLeave.objects.values_list("state", flat=True))

    for state in S.values:
        assert states[state] >= 1, (state, states)
    kinds = Counter(StudyLeave.objects.filter(state=S.ONGOING).values_list("kind", flat=True))
    assert kinds[TB] >= 3 and kinds[IB] >= 3, kinds


@pytest.mark.django_db
def test_every_application_went_through_the_services_from_created_on(seeded):
    for leave in StudyLeave.objects.prefetch_related("events"):
        events = _events(leave)
        assert events[0].action == "created", leave.pk
        assert (events[0].from_state, events[0].to_state) == ("", S.DRAFT), leave.pk
        assert events[-1].to_state == leave.state, leave.pk
        assert all(event.to_state == later.from_state for event, later in zip(events, events[1:], strict=False))
        assert leave.created_at == events[0].at, leave.pk
        assert all(_day(event.at) <= AS_OF for event in events), leave.pk


@pytest.mark.django_db
def test_the_steps_are_dated_when_they_happened(seeded):
    for leave in _leaves(state__in=(S.APPROVED, S.ONGOING, S.COMPLETED, S.TERMINATED)):
        by_action = {event.action: _day(event.at) for event in _events(leave)}
        assert by_action["approved"] == leave.decree_on <= AS_OF, leave.pk
        if leave.state != S.APPROVED:
            assert by_action["started"] == leave.started_on == leave.starts_on, leave.pk
            assert by_action["approved"] < leave.starts_on, leave.pk
        if leave.state == S.COMPLETED:
            assert by_action["completed"] == leave.returned_on >= leave.finished_on, leave.pk
        if leave.state == S.TERMINATED:
            assert by_action["terminated"] == leave.finished_on == leave.returned_on, leave.pk
    for leave in _leaves(state=S.APPROVED):
        assert leave.starts_on > AS_OF
    for leave in _leaves(state__in=S.in_review()):
        assert leave.starts_on > AS_OF and leave.eligibility["eligible"]


@pytest.mark.django_db
def test_documents_are_pdfs_stored_under_media_root(seeded):
    documents = list(StudyDocument.objects.select_related("leave"))

    assert documents
    for document in documents[:20]:
        with document.file.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"
        assert document.content_type == "application/pdf"
        assert _day(document.uploaded_at) == _day(document.leave.created_at)
    # Beyond the draft, the dossier is complete, except where the supervisor returned it for
    # the missing acceptance letter.
    for leave in _leaves(state__in=(S.RECOMMENDED, S.CHECKED, S.APPROVED, S.ONGOING, S.COMPLETED, S.TERMINATED)):
        assert study.missing_documents(leave) == [], leave.pk
    returned = _leaves(state=S.RETURNED)
    assert any(study.missing_documents(leave) == ["acceptance"] for leave in returned)


@pytest.mark.django_db
def test_employees_on_tugas_belajar_are_released_from_their_post(seeded):
    ongoing = list(_leaves(state=S.ONGOING, kind=TB))

    assert len(ongoing) >= 3
    for leave in ongoing:
        employee = leave.employee
        assert employee.status == EmployeeStatus.TUGAS_BELAJAR, employee.nip
        assert employee.position_id is None and employee.position_since_on is None, employee.nip
        assert leave.released_position is not None, employee.nip
        last = PositionHistory.objects.filter(employee=employee).order_by("-tmt_on").first()
        assert last.position_id == leave.released_position_id and last.tmt_on < leave.started_on, employee.nip
    for leave in _leaves(state=S.ONGOING, kind=IB):
        assert leave.employee.status == EmployeeStatus.AKTIF, leave.employee.nip
    # Everyone away on tugas belajar has the study that put them there (the roster and the
    # directory's status agree).
    away = set(Employee.objects.filter(status=EmployeeStatus.TUGAS_BELAJAR).values_list("pk", flat=True))
    assert away == {leave.employee_id for leave in ongoing}


@pytest.mark.django_db
def test_semester_reports_follow_the_schedule_and_some_are_overdue(seeded):
    reports = list(StudyReport.objects.select_related("leave"))
    assert reports
    for report in reports:
        leave = report.leave
        policy = rules.policy_on(leave.starts_on)
        assert report.due_on == rules.report_due_on(leave, policy, report.semester)
        submitted = _day(report.submitted_at)
        assert rules.semester_start(leave, policy, report.semester + 1) <= submitted <= AS_OF, report.pk
        with report.transcript.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"
    assert any(report.submitted_late for report in reports)
    assert any(not report.submitted_late for report in reports)

    ongoing = _leaves(state=S.ONGOING)
    overdue = ongoing.filter(next_report_due_on__lt=AS_OF)
    assert overdue.exists()
    assert ongoing.filter(next_report_due_on__gte=AS_OF).exists()
    for leave in ongoing:
        reported = set(leave.reports.values_list("semester", flat=True))
        expected = rules.next_report_due(leave, rules.policy_on(leave.starts_on), reported)
        assert leave.next_report_due_on == expected[1], leave.pk


@pytest.mark.django_db
def test_an_extension_waits_for_bkpp_and_one_study_was_converted_by_the_second(seeded):
    pending = StudyExtension.objects.filter(state=ExtensionState.REQUESTED).select_related("leave")
    assert pending.count() >= 1
    assert all(extension.leave.state == S.ONGOING for extension in pending)

    converted = list(_leaves(state=S.ONGOING, converted_on__isnull=False))
    assert len(converted) == 1
    leave = converted[0]
    assert leave.kind == IB and leave.extensions == 2 and leave.ends_on > AS_OF
    assert leave.extension_requests.filter(state=ExtensionState.APPROVED).count() == 2
    assert leave.employee.status == EmployeeStatus.AKTIF
    assert leave.employee.position_id == leave.released_position_id
    assert leave.employee.position_since_on == leave.converted_on
    assert [event.action for event in _events(leave)].count("converted") == 1


@pytest.mark.django_db
def test_completed_studies_record_the_diploma_and_start_the_service_bond(seeded):
    completed = list(_leaves(state=S.COMPLETED))

    assert completed
    for leave in completed:
        diploma = EducationHistory.objects.get(pk=leave.diploma_id)
        assert (diploma.employee_id, diploma.level_id, diploma.path) == (leave.employee_id, leave.level_id, leave.kind)
        assert diploma.graduated_on == leave.finished_on
        assert leave.employee.education.order >= leave.level.order
        if leave.kind == TB:
            months = study.tugas_months(leave, leave.finished_on)
            assert leave.bond_years == rules.bond_years(rules.policy_on(leave.starts_on), months)
            assert leave.bond_ends_on == rules.bond_end(leave.returned_on, leave.bond_years)
        else:
            assert leave.bond_ends_on is None
    running = [leave for leave in completed if leave.bond_ends_on and leave.bond_ends_on > AS_OF]
    assert len([leave for leave in running if leave.bond_broken_on is None]) >= 2
    assert any(leave.bond_ends_on and leave.bond_ends_on <= AS_OF for leave in completed)  # a bond that ended
    assert any(leave.kind == IB for leave in completed)


@pytest.mark.django_db
def test_those_back_at_work_hold_their_post_again(seeded):
    back = _leaves(state__in=(S.COMPLETED, S.TERMINATED), released_position__isnull=False)

    assert back.exists()
    for leave in back:
        employee = leave.employee
        if employee.status not in EmployeeStatus.in_service():
            continue  # the one who left during the bond
        assert employee.status == EmployeeStatus.AKTIF
        assert employee.position_id == leave.released_position_id, employee.nip
        assert employee.position_since_on == leave.returned_on, employee.nip


@pytest.mark.django_db
def test_a_terminated_study_failed(seeded):
    leave = _leaves(state=S.TERMINATED).get()

    assert leave.termination_reason == "failed" and leave.finished_on < AS_OF
    assert all(report.gpa < 3 for report in leave.reports.all())
    assert leave.diploma_id is None and leave.bond_ends_on is None


@pytest.mark.django_db
def test_an_exit_during_the_bond_is_flagged_to_bkpp(seeded):
    leave = _leaves(bond_broken_on__isnull=False).get()

    assert leave.employee.status not in EmployeeStatus.in_service()
    assert leave.bond_ends_on > AS_OF and leave.bond_broken_on <= AS_OF
    assert leave.bond_remaining_months == rules.remaining_months(leave.bond_broken_on, leave.bond_ends_on) > 0
    assert [event.action for event in _events(leave)][-1] == "bond_broken"
    admin = User.objects.get(username="admin.bkpp")
    told = Notification.objects.filter(recipient=admin, url=reverse("careers:study-detail", args=[leave.pk]))
    assert leave.bond_broken_on in {_day(notification.created_at) for notification in told}
    # Nothing left to flag.
    assert study.flag_bond_exits(AS_OF) == 0


@pytest.mark.django_db
def test_notifications_are_dated_back_with_their_steps(seeded):
    notifications = list(Notification.objects.filter(url__regex=r"/study/[0-9]+/$"))
    state = dict(StudyLeave.objects.values_list("pk", "state"))
    moved_on = (S.DRAFT, S.APPROVED, S.COMPLETED, S.TERMINATED, S.REJECTED, S.WITHDRAWN)

    assert notifications
    assert all(_day(notification.created_at) <= AS_OF for notification in notifications)
    old = [n for n in notifications if _day(n.created_at) < AS_OF - dt.timedelta(days=7)]
    assert old and all(n.read_at for n in old if state[int(n.url.rstrip("/").rsplit("/", 1)[1])] in moved_on)


@pytest.mark.django_db
def test_whoever_must_act_has_an_unread_notification(seeded):
    unread = Notification.objects.filter(url__regex=r"/study/[0-9]+/$", read_at__isnull=True)

    for nip in (demo.PERSONA_SUPERVISOR.nip, demo.PERSONA_OPERATOR.nip):  # to recommend, to check
        assert unread.filter(recipient__employee__nip=nip).exists(), nip
    assert unread.filter(recipient__username="admin.bkpp").exists()  # to decide


# --- Who sees what ------------------------------------------------------------------------------


def _user_of(nip: str) -> User:
    return User.objects.get(employee__nip=nip)


@pytest.mark.django_db
def test_the_pegawai_persona_has_applied_for_tugas_belajar(seeded):
    user = _user_of(demo.PERSONA_EMPLOYEE.nip)
    own = studies_visible_to(user).filter(employee__nip=demo.PERSONA_EMPLOYEE.nip)

    leave = own.get()
    assert (leave.kind, leave.level.code, leave.state) == (TB, "S2", S.SUBMITTED)
    assert leave.institution == "Universitas Diponegoro"


@pytest.mark.django_db
def test_the_atasan_persona_has_an_application_to_recommend(seeded):
    user = _user_of(demo.PERSONA_SUPERVISOR.nip)
    visible = studies_visible_to(user)

    waiting = visible.filter(state=S.SUBMITTED, employee__supervisor__nip=demo.PERSONA_SUPERVISOR.nip)
    assert waiting.exists()
    assert not visible.filter(state=S.DRAFT).exists()


@pytest.mark.django_db
def test_the_operator_persona_has_an_application_to_check(seeded):
    user = _user_of(demo.PERSONA_OPERATOR.nip)
    visible = studies_visible_to(user)
    opd_id = user.employee.opd_id

    assert visible.filter(state=S.RECOMMENDED, opd_id=opd_id).exists()
    assert visible.filter(state=S.CHECKED, opd_id=opd_id).exists()  # one she checked
    assert not visible.exclude(opd_id=opd_id).exclude(employee__supervisor__user=user).exists()


@pytest.mark.django_db
def test_admin_bkpp_has_applications_and_an_extension_to_decide(seeded):
    user = User.objects.get(username="admin.bkpp")
    visible = studies_visible_to(user)

    assert visible.filter(state=S.CHECKED).count() >= 2
    assert visible.filter(state=S.ONGOING, next_report_due_on__lt=AS_OF).exists()
    assert StudyExtension.objects.filter(state=ExtensionState.REQUESTED, leave__in=visible).exists()
    assert visible.filter(bond_broken_on__isnull=False).exists()


@pytest.mark.django_db
def test_the_inspektorat_sees_no_study_leave(seeded):
    assert not studies_visible_to(User.objects.get(username="inspektur")).exists()


# --- Once only ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_seeding_again_adds_no_study_leave_records(seeded):
    before = _counts()
    out = StringIO()

    call_command("seed_demo", "--as-of", AS_OF.isoformat(), employees=SIZE, stdout=out)

    assert _counts() == before
    assert "study-leave records are already in the database" in out.getvalue()


@pytest.mark.django_db
def test_seeding_another_city_on_a_seeded_database_adds_no_study_leave_records(seeded):
    before = _counts()

    call_command("seed_demo", "--as-of", AS_OF.isoformat(), employees=SIZE * 2, seed=99, stdout=StringIO())

    assert _counts() == before


@pytest.mark.django_db
def test_a_generated_tugas_belajar_status_without_a_study_is_settled_to_active(seeded):
    from careers import study_demo

    away = StudyLeave.objects.filter(state=S.ONGOING, kind=TB).values_list("employee__nip", flat=True).first()
    stray = Employee.objects.filter(status=EmployeeStatus.AKTIF, study_leaves__isnull=True).first()
    Employee.objects.filter(pk=stray.pk).update(status=EmployeeStatus.TUGAS_BELAJAR)

    settled = study_demo.settle_generated_statuses([stray.nip, away])

    assert settled == 1
    assert Employee.objects.get(pk=stray.pk).status == EmployeeStatus.AKTIF
    assert Employee.objects.get(nip=away).status == EmployeeStatus.TUGAS_BELAJAR  # a real study stays
