"""Suite-wide fixtures. The database is SQLite unless DATABASE_URL names another; Redis is used
only when REDIS_URL is set, and then it must answer. CI sets both plus CATALOG_REQUIRE_SERVICES,
so a missing or unreachable service fails the run instead of skipping tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core import signals
from django.db import close_old_connections

from shared_models.clock import FixedClock
from tests import fuzzing
from tests.recording_upstream import RecordingUpstream, issuer_upstream

fuzzing.register_profiles()


def pytest_configure(config: pytest.Config) -> None:
    fuzzing.configure(config)
    if os.environ.get("CATALOG_REQUIRE_SERVICES") != "1":
        return
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        pytest.exit("CATALOG_REQUIRE_SERVICES=1 needs DATABASE_URL=postgres://...", returncode=2)
    if not os.environ.get("REDIS_URL"):
        pytest.exit("CATALOG_REQUIRE_SERVICES=1 needs REDIS_URL=redis://...", returncode=2)


@pytest.fixture
def clock() -> FixedClock:
    """A clock standing at noon on 2026-06-15 UTC, so 'not in the future' is testable."""
    return FixedClock(datetime(2026, 6, 15, 12, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis of REDIS_URL; tests that need Redis skip without it, unless CI requires it."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.skip("REDIS_URL is not set (the in-process fallback is tested instead)")
    return url


@pytest.fixture
def wsgi_calls_keep_the_test_connection() -> Iterator[None]:
    """A WSGI handler called in-process closes the database connection when each request ends
    (`close_old_connections`); inside a test's transaction on PostgreSQL that breaks every later
    query. Django's test client unhooks it for the same reason; tests that call the handler
    directly (schemathesis, httpx's WSGI transport) do the same with this fixture."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def recording_issuer() -> Iterator[RecordingUpstream]:
    """A recording upstream that publishes the dev JWKS: what a module's real gateway is put in
    front of (tests.processes.gateway_in_front_of) to see what it lets through."""
    with issuer_upstream() as upstream:
        yield upstream


@pytest.fixture
def upstream(recording_issuer: RecordingUpstream) -> RecordingUpstream:
    """recording_issuer holding only what reached it during this test (modules with an upstream
    of another kind define their own)."""
    recording_issuer.requests.clear()
    return recording_issuer


@pytest.fixture
def fantasy_book(db) -> Any:
    """One book in the genre "fantasy" (with its author and publisher): rows that generated
    requests can find, so fuzzing reaches reads and writes of existing rows too."""
    from tests.factories import make_book, make_genre, valid_isbn  # the models: after setup

    return make_book(genres=[make_genre("fantasy")], isbn=valid_isbn(3))
