"""The PostgreSQL backend (config.postgresql) is Django's, but a kept connection whose last request
used it without error a moment ago is not health-checked (SELECT 1) again before the next one."""

import pytest
from django.db import OperationalError, connection

from config.postgresql.base import DatabaseWrapper

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's health checks"),
]


def kept_connection(monkeypatch, window_ms: int) -> tuple[DatabaseWrapper, list[str]]:
    """A kept connection of its own, outside the test's transaction, its health checks counted."""
    monkeypatch.setenv("DATABASE_HEALTH_CHECK_AFTER_IDLE_MS", str(window_ms))
    wrapper = DatabaseWrapper({**connection.settings_dict, "CONN_MAX_AGE": 60}, alias="kept")
    checks: list[str] = []
    is_usable = wrapper.is_usable
    monkeypatch.setattr(wrapper, "is_usable", lambda: checks.append("SELECT 1") or is_usable())
    return wrapper, checks


def request(wrapper: DatabaseWrapper, sql: str = "SELECT 42") -> list[tuple[int]]:
    """One request's life as Django's request_started and request_finished signals drive it."""
    wrapper.close_if_unusable_or_obsolete()
    try:
        with wrapper.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()
    finally:
        wrapper.close_if_unusable_or_obsolete()


def terminate(wrapper: DatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [wrapper.connection.info.backend_pid])


@pytest.fixture
def close_after():
    wrappers: list[DatabaseWrapper] = []
    yield wrappers.append
    for wrapper in wrappers:
        wrapper.close()


def test_a_connection_that_just_served_a_request_is_not_checked_before_the_next(
    monkeypatch, close_after
):
    wrapper, checks = kept_connection(monkeypatch, window_ms=60_000)
    close_after(wrapper)
    assert request(wrapper) == [(42,)]
    pid = wrapper.connection.info.backend_pid
    assert request(wrapper) == [(42,)]
    assert checks == []
    assert wrapper.connection.info.backend_pid == pid


def test_a_connection_idle_past_the_window_is_checked_as_django_checks_it(monkeypatch, close_after):
    wrapper, checks = kept_connection(monkeypatch, window_ms=0)
    close_after(wrapper)
    request(wrapper)
    assert request(wrapper) == [(42,)]
    assert checks == ["SELECT 1"]


def test_a_connection_closed_by_the_server_while_idle_is_replaced_before_the_query(
    monkeypatch, close_after
):
    wrapper, checks = kept_connection(monkeypatch, window_ms=0)
    close_after(wrapper)
    request(wrapper)
    old_pid = wrapper.connection.info.backend_pid
    terminate(wrapper)
    assert request(wrapper) == [(42,)]
    assert checks == ["SELECT 1"]
    assert wrapper.connection.info.backend_pid != old_pid


def test_within_the_window_a_connection_the_server_closed_fails_one_request_then_is_replaced(
    monkeypatch, close_after
):
    wrapper, checks = kept_connection(monkeypatch, window_ms=60_000)
    close_after(wrapper)
    request(wrapper)
    terminate(wrapper)
    with pytest.raises(OperationalError):
        request(wrapper)
    assert wrapper.connection is None  # Django's end-of-request check found it broken
    assert request(wrapper) == [(42,)]
    assert checks == ["SELECT 1"]
