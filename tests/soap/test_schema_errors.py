"""Schema errors name the element that is wrong, however the client spells its namespace: with a
prefix (zeep, suds), a default namespace on the operation element (SOAP::Lite, .NET) or on the
Body (JAX-WS writes `<S:Body xmlns="urn:bookcatalog:soap:v1"><UpdateBook>...`). Raw envelopes
over real HTTP, so what is tested is what such a client gets."""

from __future__ import annotations

import pytest

from tests.soap.conftest import ENV11, ENV12, TNS, post_live
from tests.soap.faults import assert_fault
from tests.soap.wsse import security_header

SPELLINGS = pytest.mark.parametrize("spelling", ["prefixed", "default_on_operation", "jaxws"])
VERSIONS = pytest.mark.parametrize("version", ["1.1", "1.2"])
EDITOR = security_header("editor", "editor-pass")


def envelope(operation: str, spelling: str, version: str, header: str = "") -> bytes:
    """`operation` is written with the `t:` prefix; other spellings drop it for a default one."""
    namespace = ENV11 if version == "1.1" else ENV12
    head = f"<e:Header>{header}</e:Header>" if header else ""
    body_attributes = ""
    if spelling != "prefixed":
        operation = operation.replace("<t:", "<").replace("</t:", "</")
    if spelling == "default_on_operation":
        name_end = operation.index(">")
        operation = f'{operation[:name_end]} xmlns="{TNS}"{operation[name_end:]}'
    if spelling == "jaxws":
        body_attributes = f' xmlns="{TNS}"'
    prefix = f' xmlns:t="{TNS}"' if spelling == "prefixed" else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><e:Envelope xmlns:e="{namespace}"{prefix}>'
        f"{head}<e:Body{body_attributes}>{operation}</e:Body></e:Envelope>"
    ).encode()


def book_input(**replacements: str) -> str:
    values = {
        "isbn": "9780306406157", "title": "Kindred", "author_ids": "<t:id>1</t:id>",
        "publisher_id": "1", "published_date": "1979-06-01", "language": "en", "pages": "264",
        "price": "<t:amount>8.99</t:amount><t:currency>EUR</t:currency>",
    } | replacements  # fmt: skip
    fields = "".join(f"<t:{k}>{v}</t:{k}>" for k, v in values.items() if v is not None)
    return f"<t:book>{fields}</t:book>"


def update_book(book: str) -> str:
    return f"<t:UpdateBook><t:id>1</t:id><t:version>1</t:version>{book}</t:UpdateBook>"


def fault_fields(stack, body: bytes, version: str) -> dict[str, list[str]]:
    response = post_live(stack, body, version)
    return assert_fault(response, version, "Client.ValidationError", "invalid").errors


@SPELLINGS
@VERSIONS
def test_an_out_of_order_filter_element_is_named(stack, spelling, version):
    operation = (
        "<t:ListBooks><t:filter><t:max_price>30</t:max_price><t:min_price>10</t:min_price>"
        "</t:filter></t:ListBooks>"
    )
    errors = fault_fields(stack, envelope(operation, spelling, version), version)
    assert list(errors) == ["filter.min_price"]
    assert errors["filter.min_price"][0].startswith("This element is not expected.")


@SPELLINGS
def test_an_unknown_filter_element_is_named_and_no_optional_field_is_claimed_missing(
    stack, spelling
):
    operation = "<t:ListBooks><t:filter><t:colour>red</t:colour></t:filter></t:ListBooks>"
    errors = fault_fields(stack, envelope(operation, spelling, "1.1"), "1.1")
    assert list(errors) == ["filter.colour"]
    assert errors["filter.colour"][0].startswith("This element is not expected.")


@SPELLINGS
@VERSIONS
def test_a_bad_amount_is_named_by_its_full_path(stack, spelling, version):
    operation = update_book(
        book_input(price="<t:amount>abc</t:amount><t:currency>EUR</t:currency>")
    )
    errors = fault_fields(stack, envelope(operation, spelling, version, EDITOR), version)
    assert list(errors) == ["book.price.amount"]


@SPELLINGS
@VERSIONS
def test_a_missing_title_is_named_as_a_required_field(stack, spelling, version):
    operation = update_book(book_input(title=None))
    errors = fault_fields(stack, envelope(operation, spelling, version, EDITOR), version)
    assert errors == {"book.title": ["This field is required."]}


@SPELLINGS
def test_a_bad_id_in_a_list_is_named_below_the_list(stack, spelling):
    operation = update_book(book_input(author_ids="<t:id>1</t:id><t:id>x</t:id>"))
    errors = fault_fields(stack, envelope(operation, spelling, "1.1", EDITOR), "1.1")
    assert list(errors) == ["book.author_ids.id"]


@SPELLINGS
def test_a_required_element_missing_at_the_end_is_named(stack, spelling):
    operation = update_book(book_input(price=None))
    errors = fault_fields(stack, envelope(operation, spelling, "1.1", EDITOR), "1.1")
    assert errors == {"book.price": ["This field is required."]}
