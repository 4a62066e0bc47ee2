"""A report kind for the core's tests: the directory of the employees the requester may see,
one OPD or all, as XLSX — small enough to check every cell, built with the same helpers as
the real kinds (ReportForm, year_field, write_xlsx). `registered()` adds it for one test."""

from __future__ import annotations

import contextlib
import io

from django import forms

from asn_portal import permissions, reports
from asn_portal.models import OrgUnit

CODE = "test_directory"
BUILDS: list[int] = []  # the job parameters' year of every build, in order (a test resets it)


class DirectoryForm(reports.ReportForm):
    year = reports.year_field()
    opd = forms.ModelChoiceField(label="OPD", queryset=OrgUnit.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        actor = permissions.actor_for(user)
        opds = OrgUnit.objects.opds()
        self.fields["opd"].queryset = opds if actor.is_admin else opds.filter(pk__in=actor.operator_opd_ids)
        self.fields["opd"].required = not actor.is_admin


def build(params, out, progress, *, user):
    BUILDS.append(params["year"])
    if params.get("fail"):
        raise RuntimeError("boom")
    employees = permissions.employees_visible_to(user).order_by("nip")
    if params.get("opd"):
        employees = employees.filter(opd_id=params["opd"])
    rows = (list(row) for row in employees.values_list("nip", "name").iterator(chunk_size=2000))
    count = reports.write_xlsx(out, title="Pegawai", header=["NIP", "Nama"], rows=rows, total=0, progress=progress)
    return reports.Built(file_name=f"pegawai-{params['year']}.xlsx", content_type=reports.XLSX, rows=count)


def _may_request(user) -> bool:
    actor = permissions.actor_for(user)
    return actor.is_admin or actor.is_operator


def _may_read_all(user) -> bool:
    return permissions.actor_for(user).is_admin


KIND = reports.ReportKind(
    code=CODE,
    label="Daftar pegawai (uji)",
    description="Untuk pengujian.",
    form_class=DirectoryForm,
    build=build,
    may_request=_may_request,
    may_read_all=_may_read_all,
)


@contextlib.contextmanager
def registered():
    previous = reports.get(CODE)
    reports.register(KIND)
    BUILDS.clear()
    try:
        yield KIND
    finally:
        reports._KINDS.pop(CODE, None)
        if previous is not None:
            reports.register(previous)


def sheet_rows(data: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return [tuple(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
