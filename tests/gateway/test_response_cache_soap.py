"""SOAP reads through the gateway are cached by operation and canonical envelope, writes and
WS-Security requests are not; a mediated REST read (X-Backend: soap) is cached apart from the
proxied one."""

from __future__ import annotations

import httpx
import pytest

from catalog_contract.namespaces import SOAP11_ENVELOPE, WSSE
from tests import tokens
from tests.gateway.conftest import FakeUpstream
from tests.gateway.soap_answers import book_answer

pytestmark = pytest.mark.usefixtures("cache_settings")

SOAP11 = [("Content-Type", "text/xml; charset=utf-8")]
TNS = "urn:bookcatalog:soap:v1"


def envelope(body: str, header: str = "", *, spacing: str = "") -> bytes:
    head = f"<e:Header>{header}</e:Header>" if header else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><e:Envelope xmlns:e="{SOAP11_ENVELOPE}" '
        f'xmlns:t="{TNS}">{head}{spacing}<e:Body>{spacing}{body}{spacing}</e:Body></e:Envelope>'
    ).encode()


def soap_upstream() -> FakeUpstream:
    return FakeUpstream(
        lambda request: httpx.Response(
            200, content=book_answer(), headers={"content-type": "text/xml; charset=utf-8"}
        )
    )


def soap_calls(harness_factory, *bodies: bytes) -> tuple[list, int]:
    async def scenario(gw):
        replies = [
            await gw.request("POST", "/soap/catalog/", headers=SOAP11, body=body) for body in bodies
        ]
        return replies, len(gw.soap.requests)

    return harness_factory(scenario, soap=soap_upstream())


def test_a_soap_read_is_answered_from_the_cache_the_second_time(harness_factory):
    body = envelope("<t:GetBook><t:id>7</t:id></t:GetBook>")
    replies, upstream_calls = soap_calls(harness_factory, body, body)
    assert upstream_calls == 1
    assert replies[1].status == 200 and replies[1].body == book_answer()
    assert replies[1].header("cache-status").startswith("catalog-gw; hit")


def test_envelopes_that_differ_only_in_form_share_an_answer(harness_factory):
    compact = envelope("<t:GetBook><t:id>7</t:id></t:GetBook>")
    spaced = envelope("<t:GetBook>\n  <t:id>7</t:id>\n</t:GetBook><!-- hi -->", spacing="\n  ")
    _, upstream_calls = soap_calls(harness_factory, compact, spaced)
    assert upstream_calls == 1


def test_different_arguments_are_different_answers(harness_factory):
    _, upstream_calls = soap_calls(
        harness_factory,
        envelope("<t:GetBook><t:id>7</t:id></t:GetBook>"),
        envelope("<t:GetBook><t:id>8</t:id></t:GetBook>"),
        envelope("<t:ListBooks><t:page_size>7</t:page_size></t:ListBooks>"),
    )
    assert upstream_calls == 3


def test_a_soap_write_is_not_cached(harness_factory):
    body = envelope("<t:CreateAuthor><t:author><t:name>X</t:name></t:author></t:CreateAuthor>")

    async def scenario(gw):
        headers = [*SOAP11, ("Authorization", f"Bearer {tokens.mint()}")]
        return await gw.request("POST", "/soap/catalog/", headers=headers, body=body)

    reply = harness_factory(scenario, soap=soap_upstream())
    assert reply.header("cache-status") is None


def test_a_read_carrying_ws_security_goes_around_the_cache(harness_factory):
    security = f'<s:Security xmlns:s="{WSSE}"><s:UsernameToken/></s:Security>'
    body = envelope("<t:GetBook><t:id>7</t:id></t:GetBook>", header=security)
    replies, upstream_calls = soap_calls(harness_factory, body, body)
    assert upstream_calls == 2
    assert replies[1].header("cache-status") == "catalog-gw; fwd=bypass; detail=credentials"


def test_a_mediated_read_is_cached_apart_from_the_proxied_one(harness_factory):
    rest = FakeUpstream(lambda request: httpx.Response(200, json={"id": 7}))

    async def scenario(gw):
        mediated = [("X-Backend", "soap")]
        replies = [
            await gw.request("GET", "/api/v2/books/7/", headers=mediated),
            await gw.request("GET", "/api/v2/books/7/", headers=mediated),
            await gw.request("GET", "/api/v2/books/7/"),
        ]
        return replies, len(gw.soap.requests), len(gw.rest.requests)

    replies, soap_calls_made, rest_calls = harness_factory(
        scenario, rest=rest, soap=FakeUpstream(lambda r: httpx.Response(200, content=book_answer()))
    )
    assert (soap_calls_made, rest_calls) == (1, 1)
    assert replies[1].header("cache-status").startswith("catalog-gw; hit")
    assert replies[1].json()["title"] == "The Dispossessed"
    assert replies[2].json() == {"id": 7}


def test_an_envelope_with_a_doctype_is_not_parsed_for_a_key_and_goes_around(harness_factory):
    body = b'<!DOCTYPE e [<!ENTITY x "7">]>' + envelope("<t:GetBook><t:id>&x;</t:id></t:GetBook>")
    body = body.replace(b'<?xml version="1.0" encoding="UTF-8"?>', b"")
    replies, upstream_calls = soap_calls(harness_factory, body, body)
    assert upstream_calls == 2
    assert replies[1].header("cache-status") == "catalog-gw; fwd=bypass; detail=unreadable"
