"""The OpenAPI document stays true: valid, complete, and matching what the API really does."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from tests.touchpoint_factories import api_key, bearer, event

#: Touchpoints need a survey they trigger: the one `survey db upgrade` creates.
pytestmark = pytest.mark.usefixtures("default_survey")

IGNORED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture
def document(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")  # public: no key needed
    assert response.status_code == 200
    return response.get_json()


DOCUMENT_URI = "urn:heard-openapi"


def schema_validator(document: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    """Return a validator that resolves the document's #/components references."""
    registry = Registry().with_resource(DOCUMENT_URI, DRAFT202012.create_resource(document))
    return Draft202012Validator(
        _rebase(schema), registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _rebase(schema: Any) -> Any:
    """Point the schema's local references (#/components/...) at the registered document."""
    if isinstance(schema, dict):
        return {
            key: DOCUMENT_URI + value if key == "$ref" and value.startswith("#") else _rebase(value)
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [_rebase(item) for item in schema]
    return schema


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"].startswith("3.1")


def test_every_api_route_is_described_and_nothing_else(
    app: Flask, document: dict[str, Any]
) -> None:
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods or ():
            if method not in IGNORED_METHODS:
                routes.add((path, method.lower()))
    described = {(path, method) for path, item in document["paths"].items() for method in item}
    assert routes == described


def test_every_example_matches_its_schema(document: dict[str, Any]) -> None:
    checked = 0
    for item in document["paths"].values():
        for operation in item.values():
            bodies = [operation.get("requestBody", {})]
            bodies += list(operation["responses"].values())
            for body in bodies:
                for media in body.get("content", {}).values():
                    examples = [e["value"] for e in media.get("examples", {}).values()]
                    if "example" in media:
                        examples.append(media["example"])
                    for example in examples:
                        schema_validator(document, media["schema"]).validate(example)
                        checked += 1
    assert checked >= 10


def response_schema(document: dict[str, Any], status: int) -> dict[str, Any]:
    operation = document["paths"]["/api/v1/touchpoints"]["post"]
    return operation["responses"][str(status)]["content"]["application/json"]["schema"]


def test_real_responses_match_the_document(
    app: Flask, client: FlaskClient, document: dict[str, Any]
) -> None:
    key = api_key(app)
    now = datetime.now(UTC)
    fresh = event(1, occurred_at=(now - timedelta(minutes=3)).isoformat())
    stale = event(2, occurred_at=(now - timedelta(days=40)).isoformat())
    other = event(3, type="order_delivered")
    request_schema = schema_validator(document, {"$ref": "#/components/schemas/TouchpointRequest"})
    request_schema.validate([fresh, stale, other])
    responses = {
        201: client.post("/api/v1/touchpoints", json=[fresh, stale, other], headers=bearer(key)),
        200: client.post("/api/v1/touchpoints", json=fresh, headers=bearer(key)),
        401: client.post("/api/v1/touchpoints", json=fresh),
        415: client.post("/api/v1/touchpoints", data="x", headers=bearer(key)),
        422: client.post("/api/v1/touchpoints", json=[{"type": "x"}], headers=bearer(key)),
        413: client.post("/api/v1/touchpoints", json=[fresh] * 1001, headers=bearer(key)),
    }
    for status, response in responses.items():
        assert response.status_code == status, response.get_data(as_text=True)
        schema_validator(document, response_schema(document, status)).validate(response.get_json())
    results = [o["result"] for o in responses[201].get_json()["touchpoints"]]
    assert results == ["scheduled", "skipped", "no_survey_triggered"]
