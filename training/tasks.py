"""Celery entry points of the training app: thin, keyword-only arguments, safe to run twice.

Both run every day at 01:00 Asia/Jakarta; migration 0002_daily_tasks makes their
django-celery-beat rows. `today` (an ISO date) is for tests and for re-running a missed day;
by default it is the local date when the task runs."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from training import services
from training.models import Registration, RegistrationState, Session, SessionStatus

# Issue 4, part 6: the supervisor is asked three months after the session whether the
# training is used at work.
FOLLOW_UP_AFTER_DAYS = 90
# A registration is still asked if the daily run missed its day (beat down, a deploy) by up
# to this many days; older sessions are never asked about (a question about a training of
# years ago helps nobody, and it keeps the first run on an imported history small).
FOLLOW_UP_CATCH_UP_DAYS = 30


def _day(today: str | None) -> dt.date:
    return dt.date.fromisoformat(today) if today else timezone.localdate()


@shared_task
def release_due_quotas(*, today: str | None = None) -> int:
    """For every session still taking participants whose OPD quota is released (release date
    today or past) and that has a waiting list, hand the freed seats to the waiting list
    (`services.release_quotas`, which confirms only while seats and quotas allow). Returns how
    many registrations were confirmed; a second run confirms nothing more."""
    on = _day(today)
    due = (
        Session.objects.filter(
            status__in=(SessionStatus.OPEN, SessionStatus.CLOSED),
            quotas__release_on__lte=on,
            registrations__state=RegistrationState.WAITLISTED,
        )
        .distinct()
        .order_by("id")
    )
    confirmed = 0
    for session in due:
        confirmed += len(services.release_quotas(session, by=None, today=on))
    return confirmed


@shared_task
def ask_due_follow_ups(*, today: str | None = None) -> int:
    """Ask the supervisor of every participant who completed a session that ended
    FOLLOW_UP_AFTER_DAYS ago (or up to FOLLOW_UP_CATCH_UP_DAYS earlier) whether it is used at
    work (`services.ask_follow_up`). Registrations already asked are skipped, so a second run
    asks nobody twice. Returns how many questions were created."""
    on = _day(today)
    latest_end = on - dt.timedelta(days=FOLLOW_UP_AFTER_DAYS)
    due = (
        Registration.objects.filter(
            state=RegistrationState.COMPLETED,
            session__ends_on__lte=latest_end,
            session__ends_on__gt=latest_end - dt.timedelta(days=FOLLOW_UP_CATCH_UP_DAYS),
            follow_up__isnull=True,
            employee__supervisor__isnull=False,
        )
        .select_related("employee__supervisor__user", "session__program")
        .order_by("id")
    )
    asked = 0
    for registration in list(due):  # one day's worth: small
        asked += services.ask_follow_up(registration, on=on) is not None
    return asked


@shared_task
def send_monthly_jp_recaps(*, today: str | None = None) -> int:
    """On the 1st of each month (beat: training.apps), queue the per-employee JP recap (XLSX)
    of the year of the previous month for every OPD whose head has a user account with an
    e-mail (`reports.opd_heads`), to be e-mailed to the head. Keyed by month and OPD, so a
    second run queues nothing. Returns how many OPDs were handled."""
    from asn_portal import reports as core_reports
    from training import reports

    on = _day(today)
    year = (on.replace(day=1) - dt.timedelta(days=1)).year
    month = f"{on:%Y-%m}"
    handled = 0
    for opd_id, user in reports.opd_heads(with_email=True):
        core_reports.schedule(
            reports.JP_RECAP,
            {"year": year, "level": "employee", "opd": opd_id, "format": "xlsx"},
            recipient=user,
            schedule_key=f"jp_recap:{month}:opd-{opd_id}",
        )
        handled += 1
    return handled
