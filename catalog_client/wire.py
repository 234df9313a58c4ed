"""HTTP/1.1 on a raw socket: the benchmark's client.

Hand-written (a hundred lines of asyncio streams) rather than httpx or aiohttp for two reasons the
benchmark depends on: every byte on the wire is counted exactly (request and response, head and
body apart, chunk framing included), and the client costs a few tens of microseconds per request,
an order of magnitude below the servers it measures, so it does not become the bottleneck.
Requests are pre-encoded bytes; responses are framed by Content-Length or chunked encoding.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import time
from dataclasses import dataclass, field

import brotli


@dataclass(frozen=True, slots=True)
class WireRequest:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    def head(self, host: str) -> bytes:
        lines = [f"{self.method} {self.path} HTTP/1.1", f"Host: {host}"]
        lines.extend(f"{name}: {value}" for name, value in self.headers)
        if self.body or self.method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def encode(self, host: str) -> bytes:
        return self.head(host) + self.body


@dataclass(slots=True)
class WireResponse:
    status: int
    head: bytes
    body: bytes
    body_wire_bytes: int
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    """From sending the request on an open connection to the last byte of the answer."""

    @property
    def wire_bytes(self) -> int:
        return len(self.head) + self.body_wire_bytes

    @property
    def coding(self) -> str:
        """The body's content coding as sent: "identity", "gzip" or "br"."""
        return self.headers.get("content-encoding", "").strip().lower() or "identity"

    def identity_body(self) -> bytes:
        """The body without its content coding: what the server had before compressing it."""
        return decode_body(self.body, self.coding)


class WireError(Exception):
    """The server's answer was not well-formed HTTP/1.1, or the connection closed mid-response."""


def decode_body(body: bytes, coding: str) -> bytes:
    """A response body in `coding` (identity, gzip or br) decoded; a client reads what it asked
    for in Accept-Encoding, so anything else is a broken answer."""
    try:
        if coding in ("identity", ""):
            return body
        if coding in ("gzip", "x-gzip"):
            return gzip.decompress(body)
        if coding == "br":
            decoded: bytes = brotli.decompress(body)
            return decoded
    except (OSError, EOFError, brotli.error) as exc:
        raise WireError(f"the body is not valid {coding}: {exc}") from None
    raise WireError(f"a body in a coding this client does not read: {coding!r}")


def parse_head(head: bytes) -> tuple[int, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split(" ", 2)[1])
    except (IndexError, ValueError):
        raise WireError(f"bad status line {lines[0]!r}") from None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    return status, headers


class Connection:
    """One keep-alive connection; `exchange` sends a request and reads the whole response."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.authority = f"{host}:{port}"
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)

    async def exchange(self, raw: bytes, *, head_only: bool = False) -> WireResponse:
        """Send `raw` (an encoded request); `head_only` for HEAD requests (no body follows)."""
        if self._writer is None or self._writer.is_closing():
            await self._open()
        assert self._reader is not None and self._writer is not None
        started = time.perf_counter()
        self._writer.write(raw)
        try:
            head = await self._reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            await self.close()
            raise WireError("connection closed before the response head") from exc
        status, headers = parse_head(head)
        body, wire = await self._read_body(status, headers, head_only)
        seconds = time.perf_counter() - started
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return WireResponse(status, head, body, wire, headers, seconds)

    async def _read_body(
        self, status: int, headers: dict[str, str], head_only: bool
    ) -> tuple[bytes, int]:
        assert self._reader is not None
        if head_only or status in (204, 304) or 100 <= status < 200:
            return b"", 0
        try:
            if "chunked" in headers.get("transfer-encoding", "").lower():
                return await self._read_chunked()
            if "content-length" in headers:
                body = await self._reader.readexactly(int(headers["content-length"]))
                return body, len(body)
            body = await self._reader.read()
            await self.close()
            return body, len(body)
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            await self.close()
            raise WireError("connection closed mid-body") from exc

    async def _read_chunked(self) -> tuple[bytes, int]:
        assert self._reader is not None
        chunks: list[bytes] = []
        wire = 0
        while True:
            size_line = await self._reader.readuntil(b"\r\n")
            wire += len(size_line)
            size = int(size_line.split(b";")[0], 16)
            data = await self._reader.readexactly(size + 2)
            wire += len(data)
            if size == 0:
                return b"".join(chunks), wire
            chunks.append(data[:-2])

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(ConnectionError):
                await self._writer.wait_closed()
        self._reader = self._writer = None


async def fetch(host: str, port: int, request: WireRequest) -> WireResponse:
    """One request on a fresh connection (for byte counts and payload views)."""
    connection = Connection(host, port)
    try:
        return await connection.exchange(
            request.encode(connection.authority), head_only=request.method == "HEAD"
        )
    finally:
        await connection.close()
