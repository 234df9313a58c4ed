"""A local webhook receiver for tests: an HTTP server on loopback, in a thread, that records
every request and answers from a script (statuses in order, the last one repeated)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    statuses: list[int]
    extra_headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    received: list[Received] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def next_status(self) -> int:
        index = min(len(self.received) - 1, len(self.statuses) - 1)
        return self.statuses[index]


@contextmanager
def webhook_receiver(
    statuses: list[int], *, headers: dict[str, str] | None = None, body: bytes = b""
) -> Iterator[Receiver]:
    receiver = Receiver(statuses, headers or {}, body)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            receiver.received.append(
                Received(self.path, {k.lower(): v for k, v in self.headers.items()},
                         self.rfile.read(length))
            )  # fmt: skip
            self.send_response(receiver.next_status())
            for name, value in receiver.extra_headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(receiver.body)))
            self.end_headers()
            self.wfile.write(receiver.body)

        def do_GET(self) -> None:
            receiver.received.append(Received(self.path, dict(self.headers), b""))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
