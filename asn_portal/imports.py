"""The kinds of spreadsheet import. Every kind runs through the same upload page, the same job
model (`ImportJob`, whose `kind` is a registered code), the same Celery task
(`tasks.run_import_job`) and the same command (`manage.py import_records KIND FILE`).

The core registers "employees" (asn_portal.importing); the other apps register their own
kinds from their AppConfig.ready(), so that the core never imports them (DESIGN.md: asn_portal
imports none of training, careers, integrity) — the same pattern as `extensions.py`.

A kind's `run` reads the file and writes all rows or none; it returns an
`asn_portal.importing.ImportResult`, whose problems are dicts {"row", "column", "code",
"message"}. The shared file reading (`open_table`, `read_records`, cell parsers) lives in
`asn_portal.importing`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from asn_portal.importing import ImportResult
    from asn_portal.models import ImportJob


def _nobody(user) -> bool:
    return False


@dataclass(frozen=True)
class ImportKind:
    """One kind of import. The callables take the user (a `User`; None never reaches them:
    the upload page needs a login and the command's system import skips the checks)."""

    code: str  # stored in ImportJob.kind; the KIND argument of import_records
    label: str  # short name, shown in the kind selector and the job lists
    columns: tuple[str, ...]  # every column the template knows, in template order
    required: tuple[str, ...]  # the columns the header must have
    # (user) -> whether the user may run this import (upload page, task, command --as).
    may_use: Callable[[Any], bool]
    # (fileobj, *, filename, actor, today=None, dry_run=False, progress=None) -> ImportResult.
    # All rows or none; `actor` None means a system import (the command without --as).
    run: Callable[..., ImportResult]
    # () -> the .xlsx template's bytes.
    template: Callable[[], bytes]
    # (fileobj, filename) -> None, raising importing.ImportFileError: what the upload form
    # checks before a job is queued. None: the header against `columns`/`required` and at
    # least one data row.
    check_upload: Callable[[Any, str], None] | None = None
    # (user) -> whether the user sees everyone's jobs of this kind; otherwise only their own.
    sees_all_jobs: Callable[[Any], bool] = _nobody
    title: str = ""  # the upload page's heading for this kind
    description: str = ""  # one sentence under the heading
    notes: tuple[str, ...] = ()  # hints on the columns, shown as a list
    created_label: str = gettext_lazy("new records")
    updated_label: str = gettext_lazy("records updated")
    unchanged_label: str = gettext_lazy("already up to date")
    result_url_name: str = ""  # reversed without arguments: where the imported records live
    result_link_label: str = ""
    template_filename: str = ""
    order: int = 100

    def check(self, fileobj, filename: str) -> None:
        """Check an upload before a job is created; raises `importing.ImportFileError`."""
        if self.check_upload is not None:
            self.check_upload(fileobj, filename)
            return
        from asn_portal import importing

        importing.check_upload(fileobj, filename, columns=self.columns, required=self.required)

    @property
    def download_name(self) -> str:
        return self.template_filename or f"template-import-{self.code.replace('_', '-')}.xlsx"


_kinds: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> None:
    """Register (or replace) a kind; call it from an AppConfig.ready()."""
    _kinds[kind.code] = kind


def get(code: str | None) -> ImportKind | None:
    return _kinds.get(code or "")


def all_kinds() -> list[ImportKind]:
    return sorted(_kinds.values(), key=lambda k: (k.order, k.code))


def codes() -> list[str]:
    return [kind.code for kind in all_kinds()]


def kinds_for(user) -> list[ImportKind]:
    """The kinds `user` may run, in display order (empty for an anonymous visitor)."""
    if user is None or not user.is_authenticated:
        return []
    return [kind for kind in all_kinds() if kind.may_use(user)]


def label_of(code: str) -> str:
    kind = get(code)
    return str(kind.label) if kind is not None else code


# --- Who sees which job --------------------------------------------------------------------------
# Kind by kind: everyone's jobs for those whom the kind lets see all, one's own jobs of the kinds
# one may run, nothing else. For "employees": Admin BKPP every job, an operator their own.


def jobs_visible_to(user) -> QuerySet[ImportJob]:
    from asn_portal.models import ImportJob

    jobs = ImportJob.objects.all()
    if user is None or not user.is_authenticated:
        return jobs.none()
    condition = Q(pk__in=[])
    all_of = [kind.code for kind in all_kinds() if kind.sees_all_jobs(user)]
    own_of = [kind.code for kind in all_kinds() if kind.code not in all_of and kind.may_use(user)]
    if all_of:
        condition |= Q(kind__in=all_of)
    if own_of:
        condition |= Q(kind__in=own_of, requested_by_id=user.pk)
    return jobs.filter(condition)


def get_job_for_user(user, pk: int) -> ImportJob:
    """The job, or 404 — the same for "missing" and "not yours"."""
    job = jobs_visible_to(user).select_related("requested_by").filter(pk=pk).first()
    if job is None:
        raise Http404(_("Import not found."))
    return job
