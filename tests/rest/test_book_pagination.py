"""Cursor pages through HTTP: links that keep the query, a capped page size, and pages that
neither skip nor repeat a book when another is inserted meanwhile."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shared_models.pagination import MAX_PAGE_SIZE
from tests.factories import make_author, make_book, make_publisher

pytestmark = pytest.mark.django_db


def _books(count, **fields):
    author, publisher = make_author(), make_publisher()
    return [
        make_book(title=f"Book {i:03d}", authors=[author], publisher=publisher, **fields)
        for i in range(count)
    ]


def _walk(client, url):
    titles, previous_links = [], []
    while url:
        body = client.get(url).json()
        titles.extend(book["title"] for book in body["results"])
        previous_links.append(body["previous"])
        url = body["next"]
    return titles, previous_links


def test_next_links_walk_the_whole_list_once(anonymous):
    _books(7)
    titles, previous_links = _walk(anonymous, "/api/v2/books/?page_size=3")
    assert titles == [f"Book {i:03d}" for i in range(7)]
    assert previous_links[0] is None and all(previous_links[1:])


def test_links_keep_the_filters_and_ordering(anonymous):
    _books(4)
    body = anonymous.get("/api/v2/books/?page_size=2&language=en&ordering=-title").json()
    assert body["next"].startswith("http://testserver/api/v2/books/?")
    assert "language=en" in body["next"] and "ordering=-title" in body["next"]
    assert "cursor=" in body["next"]


def test_previous_link_returns_to_the_previous_page(anonymous):
    _books(5)
    first = anonymous.get("/api/v2/books/?page_size=2").json()
    second = anonymous.get(first["next"]).json()
    back = anonymous.get(second["previous"]).json()
    assert [b["title"] for b in back["results"]] == [b["title"] for b in first["results"]]


def test_an_insert_between_pages_neither_repeats_nor_skips(anonymous):
    _books(6)
    first = anonymous.get("/api/v2/books/?page_size=3&ordering=title").json()
    make_book(title="Book 000a")  # sorts into the page already read
    make_book(title="Book 004a")  # sorts into the page still to come
    second = anonymous.get(first["next"]).json()
    seen = [b["title"] for b in first["results"] + second["results"]]
    assert seen[:3] == ["Book 000", "Book 001", "Book 002"]
    assert seen[3:] == ["Book 003", "Book 004", "Book 004a"]
    assert len(set(seen)) == len(seen)


def test_page_size_defaults_to_20_and_is_capped(anonymous):
    _books(25)
    assert len(anonymous.get("/api/v2/books/").json()["results"]) == 20
    capped = anonymous.get(f"/api/v2/books/?page_size={MAX_PAGE_SIZE * 10}").json()
    assert len(capped["results"]) == 25


def test_a_page_costs_two_queries_whatever_its_size(anonymous):
    _books(30)
    counts = []
    for size in (5, 30):
        with CaptureQueriesContext(connection) as queries:
            assert anonymous.get(f"/api/v2/books/?page_size={size}").status_code == 200
        counts.append(len(queries))
    assert counts == [2, 2]


def test_an_empty_list_has_no_links(anonymous):
    assert anonymous.get("/api/v2/books/").json() == {"next": None, "previous": None, "results": []}


def test_a_cursor_of_another_ordering_is_refused(anonymous):
    _books(3)
    first = anonymous.get("/api/v2/books/?page_size=1&ordering=title").json()
    cursor = first["next"].split("cursor=")[1].split("&")[0]
    response = anonymous.get(f"/api/v2/books/?cursor={cursor}&ordering=price")
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]
