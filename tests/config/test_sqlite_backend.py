"""The SQLite backend (config.sqlite) is Django's, with each statement's placeholders rewritten
once and remembered."""

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import SQLiteCursorWrapper as DjangoCursor

from config.sqlite.base import SQLiteCursorWrapper, qmark_style
from shared_models.models import Genre


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
