"""A gzip bomb, and a record of every bounded decoder made while it is sent, so a test can assert
how much any of them ever produced."""

from __future__ import annotations

import gzip
from functools import cache

import pytest

from service_http import codings


@cache
def gzip_bomb() -> bytes:
    """50 MB of zeros in ~50 KB of gzip."""
    return gzip.compress(b"\0" * 50_000_000)


def record_decoders(monkeypatch: pytest.MonkeyPatch) -> list[codings.BoundedGzipDecoder]:
    decoders: list[codings.BoundedGzipDecoder] = []

    class Recording(codings.BoundedGzipDecoder):
        def __init__(self, limit: int) -> None:
            super().__init__(limit)
            decoders.append(self)

    monkeypatch.setattr(codings, "BoundedGzipDecoder", Recording)
    return decoders
