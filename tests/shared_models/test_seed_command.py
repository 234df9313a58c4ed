"""The seed command: deterministic, valid, and careful with an existing catalog."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shared_models.models import Author, Book, BookAuthor, Genre, Publisher
from shared_models.seeding import clear_catalog
from shared_models.validation import clean_isbn
from tests.factories import make_book

pytestmark = pytest.mark.django_db


def _snapshot():
    books = list(
        Book.objects.order_by("isbn").values_list(
            "isbn", "title", "subtitle", "publisher__name", "published_date", "language",
            "pages", "price", "currency", "description",
        )
    )  # fmt: skip
    links = list(
        BookAuthor.objects.order_by("book__isbn", "position").values_list(
            "book__isbn", "author__name", "position"
        )
    )
    return books, links


def test_the_same_seed_builds_the_same_catalog():
    call_command("seed_catalog", books=60, seed=7, verbosity=0)
    first = _snapshot()
    clear_catalog()
    call_command("seed_catalog", books=60, seed=7, verbosity=0)
    assert _snapshot() == first
    assert len(first[0]) == 60


def test_another_seed_builds_another_catalog():
    call_command("seed_catalog", books=30, seed=1, verbosity=0)
    first = _snapshot()
    call_command("seed_catalog", books=30, seed=2, reset=True, verbosity=0)
    assert _snapshot() != first


def test_seeded_books_pass_the_catalog_rules():
    call_command("seed_catalog", books=50, batch_size=16, verbosity=0)
    assert Book.objects.count() == 50
    assert Author.objects.exists() and Publisher.objects.exists() and Genre.objects.exists()
    for isbn in Book.objects.values_list("isbn", flat=True):
        assert clean_isbn(isbn) == isbn
    assert not Book.objects.filter(author_links__isnull=True).exists()


def test_seeding_a_catalog_with_data_is_refused_without_reset():
    call_command("seed_catalog", books=5, verbosity=0)
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_catalog", books=5, verbosity=0)
    assert Book.objects.count() == 5


def test_if_empty_keeps_an_existing_catalog():
    call_command("seed_catalog", books=5, verbosity=0)
    call_command("seed_catalog", books=50, if_empty=True, verbosity=0)
    assert Book.objects.count() == 5


def test_reset_replaces_the_catalog():
    call_command("seed_catalog", books=5, verbosity=0)
    call_command("seed_catalog", books=8, reset=True, verbosity=0)
    assert Book.objects.count() == 8


def test_rows_created_after_seeding_get_fresh_ids():
    """Seeding writes explicit ids; the id sequences must continue after them."""
    call_command("seed_catalog", books=10, verbosity=0)
    book = make_book()
    assert book.pk > max(Book.objects.exclude(pk=book.pk).values_list("pk", flat=True))


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics are PostgreSQL's")
def test_seeding_leaves_fresh_planner_statistics_on_postgresql():
    with CaptureQueriesContext(connection) as queries:
        call_command("seed_catalog", books=20, verbosity=0)
    analyzed = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("ANALYZE")]
    assert len(analyzed) == 1
    for table in ("shared_models_book", "shared_models_bookauthor", "shared_models_bookgenre"):
        assert f'"{table}"' in analyzed[0]
