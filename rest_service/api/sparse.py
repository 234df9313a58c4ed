"""Sparse fieldsets: `fields=id,title,price` on every REST read answers only those keys.

The selection is checked against the resource's keys (catalog_contract.fields, where the
gateway's mediation reads the same rules) and applied on top of the full representation, so the
representations stay one function per shape and a sparse item is, by construction, the
projection of the full one. A sparse book has its own ETag (the version plus a tag naming the
selection): a cache holding one selection never takes it for another.
"""

from __future__ import annotations

import copy
from typing import Any, NoReturn

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request

from catalog_contract import fields
from rest_service.api.representations import Representation
from shared_models.errors import ValidationError

PARAMETER = "fields"


def selection(request: Request, keys: tuple[str, ...]) -> tuple[str, ...] | None:
    """The keys `fields` selects, in the resource's order; None when it is not given."""
    values = request.query_params.getlist(PARAMETER)
    if not values:
        return None
    if len(values) > 1:
        _refuse([fields.GIVE_ONCE.format(PARAMETER)])
    try:
        return fields.selected_keys(values[0], keys)
    except fields.BadFields as exc:
        _refuse(exc.messages)


def _refuse(messages: list[str]) -> NoReturn:
    raise ValidationError({PARAMETER: messages}, detail=f"{PARAMETER}: {messages[0]}")


def sparse(represent: Representation, selected: tuple[str, ...] | None) -> Representation:
    """`represent`, answering only the `selected` keys when there is a selection."""
    if selected is None:
        return represent
    return lambda record: fields.project(represent(record), selected)


def variant(selected: tuple[str, ...] | None, keys: tuple[str, ...]) -> str:
    """What tells this selection's ETag from the full representation's ("" for that one)."""
    return "" if selected is None else fields.selection_tag(selected, keys)


def parameter(keys: tuple[str, ...]) -> OpenApiParameter:
    """`fields` for the OpenAPI document, listing the keys it may name."""
    return OpenApiParameter(
        PARAMETER,
        OpenApiTypes.STR,
        description=(
            "Answer only these keys (comma-separated, each once or more), in the resource's "
            "order whatever the order asked; a nested object comes whole. One of: "
            f"{', '.join(f'`{key}`' for key in keys)}. An unknown or empty name is a 400. "
            "Lists keep their `next`, `previous` and `results`."
        ),
        pattern=rf"^({'|'.join(keys)})(,({'|'.join(keys)}))*$",
    )


def document_sparse_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: every read that takes `fields` may answer a subset
    of its resource's keys, so its items are documented as the full shape or `<Shape>Fields`
    (the same properties, none required). Without it a sparse answer would break the document
    (and schemathesis' response check) for want of the keys it left out."""
    schemas = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        operation = operations.get("get", {})
        if not any(p.get("name") == PARAMETER for p in operation.get("parameters", [])):
            continue
        content = operation["responses"]["200"]["content"]["application/json"]
        shape = schemas[_name(content["schema"])]
        if "results" in shape.get("properties", {}):
            results = shape["properties"]["results"]
            results["items"] = _either(results["items"], schemas)
        else:
            content["schema"] = _either(content["schema"], schemas)
    return result


def _name(reference: dict[str, Any]) -> str:
    return str(reference["$ref"]).rsplit("/", 1)[-1]


def _either(reference: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """`reference`, or its sparse variant (made once); unchanged if already either."""
    if "$ref" not in reference:
        return reference
    name = _name(reference)
    sparse = schemas.setdefault(f"{name}Fields", copy.deepcopy(schemas[name]))
    sparse.pop("required", None)
    sparse["description"] = f"A {name} with only the keys `fields` selected."
    return {"anyOf": [reference, {"$ref": f"#/components/schemas/{name}Fields"}]}
