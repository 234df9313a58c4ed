"""Book reads: filters, search, ordering, keyset pagination and a constant query count."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shared_models import selectors
from shared_models.errors import NotFound, ValidationError
from shared_models.selectors import BookFilter
from tests.factories import make_author, make_book, make_genre, make_publisher, valid_isbn

pytestmark = pytest.mark.django_db


def _titles(page):
    return [book.title for book in page.items]


def _all_pages(**kwargs):
    pages, cursor = [], None
    while True:
        page = selectors.book_list(cursor=cursor, **kwargs)
        pages.append(_titles(page))
        cursor = page.next_cursor
        if cursor is None:
            return pages


def test_get_returns_the_book_with_its_relations():
    genre = make_genre("fantasy")
    book = make_book(title="Earthsea", genres=[genre])
    record = selectors.book_get(book_id=book.pk)
    assert (record.title, record.publisher.name) == ("Earthsea", "Ace Books")
    assert [g.slug for g in record.genres] == ["fantasy"]


def test_get_reads_what_a_batch_reads_of_the_same_book():
    """A book by id is one union query, a batch two queries: the same record either way, credits
    in credit order and genres by slug, whatever order they were added in."""
    publisher = make_publisher()
    authors = [make_author("Zadie Smith"), make_author("Anne Carson"), make_author("Mo Yan")]
    genres = [make_genre("poetry"), make_genre("essays"), make_genre("fantasy")]
    other = make_book(title="Other", authors=authors[:1], genres=genres[:1], publisher=publisher)
    book = make_book(title="Credits", authors=authors, genres=genres, publisher=publisher)
    record = selectors.book_get(book_id=book.pk)
    assert [a.name for a in record.authors] == ["Zadie Smith", "Anne Carson", "Mo Yan"]
    assert [g.slug for g in record.genres] == ["essays", "fantasy", "poetry"]
    assert record == selectors.book_batch(ids=[other.pk, book.pk])[1]


def test_get_returns_a_book_without_authors_or_genres():
    book = make_book(title="Anonymous", authors=[], genres=[])
    record = selectors.book_get(book_id=book.pk)
    assert (record.title, record.authors, record.genres) == ("Anonymous", [], [])
    assert (record.published_date, record.price) == (date(1968, 11, 1), Decimal("9.99"))


def test_get_of_a_missing_book_is_not_found():
    with pytest.raises(NotFound):
        selectors.book_get(book_id=404)


def test_get_by_isbn_accepts_hyphens():
    book = make_book(isbn="9780306406157")
    assert selectors.book_get_by_isbn(isbn="978-0-306-40615-7").id == book.pk


def test_get_by_an_invalid_isbn_is_a_validation_error():
    with pytest.raises(ValidationError):
        selectors.book_get_by_isbn(isbn="123")


def test_filters_narrow_the_list():
    tolkien, pratchett = make_author("J. R. R. Tolkien"), make_author("Terry Pratchett")
    allen = make_publisher("Allen & Unwin", "GB")
    fantasy = make_genre("fantasy")
    make_book(title="The Hobbit", authors=[tolkien], publisher=allen, genres=[fantasy],
              published_date=date(1937, 9, 21), price=Decimal("8.00"), language="en")  # fmt: skip
    make_book(title="Mort", authors=[pratchett], genres=[fantasy],
              published_date=date(1987, 11, 12), price=Decimal("11.00"), language="en")  # fmt: skip
    make_book(title="Der Hobbit", authors=[tolkien], language="de",
              published_date=date(1957, 1, 1), price=Decimal("15.00"))  # fmt: skip

    def titles(**criteria):
        return sorted(_titles(selectors.book_list(criteria=BookFilter(**criteria))))

    assert titles(author_id=tolkien.pk) == ["Der Hobbit", "The Hobbit"]
    assert titles(publisher_id=allen.pk) == ["The Hobbit"]
    assert titles(genre="fantasy") == ["Mort", "The Hobbit"]
    assert titles(language="DE") == ["Der Hobbit"]
    assert titles(min_price=Decimal("9"), max_price=Decimal("12")) == ["Mort"]
    assert titles(published_after=date(1950, 1, 1), published_before=date(1960, 1, 1)) == [
        "Der Hobbit"
    ]


def test_isbn_filter_finds_one_book():
    book = make_book(isbn=valid_isbn(77))
    make_book()
    assert [b.id for b in selectors.book_list(criteria=BookFilter(isbn=book.isbn)).items] == [
        book.pk
    ]


def test_search_matches_title_or_author_name_every_term():
    make_book(title="Small Gods", authors=[make_author("Terry Pratchett")])
    make_book(title="Good Omens", authors=[make_author("Neil Gaiman"), make_author("T. Pratchett")])
    make_book(title="Coraline", authors=[make_author("Neil Gaiman")])

    def found(term):
        return sorted(_titles(selectors.book_list(criteria=BookFilter(search=term))))

    assert found("pratchett") == ["Good Omens", "Small Gods"]
    assert found("gods") == ["Small Gods"]
    assert found("gaiman omens") == ["Good Omens"]


def test_a_book_with_two_matching_authors_is_listed_once():
    make_book(title="Duo", authors=[make_author("Anna Smith"), make_author("Ben Smith")])
    assert _titles(selectors.book_list(criteria=BookFilter(search="smith"))) == ["Duo"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("title", ["A", "B", "C"]),
        ("-title", ["C", "B", "A"]),
        ("price", ["B", "C", "A"]),
        ("-published_date", ["C", "A", "B"]),
    ],
)
def test_ordering(ordering, expected):
    make_book(title="A", price=Decimal("30"), published_date=date(2000, 1, 1))
    make_book(title="B", price=Decimal("10"), published_date=date(1990, 1, 1))
    make_book(title="C", price=Decimal("20"), published_date=date(2010, 1, 1))
    assert _titles(selectors.book_list(ordering=ordering)) == expected


def test_unknown_ordering_is_a_validation_error():
    with pytest.raises(ValidationError) as caught:
        selectors.book_list(ordering="pages")
    assert list(caught.value.errors) == ["ordering"]


def test_pages_walk_the_whole_list_once_with_ties_broken_by_id():
    for index in range(7):
        make_book(title=f"Same {index % 2}", price=Decimal("5.00"))
    pages = _all_pages(ordering="price", page_size=3)
    assert [len(page) for page in pages] == [3, 3, 1]
    flat = [title for page in pages for title in page]
    assert len(flat) == 7


def test_descending_pages_walk_backwards_through_equal_keys():
    books = [make_book(title=f"T{index}", price=Decimal("1.00")) for index in range(5)]
    pages = _all_pages(ordering="-price", page_size=2)
    assert [t for page in pages for t in page] == [b.title for b in reversed(books)]


def test_previous_cursor_returns_the_page_before():
    for index in range(6):
        make_book(title=f"Book {index}")
    first = selectors.book_list(page_size=2)
    second = selectors.book_list(page_size=2, cursor=first.next_cursor)
    back = selectors.book_list(page_size=2, cursor=second.previous_cursor)
    assert first.previous_cursor is None
    assert _titles(back) == _titles(first)
    assert back.previous_cursor is None
    assert back.next_cursor is not None


def test_a_page_is_stable_when_rows_are_inserted_before_the_cursor():
    for index in range(4):
        make_book(title=f"m{index}")
    first = selectors.book_list(ordering="title", page_size=2)
    make_book(title="a-inserted-before")
    second = selectors.book_list(ordering="title", page_size=2, cursor=first.next_cursor)
    assert _titles(first) == ["m0", "m1"]
    assert _titles(second) == ["m2", "m3"]


def test_page_size_is_capped_at_1000_and_must_be_positive():
    make_book()
    assert len(selectors.book_list(page_size=5000).items) == 1
    with pytest.raises(ValidationError):
        selectors.book_list(page_size=0)


@pytest.mark.parametrize("cursor", ["garbage", "eyJvIjoiaWQifQ", "%%%", "e30"])
def test_a_tampered_cursor_is_a_validation_error(cursor):
    with pytest.raises(ValidationError) as caught:
        selectors.book_list(cursor=cursor)
    assert list(caught.value.errors) == ["cursor"]


def test_a_cursor_from_another_ordering_is_refused():
    for _ in range(3):
        make_book()
    cursor = selectors.book_list(ordering="title", page_size=1).next_cursor
    with pytest.raises(ValidationError, match="invalid"):
        selectors.book_list(ordering="price", cursor=cursor)


def _queries_for_page(size):
    with CaptureQueriesContext(connection) as captured:
        page = selectors.book_list(page_size=size)
    assert len(page.items) == size
    return len(captured)


def test_listing_10_or_100_books_costs_the_same_number_of_queries():
    genres = [make_genre("g1"), make_genre("g2")]
    authors = [make_author(f"Author {i}") for i in range(5)]
    publisher = make_publisher()
    for index in range(100):
        make_book(
            title=f"B{index}",
            authors=authors[: index % 3 + 1],
            genres=genres[: index % 2 + 1],
            publisher=publisher,
        )
    assert _queries_for_page(10) == _queries_for_page(100) == 2


def test_a_page_of_the_catalog_in_id_order_reads_its_credits_by_its_id_range():
    """Every book between such a page's first and last id is on it, so its credits are read by
    that range (an index range scan, not a probe per id): the records are a batch's, with a gap
    in the ids, and no credit of a book on another page reaches one."""
    authors = [make_author(f"Author {index}") for index in range(3)]
    genres = [make_genre("g1"), make_genre("g2")]
    books = [
        make_book(title=f"B{index}", authors=authors[index % 3 :], genres=genres[index % 2 :])
        for index in range(6)
    ]
    books[2].delete()
    first = selectors.book_list(page_size=3)
    with CaptureQueriesContext(connection) as captured:
        second = selectors.book_list(page_size=3, cursor=first.next_cursor)
    for page, on_it in ((first, [0, 1, 3]), (second, [4, 5])):
        ids = [books[index].pk for index in on_it]
        assert [record.id for record in page.items] == ids
        assert page.items == selectors.book_batch(ids=ids)
    credits_sql = captured.captured_queries[1]["sql"]
    assert " IN (" not in credits_sql and "ANY(" not in credits_sql


@pytest.mark.parametrize(
    ("criteria", "field"),
    [
        (BookFilter(search="a\x00b"), "search"),
        (BookFilter(genre="\x00"), "genre"),
        (BookFilter(language="e\x00"), "language"),
        (BookFilter(min_price=Decimal("1E+999999999")), "min_price"),
        (BookFilter(max_price=Decimal("-1E-999999999")), "max_price"),
        (BookFilter(author_id=2**64), "author_id"),
        (BookFilter(publisher_id=2**64), "publisher_id"),
    ],
)
def test_a_filter_value_the_database_cannot_compare_is_a_validation_error(criteria, field):
    """Found by fuzzing: a NUL reached PostgreSQL (DataError), a price bound of 1E+999999999
    overflowed its numeric, an id beyond 64 bits overflowed SQLite's integer."""
    with pytest.raises(ValidationError) as caught:
        selectors.book_list(criteria=criteria)
    assert list(caught.value.errors) == [field]


def test_an_author_search_with_a_nul_is_a_validation_error():
    with pytest.raises(ValidationError) as caught:
        selectors.author_list(search="le\x00guin")
    assert list(caught.value.errors) == ["search"]


@pytest.mark.parametrize("ordering", ["id", "-id", "title", "-price"])
def test_pages_of_the_whole_catalog_equal_those_of_a_filter_every_book_passes(ordering):
    """The unfiltered catalog's page queries are compiled once (selectors._catalog_page_query);
    a filter that keeps every book takes the ORM's path: the pages must not differ, either way."""
    for number in range(7):
        make_book(title=f"Book {number % 3}", price=Decimal(f"{number % 4}.50"))
    everything = BookFilter(min_price=Decimal("0"))

    def walk(criteria, *, cursor_of):
        page = selectors.book_list(criteria=criteria, ordering=ordering, page_size=2)
        pages = [page]
        while (cursor := cursor_of(pages[-1])) is not None:
            pages.append(
                selectors.book_list(
                    criteria=criteria, ordering=ordering, page_size=2, cursor=cursor
                )
            )
        return pages

    forwards = walk(None, cursor_of=lambda page: page.next_cursor)
    assert forwards == walk(everything, cursor_of=lambda page: page.next_cursor)
    last = forwards[-1]
    backwards = [
        selectors.book_list(ordering=ordering, page_size=2, cursor=last.previous_cursor)
    ]  # fmt: skip
    assert backwards == [
        selectors.book_list(
            criteria=everything, ordering=ordering, page_size=2, cursor=last.previous_cursor
        )
    ]
    assert sum(len(page.items) for page in forwards) == 7


@pytest.mark.parametrize("book_id", [2**63, 2**64, -(2**63) - 1])
def test_a_book_id_beyond_64_bits_is_not_found(book_id):
    """Found by fuzzing: the compiled by-id queries passed 2**64 to SQLite (OverflowError)."""
    with pytest.raises(NotFound):
        selectors.book_get(book_id=book_id)
    with pytest.raises(NotFound):
        selectors.book_version(book_id=book_id)
