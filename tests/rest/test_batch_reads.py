"""`GET /api/{v1,v2}/books/?ids=3,1,2`: those books in that order, in one page; ids no book has
are left out, a repeated id is served once; bad batches are 400 problems saying why."""

from __future__ import annotations

import pytest

from catalog_contract.fields import NOT_WITH_IDS
from catalog_contract.ids import MAX_BATCH_IDS, MAX_ID
from rest_service.api.schema import CatalogSchemaGenerator
from tests.factories import make_book
from tests.rest.problems import assert_problem

pytestmark = pytest.mark.django_db

MISSING = 987_654


@pytest.fixture
def ids() -> list[int]:
    return [make_book(title=f"Book {i}").pk for i in range(4)]


def _batch(client, asked, version="v2", **params):
    return client.get(f"/api/{version}/books/", {"ids": ",".join(map(str, asked)), **params})


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_the_books_come_in_the_order_asked(anonymous, ids, version):
    asked = [ids[2], ids[0], ids[3], ids[1]]
    response = _batch(anonymous, asked, version)
    assert response.status_code == 200
    assert [book["id"] for book in response.json()["results"]] == asked


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_each_book_is_the_one_a_single_read_gives(anonymous, ids, version):
    singles = [anonymous.get(f"/api/{version}/books/{i}/").json() for i in ids]
    assert _batch(anonymous, ids, version).json()["results"] == singles


def test_the_batch_is_one_page_without_links(anonymous, ids):
    assert _batch(anonymous, ids).json().keys() == {"next", "previous", "results"}
    body = _batch(anonymous, ids).json()
    assert body["next"] is None and body["previous"] is None


def test_ids_no_book_has_are_left_out(anonymous, ids):
    response = _batch(anonymous, [MISSING, ids[1], MAX_ID, ids[0]])
    assert [book["id"] for book in response.json()["results"]] == [ids[1], ids[0]]


def test_only_unknown_ids_give_an_empty_page(anonymous, ids):
    assert _batch(anonymous, [MISSING]).json() == {"next": None, "previous": None, "results": []}


def test_a_repeated_id_is_served_once_where_it_first_appears(anonymous, ids):
    response = _batch(anonymous, [ids[1], ids[0], ids[1], ids[0]])
    assert [book["id"] for book in response.json()["results"]] == [ids[1], ids[0]]


def test_spaces_around_an_id_are_allowed(anonymous, ids):
    response = anonymous.get(f"/api/v2/books/?ids={ids[1]},%20{ids[0]}%20")
    assert [book["id"] for book in response.json()["results"]] == [ids[1], ids[0]]


def test_fields_combine_with_a_batch(anonymous, ids):
    response = _batch(anonymous, [ids[1], ids[0]], fields="title,id")
    assert response.json()["results"] == [
        {"id": ids[1], "title": "Book 1"},
        {"id": ids[0], "title": "Book 0"},
    ]


def test_a_full_batch_is_served(anonymous, ids):
    asked = [*ids, *range(MISSING, MISSING + MAX_BATCH_IDS - len(ids))]
    assert len(asked) == MAX_BATCH_IDS
    assert [book["id"] for book in _batch(anonymous, asked).json()["results"]] == ids


def test_more_ids_than_a_batch_holds_is_a_400(anonymous, ids):
    body = assert_problem(_batch(anonymous, range(1, MAX_BATCH_IDS + 2)), 400, "invalid")
    assert body["errors"] == {
        "ids": [f"Give at most {MAX_BATCH_IDS} ids, not {MAX_BATCH_IDS + 1}."]
    }


def test_repeats_count_towards_the_limit(anonymous, ids):
    assert_problem(_batch(anonymous, [ids[0]] * (MAX_BATCH_IDS + 1)), 400, "invalid")


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "Give at least one id."),
        ("1,,2", "Id 2 ('') is not an integer."),
        ("1,", "Id 2 ('') is not an integer."),
        ("abc", "Id 1 ('abc') is not an integer."),
        ("1.5", "Id 1 ('1.5') is not an integer."),
        ("1;2", "Id 1 ('1;2') is not an integer."),
        ("0", f"Id 1 is out of range (1..{MAX_ID})."),
        ("-3", f"Id 1 is out of range (1..{MAX_ID})."),
        (str(MAX_ID + 1), f"Id 1 is out of range (1..{MAX_ID})."),
        ("9" * 5000, f"Id 1 is out of range (1..{MAX_ID})."),
    ],
)
def test_a_malformed_or_out_of_range_id_is_a_400_saying_which(anonymous, ids, value, message):
    body = assert_problem(anonymous.get(f"/api/v2/books/?ids={value}"), 400, "invalid")
    assert body["errors"] == {"ids": [message]}


def test_every_bad_id_is_named_at_once(anonymous, ids):
    body = assert_problem(anonymous.get("/api/v2/books/?ids=1,x,0"), 400, "invalid")
    assert body["errors"]["ids"] == [
        "Id 2 ('x') is not an integer.",
        f"Id 3 is out of range (1..{MAX_ID}).",
    ]


def test_ids_given_twice_is_a_400(anonymous, ids):
    body = assert_problem(
        anonymous.get(f"/api/v2/books/?ids={ids[0]}&ids={ids[1]}"), 400, "invalid"
    )
    assert body["errors"] == {"ids": ["Give ids once, separated by commas."]}


@pytest.mark.parametrize(
    "parameter, value",
    [
        ("author", "1"),
        ("search", "book"),
        ("ordering", "-title"),
        ("cursor", "x"),
        ("page_size", "2"),
    ],
)
def test_ids_name_the_books_exactly_so_filters_and_paging_are_refused(
    anonymous, ids, parameter, value
):
    body = assert_problem(_batch(anonymous, ids, **{parameter: value}), 400, "invalid")
    assert body["errors"] == {parameter: ["Cannot be combined with ids."]}


def test_the_openapi_document_describes_ids():
    document = CatalogSchemaGenerator().get_schema(request=None, public=True)
    for version in ("v1", "v2"):
        operation = document["paths"][f"/api/{version}/books/"]["get"]
        (parameter,) = [p for p in operation["parameters"] if p["name"] == "ids"]
        assert str(MAX_BATCH_IDS) in parameter["description"]


def test_every_list_parameter_but_fields_is_refused_with_ids():
    """A filter added to the list later is refused with ids too (catalog_contract.fields)."""
    paths = CatalogSchemaGenerator().get_schema(request=None, public=True)["paths"]
    names = {p["name"] for p in paths["/api/v2/books/"]["get"]["parameters"]}
    assert names - {"ids", "fields"} == set(NOT_WITH_IDS)
