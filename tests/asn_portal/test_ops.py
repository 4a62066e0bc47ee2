"""Operations: the health check, production settings, and the packaging files (Dockerfile,
docker-compose.yml, .env.example, README) staying in step with what settings.py reads."""

from __future__ import annotations

import importlib.util
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.db import OperationalError, connection

ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = ROOT / ".env.example"
COMPOSE = ROOT / "docker-compose.yml"
README = ROOT / "README.md"

# Security variables a developer may have exported for a plain-HTTP setup; the production
# subprocesses below must see the built-in defaults.
SECURITY_VARIABLES = (
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
)


def production_env(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in SECURITY_VARIABLES}
    # Set by tests/conftest.py for Playwright; the deploy check rightly refuses it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.pop("PYTEST_CURRENT_TEST", None)
    env.update({"DJANGO_SETTINGS_MODULE": "asn_portal.settings", "DEBUG": "0"}, **overrides)
    return env


def documented_in_env_example() -> set[str]:
    """Names with a line of their own in .env.example, set (`NAME=`) or commented (`# NAME=`)."""
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), flags=re.MULTILINE))


def documented_in_readme_tables() -> set[str]:
    names: set[str] = set()
    for line in README.read_text().splitlines():
        if line.startswith("|"):
            names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", line))
    return names


def variables_read_by_settings() -> set[str]:
    source = (ROOT / "asn_portal" / "settings.py").read_text()
    return set(re.findall(r"\benv(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", source))


def variables_read_by_container_scripts() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "docker").iterdir():
        source = path.read_text()
        names.update(re.findall(r"os\.environ\.get\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", source))
        names.update(re.findall(r"\$\{([A-Z][A-Z0-9_]*):-", source))
    return names


# --- /healthz ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_ok_without_login_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    if settings.REDIS_URL:
        assert body["checks"]["broker"] == "ok"
    else:
        assert body["checks"]["broker"].startswith("not configured")
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(connection, "cursor", broken_cursor)

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == "error: OperationalError"


# --- Production settings -----------------------------------------------------------------------


@pytest.mark.parametrize("secret_key", [None, ""], ids=["unset", "empty"])
def test_production_settings_refuse_to_start_without_a_secret_key(secret_key):
    env = production_env()
    env.pop("SECRET_KEY", None)
    if secret_key is None:
        dotenv = ROOT / ".env"
        if dotenv.exists() and re.search(r"^SECRET_KEY=.+", dotenv.read_text(), flags=re.MULTILINE):
            pytest.skip("the local .env sets SECRET_KEY, and settings read it when the variable is unset")
    else:
        env["SECRET_KEY"] = secret_key

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr


def test_deploy_check_passes_with_production_settings():
    env = production_env(SECRET_KEY=secrets.token_urlsafe(48), ALLOWED_HOSTS="sigap.example.go.id")
    assert len(env["SECRET_KEY"]) == 64

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# --- Container files ---------------------------------------------------------------------------


def test_compose_file_runs_database_broker_web_worker_and_beat_from_one_env_file():
    compose = yaml.safe_load(COMPOSE.read_text())

    services = compose["services"]
    assert set(services) == {"db", "redis", "web", "worker", "beat"}
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    for name in ("web", "worker", "beat"):
        assert services[name]["env_file"] == ".env"
        assert "conn_max_age=600" in services[name]["environment"]["DATABASE_URL"]
        assert services[name]["environment"]["REDIS_URL"].startswith("redis://redis:")
        assert "media:/app/media" in services[name]["volumes"]
    assert "8000:8000" in services["web"]["ports"]
    assert "healthcheck" in services["web"]
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]


def test_every_variable_the_compose_file_uses_is_documented_in_env_example():
    text = COMPOSE.read_text()
    compose = yaml.safe_load(text)
    interpolated = set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)", text))
    passed = {key for service in compose["services"].values() for key in service.get("environment", {})}
    assert {"POSTGRES_PASSWORD", "SECRET_KEY", "DATABASE_URL"} <= interpolated | passed

    undocumented = (interpolated | passed) - documented_in_env_example()

    assert not undocumented, f"add to .env.example: {sorted(undocumented)}"


def test_every_variable_settings_reads_is_documented_in_env_example_and_readme():
    read = variables_read_by_settings()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"} <= read  # the pattern finds them

    missing_in_env_example = read - documented_in_env_example()
    missing_in_readme = read - documented_in_readme_tables()

    assert not missing_in_env_example, f"add to .env.example: {sorted(missing_in_env_example)}"
    assert not missing_in_readme, f"add to README's configuration table: {sorted(missing_in_readme)}"


def test_every_variable_the_container_scripts_read_is_documented():
    read = variables_read_by_container_scripts()
    assert {"WEB_CONCURRENCY", "WORKER_CONCURRENCY"} <= read

    undocumented = read - (documented_in_env_example() & documented_in_readme_tables())

    assert not undocumented, f"document in .env.example and README: {sorted(undocumented)}"


def test_entrypoint_is_valid_shell():
    result = subprocess.run(["sh", "-n", str(ROOT / "docker" / "entrypoint.sh")], capture_output=True, text=True)

    assert result.returncode == 0, result.stderr


def test_gunicorn_accepts_the_container_configuration():
    gunicorn = Path(sys.executable).with_name("gunicorn")
    env = production_env(SECRET_KEY=secrets.token_urlsafe(48), ALLOWED_HOSTS="sigap.example.go.id")

    result = subprocess.run(
        [str(gunicorn), "--check-config", "-c", "docker/gunicorn.conf.py", "asn_portal.wsgi:application"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("allowed_hosts", "expected"),
    [
        ("sigap.semarangkota.go.id,localhost", "sigap.semarangkota.go.id"),
        (".semarangkota.go.id", "semarangkota.go.id"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_container_health_check_names_an_allowed_host(monkeypatch, allowed_hosts, expected):
    spec = importlib.util.spec_from_file_location("sigap_healthcheck", ROOT / "docker" / "healthcheck.py")
    healthcheck = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(healthcheck)
    monkeypatch.setenv("ALLOWED_HOSTS", allowed_hosts)

    host = healthcheck.host_header()

    assert host == expected


def test_the_readme_lists_every_demo_account_the_seed_creates():
    from asn_portal.demo import DEMO_PASSWORD, PERSONAS, STAFF_ACCOUNTS
    from asn_portal.nip import format_nip

    readme = (ROOT / "README.md").read_text()

    assert DEMO_PASSWORD in readme
    for persona in PERSONAS:
        assert format_nip(persona.nip) in readme, persona.name
    for account in STAFF_ACCOUNTS:
        assert f"`{account.username}`" in readme, account.username
