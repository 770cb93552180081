"""The OpenAPI 3 schema: the one served at /api/v1/schema/ is valid, equals ``docs/openapi.yaml`` (run
``make openapi`` after changing an endpoint), and every operation documents its errors (at least 401, and
429 from the throttle) in the one error shape. The two documentation pages serve the package's own files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.test import Client
from django.urls import reverse
from openapi_spec_validator import OpenAPIV30SpecValidator

pytestmark = pytest.mark.django_db

SAVED = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"
ERROR_REF = "#/components/schemas/Error"
METHODS = {"get", "put", "patch", "post", "delete", "head", "options", "trace"}


@pytest.fixture(scope="module")
def served(django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        response = Client().get(reverse("api:schema"))
    assert response.status_code == 200
    schema: dict[str, Any] = yaml.safe_load(response.content)
    return schema


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_the_served_schema_is_valid_openapi_3(served):
    assert served["openapi"].startswith("3.")
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in OpenAPIV30SpecValidator(served).iter_errors()
    ]
    assert errors == []
    assert _operations(served), "the schema lists no operation"


def test_docs_openapi_yaml_is_the_served_schema(served):
    saved = yaml.safe_load(SAVED.read_text(encoding="utf-8"))
    if saved != served:
        changed = sorted(set(saved["paths"]) ^ set(served["paths"])) or sorted(
            path for path in served["paths"] if saved["paths"].get(path) != served["paths"][path]
        )
        pytest.fail(
            "docs/openapi.yaml differs from the schema the API serves (paths: "
            f"{', '.join(changed) or 'components or info'}). Run `make openapi` and commit docs/openapi.yaml."
        )


def test_every_operation_documents_its_errors(served):
    missing = []
    for path, method, operation in _operations(served):
        responses = operation["responses"]
        where = f"{method.upper()} {path}"
        needed = {"401", "429"}
        if "{" in path:
            needed.add("404")  # an object outside the caller's scope
        # A write that takes data can be refused for it (400, or 422 for a refused move); marking a notification
        # read takes none.
        if method in {"post", "put", "patch"} and "requestBody" in operation:
            needed |= {"400"} if not {"400", "422"} & set(responses) else set()
        missing += [f"{where}: no {status}" for status in sorted(needed - set(responses))]
        for status, response in responses.items():
            if not status.startswith(("4", "5")):
                continue
            refs = {media["schema"].get("$ref") for media in response.get("content", {}).values()}
            if refs != {ERROR_REF}:
                missing.append(f"{where}: {status} is not in the error shape")
            if not response.get("description"):
                missing.append(f"{where}: {status} says nothing of why")
    assert missing == []


def test_the_error_shape_is_documented(served):
    error = served["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "detail"}
    assert set(error["properties"]) >= {"code", "detail", "fields"}


@pytest.mark.parametrize("name", ["api:docs", "api:redoc"])
def test_the_documentation_pages_use_the_packages_files_and_no_inline_script(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in page
    assert "https://" not in page.replace(f"https://{response.wsgi_request.get_host()}", "")
    assert "<script>" not in page and "<style" not in page
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"


def test_swagger_ui_start_up_script_is_a_file_of_its_own(client):
    response = client.get(reverse("api:docs") + "?script=")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert reverse("api:schema") in response.content.decode()


def test_only_redoc_allows_inline_styles(client):
    """Redoc's styles are written at run time (web/api/docs.py says why no nonce can cover them)."""
    assert "style-src 'self' 'unsafe-inline'" in client.get(reverse("api:redoc"))["Content-Security-Policy"]
    for other in (reverse("api:docs"), reverse("profile"), reverse("login")):
        assert "'unsafe-inline'" not in client.get(other)["Content-Security-Policy"], other
