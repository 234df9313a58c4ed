"""Read queries the ORM compiles once, then runs again and again with new integer parameters.

Building a queryset and compiling it to SQL costs far more than running it: profiled in-process,
three small `values_list` queries took about two thirds of a book GET, mostly in `filter()`,
`values_list()` and the compiler, not in the database. A CompiledQuery asks the ORM for its SQL
once per database connection, with sentinel values standing in for the parameters, and from then
on only executes that SQL. The ORM stays the one author of the SQL; execution goes through the
connection's cursor (so query logging, `assertNumQueries` and execute wrappers see every query)
and the values through the compiler's own converters, so the rows are exactly the ORM's.

Only integer parameters are supported: an integer reaches the SQL parameters unchanged, so each
sentinel can be found again among them (a string may be rewritten by a lookup, e.g. `icontains`).
An argument may also be a list of integers bound as one array parameter (`AnyOf`, PostgreSQL):
an IdListQuery reads rows by a long list of ids that way on PostgreSQL, and with an `IN` list
compiled once per count otherwise.

Each column's converters are applied as one function of the value, row by row, without the
compiler's generator. On SQLite a date or a datetime arrives as the text SQLite holds (the
catalog's backend, config/sqlite/base.py, does not have the driver parse declared types), and
Django's converter would parse it in Python, a few frames a value, 300 values a 100-book page: the
C parsers, `date.fromisoformat` and `datetime.fromisoformat`, return the same value, so they read
it, and only a value they refuse (NULL, or text only Django's own patterns read) goes to Django's
converters (in-process, a page's 300 dates: ~270 us before, ~90 us so). A
decimal column on SQLite arrives as a float that Django's converter turns into a quantized
Decimal, a pure function of the value (~1 us, 100 prices a page), so its answers are remembered
(prices repeat; Decimals are immutable); zero, whose sign the Decimal keeps, is always converted.
Every other value still goes through Django's own converters, but NULL, which each of them
returns unchanged, goes through none (a book's credit rows, read with its own, are mostly NULL).

On PostgreSQL, Django reads every `timestamptz` through a loader of its own, a pure-Python
subclass of psycopg's that then sets Django's `tzinfo` (2.4 us a value against 0.18 us for
psycopg's C loader; 202 values a 100-book page). When the session's time zone is UTC, the one
Django sets with USE_TZ, psycopg's C loader returns the very same value (`tzinfo` is
`datetime.timezone.utc`), so the cursors of these queries read timestamps with it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from weakref import WeakKeyDictionary

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Field, Lookup, Q, QuerySet
from psycopg import postgres
from psycopg.pq import Format

# Within every integer column's range (a lookup with an out-of-range value compiles to nothing),
# and far from any real id of a catalog this size.
_FIRST_SENTINEL = 2_000_000_000


Convert = Callable[[Any], Any]
_TIMESTAMPTZ_OID = postgres.types["timestamptz"].oid
_REMEMBERED_DECIMALS = 512  # per column and connection: the prices of the hot pages; a bound small
# enough that an export of any size holds no more than a page of books (test_export_memory)


def _parsed_on_sqlite(
    field: Field[Any, Any], connection: BaseDatabaseWrapper, convert: Convert
) -> Convert | None:
    """A DateField's or DateTimeField's text read by the C parsers as Django's converters read it
    (a naive datetime is UTC's, as Django makes it aware in the connection's UTC), or None for
    other fields. Whatever the parser refuses goes to `convert`, Django's converters."""
    internal_type = field.get_internal_type()
    if internal_type == "DateField":

        def read_date(value: Any) -> Any:
            try:
                return date.fromisoformat(value)
            except (TypeError, ValueError):
                return convert(value)

        return read_date
    if internal_type == "DateTimeField" and settings.USE_TZ and connection.timezone is UTC:

        def read_datetime(value: Any) -> Any:
            try:
                parsed = datetime.fromisoformat(value)
            except (TypeError, ValueError):
                return convert(value)
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)

        return read_datetime
    return None


def _column_converter(
    converters: list[Any], expression: Any, connection: BaseDatabaseWrapper
) -> Convert:
    """A column's converters (Django's, in its order) as one function of the value."""

    def convert(value: Any) -> Any:
        for converter in converters:
            value = converter(value, expression, connection)
        return value

    if connection.vendor != "sqlite":
        return convert
    if expression.output_field.get_internal_type() == "DecimalField":
        remembered = lru_cache(maxsize=_REMEMBERED_DECIMALS, typed=True)(convert)
        return lambda value: remembered(value) if value else convert(value)
    return _parsed_on_sqlite(expression.output_field, connection, convert) or convert


def _timestamp_loader(connection: BaseDatabaseWrapper) -> type | None:
    """psycopg's C loader for `timestamptz`, where it returns what Django's loader would."""
    if connection.vendor != "postgresql" or not settings.USE_TZ:
        return None
    if connection.timezone_name != "UTC":
        return None
    loader = postgres.adapters.get_loader(_TIMESTAMPTZ_OID, Format.TEXT)
    if loader is None or loader.__module__.startswith("psycopg."):
        return None  # psycopg without its C extension: nothing to gain
    return loader


class AnyOf(Lookup):
    """`column = ANY(%s::type[])`: a list of values as one array parameter (PostgreSQL only).

    Used as an expression, `AnyOf(F("book_id"), ids)`, so no field gains a lookup by name. The
    cast lets the array travel as its text, `{1,2,3}`, which a compiled query writes with one
    `join` (`_array_text`): psycopg dumps a list element by element in Python (100 ids: ~100 us,
    the join ~15 us), and the credits of a list name its ids twice."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value: Any, connection: BaseDatabaseWrapper) -> Any:
        return "%s", [list(value)]

    def as_sql(self, compiler: Any, connection: BaseDatabaseWrapper) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        element_type = self.lhs.output_field.cast_db_type(connection)
        return f"{lhs} = ANY({rhs}::{element_type}[])", [*lhs_params, *rhs_params]


def _array_text(values: Sequence[Any]) -> str:
    """A list of integers as PostgreSQL's array text; `int` keeps anything else out of it."""
    return "{" + ",".join(map(str, map(int, values))) + "}"


def _sentinel_index(value: Any, sentinels: list[int]) -> int | None:
    """Which argument a compiled parameter stands for: an integer sentinel, or a list holding
    only one (an array argument); None for the query's own constants."""
    if type(value) is list and len(value) == 1:
        value = value[0]
    if type(value) is int and value in sentinels:
        return sentinels.index(value)
    return None


@dataclass(frozen=True, slots=True)
class _Plan:
    """One query's SQL for one connection, and where each argument goes in its parameters."""

    sql: str
    parameters: tuple[Any, ...]  # the compiled parameters, sentinels included
    slots: tuple[tuple[int, int], ...]  # (parameter position, argument index)
    arrays: frozenset[int]  # the indexes of the arguments that are lists of integers
    converters: tuple[tuple[int, Convert], ...]  # (column position, its converter)
    timestamp_loader: type | None  # set where it reads a timestamp faster than Django's

    @classmethod
    def compile(
        cls,
        build: Callable[..., QuerySet[Any]],
        arity: int,
        connection: BaseDatabaseWrapper,
        arrays: frozenset[int] = frozenset(),
    ) -> _Plan:
        sentinels = [_FIRST_SENTINEL + index for index in range(arity)]
        arguments = [[value] if index in arrays else value for index, value in enumerate(sentinels)]
        compiler = build(*arguments).query.get_compiler(connection=connection)
        sql, parameters = compiler.as_sql()
        slots = tuple(
            (position, index)
            for position, value in enumerate(parameters)
            if (index := _sentinel_index(value, sentinels)) is not None
        )
        if sorted({index for _, index in slots}) != list(range(arity)):
            raise ValueError(f"not every argument reached the SQL parameters: {sql} {parameters}")
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        converters = tuple(
            (position, _column_converter(functions, expression, connection))
            for position, (functions, expression) in compiler.get_converters(fields).items()
        )
        reads_timestamps = any(
            expression.output_field.get_internal_type() == "DateTimeField"
            for expression, *_ in compiler.select[: compiler.col_count]
        )
        loader = _timestamp_loader(connection) if reads_timestamps else None
        return cls(sql, tuple(parameters), slots, arrays, converters, loader)

    def rows(
        self, connection: BaseDatabaseWrapper, arguments: Sequence[Any]
    ) -> list[tuple[Any, ...]]:
        parameters = list(self.parameters)
        for position, index in self.slots:
            argument = arguments[index]
            parameters[position] = _array_text(argument) if index in self.arrays else int(argument)
        with connection.cursor() as cursor:
            if self.timestamp_loader is not None:
                cursor.cursor.adapters.register_loader(_TIMESTAMPTZ_OID, self.timestamp_loader)
            cursor.execute(self.sql, parameters)
            rows: list[tuple[Any, ...]] = cursor.fetchall()
        if not self.converters:
            return rows
        converted = []
        for row in rows:
            values = list(row)
            for position, convert in self.converters:
                value = values[position]
                if value is not None:
                    values[position] = convert(value)
            converted.append(tuple(values))
        return converted


class CompiledQuery:
    """`build(*arguments)` returns the queryset; it is called once per connection, with sentinels.

    A plan belongs to the connection that compiled it (each server thread has its own), so the
    converters it holds are never shared between threads. `arrays` names the arguments that are
    lists of integers (each is called with a list of one sentinel when compiled).
    """

    def __init__(
        self,
        build: Callable[..., QuerySet[Any]],
        *,
        arity: int = 1,
        arrays: frozenset[int] = frozenset(),
    ) -> None:
        self._build = build
        self._arity = arity
        self._arrays = arrays
        self._plans: WeakKeyDictionary[BaseDatabaseWrapper, _Plan] = WeakKeyDictionary()

    def rows(self, *arguments: Any) -> list[tuple[Any, ...]]:
        """The query's rows, as `values_list()` would return them, for these arguments."""
        if len(arguments) != self._arity:
            raise TypeError(f"expected {self._arity} arguments, got {len(arguments)}")
        connection = connections[DEFAULT_DB_ALIAS]
        plan = self._plans.get(connection)
        if plan is None:
            plan = self._plans[connection] = _Plan.compile(
                self._build, self._arity, connection, self._arrays
            )
        return plan.rows(connection, arguments)


IdCondition = Callable[[str], Any]
"""`condition(column)`: "the column's value is one of the ids", to pass to `filter()`."""

# psycopg converts a query's `%s` placeholders to PostgreSQL's `$n` once and remembers it, but
# only for queries of at most this many parameters (psycopg/_queries.py,
# MAX_CACHED_STATEMENT_PARAMS); a longer one is converted again on every execute.
_PSYCOPG_CACHED_PARAMETERS = 50


class IdListQuery:
    """Rows by a list of ids, `build(condition)` returning the queryset; `lists` is how many
    times the query names the ids (a `UNION` of two selects: twice).

    As an `IN` list, compiled once per count, while its parameters stay within what psycopg
    remembers converting; a longer list on PostgreSQL travels as one array (`column = ANY(%s)`),
    one statement whatever the count: a 100-book page's two `IN` lists, 200 parameters, were
    converted again on every page (in-process, the credits of 100 books: 482 us as `IN` lists,
    245 us as arrays; of one book 66 and 83 us). SQLite has no arrays: always `IN`.
    """

    def __init__(
        self, build: Callable[[IdCondition], QuerySet[Any]], *, counts: int, lists: int = 1
    ) -> None:
        self._build = build
        self._array_from = _PSYCOPG_CACHED_PARAMETERS // lists + 1
        self._as_array = CompiledQuery(
            lambda ids: build(lambda column: AnyOf(F(column), ids)), arrays=frozenset({0})
        )
        self._per_count = lru_cache(maxsize=counts)(self._with_in_list)

    def _with_in_list(self, count: int) -> CompiledQuery:
        return CompiledQuery(
            lambda *ids: self._build(lambda column: Q(**{f"{column}__in": ids})), arity=count
        )

    def rows(self, ids: Sequence[int]) -> list[tuple[Any, ...]]:
        """The query's rows for these ids (at least one)."""
        if len(ids) >= self._array_from and connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
            return self._as_array.rows(ids)
        return self._per_count(len(ids)).rows(*ids)
