"""Logging for every service: readable lines on a laptop, one JSON object per line in production."""

from __future__ import annotations

import logging
from typing import Any

import orjson


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
        "loggers": {"django.db.backends": {"level": "WARNING"}},
    }
