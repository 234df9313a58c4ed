"""CompiledQuery: the ORM's SQL compiled once, run with new arguments, rows exactly the ORM's."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Q
from psycopg.postgres import types
from psycopg.pq import Format

from shared_models.compiled_queries import CompiledQuery, IdListQuery
from shared_models.models import Author, Book, BookAuthor
from tests.factories import make_author, make_book

pytestmark = pytest.mark.django_db

COLUMNS = ("id", "title", "publisher__name", "published_date", "price", "created_at")


def by_id(book_id: int):
    return Book.objects.filter(pk=book_id).values_list(*COLUMNS)


def test_rows_are_what_values_list_returns_converters_included():
    books = [make_book(title=f"Book {n}", price=Decimal("12.50")) for n in range(3)]
    query = CompiledQuery(by_id)
    for book in books:
        assert query.rows(book.pk) == list(by_id(book.pk))
    price, created_at = query.rows(books[0].pk)[0][4:]
    assert (type(price), str(price)) == (Decimal, "12.50")
    assert created_at.tzinfo is not None


def test_a_missing_row_is_an_empty_list():
    assert CompiledQuery(by_id).rows(987_654) == []


def test_the_queryset_is_built_and_compiled_once_then_only_executed(django_assert_num_queries):
    book = make_book()
    built = []

    def build(book_id: int):
        built.append(book_id)
        return by_id(book_id)

    query = CompiledQuery(build)
    for _ in range(3):
        with django_assert_num_queries(1):
            assert query.rows(book.pk)[0][0] == book.pk
    assert len(built) == 1


def test_several_arguments_each_reach_their_own_parameter():
    first, second = make_author("First"), make_author("Second")
    book = make_book(authors=[first, second])
    query = CompiledQuery(
        lambda book_id, author_id: BookAuthor.objects.filter(
            book_id=book_id, author_id=author_id
        ).values_list("position"),
        arity=2,
    )
    assert query.rows(book.pk, second.pk) == [(1,)]
    assert query.rows(book.pk, first.pk) == [(0,)]


def test_a_builder_that_drops_an_argument_is_refused():
    query = CompiledQuery(lambda _unused: Book.objects.values_list("id"))
    with pytest.raises(ValueError, match="not every argument"):
        query.rows(1)


def test_the_wrong_number_of_arguments_is_refused_before_any_query():
    with pytest.raises(TypeError):
        CompiledQuery(by_id).rows(1, 2)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite stores datetimes as text")
def test_a_datetime_stored_without_an_offset_is_still_made_aware_as_django_does():
    book = make_book()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE shared_models_book SET created_at = %s WHERE id = %s",
            ["2026-06-15 12:00:00", book.pk],
        )
    (row,) = CompiledQuery(by_id).rows(book.pk)
    assert [row] == list(by_id(book.pk))
    assert row[5] == datetime(2026, 6, 15, 12, tzinfo=UTC)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite stores dates as text")
@pytest.mark.parametrize(
    ("column", "stored", "expected"),
    [
        ("published_date", "2024-1-5", date(2024, 1, 5)),
        ("created_at", "2026-6-15 12:00", datetime(2026, 6, 15, 12, tzinfo=UTC)),
        ("created_at", "2026-06-15 12:00:00+02:00", datetime(2026, 6, 15, 10, tzinfo=UTC)),
    ],
)
def test_a_date_text_the_c_parser_refuses_is_read_as_djangos_converters_read_it(
    column, stored, expected
):
    book = make_book()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE shared_models_book SET {column} = %s WHERE id = %s", [stored, book.pk]
        )
    (row,) = CompiledQuery(by_id).rows(book.pk)
    assert [row] == list(by_id(book.pk))
    assert row[COLUMNS.index(column)] == expected


def test_a_missing_date_stays_none():
    author = Author.objects.create(name="Anonymous", birth_date=None)
    query = CompiledQuery(lambda pk: Author.objects.filter(pk=pk).values_list("birth_date"))
    assert query.rows(author.pk) == [(None,)]


@pytest.mark.parametrize(
    "stored", ["12.50", "2.675", "1.005", "0.00", "-0.00", "99999999.99", "0.01", "7"]
)
def test_a_decimal_is_the_orms_each_time_it_is_read_again(stored):
    book = make_book(price=Decimal(stored))
    query = CompiledQuery(by_id)
    expected = list(by_id(book.pk))
    for _ in range(2):  # the second read may come from what the first remembered
        (row,) = query.rows(book.pk)
        assert [row] == expected
        assert str(row[4]) == str(expected[0][4])


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's timestamptz loaders")
def test_a_timestamp_read_by_psycopgs_c_loader_is_the_orms_to_the_tzinfo():
    book = make_book()
    ((created_at,),) = CompiledQuery(
        lambda pk: Book.objects.filter(pk=pk).values_list("created_at")
    ).rows(book.pk)
    ((expected,),) = Book.objects.filter(pk=book.pk).values_list("created_at")
    assert created_at == expected
    assert created_at.tzinfo is expected.tzinfo is UTC


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's timestamptz loaders")
def test_the_connections_own_cursors_keep_djangos_timestamp_loader():
    book = make_book()
    CompiledQuery(lambda pk: Book.objects.filter(pk=pk).values_list("created_at")).rows(book.pk)
    with connection.cursor() as cursor:
        loader = cursor.cursor.adapters.get_loader(types["timestamptz"].oid, Format.TEXT)
    assert loader.__module__.startswith("django.")
    assert Book.objects.get(pk=book.pk).created_at.tzinfo is UTC


def titles_of(book_is):
    return Book.objects.filter(book_is("id")).values_list("id", "title").order_by("id")


def in_lookup(ids):
    """The ORM's own `IN`, the answer an IdListQuery must match."""
    return list(titles_of(lambda column: Q(**{f"{column}__in": ids})))


def test_an_id_list_query_reads_what_an_in_lookup_reads_for_any_count():
    ids = [make_book(title=f"Book {n}").pk for n in range(5)]
    query = IdListQuery(titles_of, counts=8)
    for wanted in (ids[:1], ids[1:4], ids, [ids[2], 987_654]):
        assert query.rows(wanted) == in_lookup(wanted)


def executed(statements):
    """An execute wrapper that records each statement and its parameters as sent."""

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    return connection.execute_wrapper(record)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's arrays")
def test_on_postgresql_a_long_id_list_is_one_statement_with_one_array_parameter():
    ids = [make_book().pk for _ in range(3)]
    longer, longest = [*ids, *range(10**6, 10**6 + 48)], [*ids, *range(10**6, 10**6 + 97)]
    expected = in_lookup(ids)
    query, statements, answers = IdListQuery(titles_of, counts=8), [], []
    with executed(statements):
        for wanted in (longer, longest):  # past the 50 parameters psycopg converts once
            answers.append(query.rows(wanted))
    assert answers == [expected, expected]
    assert len({sql for sql, _ in statements}) == 1
    assert "= ANY(%s::bigint[])" in statements[0][0]
    as_text = ["{" + ",".join(map(str, wanted)) + "}" for wanted in (longer, longest)]
    assert [params for _, params in statements] == [[as_text[0]], [as_text[1]]]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's arrays")
def test_on_postgresql_an_id_list_psycopg_converts_once_stays_an_in_list():
    ids = [make_book().pk for _ in range(3)]
    statements = []
    with executed(statements):
        IdListQuery(titles_of, counts=8).rows([*ids, *range(10**6, 10**6 + 47)])
    ((sql, params),) = statements
    assert "ANY" not in sql
    assert len(params) == 50


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite has no arrays")
def test_on_sqlite_the_ids_are_an_in_list_of_their_count():
    ids = [make_book().pk for _ in range(3)]
    statements = []
    with executed(statements):
        IdListQuery(titles_of, counts=8).rows(ids)
    ((sql, params),) = statements
    assert "IN (%s, %s, %s)" in sql
    assert list(params) == ids
