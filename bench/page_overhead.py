"""Page overhead (issue 8, Benchmarks): p50 and p95 latency of the busiest pages, each divided
by a trivial signed-in Django view served the same way (target: at most 3x).

    DATABASE_URL=postgres://app:app@127.0.0.1:5433/bench .venv/bin/python bench/page_overhead.py
    ... bench/page_overhead.py --employees 15000 --seconds 10 --connections 2 --workers 2

On a PostgreSQL database seeded with `seed_demo --employees N` (bench/common.seeded_city:
"<db>_city_<N>", kept for the other benchmarks of the run), gunicorn serves
bench/wsgi_bench.py — the project's application plus `/__bench/trivial/`, a login_required
view answering "ok" — with DEBUG=0, a SECRET_KEY, ALLOWED_HOSTS and persistent database
connections (conn_max_age=600), `--workers` sync workers, as TOOLCHAIN.md §8. Each page is
loaded for `--seconds` over `--connections` keep-alive connections (wrk when installed, else a
Python client), signed in with a session cookie of the role the page is for:

    training catalogue   /training/          employee (the demo persona)
    dashboard            /                   Admin BKPP (the city-wide dashboard)
    employee directory   /employees/         Admin BKPP (all 15,000 employees, 25 a page)
    approval inbox       /training/approvals/ supervisor (the demo persona)

and the trivial view with each of those cookies. `/healthz` (anonymous, one SELECT 1) is shown
for reference, and so is `/__bench/layout/`, an empty page through base.html with each cookie:
the "x layout" column divides a page by it, to tell what the shared layout costs from what the
page itself adds (informative; the target is against the trivial view). Connections default to the worker count, so latency is service time rather
than queueing. Every page is fetched once first and must answer 200 (not a redirect to the
sign-in page). Prints p50/p95 in ms, requests/s and the ratios; the trivial view is measured
before and after the pages and the lower of the two is the floor.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402

TARGET = 3.0
PAGES = (
    ("training catalogue", "/training/", "employee"),
    ("dashboard", "/", "admin"),
    ("employee directory", "/employees/", "admin"),
    ("approval inbox", "/training/approvals/", "supervisor"),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=common.database_url_from_env(), help="postgres://...")
    parser.add_argument("--employees", type=int, default=15_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, help="default: the worker count")
    options = parser.parse_args()
    if not options.database_url:
        print("page_overhead needs PostgreSQL: set DATABASE_URL=postgres://... (the role needs CREATEDB)")
        return 2
    connections = options.connections or options.workers

    url = common.seeded_city(options.database_url, options.employees)
    common.setup_django(url)
    users = common.demo_users()
    cookies = {role: common.session_cookie(users[role]) for role in {role for _l, _p, role in PAGES}}
    from django.db import connections as db_connections

    db_connections.close_all()

    tool = "wrk" if common.WRK else "Python http.client"
    print(
        f"page overhead: {options.employees:,} employees (seed_demo), gunicorn {options.workers} sync workers, "
        f"DEBUG=0, conn_max_age=600; {tool}, {connections} connections, {options.seconds:.0f} s per page"
    )
    failed = False
    with common.Gunicorn(url, workers=options.workers) as server:
        references = [
            ("trivial view", common.TRIVIAL_PATH, "employee"),
            ("empty layout", common.LAYOUT_PATH, "employee"),
        ]
        for label, path, role in [*PAGES, *references]:
            status, body = common.request(server.port, "GET", path, headers={"Cookie": cookies[role]})
            if status != 200:
                print(f"error: {label} {path} as {role} answered {status}\n{body[:500]!r}\n{server.log()}")
                return 1

        def run(path: str, cookie: str) -> common.LoadResult:
            common.load(server.port, path, cookie=cookie, seconds=1, connections=connections)  # warm up
            return common.load(server.port, path, cookie=cookie, seconds=options.seconds, connections=connections)

        trivial_before = {role: run(common.TRIVIAL_PATH, cookie) for role, cookie in cookies.items()}
        health = run("/healthz", "")
        layout = {role: run(common.LAYOUT_PATH, cookie) for role, cookie in cookies.items()}
        pages = {label: run(path, cookies[role]) for label, path, role in PAGES}
        trivial_after = {role: run(common.TRIVIAL_PATH, cookie) for role, cookie in cookies.items()}
        # wrk counts a redirect as a success: check every cookie still signs in.
        for label, path, role in [*PAGES, *references]:
            status, _body = common.request(server.port, "GET", path, headers={"Cookie": cookies[role]})
            if status != 200:
                print(f"error: after the run, {label} {path} as {role} answered {status}")
                return 1

    floor = {role: min((trivial_before[role], trivial_after[role]), key=lambda r: r.p50_ms) for role in cookies}
    print(
        f"\n{'page':<22} {'role':<11} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p50 x':>6} {'p95 x':>6} "
        f"{'x layout':>8}  errors"
    )
    for role, result in floor.items():
        print(f"{'trivial view':<22} {role:<11} {result.per_second:>7.0f} {result.p50_ms:>8.1f} {result.p95_ms:>8.1f}")
    for role, result in layout.items():
        p50x, p95x = common.ratio(result.p50_ms, floor[role].p50_ms), common.ratio(result.p95_ms, floor[role].p95_ms)
        print(
            f"{'empty layout':<22} {role:<11} {result.per_second:>7.0f} {result.p50_ms:>8.1f} {result.p95_ms:>8.1f} "
            f"{p50x:>6.2f} {p95x:>6.2f}"
        )
    print(
        f"{'/healthz (anonymous)':<22} {'-':<11} {health.per_second:>7.0f} {health.p50_ms:>8.1f} {health.p95_ms:>8.1f}"
    )
    for label, _path, role in PAGES:
        result, base = pages[label], floor[role]
        p50x, p95x = common.ratio(result.p50_ms, base.p50_ms), common.ratio(result.p95_ms, base.p95_ms)
        errors = result.errors + sum(result.statuses.values())
        failed |= errors > 0
        mark = "" if max(p50x, p95x) <= TARGET else f"  <- over {TARGET:g}x"
        layout_x = common.ratio(result.p50_ms, layout[role].p50_ms)
        print(
            f"{label:<22} {role:<11} {result.per_second:>7.0f} {result.p50_ms:>8.1f} {result.p95_ms:>8.1f} "
            f"{p50x:>6.2f} {p95x:>6.2f} {layout_x:>8.2f}  {errors}{mark}"
        )
    print(f"ratios: page latency / trivial signed-in view latency, same role's cookie (target <= {TARGET:g}x);")
    print("x layout: p50 / the empty page through base.html with the same cookie (informative)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
