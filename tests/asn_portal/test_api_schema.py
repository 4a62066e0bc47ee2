"""The OpenAPI schema and its Swagger UI: valid, warning-free, documenting the error body, and
served without any CDN (the portal must work on a closed government network)."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse
from drf_spectacular.drainage import GENERATOR_STATS

pytestmark = pytest.mark.django_db


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    GENERATOR_STATS.reset()  # count only this run's warnings
    target = tmp_path / "schema.yml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    assert "/api/v1/employees/{id}/:" in target.read_text()


@pytest.fixture
def schema(client):
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_error_body_is_a_schema_component(schema):
    components = schema["components"]["schemas"]

    assert components["ErrorResponse"]["properties"]["error"] == {"$ref": "#/components/schemas/ErrorBody"}
    assert set(components["ErrorBody"]["required"]) == {"code", "message"}
    assert "fields" in components["ErrorBody"]["properties"]


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/v1/employees/", "get"),
        ("/api/v1/employees/", "post"),
        ("/api/v1/employees/{id}/", "get"),
        ("/api/v1/employees/{id}/", "put"),
        ("/api/v1/employees/{id}/", "patch"),
        ("/api/v1/org-units/", "get"),
        ("/api/v1/org-units/{id}/", "get"),
    ],
)
def test_every_resource_operation_documents_400_401_403_and_404_with_the_error_body(schema, path, method):
    responses = schema["paths"][path][method]["responses"]

    for code in ("400", "401", "403", "404"):
        assert responses[code]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorResponse"
        }


def test_the_token_endpoint_documents_the_lock_out(schema):
    responses = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]

    assert {"200", "400", "429"} <= set(responses)


def test_the_unit_path_stays_internal(schema):
    assert "path" not in schema["components"]["schemas"]["OrgUnit"]["properties"]


class _AssetCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append(value)


def test_the_swagger_ui_loads_only_local_static_files(client):
    response = client.get(reverse("api-docs"))
    html = response.content.decode()
    collector = _AssetCollector()
    collector.feed(html)
    swagger_assets = [url for url in collector.urls if "swagger-ui" in url]

    assert response.status_code == 200
    assert swagger_assets, "the page names no swagger-ui asset at all"
    assert all(url.startswith("/static/") for url in swagger_assets), swagger_assets
    assert not re.search(r"cdn|unpkg|jsdelivr", html, re.IGNORECASE)
    for url in swagger_assets:
        assert client.get(url).status_code == 200, url


def test_the_swagger_ui_asks_no_outside_validator(client):
    html = client.get(reverse("api-docs")).content.decode()
    swagger_settings = json.loads(re.search(r"const swaggerSettings = (\{.*?\});", html, re.DOTALL).group(1))

    assert "validatorUrl" in swagger_settings
    assert swagger_settings["validatorUrl"] is None
