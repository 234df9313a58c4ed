"""Every selector and service, called with hostile arguments of its declared types (ids of any
size, any text, decimals of any exponent, forged cursors) and input mappings of any JSON values,
answers or raises a domain error (shared_models.errors); nothing else ever escapes, and a refused
write writes nothing."""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from shared_models import selectors, services
from shared_models.errors import CatalogError
from shared_models.models import Author, Book, Genre, Publisher
from shared_models.selectors import BOOK_ORDERINGS, BookFilter
from tests.factories import make_book, make_genre, valid_isbn
from tests.fuzzing import any_text, json_values, number_strings, scalars

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

# One database per test, shared by its examples (each example's writes roll back on refusal).
DATABASE = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

BOOK_FIELDS = tuple(services.BOOK_REQUIRED) + tuple(services.BOOK_DEFAULTS)
ORDERINGS = [*BOOK_ORDERINGS, *(f"-{name}" for name in BOOK_ORDERINGS)]


def forged_cursor(payload: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload, default=str).encode()).decode()


CURSOR_OF_HUGE_PRICE = forged_cursor({"o": "price", "v": "1e999999999", "i": 1, "b": 0})
CURSOR_OF_NUL_TITLE = forged_cursor({"o": "title", "v": "\x00", "i": 1, "b": 0})


def ids() -> st.SearchStrategy[int]:
    return st.one_of(
        st.integers(min_value=-3, max_value=5),
        st.integers(),
        st.sampled_from([2**31, 2**63 - 1, 2**63, -(2**63) - 1, 2**64, 10**30]),
    )


def decimals() -> st.SearchStrategy[Decimal]:
    return st.one_of(
        st.decimals(allow_nan=False, allow_infinity=False),
        number_strings().filter(_is_finite_decimal).map(Decimal),
    )


def _is_finite_decimal(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except ArithmeticError:
        return False


def forged_cursors() -> st.SearchStrategy[str]:
    """Well-formed cursors carrying hostile values, and plain garbage."""
    payloads = st.fixed_dictionaries(
        {
            "o": st.sampled_from(ORDERINGS),
            "v": json_values(),
            "i": json_values(ids()),
            "b": json_values(),
        },
    )
    encoded = payloads.map(forged_cursor)
    return st.one_of(encoded, any_text(), st.from_regex(r"[A-Za-z0-9_-]{0,60}", fullmatch=True))


def criteria() -> st.SearchStrategy[BookFilter]:
    optional_text = st.one_of(st.none(), any_text(), number_strings())
    return st.builds(
        BookFilter,
        author_id=st.one_of(st.none(), ids()),
        publisher_id=st.one_of(st.none(), ids()),
        genre=optional_text,
        language=optional_text,
        isbn=optional_text,
        min_price=st.one_of(st.none(), decimals()),
        max_price=st.one_of(st.none(), decimals()),
        published_after=st.one_of(st.none(), st.dates()),
        published_before=st.one_of(st.none(), st.dates()),
        search=optional_text,
    )


def answered(call, *args: Any, **kwargs: Any) -> Any:
    """The call's answer, or None when it raised a domain error; anything else fails."""
    try:
        return call(*args, **kwargs)
    except CatalogError as exc:
        assert exc.detail
        return None


@pytest.fixture
def catalog(db):
    """A few rows every example can refer to or collide with."""
    genre = make_genre("fantasy")
    book = make_book(genres=[genre], isbn=valid_isbn(1))
    return {"book": book, "author": book.author_links.get().author, "genre": genre}


def mixed_book_data(catalog: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A valid book with some fields replaced by anything, some dropped, some unknown added."""
    valid = {
        "isbn": valid_isbn(2),
        "title": "Tehanu",
        "author_ids": [catalog["author"].pk],
        "publisher_id": catalog["book"].publisher_id,
        "genre_slugs": ["fantasy"],
        "published_date": "1990-02-01",
        "language": "en",
        "pages": 252,
        "price": "8.99",
        "currency": "EUR",
    }
    hostile = st.dictionaries(st.sampled_from(BOOK_FIELDS), json_values(), max_size=4)
    dropped = st.sets(st.sampled_from(BOOK_FIELDS), max_size=2)
    unknown = st.dictionaries(any_text(), scalars(), max_size=1)
    return st.builds(
        lambda h, d, u: {k: v for k, v in {**valid, **h, **u}.items() if k not in d},
        hostile,
        dropped,
        unknown,
    )


@DATABASE
@given(data=st.data())
def test_a_book_create_writes_a_valid_book_or_nothing(catalog, data):
    body = data.draw(mixed_book_data(catalog))
    before = Book.objects.count()
    book = answered(services.book_create, data=body)
    assert Book.objects.count() == before + (book is not None)
    if book is not None:
        services.book_delete(book_id=book.id, expected_version=book.version)


@DATABASE
@given(data=st.data(), book_id=ids(), version=st.one_of(st.none(), ids()), partial=st.booleans())
@example(data=None, book_id=2**64, version=1, partial=True)
def test_a_book_update_changes_the_book_or_nothing(catalog, data, book_id, version, partial):
    body = data.draw(mixed_book_data(catalog)) if data is not None else {}
    existing = catalog["book"]
    book_id = existing.pk if book_id == 1 else book_id
    before = Book.objects.get(pk=existing.pk).version
    updated = answered(
        services.book_update, book_id=book_id, expected_version=version, data=body, partial=partial
    )
    after = Book.objects.get(pk=existing.pk).version
    assert after == before + (updated is not None and updated.id == existing.pk)


@DATABASE
@given(book_id=ids(), version=st.one_of(st.none(), ids()))
@example(book_id=2**64, version=None)
def test_a_book_delete_deletes_the_named_version_or_nothing(catalog, book_id, version):
    if answered(services.book_delete, book_id=book_id, expected_version=version) is None:
        return
    assert not Book.objects.filter(pk=book_id).exists()
    catalog["book"] = make_book(genres=[catalog["genre"]], isbn=valid_isbn(1))


@DATABASE
@given(book_id=ids(), isbn=st.one_of(any_text(), number_strings()))
@example(book_id=2**64, isbn="")
def test_a_book_is_read_by_any_id_or_isbn_or_not_found(catalog, book_id, isbn):
    answered(selectors.book_get, book_id=book_id)
    answered(selectors.book_version, book_id=book_id)
    answered(selectors.book_get_by_isbn, isbn=isbn)


@DATABASE
@given(
    criteria=st.one_of(st.none(), criteria()),
    ordering=st.one_of(st.none(), st.sampled_from(ORDERINGS), any_text()),
    cursor=st.one_of(st.none(), forged_cursors()),
    page_size=st.one_of(st.none(), json_values()),
)
@example(criteria=BookFilter(search="\x00"), ordering=None, cursor=None, page_size=None)
@example(criteria=BookFilter(genre="a\x00"), ordering=None, cursor=None, page_size=None)
@example(criteria=BookFilter(language="\x00"), ordering=None, cursor=None, page_size=None)
@example(criteria=BookFilter(min_price=Decimal("1E+999999999")), ordering=None, cursor=None,
         page_size=None)  # fmt: skip
@example(criteria=BookFilter(max_price=Decimal("-1E-999999999")), ordering=None, cursor=None,
         page_size=None)  # fmt: skip
@example(criteria=None, ordering="price", cursor=CURSOR_OF_HUGE_PRICE, page_size=None)
@example(criteria=None, ordering="title", cursor=CURSOR_OF_NUL_TITLE, page_size=None)
def test_a_book_list_is_a_page_or_a_validation_error(
    catalog, criteria, ordering, cursor, page_size
):
    page = answered(
        selectors.book_list,
        criteria=criteria, ordering=ordering, cursor=cursor, page_size=page_size,
    )  # fmt: skip
    if page is not None:
        assert all(isinstance(book.id, int) for book in page.items)


@DATABASE
@given(
    key=ids(),
    slug=st.one_of(any_text(), st.from_regex(r"[a-z-]{1,8}", fullmatch=True)),
    search=st.one_of(st.none(), any_text()),
    cursor=st.one_of(st.none(), forged_cursors()),
    page_size=st.one_of(st.none(), json_values()),
)
@example(key=1, slug="\x00", search="\x00", cursor=None, page_size=None)
def test_references_are_read_by_any_key_or_not_found(catalog, key, slug, search, cursor, page_size):
    answered(selectors.author_get, author_id=key)
    answered(selectors.publisher_get, publisher_id=key)
    answered(selectors.genre_get, slug=slug)
    answered(selectors.author_list, search=search, cursor=cursor, page_size=page_size)
    answered(selectors.publisher_list, cursor=cursor, page_size=page_size)
    answered(selectors.genre_list, cursor=cursor, page_size=page_size)


REFERENCE_FIELDS = {"author": ("name", "birth_date"), "publisher": ("name", "country"),
                    "genre": ("slug", "name")}  # fmt: skip
MODELS = {"author": Author, "publisher": Publisher, "genre": Genre}


def reference_data(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    fields = st.sampled_from(REFERENCE_FIELDS[kind])
    return st.dictionaries(st.one_of(fields, any_text()), json_values(), max_size=3)


@DATABASE
@pytest.mark.parametrize("kind", sorted(REFERENCE_FIELDS))
@given(data=st.data(), key=ids(), slug=any_text(), partial=st.booleans())
@example(data=None, key=1, slug="\x00", partial=True)
def test_a_reference_write_is_done_or_refused_whole(catalog, kind, data, key, slug, partial):
    model = MODELS[kind]
    body = data.draw(reference_data(kind)) if data is not None else {}
    count = model.objects.count()
    created = answered(getattr(services, f"{kind}_create"), data=body)
    assert model.objects.count() == count + (created is not None)
    target = {"genre": {"slug": slug}}.get(kind, {f"{kind}_id": key})
    answered(getattr(services, f"{kind}_update"), data=body, partial=partial, **target)
    answered(getattr(services, f"{kind}_delete"), **target)
