"""The one reader of the environment.

Every setting the services take comes through these functions, so the variables a deployment can
set are listed in one place (the README's table mirrors this module). Each function returns a
working default for the embedded mode (SQLite, no Redis) and fails with one clear line for a value
it cannot parse.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from None


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


def env_datetime(name: str, default: str) -> datetime:
    """An ISO 8601 instant with its UTC offset (e.g. 2027-06-30T00:00:00+00:00)."""
    raw = os.environ.get(name) or default
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an ISO 8601 date-time, got {raw!r}") from None
    if value.tzinfo is None:
        raise ImproperlyConfigured(f"{name} must carry a UTC offset, got {raw!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def var_dir() -> Path:
    """Where run-time state lives (SQLite file, dev keys, secret): git-ignored, made on demand."""
    path = Path(env_str("CATALOG_VAR_DIR", str(BASE_DIR / "var")))
    path.mkdir(parents=True, exist_ok=True)
    return path


def is_production() -> bool:
    return env_str("CATALOG_ENV", "development").strip().lower() == "production"


def database_url() -> str:
    return env_str("DATABASE_URL") or f"sqlite:///{var_dir() / 'catalog.sqlite3'}"


def database_settings(url: str | None = None) -> dict[str, Any]:
    """Django DATABASES['default'] for a SQLite or PostgreSQL (psycopg 3) URL.

    SQLite runs in WAL mode with IMMEDIATE transactions so that several gunicorn workers writing at
    once wait for the lock instead of failing with "database is locked" mid-transaction.
    PostgreSQL keeps connections open between requests (CONN_MAX_AGE) with health checks.
    """
    url = url or database_url()
    try:
        config = dj_database_url.parse(
            url,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a usable database URL: {exc}") from None
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif engine == "django.db.backends.postgresql":
        config.setdefault("OPTIONS", {})
        config["OPTIONS"].setdefault("connect_timeout", 5)
    else:
        raise ImproperlyConfigured(
            f"DATABASE_URL must be sqlite:// or postgres://, got engine {engine}"
        )
    return config


def redis_url() -> str:
    """Empty when no Redis is configured: callers then use their in-process fallback."""
    return env_str("REDIS_URL")
