"""Celery entry points of the core app: thin, keyword-only ids, safe to run twice."""

import datetime as dt
import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.utils import timezone

from asn_portal.models import Notification

logger = logging.getLogger(__name__)


def _email_notification(notification_id: int, connection=None) -> bool:
    """E-mail one notification, once: the row is locked and a sent one (`emailed_at`) or one
    no longer due is left alone."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
        )
        if notification is None or notification.emailed_at is not None or not notification.recipient.email:
            if notification is not None and notification.email_due:
                Notification.objects.filter(pk=notification.pk).update(email_due=False)
            return False
        body = notification.body
        if notification.url:
            body = f"{body}\n\n{settings.SIGAP_SITE_URL.rstrip('/')}{notification.url}".strip()
        try:
            send_mail(
                subject=f"[SIGAP] {notification.title}",
                message=body,
                from_email=None,
                recipient_list=[notification.recipient.email],
                connection=connection,
            )
        except smtplib.SMTPRecipientsRefused:
            # The server refuses this address for good: owe nothing more, so that one bad
            # address never holds up the batch or the sweep. The bell still has the message.
            logger.warning("e-mail address refused for notification %s", notification.pk)
            Notification.objects.filter(pk=notification.pk).update(email_due=False)
            return False
        notification.emailed_at = timezone.now()
        notification.email_due = False
        notification.save(update_fields=["emailed_at", "email_due"])
    return True


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(*, notification_id: int) -> bool:
    """E-mail one notification. A redelivered task finds `emailed_at` set and sends nothing."""
    return _email_notification(notification_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_batch_emails(*, batch: str) -> int:
    """E-mail the notifications one reminder run created (its `batch`). Each row is sent at
    most once, so a task redelivered after a crash sends only what was still owed."""
    ids = list(Notification.objects.filter(batch=batch, email_due=True).values_list("pk", flat=True))
    with get_connection() as connection:  # one SMTP session for the whole batch
        return sum(_email_notification(pk, connection) for pk in ids)


@shared_task(acks_late=True)
def send_reminders(*, kind: str, today: str | None = None) -> dict:
    """The daily run of one reminder kind (asn_portal.reminders.run)."""
    import dataclasses

    from asn_portal import reminders

    day = dt.date.fromisoformat(today) if today else None
    return dataclasses.asdict(reminders.run(kind, day))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_report_job(*, job_id: int) -> str | None:
    """Build one report (asn_portal.reports.run_job). A worker lost in the middle hands the
    message back (reject_on_worker_lost) and another builds the job from the start."""
    from asn_portal import reports

    job = reports.run_job(job_id)
    return job.status if job is not None else None


SWEEP_GRACE = dt.timedelta(minutes=2)
SWEEP_LIMIT = 2000


@shared_task
def sweep_undispatched() -> dict:
    """What a task that never reached the broker left undone (Redis was down, a worker died
    before it started): e-mails still due and report jobs still waiting a while after they
    were written. Beat runs it every five minutes; each piece is idempotent."""
    from asn_portal import dispatch
    from asn_portal.models import ReportJob

    before = timezone.now() - SWEEP_GRACE
    due = list(
        Notification.objects.filter(email_due=True, created_at__lt=before)
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    with get_connection() as connection:
        emailed = sum(_email_notification(pk, connection) for pk in due)
    waiting = list(
        ReportJob.objects.filter(status=ReportJob.Status.PENDING, created_at__lt=before).values_list("pk", flat=True)
    )
    requeued = sum(dispatch.enqueue_now(run_report_job, job_id=pk) for pk in waiting)
    return {"emailed": emailed, "reports_requeued": requeued}


@shared_task(acks_late=True)
def run_import_job(*, job_id: int, language: str | None = None) -> str | None:
    """Run one spreadsheet import job of any registered kind (asn_portal.importing.run_job). A
    finished job is left alone, so a redelivered task writes nothing twice. `language` is the
    uploader's, for the messages."""
    from django.utils import translation

    from asn_portal import importing  # importing imports this module

    with translation.override(language or settings.LANGUAGE_CODE):
        job = importing.run_job(job_id)
    return job.status if job is not None else None


@shared_task(acks_late=True)
def run_employee_import(*, job_id: int, language: str | None = None) -> str | None:
    """The former name of `run_import_job`, kept so that messages queued under it still run."""
    return run_import_job(job_id=job_id, language=language)


@shared_task(acks_late=True)
def apply_retention(*, today: str | None = None) -> list[dict]:
    """The weekly retention run (asn_portal.retention.run, applied): delete or anonymise the
    personal data whose period has passed. Each rule is one statement in its own transaction
    and finds nothing left on a second run, so a redelivered task changes nothing more."""
    from asn_portal import retention

    day = dt.date.fromisoformat(today) if today else None
    reports = retention.run(day, dry_run=False)
    for report in reports:
        if report.error:
            logger.error("retention rule %s failed: %s", report.code, report.error)
    return [report.as_dict() for report in reports]
