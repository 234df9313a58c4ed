"""Rate limits per route class, exact across gateway replicas.

Policies (settings, "N/second|minute|hour|day" or "N/<seconds>"):

    anonymous  GATEWAY_RATELIMIT_ANONYMOUS  60/minute   reads without a token, token endpoints;
                                                        per client address
    user       GATEWAY_RATELIMIT_USER       600/minute  reads with a token, per token subject
                                                        (SOAP with WS-Security: per address)
    writes     GATEWAY_RATELIMIT_WRITES     60/minute   writes (REST or SOAP), per subject, or
                                                        per address without a bearer token
    metadata   GATEWAY_RATELIMIT_METADATA   600/minute  the documents clients set themselves up
                                                        from (routing.is_metadata: WSDL, OpenAPI,
                                                        Swagger UI and its assets, JWKS), per
                                                        subject or address

Metadata has its own budget because toolkits fetch it far more often than people expect: JAX-WS
downloads the WSDL for every new client object, so an application creating a few clients a
second spent the anonymous budget on WSDLs alone and was then refused its reads.

The algorithm is a sliding log: a request is allowed if fewer than N requests were allowed in
the last window seconds. With REDIS_URL it runs as one Lua script, one EVALSHA per request,
that prunes, counts, adds and reports remaining and reset atomically, so replicas sharing Redis
allow exactly N and never N+1. (Measured: GCRA allowed 602-604 of 700 simultaneous requests on
600/min; the `limits` library's Redis strategies answer only allowed/refused per round trip and
need one or two more round trips, not atomic with the hit, for the header values.) Without
REDIS_URL the same sliding log runs in this process (MemoryWindow: exact for one replica).

Every decision becomes draft-11 headers (`RateLimit-Policy: "user";q=600;w=60`,
`RateLimit: "user";r=599;t=60`, t being the seconds until the oldest counted request leaves
the window, never more: Redis's wall clock can step back, and a CI run saw t=61); a refusal
adds Retry-After. If Redis fails at run time the request is allowed
(GATEWAY_RATELIMIT_FAIL_OPEN=true, the default; only RateLimit-Policy is sent, since nothing
is known about the remainder) or refused with 503 (false); either way it is counted in metrics.
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from redis.exceptions import RedisError

from gateway import metrics, redis_pool
from gateway.errors import QuotaExceeded, RateLimiterDown

logger = logging.getLogger("gateway.ratelimit")

SLIDING_LOG = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local limit, window = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local allowed = 0
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  count = count + 1
  allowed = 1
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local reset = window
if oldest[2] then reset = math.min(window, tonumber(oldest[2]) + window - now) end
return {allowed, limit - count, reset}
"""


_UNIT_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    limit: int
    window: int  # seconds

    @classmethod
    def parse(cls, name: str, rate: str) -> Policy:
        """N/<unit> (second, minute, hour or day, plural allowed) or N/<seconds>."""
        count, _, per = rate.partition("/")
        per = per.strip().lower()
        try:
            window = int(per) if per.isdigit() else _UNIT_SECONDS[per.removesuffix("s")]
            return cls(name, int(count), window)
        except (ValueError, KeyError):
            raise ImproperlyConfigured(
                f"the {name} rate limit must look like 60/minute or 60/60, got {rate!r}"
            ) from None

    @property
    def header(self) -> bytes:
        return b'"%s";q=%d;w=%d' % (self.name.encode(), self.limit, self.window)


@dataclass(frozen=True, slots=True)
class Decision:
    policy: Policy
    allowed: bool
    remaining: int | None  # None: unknown (Redis failed and we failed open)
    reset: float  # seconds until the oldest counted request leaves the window

    @property
    def outcome(self) -> str:
        if self.remaining is None:
            return "fail_open"
        return "allowed" if self.allowed else "refused"

    def headers(self) -> list[tuple[bytes, bytes]]:
        headers = [(b"ratelimit-policy", self.policy.header)]
        if self.remaining is not None:
            value = b'"%s";r=%d;t=%d' % (
                self.policy.name.encode(),
                max(0, self.remaining),
                max(0, math.ceil(self.reset)),
            )
            headers.append((b"ratelimit", value))
        return headers

    def refusal(self) -> QuotaExceeded:
        retry_after = str(max(1, math.ceil(self.reset)))
        return QuotaExceeded(
            f"The {self.policy.name} policy allows {self.policy.limit} requests per "
            f"{self.policy.window} s; retry after {retry_after} s.",
            headers={"Retry-After": retry_after},
            **{"violated-policies": [self.policy.name]},
        )


class RedisWindow:
    """The sliding log in Redis: one EVALSHA per decision."""

    def __init__(self, url: str, *, timeout: float, max_connections: int) -> None:
        self.redis = redis_pool.connect(url, timeout=timeout, max_connections=max_connections)
        self._script = self.redis.register_script(SLIDING_LOG)
        self._member_prefix = os.urandom(6).hex()
        self._sequence = itertools.count()

    async def hit(self, key: str, policy: Policy) -> tuple[bool, int, float]:
        member = f"{self._member_prefix}:{next(self._sequence)}"
        allowed, remaining, reset_ms = await self._script(
            keys=[key], args=[policy.limit, policy.window * 1000, member]
        )
        return bool(allowed), int(remaining), int(reset_ms) / 1000

    async def ping(self) -> bool:
        return bool(await self.redis.ping())

    async def close(self) -> None:
        await self.redis.aclose()


class MemoryWindow:
    """The same sliding log in this process (no REDIS_URL): exact for one replica.

    Not the `limits` library's MemoryStorage: its moving window schedules expiry on a
    threading.Timer that it restarts whenever the last one has finished, which at gateway rates
    started a new OS thread on every other request (508 threads for 1,000 requests, measured;
    ~1 ms of CPU each); its asyncio variant hops to a worker thread per key on every sweep.
    A deque of timestamps per key does the same job in a few microseconds.
    """

    _SWEEP_EVERY = 10_000  # hits between sweeps that drop the logs of idle keys

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._logs: dict[str, deque[float]] = {}
        self._hits = 0

    async def hit(self, key: str, policy: Policy) -> tuple[bool, int, float]:
        now = self.clock()
        log = self._logs.get(key)
        if log is None:
            log = self._logs[key] = deque()
        _prune(log, now - policy.window)
        allowed = len(log) < policy.limit
        if allowed:
            log.append(now)
        self._hits += 1
        if self._hits % self._SWEEP_EVERY == 0:
            self._sweep(now, policy.window)
        reset = float(policy.window)
        if log:  # never more than the window, as in the Redis script: float rounding gave 61
            reset = min(reset, log[0] + policy.window - now)
        return allowed, policy.limit - len(log), reset

    def _sweep(self, now: float, window: float) -> None:
        for key, log in list(self._logs.items()):
            if not log or log[-1] <= now - window:
                del self._logs[key]

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        return None


def _prune(log: deque[float], cutoff: float) -> None:
    while log and log[0] <= cutoff:
        log.popleft()


class RateLimiter:
    def __init__(
        self,
        window: RedisWindow | MemoryWindow,
        *,
        anonymous: Policy,
        user: Policy,
        writes: Policy,
        metadata: Policy,
        namespace: str,
        fail_open: bool,
    ) -> None:
        self.window = window
        self.anonymous, self.user, self.writes = anonymous, user, writes
        self.metadata = metadata
        self.namespace = namespace
        self.fail_open = fail_open

    def policy_for(
        self,
        *,
        write: bool,
        subject: str | None,
        client_ip: str,
        soap_credentials: bool,
        metadata: bool = False,
    ) -> tuple[Policy, str]:
        """The policy that applies and whose budget the request spends."""
        who = f"sub:{subject}" if subject is not None else f"ip:{client_ip}"
        if metadata:
            return self.metadata, who
        if write:
            return self.writes, who
        if subject is not None or soap_credentials:
            return self.user, who
        return self.anonymous, who

    async def check(self, policy: Policy, who: str) -> Decision:
        """Spend one request of `who`'s budget and return the decision, allowed or not: the
        caller answers a refusal (`decision.refusal()`, 429). Raises only RateLimiterDown (503),
        when Redis fails and the limiter fails closed."""
        key = f"{self.namespace}:rl:{policy.name}:{who}"
        try:
            allowed, remaining, reset = await self.window.hit(key, policy)
        except (TimeoutError, RedisError, OSError) as exc:
            return self._redis_failed(policy, exc)
        decision = Decision(policy, allowed, remaining, reset)
        if not allowed:
            metrics.count_ratelimit_rejection(policy.name)
        return decision

    def _redis_failed(self, policy: Policy, exc: Exception) -> Decision:
        metrics.count_redis_failure()
        logger.warning("rate-limit check failed (%s: %s)", type(exc).__name__, exc)
        if not self.fail_open:
            raise RateLimiterDown(headers={"Retry-After": "1"}) from exc
        return Decision(policy, True, None, float(policy.window))

    async def close(self) -> None:
        await self.window.close()
