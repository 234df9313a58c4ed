"""Logging for every service: readable lines on a laptop, one JSON object per line in production.

Everything goes to stdout through one handler: the services' own records, their access lines
(service_http.access_log), and the servers' lines (gunicorn's master and workers, granian's), so a
container's output is one stream of one format.
"""

from __future__ import annotations

import logging
import logging.config
import time
from typing import Any

from gunicorn.glogging import Logger as GunicornBaseLogger
from pythonjsonlogger.orjson import OrjsonFormatter

from config.env import env_bool, env_str, is_production

_JSON_FIELDS = ("asctime", "levelname", "name", "message", "request_id", "trace_id", "span_id")


class JsonLineFormatter(OrjsonFormatter):
    """python-json-logger's orjson formatter with the one schema all three services write:

        {"time": "2026-11-30T16:43:19.123Z", "level": "INFO", "logger": "catalog.access",
         "message": "GET /api/v2/books/ 200", "request_id": "…", "trace_id": "…",
         "span_id": "…", ...the record's `extra` fields}

    Times are RFC 3339 in UTC with milliseconds (logging's own formatTime, in UTC).
    """

    converter = time.gmtime  # type: ignore[assignment]  # typeshed picks its no-argument overload
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            " ".join(f"%({field})s" for field in _JSON_FIELDS),
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            json_default=str,
            **kwargs,
        )


def logging_config(*, json_lines: bool, level: str) -> dict[str, Any]:
    formatter = (
        {"()": "config.logging.JsonLineFormatter"}
        if json_lines
        else {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "filters": {"request_ids": {"()": "telemetry.log_context.RequestIdsFilter"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": ["request_ids"],
            }
        },
        "root": {"handlers": ["stdout"], "level": level.upper()},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # The servers' own loggers come with handlers of their own; they go to ours instead.
            **{name: {"handlers": [], "propagate": True} for name in _SERVER_LOGGERS},
        },
    }


_SERVER_LOGGERS = ("gunicorn.error", "_granian", "granian.access")


def configured_logging() -> dict[str, Any]:
    """LOGGING from the environment: JSON lines by default in production (LOG_JSON, LOG_LEVEL)."""
    return logging_config(
        json_lines=env_bool("LOG_JSON", is_production()), level=env_str("LOG_LEVEL", "INFO")
    )


class GunicornLogger(GunicornBaseLogger):
    """gunicorn's master logs (booting, signals, worker timeouts) in our format before any worker
    has loaded Django; `catalog serve` passes it as --logger-class."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        logging.config.dictConfig(configured_logging())
