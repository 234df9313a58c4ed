"""The gateway's ASGI application: a thin router in front of two handlers.

    proxied paths (/api/…, /auth/token/…, /soap/…, /soap12/…, /.well-known/jwks.json)
        -> the pipeline (pipeline.py), raw ASGI
    everything else (/healthz, /readyz, /metrics, /compare/)
        -> Django, through LeanASGIHandler
    lifespan
        -> here: the runtime (clients, keys, limiter) starts and stops with the server

Why the hot path is raw ASGI: measured on this 2-core box, a request through Django's stock
ASGIHandler cost ~1.4 ms of CPU before any proxying (asgiref starts two OS threads per request for
its ThreadSensitiveContext), and even a lean Django view ~0.6 ms for the request/response
objects; the raw path adds ~0.3 ms. Django keeps what it is good at: the few pages and
endpoints that are not on the hot path.

LeanASGIHandler is Django's ASGIHandler without the per-request ThreadSensitiveContext and
without the database signal receivers: safe here because the gateway has no database and no
sync code of its own, so nothing needs a per-request thread; Django's remaining sync_to_async
calls share the one long-lived executor thread.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

import django
from django.core import signals
from django.core.handlers.asgi import ASGIHandler

from gateway.routing import is_proxied
from telemetry.tracing import setup_tracing

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gateway.settings")
django.setup(set_prefix=False)
setup_tracing("gateway")

from gateway.runtime import Runtime  # noqa: E402  (needs Django set up)

logger = logging.getLogger("gateway.asgi")


class LeanASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        super().__init__()
        from django.db import close_old_connections, reset_queries

        signals.request_started.disconnect(reset_queries)
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        await self.handle(scope, receive, send)


class Router:
    def __init__(self, runtime: Runtime | None = None) -> None:
        self.runtime = runtime or Runtime()
        self.django = LeanASGIHandler()
        self._started = False
        self._starting = asyncio.Lock()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await self._lifespan(receive, send)
            return
        if kind != "http":
            await send({"type": "websocket.close", "code": 1000})
            return
        await self._ensure_started()
        if is_proxied(scope["path"]):
            gateway = self.runtime.gateway
            assert gateway is not None, "_ensure_started() built it"
            await gateway(scope, receive, send)
            return
        scope["gateway.runtime"] = self.runtime
        await self.django(scope, receive, send)

    async def _ensure_started(self) -> None:
        """A server without lifespan support still gets a runtime, on the first request."""
        if self._started:
            return
        async with self._starting:
            if not self._started:
                await self.runtime.start()
                self._started = True

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self._ensure_started()
                except Exception as exc:
                    logger.exception("gateway start-up failed")
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._started:
                    await self.runtime.stop()
                    self._started = False
                await send({"type": "lifespan.shutdown.complete"})
                return


application = Router()
