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
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

# Within every integer column's range (a lookup with an out-of-range value compiles to nothing),
# and far from any real id of a catalog this size.
_FIRST_SENTINEL = 2_000_000_000


@dataclass(frozen=True, slots=True)
class _Plan:
    """One query's SQL for one connection, and where each argument goes in its parameters."""

    sql: str
    parameters: tuple[Any, ...]  # the compiled parameters, sentinels included
    slots: tuple[tuple[int, int], ...]  # (parameter position, argument index)
    compiler: SQLCompiler
    converters: dict[int, Any]

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
        return cls(sql, tuple(parameters), slots, compiler, compiler.get_converters(fields))

    def rows(
        self, connection: BaseDatabaseWrapper, arguments: Sequence[int]
    ) -> list[tuple[Any, ...]]:
        parameters = list(self.parameters)
        for position, index in self.slots:
            parameters[position] = int(arguments[index])
        with connection.cursor() as cursor:
            cursor.execute(self.sql, parameters)
            rows: list[tuple[Any, ...]] = cursor.fetchall()
        if not self.converters:
            return rows
        return [tuple(row) for row in self.compiler.apply_converters(rows, self.converters)]


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
