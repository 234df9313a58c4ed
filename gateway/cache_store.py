"""Where the response cache keeps its answers and reads the catalog's change generations.

    RedisStore    REDIS_URL set: answers under `catalog-gw:cache:<key>` with a TTL, shared by
                  every gateway replica; generations from the keys the services write (one MGET)
    MemoryStore   no REDIS_URL (the embedded default): answers in this process, least recently
                  used dropped past GATEWAY_CACHE_MAX_ENTRIES; generations from the var
                  folder's file, which the services (other processes) write

Both speak the same small protocol, so the cache (gateway.response_cache) does not know which
it has. RedisStore raises StoreDown for anything Redis does wrong; the cache then goes around
itself. Why the generation file and not the SQLite database: the gateway has no database and
imports no model; a file of four 8-byte slots is one pread per request for the gateway and one
pwrite per change for the services (catalog_contract.generations).
"""

from __future__ import annotations

import contextlib
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import orjson
from redis import asyncio as aioredis
from redis.exceptions import RedisError

from catalog_contract import generations

Headers = list[tuple[bytes, bytes]]
_KEY_PREFIX = "catalog-gw:cache:"
_LENGTH_BYTES = 4


class StoreDown(Exception):
    """The store could not be reached or answered nonsense."""


@dataclass(frozen=True, slots=True)
class Entry:
    """A stored answer: the upstream's status, headers and body, and when it was stored (wall
    clock, so that replicas sharing the entry agree on its Age)."""

    status: int
    headers: Headers
    body: bytes
    stored_at: float

    def encode(self) -> bytes:
        meta = orjson.dumps(
            {
                "status": self.status,
                "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in self.headers],
                "stored_at": self.stored_at,
            }
        )
        return len(meta).to_bytes(_LENGTH_BYTES, "big") + meta + self.body

    @classmethod
    def decode(cls, data: bytes) -> Entry:
        length = int.from_bytes(data[:_LENGTH_BYTES], "big")
        meta = orjson.loads(data[_LENGTH_BYTES : _LENGTH_BYTES + length])
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in meta["headers"]]
        body = data[_LENGTH_BYTES + length :]
        return cls(meta["status"], headers, body, meta["stored_at"])


class Store(Protocol):
    async def generations(self, kinds: Sequence[str]) -> list[str]: ...
    async def get(self, key: str) -> Entry | None: ...
    async def put(self, key: str, entry: Entry, ttl_seconds: float) -> None: ...
    async def forget_all(self) -> None: ...
    async def close(self) -> None: ...


class MemoryStore:
    def __init__(self, *, max_entries: int, generation_file: Path) -> None:
        self.max_entries = max_entries
        self.generation_file = generation_file
        self._entries: OrderedDict[str, tuple[float, Entry]] = OrderedDict()

    async def generations(self, kinds: Sequence[str]) -> list[str]:
        try:
            tokens = generations.read_file(self.generation_file)
        except OSError as exc:
            raise StoreDown(f"cannot read {self.generation_file}: {exc}") from None
        return [tokens[kind] for kind in kinds]

    async def get(self, key: str) -> Entry | None:
        found = self._entries.get(key)
        if found is None:
            return None
        expires, entry = found
        if expires <= time.monotonic():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return entry

    async def put(self, key: str, entry: Entry, ttl_seconds: float) -> None:
        self._entries[key] = (time.monotonic() + ttl_seconds, entry)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    async def forget_all(self) -> None:
        self._entries.clear()

    async def close(self) -> None:
        self._entries.clear()


class RedisStore:
    def __init__(self, client: aioredis.Redis) -> None:
        self.redis = client

    async def generations(self, kinds: Sequence[str]) -> list[str]:
        keys = generations.redis_keys(kinds)
        async with _translated():
            values = await self.redis.mget(keys)
            missing = [key for key, value in zip(keys, values, strict=True) if value is None]
            if missing:  # lost or never written: a fresh token, never one used before
                for key in missing:
                    await self.redis.set(key, generations.new_token(), nx=True)
                values = await self.redis.mget(keys)
        tokens = [value.decode("ascii") for value in values if isinstance(value, bytes)]
        if len(tokens) != len(keys):
            raise StoreDown("a generation key vanished as it was created")
        return tokens

    async def get(self, key: str) -> Entry | None:
        async with _translated():
            data = await self.redis.get(_KEY_PREFIX + key)
        if data is None:
            return None
        if not isinstance(data, bytes):
            raise StoreDown("a cache entry is not bytes")
        try:
            return Entry.decode(data)
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreDown(f"unreadable cache entry: {exc}") from None

    async def put(self, key: str, entry: Entry, ttl_seconds: float) -> None:
        async with _translated():
            await self.redis.set(_KEY_PREFIX + key, entry.encode(), px=int(ttl_seconds * 1000))

    async def forget_all(self) -> None:
        """Every generation replaced: what was stored before can no longer be found."""
        tokens = {key: generations.new_token() for key in generations.redis_keys(generations.KINDS)}
        async with _translated():
            await self.redis.mset(tokens)

    async def close(self) -> None:
        await self.redis.aclose()


@contextlib.asynccontextmanager
async def _translated() -> AsyncIterator[None]:
    """Redis and connection errors (timeouts included) as StoreDown."""
    try:
        yield
    except (RedisError, OSError) as exc:
        raise StoreDown(str(exc)) from None
