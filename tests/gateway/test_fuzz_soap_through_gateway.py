"""Requests generated from the WSDL the gateway serves (tests/soap/wsdl_requests.py), for every
operation it declares, SOAP 1.1 and 1.2, with and without a token, sent through the gateway to
the real SOAP service (its WSGI handler, in this process): every answer is an envelope of the
endpoint's version with a result or a Client fault, never a Server fault or a body that is not
SOAP.

Bounded and seeded in the normal suite, a time budget under `make fuzz` (tests/fuzzing.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import tokens
from tests.fuzzing import examples
from tests.gateway.inprocess import Send, gateway_in_front
from tests.soap.conftest import CONTENT_TYPES, ENDPOINTS, ENVELOPES, declared
from tests.soap.faults import assert_result_or_client_fault
from tests.soap.wsdl_requests import envelope, requests

pytestmark = [
    pytest.mark.fuzz,
    pytest.mark.django_db,
    pytest.mark.usefixtures("wsgi_calls_keep_the_test_connection"),
]

OPERATIONS = [(version, name) for version in ENVELOPES for name in sorted(declared(version))]


@pytest.fixture
def through_gateway(gateway_settings, monkeypatch) -> Iterator[Send]:
    with gateway_in_front("soap", gateway_settings, monkeypatch) as send:
        yield send


@pytest.fixture
def gateway_wsdl(through_gateway, request) -> bytes:
    version = request.node.callspec.params["version"]
    response = through_gateway(method="GET", url=ENDPOINTS[version] + "?wsdl")
    assert response.status_code == 200, response.text[:300]
    return response.content


@pytest.mark.parametrize(("version", "operation"), OPERATIONS)
@settings(
    max_examples=examples(ci=2),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), token=st.booleans())
def test_every_generated_request_through_the_gateway_is_a_result_or_a_client_fault(
    through_gateway, gateway_wsdl, fantasy_book, version, operation, data, token
):
    node = data.draw(requests(declared(gateway_wsdl)[operation]))
    headers = {"Content-Type": CONTENT_TYPES[version]}
    if token:
        headers["Authorization"] = f"Bearer {tokens.mint(scope='catalog:read catalog:write')}"
    response = through_gateway(
        method="POST",
        url=ENDPOINTS[version],
        content=envelope(node, ENVELOPES[version]),
        headers=headers,
    )
    assert_result_or_client_fault(response, version)
