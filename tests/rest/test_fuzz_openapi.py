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

import copy

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests import tokens
from tests.factories import book_body_v2, book_data, make_book, make_genre, valid_isbn
from tests.fuzzing import examples
from tests.rest.openapi import cases, document, operation_labels

pytestmark = [
    pytest.mark.fuzz,
    pytest.mark.django_db,
    pytest.mark.usefixtures("wsgi_calls_keep_the_test_connection"),
]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


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


# --- Stateful: create -> read -> update with If-Match -> delete, through OpenAPI links ---------

_DETAIL_LINKS = {"Read": "get", "Replace": "put", "Change": "patch", "Delete": "delete"}


def linked(source: dict) -> dict:
    """The document with links from a book's create and read to its read, update and delete, each
    naming the book's id and its ETag as If-Match (drf-spectacular writes no links)."""
    linked_document = copy.deepcopy(source)
    paths = linked_document["paths"]
    for version in ("v1", "v2"):
        detail = paths[f"/api/{version}/books/{{id}}/"]
        links = {
            f"{name}Book": {
                "operationId": detail[method]["operationId"],
                "parameters": {"path.id": "$response.body#/id"}
                | ({"header.If-Match": "$response.header.ETag"} if method != "get" else {}),
            }
            for name, method in _DETAIL_LINKS.items()
        }
        paths[f"/api/{version}/books/"]["post"]["responses"]["201"]["links"] = links
        detail["get"]["responses"]["200"]["links"] = links
    return linked_document


def book_lifecycles() -> type:
    # Only these links: schemathesis' own inference links v1's create to v2's update by an
    # expression ($request.path.id) that the create has no parameter for, and refuses to start.
    config = SchemathesisConfig.from_dict(
        {"phases": {"stateful": {"inference": {"algorithms": []}}}}
    )
    schema = schemathesis.openapi.from_dict(linked(document()), config=config)
    schema.app = WSGIHandler()

    class BookLifecycle(schema.as_state_machine()):
        def setup(self):
            """Each scenario starts from the same rows (its writes roll back at its end), so a
            replayed scenario meets the responses it met the first time."""
            self.scenario = transaction.atomic()
            self.scenario.__enter__()

        def teardown(self):
            transaction.set_rollback(True)
            self.scenario.__exit__(None, None, None)

        def before_call(self, case):
            """Creates succeed (random ones are the per-operation test's), so that every step
            after them works on a real book, its id and its ETag."""
            if case.method == "POST" and case.path.endswith("/books/"):
                case.body = book_body_v2() if "/v2/" in case.path else book_data()

        def get_call_kwargs(self, case):
            token = tokens.mint(sub="102", scope="catalog:read catalog:write")
            return {"headers": {"Authorization": f"Bearer {token}"}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    return BookLifecycle


def test_book_lifecycles_through_links_answer_as_documented(catalog):
    book_lifecycles().run(
        settings=settings(
            max_examples=examples(ci=5),
            stateful_step_count=6,
            suppress_health_check=list(HealthCheck),
        )
    )
