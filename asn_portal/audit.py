"""Audit trail: django-auditlog records who changed what, when, with before/after values, for
every model registered here. Chosen over a hand-written model because it hooks every save and
delete (admin included), resolves the actor from the request, and has access logging that
the integrity app uses for reads. Bulk writes (the employee import) add their entries through
`log_bulk`, since bulk_create and bulk_update send no signals."""

from __future__ import annotations

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from auditlog.signals import accessed
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from asn_portal.models import Employee, OperatorGrant, OrgUnit, Position, User

auditlog.register(Employee)
auditlog.register(OrgUnit)
auditlog.register(Position)
auditlog.register(OperatorGrant)
auditlog.register(User, exclude_fields=["password", "last_login"], m2m_fields={"groups"})


def log_bulk(model, entries, *, actor) -> int:
    """Write audit entries for a bulk change. `entries` yields (obj, action, changes) where
    changes maps field name to [before, after] as strings, as django-auditlog does."""
    content_type = ContentType.objects.get_for_model(model)
    now = timezone.now()
    rows = [
        LogEntry(
            content_type=content_type,
            object_pk=str(obj.pk),
            object_id=obj.pk,
            object_repr=str(obj)[:2000],
            action=action,
            changes=changes,
            changes_text="",
            actor=actor,
            actor_email=getattr(actor, "email", None),
            timestamp=now,
        )
        for obj, action, changes in entries
    ]
    LogEntry.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def log_read(obj, *, by=None) -> None:
    """Record that someone read `obj` (an ACCESS entry with the actor and address the request's
    audit context gives): so "Data saya" can list who opened a person's records and the breach
    query can list whose records an account opened. A read of one's own record is not logged
    (pass `by` to skip it), except where the caller wants it (the personal-data download)."""
    if by is not None and getattr(obj, "user_id", None) == getattr(by, "pk", None):
        return
    accessed.send(obj.__class__, instance=obj)
