"""Requests generated from the served WSDL's schema, for every operation it declares, SOAP 1.1
and 1.2, with and without a token (tests/soap/wsdl_requests.py: valid shapes, values at and past
every facet, missing and repeated elements, wrong kinds, text XML forbids). Every answer is an
envelope of the endpoint's version with a result or a Client fault: never a Server fault or a
body that is not SOAP.

In-process (Django's test client), Hypothesis-driven (tests/fuzzing.py: a bounded, seeded slice
in the normal suite, a time budget under `make fuzz`)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tests import tokens
from tests.fuzzing import examples
from tests.soap.conftest import CONTENT_TYPES, ENDPOINTS, ENVELOPES, declared
from tests.soap.faults import assert_result_or_client_fault
from tests.soap.wsdl_requests import envelope, requests, serialise

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]


OPERATIONS = [(version, name) for version in ENVELOPES for name in sorted(declared(version))]


def editor() -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens.mint(scope='catalog:read catalog:write')}"}


def test_both_wsdls_declare_every_operation_with_an_input_element():
    assert set(declared("1.1")) == set(declared("1.2"))
    assert {"GetBook", "CreateBook", "ImportBooks", "GetJob"} <= set(declared("1.1"))


@pytest.mark.parametrize(("version", "operation"), OPERATIONS)
@settings(max_examples=examples(ci=5), suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_requests_drawn_as_valid_obey_the_wsdl_schema(version, operation, data):
    """The generator knows the schema: what it means as valid, xmlschema finds valid."""
    element = declared(version)[operation]
    node = data.draw(requests(element, hostile=False))
    xml = etree.fromstring(serialise(node, {}).encode())
    element.schema.validate(etree.tostring(xml).decode())


@pytest.mark.parametrize(("version", "operation"), OPERATIONS)
@settings(
    max_examples=examples(ci=4),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), token=st.booleans())
def test_every_generated_request_is_answered_with_a_result_or_a_client_fault(
    client, fantasy_book, version, operation, data, token
):
    node = data.draw(requests(declared(version)[operation]))
    response = client.post(
        ENDPOINTS[version],
        data=envelope(node, ENVELOPES[version]),
        content_type=CONTENT_TYPES[version],
        **(editor() if token else {}),
    )
    assert_result_or_client_fault(response, version)
