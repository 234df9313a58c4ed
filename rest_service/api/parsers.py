"""JSON in through orjson: strict (no NaN, valid UTF-8 only) and with a nesting limit, so a
hostile body is a 400 parse error rather than a RecursionError (the stdlib parser DRF uses
recurses without bound). It stays a JSONParser subclass because DRF then reads the body through
Django's `request.body`, which enforces DATA_UPLOAD_MAX_MEMORY_SIZE (413 beyond it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

import orjson
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class ORJSONParser(JSONParser):
    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            return orjson.loads(stream.read())
        except orjson.JSONDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
