"""The element orders clients are given are the ones the served WSDL declares."""

from __future__ import annotations

import pytest
from lxml import etree

from catalog_contract import elements
from catalog_contract.namespaces import SOAP_NAMESPACE

XSD = "http://www.w3.org/2001/XMLSchema"
ORDERS = {
    "Money": elements.MONEY,
    "AuthorRef": elements.AUTHOR_REF,
    "PublisherRef": elements.PUBLISHER_REF,
    "GenreRef": elements.GENRE_REF,
    "Book": elements.BOOK,
    "BookInput": elements.BOOK_INPUT,
    "BookFilter": elements.BOOK_FILTER,
    "BookPage": elements.BOOK_PAGE,
    "BookList": elements.BOOK_LIST,
}


@pytest.fixture(autouse=True)
def soap_service_urls(settings):
    settings.ROOT_URLCONF = "soap_service.urls"


def _schema(client, path: str) -> etree._Element:
    wsdl = etree.fromstring(client.get(path).content)
    schemas = [
        s for s in wsdl.iter(f"{{{XSD}}}schema") if s.get("targetNamespace") == SOAP_NAMESPACE
    ]
    assert len(schemas) == 1
    return schemas[0]


def _sequence(schema: etree._Element, type_name: str) -> tuple[str, ...]:
    complex_type = schema.find(f"{{{XSD}}}complexType[@name='{type_name}']")
    assert complex_type is not None, type_name
    return tuple(
        e.get("name") for e in complex_type.iterfind(f"{{{XSD}}}sequence/{{{XSD}}}element")
    )


@pytest.mark.parametrize("path", ["/soap/catalog/?wsdl", "/soap12/catalog/?wsdl"])
@pytest.mark.parametrize("type_name", sorted(ORDERS))
def test_the_contract_s_element_order_is_the_served_wsdl_s(client, path, type_name):
    assert _sequence(_schema(client, path), type_name) == ORDERS[type_name]


def test_the_array_items_are_the_elements_the_wsdl_names(client):
    schema = _schema(client, "/soap/catalog/?wsdl")
    for array, item in elements.LIST_ITEMS.items():
        book_input = schema.find(f"{{{XSD}}}complexType[@name='BookInput']")
        declared = book_input.find(f".//{{{XSD}}}element[@name='{array}']").get("type")
        array_type = schema.find(f"{{{XSD}}}complexType[@name='{declared.split(':')[-1]}']")
        assert [e.get("name") for e in array_type.iter(f"{{{XSD}}}element")] == [item]


@pytest.mark.parametrize("path", ["/soap/catalog/?wsdl", "/soap12/catalog/?wsdl"])
def test_get_books_takes_the_ids_as_the_contract_names_their_items(client, path):
    schema = _schema(client, path)
    request = schema.find(f"{{{XSD}}}complexType[@name='GetBooks']")
    for array, item in elements.BATCH_ITEMS.items():
        declared = request.find(f".//{{{XSD}}}element[@name='{array}']").get("type")
        array_type = schema.find(f"{{{XSD}}}complexType[@name='{declared.split(':')[-1]}']")
        assert [e.get("name") for e in array_type.iter(f"{{{XSD}}}element")] == [item]
