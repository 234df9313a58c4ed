"""Upstream failures become 502 / 503 / 504 problems for REST clients and Server.Unavailable
faults for SOAP clients, in one place (gateway.errors.map_upstream_errors)."""

import httpx
import pytest
from lxml import etree

from gateway.errors import CircuitOpen
from tests.gateway.conftest import FakeUpstream
from tests.processes import free_port

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
TNS = "urn:bookcatalog:soap:v1"
GET_BOOK = (
    f'<soap:Envelope xmlns:soap="{SOAP11}" xmlns:tns="{TNS}"><soap:Body>'
    "<tns:GetBook><tns:id>1</tns:id></tns:GetBook></soap:Body></soap:Envelope>"
).encode()


def failing(exc: Exception) -> FakeUpstream:
    def answer(request):
        raise exc

    return FakeUpstream(answer)


@pytest.mark.parametrize(
    ("exc", "status", "problem"),
    [
        (httpx.ConnectError("refused"), 502, "bad-gateway"),
        (httpx.RemoteProtocolError("disconnected"), 502, "bad-gateway"),
        (httpx.ReadTimeout("slow"), 504, "gateway-timeout"),
        (httpx.ConnectTimeout("slow"), 504, "gateway-timeout"),
        (CircuitOpen(retry_after=7.2), 503, "service-unavailable"),
    ],
)
def test_upstream_failures_are_answered_as_problems(harness_factory, exc, status, problem):
    async def scenario(gw):
        return await gw.request("GET", "/api/v2/books/")

    reply = harness_factory(scenario, rest=failing(exc))
    assert reply.status == status
    assert reply.header("content-type") == "application/problem+json"
    assert reply.json()["type"] == f"https://bookcatalog.example/problems/{problem}"
    assert reply.json()["request_id"] == reply.header("x-request-id")


def test_an_open_circuit_says_when_to_retry(harness_factory):
    async def scenario(gw):
        return await gw.request("GET", "/api/v2/books/")

    reply = harness_factory(scenario, rest=failing(CircuitOpen(retry_after=7.2)))
    assert reply.header("retry-after") == "8"


def _fault(reply, envelope):
    document = etree.fromstring(reply.body)
    return document.find(f"{{{envelope}}}Body/{{{envelope}}}Fault")


def test_a_soap11_client_gets_a_server_unavailable_fault(harness_factory):
    async def scenario(gw):
        headers = [("Content-Type", "text/xml; charset=utf-8"), ("SOAPAction", '"GetBook"')]
        return await gw.request("POST", "/soap/catalog/", headers=headers, body=GET_BOOK)

    reply = harness_factory(scenario, soap=failing(httpx.ReadTimeout("slow")))
    assert reply.status == 500  # SOAP 1.1 sends every fault with 500 (WS-I BP R1126)
    assert reply.header("content-type").startswith("text/xml")
    fault = _fault(reply, SOAP11)
    assert fault.findtext("faultcode") == "soap:Server.Unavailable"
    assert fault.findtext(f"detail/{{{TNS}}}CatalogFault/{{{TNS}}}code") == "gateway_timeout"


def test_a_soap12_client_gets_a_receiver_fault_on_500_with_retry_after(harness_factory):
    body = GET_BOOK.replace(SOAP11.encode(), SOAP12.encode())

    async def scenario(gw):
        headers = [("Content-Type", "application/soap+xml; charset=utf-8")]
        return await gw.request("POST", "/soap12/catalog/", headers=headers, body=body)

    reply = harness_factory(scenario, soap=failing(CircuitOpen(retry_after=3)))
    assert (reply.status, reply.header("retry-after")) == (500, "3")
    fault = _fault(reply, SOAP12)
    code = fault.find(f"{{{SOAP12}}}Code")
    assert code.findtext(f"{{{SOAP12}}}Value") == "soap:Receiver"
    assert code.findtext(f"{{{SOAP12}}}Subcode/{{{SOAP12}}}Value") == "tns:Unavailable"
    assert fault.findtext(f"{{{SOAP12}}}Detail/{{{TNS}}}CatalogFault/{{{TNS}}}retry_after") == "3"


def test_a_refused_connection_is_a_502_not_a_timeout(harness_factory, gateway_settings):
    gateway_settings.GATEWAY_REST_URL = f"http://127.0.0.1:{free_port()}"

    async def scenario(gw):
        return await gw.request("GET", "/api/v2/books/")

    reply = harness_factory(scenario, real_rest_transport=True)
    assert reply.status == 502
    assert reply.json()["type"] == "https://bookcatalog.example/problems/bad-gateway"
