"""A tiny upstream the gateway's live resilience tests control: made to fail N times, to drop
connections, to answer slowly, and counting what it was sent.

    python -m tests.gateway.flaky_upstream --port P [--jwks FILE]

    POST /_control  {"fail": N, "status": 503, "retry_after": "1", "drop": N, "delay": S}
                    sets the behaviour for the next requests and resets the counts
    GET  /_control  {"requests": [[method, path, idempotency-key or null], ...]}
    GET  /healthz   200, never counted, never failed
    GET  /.well-known/jwks.json   the file given with --jwks (so the gateway can verify tokens)
    anything else   counted; then dropped (connection closed with no answer) while `drop` lasts,
                    failed with `status` while `fail` lasts, else delayed by `delay` seconds and
                    answered 200 (201 for POST) with a small JSON body
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

_lock = threading.Lock()
_state: dict[str, Any] = {}


def _reset(behaviour: dict[str, Any]) -> None:
    _state.clear()
    _state.update(
        fail=int(behaviour.get("fail", 0)),
        status=int(behaviour.get("status", 503)),
        retry_after=behaviour.get("retry_after"),
        drop=int(behaviour.get("drop", 0)),
        delay=float(behaviour.get("delay", 0)),
        requests=[],
    )


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    jwks = b'{"keys": []}'

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read the counts, not a log."""

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        body = self._body()
        path = self.path.split("?", 1)[0]
        if path == "/healthz":
            return self._send(200, b'{"status": "ok"}')
        if path == "/.well-known/jwks.json":
            return self._send(200, self.jwks)
        if path == "/_control":
            with _lock:
                if self.command == "POST":
                    _reset(json.loads(body or b"{}"))
                answer = json.dumps({"requests": _state["requests"]}).encode()
            return self._send(200, answer)
        with _lock:
            key = self.headers.get("Idempotency-Key")
            _state["requests"].append([self.command, path, key])
            if _state["drop"] > 0:
                _state["drop"] -= 1
                self.close_connection = True
                return
            if _state["fail"] > 0:
                _state["fail"] -= 1
                retry_after = _state["retry_after"]
                headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
                return self._send(_state["status"], b'{"failed": true}', headers)
            delay = _state["delay"]
        time.sleep(delay)
        self._send(201 if self.command == "POST" else 200, b'{"ok": true}')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--jwks", type=Path)
    args = parser.parse_args()
    if args.jwks:
        Handler.jwks = args.jwks.read_bytes()
    _reset({})
    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
