"""Celery entry points of the core app: thin, keyword-only ids, safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from asn_portal.models import Notification


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(*, notification_id: int) -> bool:
    """E-mail one notification. A redelivered task finds `emailed_at` set and sends nothing."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
        )
        if notification is None or notification.emailed_at is not None or not notification.recipient.email:
            return False
        body = notification.body
        if notification.url:
            body = f"{body}\n\n{settings.SIGAP_SITE_URL.rstrip('/')}{notification.url}".strip()
        send_mail(
            subject=f"[SIGAP] {notification.title}",
            message=body,
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


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
