"""The employee directory: search, filters, and a query count that does not grow with the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from asn_portal.models import Employee, EmploymentType, Rank
from tests.factories import EmployeeFactory, PositionFactory

pytestmark = pytest.mark.django_db


def _count_queries(client, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("portal:employee-list"), params)
    assert response.status_code == 200
    return len(captured), response


def test_the_directory_costs_the_same_queries_for_10_and_100_rows(city, login, django_assert_max_num_queries):
    position = PositionFactory(unit=city.dinkes_bidang)
    EmployeeFactory.create_batch(110, unit=city.dinkes_bidang, supervisor=city.supervisor, position=position)
    client = login(city.admin)

    small, small_response = _count_queries(client, {"per_page": 10})
    large, large_response = _count_queries(client, {"per_page": 100})

    assert len(small_response.context["page"].object_list) == 10
    assert len(large_response.context["page"].object_list) == 100
    assert small == large
    with django_assert_max_num_queries(small):
        client.get(reverse("portal:employee-list"), {"per_page": 100, "page": 2})


def test_searching_a_name_finds_it_by_any_word(city, login):
    client = login(city.admin)

    response = client.get(reverse("portal:employee-list"), {"q": "rahmawati siti"})

    assert list(response.context["page"].object_list) == [city.supervisor]


def test_searching_a_nip_with_spaces_finds_the_employee(city, login):
    client = login(city.admin)
    typed = city.staff_b.formatted_nip

    response = client.get(reverse("portal:employee-list"), {"q": typed})

    assert list(response.context["page"].object_list) == [city.staff_b]


def test_a_nip_prefix_narrows_the_list(city, login):
    client = login(city.admin)
    prefix = city.outsider.nip[:8]

    response = client.get(reverse("portal:employee-list"), {"q": prefix, "per_page": 100})

    found = set(response.context["page"].object_list)
    assert city.outsider in found
    assert all(e.nip.startswith(prefix) for e in found)


def test_filters_by_opd_rank_position_kind_and_type(city, login):
    head = PositionFactory(unit=city.dinkes, name="Kepala Dinas Kesehatan", kind="jpt_pratama")
    chief = EmployeeFactory(unit=city.dinkes, position=head, rank=Rank.objects.get(code="IV/c"))
    pppk = EmployeeFactory(unit=city.dinkes, employment_type=EmploymentType.PPPK)
    client = login(city.admin)
    url = reverse("portal:employee-list")

    by_opd = set(client.get(url, {"opd": city.disdik.pk}).context["page"].object_list)
    by_rank = set(client.get(url, {"rank": 15}).context["page"].object_list)
    by_kind = set(client.get(url, {"position_kind": "jpt_pratama"}).context["page"].object_list)
    by_type = set(client.get(url, {"employment_type": "pppk"}).context["page"].object_list)

    assert by_opd == {city.outsider}
    assert by_rank == {chief}
    assert by_kind == {chief}
    assert by_type == {pppk}


def test_filters_never_widen_the_scope(city, login):
    client = login(city.operator.user)

    response = client.get(reverse("portal:employee-list"), {"opd": city.disdik.pk})

    assert list(response.context["page"].object_list) == []


def test_an_invalid_filter_value_shows_an_empty_list_not_an_error(city, login):
    client = login(city.admin)

    response = client.get(reverse("portal:employee-list"), {"rank": "not-a-rank"})

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []


def test_an_htmx_search_returns_only_the_results_fragment(city, login):
    client = login(city.admin)

    response = client.get(reverse("portal:employee-list"), {"q": "Budi"}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert 'id="results"' in body
    assert "<html" not in body
    assert "Budi Santoso" in body


@pytest.mark.postgres
def test_postgresql_answers_the_name_search_from_the_trigram_index(city):
    queryset = Employee.objects.filter(name__icontains="rahma")
    sql, params = queryset.query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "employee_name_trgm" in plan
