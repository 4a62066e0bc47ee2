"""The integrity records of the demo city (issue 3, part 11).

`python manage.py seed_demo` calls `seed(city, today=..., log=...)` of every installed app that
has a `demo` module with a `seed` function (the core never imports this app); this is the
integrity app's. `asn_portal.demo.build_integrity` plans the records as plain data
(reproducible, see its comment); this module writes that plan through `integrity.services`
so the rules apply: decree dates not in the future, sanction ends computed from the type,
the case a positive drug test opens, working-day deadlines for gratification reports,
content-checked pact documents, and the obligees `open_filing_year` derives from positions
and LHKPN designations.

One exception, for speed: the wealth-report hand-ins (three years of the whole city) are
written with one `bulk_update` instead of one `record_submission` call per row, after the
same checks that service makes (see `_submit_filings`).

Idempotent: when a sanction with one of the plan's decree numbers exists, nothing is written;
when the database holds another demo city (other seed or size), nothing is written either.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Case, CharField, Value, When
from django.utils import translation

from asn_portal import demo as city_demo
from asn_portal.models import Employee, OrgUnit, User
from asn_portal.services import ServiceError
from integrity import services
from integrity.models import (
    FilingChannel,
    FilingKind,
    IntegrityCase,
    Sanction,
    SanctionType,
    WealthReport,
)

CHUNK = 500

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def seed(city: city_demo.DemoCity, *, today: dt.date, log: Callable[[str], None] = lambda message: None) -> int:
    """Write the integrity records of `city` (already in the database), with the current
    records dated back from `today`. Returns the number of records created (0 when the
    demo's integrity records exist, or the database holds another city). Stored texts are
    in the site's language, whoever runs the command."""
    plan = city_demo.build_integrity(city, as_of=today)
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        return _Writer(city, plan, log).write()


# --- A signed pact as a tiny PDF ------------------------------------------------------------


def _pdf_text(value: str) -> str:
    text = value.encode("cp1252", "replace").decode("cp1252")
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF 1.4 showing `lines` (the first as a title) in Helvetica, written by
    hand: catalogue, page tree, page, font and content stream, with a correct xref table."""
    body = ["BT", "/F1 15 Tf", "72 780 Td", f"({_pdf_text(lines[0])}) Tj", "/F1 10 Tf", "0 -30 Td"]
    for line in lines[1:]:
        body += [f"({_pdf_text(line)}) Tj", "0 -15 Td"]
    body.append("ET")
    stream = "\n".join(body).encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref_at)
    return bytes(out)


def _date_id(day: dt.date) -> str:
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def pact_document(employee: Employee, signed_on: dt.date) -> ContentFile:
    position = str(employee.position) if employee.position_id else "-"
    lines = [
        "PAKTA INTEGRITAS",
        "Saya yang bertanda tangan di bawah ini:",
        f"Nama: {employee.full_name}",
        f"NIP: {employee.formatted_nip}",
        f"Jabatan: {position}",
        f"Unit kerja: {employee.unit.name}",
        "dalam rangka mewujudkan pemerintahan yang bersih dan bebas dari korupsi, kolusi dan",
        "nepotisme, menyatakan bahwa saya:",
        "1. tidak akan meminta atau menerima suap dan gratifikasi dalam bentuk apa pun;",
        "2. akan bersikap transparan, jujur, objektif dan akuntabel dalam melaksanakan tugas;",
        "3. akan menghindari benturan kepentingan dalam melaksanakan tugas;",
        "4. akan memberi contoh dalam kepatuhan terhadap peraturan perundang-undangan;",
        "5. akan melaporkan pelanggaran integritas yang saya ketahui;",
        "6. bersedia menerima sanksi apabila melanggar pakta integritas ini.",
        "",
        f"Semarang, {_date_id(signed_on)}",
        "(ditandatangani)",
        employee.full_name,
        "",
        "Dokumen contoh data demo SIGAP.",
    ]
    return ContentFile(minimal_pdf(lines), name=f"pakta-integritas-{employee.nip}-{signed_on:%Y%m%d}.pdf")


# --- Writing the plan -------------------------------------------------------------------------


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Writer:
    def __init__(self, city: city_demo.DemoCity, plan: city_demo.IntegrityPlan, log: Callable[[str], None]):
        self.city = city
        self.plan = plan
        self.today = plan.as_of
        self.log = log
        username = next(account.username for account in city.accounts if account.role == "inspektorat")
        self.officer = User.objects.filter(username=username).first()
        self.created = 0

    def write(self) -> int:
        if Sanction.objects.filter(decree_number__in=self.plan.decree_numbers).exists():
            self.log("Integrity: the demo's integrity records are already in the database: nothing to add.")
            return 0
        nips = [employee.nip for employee in self.city.employees]
        self.ids: dict[str, int] = {}
        for chunk in _chunks(nips):
            self.ids.update(Employee.objects.filter(nip__in=chunk).values_list("nip", "pk"))
        if len(self.ids) != len(nips):
            self.log("Integrity: the database holds another demo city (seed or size): no integrity records added.")
            return 0
        self.employees = self._load_employees()
        self._designations()
        by_decree = self._sanctions()
        self._cases(by_decree)
        self._drug_test()
        self._filings()
        self._gratifications()
        self._pacts()
        return self.created

    def _load_employees(self) -> dict[str, Employee]:
        plan = self.plan
        wanted = {
            *(s.nip for s in plan.sanctions),
            *(c.nip for c in plan.cases),
            *(d.nip for d in plan.designations),
            *(r.nip for r in plan.drug_test.results),
            *(g.nip for g in plan.gratifications),
            *(p.nip for p in plan.pacts),
        }
        employees: dict[str, Employee] = {}
        for chunk in _chunks(sorted(wanted)):
            queryset = Employee.objects.filter(nip__in=chunk).select_related("position", "unit", "user")
            employees.update((employee.nip, employee) for employee in queryset)
        return employees

    def _designations(self) -> None:
        for designation in self.plan.designations:
            services.designate_lhkpn(
                self.employees[designation.nip],
                must_file=True,
                decree_number=designation.decree_number,
                decree_on=designation.decree_on,
                valid_from=designation.valid_from,
                by=self.officer,
                today=self.today,
            )
        self.created += len(self.plan.designations)

    def _sanctions(self) -> dict[str, Sanction]:
        types = {sanction_type.code: sanction_type for sanction_type in SanctionType.objects.all()}
        by_decree: dict[str, Sanction] = {}
        annulled = 0
        for item in self.plan.sanctions:
            sanction = services.record_sanction(
                employee=self.employees[item.nip],
                type=types[item.type_code],
                decree_number=item.decree_number,
                decree_on=item.decree_on,
                issued_by=item.issued_by,
                starts_on=item.starts_on,
                violation=item.violation,
                by=self.officer,
                today=self.today,
            )
            if item.annulment_decree_number:
                sanction = services.annul_sanction(
                    sanction,
                    decree_number=item.annulment_decree_number,
                    decree_on=item.annulment_decree_on,
                    by=self.officer,
                    today=self.today,
                )
                annulled += 1
            by_decree[item.decree_number] = sanction
        self.created += len(self.plan.sanctions)
        self.log(f"Integrity: {len(self.plan.sanctions)} disciplinary sanctions ({annulled} annulled on appeal).")
        return by_decree

    def _advance(self, case: IntegrityCase, steps, by_decree: dict[str, Sanction]) -> IntegrityCase:
        for step in steps:
            case = services.advance_case(
                case,
                status=step.status,
                by=self.officer,
                on=step.on,
                note=step.note,
                alleged_level=step.alleged_level,
                sanction=by_decree.get(step.sanction_decree) if step.sanction_decree else None,
            )
        return case

    def _cases(self, by_decree: dict[str, Sanction]) -> None:
        still_open = 0
        for item in self.plan.cases:
            case = services.open_case(
                employee=self.employees[item.nip],
                category=item.category,
                source=item.source,
                summary=item.summary,
                opened_on=item.opened_on,
                by=self.officer,
                today=self.today,
                alleged_level=item.alleged_level,
            )
            case = self._advance(case, item.steps, by_decree)
            still_open += case.is_open
        self.created += len(self.plan.cases)
        self.log(f"Integrity: {len(self.plan.cases)} integrity cases ({still_open} open).")

    def _drug_test(self) -> None:
        plan = self.plan.drug_test
        event = services.record_drug_test_event(
            held_on=plan.held_on,
            organiser=plan.organiser,
            units=list(OrgUnit.objects.filter(code__in=plan.opd_codes)),
            notes=plan.notes,
            by=self.officer,
            today=self.today,
        )
        for item in plan.results:
            result = services.record_drug_test_result(
                event=event,
                employee=self.employees[item.nip],
                outcome=item.outcome,
                follow_up=item.follow_up,
                notes=item.notes,
                by=self.officer,
            )
            if item.case_steps:  # the service opened a case for the positive result
                self._advance(IntegrityCase.objects.get(drug_test_result=result), item.case_steps, {})
        self.created += 1 + len(plan.results)
        self.log(
            f"Integrity: a drug test by {plan.organiser} in {len(plan.opd_codes)} OPDs, {len(plan.results)} results."
        )

    def _filings(self) -> None:
        # Set-based: every employee in service gets the year's row (the demo city's and any other).
        opened = sum(
            services.open_filing_year(year, today=self.today, by=self.officer) for year in self.plan.filing_years
        )
        submitted = self._submit_filings()
        self.created += opened
        self.log(
            f"Integrity: {opened} wealth-report filings for {', '.join(map(str, self.plan.filing_years))}, "
            f"{submitted} handed in."
        )

    def _submit_filings(self) -> int:
        """Mark the planned hand-ins (and verifications) in bulk. `record_submission` takes
        three queries a row, about 1 ms on SQLite: some 5 s for a city of 2,000 and 40 s for
        15,000, against under 1 s and about 2 s here. The checks it makes are made here for
        all rows at once, with the same error codes: the year has begun and the filing row
        exists (so the year is not before the appointment, as `open_filing_year` only opens
        those), the date is not in the future nor before the year, the channel follows the
        kind; a verification comes after the hand-in and not in the future. One UPDATE per
        hand-in date (and per verification day) is far quicker than `bulk_update`, whose
        CASE expression per row dominates at this size."""
        years = self.plan.filing_years
        rows = {
            (employee_id, year): pk
            for pk, employee_id, year in WealthReport.objects.filter(year__in=years).values_list(
                "pk", "employee_id", "year"
            )
        }
        submitted: dict[dt.date, list[int]] = defaultdict(list)
        verified: dict[dt.date, list[int]] = defaultdict(list)
        for item in self.plan.filings:
            if item.submitted_on is None:
                continue
            pk = rows.get((self.ids[item.nip], item.year))
            if pk is None:  # not obliged (any more): nothing to mark
                continue
            if item.year > self.today.year:
                raise ServiceError(f"reporting year {item.year} has not started", "year_in_future", "year")
            if item.submitted_on > self.today:
                raise ServiceError(
                    f"submission date {item.submitted_on} in the future", "date_in_future", "submitted_on"
                )
            if item.submitted_on.year < item.year:
                raise ServiceError(f"submitted before {item.year} began", "submitted_before_year", "submitted_on")
            if item.verified_on and not item.submitted_on <= item.verified_on <= self.today:
                raise ServiceError(f"verification on {item.verified_on} out of order", "not_submitted", "verified_on")
            submitted[item.submitted_on].append(pk)
            if item.verified_on:
                verified[item.verified_on].append(pk)
        channel = Case(
            When(kind=FilingKind.LHKPN, then=Value(FilingChannel.E_LHKPN)),
            default=Value(FilingChannel.SIHARKA),
            output_field=CharField(),
        )
        for day in sorted(submitted):
            for chunk in _chunks(submitted[day]):
                WealthReport.objects.filter(pk__in=chunk).update(submitted_on=day, channel=channel)
        for day in sorted(verified):
            for chunk in _chunks(verified[day]):
                WealthReport.objects.filter(pk__in=chunk).update(verified_on=day, verified_by=self.officer)
        return sum(map(len, submitted.values()))

    def _gratifications(self) -> None:
        for item in self.plan.gratifications:
            employee = self.employees[item.nip]
            report = services.report_gratification(
                employee=employee,
                received_on=item.received_on,
                giver=item.giver,
                description=item.description,
                estimated_value=Decimal(item.estimated_value),
                relation_to_duty=item.relation_to_duty,
                reported_on=item.reported_on,
                by=employee.user,
            )
            for step in item.steps:
                report = services.process_gratification(
                    report,
                    status=step.status,
                    by=self.officer,
                    on=step.on,
                    note=step.note,
                    kpk_reference=step.kpk_reference,
                    decision=step.decision,
                )
        self.created += len(self.plan.gratifications)
        late = sum(item.is_late for item in self.plan.gratifications)
        self.log(f"Integrity: {len(self.plan.gratifications)} gratification reports ({late} late).")

    def _pacts(self) -> None:
        for item in self.plan.pacts:
            employee = self.employees[item.nip]
            services.record_pact(
                employee=employee,
                occasion=item.occasion,
                signed_on=item.signed_on,
                document=pact_document(employee, item.signed_on),
                by=self.officer,
                today=self.today,
            )
        self.created += len(self.plan.pacts)
        self.log(f"Integrity: {len(self.plan.pacts)} integrity pacts of structural officials.")
