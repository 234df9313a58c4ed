"""Django's SQLite backend, with each statement's placeholders rewritten once, not per execute,
and dates left as the text SQLite holds until Django's converters read them.

Django's SQLite cursor turns `%s` into `?` with a regular expression on every execute: 17 us for
a book's 900-character credits query on this machine, 38 us for a page's, about 7 % of a REST
book GET. The catalog runs the same few statements over and over, so the rewritten text is
remembered (the last 1,024 distinct statements).

Django also asks the sqlite3 module to parse every column declared `date` or `datetime`
(PARSE_DECLTYPES), through converters it registers for the whole process: two Python frames a
value, then Django's own converter looks at the result again. Its converters already parse text
(they must: an expression's result has no declared type), so this backend opens connections
without PARSE_DECLTYPES, unless OPTIONS say otherwise: the ORM's values are the same, and the
compiled read queries (shared_models/compiled_queries.py) parse a page's 300 dates with the C
parsers alone. Everything else is Django's backend as it is. `config.env.database_settings`
names this backend for every sqlite:// URL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.db.backends.sqlite3 import base


@lru_cache(maxsize=1024)
def qmark_style(query: str) -> str:
    """The "format" style query (`%s`, `%%`) in sqlite3's "qmark" style, as Django writes it."""
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query: str, *, param_names: Sequence[str] | None = None) -> str:
        if param_names is None:
            return qmark_style(query)
        return str(super().convert_query(query, param_names=param_names))


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        if "detect_types" not in self.settings_dict["OPTIONS"]:
            params["detect_types"] = sqlite3.PARSE_COLNAMES
        return params

    def create_cursor(self, name: Any = None) -> SQLiteCursorWrapper:
        return self.connection.cursor(factory=SQLiteCursorWrapper)  # type: ignore[no-any-return]
