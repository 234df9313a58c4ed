"""The gateway's Redis connections (rate limits, response cache): one bounded pool per use, with
every wait bounded by GATEWAY_REDIS_TIMEOUT_SECONDS, so a slow Redis costs a request at most
that long before the caller's fallback takes over."""

from __future__ import annotations

from redis import asyncio as aioredis


def connect(url: str, *, timeout: float, max_connections: int) -> aioredis.Redis:
    pool = aioredis.BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=timeout,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
    )
    return aioredis.Redis(connection_pool=pool)
