"""GetBooks(ids), SOAP 1.1 and 1.2, called by zeep from the served WSDL: the books asked for in
the order asked, ids no book has left out, a repeated id served once, and the batch limits of
REST's `ids=` (catalog_contract.ids) refused with Client.ValidationError faults."""

from __future__ import annotations

import pytest
from lxml import etree
from zeep.exceptions import Fault as ZeepFault
from zeep.helpers import serialize_object

from catalog_contract.ids import MAX_BATCH_IDS, MAX_ID
from tests.soap.conftest import TNS, envelope, post_live, zeep_client
from tests.soap.faults import assert_fault

T = f"{{{TNS}}}"
VERSIONS = ["1.1", "1.2"]
FAULTCODES = {"1.1": "soap11env:Client.ValidationError", "1.2": "soap12env:Sender"}
MISSING = 987_654_321


@pytest.fixture(scope="module", params=VERSIONS)
def soap(request, stack):
    return zeep_client(stack, request.param), request.param


def _ids(soap, asked: list[int]) -> list[int]:
    """zeep answers GetBooksResult's one child, `books` (None when it is empty)."""
    client, _ = soap
    books = client.service.GetBooks(ids={"id": asked})
    return [book.id for book in books.book] if books is not None else []


def _errors(fault: ZeepFault) -> list[tuple[str, str]]:
    detail = fault.detail.find(f"{T}CatalogFault")
    assert detail.findtext(f"{T}code") == "invalid"
    return [(e.findtext(f"{T}field"), e.findtext(f"{T}message")) for e in detail.find(f"{T}errors")]


def _refused(soap, asked: list[int]) -> list[tuple[str, str]]:
    client, version = soap
    with pytest.raises(ZeepFault) as caught:
        client.service.GetBooks(ids={"id": asked})
    assert caught.value.code == FAULTCODES[version]
    return _errors(caught.value)


def test_the_books_come_in_the_order_asked(soap):
    assert _ids(soap, [3, 1, 2]) == [3, 1, 2]


def test_each_book_is_the_one_get_book_gives(soap):
    client, _ = soap
    batch = client.service.GetBooks(ids={"id": [5, 4]}).book
    singles = [client.service.GetBook(5), client.service.GetBook(4)]
    assert [serialize_object(b, dict) for b in batch] == [
        serialize_object(b, dict) for b in singles
    ]


def test_ids_no_book_has_are_left_out(soap):
    assert _ids(soap, [MISSING, 2, MAX_ID, 1]) == [2, 1]


def test_only_unknown_ids_give_no_books(soap):
    assert _ids(soap, [MISSING]) == []


@pytest.mark.parametrize("version", VERSIONS)
def test_no_books_is_an_empty_books_element(stack, version):
    body = f"<t:GetBooks><t:ids><t:id>{MISSING}</t:id></t:ids></t:GetBooks>"
    response = post_live(stack, envelope(body, version=version), version)
    assert response.status_code == 200
    result = etree.fromstring(response.content).find(f".//{T}GetBooksResult")
    assert [(child.tag, len(child)) for child in result] == [(f"{T}books", 0)]


def test_a_repeated_id_is_served_once_where_it_first_appears(soap):
    assert _ids(soap, [2, 1, 2, 1]) == [2, 1]


def test_a_full_batch_is_served(soap):
    asked = [*range(MISSING, MISSING + MAX_BATCH_IDS - 2), 7, 6]
    assert _ids(soap, asked) == [7, 6]


def test_more_ids_than_a_batch_holds_is_a_client_fault(soap):
    assert _refused(soap, list(range(1, MAX_BATCH_IDS + 2))) == [
        ("ids", f"Give at most {MAX_BATCH_IDS} ids, not {MAX_BATCH_IDS + 1}.")
    ]


def test_no_ids_is_a_client_fault(soap):
    assert _refused(soap, []) == [("ids", "Give at least one id.")]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("value", ["0", "-1", str(MAX_ID + 1), "x"])
def test_an_id_the_schema_refuses_is_a_client_fault_naming_it(stack, version, value):
    body = f"<t:GetBooks><t:ids><t:id>1</t:id><t:id>{value}</t:id></t:ids></t:GetBooks>"
    response = post_live(stack, envelope(body, version=version), version)
    fault = assert_fault(response, version, "Client.ValidationError", "invalid")
    assert list(fault.errors) == ["ids.id"]
