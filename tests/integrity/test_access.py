"""Who may open which integrity page (need to know, issue 3 part 8): the access table for
every role of the `city` fixture, the texts HR must never read, an employee kept out of
another's records, and the read log of every detail page."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from tests.integrity.helpers import (  # noqa: F401  (fixtures)
    CASE_SUMMARY,
    DRUG_NOTE,
    GIFT_GIVER,
    GIFT_VALUE_SHOWN,
    VIOLATION,
    media_fixture,
    pinned_today_fixture,
    records_fixture,
)

pytestmark = pytest.mark.django_db

ROLES = ("admin", "inspektur", "operator", "supervisor", "staff_a", "outsider")


def _urls(records) -> dict[str, str]:
    r = records
    return {
        # Inspektorat's work pages
        "register": reverse("integrity:register"),
        "register-cases": reverse("integrity:register") + "?tab=aduan",
        "register-drug-tests": reverse("integrity:register") + "?tab=tes-urine",
        "sanction-create": reverse("integrity:sanction-create"),
        "case-create": reverse("integrity:case-create"),
        "filing-create": reverse("integrity:filing-create"),
        "filing-open-year": reverse("integrity:filing-open-year"),
        "filing-submission": reverse("integrity:filing-submission"),
        "designations": reverse("integrity:designation-list"),
        "designation-create": reverse("integrity:designation-create"),
        "gratification-create": reverse("integrity:gratification-create"),
        "drug-test-create": reverse("integrity:drug-test-create"),
        "pact-create": reverse("integrity:pact-create"),
        "employee-lookup": reverse("integrity:employee-lookup") + "?nip=" + r.sanction.employee.nip,
        # Compliance and one's own page
        "compliance": reverse("integrity:compliance"),
        "me": reverse("integrity:me"),
        "me-due-date": reverse("integrity:me-due-date") + "?received_on=2026-11-20",
        # Details and downloads of staff_a's records
        "sanction": reverse("integrity:sanction-detail", args=[r.sanction.pk]),
        "case": reverse("integrity:case-detail", args=[r.case.pk]),
        "evidence": reverse("integrity:case-evidence-download", args=[r.case.pk, r.evidence.pk]),
        "filing": reverse("integrity:filing-detail", args=[r.filing.pk]),
        "gratification": reverse("integrity:gratification-detail", args=[r.report.pk]),
        "drug-test": reverse("integrity:drug-test-detail", args=[r.event.pk]),
        "pact": reverse("integrity:pact-detail", args=[r.pact.pk]),
        "pact-document": reverse("integrity:pact-document", args=[r.pact.pk]),
        # The profile tab of staff_a
        "profile-tab": reverse("portal:employee-detail", args=[r.sanction.employee.pk]) + "?tab=integritas",
    }


INSPEKTORAT_ONLY = {"inspektur": 200, "admin": 403, "operator": 403, "supervisor": 403, "staff_a": 403, "outsider": 403}
OWN_OR_INSPEKTORAT = {
    "inspektur": 200,
    "staff_a": 200,
    "admin": 404,
    "operator": 404,
    "supervisor": 404,
    "outsider": 404,
}
INSPEKTORAT_RECORD = {
    "inspektur": 200,
    "staff_a": 404,
    "admin": 404,
    "operator": 404,
    "supervisor": 404,
    "outsider": 404,
}
EMPLOYEES = {"inspektur": 403, "admin": 403, "operator": 200, "supervisor": 200, "staff_a": 200, "outsider": 200}

ACCESS = {
    "register": INSPEKTORAT_ONLY,
    "register-cases": INSPEKTORAT_ONLY,
    "register-drug-tests": INSPEKTORAT_ONLY,
    "sanction-create": INSPEKTORAT_ONLY,
    "case-create": INSPEKTORAT_ONLY,
    "filing-create": INSPEKTORAT_ONLY,
    "filing-open-year": INSPEKTORAT_ONLY,
    "filing-submission": INSPEKTORAT_ONLY,
    "designations": INSPEKTORAT_ONLY,
    "designation-create": INSPEKTORAT_ONLY,
    "gratification-create": INSPEKTORAT_ONLY,
    "drug-test-create": INSPEKTORAT_ONLY,
    "pact-create": INSPEKTORAT_ONLY,
    "employee-lookup": INSPEKTORAT_ONLY,
    "compliance": {**INSPEKTORAT_ONLY, "admin": 200},
    "me": EMPLOYEES,
    "me-due-date": EMPLOYEES,
    "sanction": OWN_OR_INSPEKTORAT,
    "case": INSPEKTORAT_RECORD,
    "evidence": INSPEKTORAT_RECORD,
    "filing": OWN_OR_INSPEKTORAT,
    "gratification": OWN_OR_INSPEKTORAT,
    "drug-test": INSPEKTORAT_RECORD,
    "pact": OWN_OR_INSPEKTORAT,
    "pact-document": OWN_OR_INSPEKTORAT,
    # Everyone who may open staff_a's profile sees the tab (what it shows differs, below).
    "profile-tab": {
        "inspektur": 200,
        "admin": 200,
        "operator": 200,
        "supervisor": 200,
        "staff_a": 200,
        "outsider": 404,
    },
}


@pytest.mark.parametrize("page_name", sorted(ACCESS))
@pytest.mark.parametrize("who", ROLES)
def test_each_role_gets_exactly_the_integrity_pages_it_needs(city, login, records, page_name, who):
    client = login(city.user(who))

    response = client.get(_urls(records)[page_name])

    assert response.status_code == ACCESS[page_name][who]


@pytest.mark.parametrize("page_name", sorted(ACCESS))
def test_an_anonymous_visitor_is_sent_to_sign_in(client, city, records, page_name):
    response = client.get(_urls(records)[page_name])

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("integrity:sanction-annul", {"decree_number": "862/1/2026", "decree_on": "2026-11-01"}),
        ("integrity:filing-submit", {"submitted_on": "2026-03-01"}),
        ("integrity:gratification-process", {"status": "diverifikasi", "on": "2026-11-01"}),
    ],
)
def test_the_employee_may_read_but_not_process_their_own_records(city, login, records, action, data):
    target = {
        "integrity:sanction-annul": records.sanction,
        "integrity:filing-submit": records.filing,
        "integrity:gratification-process": records.report,
    }[action]
    client = login(city.staff_a.user)

    response = client.post(reverse(action, args=[target.pk]), data)

    assert response.status_code == 403
    target.refresh_from_db()
    assert (records.sanction.is_annulled, records.filing.submitted_on, records.report.status) == (
        False,
        None,
        "dilaporkan",
    )


@pytest.mark.parametrize("who", ["admin", "operator", "supervisor"])
def test_hr_and_the_supervisor_cannot_act_on_records_they_cannot_see(city, login, records, who):
    client = login(city.user(who))

    response = client.post(
        reverse("integrity:sanction-annul", args=[records.sanction.pk]),
        {"decree_number": "862/1/2026", "decree_on": "2026-11-01"},
    )

    assert response.status_code == 404
    records.sanction.refresh_from_db()
    assert not records.sanction.is_annulled


@pytest.mark.parametrize("who", ["admin", "operator", "supervisor", "outsider"])
def test_no_page_shows_violations_values_or_drug_results_to_anyone_but_the_inspektorat(city, login, records, who):
    client = login(city.user(who))
    leaks = []

    for name, url in _urls(records).items():
        response = client.get(url)
        html = response.content.decode(errors="replace") if not response.streaming else ""
        for secret in (VIOLATION, CASE_SUMMARY, DRUG_NOTE, GIFT_GIVER, GIFT_VALUE_SHOWN):
            if secret in html:
                leaks.append((name, secret))
    dashboard = client.get(reverse("portal:dashboard")).content.decode()

    assert leaks == []
    assert VIOLATION not in dashboard and GIFT_VALUE_SHOWN not in dashboard


def test_the_employee_reads_their_own_violation_and_gift_but_no_case_or_drug_result(city, login, records):
    client = login(city.staff_a.user)

    pages = "".join(
        client.get(url).content.decode()
        for url in (
            reverse("integrity:me"),
            reverse("integrity:sanction-detail", args=[records.sanction.pk]),
            reverse("portal:employee-detail", args=[city.staff_a.pk]) + "?tab=integritas",
        )
    )

    assert VIOLATION in pages
    assert GIFT_GIVER in pages
    assert CASE_SUMMARY not in pages
    assert DRUG_NOTE not in pages


def test_the_inspektorat_reads_everything_on_the_profile_tab_and_the_record_pages(city, login, records):
    client = login(city.inspektur)

    html = client.get(reverse("portal:employee-detail", args=[city.staff_a.pk]), {"tab": "integritas"}).content.decode()
    drug_test = client.get(reverse("integrity:drug-test-detail", args=[records.event.pk])).content.decode()

    for text in (VIOLATION, CASE_SUMMARY[:60], GIFT_GIVER, GIFT_VALUE_SHOWN, records.event.organiser):
        assert text in html
    assert 'data-testid="tab-drug-results"' in html
    assert DRUG_NOTE in drug_test


def test_the_employees_own_tab_holds_no_cases_and_no_drug_results(city, login, records):
    client = login(city.staff_a.user)

    response = client.get(reverse("portal:employee-detail", args=[city.staff_a.pk]), {"tab": "integritas"})

    context = next(c for t, c in response.context["tabs"] if t.slug == "integritas")
    assert context["mode"] == "own"
    assert {"cases", "drug_results", "standing"}.isdisjoint(context)
    assert [s.pk for s, _state in context["sanctions"]] == [records.sanction.pk]
    html = response.content.decode()
    assert 'data-testid="tab-drug-results"' not in html and 'data-testid="tab-cases"' not in html


@pytest.mark.parametrize("who", ["admin", "supervisor", "operator"])
def test_hr_the_supervisor_and_the_operator_see_only_the_standing(city, login, records, who):
    client = login(city.user(who))

    response = client.get(reverse("portal:employee-detail", args=[city.staff_a.pk]), {"tab": "integritas"})

    tab = response.context["tabs"]
    context = next(c for t, c in tab if t.slug == "integritas")
    assert context["mode"] == "standing"
    assert set(context) == {"icon", "mode", "today", "standing"}
    assert not context["standing"].in_good_standing  # the sanction in force and the open case
    html = response.content.decode()
    assert 'data-testid="standing"' in html
    assert 'data-testid="tab-sanctions"' not in html and 'data-testid="tab-gratification"' not in html


def test_a_supervisor_sees_no_integrity_tab_for_someone_outside_their_team(city, login, records):
    client = login(city.supervisor.user)

    response = client.get(reverse("portal:employee-detail", args=[city.outsider.pk]), {"tab": "integritas"})

    assert response.status_code == 404


def test_an_employee_cannot_open_another_employees_records(city, login, records):
    client = login(city.outsider.user)
    urls = [
        reverse("integrity:sanction-detail", args=[records.sanction.pk]),
        reverse("integrity:filing-detail", args=[records.filing.pk]),
        reverse("integrity:gratification-detail", args=[records.report.pk]),
        reverse("integrity:pact-detail", args=[records.pact.pk]),
        reverse("integrity:pact-document", args=[records.pact.pk]),
    ]

    statuses = [client.get(url).status_code for url in urls]

    assert statuses == [404] * len(urls)


DETAILS = ["sanction", "case", "evidence", "filing", "gratification", "drug-test", "pact", "pact-document"]


@pytest.mark.parametrize("page_name", DETAILS)
def test_every_read_of_a_detail_is_in_the_audit_trail_with_who_and_from_where(city, login, records, page_name):
    client = login(city.inspektur)
    before = set(LogEntry.objects.filter(action=LogEntry.Action.ACCESS).values_list("pk", flat=True))

    response = client.get(_urls(records)[page_name], REMOTE_ADDR="10.33.74.21")

    assert response.status_code == 200
    entries = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exclude(pk__in=before)
    assert entries.count() == 1
    entry = entries.get()
    assert entry.actor == city.inspektur
    assert entry.remote_addr == "10.33.74.21"
    expected = {
        "sanction": records.sanction,
        "case": records.case,
        "evidence": records.evidence,
        "filing": records.filing,
        "gratification": records.report,
        "drug-test": records.event,
        "pact": records.pact,
        "pact-document": records.pact,
    }[page_name]
    assert entry.content_type == ContentType.objects.get_for_model(expected)
    assert entry.object_pk == str(expected.pk)


def test_the_employee_reading_their_own_sanction_is_logged_too(city, login, records):
    client = login(city.staff_a.user)

    client.get(reverse("integrity:sanction-detail", args=[records.sanction.pk]), REMOTE_ADDR="10.0.0.7")

    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("timestamp")
    assert (entry.actor, entry.remote_addr, entry.object_pk) == (
        city.staff_a.user,
        "10.0.0.7",
        str(records.sanction.pk),
    )


def test_the_inspektorat_reading_the_profile_tab_logs_each_restricted_record_shown(city, login, records):
    client = login(city.inspektur)

    client.get(reverse("portal:employee-detail", args=[city.staff_a.pk]), {"tab": "integritas"})

    logged = set(LogEntry.objects.filter(action=LogEntry.Action.ACCESS).values_list("content_type__model", "object_pk"))
    assert ("sanction", str(records.sanction.pk)) in logged
    assert ("integritycase", str(records.case.pk)) in logged
    assert ("drugtestresult", str(records.result.pk)) in logged


def test_downloads_are_attachments_never_served_as_pages(city, login, records):
    client = login(city.inspektur)

    response = client.get(reverse("integrity:pact-document", args=[records.pact.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
