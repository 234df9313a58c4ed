"""Every book filter, search and ordering through the v2 list; values of the wrong type are a 400
problem naming the parameter, never a 500."""

from datetime import date
from decimal import Decimal

import pytest

from tests.factories import make_author, make_book, make_genre, make_publisher
from tests.rest.problems import assert_problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf():
    tolkien, pratchett = make_author("J. R. R. Tolkien"), make_author("Terry Pratchett")
    allen, gollancz = make_publisher("Allen & Unwin", "GB"), make_publisher("Gollancz", "GB")
    fantasy, humour = make_genre("fantasy"), make_genre("humour")
    return {
        "hobbit": make_book(
            title="The Hobbit", authors=[tolkien], publisher=allen, genres=[fantasy],
            published_date=date(1937, 9, 21), price=Decimal("8.00"), language="en",
            isbn="9780306406157",
        ),
        "colour": make_book(
            title="The Colour of Magic", authors=[pratchett], publisher=gollancz,
            genres=[fantasy, humour], published_date=date(1983, 11, 24),
            price=Decimal("10.50"), language="en",
        ),
        "hobbit_de": make_book(
            title="Der Hobbit", authors=[tolkien], publisher=gollancz, genres=[fantasy],
            published_date=date(1957, 1, 1), price=Decimal("12.00"), language="de",
        ),
        "authors": (tolkien, pratchett),
        "publishers": (allen, gollancz),
    }  # fmt: skip


def _titles(client, **params):
    response = client.get("/api/v2/books/", params)
    assert response.status_code == 200, response.content
    return [book["title"] for book in response.json()["results"]]


def test_author_filter(anonymous, shelf):
    tolkien = shelf["authors"][0]
    assert _titles(anonymous, author=tolkien.pk) == ["The Hobbit", "Der Hobbit"]


def test_publisher_filter(anonymous, shelf):
    assert _titles(anonymous, publisher=shelf["publishers"][0].pk) == ["The Hobbit"]


def test_genre_filter(anonymous, shelf):
    assert _titles(anonymous, genre="humour") == ["The Colour of Magic"]


def test_language_filter(anonymous, shelf):
    assert _titles(anonymous, language="de") == ["Der Hobbit"]


def test_isbn_filter(anonymous, shelf):
    assert _titles(anonymous, isbn="978-0-306-40615-7") == ["The Hobbit"]


def test_price_range(anonymous, shelf):
    assert _titles(anonymous, min_price="9", max_price="11.00") == ["The Colour of Magic"]


def test_publication_date_range(anonymous, shelf):
    titles = _titles(anonymous, published_after="1950-01-01", published_before="1983-11-24")
    assert titles == ["The Colour of Magic", "Der Hobbit"]


def test_search_matches_title_and_author_words(anonymous, shelf):
    assert _titles(anonymous, search="hobbit") == ["The Hobbit", "Der Hobbit"]
    assert _titles(anonymous, search="pratchett magic") == ["The Colour of Magic"]


def test_filters_combine(anonymous, shelf):
    assert _titles(anonymous, search="hobbit", language="en") == ["The Hobbit"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("title", ["Der Hobbit", "The Colour of Magic", "The Hobbit"]),
        ("-title", ["The Hobbit", "The Colour of Magic", "Der Hobbit"]),
        ("published_date", ["The Hobbit", "Der Hobbit", "The Colour of Magic"]),
        ("-price", ["Der Hobbit", "The Colour of Magic", "The Hobbit"]),
        ("-id", ["Der Hobbit", "The Colour of Magic", "The Hobbit"]),
    ],
)
def test_ordering(anonymous, shelf, ordering, expected):
    assert _titles(anonymous, ordering=ordering) == expected


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("author", "tolkien"),
        ("author", "99999999999999999999999"),
        ("publisher", "1.5"),
        ("min_price", "cheap"),
        ("max_price", "NaN"),
        ("published_after", "yesterday"),
        ("published_before", "2020-13-45"),
        ("search", "x" * 201),
        ("genre", "fan\x00tasy"),
        ("isbn", "123"),
        ("ordering", "colour"),
        ("page_size", "many"),
        ("cursor", "not-a-cursor"),
    ],
)
def test_a_value_of_the_wrong_type_is_a_400_naming_the_parameter(anonymous, parameter, value):
    response = anonymous.get("/api/v2/books/", {parameter: value})
    assert list(assert_problem(response, 400, "invalid")["errors"]) == [parameter]


def test_unknown_parameters_are_ignored(anonymous, shelf):
    assert len(_titles(anonymous, colour="blue")) == 3
