"""SOAP service tests: in-process through Django's test client (fast, one transaction per test)
and against one live stack per session (REST + SOAP under gunicorn, real HTTP) for the clients:
zeep and suds load the served WSDL and call the real server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import cache

import httpx
import pytest
import requests
from django.test import Client, override_settings
from xmlschema import XsdElement
from zeep import Client as ZeepClient
from zeep.transports import Transport

import soap_service  # noqa: F401  (first: makes Spyne importable for the test modules here)
from tests.processes import Stack, live_stack
from tests.soap.wsdl_requests import operations

TNS = "urn:bookcatalog:soap:v1"
ENV11 = "http://schemas.xmlsoap.org/soap/envelope/"
ENV12 = "http://www.w3.org/2003/05/soap-envelope"
ENVELOPES = {"1.1": ENV11, "1.2": ENV12}
ENDPOINTS = {"1.1": "/soap/catalog/", "1.2": "/soap12/catalog/"}
CONTENT_TYPES = {"1.1": "text/xml; charset=utf-8", "1.2": "application/soap+xml; charset=utf-8"}


@pytest.fixture(autouse=True)
def soap_service_urls(settings):
    settings.ROOT_URLCONF = "soap_service.urls"


def envelope(body: str, header: str = "", version: str = "1.1") -> bytes:
    namespace = ENV11 if version == "1.1" else ENV12
    head = f"<e:Header>{header}</e:Header>" if header else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><e:Envelope xmlns:e="{namespace}" '
        f'xmlns:t="{TNS}">{head}<e:Body>{body}</e:Body></e:Envelope>'
    ).encode()


@cache
def served_wsdl(version: str) -> bytes:
    """The WSDL the service serves (read at collection too: tests are generated from it)."""
    with override_settings(ROOT_URLCONF="soap_service.urls"):
        response = Client().get(ENDPOINTS[version] + "?wsdl")
    assert response.status_code == 200, response.content[:300]
    return response.content


@cache
def declared(wsdl_or_version: bytes | str) -> dict[str, XsdElement]:
    """The operations a WSDL (or the served one of a SOAP version) declares: name -> input."""
    if isinstance(wsdl_or_version, str):
        wsdl_or_version = served_wsdl(wsdl_or_version)
    return operations(wsdl_or_version)


def post_envelope(client, body: bytes, version: str = "1.1", **headers):
    """POST an envelope through Django's test client (in-process)."""
    return client.post(
        ENDPOINTS[version], data=body, content_type=CONTENT_TYPES[version], **headers
    )


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[Stack]:
    """REST and SOAP over one seeded catalog (60 books), shared by every live test."""
    with live_stack(
        tmp_path_factory.mktemp("soap-stack"), services=("rest", "soap"), books=60
    ) as s:
        yield s


def wsdl_url(stack: Stack, version: str) -> str:
    return stack.url("soap", ENDPOINTS[version] + "?wsdl")


def zeep_client(stack: Stack, version: str = "1.1", *, bearer: str | None = None, **options):
    session = requests.Session()
    if bearer:
        session.headers["Authorization"] = f"Bearer {bearer}"
    return ZeepClient(wsdl_url(stack, version), transport=Transport(session=session), **options)


def post_live(stack: Stack, body: bytes, version: str = "1.1", **headers) -> httpx.Response:
    return httpx.post(
        stack.url("soap", ENDPOINTS[version]),
        content=body,
        headers={"Content-Type": CONTENT_TYPES[version], **headers},
        timeout=10,
    )


@pytest.fixture(autouse=True)
def forget_redis_nonces() -> Iterator[None]:
    """With REDIS_URL set, in-process tests write nonces to Redis under the SOAP prefix: remove
    exactly those keys afterwards (never FLUSHDB: the database may be shared)."""
    yield
    url = os.environ.get("REDIS_URL")
    if not url:
        return
    import redis

    connection = redis.Redis.from_url(url)
    keys = list(connection.scan_iter(match="catalog-soap:wsse-nonce:*"))
    if keys:
        connection.delete(*keys)
