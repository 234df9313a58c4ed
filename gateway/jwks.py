"""The token issuer's public keys, from its JWKS (GATEWAY_JWKS_URL), kept fresh.

Fetched at start-up, then refreshed in the background every GATEWAY_JWKS_REFRESH_SECONDS, and
on demand when a token names a `kid` we do not know (the issuer rotated its key), but at most
once per GATEWAY_JWKS_MIN_INTERVAL_SECONDS: a flood of tokens with made-up kids costs the
issuer one request per interval, not one per token. Concurrent refreshes share one fetch. A
failed refresh keeps the keys we had. Until the first fetch succeeds (the issuer may start after
the gateway), both the background loop and on-demand refreshes retry every second.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import jwt

from gateway import metrics

logger = logging.getLogger("gateway.jwks")

_RETRY_UNTIL_LOADED_SECONDS = 1.0


class KeySet:
    def __init__(
        self,
        url: str,
        client: httpx.AsyncClient,
        *,
        refresh_seconds: float,
        min_interval_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.url = url
        self.client = client
        self.refresh_seconds = refresh_seconds
        self.min_interval_seconds = min_interval_seconds
        self.clock = clock
        self.sleep = sleep
        self.keys: dict[str, Any] = {}
        self.fetches = 0
        self._last_attempt: float | None = None
        self._inflight: asyncio.Task[None] | None = None

    @property
    def loaded(self) -> bool:
        return bool(self.keys)

    async def key_for(self, kid: str | None) -> Any | None:
        """The key for `kid`, refreshing once (rate-limited) if it is unknown."""
        key = self._lookup(kid)
        if key is None and self._may_refresh():
            await self.refresh()
            key = self._lookup(kid)
        return key

    def _lookup(self, kid: str | None) -> Any | None:
        if kid is None:  # the contract's single-key case: a lone key needs no name
            return next(iter(self.keys.values())) if len(self.keys) == 1 else None
        return self.keys.get(kid)

    def _may_refresh(self) -> bool:
        if self._last_attempt is None:
            return True
        interval = self.min_interval_seconds if self.loaded else _RETRY_UNTIL_LOADED_SECONDS
        return self.clock() - self._last_attempt >= interval

    async def refresh(self) -> None:
        """Fetch the JWKS now; callers arriving meanwhile wait for the same fetch."""
        if self._inflight is None or self._inflight.done():
            self._last_attempt = self.clock()
            self._inflight = asyncio.ensure_future(self._fetch())
        await asyncio.shield(self._inflight)

    async def _fetch(self) -> None:
        self.fetches += 1
        try:
            response = await self.client.get(self.url)
            response.raise_for_status()
            keys = parse_jwks(response.json())
        except (httpx.HTTPError, ValueError, jwt.PyJWTError) as exc:
            metrics.count_jwks_refresh("failed")
            logger.warning("JWKS refresh from %s failed (%s); keeping %d keys",
                           self.url, exc, len(self.keys))  # fmt: skip
            return
        if not keys:
            metrics.count_jwks_refresh("empty")
            logger.warning("JWKS at %s holds no RS256 keys; keeping %d", self.url, len(self.keys))
            return
        self.keys = keys
        metrics.count_jwks_refresh("ok")

    async def run(self) -> None:
        """The background refresh loop (a task made at start-up, cancelled at shutdown)."""
        while True:
            if self._may_refresh():
                await self.refresh()
            wait = self.refresh_seconds if self.loaded else _RETRY_UNTIL_LOADED_SECONDS
            await self.sleep(wait)

    async def close(self) -> None:
        if self._inflight is not None and not self._inflight.done():
            self._inflight.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._inflight


def parse_jwks(document: Any) -> dict[str, Any]:
    """RSA signing keys by kid; keys for other algorithms or uses are skipped."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("not a JWKS document")
    keys: dict[str, Any] = {}
    for entry in document["keys"]:
        if not isinstance(entry, dict) or entry.get("kty") != "RSA":
            continue
        if entry.get("use", "sig") != "sig" or entry.get("alg", "RS256") != "RS256":
            continue
        if isinstance(entry.get("kid"), str):
            keys[entry["kid"]] = jwt.PyJWK(entry, algorithm="RS256").key
    return keys
