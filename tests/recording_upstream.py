"""A stand-in upstream that answers every request with 200 and remembers what reached it
(method, raw path, headers, body), so a test can tell what a proxy or the gateway let through.
`canned` maps a path to the JSON body to answer there instead (e.g. a JWKS for the gateway).

    with recording_upstream() as upstream:
        ...  # point the thing under test at upstream.port
        assert [seen.path for seen in upstream.requests] == ["/api/v2/books/"]
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class SeenRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class RecordingUpstream:
    port: int = 0
    requests: list[SeenRequest] = field(default_factory=list)
    canned: dict[str, bytes] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def paths(self) -> list[str]:
        return [seen.path for seen in self.requests]


def _handler(upstream: RecordingUpstream) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            upstream.requests.append(
                SeenRequest(self.command, self.path, dict(self.headers.items()), body)
            )
            reply = (
                upstream.canned.get(self.path)
                or json.dumps({"path": self.path, "method": self.command}).encode()
            )
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _answer

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the record is `upstream.requests`."""

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    # a real upstream's backlog (gunicorn's 2048), not socketserver's 5: a burst of connections
    # from the gateway (HTTP/2 streams fan out) must not time out in the queue
    request_queue_size = 1024

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that resets mid-request is what the fault tests do on purpose."""


@contextmanager
def recording_upstream() -> Iterator[RecordingUpstream]:
    upstream = RecordingUpstream()
    server = _QuietServer(("127.0.0.1", 0), _handler(upstream))
    upstream.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield upstream
    finally:
        server.shutdown()
        server.server_close()


JWKS_PATH = "/.well-known/jwks.json"


@contextmanager
def issuer_upstream() -> Iterator[RecordingUpstream]:
    """A recording upstream that also publishes the dev signing key as the issuer's JWKS, so a
    gateway in front of it accepts tokens from tests.tokens."""
    from credentials import keys

    with recording_upstream() as upstream:
        key = keys.public_jwk(keys.public_key_pem())
        upstream.canned[JWKS_PATH] = json.dumps({"keys": [key.as_dict()]}).encode()
        yield upstream
