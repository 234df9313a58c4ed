"""Fast bulk writes of plain row tuples, for seeding (and clearing) large catalogs.

The ORM's bulk_create builds a model instance per row and a giant INSERT per batch; for a
million books that is most of the run. Here rows go straight to the database: PostgreSQL's COPY
(psycopg 3 streams it), or executemany on SQLite. Callers give explicit primary keys where rows
must be referred to (`next_id`), and `sync_sequences` moves PostgreSQL's id sequences past them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Model


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column_list(columns: Sequence[str]) -> str:
    return ", ".join(connection.ops.quote_name(column) for column in columns)


def insert_rows(
    model: type[Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> None:
    """Insert `rows` (tuples in `columns` order) into `model`'s table in the open transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            statement = f"COPY {_table(model)} ({_column_list(columns)}) FROM STDIN"
            with cursor.cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {_table(model)} ({_column_list(columns)}) VALUES ({placeholders})",
                list(rows),
            )


def next_id(model: type[Model]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {_table(model)}")
        next_value: int = cursor.fetchone()[0]
        return next_value


def sync_sequences(*models: type[Model]) -> None:
    """After explicit ids, make the next ORM insert continue after them (PostgreSQL only:
    SQLite's AUTOINCREMENT already follows the largest id)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {_table(model)}), 0) + 1, false)",
                [table],
            )


def analyze(*models: type[Model]) -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load. Without them the planner
    guesses, and reads a page's author and genre links by scanning whole tables (~200 ms at a
    million books instead of ~1 ms) until autovacuum analyzes: never, where it is off."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(_table(model) for model in models)}")


def delete_all(*models: type[Model]) -> None:
    """Empty the tables of `models` (children first) without loading a row into Python."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks pending in this transaction must run before TRUNCATE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(_table(model) for model in models)}")
        else:
            for model in models:
                cursor.execute(f"DELETE FROM {_table(model)}")
