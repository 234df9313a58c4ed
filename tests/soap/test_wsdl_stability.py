"""The WSDL as strict toolkits need it (issue 17): it declares only the namespaces it uses (gSOAP's
wsdl2h reads a `wsdlsoap12` declaration as "speak SOAP 1.2"), it is the same bytes from every
worker, process and replica (generated code and diffs do not churn), and it can be cached
(ETag, Cache-Control, 304). Over real HTTP, directly and through the gateway."""

from __future__ import annotations

import re

import httpx
import pytest
from lxml import etree

from tests.processes import live_stack, second_process
from tests.soap.conftest import ENDPOINTS

VERSIONS = pytest.mark.parametrize("version", ["1.1", "1.2"])
SERVICES = pytest.mark.parametrize("service", ["soap", "gateway"])
WSDL_SOAP11 = "http://schemas.xmlsoap.org/wsdl/soap/"
WSDL_SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"
# Attributes of WSDL 1.1 and XML Schema whose values are QNames.
QNAME_ATTRIBUTES = frozenset(
    {"type", "base", "element", "message", "binding", "ref", "itemType", "substitutionGroup"}
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wsdl-stack")
    env = {"GATEWAY_RATELIMIT_NAMESPACE": "wsdl-stability", "REDIS_URL": ""}
    with live_stack(folder, services=("rest", "soap", "gateway"), books=5, env=env) as s:
        yield s


def fetch(base_url: str, version: str, **headers: str) -> httpx.Response:
    return httpx.get(f"{base_url}{ENDPOINTS[version]}?wsdl", headers=headers, timeout=30)


def used_prefixes(root: etree._Element) -> set[str | None]:
    """Prefixes of element and attribute names, and of QName-valued attributes."""
    used: set[str | None] = set()
    for element in root.iter(etree.Element):
        used.add(element.prefix)
        for name, value in element.attrib.items():
            if name.startswith("{"):
                used.add(_prefix_of(element, name))
            if name in QNAME_ATTRIBUTES and ":" in value:
                used.add(value.split(":", 1)[0])
    return used


def _prefix_of(element: etree._Element, attribute: str) -> str | None:
    namespace = attribute[1:].split("}", 1)[0]
    return next(p for p, ns in element.nsmap.items() if ns == namespace)


def declared_prefixes(document: bytes) -> set[str | None]:
    return set(re.findall(rb'xmlns:([\w.-]+)="', document)) | (
        {None} if b'xmlns="' in document else set()
    )


@SERVICES
@VERSIONS
def test_every_namespace_the_wsdl_declares_is_used(stack, service, version):
    document = fetch(stack.url(service), version).content
    declared = {p.decode() if p else p for p in declared_prefixes(document)}
    assert declared and declared <= used_prefixes(etree.fromstring(document))


@SERVICES
def test_the_soap11_wsdl_says_nothing_of_soap12_and_the_soap12_wsdl_nothing_of_soap11(
    stack, service
):
    soap11 = fetch(stack.url(service), "1.1").content
    soap12 = fetch(stack.url(service), "1.2").content
    assert WSDL_SOAP11.encode() in soap11 and b"soap12" not in soap11
    assert WSDL_SOAP12.encode() in soap12 and WSDL_SOAP11.encode() not in soap12


@VERSIONS
def test_the_wsdl_is_the_same_bytes_from_every_worker(stack, version):
    documents = {fetch(stack.url("soap"), version).content for _ in range(12)}
    assert len(documents) == 1


@VERSIONS
def test_the_wsdl_is_the_same_bytes_from_processes_with_different_hash_seeds(
    stack, version, tmp_path
):
    """Two more SOAP processes, started apart with their own PYTHONHASHSEED, as replicas or a
    restart would be; each names its own address, so that is the only difference allowed."""
    documents = []
    for seed in ("1", "2"):
        server = second_process(stack, "soap", tmp_path)
        server.env["PYTHONHASHSEED"] = seed
        server.start()
        try:
            documents.append(fetch(server.base_url, version).content)
        finally:
            server.stop()
        documents[-1] = documents[-1].replace(server.base_url.encode(), b"http://replica")
    assert documents[0] == documents[1]


@SERVICES
@VERSIONS
def test_the_wsdl_has_a_validator_and_may_be_cached(stack, service, version):
    response = fetch(stack.url(service), version)
    assert response.status_code == 200
    # a compressed WSDL's tag names its coding (httpx asks for br and gzip)
    assert re.fullmatch(r'"[0-9a-f]{32}(-br|-gzip)?"', response.headers["ETag"])
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert fetch(stack.url(service), version).headers["ETag"] == response.headers["ETag"]


@SERVICES
def test_a_matching_if_none_match_is_answered_304_without_a_body(stack, service):
    etag = fetch(stack.url(service), "1.1").headers["ETag"]
    revalidated = fetch(stack.url(service), "1.1", **{"If-None-Match": etag})
    assert (revalidated.status_code, revalidated.content) == (304, b"")
    assert revalidated.headers["ETag"] == etag
    changed = fetch(stack.url(service), "1.1", **{"If-None-Match": '"something-else"'})
    assert changed.status_code == 200 and changed.content.startswith(b"<?xml")


def test_the_soap11_and_soap12_wsdls_have_different_validators(stack):
    assert (
        fetch(stack.url("soap"), "1.1").headers["ETag"]
        != fetch(stack.url("soap"), "1.2").headers["ETag"]
    )
