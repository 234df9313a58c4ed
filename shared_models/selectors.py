"""Reads: every query both protocols make of the catalog.

A page of books costs two queries whatever its size: the books (with the publisher joined), then
their authors in credit order and their genres in one. A book by id is one query:
its row and its credits' rows in one union. Rows come back as tuples and are
assembled into records here, once; neither protocol touches a queryset.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db.models import CharField, Exists, IntegerField, OuterRef, Q, QuerySet, Value

from catalog_contract.ids import MAX_BATCH_IDS, BadIds, batch_ids
from shared_models.compiled_queries import CompiledQuery, IdCondition, IdListQuery
from shared_models.errors import NotFound, ValidationError
from shared_models.models import Author, Book, BookAuthor, BookGenre, Genre, Publisher
from shared_models.pagination import (
    Ordering,
    Position,
    clean_page_size,
    decode_cursor,
    page_of,
    page_query,
    paginate,
    parse_ordering,
)
from shared_models.records import (
    AuthorRecord,
    AuthorRef,
    BookRecord,
    GenreRecord,
    GenreRef,
    Page,
    PublisherRecord,
    PublisherRef,
)
from shared_models.validation import (
    Cleaner,
    FieldError,
    clean_fields,
    clean_id,
    clean_isbn,
    clean_price_bound,
    is_slug,
    text,
)

BOOK_ORDERINGS: dict[str, tuple[str, type]] = {
    "id": ("id", int),
    "title": ("title", str),
    "published_date": ("published_date", date),
    "price": ("price", Decimal),
}
DEFAULT_BOOK_ORDERING = "id"

_BOOK_COLUMNS = (
    "id", "isbn", "title", "subtitle", "publisher_id", "publisher__name", "published_date",
    "language", "pages", "price", "currency", "description", "version", "created_at", "updated_at",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class BookFilter:
    """What a client may narrow a book list by; every field is optional."""

    author_id: int | None = None
    publisher_id: int | None = None
    genre: str | None = None
    language: str | None = None
    isbn: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    published_after: date | None = None
    published_before: date | None = None
    search: str | None = None


# What a filter value must be for the database to compare it: PostgreSQL refuses a NUL in text
# and a numeric beyond its range, SQLite an integer beyond 64 bits. Dates need nothing more.
_CRITERIA_CLEANERS: dict[str, Cleaner] = {
    "author_id": clean_id,
    "publisher_id": clean_id,
    "genre": text(max_length=100, required=False),
    "language": text(max_length=10, required=False),
    "search": text(max_length=200, required=False),
    "min_price": clean_price_bound,
    "max_price": clean_price_bound,
}
_SEARCH_CLEANER = {"search": _CRITERIA_CLEANERS["search"]}


def _checked(criteria: BookFilter) -> BookFilter:
    given = {
        name: value for name in _CRITERIA_CLEANERS if (value := getattr(criteria, name)) is not None
    }
    return replace(criteria, **clean_fields(given, _CRITERIA_CLEANERS, required=()))


def genres_with_slug(slug: str) -> QuerySet[Genre]:
    """The genre named `slug`; none, without a query, for a slug no genre can have."""
    return Genre.objects.filter(slug=slug) if is_slug(slug) else Genre.objects.none()


def _filtered_books(criteria: BookFilter) -> QuerySet[Book]:
    """Relations are tested with EXISTS, not joins, so a book never appears twice in a page."""
    criteria = _checked(criteria)
    books = Book.objects.all()
    if criteria.author_id is not None:
        books = books.filter(
            Exists(BookAuthor.objects.filter(book=OuterRef("pk"), author_id=criteria.author_id))
        )
    if criteria.publisher_id is not None:
        books = books.filter(publisher_id=criteria.publisher_id)
    if criteria.genre:
        books = books.filter(
            Exists(BookGenre.objects.filter(book=OuterRef("pk"), genre__slug=criteria.genre))
        )
    if criteria.language:
        books = books.filter(language=criteria.language.lower())
    if criteria.isbn:
        books = books.filter(isbn=_isbn_filter_value(criteria.isbn))
    if criteria.min_price is not None:
        books = books.filter(price__gte=criteria.min_price)
    if criteria.max_price is not None:
        books = books.filter(price__lte=criteria.max_price)
    if criteria.published_after is not None:
        books = books.filter(published_date__gte=criteria.published_after)
    if criteria.published_before is not None:
        books = books.filter(published_date__lte=criteria.published_before)
    for term in (criteria.search or "").split():
        by_author = BookAuthor.objects.filter(book=OuterRef("pk"), author__name__icontains=term)
        books = books.filter(Q(title__icontains=term) | Exists(by_author))
    return books


def _isbn_filter_value(isbn: str) -> str:
    try:
        return clean_isbn(isbn)
    except FieldError as exc:
        raise ValidationError({"isbn": [str(exc)]}) from None


# The columns one kind of row lacks (NULL in the SQL, no parameter).
_NO_TEXT = Value(None, output_field=CharField())
_NO_NUMBER = Value(None, output_field=IntegerField())


def _credit_selects(
    book_is: IdCondition, padding: tuple[Value, ...] = ()
) -> tuple[QuerySet[Any], QuerySet[Any]]:
    """The authors and the genres of some books, each row (book id, *padding, position,
    author id, text, name): an author row carries its id (a genre row NULL there and in its
    position); the text is an author's name or a genre's slug, the name a genre's."""
    authors = (
        BookAuthor.objects.filter(book_is("book_id"))
        .values_list("book_id", *padding, "position", "author_id", "author__name", _NO_TEXT)
        .order_by()
    )
    genres = (
        BookGenre.objects.filter(book_is("book_id"))
        .values_list("book_id", *padding, _NO_NUMBER, _NO_NUMBER, "genre__slug", "genre__name")
        .order_by()
    )
    return authors, genres


def _credits(book_is: IdCondition) -> QuerySet[Any]:
    """The authors and the genres of some books as one query, authors in credit order, genres
    by slug (their position is NULL, so the slug orders them).

    One query, not two: on PostgreSQL each is a round trip, on SQLite an execute and a fetch.
    """
    authors, genres = _credit_selects(book_is)
    return authors.union(genres, all=True).order_by("book_id", "position", "author__name")


_CREDITS = IdListQuery(_credits, counts=64, lists=2)
# The credits of every book whose id lies between two ids: a page of the whole catalog in id
# order holds each book in its range, so one index range scan reads its credits, where a list of
# ids is a probe per id (a 100-book page on PostgreSQL: about half the query's CPU).
_CREDITS_BETWEEN = CompiledQuery(
    lambda first, last: _credits(
        lambda column: Q(**{f"{column}__gte": first, f"{column}__lte": last})
    ),
    arity=2,
)

# A book's columns but its id, NULL in a credit's row.
_NO_BOOK_COLUMNS = (_NO_TEXT,) * (len(_BOOK_COLUMNS) - 1)


def _book_with_credits(book_id: int) -> QuerySet[Any]:
    """A book and its credits as one query: one statement for a book GET instead of two
    (PostgreSQL: one round trip). Its row has an ISBN, a credit's row NULL there; credits come in
    `_credits`' order. Lists keep their second query: past a few books the union's wider rows
    cost more than the statement they save (a batch of 20 on SQLite: 2.3 M instructions in two
    queries, 3.8 M in one)."""
    book = (
        Book.objects.filter(id=book_id)
        .annotate(
            credit_position=_NO_NUMBER,
            credit_author_id=_NO_NUMBER,
            credit_text=_NO_TEXT,
            credit_name=_NO_TEXT,
        )
        .values_list(
            *_BOOK_COLUMNS, "credit_position", "credit_author_id", "credit_text", "credit_name"
        )
        .order_by()
    )
    authors, genres = _credit_selects(lambda column: Q(**{column: book_id}), _NO_BOOK_COLUMNS)
    return book.union(authors, genres, all=True).order_by("id", "credit_position", "credit_text")


# A page names the same few publishers and genres (and many of the same authors) again and again.
# A ref is a frozen value, so each distinct one is built once and shared: a hit in the cache costs
# no Python frame, where building one ran its __init__ (a 100-book page built ~450 refs).
_author_ref = lru_cache(maxsize=4096)(AuthorRef)
_publisher_ref = lru_cache(maxsize=256)(PublisherRef)
_genre_ref = lru_cache(maxsize=256)(GenreRef)

_BOOK_WIDTH = len(_BOOK_COLUMNS)


def _book_records(
    rows: Iterable[tuple[Any, ...]], credits: Iterable[tuple[Any, ...]]
) -> list[BookRecord]:
    """Records from books' rows (in `_BOOK_COLUMNS`' order) and their credits' rows
    (book id, position, author id, text, name), in the order the records list them."""
    authors: dict[int, list[AuthorRef]] = defaultdict(list)
    genres: dict[int, list[GenreRef]] = defaultdict(list)
    for book_id, _, author_id, label, name in credits:
        if author_id is None:
            genres[book_id].append(_genre_ref(label, name))
        else:
            authors[book_id].append(_author_ref(author_id, label))
    # Positional, in _BOOK_COLUMNS' order: a 100-book page builds 100 records, and keyword
    # arguments made each call a quarter slower.
    return [
        BookRecord(
            book_id,
            isbn,
            title,
            subtitle,
            authors[book_id],
            _publisher_ref(publisher_id, publisher_name),
            genres[book_id],
            *rest,
        )
        for book_id, isbn, title, subtitle, publisher_id, publisher_name, *rest in rows
    ]


def _records(rows: list[tuple[Any, ...]], *, every_id_between: bool = False) -> list[BookRecord]:
    """The records of these books' rows, their credits read by a second query (a page's rows
    come from a query whose order and limit a union cannot hold on SQLite).

    `every_id_between`: the rows are every book whose id lies between their lowest and highest
    (a page of the unfiltered catalog in id order), so the credits are read by that range. A
    book added between the two queries with an id in it (only an explicit id could be) brings
    credits no row asks for, and they are left out."""
    ids = [row[0] for row in rows]
    if not ids:
        return []
    if every_id_between:
        return _book_records(rows, _CREDITS_BETWEEN.rows(min(ids), max(ids)))
    return _book_records(rows, _CREDITS.rows(ids))


def _records_from_union(rows: Iterable[tuple[Any, ...]]) -> list[BookRecord]:
    """Records from `_book_with_credits`' rows."""
    books = []
    credits = []
    for row in rows:
        if row[1] is None:
            credits.append((row[0], *row[_BOOK_WIDTH:]))
        else:
            books.append(row[:_BOOK_WIDTH])
    return _book_records(books, credits)


_BOOK_BY_ID = CompiledQuery(_book_with_credits)
_BOOK_VERSION = CompiledQuery(
    lambda book_id: Book.objects.filter(pk=book_id).values_list("version")
)


# What a bigint column can hold: an id outside it names no row, and a compiled query (unlike the
# ORM's lookups) would pass it to the database, which refuses it (SQLite: OverflowError).
_BIGINT = range(-(2**63), 2**63)


def book_get(*, book_id: int) -> BookRecord:
    records = _records_from_union(_BOOK_BY_ID.rows(book_id)) if book_id in _BIGINT else []
    if not records:
        raise NotFound("Book", book_id)
    return records[0]


def book_version(*, book_id: int) -> int:
    """The version alone (one indexed lookup): enough to answer a conditional request."""
    rows = _BOOK_VERSION.rows(book_id) if book_id in _BIGINT else []
    if not rows:
        raise NotFound("Book", book_id)
    version: int = rows[0][0]
    return version


# A batch has at most MAX_BATCH_IDS ids, so on SQLite every count stays compiled.
_BOOKS_BY_IDS = IdListQuery(
    lambda book_is: Book.objects.filter(book_is("id")).values_list(*_BOOK_COLUMNS),
    counts=MAX_BATCH_IDS,
)


def book_batch(*, ids: Sequence[object]) -> list[BookRecord]:
    """The books with these ids, in the order asked for: a repeated id is served once (where it
    first appears) and an id no book has is left out. Two queries whatever the count."""
    try:
        wanted = batch_ids(ids)
    except BadIds as exc:
        raise ValidationError({"ids": exc.messages}) from None
    by_id = {record.id: record for record in _records(_BOOKS_BY_IDS.rows(wanted))}
    return [by_id[book_id] for book_id in wanted if book_id in by_id]


def book_get_by_isbn(*, isbn: str) -> BookRecord:
    rows = Book.objects.filter(isbn=_isbn_filter_value(isbn)).values_list(*_BOOK_COLUMNS)
    records = _records(list(rows))
    if not records:
        raise NotFound("Book with ISBN", isbn)
    return records[0]


def book_list(
    *,
    criteria: BookFilter | None = None,
    ordering: str | None = None,
    cursor: str | None = None,
    page_size: int | str | None = None,
) -> Page[BookRecord]:
    order = parse_ordering(ordering, BOOK_ORDERINGS, DEFAULT_BOOK_ORDERING)
    size = clean_page_size(page_size)
    criteria = criteria or BookFilter()
    position = decode_cursor(cursor, order) if cursor else None
    whole_catalog = criteria == BookFilter()
    if whole_catalog and (position is None or order.field == "id"):
        rows = _catalog_page_rows(order, position, size)
    else:
        rows = list(
            page_query(
                _filtered_books(criteria), columns=_BOOK_COLUMNS, ordering=order,
                position=position, page_size=size,
            )
        )  # fmt: skip
    rows, next_cursor, previous_cursor = page_of(
        rows, columns=_BOOK_COLUMNS, ordering=order, position=position, page_size=size
    )
    every_id_between = whole_catalog and order.field == "id"
    return Page(_records(rows, every_id_between=every_id_between), next_cursor, previous_cursor)


def _catalog_page_rows(
    order: Ordering, position: Position | None, size: int
) -> list[tuple[Any, ...]]:
    """A page of the whole, unfiltered catalog, the most requested list: its query has no
    parameter but the cursor's id, so it is compiled once per ordering and page size."""
    before = None if position is None else position.before
    query = _catalog_page_query(order, before, size)
    return query.rows() if position is None else query.rows(position.row_id)


@lru_cache(maxsize=256)
def _catalog_page_query(order: Ordering, before: bool | None, size: int) -> CompiledQuery:
    def page(*row_id: int) -> QuerySet[Any]:
        position = Position(row_id[0], row_id[0], bool(before)) if row_id else None
        return page_query(
            Book.objects.all(), columns=_BOOK_COLUMNS, ordering=order, position=position,
            page_size=size,
        )  # fmt: skip

    return CompiledQuery(page, arity=0 if before is None else 1)


def _by_id_page(
    queryset: QuerySet[Any],
    columns: tuple[str, ...],
    cursor: str | None,
    page_size: int | str | None,
) -> tuple[list[tuple[Any, ...]], str | None, str | None]:
    order = parse_ordering(None, {"id": ("id", int)}, "id")
    return paginate(
        queryset, columns=columns, ordering=order, cursor=cursor,
        page_size=clean_page_size(page_size),
    )  # fmt: skip


def author_get(*, author_id: int) -> AuthorRecord:
    row = Author.objects.filter(pk=author_id).values_list("id", "name", "birth_date").first()
    if row is None:
        raise NotFound("Author", author_id)
    return AuthorRecord(*row)


def author_list(
    *, search: str | None = None, cursor: str | None = None, page_size: int | str | None = None
) -> Page[AuthorRecord]:
    authors = Author.objects.all()
    if search := clean_fields({"search": search}, _SEARCH_CLEANER, required=())["search"]:
        authors = authors.filter(name__icontains=search)
    rows, nxt, prev = _by_id_page(authors, ("id", "name", "birth_date"), cursor, page_size)
    return Page([AuthorRecord(*row) for row in rows], nxt, prev)


def publisher_get(*, publisher_id: int) -> PublisherRecord:
    row = Publisher.objects.filter(pk=publisher_id).values_list("id", "name", "country").first()
    if row is None:
        raise NotFound("Publisher", publisher_id)
    return PublisherRecord(*row)


def publisher_list(
    *, cursor: str | None = None, page_size: int | str | None = None
) -> Page[PublisherRecord]:
    rows, nxt, prev = _by_id_page(
        Publisher.objects.all(), ("id", "name", "country"), cursor, page_size
    )
    return Page([PublisherRecord(*row) for row in rows], nxt, prev)


def genre_get(*, slug: str) -> GenreRecord:
    row = genres_with_slug(slug).values_list("id", "slug", "name").first()
    if row is None:
        raise NotFound("Genre", slug)
    return GenreRecord(*row)


def genre_list(
    *, cursor: str | None = None, page_size: int | str | None = None
) -> Page[GenreRecord]:
    rows, nxt, prev = _by_id_page(Genre.objects.all(), ("id", "slug", "name"), cursor, page_size)
    return Page([GenreRecord(*row) for row in rows], nxt, prev)


def book_count(*, criteria: BookFilter | None = None) -> int:
    """How many books a filter selects: an export's total, known before it starts."""
    return _filtered_books(criteria or BookFilter()).count()


def book_pages(
    *, criteria: BookFilter | None = None, page_size: int, cursor: str | None = None
) -> Iterable[Page[BookRecord]]:
    """Every book the filter selects (after `cursor`, a page's next_cursor, when given), one
    keyset page at a time, in id order: a walk over the whole catalog that holds one page in
    memory, whatever the catalog's size, and that can be taken up again where it stopped."""
    while True:
        page = book_list(criteria=criteria, cursor=cursor, page_size=page_size)
        if page.items:
            yield page
        if page.next_cursor is None:
            return
        cursor = page.next_cursor
