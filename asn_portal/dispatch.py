"""Queueing tasks so that a broker outage never costs a page or a message.

Every task a write starts goes out only after the transaction commits (a rolled-back write
queues nothing) and through `enqueue`, which never raises: when Redis is down the publish
fails fast (settings: CELERY_TASK_PUBLISH_RETRY_POLICY, the broker's socket timeouts), the
failure is logged, and the work stays recorded in the database — a `Notification` with
`email_due`, a `ReportJob` still pending — for `tasks.sweep_undispatched`, which beat runs
every few minutes, to pick up once the broker is back.

In the embedded default (no broker, tasks run eagerly in-process) a task that raises is
logged the same way and the database row again keeps what is owed.
"""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_now(task, **kwargs) -> bool:
    """Publish `task` with keyword arguments at once. Returns False, having logged why, when
    the broker refused it (or the eager run failed)."""
    try:
        task.apply_async(kwargs=kwargs)
    except Exception:  # kombu.OperationalError, redis errors, an eager task's own failure
        logger.warning("task %s not queued; the sweep will retry", task.name, exc_info=True, extra={"kwargs": kwargs})
        return False
    return True


def enqueue(task, **kwargs) -> None:
    """Publish `task` after the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: enqueue_now(task, **kwargs))
