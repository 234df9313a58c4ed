"""/healthz (the process answers) and /readyz (it can do its job), as Django views.

/readyz asks each upstream's /healthz through its pooled client (so a breaker that is open
shows up too), and reports whether the issuer's keys are loaded, whether Redis answers (when
configured) and the status each transport in an upstream's chain offers (e.g. the breaker's
state). 200 when every upstream answers and the keys are loaded, else 503; Redis only counts
when rate limiting fails closed.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import JsonResponse

from gateway.errors import GatewayError, map_upstream_errors
from gateway.runtime import Runtime
from gateway.upstreams import DEADLINE, IDEMPOTENT, UPSTREAM, Upstream

_PROBE_SECONDS = 1.0  # a probe is never retried: readiness reports what is there now


async def _probe(upstream: Upstream) -> dict[str, Any]:
    report: dict[str, Any] = {"url": upstream.base_url}
    deadline = time.monotonic() + _PROBE_SECONDS
    policy = {UPSTREAM: upstream.name, IDEMPOTENT: False, DEADLINE: deadline}
    request = upstream.client.build_request(
        "GET",
        upstream.base_url + "/healthz",
        timeout=_PROBE_SECONDS,
        extensions=policy,
    )
    try:
        with map_upstream_errors(upstream.name):
            response = await upstream.client.send(request)
        report["reachable"] = response.status_code == 200
        report["status"] = response.status_code
    except GatewayError as exc:
        report["reachable"] = False
        report["error"] = exc.detail
    for transport in upstream.transports():
        status = getattr(transport, "status", None)
        if callable(status):
            report.update(status())
    return report


async def _redis(runtime: Runtime) -> dict[str, Any]:
    if not settings.REDIS_URL:
        return {"configured": False}
    try:
        return {"configured": True, "reachable": await runtime.limiter.window.ping()}
    except Exception as exc:
        return {"configured": True, "reachable": False, "error": type(exc).__name__}


async def readyz(request: ASGIRequest) -> JsonResponse:
    runtime: Runtime = request.scope["gateway.runtime"]
    names = list(runtime.upstreams)
    reports = await asyncio.gather(*(_probe(runtime.upstreams[name]) for name in names))
    upstreams = dict(zip(names, reports, strict=True))
    redis = await _redis(runtime)
    jwks = {"url": runtime.keyset.url, "loaded": runtime.keyset.loaded,
            "keys": len(runtime.keyset.keys)}  # fmt: skip
    ready = all(report["reachable"] for report in upstreams.values()) and jwks["loaded"]
    if not settings.GATEWAY_RATELIMIT_FAIL_OPEN and redis.get("reachable") is False:
        ready = False
    body = {"status": "ready" if ready else "not ready", "upstreams": upstreams,
            "jwks": jwks, "redis": redis}  # fmt: skip
    return JsonResponse(body, status=200 if ready else 503)
