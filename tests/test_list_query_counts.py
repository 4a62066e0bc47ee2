"""Every API list answers a page of 10, 50 or 200 rows with the same number of queries (issue 8,
Benchmarks): a query per row would show as a count that grows with the page size.

The lists come from the OpenAPI schema (every GET operation with a `page_size` parameter), so
a new list endpoint is covered without editing this file. They are read on a small demo city
(`seed_demo --employees 120`, seeded once for the module and rolled back), as Admin BKPP or,
for the integrity lists that are Inspektorat's alone, as Inspektorat. The API cuts page sizes
above 100 (asn_portal/drf.py): the 200 request is served as 100, which the test checks too.

A list whose data fills no more than ten rows would compare equal trivially; the test asserts
that most lists have more than ten rows here, and bench/list_queries.py repeats the measurement
on a seeded 15,000-employee city.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from asn_portal.drf import StandardPagination

SIZE = 120
PAGE_SIZES = (10, 50, 200)
ROLES = ("admin.bkpp", "inspektur")  # the one that sees the most rows reads the list


def paginated_list_paths() -> list[str]:
    """The API's list operations, from the schema: GET with a `page_size` parameter."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        path
        for path, operations in schema["paths"].items()
        if any(parameter.get("name") == "page_size" for parameter in operations.get("get", {}).get("parameters", []))
    )


LIST_PATHS = paginated_list_paths()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        call_command("seed_demo", "--if-empty", employees=SIZE, stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def clients(seeded, django_db_blocker):
    from asn_portal.models import User

    with django_db_blocker.unblock():
        signed_in = {}
        for username in ROLES:
            client = Client(HTTP_HOST="localhost")
            client.force_login(User.objects.get(username=username))
            signed_in[username] = client
        yield signed_in


def _concrete(path: str, clients) -> tuple[str, Client]:
    """The path with its parameters filled (the first row of the parent list), and the client
    of the role that sees the most rows of it."""
    if "{id}" in path:
        parent = path.split("{id}")[0]
        path = path.replace("{id}", str(_first_row(parent, clients)["id"]))
    best, best_count = None, -1
    for client in clients.values():
        response = client.get(path, {"page_size": 1})
        if response.status_code == 200 and response.json()["count"] > best_count:
            best, best_count = client, response.json()["count"]
    if best is None:
        pytest.fail(f"no role of {ROLES} may read {path}")
    return path, best


def _first_row(path: str, clients) -> dict:
    for client in clients.values():
        response = client.get(path, {"page_size": 1})
        if response.status_code == 200 and response.json()["results"]:
            return response.json()["results"][0]
    pytest.fail(f"{path} is empty for every role of {ROLES}")


def _measure(client: Client, path: str, page_size: int) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, {"page_size": page_size})
    assert response.status_code == 200, (path, page_size, response.status_code)
    return len(queries), len(response.json()["results"])


@pytest.mark.django_db
def test_the_schema_names_the_lists():
    assert len(LIST_PATHS) >= 20
    assert "/api/v1/employees/" in LIST_PATHS
    assert "/api/v1/training/registrations/" in LIST_PATHS


@pytest.mark.django_db
def test_every_api_list_costs_the_same_queries_at_10_50_and_200_rows(clients):
    counts, rows, filled = {}, {}, 0
    for template in LIST_PATHS:
        path, client = _concrete(template, clients)
        client.get(path, {"page_size": 10})  # warm per-process caches (roles, settings rows)
        measured = {size: _measure(client, path, size) for size in PAGE_SIZES}
        counts[template] = {size: queries for size, (queries, _rows) in measured.items()}
        rows[template] = {size: n for size, (_queries, n) in measured.items()}
        filled += rows[template][50] > 10
        # 200 is served as the maximum page size.
        assert rows[template][200] <= StandardPagination.max_page_size
        assert rows[template][200] == rows[template][50] or rows[template][200] > 50

    growing = {path: per_size for path, per_size in counts.items() if len(set(per_size.values())) > 1}
    assert not growing, f"query count grows with the page size (queries per page size): {growing}"
    # Most lists are long enough here for the comparison to mean something.
    assert filled >= len(LIST_PATHS) // 2, rows
