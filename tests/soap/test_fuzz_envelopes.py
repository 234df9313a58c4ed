"""Mutated envelopes for every operation, SOAP 1.1 and 1.2, with and without a token: elements
reordered, duplicated, dropped or renamespaced, attributes added, envelopes of mixed versions,
huge text and extreme values in typed fields. Every answer is a SOAP envelope of the endpoint's
version holding a result or a Client fault: never a Server fault, an HTML page or a traceback.

In-process (Django's test client), Hypothesis-driven (tests/fuzzing.py: a bounded, seeded slice
in the normal suite, a time budget under `make fuzz`)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tests import tokens
from tests.factories import make_book, make_genre, valid_isbn
from tests.fuzzing import date_strings, examples, number_strings
from tests.soap.conftest import CONTENT_TYPES, ENDPOINTS, ENV11, ENV12, ENVELOPES, TNS
from tests.soap.faults import assert_result_or_client_fault

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

XSI = "http://www.w3.org/2001/XMLSchema-instance"
T = f"{{{TNS}}}"
Tree = tuple[str, Any]  # (local name, text or list of child trees)


def operations(ids: dict[str, Any]) -> dict[str, Tree]:
    """A valid request of every operation, naming rows that exist."""
    book = [
        ("isbn", valid_isbn(7)),
        ("title", "Tehanu"),
        ("subtitle", "The Last Book of Earthsea"),
        ("author_ids", [("id", str(ids["author"]))]),
        ("publisher_id", str(ids["publisher"])),
        ("genre_slugs", [("slug", "fantasy")]),
        ("published_date", "1990-02-01"),
        ("language", "en"),
        ("pages", "252"),
        ("price", [("amount", "8.99"), ("currency", "EUR")]),
        ("description", "Tenar."),
    ]
    book_filter = [
        ("author_id", str(ids["author"])),
        ("publisher_id", str(ids["publisher"])),
        ("genre", "fantasy"),
        ("language", "en"),
        ("min_price", "1.00"),
        ("max_price", "100.00"),
        ("published_after", "1900-01-01"),
        ("published_before", "2020-01-01"),
        ("search", "earthsea"),
        ("ordering", "-price"),
    ]
    page = [("cursor", ids["cursor"]), ("page_size", "2")]
    book_id, version = ("id", str(ids["book"])), ("version", str(ids["version"]))
    return {
        "GetBook": ("GetBook", [book_id]),
        "GetBookByIsbn": ("GetBookByIsbn", [("isbn", ids["isbn"])]),
        "GetBooks": ("GetBooks", [("ids", [("id", str(ids["book"])), ("id", "987654321")])]),
        "ListBooks": ("ListBooks", [("filter", book_filter), ("page_size", "5")]),
        "CreateBook": ("CreateBook", [("book", book)]),
        "UpdateBook": ("UpdateBook", [book_id, version, ("book", book)]),
        "DeleteBook": ("DeleteBook", [book_id, version]),
        "GetAuthor": ("GetAuthor", [("id", str(ids["author"]))]),
        "ListAuthors": ("ListAuthors", page),
        "CreateAuthor": ("CreateAuthor", [("author", [("name", "Tenar"),
                                                      ("birth_date", "1950-01-01")])]),
        "GetPublisher": ("GetPublisher", [("id", str(ids["publisher"]))]),
        "ListPublishers": ("ListPublishers", page),
        "CreatePublisher": ("CreatePublisher", [("publisher", [("name", "Atheneum"),
                                                               ("country", "US")])]),
        "GetGenre": ("GetGenre", [("slug", "fantasy")]),
        "ListGenres": ("ListGenres", page),
        "CreateGenre": ("CreateGenre", [("genre", [("slug", "sea-stories"),
                                                   ("name", "Sea stories")])]),
    }  # fmt: skip


# --- Mutations of an lxml tree -------------------------------------------------------------------

EXTREMES = [
    "1e400", "1E+30", "1" + "0" * 30, "-1" + "0" * 30, "18446744073709551616", "-0", "+1", "0",
    "NaN", "INF", "-INF", "0.001", "99999999.995", ".5", "5.", "0x10", " 7 ", "", "true",
    "0000-00-00", "9999-12-31", "2024-02-30", "-2024-01-01", "2024-01-01Z", "2024-01-01+14:00",
    "12024-01-01", "1990-02-01T00:00:00",
]  # fmt: skip


ATTRIBUTES = ["a", "id", f"{{{XSI}}}type", f"{{{ENV11}}}mustUnderstand",
              f"{{{ENV12}}}encodingStyle", f"{{{TNS}}}version"]  # fmt: skip
MUTATIONS = ["reorder", "duplicate", "drop", "namespace", "attribute", "text", "child", "nil"]


def xml_text(max_size: int = 80) -> st.SearchStrategy[str]:
    """Text XML 1.0 can carry (lxml refuses the rest when building the tree)."""
    return st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff").filter(
            lambda c: c in "\t\n\r" or ord(c) >= 0x20
        ),
        max_size=max_size,
    )


def leaf_values() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(EXTREMES),
        number_strings(),
        date_strings(),
        xml_text(),
        st.integers(min_value=1, max_value=250_000).map(lambda n: "a" * n),
    )


def _elements(root: etree._Element) -> list[etree._Element]:
    return [element for element in root.iter() if isinstance(element.tag, str)]


def _pick(draw: Callable, root: etree._Element) -> etree._Element:
    return draw(st.sampled_from(_elements(root)))


@st.composite
def mutated(draw: Callable, body: etree._Element) -> etree._Element:
    root = copy.deepcopy(body)
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        target = _pick(draw, root)
        parent = target.getparent()
        mutation = draw(st.sampled_from(MUTATIONS))
        if mutation == "reorder" and len(target):
            children = draw(st.permutations(list(target)))
            for child in children:
                target.append(child)
        elif mutation == "duplicate" and parent is not None:
            parent.insert(parent.index(target), copy.deepcopy(target))
        elif mutation == "drop" and parent is not None:
            parent.remove(target)
        elif mutation == "namespace":
            namespace = draw(st.sampled_from(["urn:wrong", "", ENV11, ENV12, XSI, TNS + "x"]))
            target.tag = (
                f"{{{namespace}}}{etree.QName(target).localname}"
                if namespace
                else (etree.QName(target).localname)
            )
        elif mutation == "attribute":
            value = draw(st.one_of(st.sampled_from(["1", "xs:string", "true"]), xml_text(20)))
            target.set(draw(st.sampled_from(ATTRIBUTES)), value)
        elif mutation == "text" and not len(target):
            target.text = draw(leaf_values())
        elif mutation == "child":
            name = draw(st.sampled_from(["id", "x", "book", "filter", "Fault"]))
            etree.SubElement(target, T + name).text = draw(leaf_values())
        elif mutation == "nil":
            target.set(f"{{{XSI}}}nil", "true")
            for child in list(target):
                target.remove(child)
    return root


def build(tree: Tree) -> etree._Element:
    name, content = tree
    element = etree.Element(T + name, nsmap={"t": TNS})
    if isinstance(content, list):
        for child in content:
            element.append(build(child))
    else:
        element.text = content
    return element


@st.composite
def envelopes(draw: Callable, body: etree._Element, version: str) -> bytes:
    """The body in an envelope: usually the endpoint's version, sometimes the other or a mix."""
    outer = draw(st.sampled_from([version] * 4 + ["1.1", "1.2"]))
    inner = draw(st.sampled_from([outer] * 4 + ["1.1", "1.2"]))
    envelope = etree.Element(f"{{{ENVELOPES[outer]}}}Envelope", nsmap={"e": ENVELOPES[outer]})
    if draw(st.booleans()):
        header = etree.SubElement(envelope, f"{{{ENVELOPES[outer]}}}Header")
        extra = etree.SubElement(header, draw(st.sampled_from([T + "Trace", "{urn:x}Trace"])))
        if draw(st.booleans()):
            extra.set(f"{{{ENVELOPES[outer]}}}mustUnderstand", draw(st.sampled_from(["1", "0"])))
    holder = etree.SubElement(envelope, f"{{{ENVELOPES[inner]}}}Body")
    holder.append(draw(mutated(body)))
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


@pytest.fixture
def catalog_ids(client) -> dict[str, Any]:
    genre = make_genre("fantasy")
    book = make_book(genres=[genre], isbn=valid_isbn(3))
    make_book(genres=[genre], isbn=valid_isbn(4), publisher=book.publisher)
    author = book.author_links.get().author
    return {
        "book": book.pk,
        "version": book.version,
        "isbn": book.isbn,
        "author": author.pk,
        "publisher": book.publisher_id,
        "cursor": "",
    }


OPERATION_NAMES = sorted(operations(dict.fromkeys(("author", "publisher", "book", "version",
                                                   "isbn", "cursor"), "1")))  # fmt: skip


def editor() -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens.mint(scope='catalog:read catalog:write')}"}


@pytest.mark.parametrize("operation", OPERATION_NAMES)
@settings(
    max_examples=examples(ci=12),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), version=st.sampled_from(["1.1", "1.2"]), token=st.booleans())
def test_every_mutated_envelope_is_answered_with_a_result_or_a_client_fault(
    client, catalog_ids, operation, data, version, token
):
    body = build(operations(catalog_ids)[operation])
    request = data.draw(envelopes(body, version))
    response = client.post(
        ENDPOINTS[version],
        data=request,
        content_type=CONTENT_TYPES[version],
        **(editor() if token else {}),
    )
    assert_result_or_client_fault(response, version)
