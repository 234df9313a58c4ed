"""The SQLite backend (config.sqlite) is Django's, with each statement's placeholders rewritten
once and remembered, and dates handed to Django's converters as the text SQLite holds."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import SQLiteCursorWrapper as DjangoCursor

from config.sqlite.base import SQLiteCursorWrapper, qmark_style
from shared_models.models import Book, Genre
from tests.factories import make_book


@pytest.mark.parametrize(
    "query",
    [
        "SELECT 1",
        "SELECT a FROM t WHERE a = %s AND b IN (%s, %s)",
        "SELECT '100%%' WHERE x LIKE %s ESCAPE '\\'",
        "SELECT '%%s' || %s",
    ],
)
def test_a_statement_is_rewritten_as_djangos_cursor_rewrites_it(query):
    assert qmark_style(query) == DjangoCursor.convert_query(None, query)


def test_a_repeated_statement_is_rewritten_once():
    query = "SELECT %s AS once_only"
    qmark_style(query)
    hits = qmark_style.cache_info().hits
    assert qmark_style(query) == "SELECT ? AS once_only"
    assert qmark_style.cache_info().hits == hits + 1


@pytest.mark.django_db
def test_the_catalog_runs_on_it_when_the_database_is_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("DATABASE_URL names PostgreSQL: its driver converts placeholders itself")
    Genre.objects.create(slug="sea-stories", name="Sea stories")
    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, SQLiteCursorWrapper)
    assert Genre.objects.filter(slug="sea-stories").values_list("name", flat=True).get() == (
        "Sea stories"
    )


@pytest.mark.django_db
def test_a_date_column_reaches_python_as_text_and_the_orm_still_returns_dates():
    if connection.vendor != "sqlite":
        pytest.skip("DATABASE_URL names PostgreSQL: its driver returns dates")
    book = make_book(published_date=date(2024, 3, 9))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT published_date, created_at FROM shared_models_book WHERE id = %s", [book.pk]
        )
        published, created = cursor.fetchone()
    assert published == "2024-03-09"
    assert isinstance(created, str)
    stored = Book.objects.get(pk=book.pk)
    assert stored.published_date == date(2024, 3, 9)
    assert stored.created_at == book.created_at
    assert stored.created_at.utcoffset() == timedelta(0)
