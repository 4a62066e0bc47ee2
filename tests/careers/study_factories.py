"""Study-leave applications for tests, made and walked through the services (careers.study).

    data = plan(kind="tugas_belajar", level="S2")    # an ApplicationData
    leave = draft(city.staff_a, data)               # by the employee
    leave = study_at("ongoing", city.staff_a, city) # walked to a state through every step

City fixture roles: staff_a (PNS since 1 March 2016, born 17 May 1990 → 36 on START, S1)
applies; city.supervisor recommends; city.operator (Dinkes) checks; city.admin decides.
TODAY is before START, so an approved study waits for its start date unless `today` says
otherwise."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from asn_portal.models import EducationLevel
from careers import study
from careers.models import Accreditation, Funding, StudyKind, StudyLeave, StudyState, TerminationReason

TODAY = dt.date(2026, 11, 28)
START = dt.date(2027, 2, 1)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"


def pdf(name: str = "dokumen.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def plan(
    *,
    kind: str = StudyKind.TUGAS_BELAJAR,
    level: str = "S2",
    starts_on: dt.date = START,
    months: int = 24,
    ends_on: dt.date | None = None,
    accreditation: str = Accreditation.A,
    funding: str | None = None,
    sponsor: str = "",
    **extra,
) -> study.ApplicationData:
    from dateutil.relativedelta import relativedelta

    if funding is None:
        funding = Funding.APBD if kind == StudyKind.TUGAS_BELAJAR else Funding.SELF
    return study.ApplicationData(
        kind=kind,
        level=EducationLevel.objects.get(code=level),
        program=extra.pop("program", "Magister Kesehatan Masyarakat"),
        institution=extra.pop("institution", "Universitas Diponegoro"),
        accreditation=accreditation,
        starts_on=starts_on,
        ends_on=ends_on or starts_on + relativedelta(months=months),
        funding=funding,
        sponsor=sponsor,
        relevance=extra.pop("relevance", "Mendukung tugas analisis data surveilans penyakit."),
        **extra,
    )


def draft(employee, data: study.ApplicationData | None = None, *, today: dt.date = TODAY) -> StudyLeave:
    return study.create_draft(employee, data or plan(), by=employee.user, today=today)


def attach_all(leave: StudyLeave, by) -> None:
    for kind in study.required_documents(leave):
        study.attach_document(leave, kind=kind, uploaded=pdf(f"{kind}.pdf"), by=by)


def study_at(
    state: str,
    employee,
    city,
    data: study.ApplicationData | None = None,
    *,
    today: dt.date = TODAY,
    started_today: dt.date | None = None,
) -> StudyLeave:
    """An application of `employee` walked through the services to `state`. For `ongoing`,
    the study is started on `started_today` (default: its start date); `completed` graduates
    on the planned end and returns a week later; `terminated` ends (failed) 90 days in."""
    S = StudyState
    leave = draft(employee, data, today=today)
    if state == S.DRAFT:
        return leave
    attach_all(leave, employee.user)
    if state == S.WITHDRAWN:
        return study.withdraw(leave, by=employee.user, reason="Batal")
    leave = study.submit(leave, by=employee.user, today=today)
    if state == S.SUBMITTED:
        return leave
    supervisor_user = city.supervisor.user
    if state == S.RETURNED:
        return study.return_for_correction(leave, by=supervisor_user, reason="Lengkapi LoA")
    leave = study.recommend(leave, by=supervisor_user)
    if state == S.RECOMMENDED:
        return leave
    leave = study.check_complete(leave, by=city.operator.user)
    if state == S.CHECKED:
        return leave
    if state == S.REJECTED:
        return study.reject(leave, by=city.admin, reason="Formasi tidak tersedia")
    leave = study.approve(leave, by=city.admin, decree_number="800/123/2026", decree_on=today, today=today)
    if state == S.APPROVED:
        return leave
    study.start_due_studies(started_today or leave.starts_on)
    leave.refresh_from_db()
    if state == S.ONGOING:
        return leave
    if state == S.COMPLETED:
        # Graduates on the planned end and is back at work a week later.
        back = leave.ends_on + dt.timedelta(days=7)
        return study.complete(leave, by=city.admin, graduated_on=leave.ends_on, returned_on=back, today=back)
    if state == S.TERMINATED:
        on = leave.starts_on + dt.timedelta(days=90)
        return study.terminate(
            leave, by=city.admin, reason_kind=TerminationReason.FAILED, reason="IPK di bawah 2,00", on=on, today=on
        )
    raise ValueError(state)
