"""Holding real responses against the OpenAPI document: the document's schemas (OpenAPI 3.0
dialect) turned into JSON Schema, strict about undocumented keys."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator


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
