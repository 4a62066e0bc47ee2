"""The integrity pages: the register's lists and filters (constant query counts), the
compliance dashboard's figures, the dashboard cards, the menu entries and the record pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from integrity import selectors, services
from tests.factories import EmployeeFactory
from tests.integrity.factories import TODAY, case, sanction
from tests.integrity.helpers import (  # noqa: F401  (fixtures)
    VIOLATION,
    media_fixture,
    pdf,
    pinned_today_fixture,
    records_fixture,
)

pytestmark = pytest.mark.django_db

TABS = ("hukuman", "aduan", "lhkpn", "gratifikasi", "tes-urine", "pakta")


def _add_rows(city, tab: str, count: int) -> None:
    """`count` records of the tab's kind, each about a new employee (so a missing join would
    cost one query per row)."""
    for _ in range(count):
        employee = EmployeeFactory(unit=city.dinkes_bidang)
        if tab == "hukuman":
            sanction(employee, "potong_tukin_25_6_bulan", dt.date(2026, 9, 1))
        elif tab == "aduan":
            opened = case(employee)
            services.add_evidence(opened, uploaded=pdf(), description="", by=None)
        elif tab == "lhkpn":
            services.create_filing(employee, year=2025, kind=None, by=None, today=TODAY)
        elif tab == "gratifikasi":
            services.report_gratification(
                employee=employee,
                received_on=dt.date(2026, 10, 1),
                giver="PT Contoh",
                description="Parsel.",
                estimated_value=Decimal(500000),
                relation_to_duty="",
                reported_on=dt.date(2026, 10, 2),
                by=None,
            )
        elif tab == "tes-urine":
            event = services.record_drug_test_event(
                held_on=dt.date(2026, 10, 6),
                organiser="BNNK Kota Semarang",
                units=[city.dinkes, city.disdik],
                notes="",
                by=None,
                today=TODAY,
            )
            services.record_drug_test_result(
                event=event, employee=employee, outcome="negatif", follow_up="", notes="", by=None
            )
        elif tab == "pakta":
            services.record_pact(
                employee=employee,
                occasion="tahunan",
                signed_on=dt.date(2026, 1, 5),
                document=pdf(),
                by=None,
                today=TODAY,
            )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("tab", TABS)
def test_each_register_list_costs_the_same_queries_for_10_and_50_rows(
    city, login, media, pinned_today, django_assert_max_num_queries, tab
):
    client = login(city.inspektur)
    url = reverse("integrity:register") + f"?tab={tab}&per_page=100"
    _add_rows(city, tab, 10)
    with django_assert_max_num_queries(12):
        ten = client.get(url)
    at_ten = _queries(client, url)

    _add_rows(city, tab, 40)
    with django_assert_max_num_queries(12):
        fifty = client.get(url)
    at_fifty = _queries(client, url)

    assert len(ten.context["rows"]) == 10 and len(fifty.context["rows"]) == 50
    assert at_fifty == at_ten


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"tab": "hukuman", "state": "berlaku"}, ["Budi Santoso"]),
        ({"tab": "hukuman", "state": "selesai"}, ["Dewi Lestari"]),
        ({"tab": "hukuman", "level": "ringan"}, ["Dewi Lestari"]),
        ({"tab": "hukuman", "year": "2025"}, ["Dewi Lestari"]),
        ({"tab": "hukuman", "q": "<NIP of staff_b, with spaces>"}, ["Dewi Lestari"]),
        ({"tab": "hukuman", "q": "dewi"}, ["Dewi Lestari"]),
        ({"tab": "hukuman", "opd": "disdik"}, []),
        ({"tab": "lhkpn", "status": "terlambat"}, ["Dewi Lestari"]),
        ({"tab": "lhkpn", "status": "sudah"}, ["Budi Santoso"]),
        ({"tab": "gratifikasi", "late": "1"}, ["Rina Guru"]),
        ({"tab": "gratifikasi", "late": "0"}, ["Budi Santoso"]),
    ],
)
def test_the_register_filters_narrow_each_list(city, login, media, pinned_today, query, expected):
    sanction(city.staff_a, "potong_tukin_25_6_bulan", dt.date(2026, 9, 1))
    sanction(city.staff_b, "teguran_lisan", dt.date(2025, 5, 2))
    services.record_submission(city.staff_a, year=2025, submitted_on=dt.date(2026, 3, 2), by=None, today=TODAY)
    services.create_filing(city.staff_b, year=2025, kind=None, by=None, today=TODAY)
    for employee, reported_on in ((city.staff_a, dt.date(2026, 8, 14)), (city.outsider, dt.date(2026, 9, 30))):
        services.report_gratification(
            employee=employee,
            received_on=dt.date(2026, 8, 12),
            giver="PT Contoh",
            description="Parsel.",
            estimated_value=Decimal(500000),
            relation_to_duty="",
            reported_on=reported_on,
            by=None,
        )
    if query.get("opd") == "disdik":
        query = {**query, "opd": city.disdik.pk}
    if query.get("q", "").startswith("<NIP"):
        query = {**query, "q": city.staff_b.formatted_nip}
    client = login(city.inspektur)

    response = client.get(reverse("integrity:register"), query)

    assert sorted(row.employee.name for row in response.context["rows"]) == expected


def test_the_register_answers_htmx_with_the_results_only(city, login, records):
    client = login(city.inspektur)

    response = client.get(reverse("integrity:register"), {"tab": "hukuman", "q": "budi"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "Budi Santoso" in html
    assert 'class="page-header"' not in html


def test_an_empty_register_tab_says_what_to_do_next(city, login, pinned_today):
    client = login(city.inspektur)

    with translation.override("en"):
        response = client.get(reverse("integrity:register"), {"tab": "lhkpn"}, HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert "No filings yet" in html
    assert reverse("integrity:filing-submission") in html


# --- Compliance --------------------------------------------------------------------------------


@pytest.fixture
def filings(city, pinned_today):
    """Reporting year 2025 in Dinas Kesehatan: on time, late, not filed, verified; in Dinas
    Pendidikan: late. Year 2026 for one employee: not yet due."""
    services.record_submission(city.staff_a, year=2025, submitted_on=dt.date(2026, 3, 10), by=None, today=TODAY)
    services.record_submission(city.staff_b, year=2025, submitted_on=dt.date(2026, 4, 10), by=None, today=TODAY)
    services.create_filing(city.supervisor, year=2025, kind=None, by=None, today=TODAY)
    verified = services.record_submission(
        city.operator, year=2025, submitted_on=dt.date(2026, 1, 20), by=None, today=TODAY
    )
    services.verify_filing(verified, by=None, on=dt.date(2026, 2, 1))
    services.record_submission(city.outsider, year=2025, submitted_on=dt.date(2026, 5, 5), by=None, today=TODAY)
    services.create_filing(city.staff_a, year=2026, kind=None, by=None, today=TODAY)


def test_compliance_counts_on_time_late_and_not_filed_per_opd_worst_first(city, filings):
    result = selectors.filing_compliance(2025, TODAY)

    rows = [(r["name"], r["total"], r["on_time"], r["late"], r["not_filed"], r["rate"]) for r in result["by_opd"]]
    assert rows == [("Dinas Kesehatan", 4, 2, 1, 1, 75.0), ("Dinas Pendidikan", 1, 0, 1, 0, 100.0)]
    assert (result["total"]["total"], result["total"]["filed"], result["total"]["rate"]) == (5, 4, 80.0)
    assert result["total"]["verified"] == 1


def test_a_filing_not_yet_due_counts_as_pending(city, filings):
    result = selectors.filing_compliance(2026, TODAY)

    assert (result["total"]["total"], result["total"]["pending"], result["total"]["not_filed"]) == (1, 1, 0)


def test_the_compliance_page_costs_the_same_queries_for_few_and_many_opds(city, login, filings):
    client = login(city.admin)
    url = reverse("integrity:compliance") + "?year=2025"
    few = _queries(client, url)
    for index in range(6):
        from tests.factories import org_unit

        unit = org_unit(f"OPD{index}", f"Dinas Contoh {index}")
        employee = EmployeeFactory(unit=unit)
        services.create_filing(employee, year=2025, kind=None, by=None, today=TODAY)

    many = _queries(client, url)

    assert many == few


def test_hr_sees_rates_per_opd_but_no_names_or_gift_details(city, login, filings):
    services.report_gratification(
        employee=city.staff_a,
        received_on=dt.date(2025, 8, 12),
        giver="PT Rahasia Sekali",
        description="Jam tangan.",
        estimated_value=Decimal(3100000),
        relation_to_duty="",
        reported_on=dt.date(2025, 9, 30),
        by=None,
    )
    client = login(city.admin)

    response = client.get(reverse("integrity:compliance"), {"year": "2025"})

    html = response.content.decode()
    assert response.context["gratification"]["late"] == 1
    assert [(r["name"], r["late"]) for r in response.context["gratification"]["by_opd"]] == [("Dinas Kesehatan", 1)]
    assert "Dinas Kesehatan" in html
    for secret in ("PT Rahasia Sekali", "3.100.000", city.staff_a.name, city.staff_b.name):
        assert secret not in html
    assert 'id="chart-filings"' in html and "vendor/chartjs/chart.umd.min.js" in html


# --- Dashboard cards and menu ------------------------------------------------------------------


def test_the_inspektorat_dashboard_card_counts_what_needs_attention(city, login, records):
    client = login(city.inspektur)

    response = client.get(reverse("portal:dashboard"))

    cards = {card.key: context for card, context in response.context["cards"]}
    summary = cards["integrity-inspektorat"]
    # The open case about staff_a and the one the positive drug test opened.
    assert (summary["open_cases"], summary["examining"]) == (2, 1)
    assert (summary["sanctions_in_force"], summary["blocking_sanctions"]) == (1, 1)
    assert summary["late_gratification"] == 1  # received 12 Aug, due 28 Aug, reported 1 Sep
    assert "integrity-filing-rate" not in cards


def test_the_admin_dashboard_card_shows_this_years_filing_rate(city, login, filings):
    client = login(city.admin)

    response = client.get(reverse("portal:dashboard"))

    cards = {card.key: context for card, context in response.context["cards"]}
    assert (cards["integrity-filing-rate"]["year"], cards["integrity-filing-rate"]["rate"]) == (2025, 80.0)
    assert "integrity-inspektorat" not in cards
    assert 'data-testid="filing-rate-card"' in response.content.decode()


def test_the_filing_rate_card_is_reused_for_a_few_minutes_and_says_when_counted(
    city, login, filings, settings, monkeypatch
):
    from django.core.cache import cache

    on = selectors.today()
    cache.delete(f"sigap:dashboard:filing-rate:{selectors.campaign_year(on)}:{on.isoformat()}")
    settings.SIGAP_DASHBOARD_CACHE_SECONDS = 300
    counted = []
    rate = selectors.filing_rate
    monkeypatch.setattr(selectors, "filing_rate", lambda year, day: counted.append(year) or rate(year, day))
    client = login(city.admin)

    first = client.get(reverse("portal:dashboard"))
    second = client.get(reverse("portal:dashboard"))

    cards = {card.key: context for card, context in second.context["cards"]}
    assert cards["integrity-filing-rate"]["rate"] == 80.0
    assert counted == [2025]
    assert 'data-testid="card-filing-counted">' in first.content.decode()


@pytest.mark.parametrize(
    ("who", "entries"),
    [
        ("inspektur", {"integrity"}),
        ("admin", {"integrity-compliance"}),
        ("operator", {"integrity-me"}),
        ("supervisor", {"integrity-me"}),
        ("staff_a", {"integrity-me"}),
    ],
)
def test_each_role_gets_its_integrity_menu_entries(city, login, who, entries):
    client = login(city.user(who))

    html = client.get(reverse("portal:dashboard")).content.decode()

    shown = {key for key in ("integrity", "integrity-compliance", "integrity-me") if f'data-testid="nav-{key}"' in html}
    assert shown == entries


def test_no_dashboard_card_for_an_employee_without_an_integrity_role(city, login, records):
    client = login(city.staff_a.user)

    response = client.get(reverse("portal:dashboard"))

    assert not [card for card, _ in response.context["cards"] if card.key.startswith("integrity")]


# --- Record pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "testid"),
    [
        ("sanction", "annul-form"),
        ("case", "advance-form"),
        ("filing", "submission-form"),
        ("gratification", "process-form"),
        ("drug-test", "result-form"),
        ("pact", "pact"),
    ],
)
def test_the_inspektorat_gets_each_record_page_with_its_next_action(city, login, records, name, testid):
    url = {
        "sanction": reverse("integrity:sanction-detail", args=[records.sanction.pk]),
        "case": reverse("integrity:case-detail", args=[records.case.pk]),
        "filing": reverse("integrity:filing-detail", args=[records.filing.pk]),
        "gratification": reverse("integrity:gratification-detail", args=[records.report.pk]),
        "drug-test": reverse("integrity:drug-test-detail", args=[records.event.pk]),
        "pact": reverse("integrity:pact-detail", args=[records.pact.pk]),
    }[name]
    client = login(city.inspektur)

    html = client.get(url).content.decode()

    if name == "pact":
        assert reverse("integrity:pact-document", args=[records.pact.pk]) in html
    else:
        assert f'data-testid="{testid}"' in html


def test_the_employee_reads_their_sanction_without_any_form_to_change_it(city, login, records):
    client = login(city.staff_a.user)

    html = client.get(reverse("integrity:sanction-detail", args=[records.sanction.pk])).content.decode()

    assert VIOLATION in html
    assert 'data-testid="annul-form"' not in html
    assert f'href="{reverse("integrity:register")}"' not in html  # their breadcrumb leads to "Integritas saya"


def test_every_record_form_page_renders_for_the_inspektorat_with_a_nip_from_the_link(city, login):
    client = login(city.inspektur)
    names = (
        "sanction-create",
        "case-create",
        "filing-create",
        "filing-submission",
        "filing-open-year",
        "designation-create",
        "gratification-create",
        "drug-test-create",
        "pact-create",
    )

    pages = {name: client.get(reverse(f"integrity:{name}"), {"nip": city.staff_a.nip}) for name in names}

    assert {name: r.status_code for name, r in pages.items()} == dict.fromkeys(names, 200)
    assert f'value="{city.staff_a.nip}"' in pages["sanction-create"].content.decode()


def test_the_nip_lookup_names_the_employee_being_typed(city, login):
    client = login(city.inspektur)

    found = client.get(reverse("integrity:employee-lookup"), {"nip": city.staff_a.formatted_nip}).content.decode()
    unknown = client.get(reverse("integrity:employee-lookup"), {"nip": "1" * 18}).content.decode()
    partial = client.get(reverse("integrity:employee-lookup"), {"nip": "1990"}).content.decode()

    assert city.staff_a.full_name in found
    assert "11111111 111111 1 111" in unknown
    assert partial.strip() == ""


def test_my_integrity_shows_the_next_filing_deadline(city, login, pinned_today):
    services.create_filing(city.staff_a, year=2025, kind=None, by=None, today=TODAY)
    client = login(city.staff_a.user)

    response = client.get(reverse("integrity:me"))

    assert response.context["next_filing"] == {
        "year": 2025,
        "kind": "lhkasn",
        "due_on": dt.date(2026, 3, 31),
        "overdue": True,
    }


def test_my_integrity_points_to_the_coming_annual_deadline_when_nothing_is_open(city, login, pinned_today):
    services.record_submission(city.staff_a, year=2025, submitted_on=dt.date(2026, 3, 2), by=None, today=TODAY)
    client = login(city.staff_a.user)

    response = client.get(reverse("integrity:me"))

    assert response.context["next_filing"] == {
        "year": 2026,
        "kind": "",
        "due_on": dt.date(2027, 3, 31),
        "overdue": False,
    }
