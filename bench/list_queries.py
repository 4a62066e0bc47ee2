"""Query counts of every list page and API list at page sizes 10, 50 and 200 (issue 8,
Benchmarks): a list that costs a query per row shows as a count that grows with the page size.
The counts must be identical; the script exits 1 when one is not.

    DATABASE_URL=postgres://app:app@127.0.0.1:5433/bench .venv/bin/python bench/list_queries.py
    ... bench/list_queries.py --employees 15000

On the seeded city (bench/common.seeded_city, shared with page_overhead.py), in this process
through Django's test client with the production-like settings:

* API lists: every GET operation of the OpenAPI schema with a `page_size` parameter, read with
  page_size=10, 50 and 200. The API's max_page_size is 100 (asn_portal/drf.py), so 200 is
  served as 100 — the rows column shows it.
* HTML list pages: every route of the URLconf without path parameters whose GET answers a
  page with a paginated list (a django.core.paginator.Page in the template context), read with
  per_page=10, 50, 100 and 200. Pages that take `per_page` accept 10, 25, 50 and 100 and fall back
  to their default for anything else (200 is served at the default size); pages with a fixed
  page size ignore it — the rows column shows what each request really listed, and a page
  whose rows do not change ("same rows at every size": a fixed page size, or too few rows) has
  its count shown at one size, with "fewer queries than rows" when it lists more rows than it
  makes queries (so no query per row).

Each list is read as the demo role that sees the most rows of it (Admin BKPP, Inspektorat, the
Operator OPD, the supervisor or the employee persona). Counts include the session and user
queries every signed-in request makes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402

SIZES = (10, 50, 200)
HTML_SIZES = (10, 50, 100, 200)  # pages accept per_page up to 100
ROLES = ("admin", "inspektur", "operator", "supervisor", "employee")
SKIP_PREFIXES = ("/admin/", "/api/schema/", "/api/docs/", "/api/redoc/", "/jsi18n/", "/i18n/", "/accounts/")


def html_routes() -> list[str]:
    """GET-able paths of the URLconf without parameters (admin and documentation excluded)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    paths: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern):
                full = "/" + prefix + route
                if "<" in full or "(" in full or "^" in full or "." in full.rsplit("/", 1)[-1]:
                    continue
                if full.startswith("/api/") or full.startswith(SKIP_PREFIXES):
                    continue
                paths.append(full)

    walk(get_resolver().url_patterns, "")
    return sorted(set(paths))


def api_lists() -> list[str]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        path
        for path, operations in schema["paths"].items()
        if any(p.get("name") == "page_size" for p in operations.get("get", {}).get("parameters", []))
    )


def _page_of(response):
    from django.core.paginator import Page

    if response.status_code != 200 or response.context is None:
        return None
    from django.test.utils import ContextList

    contexts = response.context if isinstance(response.context, ContextList) else [response.context]
    for context in contexts:
        values = context.flatten().values() if hasattr(context, "flatten") else context.values()
        for value in values:
            if isinstance(value, Page):
                return value
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=common.database_url_from_env(), help="postgres://...")
    parser.add_argument("--employees", type=int, default=15_000)
    options = parser.parse_args()
    if not options.database_url:
        print("list_queries needs PostgreSQL: set DATABASE_URL=postgres://... (the role needs CREATEDB)")
        return 2

    url = common.seeded_city(options.database_url, options.employees)
    common.setup_django(url)
    import logging

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    logging.disable(logging.WARNING)  # refused role probes log 403/404 warnings
    setup_test_environment()  # responses carry their template context
    users = common.demo_users()
    clients = {}
    for role in ROLES:
        clients[role] = Client(HTTP_HOST=common.HOST)
        clients[role].force_login(users[role])

    def measure(client, path: str, params: dict) -> tuple[int, object]:
        client.get(path, params)  # warm per-process caches (reference data, roles)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, params)
        return len(queries), response

    broken: list[str] = []
    print(f"query counts per list on the seeded city of {options.employees:,} employees (PostgreSQL)")

    # --- API -----------------------------------------------------------------------------
    print(f"\nAPI lists (page_size {', '.join(map(str, SIZES))}; max_page_size 100: 200 is served as 100)")
    print(f"{'list':<48} {'role':<10} {'queries':>14} {'rows':>14}  verdict")
    for template in api_lists():
        path = template
        if "{id}" in template:
            parent = template.split("{id}")[0]
            first = next(
                (
                    r.json()["results"][0]
                    for r in (clients[role].get(parent, {"page_size": 1}) for role in ROLES)
                    if r.status_code == 200 and r.json()["results"]
                ),
                None,
            )
            if first is None:
                print(f"{template:<48} {'-':<10} {'':>14} {'':>14}  no parent row to list")
                continue
            path = template.replace("{id}", str(first["id"]))
        seen = {}
        for role in ROLES:
            response = clients[role].get(path, {"page_size": 1})
            if response.status_code == 200:
                seen[role] = response.json()["count"]
        if not seen:
            print(f"{template:<48} {'-':<10} {'':>14} {'':>14}  no demo role may read it")
            continue
        role = max(seen, key=seen.get)
        counts, rows = [], []
        for size in SIZES:
            n, response = measure(clients[role], path, {"page_size": size})
            counts.append(n)
            rows.append(len(response.json()["results"]) if response.status_code == 200 else -1)
        same = len(set(counts)) == 1
        if not same:
            broken.append(template)
        verdict = "identical" if same else "GROWS"
        if rows[1] <= SIZES[0]:
            verdict += " (too few rows to tell)"
        print(f"{template:<48} {role:<10} {'/'.join(map(str, counts)):>14} {'/'.join(map(str, rows)):>14}  {verdict}")

    # --- HTML ------------------------------------------------------------------------------
    print(
        f"\nHTML list pages (per_page {', '.join(map(str, HTML_SIZES))}; pages that take per_page accept "
        "10/25/50/100 and serve others at their default size; rows -1: the page refused the value)"
    )
    print(f"{'page':<48} {'role':<10} {'queries':>14} {'rows':>14}  verdict")
    for path in html_routes():
        best = None
        for role in ROLES:
            response = clients[role].get(path)
            page = _page_of(response)
            if page is not None and (best is None or page.paginator.count > best[1]):
                best = (role, page.paginator.count)
        if best is None:
            continue  # not a list page (or no demo role may open it)
        role = best[0]
        counts, rows = [], []
        for size in HTML_SIZES:
            n, response = measure(clients[role], path, {"per_page": size})
            page = _page_of(response)
            counts.append(n)
            rows.append(len(page.object_list) if page is not None else -1)
        listed = [n for n, r in zip(counts, rows, strict=True) if r >= 0]
        if len(set(rows)) == 1:
            verdict = "same rows at every size" if rows[0] > 0 else "empty"
            if 0 < counts[0] < rows[0]:
                verdict += ", fewer queries than rows"
            shown_counts = str(counts[0])
        else:
            same = len(set(listed)) == 1
            if not same:
                broken.append(path)
            verdict = "identical" if same else "GROWS"
            if -1 in rows:
                verdict += " (where it listed rows)"
            shown_counts = "/".join(map(str, counts))
        print(f"{path:<48} {role:<10} {shown_counts:>14} {'/'.join(map(str, rows)):>14}  {verdict}")

    if broken:
        print(f"\nquery count grows with the page size: {', '.join(broken)}")
        return 1
    print("\nevery list: the same number of queries at every page size")
    return 0


if __name__ == "__main__":
    sys.exit(main())
