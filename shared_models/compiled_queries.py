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

Each column's converters are applied as one function of the value, row by row, without the
compiler's generator. On SQLite the driver itself parses dates and datetimes (Django registers
parsers for those declared types with the sqlite3 module), so Django's converters only inspect
them (an isinstance, a settings lookup, an awareness test: ~1 us a value, 300 values a 100-book
page); a value they would return unchanged is recognised by its type and skips them. A
decimal column on SQLite arrives as a float that Django's converter turns into a quantized
Decimal, a pure function of the value (~1 us, 100 prices a page), so its answers are remembered
(prices repeat; Decimals are immutable); zero, whose sign the Decimal keeps, is always converted.
Every other value still goes through Django's own converters.

On PostgreSQL, Django reads every `timestamptz` through a loader of its own, a pure-Python
subclass of psycopg's that then sets Django's `tzinfo` (2.4 us a value against 0.18 us for
psycopg's C loader; 202 values a 100-book page). When the session's time zone is UTC, the one
Django sets with USE_TZ, psycopg's C loader returns the very same value (`tzinfo` is
`datetime.timezone.utc`), so the cursors of these queries read timestamps with it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from weakref import WeakKeyDictionary

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, QuerySet
from psycopg import postgres
from psycopg.pq import Format

# Within every integer column's range (a lookup with an out-of-range value compiles to nothing),
# and far from any real id of a catalog this size.
_FIRST_SENTINEL = 2_000_000_000


Convert = Callable[[Any], Any]
_TIMESTAMPTZ_OID = postgres.types["timestamptz"].oid
_REMEMBERED_DECIMALS = 512  # per column and connection: the prices of the hot pages; a bound small
# enough that an export of any size holds no more than a page of books (test_export_memory)


def _final_on_sqlite(field: Field[Any, Any]) -> Callable[[Any], bool] | None:
    """What SQLite's converters for this field hand back unchanged: None, a date (DateField), an
    aware datetime (DateTimeField, with USE_TZ)."""
    internal_type = field.get_internal_type()
    if internal_type == "DateField":
        return lambda value: value is None or isinstance(value, date)
    if internal_type == "DateTimeField" and settings.USE_TZ:
        return lambda value: (
            value is None or (isinstance(value, datetime) and value.utcoffset() is not None)
        )
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
    final = _final_on_sqlite(expression.output_field)
    if final is None:
        return convert
    return lambda value: value if final(value) else convert(value)


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


@dataclass(frozen=True, slots=True)
class _Plan:
    """One query's SQL for one connection, and where each argument goes in its parameters."""

    sql: str
    parameters: tuple[Any, ...]  # the compiled parameters, sentinels included
    slots: tuple[tuple[int, int], ...]  # (parameter position, argument index)
    converters: tuple[tuple[int, Convert], ...]  # (column position, its converter)
    timestamp_loader: type | None  # set where it reads a timestamp faster than Django's

    @classmethod
    def compile(
        cls, build: Callable[..., QuerySet[Any]], arity: int, connection: BaseDatabaseWrapper
    ) -> _Plan:
        sentinels = [_FIRST_SENTINEL + index for index in range(arity)]
        compiler = build(*sentinels).query.get_compiler(connection=connection)
        sql, parameters = compiler.as_sql()
        slots = tuple(
            (position, sentinels.index(value))
            for position, value in enumerate(parameters)
            if type(value) is int and value in sentinels
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
        return cls(sql, tuple(parameters), slots, converters, loader)

    def rows(
        self, connection: BaseDatabaseWrapper, arguments: Sequence[int]
    ) -> list[tuple[Any, ...]]:
        parameters = list(self.parameters)
        for position, index in self.slots:
            parameters[position] = int(arguments[index])
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
                values[position] = convert(values[position])
            converted.append(tuple(values))
        return converted


class CompiledQuery:
    """`build(*arguments)` returns the queryset; it is called once per connection, with sentinels.

    A plan belongs to the connection that compiled it (each server thread has its own), so the
    converters it holds are never shared between threads.
    """

    def __init__(self, build: Callable[..., QuerySet[Any]], *, arity: int = 1) -> None:
        self._build = build
        self._arity = arity
        self._plans: WeakKeyDictionary[BaseDatabaseWrapper, _Plan] = WeakKeyDictionary()

    def rows(self, *arguments: int) -> list[tuple[Any, ...]]:
        """The query's rows, as `values_list()` would return them, for these arguments."""
        if len(arguments) != self._arity:
            raise TypeError(f"expected {self._arity} arguments, got {len(arguments)}")
        connection = connections[DEFAULT_DB_ALIAS]
        plan = self._plans.get(connection)
        if plan is None:
            plan = self._plans[connection] = _Plan.compile(self._build, self._arity, connection)
        return plan.rows(connection, arguments)
