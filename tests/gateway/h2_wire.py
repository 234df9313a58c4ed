"""A raw HTTP/2 client connection for hostile-input tests: the `h2` library frames what a test
asks for, with its own checks of outgoing headers off, so a test can send what a well-behaved
client never would (connection-specific headers, a Content-Length its DATA contradicts, more
streams than the server allows) and see every frame the server answers with."""

from __future__ import annotations

import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings

Headers = Sequence[tuple[str, str]]
E = TypeVar("E", bound=h2.events.Event)


def request_headers(method: str, path: str, *extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [(":method", method), (":path", path), (":scheme", "http"), (":authority", "c"), *extra]


@dataclass
class H2Wire:
    address: str
    sock: socket.socket = field(init=False)
    conn: h2.connection.H2Connection = field(init=False)
    events: list[h2.events.Event] = field(default_factory=list)
    closed: bool = False
    reset: bool = False  # the server reset the connection (its last frames may be lost with it)

    def __post_init__(self) -> None:
        host, _, port = self.address.partition(":")
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        config = h2.config.H2Configuration(
            client_side=True, validate_outbound_headers=False, normalize_outbound_headers=False,
            validate_inbound_headers=False,
        )  # fmt: skip
        self.conn = h2.connection.H2Connection(config)
        self.conn.initiate_connection()
        self.flush()

    def __enter__(self) -> H2Wire:
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()

    def flush(self) -> None:
        """Send what h2 has framed; a server that already hung up is recorded, not raised."""
        try:
            self.sock.sendall(self.conn.data_to_send())
        except BrokenPipeError:
            self.closed = True
        except ConnectionResetError:
            self.closed = self.reset = True

    def ignore_stream_limit(self) -> None:
        """Open streams past the server's SETTINGS_MAX_CONCURRENT_STREAMS (h2 would refuse)."""
        self.conn.remote_settings = h2.settings.Settings(
            client=False,
            initial_values={h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: 2**31 - 1},
        )

    def send(self, headers: Headers, body: bytes | None = None, *, end: bool = True) -> int:
        stream_id = self.conn.get_next_available_stream_id()
        self.conn.send_headers(stream_id, headers, end_stream=body is None and end)
        if body is not None:
            self.conn.send_data(stream_id, body, end_stream=end)
        self.flush()
        return stream_id

    def read(self, seconds: float = 1.5) -> list[h2.events.Event]:
        """Every event until the server closes the connection or is quiet for `seconds`."""
        self.sock.settimeout(seconds)
        while True:  # even after a failed send: the server's last frames may still be unread
            try:
                data = self.sock.recv(65536)
            except TimeoutError:
                break
            except ConnectionResetError:
                self.closed = self.reset = True
                break
            if not data:
                self.closed = True
                break
            try:
                self.events += self.conn.receive_data(data)
            except h2.exceptions.ProtocolError:
                self.closed = True
                break
            self.flush()
        return self.events

    def of(self, kind: type[E]) -> list[E]:
        return [event for event in self.events if isinstance(event, kind)]

    def statuses(self) -> dict[int, int]:
        """Each answered stream's :status."""
        return {
            event.stream_id: int(dict(event.headers)[b":status"])
            for event in self.of(h2.events.ResponseReceived)
        }
