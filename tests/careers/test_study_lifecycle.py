"""A study from its start to the end of the service bond (careers.study, DOMAIN.md §7.3–7.4):
the status change and the post a long tugas belajar releases, progress reports, extensions
and the turn into izin belajar, completion (the diploma reaches the education history and the
promotion engine, the post is given back), and the service bond with the exits BKPP is told
about."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from asn_portal.models import Employee, EmployeeStatus, Notification, PositionKind
from asn_portal.services import ServiceError
from careers import eligibility, study
from careers.models import (
    EducationHistory,
    ExtensionState,
    PositionHistory,
    PromotionKind,
    StudyEvent,
    StudyExtension,
    StudyKind,
    StudyLeave,
    StudyPolicy,
    StudyReport,
    StudyState,
    TerminationReason,
)
from tests.careers.factories import position_history
from tests.careers.page_factories import eligible
from tests.careers.study_factories import START, TODAY, pdf, plan, study_at
from tests.factories import EmployeeFactory, PositionFactory

pytestmark = pytest.mark.django_db

S = StudyState
TB = StudyKind.TUGAS_BELAJAR
IB = StudyKind.IZIN_BELAJAR


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def fresh(employee) -> Employee:
    return Employee.objects.get(pk=employee.pk)


def refused(call, *args, **kwargs) -> ServiceError:
    with pytest.raises(ServiceError) as error:
        call(*args, **kwargs)
    return error.value


def holding(city, employee, kind=PositionKind.PELAKSANA, **fields):
    """`employee` takes up a new catalogue post of their unit (through the position history)."""
    post = PositionFactory(unit=employee.unit, kind=kind, **fields)
    position_history(employee, post.name, dt.date(2022, 1, 3), kind=kind, position=post, jenjang=post.jenjang)
    assert fresh(employee).position == post
    return post


def ongoing(city, employee=None, data=None) -> StudyLeave:
    return study_at(S.ONGOING, employee or city.staff_a, city, data)


def complete(leave, city, *, graduated_on=None, returned_on=None, **kwargs) -> StudyLeave:
    graduated_on = graduated_on or leave.ends_on
    returned_on = returned_on or graduated_on + dt.timedelta(days=10)
    return study.complete(
        leave,
        by=city.admin,
        graduated_on=graduated_on,
        returned_on=returned_on,
        today=kwargs.pop("today", returned_on),
        **kwargs,
    )


# ---------------------------------------------------------------------------------------------
# Status and post during the study (DOMAIN.md §7.3)
# ---------------------------------------------------------------------------------------------


def test_a_tugas_belajar_over_six_months_releases_the_post(city):
    post = holding(city, city.staff_a)

    leave = ongoing(city, data=plan(kind=TB, months=7))

    employee = fresh(city.staff_a)
    assert (employee.status, employee.position, employee.position_since_on) == (
        EmployeeStatus.TUGAS_BELAJAR,
        None,
        None,
    )
    assert leave.released_position == post


def test_a_tugas_belajar_of_exactly_six_months_keeps_the_post(city):
    post = holding(city, city.staff_a)

    leave = ongoing(city, data=plan(kind=TB, months=6))

    employee = fresh(city.staff_a)
    assert (employee.status, employee.position) == (EmployeeStatus.AKTIF, post)
    assert leave.released_position is None


def test_an_izin_belajar_never_releases_the_post(city):
    post = holding(city, city.staff_a)

    leave = ongoing(city, data=plan(kind=IB, months=48))

    employee = fresh(city.staff_a)
    assert (employee.status, employee.position) == (EmployeeStatus.AKTIF, post)
    assert leave.released_position is None


def test_the_months_that_release_the_post_come_from_the_policy(city):
    post = holding(city, city.staff_a)
    StudyPolicy.objects.update(release_after_months=12)

    leave = ongoing(city, data=plan(kind=TB, months=12))

    assert fresh(city.staff_a).position == post
    assert leave.released_position is None


def test_completion_reactivates_the_employee_and_gives_the_free_post_back(city):
    post = holding(city, city.staff_a)
    leave = ongoing(city)

    complete(leave, city, returned_on=dt.date(2029, 2, 11))

    employee = fresh(city.staff_a)
    leave.refresh_from_db()
    assert (employee.status, employee.position, employee.position_since_on) == (
        EmployeeStatus.AKTIF,
        post,
        dt.date(2029, 2, 11),
    )
    back = PositionHistory.objects.filter(employee=city.staff_a).order_by("-tmt_on").first()
    assert (back.position, back.tmt_on, back.kind, back.decree_number) == (
        post,
        dt.date(2029, 2, 11),
        post.kind,
        leave.decree_number,
    )
    assert leave.needs_reappointment is False


def test_a_structural_post_taken_by_someone_else_is_not_given_back(city):
    post = holding(city, city.staff_a, kind=PositionKind.PENGAWAS, name="Kepala Seksi Surveilans")
    leave = ongoing(city)
    successor = EmployeeFactory(unit=city.dinkes_bidang, name="Pengganti")
    position_history(successor, post.name, START + relativedelta(months=2), kind=post.kind, position=post)
    rows = PositionHistory.objects.filter(employee=city.staff_a).count()

    complete(leave, city)

    employee = fresh(city.staff_a)
    leave.refresh_from_db()
    assert (employee.status, employee.position) == (EmployeeStatus.AKTIF, None)
    assert leave.needs_reappointment is True
    assert PositionHistory.objects.filter(employee=city.staff_a).count() == rows
    assert fresh(successor).position == post


def test_a_free_structural_post_is_given_back(city):
    post = holding(city, city.staff_a, kind=PositionKind.PENGAWAS, name="Kepala Seksi Surveilans")
    leave = ongoing(city)

    complete(leave, city)

    assert fresh(city.staff_a).position == post
    assert StudyLeave.objects.get(pk=leave.pk).needs_reappointment is False


def test_a_non_structural_post_is_given_back_even_when_others_hold_it(city):
    post = holding(city, city.staff_a)
    leave = ongoing(city)
    position_history(city.staff_b, post.name, START + relativedelta(months=2), position=post)

    complete(leave, city)

    assert fresh(city.staff_a).position == post
    assert fresh(city.staff_b).position == post


def test_a_post_closed_during_the_study_is_flagged_for_reappointment(city):
    post = holding(city, city.staff_a)
    leave = ongoing(city)
    type(post).objects.filter(pk=post.pk).update(is_active=False)

    complete(leave, city)

    assert fresh(city.staff_a).position is None
    assert StudyLeave.objects.get(pk=leave.pk).needs_reappointment is True


def test_a_post_recorded_from_the_return_date_on_stands_at_completion(city):
    holding(city, city.staff_a)
    leave = ongoing(city)
    back = leave.ends_on + dt.timedelta(days=10)
    new_post = PositionFactory(unit=city.dinkes_bidang, name="Analis Kebijakan")
    position_history(city.staff_a, new_post.name, back, position=new_post)

    complete(leave, city, returned_on=back)

    leave.refresh_from_db()
    assert leave.state == S.COMPLETED
    assert fresh(city.staff_a).position == new_post
    assert list(
        PositionHistory.objects.filter(employee=city.staff_a, tmt_on__gte=back).values_list("position", flat=True)
    ) == [new_post.pk]
    assert leave.needs_reappointment is False


def test_a_catalogue_post_that_cannot_be_recorded_is_flagged_instead_of_blocking_completion(city):
    post = PositionFactory(unit=city.dinkes_bidang, kind=PositionKind.FUNGSIONAL_KEAHLIAN, jenjang="")
    Employee.objects.filter(pk=city.staff_a.pk).update(position=post)  # imported without its jenjang
    leave = ongoing(city)
    assert leave.released_position == post

    complete(leave, city)

    leave.refresh_from_db()
    assert leave.state == S.COMPLETED
    assert leave.needs_reappointment is True
    assert fresh(city.staff_a).status == EmployeeStatus.AKTIF
    assert EducationHistory.objects.filter(employee=city.staff_a, level__code="S2").exists()


def test_termination_brings_the_employee_back_too(city):
    post = holding(city, city.staff_a)
    leave = ongoing(city)
    on = START + relativedelta(months=5)

    study.terminate(
        leave, by=city.admin, reason_kind=TerminationReason.FAILED, reason="IPK di bawah 2,00", on=on, today=on
    )

    leave.refresh_from_db()
    assert (leave.state, leave.termination_reason, leave.finished_on) == (S.TERMINATED, "failed", on)
    assert leave.bond_ends_on is None
    assert (fresh(city.staff_a).status, fresh(city.staff_a).position) == (EmployeeStatus.AKTIF, post)
    event = leave.events.get(action="terminated")
    assert (event.by, event.from_state) == (city.admin, S.ONGOING)
    assert "IPK di bawah 2,00" in event.reason


def test_termination_needs_a_reason_and_a_known_reason_kind(city):
    leave = ongoing(city)
    on = START + relativedelta(months=5)

    blank = refused(study.terminate, leave, by=city.admin, reason_kind="failed", reason=" ", on=on, today=on)
    unknown = refused(study.terminate, leave, by=city.admin, reason_kind="bosan", reason="x", on=on, today=on)

    assert (blank.code, unknown.code) == ("reason_required", "invalid_reason")
    assert StudyLeave.objects.get(pk=leave.pk).state == S.ONGOING


def test_a_study_cannot_end_before_it_started(city):
    post = holding(city, city.staff_a)
    leave = ongoing(city)
    rows = PositionHistory.objects.filter(employee=city.staff_a).count()

    error = refused(
        study.terminate,
        leave,
        by=city.admin,
        reason_kind=TerminationReason.WITHDREW,
        reason="Mengundurkan diri",
        on=START - dt.timedelta(days=1),
        today=START,
    )

    assert (error.code, error.field) == ("ended_before_start", "on")
    assert StudyLeave.objects.get(pk=leave.pk).state == S.ONGOING
    assert PositionHistory.objects.filter(employee=city.staff_a).count() == rows
    assert fresh(city.staff_a).position is None
    assert post.is_active


# ---------------------------------------------------------------------------------------------
# Progress reports (DOMAIN.md §7.4)
# ---------------------------------------------------------------------------------------------


def _report(leave, city, semester, *, gpa="3.50", today=None, transcript=None):
    return study.submit_report(
        leave,
        semester=semester,
        gpa=gpa,
        transcript=transcript or pdf(f"khs-{semester}.pdf"),
        by=city.staff_a.user,
        today=today or START + relativedelta(months=6 * semester),
    )


def test_the_first_report_is_due_after_the_first_semester_and_its_grace_days(city):
    leave = ongoing(city)

    assert leave.next_report_due_on == START + relativedelta(months=6) + dt.timedelta(days=30)
    assert leave.next_report_due_on == dt.date(2027, 8, 31)


def test_the_report_schedule_comes_from_the_policy(city):
    StudyPolicy.objects.update(report_every_months=4, report_grace_days=14)

    leave = ongoing(city)

    assert leave.next_report_due_on == START + relativedelta(months=4) + dt.timedelta(days=14)


def test_a_report_is_stored_and_the_next_due_date_moves_on(city):
    leave = ongoing(city)

    report = _report(leave, city, 1, gpa="3,67", today=dt.date(2027, 8, 20))

    leave.refresh_from_db()
    report.refresh_from_db()
    assert (report.semester, report.gpa, report.due_on) == (1, Decimal("3.67"), dt.date(2027, 8, 31))
    assert report.transcript_type == "application/pdf"
    assert report.submitted_by == city.staff_a.user
    assert leave.next_report_due_on == START + relativedelta(months=12) + dt.timedelta(days=30)
    event = leave.events.get(action="reported")
    assert (event.from_state, event.to_state, event.by) == (S.ONGOING, S.ONGOING, city.staff_a.user)
    assert "3.67" in event.reason


def test_the_operator_sends_a_report_on_the_employees_behalf(city):
    leave = ongoing(city)

    study.submit_report(
        leave, semester=1, gpa=3, transcript=pdf(), by=city.operator.user, today=START + relativedelta(months=6)
    )

    assert leave.reports.get().submitted_by == city.operator.user


def test_after_the_last_planned_semester_no_report_is_due(city):
    leave = ongoing(city, data=plan(months=12))

    _report(leave, city, 1)
    _report(leave, city, 2)

    leave.refresh_from_db()
    assert leave.next_report_due_on is None


def test_a_report_sent_early_for_a_later_semester_leaves_the_earlier_one_due(city):
    leave = ongoing(city)

    _report(leave, city, 2, today=START + relativedelta(months=7))

    assert StudyLeave.objects.get(pk=leave.pk).next_report_due_on == dt.date(2027, 8, 31)


@pytest.mark.parametrize(
    ("semester", "gpa", "today", "code"),
    [
        (1, "3.50", "reported", "semester_reported"),
        (2, "3.50", START + relativedelta(months=6) - dt.timedelta(days=1), "semester_not_started"),
        (0, "3.50", START + relativedelta(months=6), "semester_not_started"),
        (1, "4.01", START + relativedelta(months=6), "invalid_gpa"),
        (1, "-0.5", START + relativedelta(months=6), "invalid_gpa"),
        (1, "tiga", START + relativedelta(months=6), "invalid_gpa"),
        (1, "NaN", START + relativedelta(months=6), "invalid_gpa"),
        (1, "Infinity", START + relativedelta(months=6), "invalid_gpa"),
        ("satu", "3.50", START + relativedelta(months=6), "invalid_semester"),
    ],
)
def test_a_refused_report_writes_nothing(city, media, semester, gpa, today, code):
    leave = ongoing(city)
    if today == "reported":
        _report(leave, city, 1)
        today = START + relativedelta(months=7)
    before = StudyLeave.objects.filter(pk=leave.pk).values().get()
    counts = (StudyReport.objects.count(), StudyEvent.objects.count())
    files = sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []

    error = refused(
        study.submit_report, leave, semester=semester, gpa=gpa, transcript=pdf(), by=city.staff_a.user, today=today
    )

    assert error.code == code
    assert StudyLeave.objects.filter(pk=leave.pk).values().get() == before
    assert (StudyReport.objects.count(), StudyEvent.objects.count()) == counts
    assert (sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []) == files


@pytest.mark.parametrize("credits", [-1, 401, "banyak"])
def test_credits_out_of_range_are_refused(city, credits):
    leave = ongoing(city)

    error = refused(
        study.submit_report,
        leave,
        semester=1,
        gpa="3.5",
        credits=credits,
        transcript=pdf(),
        by=city.staff_a.user,
        today=START + relativedelta(months=6),
    )

    assert error.code == "invalid_credits"
    assert not StudyReport.objects.exists()


def test_a_transcript_that_is_not_a_document_is_refused(city):
    leave = ongoing(city)

    error = refused(_report, leave, city, 1, transcript=pdf("khs.pdf", b"bukan pdf sama sekali, hanya teks biasa"))

    assert error.code == "file_type"
    assert not StudyReport.objects.exists()


# ---------------------------------------------------------------------------------------------
# Extensions (DOMAIN.md §7.2)
# ---------------------------------------------------------------------------------------------


def _extend(leave, city, *, approve=True, note="", today=None) -> StudyExtension:
    extension = study.request_extension(leave, by=city.staff_a.user, reason="Penelitian disertasi belum selesai")
    return study.decide_extension(
        extension, by=city.admin, approve=approve, note=note, today=today or leave.ends_on - dt.timedelta(days=30)
    )


def test_the_first_extension_adds_the_policys_months_and_keeps_tugas_belajar(city):
    holding(city, city.staff_a)
    leave = ongoing(city)
    planned = leave.ends_on

    extension = _extend(leave, city)

    leave.refresh_from_db()
    extension.refresh_from_db()
    assert (extension.state, extension.months, extension.previous_ends_on) == (
        ExtensionState.APPROVED,
        12,
        planned,
    )
    assert (extension.decided_by, extension.requested_by) == (city.admin, city.staff_a.user)
    assert leave.ends_on == planned + relativedelta(months=12)
    assert (leave.kind, leave.extensions, leave.converted_on) == (TB, 1, None)
    assert (fresh(city.staff_a).status, fresh(city.staff_a).position) == (EmployeeStatus.TUGAS_BELAJAR, None)
    actions = list(leave.events.filter(action__startswith="extension").values_list("action", "by"))
    assert actions == [("extension_requested", city.staff_a.user.pk), ("extension_approved", city.admin.pk)]


def test_the_extension_length_comes_from_the_policy(city):
    leave = ongoing(city)
    planned = leave.ends_on
    StudyPolicy.objects.update(extension_months=6)

    _extend(leave, city)

    assert StudyLeave.objects.get(pk=leave.pk).ends_on == planned + relativedelta(months=6)


def test_the_second_extension_turns_tugas_belajar_into_izin_belajar_and_brings_the_employee_back(city):
    post = holding(city, city.staff_a)
    leave = ongoing(city)
    _extend(leave, city)
    decided_on = dt.date(2029, 12, 15)

    _extend(leave, city, today=decided_on)

    leave.refresh_from_db()
    employee = fresh(city.staff_a)
    assert (leave.kind, leave.extensions, leave.converted_on) == (IB, 2, decided_on)
    assert leave.ends_on == START + relativedelta(months=24 + 24)
    assert leave.state == S.ONGOING
    assert (employee.status, employee.position, employee.position_since_on) == (
        EmployeeStatus.AKTIF,
        post,
        decided_on,
    )
    assert leave.events.filter(action="converted", by=city.admin).exists()


def test_the_number_of_extensions_before_the_conversion_comes_from_the_policy(city):
    leave = ongoing(city)
    StudyPolicy.objects.update(tb_extensions_before_conversion=0)

    _extend(leave, city)

    leave.refresh_from_db()
    assert leave.kind == IB
    assert fresh(city.staff_a).status == EmployeeStatus.AKTIF


def test_a_pending_extension_request_blocks_a_second(city):
    leave = ongoing(city)
    study.request_extension(leave, by=city.staff_a.user, reason="Penelitian")

    error = refused(study.request_extension, leave, by=city.operator.user, reason="Penelitian lagi")

    assert error.code == "extension_pending"
    assert leave.extension_requests.count() == 1


def test_an_extension_request_needs_a_reason(city):
    leave = ongoing(city)

    error = refused(study.request_extension, leave, by=city.staff_a.user, reason="  ")

    assert error.code == "reason_required"
    assert not StudyExtension.objects.exists()


def test_rejecting_an_extension_needs_a_note_and_leaves_the_plan(city):
    leave = ongoing(city)
    planned = leave.ends_on
    extension = study.request_extension(leave, by=city.staff_a.user, reason="Penelitian")

    without_note = refused(study.decide_extension, extension, by=city.admin, approve=False, note=" ")
    study.decide_extension(extension, by=city.admin, approve=False, note="Masa studi sudah maksimal")
    again = refused(study.decide_extension, extension, by=city.admin, approve=True)

    extension.refresh_from_db()
    leave.refresh_from_db()
    assert without_note.code == "reason_required"
    assert again.code == "extension_decided"
    assert (extension.state, extension.decision_note, extension.decided_by) == (
        ExtensionState.REJECTED,
        "Masa studi sudah maksimal",
        city.admin,
    )
    assert (leave.ends_on, leave.extensions, leave.kind) == (planned, 0, TB)
    assert leave.events.get(action="extension_rejected").reason == "Masa studi sudah maksimal"
    assert Notification.objects.filter(recipient=city.staff_a.user, body="Masa studi sudah maksimal").exists()


def test_the_report_schedule_follows_the_extension(city):
    leave = ongoing(city, data=plan(months=12))
    _report(leave, city, 1)
    _report(leave, city, 2)

    _extend(leave, city)

    assert StudyLeave.objects.get(pk=leave.pk).next_report_due_on == START + relativedelta(months=18) + dt.timedelta(
        days=30
    )


def test_a_short_tugas_belajar_extended_past_six_months_releases_the_post_then(city):
    post = holding(city, city.staff_a)
    leave = ongoing(city, data=plan(months=6))
    assert fresh(city.staff_a).position == post

    _extend(leave, city)

    leave.refresh_from_db()
    employee = fresh(city.staff_a)
    assert (employee.status, employee.position) == (EmployeeStatus.TUGAS_BELAJAR, None)
    assert leave.released_position == post


# ---------------------------------------------------------------------------------------------
# Completion: the diploma (DOMAIN.md §3.1, §7.3)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [TB, IB])
def test_completion_records_the_diploma_in_the_education_history(city, kind):
    leave = ongoing(city, data=plan(kind=kind, level="S2", program="Magister Kesehatan Masyarakat"))

    complete(leave, city, graduated_on=dt.date(2029, 1, 20), diploma_number="IJZ-2029-0042")

    leave.refresh_from_db()
    diploma = EducationHistory.objects.get(employee=city.staff_a)
    assert (diploma.level.code, diploma.path, diploma.graduated_on) == ("S2", kind, dt.date(2029, 1, 20))
    assert (diploma.institution, diploma.major, diploma.diploma_number) == (
        "Universitas Diponegoro",
        "Magister Kesehatan Masyarakat",
        "IJZ-2029-0042",
    )
    assert leave.diploma == diploma
    assert (leave.state, leave.finished_on) == (S.COMPLETED, dt.date(2029, 1, 20))
    assert fresh(city.staff_a).education.code == "S2"
    assert leave.events.get(action="completed").by == city.admin


def test_the_new_diploma_makes_the_promotion_engine_choose_penyesuaian_ijazah(city):
    employee = eligible(city.staff_a, rank="III/a")  # S1 in III/a; an S2 starts at III/b
    period = dt.date(2029, 3, 1)
    before = eligibility.explain(employee, period)
    leave = ongoing(city, employee)

    complete(leave, city, graduated_on=dt.date(2029, 1, 20))
    after = eligibility.explain(employee, period)

    assert before.kind == PromotionKind.REGULER
    assert after.kind == PromotionKind.IJAZAH
    assert after.target_rank.code == "III/b"


@pytest.mark.parametrize(
    ("graduated_on", "returned_on", "code"),
    [
        (START, START + dt.timedelta(days=1), "graduated_before_start"),
        (dt.date(2029, 1, 20), dt.date(2029, 1, 19), "returned_before_graduation"),
        (dt.date(2029, 1, 20), dt.date(2029, 2, 2), "date_in_future"),
    ],
)
def test_completion_with_impossible_dates_writes_nothing(city, graduated_on, returned_on, code):
    leave = ongoing(city)

    error = refused(
        study.complete,
        leave,
        by=city.admin,
        graduated_on=graduated_on,
        returned_on=returned_on,
        today=dt.date(2029, 2, 1),
    )

    assert error.code == code
    assert StudyLeave.objects.get(pk=leave.pk).state == S.ONGOING
    assert not EducationHistory.objects.exists()


# ---------------------------------------------------------------------------------------------
# The service bond (DOMAIN.md §7.4)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("months", "years"), [(12, 3), (18, 5), (24, 5), (25, 7), (48, 9)])
def test_the_bond_after_a_tugas_belajar_runs_2n_plus_1_years_from_the_return(city, months, years):
    leave = ongoing(city, data=plan(level="S3", months=48))
    graduated = START + relativedelta(months=months)
    back = graduated + dt.timedelta(days=14)

    complete(leave, city, graduated_on=graduated, returned_on=back)

    leave.refresh_from_db()
    assert (leave.bond_years, leave.returned_on) == (years, back)
    assert leave.bond_ends_on == back + relativedelta(years=years)


def test_the_bond_formula_comes_from_the_policy(city):
    leave = ongoing(city)
    StudyPolicy.objects.update(bond_extra_years=0)

    complete(leave, city, graduated_on=START + relativedelta(months=24), returned_on=dt.date(2029, 3, 1))

    leave.refresh_from_db()
    assert (leave.bond_years, leave.bond_ends_on) == (4, dt.date(2033, 3, 1))


def test_an_izin_belajar_leaves_no_bond(city):
    leave = ongoing(city, data=plan(kind=IB, months=48))

    complete(leave, city)

    leave.refresh_from_db()
    assert (leave.bond_years, leave.bond_ends_on) == (None, None)


def test_a_converted_study_is_bonded_for_its_tugas_belajar_time(city):
    leave = ongoing(city, data=plan(months=12))
    _extend(leave, city, today=START + relativedelta(months=11))
    _extend(leave, city, today=START + relativedelta(months=23))  # converted after 23 months

    complete(leave, city, graduated_on=START + relativedelta(months=30), returned_on=dt.date(2029, 8, 1))

    leave.refresh_from_db()
    assert leave.kind == IB
    assert (leave.bond_years, leave.bond_ends_on) == (5, dt.date(2034, 8, 1))


def _bonded(city, employee=None):
    leave = study_at(S.COMPLETED, employee or city.staff_a, city)
    assert leave.bond_ends_on is not None
    return leave


@pytest.mark.parametrize("status", [EmployeeStatus.DIBERHENTIKAN, EmployeeStatus.PINDAH])
def test_leaving_the_service_during_the_bond_is_flagged_to_bkpp_once(city, status):
    leave = _bonded(city)
    left_on = leave.returned_on + relativedelta(years=2)
    Employee.objects.filter(pk=city.staff_a.pk).update(status=status)

    first = study.flag_bond_exits(left_on)
    second = study.flag_bond_exits(left_on + dt.timedelta(days=1))

    leave.refresh_from_db()
    assert (first, second) == (1, 0)
    assert leave.bond_broken_on == left_on
    assert leave.bond_remaining_months == 36  # 5 years of bond, 2 served
    assert leave.events.filter(action="bond_broken").count() == 1
    notices = Notification.objects.filter(recipient=city.admin, key=f"study-bond-broken:{leave.pk}:{city.admin.pk}")
    assert notices.count() == 1
    assert "36" in notices.get().title


def test_employees_still_in_service_or_past_their_bond_are_not_flagged(city):
    leave = _bonded(city)
    Employee.objects.filter(pk=city.staff_a.pk).update(status=EmployeeStatus.CLTN)

    in_service = study.flag_bond_exits(leave.returned_on + relativedelta(years=1))
    Employee.objects.filter(pk=city.staff_a.pk).update(status=EmployeeStatus.PINDAH)
    after_the_bond = study.flag_bond_exits(leave.bond_ends_on)

    assert (in_service, after_the_bond) == (0, 0)
    assert StudyLeave.objects.get(pk=leave.pk).bond_broken_on is None


def test_a_death_during_the_bond_is_not_a_breach(city):
    leave = _bonded(city)
    Employee.objects.filter(pk=city.staff_a.pk).update(status=EmployeeStatus.MENINGGAL)

    flagged = study.flag_bond_exits(leave.returned_on + relativedelta(years=1))

    assert flagged == 0
    assert StudyLeave.objects.get(pk=leave.pk).bond_broken_on is None
    assert not Notification.objects.filter(key__startswith="study-bond-broken").exists()


def test_flag_bond_exits_looks_only_at_the_employees_given(city):
    leave = _bonded(city)
    Employee.objects.filter(pk=city.staff_a.pk).update(status=EmployeeStatus.PINDAH)
    on = leave.returned_on + relativedelta(years=1)

    others = study.flag_bond_exits(on, employee_ids=[city.staff_b.pk])
    theirs = study.flag_bond_exits(on, employee_ids=[city.staff_a.pk])

    assert (others, theirs) == (0, 1)


# ---------------------------------------------------------------------------------------------
# Keeping status and post of someone who is not active
# ---------------------------------------------------------------------------------------------


def test_a_study_starting_for_a_suspended_employee_does_not_overwrite_the_suspension(city):
    post = holding(city, city.staff_a)
    leave = study_at(S.APPROVED, city.staff_a, city)
    Employee.objects.filter(pk=city.staff_a.pk).update(status=EmployeeStatus.DIBERHENTIKAN_SEMENTARA)

    study.start_due_studies(START)
    complete(StudyLeave.objects.get(pk=leave.pk), city)

    employee = fresh(city.staff_a)
    assert employee.status == EmployeeStatus.DIBERHENTIKAN_SEMENTARA
    assert employee.position == post
    assert TODAY < START
