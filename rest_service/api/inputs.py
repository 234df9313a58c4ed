"""Request bodies as the service layer's flat input, and its errors back in the client's names.

The service layer validates every value; this module only moves keys. v2's nested references
become the service's ids and slugs, read-only keys that a client echoes from a GET are dropped (so
a fetched body can be PUT back), and every service field remembers the client key it came from,
so a ValidationError points at what the client actually sent (`authors`, `price.amount`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from catalog_contract import fields
from shared_models.errors import ValidationError

T = TypeVar("T")

READ_ONLY_KEYS = frozenset({"id"})


@dataclass(frozen=True)
class ServiceInput:
    data: dict[str, Any]
    client_names: dict[str, str] = field(default_factory=dict)  # service field -> client key

    def apply(self, operation: Callable[..., T], **arguments: Any) -> T:
        """`operation(data=..., **arguments)`, with validation errors renamed for the client."""
        try:
            return operation(data=self.data, **arguments)
        except ValidationError as exc:
            renamed = {self.client_names.get(name, name): msgs for name, msgs in exc.errors.items()}
            raise ValidationError(renamed, detail=exc.detail) from None


def json_object(body: Any) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise ValidationError({"non_field_errors": ["The body must be a JSON object."]})
    return body


def plain_input(body: Any, *, read_only: frozenset[str] = READ_ONLY_KEYS) -> ServiceInput:
    """A body whose keys already are the service's field names (v1, authors, publishers)."""
    return ServiceInput({k: v for k, v in json_object(body).items() if k not in read_only})


def book_input_v1(body: Any) -> ServiceInput:
    return plain_input(body, read_only=fields.BOOK_READ_ONLY_KEYS)


def book_input_v2(body: Any) -> ServiceInput:
    """`authors`/`genres` as objects or bare ids/slugs, `publisher` as an object or an id,
    `price` as {amount, currency} or a bare amount."""
    data: dict[str, Any] = {}
    names = dict(fields.V2_NAMES)
    misplaced: dict[str, list[str]] = {}
    for key, value in json_object(body).items():
        if key in fields.BOOK_READ_ONLY_KEYS:
            continue
        if key in fields.V2_REFERENCES:
            service_field, identifier = fields.V2_REFERENCES[key]
            read = _references if key in fields.V2_REFERENCE_LISTS else _reference
            data[service_field] = read(value, identifier)
        elif key == "price":
            _read_price(value, data, names)
        elif key in fields.V2_NAMES:
            misplaced[key] = [f"Not a v2 field; v2 calls it {fields.V2_NAMES[key]!r}."]
        else:
            data[key] = value
    if misplaced:
        raise ValidationError(misplaced)
    return ServiceInput(data, names)


def _reference(value: Any, identifier: str) -> Any:
    """An object's identifying key, or the value itself (a bare id, or something the service
    will refuse with a message about the field)."""
    return value.get(identifier, value) if isinstance(value, Mapping) else value


def _references(value: Any, identifier: str) -> Any:
    if not isinstance(value, list):
        return value
    return [_reference(item, identifier) for item in value]


def _read_price(value: Any, data: dict[str, Any], names: dict[str, str]) -> None:
    if not isinstance(value, Mapping):
        data["price"], names["price"] = value, "price"
        return
    names["price"] = "price.amount"
    if "amount" in value:
        data["price"] = value["amount"]
    if "currency" in value:
        data["currency"] = value["currency"]
