"""Writes: every change both protocols make to the catalog, each in one transaction.

Each write announces the kind it changes (change_feed.announce), so that the gateway's cached
answers of that kind are unreachable once it commits; one that ends up changing nothing (a
refused or stale write rolls back) announces nothing.

Input is cleaned by shared_models.validation (one rule, one place), references are checked with
one query per kind, and the database constraints stay the backstop: a unique or check violation
that slips past the checks (a concurrent insert) still becomes a ValidationError, never a 500.
Books carry a `version`; an update or delete names the version it read and is refused with
StaleVersion if the row has moved on, without writing anything.

On PostgreSQL, writers race for real (READ COMMITTED, many connections), so two things are made
explicit: a delete locks the row at the version it names before deleting (Django's cascade
collector would otherwise delete by id alone, after a concurrent update), and foreign keys are
checked when a row is written rather than at commit, so a reference deleted by a concurrent
transaction is a ValidationError (or an InUse on the deleting side), not an error at commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Model, ProtectedError, QuerySet

from catalog_contract.fields import BOOK_REQUIRED
from shared_models import selectors
from shared_models.change_feed import announce
from shared_models.clock import Clock, system_clock
from shared_models.errors import InUse, NotFound, StaleVersion, ValidationError
from shared_models.models import Author, Book, BookAuthor, BookGenre, Genre, Publisher
from shared_models.records import AuthorRecord, BookRecord, GenreRecord, PublisherRecord
from shared_models.validation import (
    Cleaner,
    clean_country,
    clean_currency,
    clean_fields,
    clean_id,
    clean_isbn,
    clean_language,
    clean_pages,
    clean_price,
    clean_slug,
    id_list,
    past_or_today,
    slug_list,
    text,
)

BOOK_DEFAULTS = {"subtitle": "", "genre_slugs": [], "currency": "EUR", "description": ""}
_ISBN_TAKEN = "A book with this ISBN already exists."


def _book_cleaners(clock: Clock) -> dict[str, Cleaner]:
    return {
        "isbn": clean_isbn,
        "title": text(max_length=300, required=True),
        "subtitle": text(max_length=300, required=False),
        "author_ids": id_list(required=True),
        "publisher_id": clean_id,
        "genre_slugs": slug_list(required=False),
        "published_date": past_or_today(today=clock.today, required=True),
        "language": clean_language,
        "pages": clean_pages,
        "price": clean_price,
        "currency": clean_currency,
        "description": text(max_length=20_000, required=False),
    }


@dataclass(frozen=True)
class _KnownReferences:
    """Which of the ids and slugs some books name exist: one query per kind, however many books."""

    author_ids: frozenset[int]
    publisher_ids: frozenset[int]
    genre_ids: dict[str, int]

    @classmethod
    def of(cls, books: Iterable[Mapping[str, Any]]) -> _KnownReferences:
        books = list(books)
        authors = {a for fields in books for a in fields.get("author_ids", ())}
        publishers = {fields["publisher_id"] for fields in books if "publisher_id" in fields}
        slugs = {slug for fields in books for slug in fields.get("genre_slugs", ())}
        return cls(
            frozenset(Author.objects.filter(pk__in=authors).values_list("pk", flat=True)),
            frozenset(Publisher.objects.filter(pk__in=publishers).values_list("pk", flat=True)),
            dict(Genre.objects.filter(slug__in=slugs).values_list("slug", "pk")),
        )

    def errors(self, fields: Mapping[str, Any]) -> dict[str, list[str]]:
        """Every id and slug the book points at must exist; all missing ones at once."""
        errors: dict[str, list[str]] = {}
        missing = [str(i) for i in fields.get("author_ids", ()) if i not in self.author_ids]
        if missing:
            errors["author_ids"] = [f"Unknown author id(s): {', '.join(missing)}."]
        if "publisher_id" in fields and fields["publisher_id"] not in self.publisher_ids:
            errors["publisher_id"] = [f"Unknown publisher id: {fields['publisher_id']}."]
        if missing := [
            slug for slug in fields.get("genre_slugs", ()) if slug not in self.genre_ids
        ]:
            errors["genre_slugs"] = [f"Unknown genre(s): {', '.join(missing)}."]
        return errors


def _check_references(fields: Mapping[str, Any]) -> None:
    if errors := _KnownReferences.of([fields]).errors(fields):
        raise ValidationError(errors)


def _check_isbn_free(isbn: str, *, except_book_id: int | None = None) -> None:
    taken = Book.objects.filter(isbn=isbn)
    if except_book_id is not None:
        taken = taken.exclude(pk=except_book_id)
    if taken.exists():
        raise ValidationError({"isbn": [_ISBN_TAKEN]})


_RACE_ERRORS = (
    ("isbn", "isbn", _ISBN_TAKEN),
    ("author_id", "author_ids", "An author this book names was deleted meanwhile."),
    ("publisher_id", "publisher_id", "This publisher was deleted meanwhile."),
    ("genre_id", "genre_slugs", "A genre this book names was deleted meanwhile."),
)


def _lost_race(exc: IntegrityError) -> ValidationError:
    """A concurrent write beat our checks (an insert took the ISBN, a delete took a reference);
    the database constraint is what caught it."""
    message = str(exc).lower()
    for marker, field, explanation in _RACE_ERRORS:
        if marker in message:
            return ValidationError({field: [explanation]})
    return ValidationError({"non_field_errors": ["The data breaks a catalog constraint."]})


def _check_constraints_immediately() -> None:
    """Django declares PostgreSQL foreign keys DEFERRABLE INITIALLY DEFERRED: a violation caused
    by a concurrent delete would only surface at commit, outside every handler here."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _replace_links(book_id: int, fields: Mapping[str, Any]) -> None:
    if "author_ids" in fields:
        BookAuthor.objects.filter(book_id=book_id).delete()
        BookAuthor.objects.bulk_create(
            BookAuthor(book_id=book_id, author_id=author_id, position=position)
            for position, author_id in enumerate(fields["author_ids"])
        )
    if "genre_slugs" in fields:
        BookGenre.objects.filter(book_id=book_id).delete()
        genre_ids = Genre.objects.filter(slug__in=fields["genre_slugs"]).values_list(
            "pk", flat=True
        )
        BookGenre.objects.bulk_create(BookGenre(book_id=book_id, genre_id=g) for g in genre_ids)


def _column_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if key not in ("author_ids", "genre_slugs")}


@transaction.atomic
def book_create(*, data: Mapping[str, Any], clock: Clock = system_clock) -> BookRecord:
    return selectors.book_get(book_id=book_insert(data=data, clock=clock))


@transaction.atomic
def book_insert(*, data: Mapping[str, Any], clock: Clock = system_clock) -> int:
    """The create rule, answering only the new id: what an import applies to every line."""
    fields = clean_fields(
        data, _book_cleaners(clock), required=BOOK_REQUIRED, defaults=BOOK_DEFAULTS
    )
    _check_references(fields)
    _check_isbn_free(fields["isbn"])
    _check_constraints_immediately()
    announce("books")
    try:
        with transaction.atomic():
            book = Book.objects.create(**_column_values(fields))
            _replace_links(book.pk, fields)
    except IntegrityError as exc:
        raise _lost_race(exc) from None
    return book.pk


@transaction.atomic
def books_insert(
    *, rows: Sequence[Mapping[str, Any]], clock: Clock = system_clock
) -> list[int | ValidationError]:
    """book_insert for many books at once (an import batch): the same cleaners and checks, with
    references and ISBNs looked up once for the whole batch and the valid books written together.
    Each row's outcome is its new id or its ValidationError; of two rows with one ISBN the second
    is refused. A concurrent write that beats the checks sends the batch through book_insert row
    by row, so it costs only the row it concerns."""
    cleaners = _book_cleaners(clock)
    outcomes: list[int | ValidationError | None] = [None] * len(rows)
    cleaned: dict[int, dict[str, Any]] = {}
    for index, data in enumerate(rows):
        try:
            cleaned[index] = clean_fields(
                data, cleaners, required=BOOK_REQUIRED, defaults=BOOK_DEFAULTS
            )
        except ValidationError as exc:
            outcomes[index] = exc
    known = _KnownReferences.of(cleaned.values())
    taken = set(
        Book.objects.filter(isbn__in=[f["isbn"] for f in cleaned.values()]).values_list(
            "isbn", flat=True
        )
    )
    for index, fields in cleaned.items():
        errors = known.errors(fields)
        if fields["isbn"] in taken:
            errors["isbn"] = [_ISBN_TAKEN]
        if errors:
            outcomes[index] = ValidationError(errors)
        else:
            taken.add(fields["isbn"])
    valid = [index for index in cleaned if outcomes[index] is None]
    _check_constraints_immediately()
    announce("books")
    try:
        with transaction.atomic():
            ids = _write_books([cleaned[index] for index in valid], known)
    except IntegrityError:
        return [*_one_by_one(rows, outcomes, clock)]
    for index, book_id in zip(valid, ids, strict=True):
        outcomes[index] = book_id
    return outcomes  # type: ignore[return-value]  # every None is now an id


def _write_books(books: list[dict[str, Any]], known: _KnownReferences) -> list[int]:
    created = Book.objects.bulk_create(Book(**_column_values(fields)) for fields in books)
    BookAuthor.objects.bulk_create(
        BookAuthor(book_id=book.pk, author_id=author_id, position=position)
        for book, fields in zip(created, books, strict=True)
        for position, author_id in enumerate(fields["author_ids"])
    )
    BookGenre.objects.bulk_create(
        BookGenre(book_id=book.pk, genre_id=known.genre_ids[slug])
        for book, fields in zip(created, books, strict=True)
        for slug in fields["genre_slugs"]
    )
    return [book.pk for book in created]


def _one_by_one(
    rows: Sequence[Mapping[str, Any]],
    outcomes: list[int | ValidationError | None],
    clock: Clock,
) -> Iterator[int | ValidationError]:
    for index, outcome in enumerate(outcomes):
        if outcome is not None:  # refused before the write
            yield outcome
            continue
        try:
            yield book_insert(data=rows[index], clock=clock)
        except ValidationError as exc:
            yield exc


@transaction.atomic
def book_update(
    *,
    book_id: int,
    expected_version: int | None,
    data: Mapping[str, Any],
    partial: bool = False,
    clock: Clock = system_clock,
) -> BookRecord:
    """Replace (or with `partial`, patch) a book if it is still at `expected_version` (None:
    whatever its version, as `If-Match: *` asks)."""
    fields = clean_fields(
        data, _book_cleaners(clock), required=BOOK_REQUIRED, defaults=BOOK_DEFAULTS, partial=partial
    )
    _check_references(fields)
    if "isbn" in fields:
        _check_isbn_free(fields["isbn"], except_book_id=book_id)
    _check_constraints_immediately()
    announce("books")
    try:
        with transaction.atomic():
            changed = _at_version(book_id, expected_version).update(
                **_column_values(fields), version=F("version") + 1, updated_at=clock.now()
            )
            if changed:
                _replace_links(book_id, fields)
    except IntegrityError as exc:
        raise _lost_race(exc) from None
    if not changed:
        _raise_missing_or_stale(book_id)
    return selectors.book_get(book_id=book_id)


@transaction.atomic
def book_delete(*, book_id: int, expected_version: int | None) -> None:
    """The row is locked at `expected_version` (None: any) first: the cascade that follows
    deletes by id."""
    announce("books")
    locked = _at_version(book_id, expected_version).select_for_update()
    if locked.values_list("pk", flat=True).first() is None:
        _raise_missing_or_stale(book_id)
    Book.objects.filter(pk=book_id).delete()


def _at_version(book_id: int, version: int | None) -> QuerySet[Book]:
    books = Book.objects.filter(pk=book_id)
    return books if version is None else books.filter(version=version)


def _raise_missing_or_stale(book_id: int) -> None:
    current = Book.objects.filter(pk=book_id).values_list("version", flat=True).first()
    if current is None:
        raise NotFound("Book", book_id)
    raise StaleVersion("Book", book_id, current)


# Authors, publishers and genres: simple rows, no version, refused deletion while books use them.


def _author_cleaners(clock: Clock) -> dict[str, Cleaner]:
    return {
        "name": text(max_length=200, required=True),
        "birth_date": past_or_today(today=clock.today, required=False),
    }


_PUBLISHER_CLEANERS: dict[str, Cleaner] = {
    "name": text(max_length=200, required=True),
    "country": clean_country,
}
_GENRE_CLEANERS: dict[str, Cleaner] = {
    "slug": clean_slug,
    "name": text(max_length=100, required=True),
}


@transaction.atomic
def author_create(*, data: Mapping[str, Any], clock: Clock = system_clock) -> AuthorRecord:
    fields = clean_fields(
        data, _author_cleaners(clock), required=("name",), defaults={"birth_date": None}
    )
    announce("authors")
    author = Author.objects.create(**fields)
    return selectors.author_get(author_id=author.pk)


@transaction.atomic
def author_update(
    *, author_id: int, data: Mapping[str, Any], partial: bool = False, clock: Clock = system_clock
) -> AuthorRecord:
    fields = clean_fields(
        data, _author_cleaners(clock), required=("name",), defaults={"birth_date": None},
        partial=partial,
    )  # fmt: skip
    announce("authors")
    if not Author.objects.filter(pk=author_id).update(**fields) and not _exists(Author, author_id):
        raise NotFound("Author", author_id)
    return selectors.author_get(author_id=author_id)


@transaction.atomic
def author_delete(*, author_id: int) -> None:
    _delete_unreferenced(Author, "Author", author_id)


@transaction.atomic
def publisher_create(*, data: Mapping[str, Any]) -> PublisherRecord:
    fields = clean_fields(data, _PUBLISHER_CLEANERS, required=("name", "country"))
    announce("publishers")
    publisher = Publisher.objects.create(**fields)
    return selectors.publisher_get(publisher_id=publisher.pk)


@transaction.atomic
def publisher_update(
    *, publisher_id: int, data: Mapping[str, Any], partial: bool = False
) -> PublisherRecord:
    fields = clean_fields(data, _PUBLISHER_CLEANERS, required=("name", "country"), partial=partial)
    announce("publishers")
    if not Publisher.objects.filter(pk=publisher_id).update(**fields) and not _exists(
        Publisher, publisher_id
    ):
        raise NotFound("Publisher", publisher_id)
    return selectors.publisher_get(publisher_id=publisher_id)


@transaction.atomic
def publisher_delete(*, publisher_id: int) -> None:
    _delete_unreferenced(Publisher, "Publisher", publisher_id)


@transaction.atomic
def genre_create(*, data: Mapping[str, Any]) -> GenreRecord:
    fields = clean_fields(data, _GENRE_CLEANERS, required=("slug", "name"))
    announce("genres")
    if Genre.objects.filter(slug=fields["slug"]).exists():
        raise ValidationError({"slug": ["A genre with this slug already exists."]})
    try:
        with transaction.atomic():
            Genre.objects.create(**fields)
    except IntegrityError:
        raise ValidationError({"slug": ["A genre with this slug already exists."]}) from None
    return selectors.genre_get(slug=fields["slug"])


@transaction.atomic
def genre_update(*, slug: str, data: Mapping[str, Any], partial: bool = False) -> GenreRecord:
    """The slug is the genre's public key: it can be renamed, not changed."""
    fields = clean_fields(
        data, {"name": _GENRE_CLEANERS["name"]}, required=("name",), partial=partial
    )
    announce("genres")
    genres = selectors.genres_with_slug(slug)
    if not genres.update(**fields) and not genres.exists():
        raise NotFound("Genre", slug)
    return selectors.genre_get(slug=slug)


@transaction.atomic
def genre_delete(*, slug: str) -> None:
    genre_id = selectors.genres_with_slug(slug).values_list("pk", flat=True).first()
    if genre_id is None:
        raise NotFound("Genre", slug)
    _delete_unreferenced(Genre, "Genre", genre_id, shown_as=slug)


_KIND_OF: dict[type[Model], str] = {Author: "authors", Publisher: "publishers", Genre: "genres"}


def _exists(model: type[Model], pk: int) -> bool:
    return model._default_manager.filter(pk=pk).exists()


def _delete_unreferenced(
    model: type[Model], resource: str, pk: int, *, shown_as: object | None = None
) -> None:
    announce(_KIND_OF[model])
    _check_constraints_immediately()
    try:
        with transaction.atomic():
            deleted, _ = model._default_manager.filter(pk=pk).delete()
    except (ProtectedError, IntegrityError):  # IntegrityError: a book naming it was just written
        raise InUse(resource, shown_as or pk) from None
    if not deleted:
        raise NotFound(resource, shown_as or pk)
