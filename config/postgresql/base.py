"""Django's PostgreSQL backend, with a kept connection that has just worked not checked again.

With CONN_HEALTH_CHECKS Django sends `SELECT 1` before the first query of every request on a kept
connection: one of a book GET's three round trips, and its largest avoidable cost on
PostgreSQL. A connection that served a request without a database error a moment ago is almost
surely still open, so, as HikariCP does with its connections (its `aliveBypassWindowMs`, 500 ms),
a connection whose last request used it without error less than
DATABASE_HEALTH_CHECK_AFTER_IDLE_MS ago (read when it connects) is not checked; an idle one still
is, and one whose last request met a database error is checked by Django at that request's end, as
before.
`config.env.database_settings` names this backend for every postgres:// URL.
"""

from __future__ import annotations

import time

from django.db.backends.postgresql import base

from config.env import env_int


class DatabaseWrapper(base.DatabaseWrapper):
    health_check_done: bool
    _worked_at: float | None = None
    _check_after_idle = 0.0

    def close_if_unusable_or_obsolete(self) -> None:
        # Called at each request's start and end; Django resets `health_check_done` in it, so
        # whether this request used the connection (a cursor checked or bypassed it) is read first.
        worked = self.connection is not None and self.health_check_done and not self.errors_occurred
        super().close_if_unusable_or_obsolete()
        if worked and self.connection is not None:
            self._worked_at = time.monotonic()

    def close_if_health_check_failed(self) -> None:
        if self.connection is not None and not self.health_check_done and self._just_worked():
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def connect(self) -> None:
        super().connect()
        self._worked_at = None
        self._check_after_idle = max(0, env_int("DATABASE_HEALTH_CHECK_AFTER_IDLE_MS", 500)) / 1000

    def _just_worked(self) -> bool:
        return (
            self._worked_at is not None
            and time.monotonic() - self._worked_at < self._check_after_idle
        )
