"""HTTP/2 by prior knowledge (h2c) on one connection, many streams at once: the ladder's HTTP/2
step. The `h2` package keeps the protocol's state (framing, HPACK, flow control); this module
only moves its bytes over an asyncio stream and counts them, so bytes per request are the
connection's real bytes (frames, compressed headers) divided by the requests it carried.

Closed loop like benchmarks.load: `streams` workers share one connection, each sending its next
request as soon as its last answer is complete.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from dataclasses import dataclass, field

import h2.config
import h2.connection
import h2.events
import h2.exceptions

from benchmarks.load import LoadResult
from catalog_client.wire import WireRequest, WireResponse

PROBE_SECONDS = 3.0


class H2Unavailable(Exception):
    """The server did not speak HTTP/2 by prior knowledge on this port."""


@dataclass
class _Stream:
    done: asyncio.Future[tuple[int, dict[str, str], bytes]]
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytearray = field(default_factory=bytearray)


class H2Connection:
    """One cleartext HTTP/2 connection; `request` may be awaited by many tasks at once."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.sent = self.received = 0
        self._streams: dict[int, _Stream] = {}
        self._h2 = h2.connection.H2Connection(
            h2.config.H2Configuration(client_side=True, header_encoding="latin-1")
        )
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._pump: asyncio.Task[None] | None = None

    async def open(self) -> None:
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        self._h2.initiate_connection()
        self._h2.increment_flow_control_window(2**24)
        self._flush()
        self._pump = asyncio.create_task(self._read_frames())

    def _flush(self) -> None:
        assert self._writer is not None
        data = self._h2.data_to_send()
        if data:
            self.sent += len(data)
            self._writer.write(data)

    async def request(self, request: WireRequest) -> WireResponse:
        headers = [(":method", request.method), (":path", request.path), (":scheme", "http"),
                   (":authority", f"{self.host}:{self.port}"),
                   *((name.lower(), value) for name, value in request.headers)]  # fmt: skip
        stream_id = self._h2.get_next_available_stream_id()
        stream = _Stream(asyncio.get_running_loop().create_future())
        try:
            self._h2.send_headers(stream_id, headers, end_stream=not request.body)
            if request.body:
                self._h2.send_data(stream_id, request.body, end_stream=True)
        except h2.exceptions.ProtocolError as exc:  # e.g. past the server's stream limit
            raise H2Unavailable(f"the request could not be sent: {exc!r}") from None
        self._streams[stream_id] = stream
        self._flush()
        started = time.perf_counter()
        status, response_headers, body = await stream.done
        return WireResponse(status, b"", body, len(body), response_headers,
                            time.perf_counter() - started)  # fmt: skip

    async def _read_frames(self) -> None:
        assert self._reader is not None
        try:
            while data := await self._reader.read(65536):
                self.received += len(data)
                for event in self._h2.receive_data(data):
                    self._handle(event)
                self._flush()
            error: Exception = H2Unavailable("the server closed the connection")
        except (h2.exceptions.ProtocolError, ConnectionError) as exc:
            error = H2Unavailable(f"not HTTP/2: {exc!r}")
        for stream in self._streams.values():
            if not stream.done.done():
                stream.done.set_exception(error)

    def _handle(self, event: h2.events.Event) -> None:
        stream = self._streams.get(getattr(event, "stream_id", 0))
        if isinstance(event, h2.events.ResponseReceived) and stream:
            headers = {str(k): str(v) for k, v in event.headers or []}
            stream.status = int(headers.pop(":status"))
            stream.headers = headers
        elif isinstance(event, h2.events.DataReceived) and stream:
            stream.body += event.data or b""
            self._h2.acknowledge_received_data(event.flow_controlled_length or 0, event.stream_id)
        elif isinstance(event, h2.events.StreamEnded | h2.events.StreamReset) and stream:
            del self._streams[event.stream_id]
            stream.done.set_result((stream.status, stream.headers, bytes(stream.body)))

    async def close(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(h2.exceptions.ProtocolError):
                self._h2.close_connection()
                self._flush()
            self._writer.close()
            with contextlib.suppress(ConnectionError):
                await self._writer.wait_closed()
        if self._pump is not None:
            self._pump.cancel()
            with contextlib.suppress(asyncio.CancelledError, H2Unavailable):
                await self._pump


async def probe(host: str, port: int, request: WireRequest) -> tuple[WireResponse, int, int]:
    """`request` twice over h2c by prior knowledge: the second answer and the bytes the second
    exchange moved (sent, received), in the steady state: without the connection's preface and
    settings, its header fields already in HPACK's tables. H2Unavailable when the port does not
    speak HTTP/2 that way."""
    connection = H2Connection(host, port)
    try:
        await connection.open()
        async with asyncio.timeout(PROBE_SECONDS):
            await connection.request(request)
            sent, received = connection.sent, connection.received
            answer = await connection.request(request)
        return answer, connection.sent - sent, connection.received - received
    except (TimeoutError, OSError) as exc:
        raise H2Unavailable(f"no HTTP/2 answer ({exc!r})") from None
    finally:
        await connection.close()


async def run_h2_load(
    host: str, port: int, request: WireRequest, *, streams: int, seconds: float
) -> tuple[LoadResult, int]:
    """`streams` closed-loop workers on one connection for `seconds`; the result and the
    connection's bytes (both ways) per completed request."""
    connection = H2Connection(host, port)
    await connection.open()
    result = LoadResult(concurrency=streams, wall_seconds=0.0, client_cpu_seconds=0.0,
                        statuses=Counter())  # fmt: skip
    cpu_started, started = time.process_time(), time.perf_counter()
    deadline = started + seconds

    async def worker() -> None:
        while time.perf_counter() < deadline:
            sent = time.perf_counter()
            try:
                answer = await connection.request(request)
            except H2Unavailable:
                result.errors += 1
                return
            result.latencies.append(time.perf_counter() - sent)
            result.statuses[answer.status] += 1

    try:
        await asyncio.gather(*(worker() for _ in range(streams)))
    finally:
        result.wall_seconds = time.perf_counter() - started
        result.client_cpu_seconds = time.process_time() - cpu_started
        await connection.close()
    per_request = (connection.sent + connection.received) // max(result.operations, 1)
    return result, per_request
