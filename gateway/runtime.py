"""What lives as long as the gateway process: the upstream clients, the issuer's keys, the rate
limiter, the response cache and the pipeline built from them. Started by the ASGI lifespan
(asgi.py) and stopped with it; settings are read here, when the process starts, never at import.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TextIO

import httpx
from django.conf import settings

from catalog_contract import generations
from config.env import var_dir
from gateway import mediation, redis_pool
from gateway.auth import Authenticator
from gateway.cache_store import MemoryStore, RedisStore, Store
from gateway.jwks import KeySet
from gateway.observability import AccessLog
from gateway.pipeline import Gateway
from gateway.ratelimit import MemoryWindow, Policy, RateLimiter, RedisWindow
from gateway.response_cache import ResponseCache
from gateway.upstreams import Upstream, build_upstreams, close_upstreams

logger = logging.getLogger("gateway.runtime")

_FIRST_JWKS_FETCH_SECONDS = 2.0


def build_limiter() -> RateLimiter:
    url = settings.REDIS_URL
    window = (
        RedisWindow(
            url,
            timeout=settings.GATEWAY_REDIS_TIMEOUT_SECONDS,
            max_connections=settings.GATEWAY_REDIS_MAX_CONNECTIONS,
        )
        if url
        else MemoryWindow()
    )
    return RateLimiter(
        window,
        anonymous=Policy.parse("anonymous", settings.GATEWAY_RATELIMIT_ANONYMOUS),
        user=Policy.parse("user", settings.GATEWAY_RATELIMIT_USER),
        writes=Policy.parse("writes", settings.GATEWAY_RATELIMIT_WRITES),
        metadata=Policy.parse("metadata", settings.GATEWAY_RATELIMIT_METADATA),
        namespace=settings.GATEWAY_RATELIMIT_NAMESPACE,
        fail_open=settings.GATEWAY_RATELIMIT_FAIL_OPEN,
    )


def build_cache() -> ResponseCache:
    """Redis when REDIS_URL is set (shared by the replicas), else this process's memory with the
    generations from the var folder; off (every read a bypass) when GATEWAY_CACHE_ENABLED is
    false."""
    store: Store | None = None
    if settings.GATEWAY_CACHE_ENABLED and settings.REDIS_URL:
        store = RedisStore(
            redis_pool.connect(
                settings.REDIS_URL,
                timeout=settings.GATEWAY_REDIS_TIMEOUT_SECONDS,
                max_connections=settings.GATEWAY_REDIS_MAX_CONNECTIONS,
            )
        )
    elif settings.GATEWAY_CACHE_ENABLED:
        store = MemoryStore(
            max_entries=settings.GATEWAY_CACHE_MAX_ENTRIES,
            generation_file=var_dir() / generations.FILE_NAME,
        )
    return ResponseCache(
        store,
        ttl_seconds=settings.GATEWAY_CACHE_TTL_SECONDS,
        max_body_bytes=settings.GATEWAY_CACHE_MAX_BODY_BYTES,
    )


class Runtime:
    """Tests pass `transports` (per upstream name) and `jwks_transport` to stand in for the
    network, and `log_stream` to read the access log."""

    def __init__(
        self,
        *,
        transports: dict[str, httpx.AsyncBaseTransport] | None = None,
        jwks_transport: httpx.AsyncBaseTransport | None = None,
        log_stream: TextIO | None = None,
    ) -> None:
        self._transports = transports
        self._jwks_transport = jwks_transport
        self._log_stream = log_stream
        self._tasks: list[asyncio.Task[None]] = []
        self.upstreams: dict[str, Upstream] = {}
        self.gateway: Gateway | None = None

    async def start(self) -> None:
        self.upstreams = build_upstreams(self._transports)
        self.jwks_client = httpx.AsyncClient(
            transport=self._jwks_transport, timeout=_FIRST_JWKS_FETCH_SECONDS, trust_env=False
        )
        self.keyset = KeySet(
            settings.GATEWAY_JWKS_URL,
            self.jwks_client,
            refresh_seconds=settings.GATEWAY_JWKS_REFRESH_SECONDS,
            min_interval_seconds=settings.GATEWAY_JWKS_MIN_INTERVAL_SECONDS,
        )
        self.limiter = build_limiter()
        self.cache = build_cache()
        self.gateway = Gateway(
            upstreams=self.upstreams,
            authenticator=Authenticator(
                self.keyset,
                issuer=settings.JWT_ISSUER,
                audience=settings.JWT_AUDIENCE,
                leeway=settings.JWT_LEEWAY_SECONDS,
                cache_size=settings.GATEWAY_TOKEN_CACHE_SIZE,
            ),
            limiter=self.limiter,
            cache=self.cache,
            access_log=AccessLog(self._log_stream, enabled=settings.GATEWAY_ACCESS_LOG),
            mediate=mediation.mediate if settings.GATEWAY_MEDIATION_ENABLED else None,
        )
        await self.keyset.refresh()
        if not self.keyset.loaded:
            logger.warning("no keys from %s yet; retrying in the background", self.keyset.url)
        self._tasks.append(asyncio.ensure_future(self.keyset.run()))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        await self.keyset.close()
        await self.jwks_client.aclose()
        await self.limiter.close()
        await self.cache.close()
        await close_upstreams(self.upstreams)
