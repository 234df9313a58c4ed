"""Logging for every service: readable lines on a laptop, one JSON object per line in production.

Everything goes to stdout through one handler: the services' own records, their access lines
(service_http.access_log), and the servers' lines (gunicorn's master and workers, uvicorn), so a
container's output is one stream of one format.
"""

from __future__ import annotations

import logging
import logging.config
from typing import Any

import orjson
from gunicorn.glogging import Logger as GunicornBaseLogger

from config.env import env_bool, env_str, is_production


class JsonLineFormatter(logging.Formatter):
    """One JSON object per record; `extra={...}` fields are kept, so access logs stay structured.

    Hand-written because it is ten lines on top of orjson (already a dependency) and keeps the
    log schema ours; python-json-logger would add a dependency for the same output.
    """

    _RESERVED = frozenset(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in self._RESERVED})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


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
        "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "default"}},
        "root": {"handlers": ["stdout"], "level": level.upper()},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # The servers' own loggers come with handlers of their own; they go to ours instead.
            **{name: {"handlers": [], "propagate": True} for name in _SERVER_LOGGERS},
            # Configuring "uvicorn" would re-enable its child "uvicorn.access" (dictConfig resets
            # children); the gateway writes its own access lines.
            "uvicorn.access": {"handlers": [], "propagate": False},
        },
    }


_SERVER_LOGGERS = ("gunicorn.error", "uvicorn", "uvicorn.error")


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
