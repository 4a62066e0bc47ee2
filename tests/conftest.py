"""Shared fixtures: a small named city, and the rules for tests that need real services.

`city` has two OPDs (Dinas Kesehatan with a bidang, Dinas Pendidikan), an Admin BKPP, an
Operator OPD of Dinas Kesehatan, a supervisor with two subordinates, an employee of the other
OPD and an Inspektorat officer — so a permission test reads like a sentence.

Tests marked `postgres`, `redis` or `browser` skip with a reason when the service is absent,
and with SIGAP_REQUIRE_ALL=1 (CI) any skip is a failure.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from asn_portal import services
from asn_portal.models import OrgUnit, OrgUnitKind, Role, User
from tests.factories import EmployeeFactory, UserFactory, org_unit

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API + live_server

REQUIRE_ALL = os.environ.get("SIGAP_REQUIRE_ALL") == "1"
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TEST_OUTPUT = Path(__file__).resolve().parent.parent / "test-output"


def _missing_service(item) -> str | None:
    from django.conf import settings
    from django.db import connection

    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    if item.get_closest_marker("redis") and not settings.REDIS_URL:
        return "needs Redis and a Celery worker: set REDIS_URL=redis://..."
    if item.get_closest_marker("browser") and not (Path(CHROMIUM_PATH).exists() or shutil.which(CHROMIUM_PATH)):
        return f"needs Chromium at {CHROMIUM_PATH} (set CHROMIUM_PATH)"
    return None


def pytest_configure(config):
    # Every test process gets its own Redis key space, so an embedded worker only ever sees the
    # tasks its own process queued (never another xdist worker's, against another database, nor
    # messages left over from an earlier run).
    from django.conf import settings

    if getattr(settings, "REDIS_URL", None):
        from asn_portal.celery import app as celery_app

        prefix = f"sigap-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}:"
        os.environ["SIGAP_TEST_KEYPREFIX"] = prefix  # for worker processes a test starts
        celery_app.conf.broker_transport_options = {
            **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            "global_keyprefix": prefix,
        }
        celery_app.conf.result_backend_transport_options = {"global_keyprefix": prefix}


def pytest_runtest_setup(item):
    reason = _missing_service(item)
    if reason:
        if REQUIRE_ALL:
            pytest.fail(f"SIGAP_REQUIRE_ALL=1 but this test {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.longrepr = f"skipped, but SIGAP_REQUIRE_ALL=1 makes every skip a failure: {reason}"


@pytest.fixture
def eager_tasks():
    """Run Celery tasks in-process in this test, also in the CI pass that has a Redis broker
    (the Celery config is read once, so flip the app's setting, not Django's)."""
    from asn_portal.celery import app as celery_app

    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


# --- Reference data for transactional tests -------------------------------------------------


def restore_reference_data() -> None:
    """Put back what the data migrations load (ranks, education levels, role groups and their
    permissions, sanction types, promotion reference data). A transactional test ends by flushing every table, so the transactional
    tests after it would find no ranks. Idempotent: the migration uses update_or_create."""
    import importlib

    from django.apps import apps

    from asn_portal.models import Rank
    from asn_portal.roles import sync_role_permissions
    from careers.models import PromotionRule, StudyPolicy
    from integrity.models import SanctionType

    if (
        Rank.objects.count() == 17
        and SanctionType.objects.exists()
        and PromotionRule.objects.exists()
        and StudyPolicy.objects.exists()
    ):
        return
    for module in (
        "asn_portal.migrations.0002_reference_data",
        "integrity.migrations.0002_sanction_types",
        "careers.migrations.0002_reference_data",
        "careers.migrations.0004_study_reference_data",
    ):
        importlib.import_module(module).load(apps, None)
    sync_role_permissions()


@pytest.fixture(autouse=True)
def _live_dashboard_counts(settings):
    """Dashboard cards count afresh in tests (a cached count would carry over from one test's
    city to the next); tests of the cache turn it on themselves."""
    settings.SIGAP_DASHBOARD_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language: a request sent with another
    Accept-Language activates that language in the thread and would leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _reference_data_for_transactional_tests(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return
    request.getfixturevalue("transactional_db")
    restore_reference_data()


# --- Browser -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM_PATH, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def test_output_dir() -> Path:
    TEST_OUTPUT.mkdir(exist_ok=True)
    return TEST_OUTPUT


# --- The named city ----------------------------------------------------------------------------


@dataclass
class City:
    dinkes: OrgUnit
    dinkes_bidang: OrgUnit
    disdik: OrgUnit
    admin: User
    inspektur: User
    operator: object  # Employee of Dinkes who is also its Operator OPD
    supervisor: object  # Employee of Dinkes with two subordinates
    staff_a: object
    staff_b: object
    outsider: object  # Employee of Dinas Pendidikan

    def user(self, who: str) -> User:
        value = getattr(self, who)
        return value if isinstance(value, User) else value.user


@pytest.fixture
def city(db) -> City:
    dinkes = org_unit("DINKES", "Dinas Kesehatan", OrgUnitKind.DINAS)
    dinkes_bidang = org_unit("DINKES-P2P", "Bidang Pencegahan dan Pengendalian Penyakit", OrgUnitKind.BIDANG, dinkes)
    disdik = org_unit("DISDIK", "Dinas Pendidikan", OrgUnitKind.DINAS)

    admin = UserFactory(username="admin.bkpp")
    services.grant_role(admin, Role.ADMIN_BKPP, by=None)
    inspektur = UserFactory(username="inspektur")
    services.grant_role(inspektur, Role.INSPEKTORAT, by=None)

    supervisor = EmployeeFactory(unit=dinkes_bidang, name="Siti Rahmawati")
    staff_a = EmployeeFactory(unit=dinkes_bidang, name="Budi Santoso", supervisor=supervisor)
    staff_b = EmployeeFactory(unit=dinkes_bidang, name="Dewi Lestari", supervisor=supervisor, gender="P")
    operator = EmployeeFactory(unit=dinkes, name="Agus Operator")
    services.grant_operator(operator.user, dinkes, by=admin)
    outsider = EmployeeFactory(unit=disdik, name="Rina Guru")
    return City(dinkes, dinkes_bidang, disdik, admin, inspektur, operator, supervisor, staff_a, staff_b, outsider)


@pytest.fixture
def login(client):
    """`login(user)` signs the test client in (force_login: django-axes needs a request for
    a real login, which the lock-out tests exercise on their own)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
