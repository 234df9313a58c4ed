"""Schemathesis against the REST service in this process (its WSGI handler, no server): every
operation of both versions, schema-valid and schema-breaking data, each request sent anonymously
and with an editor's token. No answer is a 5xx, and every answer is one the document describes.

Schemathesis' request-side checks (`positive_data_acceptance`, `negative_data_rejection`) are
left out: the document cannot say that an ISBN's check digit must be valid or a date must be
past, so schema-valid data is rightly refused with a 400; and a query string or path value can
break the schema in ways that still parse (a negative page_size the service clamps).

Bounded and seeded in the normal suite (tests/fuzzing.py), a time budget under `make fuzz`; a
failure prints the reproduction (Hypothesis' @reproduce_failure and schemathesis' curl command).
"""

from __future__ import annotations

from functools import cache

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from rest_service.api.schema import CatalogSchemaGenerator
from tests import tokens
from tests.factories import make_book, make_genre, valid_isbn
from tests.fuzzing import examples

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@cache
def document() -> dict:
    return CatalogSchemaGenerator().get_schema(request=None, public=True)


@cache
def api() -> schemathesis.schemas.BaseSchema:
    schema = schemathesis.openapi.from_dict(document())
    schema.app = WSGIHandler()
    return schema


@cache
def cases(label: str) -> st.SearchStrategy:
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


@pytest.fixture
def catalog(db) -> None:
    """Rows the generated ids and slugs can land on (1, 2, 'fantasy')."""
    genre = make_genre("fantasy")
    make_book(genres=[genre], isbn=valid_isbn(1))
    make_book(genres=[genre], isbn=valid_isbn(2))


def identities() -> list[dict[str, str]]:
    token = tokens.mint(sub="102", scope="catalog:read catalog:write")
    return [{}, {"Authorization": f"Bearer {token}"}]


@pytest.mark.parametrize("label", operation_labels())
@settings(
    max_examples=examples(ci=4),
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
@given(data=st.data())
def test_every_operation_answers_as_documented_and_never_5xx(catalog, label, data):
    case = data.draw(cases(label))
    for headers in identities():
        case.call_and_validate(headers=headers, checks=CHECKS)
