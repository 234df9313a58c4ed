"""Request ids, trace context, Server-Timing and the access log."""

import re

from tests.telemetry.logs import parsed_lines

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def test_a_sane_request_id_is_passed_upstream_and_returned(harness_factory):
    async def scenario(gw):
        reply = await gw.request("GET", "/api/v2/books/", headers=[("X-Request-ID", "abc-123")])
        return reply, gw.rest.requests[0].headers.get_list("x-request-id")

    reply, upstream_ids = harness_factory(scenario)
    assert reply.header_values("x-request-id") == ["abc-123"]
    assert upstream_ids == ["abc-123"]


def test_a_missing_or_unsafe_request_id_is_replaced_by_a_generated_one(harness_factory):
    async def scenario(gw):
        replies = [
            await gw.request("GET", "/api/v2/books/"),
            await gw.request("GET", "/api/v2/books/", headers=[("X-Request-ID", 'a b"<x>')]),
        ]
        return replies, [r.headers["x-request-id"] for r in gw.rest.requests]

    replies, upstream_ids = harness_factory(scenario)
    returned = [reply.header("x-request-id") for reply in replies]
    assert all(re.fullmatch(r"[0-9a-f]{32}", value) for value in returned)
    assert returned == upstream_ids and returned[0] != returned[1]


def test_an_incoming_traceparent_keeps_its_trace_and_gets_the_gateway_as_parent(harness_factory):
    incoming = f"00-{TRACE}-00f067aa0ba902b7-01"

    async def scenario(gw):
        headers = [("traceparent", incoming), ("tracestate", "vendor=1")]
        await gw.request("GET", "/api/v2/books/", headers=headers)
        return gw.rest.requests[0].headers

    sent = harness_factory(scenario)
    version, trace, parent, flags = sent["traceparent"].split("-")
    assert (version, trace, flags) == ("00", TRACE, "01")
    assert re.fullmatch(r"[0-9a-f]{16}", parent) and parent != "00f067aa0ba902b7"
    assert sent["tracestate"] == "vendor=1"


def test_a_missing_or_invalid_traceparent_starts_a_new_trace(harness_factory):
    async def scenario(gw):
        await gw.request("GET", "/api/v2/books/")
        await gw.request("GET", "/api/v2/books/", headers=[("traceparent", f"00-{'0' * 32}-1-01")])
        return [r.headers.get_list("traceparent") for r in gw.rest.requests]

    for values in harness_factory(scenario):
        assert len(values) == 1
        assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-00", values[0])
        assert "0" * 32 not in values[0]


def test_server_timing_names_the_gateway_and_the_upstream(harness_factory):
    async def scenario(gw):
        return await gw.request("GET", "/api/v2/books/"), await gw.request("GET", "/api/v9/")

    proxied, refused = harness_factory(scenario)
    assert re.fullmatch(
        r"gateway;dur=\d+\.\d\d, upstream;dur=\d+\.\d\d", proxied.header("server-timing")
    )
    assert re.fullmatch(r"gateway;dur=\d+\.\d\d", refused.header("server-timing"))


def test_each_request_writes_one_json_access_log_line(harness_factory):
    async def scenario(gw):
        await gw.request("GET", "/api/v2/books/", headers=[("X-Request-ID", "log-1")])
        await gw.request("GET", "/api/v7/books/", headers=[("X-Request-ID", "log-2")])
        return gw.log_lines()

    proxied, refused = harness_factory(scenario)
    assert proxied["request_id"] == "log-1"
    assert (proxied["method"], proxied["route"], proxied["status"]) == ("GET", "read", 200)
    assert (proxied["upstream"], proxied["attempts"]) == ("rest", 1)
    assert proxied["ratelimit"] == "anonymous" and proxied["ratelimit_decision"] == "allowed"
    assert proxied["duration_ms"] >= proxied["upstream_ms"] >= 0
    assert (refused["status"], refused["error"], refused["attempts"]) == (404, "not_found", 0)


def test_access_lines_have_the_services_log_schema_and_name_the_gateways_span(harness_factory):
    incoming = f"00-{TRACE}-00f067aa0ba902b7-01"

    async def scenario(gw):
        await gw.request("GET", "/api/v2/books/", headers=[("traceparent", incoming)])
        return gw.log.getvalue(), gw.rest.requests[0].headers["traceparent"]

    text, sent = harness_factory(scenario)
    (line,) = parsed_lines(text)
    assert (line["level"], line["logger"], line["message"]) == (
        "INFO",
        "gateway.access",
        "GET /api/v2/books/ 200",
    )
    assert (line["trace_id"], line["span_id"]) == (TRACE, sent.split("-")[2])
