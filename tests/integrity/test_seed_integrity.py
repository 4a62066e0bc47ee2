"""The demo's integrity picture: `seed_demo` asks `asn_portal.demo.build_integrity` for a plan
and `integrity.demo.seed` writes it through the integrity services. One small city (120
employees, seeded as of AS_OF) for the whole module, inside a transaction rolled back at the
end; each test runs in a savepoint inside it. Pact documents go to a temporary MEDIA_ROOT."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from asn_portal import demo
from asn_portal.models import CollectiveLeave, Employee
from asn_portal.uploads import check_document
from integrity import services
from integrity.demo import minimal_pdf
from integrity.models import (
    CaseEvent,
    CaseStatus,
    DrugTestEvent,
    DrugTestOutcome,
    DrugTestResult,
    FilingKind,
    FilingStatus,
    GratificationReport,
    GratificationStatus,
    IntegrityCase,
    IntegrityPact,
    LhkpnDesignation,
    Sanction,
    SanctionLevel,
    WealthReport,
)

SIZE = 120
AS_OF = dt.date(2026, 11, 28)
INTEGRITY_MODELS = (
    Sanction,
    IntegrityCase,
    CaseEvent,
    LhkpnDesignation,
    WealthReport,
    DrugTestEvent,
    DrugTestResult,
    GratificationReport,
    IntegrityPact,
    CollectiveLeave,
)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed once for the module (what the run printed is kept for the tests)."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", "--as-of", AS_OF.isoformat(), employees=SIZE, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def plan():
    return demo.build_integrity(demo.build_city(demo.DEFAULT_SEED, SIZE), as_of=AS_OF)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in INTEGRITY_MODELS}


def _team():
    return Employee.objects.filter(supervisor__nip=demo.PERSONA_SUPERVISOR.nip)


# --- The plan alone (no database) ---------------------------------------------------------------


def test_the_same_city_and_day_plan_the_same_integrity_records():
    city = demo.build_city(seed=7, employees=300)

    first = demo.build_integrity(city, as_of=AS_OF)
    second = demo.build_integrity(demo.build_city(seed=7, employees=300), as_of=AS_OF)

    assert first == second


@pytest.mark.parametrize("as_of", [None, demo.REFERENCE_DATE, AS_OF, dt.date(2029, 6, 1)])
def test_no_planned_record_is_dated_after_the_day_of_seeding(as_of):
    plan = demo.build_integrity(demo.build_city(seed=3, employees=200), as_of=as_of)

    dates = [plan.drug_test.held_on]
    dates += [d for s in plan.sanctions for d in (s.decree_on, s.starts_on, s.annulment_decree_on) if d]
    dates += [c.opened_on for c in plan.cases] + [step.on for c in plan.cases for step in c.steps]
    dates += [d for f in plan.filings for d in (f.submitted_on, f.verified_on) if d]
    dates += [g.reported_on for g in plan.gratifications] + [s.on for g in plan.gratifications for s in g.steps]
    dates += [p.signed_on for p in plan.pacts]
    assert plan.as_of == max(as_of or demo.REFERENCE_DATE, demo.REFERENCE_DATE)
    assert max(dates) <= plan.as_of


def test_the_hand_written_pact_pdf_is_accepted_as_a_pdf():
    from django.core.files.base import ContentFile

    document = ContentFile(minimal_pdf(["PAKTA INTEGRITAS", "Nama: Budi (contoh) \\ Semarang"]), name="pakta.pdf")

    assert check_document(document) == "application/pdf"


# --- The seeded database -------------------------------------------------------------------------


@pytest.mark.django_db
def test_seeding_reports_the_integrity_records(seeded):
    assert "Integrity:" in seeded
    assert "Demo records of integrity" in seeded


@pytest.mark.django_db
def test_seeding_writes_nothing_to_the_audit_log(seeded):
    from auditlog.models import LogEntry

    assert Sanction.objects.exists()
    assert not LogEntry.objects.exists()


@pytest.mark.django_db
def test_there_are_sanctions_of_every_level_in_force_served_and_annulled(seeded):
    sanctions = Sanction.objects.select_related("type")

    assert {s.type.level for s in sanctions} == set(SanctionLevel.values)
    assert sanctions.blocking().in_force_on(demo.REFERENCE_DATE).exists()
    assert sanctions.blocking().in_force_on(AS_OF).exists()
    assert sanctions.blocking().filter(is_annulled=False, ends_on__lte=demo.REFERENCE_DATE).exists()
    annulled = sanctions.filter(is_annulled=True)
    assert annulled.count() == 1
    assert annulled.get().annulment_decree_number
    assert not sanctions.in_force_on(AS_OF).filter(is_annulled=True).exists()


@pytest.mark.django_db
def test_a_few_percent_of_the_employees_carry_a_sanction(seeded):
    sanctioned = Sanction.objects.values("employee").distinct().count()

    assert 0.02 * SIZE <= sanctioned <= 0.15 * SIZE


@pytest.mark.django_db
def test_employees_with_an_open_moderate_or_severe_case_are_under_examination(seeded):
    examined = IntegrityCase.objects.examining().filter(closed_on__isnull=True)

    assert examined.exists()
    for case in examined:
        assert services.standing(case.employee, on=AS_OF).under_examination, case
        assert services.standing(case.employee, on=case.opened_on - dt.timedelta(days=1)).under_examination is False


@pytest.mark.django_db
def test_closed_cases_are_either_sanctioned_or_dismissed_and_every_step_is_recorded(seeded):
    closed = IntegrityCase.objects.filter(status__in=CaseStatus.closed())

    assert {c.status for c in closed} == set(CaseStatus.closed())
    assert closed.filter(status=CaseStatus.SELESAI, sanction__isnull=False).exists()
    for case in closed:
        assert case.events.filter(status=case.status).exists()
        if case.sanction_id:
            assert case.sanction.employee_id == case.employee_id
            assert case.closed_on == case.sanction.decree_on
    assert IntegrityCase.objects.filter(status=CaseStatus.DITERIMA, alleged_level="").exists()


@pytest.mark.django_db
def test_filings_of_2023_to_2025_are_mostly_on_time_with_late_and_missing_ones(seeded):
    for year in demo.FILING_YEARS:
        rows = WealthReport.objects.filter(year=year).with_status(AS_OF)
        statuses = Counter(rows.values_list("status_on", flat=True))
        on_time = statuses[FilingStatus.SUDAH] + statuses[FilingStatus.TERVERIFIKASI]
        late = rows.filter(submitted_on__gt=dt.date(year + 1, 3, 31)).count()
        missing = rows.filter(submitted_on__isnull=True).count()

        assert on_time > (late + missing), year
        assert late > 0, year
        assert missing > 0, year
        assert statuses[FilingStatus.TERVERIFIKASI] > 0, year


@pytest.mark.django_db
def test_lhkpn_filings_are_exactly_those_of_the_obligees(seeded):
    assert LhkpnDesignation.objects.exists()
    for year in demo.FILING_YEARS:
        filers = Employee.objects.filter(wealth_reports__year=year)
        obligees = set(
            services.with_lhkpn_obligation(filers, dt.date(year, 12, 31))
            .filter(must_file_lhkpn=True)
            .values_list("pk", flat=True)
        )
        lhkpn = set(WealthReport.objects.filter(year=year, kind=FilingKind.LHKPN).values_list("employee_id", flat=True))

        assert lhkpn == obligees
        assert WealthReport.objects.filter(year=year, kind=FilingKind.LHKASN).exists()


@pytest.mark.django_db
def test_the_filings_are_those_the_plan_expects(seeded, plan):
    rows = set(WealthReport.objects.values_list("employee__nip", "year", "submitted_on", "verified_on"))

    assert rows == {(f.nip, f.year, f.submitted_on, f.verified_on) for f in plan.filings}


@pytest.mark.django_db
def test_the_drug_test_has_results_and_every_positive_has_a_case(seeded):
    event = DrugTestEvent.objects.get()
    outcomes = Counter(event.results.values_list("outcome", flat=True))

    assert event.organiser == "BNNK Kota Semarang"
    assert event.units.count() >= 3
    assert outcomes[DrugTestOutcome.NEGATIF] > outcomes[DrugTestOutcome.TIDAK_HADIR] >= 1
    assert 1 <= outcomes[DrugTestOutcome.POSITIF] <= 2
    for result in event.results.filter(outcome=DrugTestOutcome.POSITIF):
        case = result.case
        assert (case.employee_id, case.category, case.source) == (result.employee_id, "narkoba", "tes_urine")
        assert services.standing(result.employee, on=AS_OF).under_examination


@pytest.mark.django_db
def test_gratification_reports_are_mostly_on_time_with_two_late_at_several_steps(seeded, plan):
    reports = list(GratificationReport.objects.select_related("employee"))

    assert sum(report.is_late for report in reports) == 2
    assert len(reports) >= 6
    assert {report.status for report in reports} >= {
        GratificationStatus.DILAPORKAN,
        GratificationStatus.DIVERIFIKASI,
        GratificationStatus.DITETAPKAN,
    }
    planned = {(g.nip, g.received_on): g.is_late for g in plan.gratifications}
    assert {(r.employee.nip, r.received_on): r.is_late for r in reports} == planned
    for report in reports:
        if report.status == GratificationStatus.DITETAPKAN:
            assert report.decision and report.decided_on


@pytest.mark.django_db
def test_the_pegawai_persona_has_a_filing_due_and_a_gratification_report(seeded):
    persona = Employee.objects.get(nip=demo.PERSONA_EMPLOYEE.nip)

    due = persona.wealth_reports.get(year=demo.FILING_YEARS[-1])
    assert due.submitted_on is None
    assert due.due_on == dt.date(demo.FILING_YEARS[-1] + 1, 3, 31)
    assert persona.wealth_reports.filter(year__lt=demo.FILING_YEARS[-1], submitted_on__isnull=False).count() == 2
    assert persona.gratification_reports.exists()
    assert services.standing(persona, on=AS_OF).in_good_standing


@pytest.mark.django_db
def test_the_atasan_team_has_one_employee_under_examination_and_one_serving_a_sanction(seeded):
    standings = services.standings(_team(), AS_OF)

    examined = [s.employee_id for s in standings.values() if s.under_examination]
    sanctioned = [s.employee_id for s in standings.values() if not s.sanction_free]
    assert len(examined) == 1
    assert len(sanctioned) == 1
    assert examined != sanctioned
    assert Employee.objects.get(nip=demo.PERSONA_EMPLOYEE.nip).pk not in examined + sanctioned


@pytest.mark.django_db
def test_every_structural_official_signed_a_pact_whose_document_is_a_pdf(seeded):
    pacts = IntegrityPact.objects.select_related("employee")
    structural = Employee.objects.filter(status="aktif", position__kind__in=demo.STRUCTURAL_KINDS)

    assert set(pacts.values_list("employee_id", flat=True)) == set(structural.values_list("pk", flat=True))
    for pact in pacts:
        with pact.document.open("rb") as document:
            assert check_document(document) == "application/pdf"
        assert pact.document_type == "application/pdf"


@pytest.mark.django_db
def test_the_sanctions_cases_and_reports_are_those_the_plan_expects(seeded, plan):
    sanctions = set(
        Sanction.objects.values_list("employee__nip", "type__code", "decree_number", "starts_on", "is_annulled")
    )
    cases = Counter(IntegrityCase.objects.values_list("employee__nip", "category", "opened_on"))
    results = set(DrugTestResult.objects.values_list("employee__nip", "outcome"))
    pacts = set(IntegrityPact.objects.values_list("employee__nip", "occasion", "signed_on"))

    assert sanctions == {
        (s.nip, s.type_code, s.decree_number, s.starts_on, bool(s.annulment_decree_number)) for s in plan.sanctions
    }
    positive_cases = [(r.nip, "narkoba", plan.drug_test.held_on) for r in plan.drug_test.results if r.case_steps]
    assert cases == Counter([(c.nip, c.category, c.opened_on) for c in plan.cases] + positive_cases)
    assert results == {(r.nip, r.outcome) for r in plan.drug_test.results}
    assert pacts == {(p.nip, p.occasion, p.signed_on) for p in plan.pacts}


@pytest.mark.django_db
def test_cuti_bersama_of_2025_to_2027_are_in_the_calendar(seeded):
    days = set(CollectiveLeave.objects.values_list("date", flat=True))

    assert {day.date for day in demo.COLLECTIVE_LEAVE} <= days
    assert {dt.date(2025, 4, 2), dt.date(2025, 8, 18), dt.date(2026, 3, 20), dt.date(2026, 12, 24)} <= days
    assert {day.year for day in days} >= {2025, 2026, 2027}


@pytest.mark.django_db
def test_seeding_again_changes_no_integrity_records(seeded):
    before = _counts()

    out = StringIO()
    call_command("seed_demo", employees=SIZE, stdout=out)

    assert "nothing to add" in out.getvalue()
    assert _counts() == before


@pytest.mark.django_db
def test_seeding_another_city_on_a_seeded_database_adds_no_integrity_records(seeded):
    before = _counts()

    call_command("seed_demo", "--as-of", AS_OF.isoformat(), employees=SIZE * 2, seed=99, stdout=StringIO())

    assert _counts() == before
