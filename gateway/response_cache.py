"""The gateway's response cache for catalog reads, with read-your-writes across both protocols.

What is cached: GET of books, authors, publishers and genres (REST v1, v2 and the mediated
`X-Backend: soap` route) and the SOAP read operations (Get*, List*), answers with status 200
only, up to GATEWAY_CACHE_MAX_BODY_BYTES. The lookup runs after authentication and rate limiting
(pipeline.py), so a bad token is refused and a hit is counted like any request. No read
representation depends on who asks (jobs and webhooks, which do, are not cached). Requests that
carry credentials (a bearer token, WS-Security) go around the cache: the services are the
authority on them (a retired signing key is refused there at once, here only at the next JWKS
refresh).

The key is everything that selects the representation: the upstream path (so the negotiated
version), the query with its parameters sorted by name (values of one name keep their order),
the Accept sent upstream, the content coding the client's Accept-Encoding leads to (the
preferred coding and whether identity is refused, what service_http.codings decides with), the
host and scheme (links in pages are absolute), the backend (REST or mediated), for SOAP the
operation and the canonical form of the envelope (soap_envelopes.canonical), and the change
generations of every kind the representation depends on (catalog_contract.generations).
Answers are stored as the upstream sent them, compressed or not: a hit costs no CPU for
compression and carries the coded ETag the service gave it.

Invalidation is the services' (shared_models.change_feed): a write replaces the generations of
what it changed before its response is sent, so every key built afterwards is new. The TTL
(GATEWAY_CACHE_TTL_SECONDS) only bounds how long an entry nobody can reach any more takes room.

Every answer through a cached route says what happened (RFC 9211):

    Cache-Status: catalog-gw; hit; ttl=287                   (and Age)
    Cache-Status: catalog-gw; fwd=miss; fwd-status=200; stored
    Cache-Status: catalog-gw; fwd=miss; collapsed             waited for a concurrent miss
    Cache-Status: catalog-gw; fwd=request; fwd-status=200; stored   the client sent no-cache
    Cache-Status: catalog-gw; fwd=bypass; detail=unavailable  Redis is down, or the cache is off

Concurrent misses for one key in one process make one upstream call (nginx's proxy_cache_lock):
the others wait for it and share its answer. A store that fails (StoreDown) turns the cache off
for _RETRY_SECONDS, counted and logged; when it comes back every generation is replaced, since
changes announced while it was down were lost. If-None-Match is answered here, on hits and
misses alike: it is not sent upstream for cacheable reads, so the upstream answers 200 and the
gateway can keep the answer.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from django.utils.http import parse_etags

from catalog_contract import generations
from catalog_contract.operations import READ_OPERATIONS
from gateway import metrics, soap_envelopes
from gateway.cache_store import Entry, Store, StoreDown
from gateway.problems import Answer
from service_http import codings

logger = logging.getLogger("gateway.response_cache")

CACHE_NAME = "catalog-gw"
Fetch = Callable[[], Awaitable[Answer]]

_NO_STORE = "no-store"
_RETRY_SECONDS = 5.0  # after a store failure, how long the cache stays off before trying again
_CATALOG_READ = re.compile(
    rb"^/api/v[0-9]+/(books|authors|publishers|genres)/(?!(?:export|import)/)(?:[^/]+/)?$"
)
_SOAP_KIND = re.compile(r"^(?:Get|List)(Book|Author|Publisher|Genre)")
_VARY_KEYED = frozenset({"accept", "accept-encoding"})
_NOT_STORED = frozenset(
    {b"content-length", b"server-timing", b"ratelimit", b"ratelimit-policy", b"retry-after"}
)
_NOT_MODIFIED_KEEPS = frozenset(
    {b"etag", b"vary", b"cache-control", b"content-location", b"expires", b"last-modified"}
)
CONDITIONAL_HEADERS = frozenset({b"if-none-match", b"if-modified-since"})
"""Not sent upstream for a cacheable read: the gateway answers them itself."""


@dataclass(frozen=True, slots=True)
class Variant:
    """A read on a cached route: the kind of resource it shows and what else selects its
    representation; `bypass` says why it will not be served from the cache."""

    kind: str
    parts: tuple[bytes, ...]
    bypass: str | None = None
    refresh: bool = False  # the client asked for a fresh answer (Cache-Control: no-cache)


@dataclass(frozen=True, slots=True)
class Lookup:
    """A cacheable read's key, or why the cache is not used for it."""

    key: str | None
    bypass: str | None = None
    refresh: bool = False

    @property
    def status(self) -> bytes:
        forward = "request" if self.bypass == _NO_STORE else "bypass"
        return _status(f"fwd={forward}; detail={self.bypass}")


@dataclass(frozen=True, slots=True)
class Served:
    answer: Answer
    status: bytes  # the Cache-Status value
    age: int | None = None  # seconds, on hits


def rest_variant(
    method: str,
    path: bytes,
    query: bytes,
    *,
    cache_control: bytes | None,
    accept: bytes | None,
    accept_encoding: bytes | None,
    host: str,
    proto: str,
    backend: str,
    credentials: bool,
) -> Variant | None:
    """For a REST request on its negotiated upstream path; None when the route is not cached."""
    match = _CATALOG_READ.match(path)
    if match is None or method not in ("GET", "HEAD"):
        return None
    if credentials:
        return Variant(match.group(1).decode(), (), bypass="credentials")
    parts = (
        b"rest",
        backend.encode(),
        path,
        normalized_query(query),
        accept or b"",
        coding_key(accept_encoding),
        host.encode("latin-1"),
        proto.encode("latin-1"),
    )
    if method == "HEAD":
        return Variant(match.group(1).decode(), parts, "method")
    return _asked(Variant(match.group(1).decode(), parts), cache_control)


def soap_variant(
    path: bytes,
    operation: str | None,
    body: bytes,
    *,
    cache_control: bytes | None,
    accept_encoding: bytes | None,
    credentials: bool,
    host: str,
    proto: str,
) -> Variant | None:
    """For a SOAP POST; None when the operation is not a cached read."""
    kind = _SOAP_KIND.match(operation or "") if operation in READ_OPERATIONS else None
    if kind is None:
        return None
    resource = kind.group(1).lower() + "s"
    if credentials:
        return Variant(resource, (), bypass="credentials")
    canonical = soap_envelopes.canonical(body)
    if canonical is None:
        return Variant(resource, (), bypass="unreadable")
    parts = (
        b"soap",
        path,
        operation.encode() if operation else b"",
        hashlib.sha256(canonical).digest(),
        coding_key(accept_encoding),
        host.encode("latin-1"),
        proto.encode("latin-1"),
    )
    return _asked(Variant(resource, parts), cache_control)


def _asked(variant: Variant, cache_control: bytes | None) -> Variant:
    """`variant` as the client's request directives (RFC 9111 5.2.1) want it served:
    no-store goes around the cache, no-cache (or max-age=0, or Pragma: no-cache) fetches a
    fresh answer and keeps it."""
    directives = _tokens(cache_control or b"")
    if _NO_STORE in directives:
        return Variant(variant.kind, variant.parts, bypass=_NO_STORE)
    if "no-cache" in directives or "max-age=0" in _directives(cache_control or b""):
        return Variant(variant.kind, variant.parts, refresh=True)
    return variant


def normalized_query(query: bytes) -> bytes:
    """Parameters sorted by name (stable: repeated names keep their order), re-encoded."""
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    return urlencode(sorted(pairs, key=lambda pair: pair[0])).encode("latin-1")


def coding_key(accept_encoding: bytes | None) -> bytes:
    """What the services' choice of coding depends on besides the body's size."""
    header = accept_encoding.decode("latin-1") if accept_encoding is not None else None
    refused = codings.identity_refused(header)
    return f"{codings.choose_coding(header)}/{'no-identity' if refused else 'identity'}".encode()


class ResponseCache:
    """One per gateway process (runtime.py); `store` None means the cache is off."""

    def __init__(self, store: Store | None, *, ttl_seconds: float, max_body_bytes: int) -> None:
        self.store = store
        self.ttl_seconds = ttl_seconds
        self.max_body_bytes = max_body_bytes
        self._inflight: dict[str, asyncio.Future[Entry | None]] = {}
        self._down_until = 0.0
        self._was_down = False

    async def lookup(self, variant: Variant) -> Lookup:
        found = await self._lookup(variant)
        if found.key is None:
            metrics.count_cache_lookup("bypass")
        return found

    async def _lookup(self, variant: Variant) -> Lookup:
        if self.store is None:
            return Lookup(None, "off")
        if variant.bypass is not None:
            return Lookup(None, variant.bypass)
        if time.monotonic() < self._down_until:
            return Lookup(None, "unavailable")
        try:
            if self._was_down:
                await self.store.forget_all()
                self._was_down = False
            kinds = generations.DEPENDS_ON[variant.kind]
            tokens = await self.store.generations(kinds)
        except StoreDown as exc:
            self._store_failed("generations", exc)
            return Lookup(None, "unavailable")
        digest = hashlib.sha256(b"\0".join((*variant.parts, *(t.encode() for t in tokens))))
        return Lookup(f"{variant.kind}:{digest.hexdigest()}", refresh=variant.refresh)

    async def serve(self, lookup: Lookup, fetch: Fetch) -> Served:
        """The stored answer for the lookup's key, or the upstream's (stored if it may be)."""
        assert lookup.key is not None
        key = lookup.key
        if lookup.refresh:
            return await self._forward(key, fetch, forward="request")
        entry = await self._get(key)
        if entry is not None:
            age = max(0, int(time.time() - entry.stored_at))
            ttl = max(0, int(self.ttl_seconds) - age)
            metrics.count_cache_lookup("hit")
            return Served(_answer(entry), _status(f"hit; ttl={ttl}"), age)
        waiting = self._inflight.get(key)
        if waiting is not None:
            shared = await asyncio.shield(waiting)
            if shared is not None:
                metrics.count_cache_lookup("collapsed")
                return Served(_answer(shared), _status("fwd=miss; collapsed"))
            return await self._forward(key, fetch)  # the first one could not keep its answer
        future: asyncio.Future[Entry | None] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            return await self._forward(key, fetch, future)
        finally:
            del self._inflight[key]
            if not future.done():
                future.set_result(None)

    async def close(self) -> None:
        if self.store is not None:
            await self.store.close()

    async def _forward(
        self,
        key: str,
        fetch: Fetch,
        future: asyncio.Future[Entry | None] | None = None,
        forward: str = "miss",
    ) -> Served:
        metrics.count_cache_lookup(forward)
        answer = await fetch()
        forwarded = f"fwd={forward}; fwd-status={answer.status}"
        entry = self._storable(answer)
        if entry is None:
            return Served(answer, _status(forwarded))
        if future is not None:
            future.set_result(entry)
        stored = await self._put(key, entry)
        return Served(_answer(entry), _status(forwarded + ("; stored" if stored else "")))

    def _storable(self, answer: Answer) -> Entry | None:
        if answer.status != 200 or len(answer.body) > self.max_body_bytes:
            return None
        headers = dict(answer.headers)
        if b"set-cookie" in headers:
            return None
        directives = _tokens(headers.get(b"cache-control", b""))
        if directives & {"no-store", "private", "no-cache"}:
            return None
        if not _tokens(headers.get(b"vary", b"")) <= _VARY_KEYED:
            return None
        kept = [(name, value) for name, value in answer.headers if name not in _NOT_STORED]
        return Entry(answer.status, kept, answer.body, time.time())

    async def _get(self, key: str) -> Entry | None:
        assert self.store is not None
        try:
            return await self.store.get(key)
        except StoreDown as exc:
            self._store_failed("get", exc)
            return None

    async def _put(self, key: str, entry: Entry) -> bool:
        assert self.store is not None
        try:
            await self.store.put(key, entry, self.ttl_seconds)
        except StoreDown as exc:
            self._store_failed("put", exc)
            return False
        metrics.count_cache_store()
        return True

    def _store_failed(self, operation: str, exc: StoreDown) -> None:
        metrics.count_cache_error(operation)
        if not self._was_down:
            logger.warning("response cache off for %.0f s: %s failed: %s",
                           _RETRY_SECONDS, operation, exc)  # fmt: skip
        self._down_until = time.monotonic() + _RETRY_SECONDS
        self._was_down = True


def not_modified(answer: Answer, if_none_match: bytes | None) -> Answer:
    """A 304 when the client holds the answer's entity (any coding of it: a tag is compared
    without its coding suffix, as the services compare), else `answer` as it is."""
    if if_none_match is None or answer.status != 200:
        return answer
    etag = dict(answer.headers).get(b"etag")
    if etag is None:
        return answer
    current = codings.without_coding(etag.decode("latin-1").removeprefix("W/"))
    held = parse_etags(if_none_match.decode("latin-1"))
    matching = [tag for tag in held if tag == "*" or _same_entity(tag, current)]
    if not matching:
        return answer
    headers = [(name, value) for name, value in answer.headers if name in _NOT_MODIFIED_KEEPS]
    if matching[0] != "*":  # the 304 names the variant the client holds (RFC 9111 4.3.4)
        headers = [
            (name, matching[0].encode("latin-1") if name == b"etag" else value)
            for name, value in headers
        ]
    return Answer(304, headers, b"", answer.attempts)


def _same_entity(tag: str, current: str) -> bool:
    return codings.without_coding(tag.removeprefix("W/")) == current


def _answer(entry: Entry) -> Answer:
    return Answer(entry.status, list(entry.headers), entry.body, attempts=0)


def _status(detail: str) -> bytes:
    return f"{CACHE_NAME}; {detail}".encode()


def _directives(value: bytes) -> set[str]:
    """Cache-Control directives with their values, lower case, spaces removed."""
    parts = (part.replace(" ", "").lower() for part in value.decode("latin-1").split(","))
    return {part for part in parts if part}


def _tokens(value: bytes) -> set[str]:
    """The names in a comma-separated header (Vary fields, Cache-Control directives)."""
    names = (part.split("=", 1)[0].strip().lower() for part in value.decode("latin-1").split(","))
    return {name for name in names if name}


def age_header(age: int | None) -> Iterable[tuple[bytes, bytes]]:
    return [(b"age", str(age).encode())] if age is not None else []
