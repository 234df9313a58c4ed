"""Faults as real clients see them: zeep exposes the code (1.1), Code/Subcodes (1.2) and the
detail on any status; suds parses SOAP 1.1 faults, which is why they travel on HTTP 500."""

from __future__ import annotations

import pytest
from suds import WebFault
from suds.client import Client as SudsClient
from zeep.exceptions import Fault as ZeepFault

from tests.soap.conftest import TNS, wsdl_url, zeep_client

T = f"{{{TNS}}}"


def test_zeep_reads_a_soap11_fault_code_and_its_field_errors(stack):
    client = zeep_client(stack, "1.1")
    with pytest.raises(ZeepFault) as caught:
        client.service.GetBookByIsbn("978-0-306-40615-8")
    fault = caught.value
    assert fault.code == "soap11env:Client.ValidationError"
    detail = fault.detail.find(f"{T}CatalogFault")
    assert detail.findtext(f"{T}code") == "invalid"
    assert [
        (e.findtext(f"{T}field"), e.findtext(f"{T}message")) for e in detail.find(f"{T}errors")
    ] == [("isbn", "The ISBN-13 check digit is wrong.")]


@pytest.mark.parametrize(
    ("operation", "argument", "subcode"),
    [("GetBook", 987_654_321, "NotFound"), ("GetGenre", "no-such-genre", "NotFound")],
)
def test_zeep_reads_soap12_code_and_subcode_from_a_4xx_response(
    stack, operation, argument, subcode
):
    client = zeep_client(stack, "1.2")
    with pytest.raises(ZeepFault) as caught:
        getattr(client.service, operation)(argument)
    assert caught.value.code == "soap12env:Sender"
    assert [(q.namespace, q.localname) for q in caught.value.subcodes] == [(TNS, subcode)]
    assert caught.value.detail.find(f"{T}CatalogFault").findtext(f"{T}code") == "not_found"


def test_suds_reads_soap11_faults_with_their_detail(stack):
    client = SudsClient(wsdl_url(stack, "1.1"), cache=None)
    with pytest.raises(WebFault) as caught:
        client.service.GetBook(987_654_321)
    assert caught.value.fault.faultcode == "soap11env:Client.NotFound"
    assert caught.value.fault.detail.CatalogFault.code == "not_found"
