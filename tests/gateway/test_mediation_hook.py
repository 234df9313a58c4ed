"""The seam for REST-to-SOAP mediation: a REST v2 books request with `X-Backend: soap` goes to
`mediate()` instead of the REST service; everything else is proxied as usual."""

import pytest

from gateway.pipeline import MediationRequest
from gateway.problems import Answer
from gateway.upstreams import DEADLINE, IDEMPOTENT, UPSTREAM


class FakeMediation:
    def __init__(self):
        self.calls: list[MediationRequest] = []

    async def __call__(self, request: MediationRequest) -> Answer:
        self.calls.append(request)
        return Answer(
            200, [(b"content-type", b"application/json")], b'{"mediated": true}', attempts=2
        )


def test_a_v2_books_request_with_x_backend_soap_is_mediated(harness_factory):
    mediation = FakeMediation()

    async def scenario(gw):
        gw.runtime.gateway.mediate = mediation
        headers = [("X-Backend", "soap"), ("X-Request-ID", "med-1")]
        reply = await gw.request("GET", "/api/books/12/", headers=headers, query=b"a=1")
        return reply, gw.rest.requests, gw.log_lines()[-1]

    reply, rest_requests, logged = harness_factory(scenario)
    assert (reply.status, reply.body, rest_requests) == (200, b'{"mediated": true}', [])
    assert reply.header("x-request-id") == "med-1" and reply.header("ratelimit")
    (call,) = mediation.calls
    assert (call.method, call.path, call.query) == ("GET", "/api/v2/books/12/", b"a=1")
    assert call.soap.name == "soap"
    assert (b"x-request-id", b"med-1") in call.upstream_headers
    assert call.extensions[UPSTREAM] == "soap" and call.extensions[IDEMPOTENT] is True
    assert call.extensions[DEADLINE] > 0
    assert (logged["upstream"], logged["status"], logged["attempts"]) == ("soap", 200, 2)


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/api/v2/books/", []),
        ("/api/v1/books/", [("X-Backend", "soap")]),
        ("/api/v2/authors/", [("X-Backend", "soap")]),
        ("/api/v2/books/", [("X-Backend", "rest")]),
    ],
)
def test_other_requests_are_proxied_to_rest(harness_factory, path, headers):
    mediation = FakeMediation()

    async def scenario(gw):
        gw.runtime.gateway.mediate = mediation
        await gw.request("GET", path, headers=headers)
        return len(gw.rest.requests)

    assert harness_factory(scenario) == 1
    assert mediation.calls == []


def test_with_mediation_disabled_the_header_passes_through(harness_factory, gateway_settings):
    gateway_settings.GATEWAY_MEDIATION_ENABLED = False

    async def scenario(gw):
        await gw.request("GET", "/api/v2/books/", headers=[("X-Backend", "soap")])
        return gw.rest.requests[0].headers.get("x-backend")

    assert harness_factory(scenario) == "soap"
