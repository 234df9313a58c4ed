"""The WSDL: what it tells a client, and the address it tells each client to call."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.test import RequestFactory
from lxml import etree
from spyne.interface.wsdl.wsdl11 import Wsdl11

from soap_service.views import SoapView
from tests.soap.schema import schema_from_wsdl

WSDL = "http://schemas.xmlsoap.org/wsdl/"
ADDRESS = {"1.1": "{http://schemas.xmlsoap.org/wsdl/soap/}address",
           "1.2": "{http://schemas.xmlsoap.org/wsdl/soap12/}address"}  # fmt: skip
OPERATIONS = {
    "GetBook", "GetBookByIsbn", "GetBooks", "ListBooks", "CreateBook", "UpdateBook", "DeleteBook",
    "GetAuthor", "ListAuthors", "CreateAuthor", "GetPublisher", "ListPublishers",
    "CreatePublisher", "GetGenre", "ListGenres", "CreateGenre",
    "ImportBooks", "ExportBooks", "GetJob", "CancelJob",
}  # fmt: skip


def address(wsdl: bytes, version: str = "1.1") -> str:
    return etree.fromstring(wsdl).find(f".//{ADDRESS[version]}").get("location")


@pytest.mark.parametrize("path", ["/soap/catalog/?wsdl", "/soap12/catalog/?wsdl"])
def test_the_wsdl_lists_every_operation_document_literal(client, path):
    wsdl = etree.fromstring(client.get(path).content)
    operations = {op.get("name") for op in wsdl.iterfind(f"{{{WSDL}}}portType/{{{WSDL}}}operation")}
    assert operations == OPERATIONS
    assert wsdl.get("targetNamespace") == "urn:bookcatalog:soap:v1"
    assert {b.get("style") for b in wsdl.iter("{*}binding") if b.get("style")} == {"document"}
    assert {b.get("use") for b in wsdl.iter("{*}body")} == {"literal"}


def test_the_wsdl_states_the_rules_as_restrictions_and_documentation(client):
    wsdl = client.get("/soap/catalog/?wsdl").content.decode()
    assert '<xs:pattern value="97[89]([ \\-]?[0-9]){10}"/>' in wsdl  # no ^...$: XSD anchors
    assert '<xs:fractionDigits value="2"/>' in wsdl and '<xs:minInclusive value="0"/>' in wsdl
    assert '<xs:maxLength value="300"/>' in wsdl
    assert "<xs:documentation>An amount of money in a currency.</xs:documentation>" in wsdl
    assert "one of id, price, published_date, title; prefix '-' for descending" in wsdl
    assert re.search(
        r'name="BookArray"><xs:sequence><xs:element name="book" type="tns:Book" minOccurs="0" '
        r'maxOccurs="unbounded"',
        wsdl,
    )
    assert '<xs:element name="CatalogFault" type="tns:CatalogFault"/>' in wsdl


def test_the_wsdl_schema_compiles_in_one_namespace(client):
    schema_from_wsdl(client.get("/soap/catalog/?wsdl").content)


def test_each_public_address_gets_a_wsdl_naming_itself(client):
    direct = client.get("/soap/catalog/?wsdl", HTTP_HOST="soap.internal:8002").content
    gateway = client.get("/soap/catalog/?wsdl", HTTP_HOST="gateway.example:8000").content
    soap12 = client.get("/soap12/catalog/?wsdl", HTTP_HOST="gateway.example:8000").content
    assert address(direct) == "http://soap.internal:8002/soap/catalog/"
    assert address(gateway) == "http://gateway.example:8000/soap/catalog/"
    assert address(soap12, "1.2") == "http://gateway.example:8000/soap12/catalog/"


def test_the_gateways_forwarded_host_and_scheme_are_honoured(client, settings):
    settings.USE_X_FORWARDED_HOST = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    wsdl = client.get(
        "/soap/catalog/?wsdl",
        HTTP_HOST="soap.internal:8002",
        HTTP_X_FORWARDED_HOST="api.example.com",
        HTTP_X_FORWARDED_PROTO="https",
    ).content
    assert address(wsdl) == "https://api.example.com/soap/catalog/"


def test_the_wsdl_is_built_once_per_process_whatever_the_hosts():
    view, requests = SoapView("1.1"), RequestFactory()
    build = Wsdl11.build_interface_document
    with mock.patch.object(
        Wsdl11, "build_interface_document", autospec=True, side_effect=build
    ) as m:
        for host in ("a.example:1", "b.example:2", "a.example:1", "c.example:3"):
            response = view(requests.get("/soap/catalog/?wsdl", HTTP_HOST=host))
            assert address(response.content) == f"http://{host}/soap/catalog/"
    assert m.call_count == 1


def test_get_without_wsdl_and_other_methods_get_a_fault_not_a_page(client):
    for response in (client.get("/soap/catalog/"), client.put("/soap/catalog/", data=b"x")):
        assert response.status_code == 405 and response["Allow"] == "GET, POST"
        assert b"Client.MethodNotAllowed" in response.content


def test_soap_posts_need_no_csrf_token_where_csrf_protection_is_on(settings):
    from django.test import Client

    settings.MIDDLEWARE = ["django.middleware.csrf.CsrfViewMiddleware"]
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/soap/catalog/", data=b"<x/>", content_type="text/xml")
    assert response.status_code == 500 and b"Client.SoapError" in response.content
