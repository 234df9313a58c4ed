"""On PostgreSQL a hot read runs as a prepared statement with a generic plan: planning cost the
database more CPU than running the read (docs/performance.md)."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.factories import make_book

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan cache"),
]


def prepared_book_reads() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s AND NOT from_sql",
            ['%FROM "shared_models_book"%'],
        )
        return [row[0] for row in cursor.fetchall()]


def test_a_book_read_six_times_is_a_prepared_statement(anonymous):
    book = make_book()
    assert prepared_book_reads() == []
    for _ in range(6):
        assert anonymous.get(f"/api/v2/books/{book.pk}/").status_code == 200
    assert prepared_book_reads()


def test_prepared_statements_use_generic_plans(anonymous):
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("force_generic_plan",)
