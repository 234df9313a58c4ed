"""Book writes through the service layer: every rule, every error, optimistic concurrency, and
nothing written when a write is refused."""

from datetime import date
from decimal import Decimal

import pytest

from shared_models import services
from shared_models.errors import NotFound, StaleVersion, ValidationError
from shared_models.models import Book, BookAuthor
from tests.factories import book_data, make_author, make_book, make_genre, valid_isbn

pytestmark = pytest.mark.django_db


def test_create_returns_the_stored_book_with_version_1(clock):
    genre = make_genre("science-fiction")
    second = make_author("Second Author")
    data = book_data(genre_slugs=["science-fiction"])
    data["author_ids"].append(second.pk)

    book = services.book_create(data=data, clock=clock)

    assert book.version == 1
    assert book.price == Decimal("12.50")
    assert book.published_date == date(1969, 3, 1)
    assert [a.name for a in book.authors] == ["Ursula K. Le Guin", "Second Author"]
    assert [g.slug for g in book.genres] == [genre.slug]
    assert Book.objects.get(pk=book.id).isbn == data["isbn"]


def test_create_keeps_the_credit_order_of_authors(clock):
    first, second = make_author("Zed"), make_author("Abe")
    book = services.book_create(data=book_data(author_ids=[first.pk, second.pk]), clock=clock)
    assert [a.id for a in book.authors] == [first.pk, second.pk]


def test_create_fills_defaults_for_optional_fields(clock):
    data = book_data()
    for optional in ("subtitle", "genre_slugs", "currency", "description"):
        del data[optional]
    book = services.book_create(data=data, clock=clock)
    assert (book.subtitle, book.genres, book.currency, book.description) == ("", [], "EUR", "")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("isbn", "9780306406158"),
        ("title", "  "),
        ("author_ids", []),
        ("publisher_id", "x"),
        ("published_date", "2026-06-16"),
        ("language", "klingon"),
        ("pages", 0),
        ("price", "-1.00"),
        ("currency", "XYZ"),
    ],
)
def test_create_refuses_each_invalid_field_and_writes_nothing(clock, field, value):
    with pytest.raises(ValidationError) as caught:
        services.book_create(data=book_data(**{field: value}), clock=clock)
    assert list(caught.value.errors) == [field]
    assert Book.objects.count() == 0


def test_create_refuses_unknown_references_naming_each(clock):
    data = book_data(author_ids=[999_998, 999_999], publisher_id=999_999, genre_slugs=["nope"])
    with pytest.raises(ValidationError) as caught:
        services.book_create(data=data, clock=clock)
    assert caught.value.errors == {
        "author_ids": ["Unknown author id(s): 999998, 999999."],
        "publisher_id": ["Unknown publisher id: 999999."],
        "genre_slugs": ["Unknown genre(s): nope."],
    }
    assert Book.objects.count() == 0


def test_create_refuses_a_duplicate_isbn(clock):
    existing = make_book()
    with pytest.raises(ValidationError) as caught:
        services.book_create(data=book_data(isbn=existing.isbn), clock=clock)
    assert caught.value.errors == {"isbn": ["A book with this ISBN already exists."]}
    assert Book.objects.count() == 1


def test_create_refuses_missing_required_fields():
    with pytest.raises(ValidationError) as caught:
        services.book_create(data={})
    assert set(caught.value.errors) == set(services.BOOK_REQUIRED)


def test_update_replaces_fields_and_bumps_the_version(clock):
    book = make_book()
    data = book_data(title="New Title", isbn=book.isbn)

    updated = services.book_update(book_id=book.pk, expected_version=1, data=data, clock=clock)

    assert updated.version == 2
    assert updated.title == "New Title"
    assert updated.updated_at == clock.now()
    assert [a.id for a in updated.authors] == data["author_ids"]


def test_partial_update_changes_only_the_given_fields(clock):
    book = make_book(title="Old", pages=100)
    updated = services.book_update(
        book_id=book.pk, expected_version=1, data={"pages": 120}, partial=True, clock=clock
    )
    assert (updated.title, updated.pages, updated.version) == ("Old", 120, 2)
    assert [a.name for a in updated.authors] == ["Ursula K. Le Guin"]


def test_stale_version_is_refused_and_nothing_is_written(clock):
    book = make_book(title="Original")
    services.book_update(
        book_id=book.pk, expected_version=1, data={"title": "First"}, partial=True, clock=clock
    )
    links_before = list(BookAuthor.objects.filter(book=book).values_list("author_id", flat=True))

    with pytest.raises(StaleVersion) as caught:
        services.book_update(
            book_id=book.pk,
            expected_version=1,
            data={"title": "Second", "author_ids": [make_author("Other").pk]},
            partial=True,
            clock=clock,
        )

    assert caught.value.current_version == 2
    book.refresh_from_db()
    assert (book.title, book.version) == ("First", 2)
    assert list(BookAuthor.objects.filter(book=book).values_list("author_id", flat=True)) == (
        links_before
    )


def test_update_of_a_missing_book_is_not_found(clock):
    with pytest.raises(NotFound):
        services.book_update(book_id=12345, expected_version=1, data={"pages": 2}, partial=True)


def test_update_may_keep_its_own_isbn_but_not_take_another(clock):
    book, other = make_book(), make_book(isbn=valid_isbn())
    services.book_update(
        book_id=book.pk, expected_version=1, data={"isbn": book.isbn}, partial=True, clock=clock
    )
    with pytest.raises(ValidationError):
        services.book_update(
            book_id=book.pk, expected_version=2, data={"isbn": other.isbn}, partial=True
        )


def test_invalid_update_writes_nothing(clock):
    book = make_book(title="Kept")
    with pytest.raises(ValidationError):
        services.book_update(
            book_id=book.pk, expected_version=1, data={"title": "New", "pages": -1}, partial=True
        )
    book.refresh_from_db()
    assert (book.title, book.version) == ("Kept", 1)


def test_delete_with_the_current_version_removes_the_book():
    book = make_book()
    services.book_delete(book_id=book.pk, expected_version=1)
    assert not Book.objects.filter(pk=book.pk).exists()


def test_delete_with_a_stale_version_keeps_the_book():
    book = make_book(version=3)
    with pytest.raises(StaleVersion):
        services.book_delete(book_id=book.pk, expected_version=2)
    assert Book.objects.filter(pk=book.pk).exists()


def test_without_an_expected_version_writes_apply_to_whatever_version_is_current(clock):
    """What REST's `If-Match: *` asks: the book must exist, its version does not matter."""
    book = make_book(version=4)
    updated = services.book_update(
        book_id=book.pk, expected_version=None, data={"pages": 9}, partial=True, clock=clock
    )
    assert (updated.pages, updated.version) == (9, 5)
    services.book_delete(book_id=book.pk, expected_version=None)
    assert not Book.objects.filter(pk=book.pk).exists()
    with pytest.raises(NotFound):
        services.book_delete(book_id=book.pk, expected_version=None)


def test_delete_of_a_missing_book_is_not_found():
    with pytest.raises(NotFound):
        services.book_delete(book_id=424242, expected_version=1)
