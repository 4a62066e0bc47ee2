"""API fuzzing (issue 8): schemathesis generates requests for every operation of the OpenAPI
schema (drf-spectacular, /api/schema/) and sends them in-process, signed in as an employee, a
supervisor, an Operator OPD, Admin BKPP and Inspektorat. No answer may be a server error, and
every answer must match the schema: a documented status code, content type, body and headers.

The schema tells the truth about errors rather than the checks being weakened: the
drf-spectacular hook `asn_portal.drf.document_error_responses` gives every operation the
400/401/403/404 error body of `asn_portal.drf.exception_handler`.

How it runs, and why:
- In-process through the WSGI application (no server), inside the test's transaction. Django's
  WSGI handler closes the database connection at the start and end of each request
  (`close_old_connections`), which would close the test transaction on PostgreSQL (pitfall 11
  in TOOLCHAIN.md); the `_keep_the_connection` fixture disconnects it exactly as Django's test
  client does. So the world below is built once per module and each operation's examples roll
  back to it, instead of a `transaction=True` flush after every example.
- The world is tests/authz_routes.py's city with one record of every kind. Path parameters are
  sometimes those records' ids (the `flatmap_path_parameters` hook), so handlers run past the 404.
- Reproducible: Hypothesis is derandomized (a fixed seed per test); the number of examples is
  small enough for the CI budget (about two minutes per pass on two cores).
- Each xdist worker that runs some of these tests builds the world once for itself; the tests
  spread over the workers like the rest of the suite.
- Checks left out, for a reason: `negative_data_rejection` / `positive_data_acceptance` judge a
  400 by the schema alone, but valid-looking input is refused by rules no schema states (a
  unique NIP, a state machine's next step, a record outside the caller's scope answers 404);
  the stateful checks (`use_after_free`, `ensure_resource_availability`) need the stateful
  phase, far beyond the CI budget; 401s are the authorization matrix's job.

Alone: `.venv/bin/pytest -p no:cacheprovider -p no:locust tests/test_api_fuzz.py`; against a
running server: see README.md ("API fuzzing").
"""

from __future__ import annotations

import os
import re

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from asn_portal.wsgi import application
from tests.authz_routes import build_world

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)

# The roles that fuzz (tests/authz_routes.py ROLES): an employee, a supervisor, the Operator OPD
# of the records' own OPD, Admin BKPP and Inspektorat.
FUZZ_ROLES = ("employee", "supervisor", "operator_dinkes", "admin", "inspektur")

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

# Which records a path parameter names: (path prefix before the parameter, parameter) → model.
# Filled by the `world` fixture with the ids (or NIPs) that exist.
REAL_IDS: dict[tuple[str, str], list] = {}
_SOURCES = {
    ("/api/v1/careers/awards/", "id"): "careers.Award",
    ("/api/v1/careers/credit-assessments/", "id"): "careers.CreditAssessment",
    ("/api/v1/careers/education-history/", "id"): "careers.EducationHistory",
    ("/api/v1/careers/exams/", "id"): "careers.ExamResult",
    ("/api/v1/careers/innovations/", "id"): "careers.Innovation",
    ("/api/v1/careers/position-history/", "id"): "careers.PositionHistory",
    ("/api/v1/careers/proposals/", "id"): "careers.PromotionProposal",
    ("/api/v1/careers/rank-history/", "id"): "careers.RankHistory",
    ("/api/v1/careers/skp/", "id"): "careers.PerformanceRating",
    ("/api/v1/careers/study-leaves/", "id"): "careers.StudyLeave",
    ("/api/v1/careers/study-leaves/{id}/documents/", "document_id"): "careers.StudyDocument",
    ("/api/v1/careers/study-leaves/{id}/reports/", "report_id"): "careers.StudyReport",
    ("/api/v1/employees/", "id"): "asn_portal.Employee",
    ("/api/v1/employees/", "nip"): "asn_portal.Employee.nip",
    ("/api/v1/integrity/cases/", "id"): "integrity.IntegrityCase",
    ("/api/v1/integrity/cases/{id}/evidence/", "evidence_id"): "integrity.CaseEvidence",
    ("/api/v1/integrity/drug-tests/", "id"): "integrity.DrugTestEvent",
    ("/api/v1/integrity/filings/", "id"): "integrity.WealthReport",
    ("/api/v1/integrity/gratification-reports/", "id"): "integrity.GratificationReport",
    ("/api/v1/integrity/pacts/", "id"): "integrity.IntegrityPact",
    ("/api/v1/integrity/sanctions/", "id"): "integrity.Sanction",
    ("/api/v1/org-units/", "id"): "asn_portal.OrgUnit",
    ("/api/v1/reports/", "id"): "asn_portal.ReportJob",
    ("/api/v1/training/outside-learning/", "id"): "training.OutsideLearning",
    ("/api/v1/training/programs/", "id"): "training.Program",
    ("/api/v1/training/registrations/", "id"): "training.Registration",
    ("/api/v1/training/sessions/", "id"): "training.Session",
    ("/api/v1/training/sessions/{id}/days/", "day_id"): "training.SessionDay",
}


def _real_values(source: str) -> list:
    from django.apps import apps

    app_label, model_name, *field = source.split(".")
    model = apps.get_model(app_label, model_name)
    return sorted(model.objects.values_list(field[0] if field else "pk", flat=True))


def _parameter_sources(path: str) -> dict[str, tuple[str, str]]:
    return {match.group(1): (path[: match.start()], match.group(1)) for match in re.finditer(r"\{(\w+)\}", path)}


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Half of the time, a path parameter names a record of the world (an index into the sorted
    ids, so the choice does not depend on the database's sequences)."""
    if context.operation is None or not path_parameters:
        return st.just(path_parameters)
    sources = _parameter_sources(context.operation.path)
    strategies = {}
    for name, value in path_parameters.items():
        real = REAL_IDS.get(sources.get(name), [])
        if real:
            strategies[name] = st.one_of(st.just(value), st.integers(0, len(real) - 1).map(real.__getitem__))
        else:
            strategies[name] = st.just(value)
    return st.fixed_dictionaries(strategies)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("fuzz-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_world()
            for key, source in _SOURCES.items():
                REAL_IDS[key] = _real_values(source)
            built.tokens = {role: Token.objects.create(user=built.users[role]).key for role in FUZZ_ROLES}
            yield built
        finally:
            REAL_IDS.clear()
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def _keep_the_connection():
    """What django.test.Client does around each request: the handler must not close the
    connection that holds the test transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_sources_name_every_path_parameter_of_the_schema():
    """A new path parameter needs a row in _SOURCES, or the fuzzing would only ever send
    ids that do not exist."""
    raw = schema.raw_schema
    missing = sorted(
        f"{path} {{{name}}}"
        for path in raw["paths"]
        for name, key in _parameter_sources(path).items()
        if key not in _SOURCES
    )

    assert not missing


def test_every_operation_documents_the_error_body():
    """The hook in asn_portal.drf: what the conformance checks below rely on."""
    missing = []
    for path, item in schema.raw_schema["paths"].items():
        for method, operation in item.items():
            codes = ("400",) if operation.get("security", [{}]) == [{}] else ("400", "401", "403", "404")
            for code in codes:
                content = operation["responses"].get(code, {}).get("content", {})
                if content.get("application/json", {}).get("schema") != {"$ref": "#/components/schemas/ErrorResponse"}:
                    missing.append(f"{method.upper()} {path} {code}")

    assert not missing


def _ask(world, role: str, path: str, method: str = "GET", **path_parameters):
    case = schema[path][method].Case(path_parameters=path_parameters)
    response = case.call(headers={"Authorization": f"Token {world.tokens[role]}"})
    return case, response


@pytest.mark.django_db
def test_a_session_without_an_online_link_matches_its_schema(world, _keep_the_connection):
    """Found by fuzzing: "" (no online link) broke the schema's `format: uri`."""
    world.session.online_link = ""
    world.session.save(update_fields=["online_link"])

    case, response = _ask(world, "admin", "/api/v1/training/sessions/{id}/", id=world.session.pk)

    assert response.status_code == 200
    assert response.json()["online_link"] == ""
    case.validate_response(response, checks=CHECKS)


@pytest.mark.django_db
def test_a_report_download_has_a_documented_content_type(world, _keep_the_connection):
    """Found by fuzzing: the download answered XLSX (or PDF) while the schema said
    application/octet-stream."""
    case, response = _ask(world, "operator_dinkes", "/api/v1/reports/{id}/download/", id=world.report_job.pk)

    assert response.status_code == 200
    headers = {name.lower(): values for name, values in response.headers.items()}
    assert headers["content-type"][0].startswith("application/vnd.openxmlformats")
    case.validate_response(response, checks=CHECKS)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/reports/{id}/", "/api/v1/reports/{id}/download/"])
def test_a_report_id_that_is_no_id_gets_the_api_404(world, _keep_the_connection, settings, path):
    """Found by fuzzing a DEBUG server: "0.5" did not match the route, so Django's HTML 404
    page answered instead of the view's JSON error body."""
    settings.DEBUG = True

    case, response = _ask(world, "operator_dinkes", path, id="0.5")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    case.validate_response(response, checks=CHECKS)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "path", "query", "code"),
    [
        # Found by fuzzing: a year no date has made the `__year` lookup raise (500).
        ("admin", "/api/v1/training/outside-learning/", {"year": -1}, "min_value"),
        ("admin", "/api/v1/training/outside-learning/", {"year": 10000}, "max_value"),
        ("inspektur", "/api/v1/integrity/sanctions/", {"year": 0}, "min_value"),
        ("inspektur", "/api/v1/integrity/filings/", {"year": 99999}, "max_value"),
        # An id beyond 64 bits overflowed SQLite (500).
        ("admin", "/api/v1/training/sessions/", {"program": 2**70}, "max_value"),
        ("admin", "/api/v1/training/registrations/", {"session": -(2**70)}, "min_value"),
    ],
)
def test_a_number_out_of_range_in_a_filter_is_a_400(world, _keep_the_connection, role, path, query, code):
    case = schema[path]["GET"].Case(query=query)

    response = case.call(headers={"Authorization": f"Token {world.tokens[role]}"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"][next(iter(query))][0]["code"] == code
    case.validate_response(response, checks=CHECKS)


# CI: 15 examples per operation, fuzzing phase only (about 1,900 requests; 50-100 s). A deeper hunt, e.g.
# SIGAP_FUZZ_EXAMPLES=100 SIGAP_FUZZ_PHASES=fuzzing,coverage, uses the same test.
MAX_EXAMPLES = int(os.environ.get("SIGAP_FUZZ_EXAMPLES", "15"))
schema.config.phases.update(phases=os.environ.get("SIGAP_FUZZ_PHASES", "fuzzing").split(","))
schema.config.seed = 8


@pytest.mark.django_db
@schema.parametrize()
@schema.given(role=st.sampled_from(FUZZ_ROLES))
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate, hypothesis.Phase.shrink],
)
def test_api(case, role, world, _keep_the_connection):
    """Every operation, as one of the FUZZ_ROLES per example (Hypothesis picks): no 5xx, and
    an answer the schema describes."""
    response = case.call(headers={"Authorization": f"Token {world.tokens[role]}"})

    case.validate_response(response, checks=CHECKS)
