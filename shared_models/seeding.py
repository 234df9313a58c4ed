"""A deterministic, realistic catalog of any size: the same seed always builds the same catalog.

Rows are generated in batches and written with bulk inserts, so memory stays flat and a
1,000,000-book catalog takes minutes. ISBNs come from a bijection on the book's index (multiply
by a number coprime to 10^9), so they are unique without a lookup and always carry a valid check
digit.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from catalog_contract.generations import KINDS
from shared_models.bulk import analyze, delete_all, insert_rows, next_id, sync_sequences
from shared_models.change_feed import announce
from shared_models.models import Author, Book, BookAuthor, BookGenre, Genre, Publisher
from shared_models.validation import isbn13_check_digit

DEFAULT_BOOKS = 1000
DEFAULT_SEED = 42
DEFAULT_BATCH = 5000

FIRST_NAMES = (
    "Ada Alan Alice Amara Anna Arjun Ava Bea Ben Carla Chen Chiara Clara Daniel David Diego Elena "
    "Emil Emma Eva Farah Felix Grace Hana Hugo Ines Ivan Jana Jonas Julia Kai Kenji Lara Leo Lina "
    "Lucas Luca Maja Marco Maria Mateo Mei Mia Nadia Noah Nora Olga Omar Oscar Paula Petra Priya "
    "Rafael Rosa Sara Sofia Tariq Theo Tomas Vera Yusuf Zoe"
).split()
LAST_NAMES = (
    "Abara Achebe Andersen Baker Bauer Becker Bianchi Brown Castro Chen Costa Dubois Eriksen "
    "Fischer Fontaine Garcia Gomez Hansen Hoffmann Ito Jansen Kaur Kim Kowalski Kruger Larsen "
    "Laurent Lee Lopez Moreau Muller Murphy Nakamura Nguyen Novak Okafor Olsen Patel Perez Petrov "
    "Ricci Rossi Santos Sato Schmidt Schneider Silva Smith Suzuki Tanaka Torres Varga Wagner "
    "Walker Weber Wilson Wong Yamamoto Young Zhang"
).split()
ADJECTIVES = (
    "Silent Hidden Last Golden Broken Distant Forgotten Burning Quiet Endless Secret Crimson "
    "Northern Paper Glass Iron Wild Hollow Bright Lost Winter Summer Invisible Little Long "
    "Midnight"
).split()
NOUNS = (
    "River Garden Kingdom Machine Ocean Library Mountain City Bridge Archive Harbor Forest Empire "
    "Lighthouse Map Orchard Station Island Mirror Letter Clockwork Atlas Theory Voyage Signal"
).split()
SUBJECTS = (
    "Python Databases Networks Typography Cooking Gardening Astronomy Economics Philosophy "
    "History Mathematics Architecture Photography Chess Music Psychology Design Sailing Climbing"
).split()
GENRES = (
    ("fiction", "Fiction"), ("science-fiction", "Science fiction"), ("fantasy", "Fantasy"),
    ("mystery", "Mystery"), ("thriller", "Thriller"), ("romance", "Romance"),
    ("historical-fiction", "Historical fiction"), ("horror", "Horror"), ("poetry", "Poetry"),
    ("biography", "Biography"), ("history", "History"), ("science", "Science"),
    ("technology", "Technology"), ("programming", "Programming"), ("business", "Business"),
    ("philosophy", "Philosophy"), ("travel", "Travel"), ("cooking", "Cooking"),
    ("art", "Art"), ("children", "Children"), ("young-adult", "Young adult"),
    ("self-help", "Self-help"), ("health", "Health"), ("religion", "Religion"),
)  # fmt: skip
PUBLISHER_WORDS = (
    "Harbor Meridian Lantern Quill Northwind Atlas Ember Cedar Beacon Orchard Falcon Summit "
    "Riverbend Keystone Juniper Compass Granite Willow Aurora Pinnacle"
).split()
PUBLISHER_SUFFIXES = ("Press", "Books", "Publishing", "House", "Editions", "& Sons", "Verlag")
COUNTRIES = ("GB", "US", "DE", "FR", "ES", "IT", "NL", "SE", "JP", "CA", "AU", "IE", "PT", "PL")
LANGUAGES = (("en", 60), ("de", 10), ("fr", 9), ("es", 8), ("it", 5), ("nl", 3), ("pt", 2),
             ("ja", 2), ("sv", 1))  # fmt: skip
CURRENCIES = (("EUR", 70), ("USD", 20), ("GBP", 10))
EARLIEST = date(1900, 1, 1)
LATEST = date(2025, 12, 31)
_ISBN_MULTIPLIER = 7919  # prime, coprime to 10: i -> i * 7919 mod 10^9 is a bijection


@dataclass(frozen=True)
class SeedReport:
    authors: int
    publishers: int
    genres: int
    books: int


def isbn_for(index: int, seed: int) -> str:
    body = "978" + f"{(index * _ISBN_MULTIPLIER + seed * 104_729) % 10**9:09d}"
    return body + str(isbn13_check_digit(body))


def catalog_is_empty() -> bool:
    return not (Book.objects.exists() or Author.objects.exists() or Publisher.objects.exists())


@transaction.atomic
def clear_catalog() -> None:
    announce(*KINDS)
    delete_all(BookAuthor, BookGenre, Book, Author, Publisher, Genre)


def _weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    values, weights = zip(*choices, strict=True)
    choice: str = rng.choices(values, weights=weights)[0]
    return choice


def _title(rng: random.Random) -> tuple[str, str]:
    shape = rng.randrange(4)
    if shape == 0:
        return f"The {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}", ""
    if shape == 1:
        return f"{rng.choice(NOUNS)} of the {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}", ""
    if shape == 2:
        subject = rng.choice(SUBJECTS)
        return (
            f"{subject} in Practice",
            f"A {rng.choice(ADJECTIVES).lower()} guide to {subject.lower()}",
        )
    return f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}s", f"Book {rng.randint(1, 7)}"


def _description(rng: random.Random) -> str:
    return f"A {rng.choice(ADJECTIVES).lower()} story about a {rng.choice(NOUNS).lower()}."


def catalog_counts(books: int) -> tuple[int, int]:
    authors = max(10, books // 4)
    publishers = max(5, min(books // 200, 2000))
    return authors, publishers


def _batches(total: int, size: int) -> Iterator[range]:
    for start in range(0, total, size):
        yield range(start, min(start + size, total))


def seed_catalog(
    *,
    books: int = DEFAULT_BOOKS,
    seed: int = DEFAULT_SEED,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[str, int], None] = lambda _stage, _advance: None,
) -> SeedReport:
    """Fill an empty catalog; `progress(stage, rows)` is called after every batch.

    Authors, publishers and genres are written first, then books with their links batch by
    batch, each batch in its own transaction: an interrupted run leaves whole books only.
    """
    rng = random.Random(seed)
    author_count, publisher_count = catalog_counts(books)
    now = timezone.now()

    with transaction.atomic():
        announce(*KINDS)
        Genre.objects.bulk_create(Genre(slug=slug, name=name) for slug, name in GENRES)
        genre_ids = list(Genre.objects.order_by("slug").values_list("pk", flat=True))
        publisher_ids = _seed_publishers(rng, publisher_count)
        progress("publishers", publisher_count)
        author_ids = _seed_authors(rng, author_count)
        progress("authors", author_count)
        sync_sequences(Publisher, Author)

    first_book_id = next_id(Book)
    for batch in _batches(books, batch_size):
        with transaction.atomic():
            announce("books")
            _seed_books(rng, seed, batch, first_book_id, now, author_ids, publisher_ids, genre_ids)
            sync_sequences(Book)
        progress("books", len(batch))
    analyze(Publisher, Author, Genre, Book, BookAuthor, BookGenre)
    return SeedReport(author_count, publisher_count, len(GENRES), books)


def _seed_publishers(rng: random.Random, count: int) -> list[int]:
    first = next_id(Publisher)
    ids = list(range(first, first + count))
    rows = (
        (
            pk,
            f"{rng.choice(PUBLISHER_WORDS)} {rng.choice(PUBLISHER_SUFFIXES)}",
            rng.choice(COUNTRIES),
        )
        for pk in ids
    )
    insert_rows(Publisher, ("id", "name", "country"), rows)
    return ids


def _birth_date(rng: random.Random) -> date | None:
    if rng.random() < 0.2:
        return None
    return date(1850, 1, 1) + timedelta(days=rng.randrange(150 * 365))


def _seed_authors(rng: random.Random, count: int) -> list[int]:
    first = next_id(Author)
    ids = list(range(first, first + count))
    rows = (
        (pk, f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", _birth_date(rng)) for pk in ids
    )
    insert_rows(Author, ("id", "name", "birth_date"), rows)
    return ids


_BOOK_COLUMNS = (
    "id", "isbn", "title", "subtitle", "publisher_id", "published_date", "language", "pages",
    "price", "currency", "description", "version", "created_at", "updated_at",
)  # fmt: skip


def _seed_books(
    rng: random.Random,
    seed: int,
    indexes: range,
    first_book_id: int,
    now: datetime,
    author_ids: list[int],
    publisher_ids: list[int],
    genre_ids: list[int],
) -> None:
    span = (LATEST - EARLIEST).days
    books: list[tuple[Any, ...]] = []
    author_links: list[tuple[int, int, int]] = []
    genre_links: list[tuple[int, int]] = []
    for index in indexes:
        book_id = first_book_id + index
        title, subtitle = _title(rng)
        books.append(
            (
                book_id,
                isbn_for(index, seed),
                title,
                subtitle,
                rng.choice(publisher_ids),
                EARLIEST + timedelta(days=rng.randrange(span)),
                _weighted(rng, LANGUAGES),
                rng.randint(48, 1200),
                Decimal(rng.randint(299, 8999)) / 100,
                _weighted(rng, CURRENCIES),
                _description(rng),
                1,
                now,
                now,
            )
        )
        authors = rng.sample(author_ids, k=rng.choice((1, 1, 1, 2, 2, 3)))
        author_links.extend((book_id, author, position) for position, author in enumerate(authors))
        genres = rng.sample(genre_ids, k=rng.choice((1, 1, 2, 3)))
        genre_links.extend((book_id, genre) for genre in genres)
    insert_rows(Book, _BOOK_COLUMNS, books)
    insert_rows(BookAuthor, ("book_id", "author_id", "position"), author_links)
    insert_rows(BookGenre, ("book_id", "genre_id"), genre_links)
