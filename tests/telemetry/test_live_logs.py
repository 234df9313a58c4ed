"""One log format, live: the three servers' whole output, as `catalog serve` runs them in
production, is JSON lines in the shared schema, and a request's lines share its trace id."""

from __future__ import annotations

import httpx

from tests.processes import live_stack
from tests.soap.conftest import CONTENT_TYPES, envelope
from tests.telemetry.logs import TRACE, TRACEPARENT, parsed_lines


def test_every_line_of_every_service_is_json_and_a_request_carries_one_trace_id(tmp_path):
    with live_stack(tmp_path, books=3, env={"LOG_JSON": "true", "ACCESS_LOG": "true"}) as stack:
        headers = {"traceparent": TRACEPARENT}
        rest = httpx.get(stack.url("gateway", "/api/v2/books/1/"), headers=headers)
        soap = httpx.post(
            stack.url("gateway", "/soap/catalog/"),
            content=envelope("<t:GetBook><t:id>1</t:id></t:GetBook>"),
            headers={**headers, "Content-Type": CONTENT_TYPES["1.1"]},
        )
        assert (rest.status_code, soap.status_code) == (200, 200)
        for server in stack.servers.values():
            server.stop()
    logs = {name: parsed_lines((tmp_path / f"{name}.log").read_text()) for name in stack.servers}
    traced = {
        name: [e["logger"] for e in entries if e["trace_id"] == TRACE]
        for name, entries in logs.items()
    }
    assert traced["gateway"] == ["gateway.access", "gateway.access"]
    assert traced["rest"] == ["catalog.access"] and traced["soap"] == ["catalog.access"]
