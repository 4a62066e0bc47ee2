"""Reports: the kinds, the job that builds one, and who may request, see and download it.

Every kind runs through the same pages (/reports/), the same model (`ReportJob`, whose `kind`
is a registered code), the same Celery task (`tasks.run_report_job`) and the same API. An app
registers its kinds from its AppConfig.ready() (the core imports none of the apps).

A kind has a parameter form (a `ReportForm`: built with the requesting user, so a year in the
future or an OPD the user may not see is refused before any job exists) and a `build` that
writes the file into a binary file object, streaming rows from the database and calling
`progress(done, total)` now and then. It returns a `Built` (download name, content type, rows)
or raises `ReportError` with a code whose message `error_message` gives in the reader's
language.

Reliability: the task is `acks_late` with `reject_on_worker_lost`, so a worker killed in the
middle of a build hands the job back to the broker and another worker builds it again from the
start (the build only reads; the file is stored once, at the end). A job that finished is left
alone by a redelivered task. A job whose task never reached the broker (Redis down) stays
pending and the sweep (tasks.sweep_undispatched) queues it again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from django import forms
from django.core.files import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from asn_portal import dispatch, permissions
from asn_portal.services import ServiceError

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


class ReportError(Exception):
    """An expected reason a report cannot be built; `code` is stored on the job."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class ReportParamsError(ServiceError):
    """The parameters were refused; `errors` maps field → [messages] (form.errors)."""

    def __init__(self, errors: dict[str, list[str]]):
        first = next(iter(errors.values()), [""])[0]
        super().__init__(str(first), "invalid_parameters")
        self.errors = errors


@dataclass(frozen=True)
class Built:
    file_name: str  # the download name, e.g. "rekap-jp-2026.xlsx"
    content_type: str
    rows: int = 0


def _nobody(user) -> bool:
    return False


@dataclass(frozen=True)
class ReportKind:
    code: str  # ReportJob.kind
    label: str
    description: str
    form_class: type[ReportForm]
    # (params, out, progress, *, user) -> Built; `out` is a binary file to write into.
    build: Callable[..., Built]
    may_request: Callable[[Any], bool]  # (user) -> bool
    # (user) -> whether the user sees and may download everyone's jobs of this kind (besides
    # the requester, who always may while they may still request the kind).
    may_read_all: Callable[[Any], bool] = _nobody
    icon: str = "bi-file-earmark-spreadsheet"
    order: int = 100
    errors: dict[str, str] | None = None  # extra error codes → messages


class ReportForm(forms.Form):
    """A kind's parameter form. Subclasses declare fields and may override `params`."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def params(self) -> dict:
        """The cleaned data as JSON (model instances by primary key, dates as ISO)."""
        out = {}
        for name, value in self.cleaned_data.items():
            if hasattr(value, "pk"):
                value = value.pk
            elif isinstance(value, dt.date):
                value = value.isoformat()
            out[name] = value
        return out


def year_field(**kwargs) -> forms.IntegerField:
    """A year from 2000 to this year (a report of a future year has nothing in it yet)."""
    this_year = timezone.localdate().year
    return forms.IntegerField(
        label=kwargs.pop("label", _("Year")),
        min_value=2000,
        max_value=this_year,
        initial=this_year,
        error_messages={
            "max_value": _("The year cannot be in the future (at most %(limit_value)s)."),
            "min_value": _("The year must be %(limit_value)s or later."),
        },
        **kwargs,
    )


_KINDS: dict[str, ReportKind] = {}

ERRORS = {
    "internal": _(
        "The report could not be built because of a system error. Try again; if it fails again, tell the SIGAP administrator."
    ),
    "unknown_kind": _("This kind of report is no longer available."),
    "forbidden": _("You may no longer request this kind of report."),
    "too_many_rows": _("The report would be too large. Choose a smaller scope (one OPD or one year)."),
}


def register(kind: ReportKind) -> None:
    _KINDS[kind.code] = kind


def get(code: str) -> ReportKind | None:
    return _KINDS.get(code)


def all_kinds() -> list[ReportKind]:
    return sorted(_KINDS.values(), key=lambda kind: (kind.order, kind.code))


def label_of(code: str) -> str:
    kind = _KINDS.get(code)
    return str(kind.label) if kind else code


def error_message(code: str) -> str:
    if code in ERRORS:
        return str(ERRORS[code])
    for kind in _KINDS.values():
        if kind.errors and code in kind.errors:
            return str(kind.errors[code])
    return str(ERRORS["internal"])


def kinds_for(user) -> list[ReportKind]:
    return [kind for kind in all_kinds() if kind.may_request(user)]


def can_use_reports(user) -> bool:
    return bool(user and user.is_authenticated and kinds_for(user))


# --- Who sees which job ----------------------------------------------------------------------


def jobs_for(user) -> QuerySet:
    """The jobs `user` may see: their own (of kinds they may still request) and every job of
    the kinds they read in full (Admin BKPP: all but integrity; Inspektorat: integrity)."""
    from asn_portal.models import ReportJob

    if not user or not user.is_authenticated:
        return ReportJob.objects.none()
    own_kinds = [kind.code for kind in all_kinds() if kind.may_request(user)]
    all_of = [kind.code for kind in all_kinds() if kind.may_read_all(user)]
    return ReportJob.objects.filter(
        Q(requested_by=user, kind__in=own_kinds) | Q(requested_by=user, schedule_key__gt="") | Q(kind__in=all_of)
    )


def get_job_for_user(user, pk: int):
    job = jobs_for(user).select_related("requested_by").filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def may_retry(user, job) -> bool:
    return job.status == job.Status.FAILED and jobs_for(user).filter(pk=job.pk).exists()


def describe(job) -> list[tuple[str, str]]:
    """The job's parameters as (label, value) for people: the kind's form labels, choice
    labels and the names of chosen records (an OPD), not raw codes and ids."""
    kind = _KINDS.get(job.kind)
    if kind is None:
        return [(name, str(value)) for name, value in job.params.items()]
    fields = kind.form_class(user=job.requested_by).fields
    described = []
    for name, value in job.params.items():
        field = fields.get(name)
        if field is None:
            continue
        shown = value
        if value in (None, ""):
            shown = "—"
        elif isinstance(field, forms.ModelChoiceField):
            found = field.queryset.model._default_manager.filter(pk=value).first()
            shown = str(found) if found is not None else "—"
        elif isinstance(field, forms.ChoiceField):
            shown = {str(k): v for k, v in field.choices}.get(str(value), value)
        elif isinstance(value, bool):
            shown = _("yes") if value else _("no")
        elif isinstance(value, str) and len(value) == 10 and value[4:5] == "-":
            with contextlib.suppress(ValueError):
                shown = date_format(dt.date.fromisoformat(value), "j F Y")
        described.append((str(field.label or name), str(shown)))
    return described


# --- Requesting ------------------------------------------------------------------------------


def request(user, code: str, data):
    """Check the parameters and queue a job. Raises ServiceError (`unknown_report_kind` 400,
    `forbidden` 403) or ReportParamsError; creates nothing then."""
    from asn_portal.models import ReportJob
    from asn_portal.tasks import run_report_job

    kind = _KINDS.get(code)
    if kind is None:
        raise ServiceError(_("Unknown report kind “%(kind)s”.") % {"kind": code}, "unknown_report_kind", "kind")
    if not kind.may_request(user):
        raise ServiceError(_("You may not request this report."), "forbidden")
    form = kind.form_class(data, user=user)
    if not form.is_valid():
        raise ReportParamsError({field: [str(m) for m in messages] for field, messages in form.errors.items()})
    with transaction.atomic():
        job = ReportJob.objects.create(
            kind=code,
            params=form.params(),
            requested_by=user,
        )
        dispatch.enqueue(run_report_job, job_id=job.pk)
    return job


def schedule(code: str, params: dict, *, recipient, schedule_key: str):
    """Queue a report the system itself asks for (a monthly recap), built with `params` as
    given and e-mailed to `recipient` when done. Idempotent by `schedule_key`: the second call
    for the same occasion returns the existing job and queues nothing."""
    from asn_portal.models import ReportJob
    from asn_portal.tasks import run_report_job

    if code not in _KINDS:
        raise LookupError(f"unknown report kind: {code}")
    with transaction.atomic():
        job, created = ReportJob.objects.get_or_create(
            schedule_key=schedule_key,
            defaults={"kind": code, "params": params, "requested_by": recipient, "email_result": True},
        )
        if created:
            dispatch.enqueue(run_report_job, job_id=job.pk)
    return job


def retry(user, job):
    """Queue a failed job again (its requester, or whoever reads every job of its kind)."""
    from asn_portal.models import ReportJob
    from asn_portal.tasks import run_report_job

    if not may_retry(user, job):
        raise ServiceError(_("Only a failed report can be tried again."), "invalid_state")
    with transaction.atomic():
        ReportJob.objects.filter(pk=job.pk, status=ReportJob.Status.FAILED).update(
            status=ReportJob.Status.PENDING, progress=0, error_code="", error_detail="", finished_at=None
        )
        dispatch.enqueue(run_report_job, job_id=job.pk)
    job.refresh_from_db()
    return job


# --- Building --------------------------------------------------------------------------------


class _Progress:
    """Writes the job's percentage when it moved by a point and at most twice a second."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.percent = 0
        self.at = 0.0

    def __call__(self, done: int, total: int) -> None:
        from asn_portal.models import ReportJob

        if total <= 0:
            return
        percent = min(99, int(done * 100 / total))
        now = time.monotonic()
        if percent > self.percent and now - self.at >= 0.5:
            ReportJob.objects.filter(pk=self.job_id).update(progress=percent)
            self.percent, self.at = percent, now


def _fail(job_id: int, code: str, detail: str = "") -> None:
    from asn_portal.models import ReportJob

    ReportJob.objects.filter(pk=job_id).update(
        status=ReportJob.Status.FAILED, error_code=code, error_detail=detail[:2000], finished_at=timezone.now()
    )


def run_job(job_id: int):
    """Build one job (called by the task). Returns the job, or None when there is none."""
    from asn_portal.models import ReportJob

    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_done:
            return job  # a redelivered task finds the work done (or refused) and leaves it
        job.status = ReportJob.Status.RUNNING
        job.attempts += 1
        job.progress = 0
        job.started_at = timezone.now()
        job.save(update_fields=["status", "attempts", "progress", "started_at"])
    kind = _KINDS.get(job.kind)
    user = job.requested_by
    if kind is None:
        _fail(job.pk, "unknown_kind")
    elif not user.is_active or (not job.schedule_key and not kind.may_request(user)):
        _fail(job.pk, "forbidden")
    else:
        permissions.forget_actor(user)
        _build(job, kind, user)
    job.refresh_from_db()
    if job.status == ReportJob.Status.SUCCEEDED and job.email_result and job.emailed_at is None:
        _email_result(job)
    return job


def _build(job, kind: ReportKind, user) -> None:
    from asn_portal.models import ReportJob

    with tempfile.TemporaryFile() as out:
        try:
            built = kind.build(job.params, out, _Progress(job.pk), user=user)
        except ReportError as error:
            _fail(job.pk, error.code)
            return
        except Exception as error:  # a bug or a lost database: the requester sees a message
            logger.exception("report job %s (%s) failed", job.pk, job.kind)
            _fail(job.pk, "internal", f"{type(error).__name__}: {error}")
            return
        out.seek(0)
        suffix = "." + built.file_name.rsplit(".", 1)[-1] if "." in built.file_name else ""
        with transaction.atomic():
            locked = ReportJob.objects.select_for_update().get(pk=job.pk)
            if locked.status != ReportJob.Status.RUNNING:
                return  # cancelled or finished by another delivery meanwhile
            if locked.file:
                locked.file.delete(save=False)
            locked.file.save(f"{uuid_hex()}{suffix}", File(out), save=False)
            locked.file_name = built.file_name
            locked.content_type = built.content_type
            locked.rows = built.rows
            locked.status = ReportJob.Status.SUCCEEDED
            locked.progress = 100
            locked.finished_at = timezone.now()
            locked.save()


def uuid_hex() -> str:
    import uuid

    return uuid.uuid4().hex


def _email_result(job) -> None:
    """Send a scheduled report's file to its requester, once (the row remembers it)."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.urls import reverse
    from django.utils import translation

    from asn_portal.models import ReportJob

    user = job.requested_by
    if not user.email:
        return
    with transaction.atomic():
        locked = ReportJob.objects.select_for_update().get(pk=job.pk)
        if locked.emailed_at is not None:
            return
        with translation.override(settings.LANGUAGE_CODE):
            link = settings.SIGAP_SITE_URL.rstrip("/") + reverse("portal:report-detail", args=[job.pk])
            message = EmailMessage(
                subject=f"[SIGAP] {locked.kind_label}",
                body=str(_("The report you receive every month is attached. It is also on SIGAP: %(link)s"))
                % {"link": link},
                to=[user.email],
            )
        if locked.file.size <= MAX_ATTACHMENT_BYTES:
            with locked.file.open("rb") as handle:
                message.attach(locked.file_name, handle.read(), locked.content_type)
        message.send()
        locked.emailed_at = timezone.now()
        locked.save(update_fields=["emailed_at"])


MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def write_xlsx(out: IO[bytes], *, title: str, header: list[str], rows, total: int, progress, widths=None) -> int:
    """Stream rows into a one-sheet workbook in openpyxl's write-only mode (rows go to a
    temporary file as they come; memory does not grow with the count). `rows` is an iterable
    of lists; returns the number written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for index, width in enumerate(widths or []):
        sheet.column_dimensions[_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=str(text))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
        count += 1
        if count % 1000 == 0:
            progress(count, total)
    workbook.save(out)
    return count


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def safe_cell(value):
    """Text that a spreadsheet would run as a formula is written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
