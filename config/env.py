"""The one reader of the environment.

Every setting the services take comes through these functions, so the variables a deployment can
set are read in one way (docs/configuration.md lists them; tests/docs checks the list). Each
function returns a working default for the embedded mode (SQLite, no Redis) and fails with one
clear line for a value it cannot parse.
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


def debug() -> bool:
    """DJANGO_DEBUG; production refuses it (tracebacks and settings in error pages)."""
    enabled = env_bool("DJANGO_DEBUG", False)
    if enabled and is_production():
        raise ImproperlyConfigured("DJANGO_DEBUG must be false when CATALOG_ENV=production")
    return enabled


def demo_users_allowed() -> bool:
    """CATALOG_DEMO_USERS (reader/editor with known passwords): never in production."""
    allowed = env_bool("CATALOG_DEMO_USERS", not is_production())
    if allowed and is_production():
        raise ImproperlyConfigured("CATALOG_DEMO_USERS must be false when CATALOG_ENV=production")
    return allowed


def allowed_hosts() -> list[str]:
    """DJANGO_ALLOWED_HOSTS; any host in development, and required in production, where an empty
    list would answer every request with 400 and no hint why."""
    hosts = env_list("DJANGO_ALLOWED_HOSTS", [] if is_production() else ["*"])
    if not hosts:
        raise ImproperlyConfigured(
            "production needs DJANGO_ALLOWED_HOSTS: the host names clients and proxies use, "
            "comma-separated (e.g. catalog.example.com,rest,soap)"
        )
    return hosts


def compare_page_enabled() -> bool:
    """The gateway's /compare/ page: on by default, off in production unless enabled."""
    return env_bool("GATEWAY_COMPARE_PAGE", not is_production())


def compression_min_bytes() -> int:
    """COMPRESSION_MIN_BYTES: smaller responses go uncompressed (the header and CPU cost more
    than the bytes saved); 1 KiB by default."""
    value = env_int("COMPRESSION_MIN_BYTES", 1024)
    if value < 0:
        raise ImproperlyConfigured(f"COMPRESSION_MIN_BYTES must be 0 or more, got {value}")
    return value


def database_url() -> str:
    return env_str("DATABASE_URL") or f"sqlite:///{var_dir() / 'catalog.sqlite3'}"


def database_settings(url: str | None = None) -> dj_database_url.DBConfig:
    """Django DATABASES['default'] for a SQLite or PostgreSQL (psycopg 3) URL.

    SQLite runs in WAL mode with IMMEDIATE transactions so that several gunicorn workers writing at
    once wait for the lock instead of failing with "database is locked" mid-transaction.
    Both keep one connection per server thread open between requests (CONN_MAX_AGE): opening a
    SQLite file and setting its pragmas cost a book GET a quarter of its time. PostgreSQL checks
    a connection's health before reuse, unless it worked a moment ago (config/postgresql/base.py);
    DATABASE_POOL_MAX_SIZE > 0 swaps that for psycopg's pool,
    N connections per process shared by its threads (see docs/deployment.md).
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
        config["ENGINE"] = "config.sqlite"  # Django's, each statement converted once
        config["OPTIONS"] = {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif engine == "django.db.backends.postgresql":
        config["ENGINE"] = "config.postgresql"  # Django's, a connection that just worked unchecked
        config.setdefault("OPTIONS", {})
        config["OPTIONS"].setdefault("connect_timeout", 5)
        if env_bool("DATABASE_PREPARED_STATEMENTS", True):
            config["OPTIONS"].update(_prepared_statement_options(config["OPTIONS"]))
        if pool := _pool_options():
            config["CONN_MAX_AGE"] = 0  # Django refuses persistent connections with a pool
            config["OPTIONS"]["pool"] = pool
    else:
        raise ImproperlyConfigured(
            f"DATABASE_URL must be sqlite:// or postgres://, got engine {engine}"
        )
    return config


def _prepared_statement_options(options: dict[str, Any]) -> dict[str, Any]:
    """Server-side binding, so psycopg prepares a statement its connection has run 5 times, and
    generic plans for prepared statements. PostgreSQL spent more CPU planning the hot reads than
    running them (a 100-book page: 1.2 ms planning, 0.25 ms execution), and its default keeps
    re-planning an `IN` list of 100 ids whose values change with every page. The reads are
    primary-key and foreign-key lookups, whose generic plan is the custom one. Off
    (DATABASE_PREPARED_STATEMENTS=false) behind a pooler that cannot keep prepared statements."""
    server_options = options.get("options", "")
    if "plan_cache_mode" not in server_options:
        server_options = f"{server_options} -c plan_cache_mode=force_generic_plan".strip()
    return {
        "server_side_binding": True,
        "prepare_threshold": options.get("prepare_threshold", 5),
        "options": server_options,
    }


def _pool_options() -> dict[str, Any] | None:
    max_size = env_int("DATABASE_POOL_MAX_SIZE", 0)
    if max_size <= 0:
        return None
    return {
        "min_size": 1,
        "max_size": max_size,
        "timeout": env_float("DATABASE_POOL_TIMEOUT", 10.0),
    }


def redis_url() -> str:
    """Empty when no Redis is configured: callers then use their in-process fallback."""
    return env_str("REDIS_URL")
