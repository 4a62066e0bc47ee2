"""Reminders: the kinds, how one run sends them, and the beat schedules that start the runs.

An app registers each of its reminder kinds from its AppConfig.ready() (the core imports none
of the apps, as with `imports` and `extensions`). A kind's `collect(today)` answers, with a
fixed number of set-based queries whatever the number of employees, who is owed which message
today: an iterable of `Due`. `run(code, today)` then writes them all as `Notification` rows in
one bulk statement whose unique key — (recipient, "kind:object:occasion") — is recorded
*before* anything is sent: a run that is retried, redelivered or started twice writes no
second row and so sends nothing twice. Only the rows this run created (its `batch`) are
e-mailed, by one task after the commit.

The occasion decides how often a person hears about the same thing: "h3" and "h1" for the days
before a session, "2027-01" for a monthly reminder, "2026-W48" for at most one a week. Runs are
daily; a kind whose rule says "monthly" simply has a monthly occasion.

Users may turn e-mail off for kinds that are not `mandatory` (EmailOptOut); the message still
reaches their bell. Mandatory kinds are duties (an approval waiting, a legal filing deadline).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from asn_portal import dispatch


@dataclass(frozen=True)
class Due:
    """One message owed to one user. `email` is the recipient's address ("" for none)."""

    recipient_id: int
    email: str
    object_key: str  # what it is about: "session-17", "registration-52"
    occasion: str  # which time it is sent: "h3", "2027-01", "2026-W48"
    title: str
    body: str = ""
    url: str = ""


@dataclass(frozen=True)
class ReminderKind:
    code: str  # Notification.kind; part of the key; at most 40 characters
    label: str  # shown on the notification settings page
    description: str  # who gets it and when, one sentence
    collect: Callable[[dt.date], Iterable[Due]]
    mandatory: bool = False  # True: e-mail cannot be turned off
    hour: int = 6  # when the daily run starts (TIME_ZONE)
    minute: int = 0
    order: int = 100

    def key(self, due: Due) -> str:
        return f"{self.code}:{due.object_key}:{due.occasion}"[:200]


_KINDS: dict[str, ReminderKind] = {}


def register(kind: ReminderKind) -> None:
    if len(kind.code) > 40:
        raise ValueError(f"reminder kind code too long: {kind.code}")
    _KINDS[kind.code] = kind


def get(code: str) -> ReminderKind | None:
    return _KINDS.get(code)


def all_kinds() -> list[ReminderKind]:
    return sorted(_KINDS.values(), key=lambda kind: (kind.order, kind.code))


def optional_kinds() -> list[ReminderKind]:
    return [kind for kind in all_kinds() if not kind.mandatory]


def opted_out(user, code: str) -> bool:
    """Whether `user` turned e-mail off for the reminder kind `code` (never for mandatory ones)."""
    from asn_portal.models import EmailOptOut

    kind = _KINDS.get(code) if code else None
    if kind is None or kind.mandatory:
        return False
    return EmailOptOut.objects.filter(user_id=user.pk, kind=code).exists()


def set_email_choices(user, enabled: Iterable[str]) -> None:
    """Store which optional kinds `user` wants by e-mail (the others are opted out)."""
    from asn_portal.models import EmailOptOut

    wanted = set(enabled)
    optional = {kind.code for kind in optional_kinds()}
    with transaction.atomic():
        EmailOptOut.objects.filter(user_id=user.pk, kind__in=wanted & optional).delete()
        existing = set(EmailOptOut.objects.filter(user_id=user.pk).values_list("kind", flat=True))
        EmailOptOut.objects.bulk_create(
            [EmailOptOut(user_id=user.pk, kind=code) for code in sorted(optional - wanted - existing)]
        )


@dataclass(frozen=True)
class RunResult:
    kind: str
    due: int  # messages the rule produced today
    created: int  # of which new (the rest were sent before)
    emailed: int  # of the new ones, owed an e-mail


def run(code: str, today: dt.date | None = None) -> RunResult:
    """Send today's reminders of one kind. Safe to run any number of times a day."""
    from asn_portal.models import EmailOptOut, Notification
    from asn_portal.tasks import send_batch_emails

    kind = _KINDS.get(code)
    if kind is None:
        raise LookupError(f"unknown reminder kind: {code}")
    today = today or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        dues = list(kind.collect(today))
    if not dues:
        return RunResult(code, 0, 0, 0)
    opted: set[int] = set()
    if not kind.mandatory:
        opted = set(EmailOptOut.objects.filter(kind=code).values_list("user_id", flat=True))
    batch = uuid.uuid4()
    rows: dict[tuple[int, str], Notification] = {}
    for due in dues:
        key = kind.key(due)
        rows.setdefault(
            (due.recipient_id, key),
            Notification(
                recipient_id=due.recipient_id,
                key=key,
                kind=code,
                title=due.title[:200],
                body=due.body,
                url=due.url[:500],
                email_due=bool(due.email) and due.recipient_id not in opted,
                batch=batch,
            ),
        )
    with transaction.atomic():
        Notification.objects.bulk_create(rows.values(), ignore_conflicts=True)
        created = Notification.objects.filter(batch=batch)
        counts = {"created": created.count(), "emailed": created.filter(email_due=True).count()}
        if counts["emailed"]:
            dispatch.enqueue(send_batch_emails, batch=str(batch))
    return RunResult(code, len(dues), counts["created"], counts["emailed"])


# --- Beat schedules --------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    """A periodic task declared in code. Either a crontab (`hour`, `minute`, `day_of_month`,
    `month_of_year`, `day_of_week` as crontab strings) or `every_minutes`."""

    name: str
    task: str
    kwargs: dict
    minute: str = "0"
    hour: str = "*"
    day_of_week: str = "*"
    day_of_month: str = "*"
    month_of_year: str = "*"
    every_minutes: int | None = None


_SCHEDULES: dict[str, Schedule] = {}


def register_schedule(schedule: Schedule) -> None:
    _SCHEDULES[schedule.name] = schedule


def schedules() -> list[Schedule]:
    declared = dict(_SCHEDULES)
    for kind in all_kinds():
        name = f"reminder: {kind.code}"
        declared[name] = Schedule(
            name=name,
            task="asn_portal.tasks.send_reminders",
            kwargs={"kind": kind.code},
            minute=str(kind.minute),
            hour=str(kind.hour),
        )
    return [declared[name] for name in sorted(declared)]


def sync_schedules(**_signal_kwargs) -> int:
    """Write every declared schedule into django-celery-beat's tables (idempotent; run after
    each migrate by a post_migrate receiver and by `manage.py sync_schedules`). Schedules an
    operator disabled in the admin stay disabled."""
    import json

    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask, PeriodicTasks

    count = 0
    with transaction.atomic():
        for schedule in schedules():
            timing: dict = {"interval": None, "crontab": None}
            if schedule.every_minutes:
                timing["interval"], _ = IntervalSchedule.objects.get_or_create(
                    every=schedule.every_minutes, period=IntervalSchedule.MINUTES
                )
            else:
                timing["crontab"], _ = CrontabSchedule.objects.get_or_create(
                    minute=schedule.minute,
                    hour=schedule.hour,
                    day_of_week=schedule.day_of_week,
                    day_of_month=schedule.day_of_month,
                    month_of_year=schedule.month_of_year,
                    timezone=settings.TIME_ZONE,
                )
            PeriodicTask.objects.update_or_create(
                name=schedule.name,
                defaults={"task": schedule.task, "kwargs": json.dumps(schedule.kwargs, sort_keys=True), **timing},
            )
            count += 1
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})
    return count
