"""The authorization matrix (issue 8, security 1): every URL pattern of the project and every
operation of the OpenAPI schema, asked for by every role that must not reach the record it
names, answers 403 or 404 (the sign-in page for an anonymous visitor of a page, 401 for an
anonymous API caller) — never a 2xx, never a 5xx — and writes nothing.

Routes are discovered, not listed by hand: the URLconf is walked through every include and the
schema is generated the way `manage.py spectacular` does. The table in tests/authz_routes.py
says, route by route, which record the URL names and who must not reach it. A route the table
lacks fails here by name, so a new page or endpoint is covered as soon as it exists.
"""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import authz_routes as table
from tests.authz_routes import API, PAGES, ROLES, SKIPPED_PAGES, Row, build_world

# Tables a refused request may still write: the session of the signed-in user (its expiry is
# renewed), django-axes' access log, and the audit trail (recording the refusal is fine).
WRITABLE_WHILE_REFUSED = ("django_session", "axes_", "auditlog_")
WRITE_SQL = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.IGNORECASE)


# ---------------------------------------------------------------------------------------------
# Discovery
# ---------------------------------------------------------------------------------------------


def page_routes(urlconf=None) -> dict[str, str]:
    """Every named URL pattern (namespace:name → route), walking includes; unnamed patterns
    are keyed by their route."""
    found: dict[str, str] = {}

    def walk(resolver, prefix: str, namespace: str | None) -> None:
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern, route, inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name
                key = (f"{namespace}:{name}" if namespace else name) if name else route
                found[key] = route

    walk(get_resolver(urlconf), "", None)
    return found


def is_api_route(route: str) -> bool:
    return route.startswith("api/v1/")


def api_operations() -> set[tuple[str, str]]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (path, method.upper())
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    }


def _shape(route: str) -> str:
    """A route or schema path with its parameters blanked, to compare the two."""
    route = route.replace("^", "").replace("$", "")
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "{}", route)
    route = re.sub(r"<(\w+:)?\w+>", "{}", route)
    route = re.sub(r"\{\w+\}", "{}", route)
    return "/" + route.lstrip("/")


def uncovered_pages(routes: dict[str, str]) -> list[str]:
    """Page routes that are neither in the table nor skipped with a reason."""
    return sorted(
        key
        for key, route in routes.items()
        if not is_api_route(route) and key not in PAGES and not table.skip_reason(key, route)
    )


def uncovered_operations(operations) -> list[str]:
    return sorted(f"{method} {path}" for path, method in operations if (path, method) not in API)


def api_routes_missing_from_schema(routes: dict[str, str], operations) -> list[str]:
    """API URL patterns that no schema operation documents (excluded views would otherwise
    escape the matrix)."""
    documented = {_shape(path) for path, _method in operations}
    return sorted(
        route
        for route in routes.values()
        if is_api_route(route) and _shape(route) not in documented and route not in table.SKIPPED_API_ROUTES
    )


DISCOVERED_PAGES = page_routes()
DISCOVERED_OPERATIONS = api_operations()


# ---------------------------------------------------------------------------------------------
# The world: built once per module (and per xdist worker), rolled back at the end
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("authz-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _writes(captured) -> list[str]:
    tables = []
    for query in captured.captured_queries:
        match = WRITE_SQL.match(query["sql"])
        if match and not match.group(2).lower().startswith(WRITABLE_WHILE_REFUSED):
            tables.append(match.group(2))
    return tables


def _ask(client, world, row: Row, method: str, url: str):
    if method == "GET":
        return client.get(url, row.query)
    body = row.body_of(world) if row.body_of else {}
    if row.api:
        return client.generic(method, url, data=json.dumps(body), content_type="application/json")
    return client.post(url, body)


def _refusal_problem(response, *, role: str, api: bool, body_decides: frozenset[str] = frozenset()) -> str | None:
    status = response.status_code
    if role in body_decides and status == 400:
        return None
    if status >= 500:
        return f"answered {status} (server error)"
    if role == "anonymous":
        if api:
            return None if status in (401, 403) else f"answered {status}, expected 401"
        login = reverse("login")
        if status == 302 and response.url.startswith(login):
            return None
        return None if status in (403, 404) else f"answered {status}, expected a redirect to {login}"
    return None if status in (403, 404) else f"answered {status}, expected 403 or 404"


def _leak(response, marker, *, api: bool) -> str | None:
    """A list anyone signed in may open: the record must simply not be in it."""
    if api:
        results = response.json()
        results = results.get("results", results) if isinstance(results, dict) else results
        ids = {item.get("id") for item in results if isinstance(item, dict)}
        return f"lists record id {marker}" if marker in ids else None
    return f"shows {marker!r}" if str(marker) in response.content.decode() else None


def _cases():
    for key, rows in sorted(PAGES.items()):
        for index, row in enumerate(rows):
            for method in row.methods:
                for role in sorted(row.deny):
                    yield pytest.param("page", key, index, method, role, id=f"{key}#{index}-{method}-{role}")
    for (path, method), rows in sorted(API.items()):
        for index, row in enumerate(rows):
            for role in sorted(row.deny):
                yield pytest.param("api", (path, method), index, method, role, id=f"{method} {path}#{index}-{role}")


# ---------------------------------------------------------------------------------------------
# Every route is in the table
# ---------------------------------------------------------------------------------------------


def test_every_page_route_is_in_the_table_or_skipped_with_a_reason():
    missing = uncovered_pages(DISCOVERED_PAGES)

    assert not missing, f"routes missing from tests/authz_routes.py PAGES (add a row or a skip): {missing}"


def test_every_api_operation_is_in_the_table():
    missing = uncovered_operations(DISCOVERED_OPERATIONS)

    assert not missing, f"API operations missing from tests/authz_routes.py API (add a row): {missing}"


def test_every_api_url_pattern_is_documented_in_the_schema():
    undocumented = api_routes_missing_from_schema(DISCOVERED_PAGES, DISCOVERED_OPERATIONS)

    assert not undocumented, f"API routes the schema does not list, so the matrix cannot see: {undocumented}"


def test_the_table_names_no_route_that_no_longer_exists():
    stale_pages = sorted(set(PAGES) - set(DISCOVERED_PAGES))
    stale_api = sorted(f"{m} {p}" for p, m in set(API) - DISCOVERED_OPERATIONS)
    stale_skips = sorted(set(SKIPPED_PAGES) - set(DISCOVERED_PAGES))

    assert not (stale_pages or stale_api or stale_skips), (stale_pages, stale_api, stale_skips)


def test_a_new_page_or_operation_fails_until_the_table_has_it():
    routes = {**DISCOVERED_PAGES, "training:brand-new-page": "training/brand-new/<int:pk>/"}
    operations = {*DISCOVERED_OPERATIONS, ("/api/v1/training/brand-new/{id}/", "DELETE")}

    assert uncovered_pages(routes) == ["training:brand-new-page"]
    assert uncovered_operations(operations) == ["DELETE /api/v1/training/brand-new/{id}/"]


def test_an_api_route_hidden_from_the_schema_is_caught():
    routes = {**DISCOVERED_PAGES, "api-secret": "api/v1/^secret/(?P<pk>[^/]+)/$"}

    assert api_routes_missing_from_schema(routes, DISCOVERED_OPERATIONS) == ["api/v1/^secret/(?P<pk>[^/]+)/$"]


def test_every_role_of_the_table_is_a_known_role():
    rows = [row for rows in (*PAGES.values(), *API.values()) for row in rows]

    assert {role for row in rows for role in row.deny} <= set(ROLES)
    assert all(row.ok is None or row.ok not in row.deny for row in rows)


# ---------------------------------------------------------------------------------------------
# The matrix
# ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "key", "index", "method", "role"), list(_cases()))
def test_a_role_that_must_not_reach_a_record_is_refused_and_nothing_is_written(
    client, world, kind, key, index, method, role
):
    rows = PAGES[key] if kind == "page" else API[key]
    row = rows[index]
    url = row.url(key, world)
    user = world.users[role]
    if user is not None:
        client.force_login(user)

    with CaptureQueriesContext(connection) as captured:
        response = _ask(client, world, row, method, url)

    if row.hides and role != "anonymous" and response.status_code == 200:
        problem = _leak(response, row.hides(world), api=row.api)
    else:
        problem = _refusal_problem(response, role=role, api=row.api, body_decides=row.body_decides)
    assert problem is None, f"{method} {url} as {role}: {problem}: {response.content[:300]!r}"
    written = _writes(captured)
    assert not written, f"{method} {url} as {role} was refused but wrote to {written}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "key", "index"),
    [
        pytest.param("page", key, index, id=f"{key}#{index}")
        for key, rows in sorted(PAGES.items())
        for index, row in enumerate(rows)
        if row.ok
    ]
    + [
        pytest.param("api", key, index, id=f"{key[1]} {key[0]}#{index}")
        for key, rows in sorted(API.items())
        for index, row in enumerate(rows)
        if row.ok
    ],
)
def test_the_record_of_each_row_exists_and_its_owner_side_reaches_it(client, world, kind, key, index):
    """The control: a role the row allows gets the page, so a refusal above is about the role,
    not about a URL that names nothing."""
    row = (PAGES[key] if kind == "page" else API[key])[index]
    client.force_login(world.users[row.ok])

    response = client.get(row.url(key, world), row.query)

    assert response.status_code == 200, f"GET {row.url(key, world)} as {row.ok}: {response.status_code}"


@pytest.mark.django_db
def test_the_write_detector_sees_a_write_and_ignores_the_session(client, django_user_model):
    user = django_user_model.objects.create(username="penulis")

    client.force_login(user)

    with CaptureQueriesContext(connection) as captured:
        client.session.save()  # the session table may be written by any request
        django_user_model.objects.filter(pk=user.pk).update(first_name="Tulis")

    assert _writes(captured) == ["asn_portal_user"]
