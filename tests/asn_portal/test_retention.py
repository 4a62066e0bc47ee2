"""Retention of personal data (issue 8, UU 27/2022): the rules (asn_portal.retention), the weekly
task, the `retention` command, and the guard that every model holding personal data has
decided how long it is kept."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from asn_portal import privacy, reminders, retention
from asn_portal.models import (
    EmailOptOut,
    Employee,
    EmployeeStatus,
    ImportJob,
    Notification,
    ReportJob,
    User,
)
from careers import study
from careers.models import StudyDocument, StudyDocumentKind, StudyLeave, StudyState
from tests.careers.study_factories import draft, pdf
from tests.factories import EmployeeFactory
from tests.training.factories import program, registered, session
from training.models import Evaluation

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 29)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"
_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _local(day: dt.date, time: dt.time = dt.time(12)) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def _ages(rule: retention.RetentionRule) -> tuple[dt.datetime, dt.datetime]:
    """(just inside the period, just past it): the first moment of the cutoff day, and the last
    minute before it."""
    cutoff_day = TODAY - dt.timedelta(days=rule.period_days())
    return _local(cutoff_day, dt.time.min), _local(cutoff_day - dt.timedelta(days=1), dt.time(23, 59))


def _set(model, pk, **values) -> None:
    """Set fields the model fills itself (auto_now_add, auto_now) without touching anything else."""
    model.objects.filter(pk=pk).update(**values)


def _leaver(city, status=EmployeeStatus.PENSIUN) -> Employee:
    number = next(_serial)
    employee = EmployeeFactory(
        unit=city.dinkes_bidang,
        status=status,
        email=f"pensiunan{number}@example.go.id",
        phone=f"08123{number:06d}",
        nik=f"3374{number:012d}",
    )
    employee.user.email = employee.email
    employee.user.save(update_fields=["email"])
    return employee


# --- One expiring row per rule -------------------------------------------------------------------
# build(city, when) creates one row of the rule's kind whose age is `when` and returns its pk.


def _notification(city, when):
    notification = Notification.objects.create(recipient=city.staff_a.user, title="Pengingat")
    _set(Notification, notification.pk, created_at=when)
    return notification.pk


def _session(city, when):
    key = f"retention{next(_serial):024d}"
    Session.objects.create(session_key=key, session_data="e30=", expire_date=when)
    return key


def _axes_row(model, when, **extra):
    row = model.objects.create(
        username=f"pegawai{next(_serial)}",
        ip_address="10.0.0.7",
        user_agent="Mozilla/5.0",
        http_accept="text/html",
        path_info="/login/",
        **extra,
    )
    _set(model, row.pk, attempt_time=when)
    return row.pk


def _attempt(city, when):
    return _axes_row(AccessAttempt, when, get_data="", post_data="", failures_since_start=2)


def _access_log(city, when):
    return _axes_row(AccessLog, when)


def _failure_log(city, when):
    return _axes_row(AccessFailureLog, when, locked_out=False)


def _audit_read(city, when):
    employee = city.staff_a
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Employee),
        object_pk=str(employee.pk),
        object_id=employee.pk,
        object_repr=str(employee),
        action=LogEntry.Action.ACCESS,
        actor=city.admin,
        timestamp=when,
    ).pk


def _report_job(city, when):
    job = ReportJob(kind="jp_recap", requested_by=city.admin, status=ReportJob.Status.SUCCEEDED, progress=100)
    job.file.save("rekap.xlsx", ContentFile(b"PK rekap"), save=False)
    job.save()
    _set(ReportJob, job.pk, created_at=when)
    return job.pk


def _import_job(city, when):
    job = ImportJob(
        kind="employees", original_name="pegawai.xlsx", requested_by=city.admin, status=ImportJob.Status.SUCCEEDED
    )
    job.file.save("pegawai.xlsx", ContentFile(b"PK pegawai"), save=False)
    job.save()
    _set(ImportJob, job.pk, created_at=when)
    return job.pk


def _leaver_employee(city, when):
    employee = _leaver(city)
    _set(Employee, employee.pk, updated_at=when)
    return employee.pk


def _leaver_account(city, when):
    employee = _leaver(city)
    _set(Employee, employee.pk, updated_at=when)
    return employee.user_id


def _leaver_token(city, when):
    employee = _leaver(city)
    _set(Employee, employee.pk, updated_at=when)
    return Token.objects.create(user=employee.user).pk


def _leaver_opt_out(city, when):
    employee = _leaver(city)
    _set(Employee, employee.pk, updated_at=when)
    return EmailOptOut.objects.create(user=employee.user, kind="training_session").pk


def _leaver_otp_device(city, when):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    employee = _leaver(city)
    _set(Employee, employee.pk, updated_at=when)
    return TOTPDevice.objects.create(user=employee.user, name="Authenticator", confirmed=True).pk


def _evaluation(city, when):
    employee = EmployeeFactory(unit=city.dinkes_bidang)
    registration = registered(session(program(), capacity=5), employee)
    evaluation = Evaluation.objects.create(
        registration=registration,
        content=4,
        trainer=5,
        organisation=3,
        usefulness=4,
        comment="Materinya bagus, tapi ruangannya panas.",
    )
    _set(Evaluation, evaluation.pk, submitted_at=when)
    return evaluation.pk


def _study_document(city, when, *, state=StudyState.WITHDRAWN, kind=StudyDocumentKind.ACCEPTANCE):
    employee = city.staff_a
    leave = draft(employee)
    document = study.attach_document(leave, kind=kind, uploaded=pdf(), by=employee.user)
    _set(StudyLeave, leave.pk, state=state, decree_number="800/1/2026", updated_at=when)
    return document.pk


BUILDERS = {
    "notifications": _notification,
    "sessions": _session,
    "login_attempts": _attempt,
    "login_log": _access_log,
    "login_failure_log": _failure_log,
    "audit_reads": _audit_read,
    "report_files": _report_job,
    "import_files": _import_job,
    "leavers_contact": _leaver_employee,
    "leavers_accounts": _leaver_account,
    "leavers_api_tokens": _leaver_token,
    "leavers_email_opt_outs": _leaver_opt_out,
    "leavers_otp_devices": _leaver_otp_device,
    "training_evaluation_comments": _evaluation,
    "study_application_documents": _study_document,
}


def _file_name(rule, pk) -> str:
    return str(rule.model._default_manager.filter(pk=pk).values_list(rule.file_field, flat=True).first() or "")


def _snapshot(rule, pk) -> dict | None:
    row = rule.model._default_manager.filter(pk=pk).values().first()
    return dict(row) if row else None


# --- Every rule: just inside stays, just past goes ---------------------------------------------------


def test_every_rule_has_a_test_here():
    assert set(BUILDERS) == {rule.code for rule in retention.rules()}


@pytest.mark.parametrize("code", sorted(BUILDERS))
def test_a_row_just_inside_the_period_stays_and_one_just_past_it_goes(
    code, city, media, django_capture_on_commit_callbacks
):
    rule = retention.get(code)
    inside_at, past_at = _ages(rule)
    inside, past = BUILDERS[code](city, inside_at), BUILDERS[code](city, past_at)
    inside_before = _snapshot(rule, inside)
    past_file = _file_name(rule, past) if rule.file_field else ""

    with django_capture_on_commit_callbacks(execute=True):
        (report,) = retention.run(TODAY, dry_run=False, codes={code})

    assert report.error == ""
    assert report.rows == 1
    assert _snapshot(rule, inside) == inside_before
    assert not rule.expired(TODAY).exists()
    if rule.action == retention.Action.DELETE:
        assert not rule.model._default_manager.filter(pk=past).exists()
    elif rule.action == retention.Action.ANONYMISE:
        after = _snapshot(rule, past)
        assert after is not None, "anonymised, not deleted"
        values = rule._values()
        for name in set(values) - {"password"}:
            assert after[name] == values[name]
    else:
        after = _snapshot(rule, past)
        assert after is not None and after[rule.file_field] == ""
    if past_file:
        assert not (media / past_file).exists()
        assert (media / _file_name(rule, inside)).exists()


def test_anonymising_a_leaver_keeps_the_legal_record(city):
    rule = retention.get("leavers_contact")
    employee = _leaver(city, status=EmployeeStatus.MENINGGAL)
    _set(Employee, employee.pk, updated_at=_ages(rule)[1])
    nip, name, user_id = employee.nip, employee.name, employee.user_id

    retention.run(TODAY, dry_run=False, codes={"leavers_contact", "leavers_accounts"})

    employee.refresh_from_db()
    assert (employee.email, employee.phone, employee.nik) == ("", "", "")
    assert (employee.nip, employee.name, employee.status, employee.user_id) == (nip, name, "meninggal", user_id)
    account = User.objects.get(pk=user_id)
    assert account.username == employee.user.username and account.email == ""
    assert not account.is_active and not account.has_usable_password()


def test_the_scope_leaves_what_is_still_needed(city, media):
    """In service, an e-mail still owed, an open report, a change in the audit trail, a finished
    study's own documents: all past the period, none touched."""
    past = {code: _ages(retention.get(code))[1] for code in BUILDERS}
    active = EmployeeFactory(unit=city.dinkes_bidang, email="aktif@example.go.id", phone="0811")
    _set(Employee, active.pk, updated_at=past["leavers_contact"])
    owed = Notification.objects.create(recipient=city.staff_a.user, title="Owed", email_due=True)
    _set(Notification, owed.pk, created_at=past["notifications"])
    running = ReportJob.objects.create(kind="jp_recap", requested_by=city.admin, status=ReportJob.Status.RUNNING)
    _set(ReportJob, running.pk, created_at=past["report_files"])
    change = LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Employee),
        object_pk=str(active.pk),
        object_id=active.pk,
        object_repr=str(active),
        action=LogEntry.Action.UPDATE,
        timestamp=past["audit_reads"],
    )
    own = _study_document(city, past["study_application_documents"], state=StudyState.COMPLETED)
    health = _study_document(
        city, past["study_application_documents"], state=StudyState.COMPLETED, kind=StudyDocumentKind.HEALTH
    )

    reports = {report.code: report for report in retention.run(TODAY, dry_run=False)}

    active.refresh_from_db()
    assert (active.email, active.phone) == ("aktif@example.go.id", "0811")
    assert Notification.objects.filter(pk=owed.pk).exists()
    assert ReportJob.objects.filter(pk=running.pk).exists()
    assert LogEntry.objects.filter(pk=change.pk).exists()
    assert StudyDocument.objects.filter(pk=own).exists()
    # The health certificate of the same finished study (health data) does go.
    assert not StudyDocument.objects.filter(pk=health).exists()
    assert reports["study_application_documents"].rows == 1
    assert not any(report.error for report in reports.values())


def test_the_period_is_overridable_in_settings(settings, city):
    settings.SIGAP_RETENTION_DAYS = {"notifications": 10}
    rule = retention.get("notifications")
    recent = _notification(city, _local(TODAY - dt.timedelta(days=11)))
    kept = _notification(city, _local(TODAY - dt.timedelta(days=10)))

    (report,) = retention.run(TODAY, dry_run=False, codes={"notifications"})

    assert rule.period_days() == 10 and report.days == 10 and report.cutoff == "2026-11-19"
    assert not Notification.objects.filter(pk=recent).exists()
    assert Notification.objects.filter(pk=kept).exists()


# --- Dry run, apply, audit, idempotence --------------------------------------------------------------


def _all_expired(city, count: int = 1) -> dict[str, list]:
    return {code: [BUILDERS[code](city, _ages(retention.get(code))[1]) for _ in range(count)] for code in BUILDERS}


def test_a_dry_run_changes_nothing_and_reports_what_apply_then_does(city, media, django_capture_on_commit_callbacks):
    built = _all_expired(city, 2)
    before = {code: [_snapshot(retention.get(code), pk) for pk in pks] for code, pks in built.items()}
    files = sorted(path for path in media.rglob("*") if path.is_file())
    entries = LogEntry.objects.count()

    dry = {report.code: report for report in retention.run(TODAY)}

    after = {code: [_snapshot(retention.get(code), pk) for pk in pks] for code, pks in built.items()}
    assert after == before
    assert sorted(path for path in media.rglob("*") if path.is_file()) == files
    assert LogEntry.objects.count() == entries
    assert not any(report.applied for report in dry.values())
    for code, pks in built.items():
        assert dry[code].rows >= len(pks), code
        if retention.get(code).show_ids:
            assert 1 <= len(dry[code].sample_ids) <= retention.SAMPLE_SIZE, code
    assert dry["report_files"].files == 2 and dry["import_files"].files == 2
    assert dry["sessions"].sample_ids == []  # session keys are secrets

    with django_capture_on_commit_callbacks(execute=True):
        applied = {report.code: report for report in retention.run(TODAY, dry_run=False)}

    assert {code: report.rows for code, report in applied.items()} == {
        code: report.rows for code, report in dry.items()
    }
    assert {code: report.oldest for code, report in applied.items()} == {
        code: report.oldest for code, report in dry.items()
    }
    for name in ("report_files", "import_files", "study_application_documents"):
        assert applied[name].files == dry[name].files == 2
    assert all(report.applied and not report.error for report in applied.values())


def test_apply_writes_one_summary_audit_entry_per_rule_not_one_per_row(city):
    rule = retention.get("notifications")
    oldest = _local(TODAY - dt.timedelta(days=500))
    pks = [_notification(city, oldest)] + [_notification(city, _ages(rule)[1]) for _ in range(4)]

    retention.run(TODAY, dry_run=False, codes={"notifications", "leavers_contact"})

    (entry,) = LogEntry.objects.filter(additional_data__retention="notifications")
    assert entry.action == LogEntry.Action.DELETE
    assert entry.content_type == ContentType.objects.get_for_model(Notification)
    assert entry.additional_data["rows"] == 5
    assert entry.additional_data["oldest"] == oldest.date().isoformat()
    assert entry.additional_data["sample_ids"][0] == str(pks[0])
    # A rule with nothing to do leaves no entry.
    assert not LogEntry.objects.filter(additional_data__retention="leavers_contact").exists()


def test_a_second_run_changes_nothing(city, django_capture_on_commit_callbacks):
    _all_expired(city)
    with django_capture_on_commit_callbacks(execute=True):
        first = retention.run(TODAY, dry_run=False)
    entries = LogEntry.objects.count()

    second = retention.run(TODAY, dry_run=False)

    assert all(report.rows for report in first)
    assert [(report.code, report.rows, report.files) for report in second] == [(report.code, 0, 0) for report in second]
    assert LogEntry.objects.count() == entries


def test_the_query_count_does_not_grow_with_the_rows(city, media, django_assert_max_num_queries):
    _all_expired(city, 10)
    with CaptureQueriesContext(connection) as ten:
        reports = retention.run(TODAY, dry_run=False)
    assert all(report.rows >= 10 for report in reports)

    _all_expired(city, 40)
    with django_assert_max_num_queries(len(ten.captured_queries)):
        reports = retention.run(TODAY, dry_run=False)
    assert all(report.rows >= 40 for report in reports)


# --- Protected history ------------------------------------------------------------------------------


def test_no_delete_rule_reaches_a_protect_foreign_key():
    for rule in retention.rules():
        assert rule.protected_relations() == [], rule.code


def test_a_rule_that_hits_protect_is_rolled_back_and_reported(city):
    from training.models import Session as TrainingSession

    sess = session(program(), capacity=5)
    registered(sess, city.staff_a)
    _set(TrainingSession, sess.pk, created_at=_local(TODAY - dt.timedelta(days=400)))
    late = _notification(city, _local(TODAY - dt.timedelta(days=400)))
    bad = retention.RetentionRule(
        code="a_bad_rule",
        kind="Training sessions",
        model=TrainingSession,
        age_field="created_at",
        days=30,
        action=retention.Action.DELETE,
        reason="test",
        order=1,
    )
    assert bad.protected_relations()  # the static check sees it
    retention.register(bad)
    try:
        reports = {report.code: report for report in retention.run(TODAY, dry_run=False)}
    finally:
        retention.unregister("a_bad_rule")

    assert "training.registration" in reports["a_bad_rule"].error
    assert not reports["a_bad_rule"].applied
    assert TrainingSession.objects.filter(pk=sess.pk).exists()
    assert not LogEntry.objects.filter(additional_data__retention="a_bad_rule").exists()
    # The other rules still ran.
    assert reports["notifications"].applied and not Notification.objects.filter(pk=late).exists()


# --- Every model with personal data has decided -------------------------------------------------------


def _personal_models() -> set[str]:
    """Models with a ForeignKey or one-to-one to Employee or User (actor references included),
    the records one step further that "Data saya" finds (privacy), and the two themselves."""
    found = {"asn_portal.employee", "asn_portal.user"}
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model in (Employee, User):
                found.add(model._meta.label_lower)
    found |= {source.label for source in privacy.resolvable_sources()}
    return found


def test_every_model_holding_personal_data_has_a_rule_or_is_kept_with_a_reason():
    ruled = {rule.label for rule in retention.rules()}
    kept = retention.kept()

    undecided = sorted(_personal_models() - ruled - set(kept))

    assert undecided == [], (
        "These models hold personal data but have no retention rule and are not kept with a reason "
        "(asn_portal.retention.register / keep, from the app's retention module): " + ", ".join(undecided)
    )
    assert all(reason.strip() for reason in kept.values())
    assert set(kept) <= {model._meta.label_lower for model in apps.get_models()}


def test_every_rule_has_a_reason_and_is_in_the_documented_table():
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## Retention") :]
    for rule in retention.rules():
        assert len(rule.reason) > 20, rule.code
        assert f"`{rule.code}`" in section, f"{rule.code} is missing from the retention table of docs/privacy.md"


# --- Schedule, task, command ---------------------------------------------------------------------------


def test_the_weekly_run_is_scheduled():
    from django_celery_beat.models import PeriodicTask

    (schedule,) = [s for s in reminders.schedules() if s.task == "asn_portal.tasks.apply_retention"]
    assert (schedule.minute, schedule.hour, schedule.day_of_week) == ("0", "2", "0")  # Sunday 02:00

    reminders.sync_schedules()

    task = PeriodicTask.objects.get(task="asn_portal.tasks.apply_retention")
    assert task.enabled and task.crontab.day_of_week == "0" and task.crontab.hour == "2"


def test_the_task_applies_the_rules(city, eager_tasks):
    from asn_portal.tasks import apply_retention

    pk = _notification(city, _local(TODAY - dt.timedelta(days=400)))

    result = apply_retention.delay(today=TODAY.isoformat()).get()

    assert not Notification.objects.filter(pk=pk).exists()
    (notifications,) = [row for row in result if row["code"] == "notifications"]
    assert notifications["rows"] == 1 and notifications["applied"]


def test_the_command_prints_a_dry_run_table_by_default_and_applies_on_request(city):
    pks = [_notification(city, _local(TODAY - dt.timedelta(days=400))) for _ in range(3)]
    out = io.StringIO()

    call_command("retention", "--today", TODAY.isoformat(), stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].split()[:5] == ["rule", "action", "days", "before", "rows"]
    (row,) = [line for line in lines if line.startswith("notifications ")]
    assert row.split()[1:5] == ["delete", "365", "2025-11-29", "3"]
    assert str(pks[0]) in row
    assert lines[-1].startswith("Dry run: 3 rows would be deleted or anonymised")
    assert Notification.objects.filter(pk__in=pks).count() == 3

    out = io.StringIO()
    call_command("retention", "--apply", "--today", TODAY.isoformat(), "--rule", "notifications", stdout=out)

    assert "Applied: 3 rows" in out.getvalue()
    assert not Notification.objects.filter(pk__in=pks).exists()


def test_the_command_refuses_a_bad_date_or_rule():
    with pytest.raises(CommandError, match="Not a date"):
        call_command("retention", "--today", "29-11-2026", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Unknown rule"):
        call_command("retention", "--rule", "everything", stdout=io.StringIO())
