"""Holding real responses against the OpenAPI document: the document's schemas (OpenAPI 3.0
dialect) turned into JSON Schema, strict about undocumented keys; and the document as
schemathesis reads it, for the fuzz tests."""

from __future__ import annotations

from functools import cache
from typing import Any

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from schemathesis import GenerationMode

from rest_service.api.schema import CatalogSchemaGenerator


def _json_schema(node: Any) -> Any:
    """`nullable` becomes a null alternative; objects with listed properties allow no others."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items()}
    if "properties" in converted and "additionalProperties" not in converted:
        converted["additionalProperties"] = False
    if converted.pop("nullable", False):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def response_schema(document: dict, path: str, method: str, status: int) -> dict[str, Any]:
    response = document["paths"][path][method]["responses"][str(status)]
    (content,) = response["content"].values()
    return content["schema"]


def assert_documented(document: dict, response: Any, path: str, method: str = "get") -> None:
    """The response's body matches what the document promises for its path and status."""
    schema = response_schema(document, path, method, response.status_code)
    operation_media = document["paths"][path][method]["responses"][str(response.status_code)]
    assert response["Content-Type"] in operation_media["content"]
    root = {**_json_schema(schema), "components": _json_schema(document["components"])}
    errors = sorted(Draft202012Validator(root).iter_errors(response.json()), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


@cache
def document() -> dict:
    """The service's document, as served (both versions)."""
    return CatalogSchemaGenerator().get_schema(request=None, public=True)


@cache
def api() -> schemathesis.schemas.BaseSchema:
    """The document for schemathesis, calling the REST service's WSGI handler in-process."""
    schema = schemathesis.openapi.from_dict(document())
    schema.app = WSGIHandler()
    return schema


@cache
def cases(label: str) -> st.SearchStrategy:
    """Requests for one operation ("GET /api/v2/books/"), schema-valid and schema-breaking."""
    operation = api().find_operation_by_label(label)
    return st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )


def operation_labels() -> list[str]:
    return sorted(
        f"{method.upper()} {path}"
        for path, methods in document()["paths"].items()
        for method in methods
        if method in {"get", "post", "put", "patch", "delete"}
    )
