"""Celery entry points of careers: thin, keyword-only arguments, safe to run twice.

Both run every day at 01:15 Asia/Jakarta; migration 0005_daily_tasks makes their
django-celery-beat rows. `today` (an ISO date) is for tests and for re-running a missed day."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from careers import study


def _day(today: str | None) -> dt.date:
    return dt.date.fromisoformat(today) if today else timezone.localdate()


@shared_task
def start_due_studies(*, today: str | None = None) -> int:
    """Begin every approved study whose start date has come: a tugas belajar longer than six
    months sets the employee's status and releases the post (DOMAIN.md §7.3)."""
    return study.start_due_studies(_day(today))


@shared_task
def flag_bond_exits(*, today: str | None = None) -> int:
    """Flag to BKPP whoever left the service during a service bond (DOMAIN.md §7.4). The
    employee services flag it at once; this catches changes made by imports."""
    return study.flag_bond_exits(_day(today))
