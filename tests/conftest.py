"""Suite-wide fixtures. The database is SQLite unless DATABASE_URL names another; Redis is used
only when REDIS_URL is set, and then it must answer (CI sets both and must fail, not skip)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared_models.clock import FixedClock


@pytest.fixture
def clock() -> FixedClock:
    """A clock standing at noon on 2026-06-15 UTC, so 'not in the future' is testable."""
    return FixedClock(datetime(2026, 6, 15, 12, 0, tzinfo=UTC))
