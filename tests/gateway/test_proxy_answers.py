"""How an upstream's answer is passed on: a small one declared by Content-Length whole, in one
ASGI message (the server writes it with its headers at once); a large or undeclared one as it
arrives; the Content-Length of a HEAD answer, which describes a body never sent, unchanged."""

import httpx

from gateway.proxy import WHOLE_ANSWER_BYTES
from tests.gateway.conftest import FakeUpstream


def _through_gateway(harness_factory, answer, method="GET"):
    async def scenario(gw):
        return await gw.request(method, "/api/v2/books/1/")

    return harness_factory(scenario, rest=FakeUpstream(answer))


def test_a_small_answer_is_passed_on_whole_in_one_message(harness_factory):
    body = b'{"id": 1, "title": "Dune"}'
    reply = _through_gateway(harness_factory, lambda request: httpx.Response(200, content=body))
    assert (reply.status, reply.body, reply.body_messages) == (200, body, 1)
    assert reply.header_values("content-length") == [str(len(body))]


def test_an_answer_over_the_whole_limit_is_streamed_intact(harness_factory):
    body = b"x" * (WHOLE_ANSWER_BYTES + 1)
    reply = _through_gateway(harness_factory, lambda request: httpx.Response(200, content=body))
    assert (reply.status, reply.body) == (200, body)
    assert reply.body_messages > 1
    assert reply.header_values("content-length") == [str(len(body))]


def test_an_answer_without_a_length_is_streamed_intact(harness_factory):
    chunks = [b'{"id": 1,', b' "title": "Dune"}']

    async def sent_in_chunks():
        for chunk in chunks:
            yield chunk

    reply = _through_gateway(
        harness_factory, lambda request: httpx.Response(200, content=sent_in_chunks())
    )
    assert (reply.status, reply.body) == (200, b"".join(chunks))
    assert reply.header("content-length") is None


def test_a_head_answer_keeps_the_length_of_the_body_it_does_not_send(harness_factory):
    def answer(request):
        return httpx.Response(200, headers={"Content-Length": "512"}, content=b"")

    reply = _through_gateway(harness_factory, answer, method="HEAD")
    assert (reply.status, reply.body) == (200, b"")
    assert reply.header_values("content-length") == ["512"]


def test_an_upstream_dying_between_head_and_body_is_a_502_not_a_500(harness_factory):
    # Found by tests/reliability/test_gateway_faults.py (a SIGKILL mid-load): the answer's head
    # had been passed on, its body never came, and the server turned that into a bare 500.
    async def body_never_sent():
        raise httpx.ReadError("Not enough data to satisfy content length header")
        yield b""

    def answer(request):
        return httpx.Response(200, headers={"Content-Length": "574"}, content=body_never_sent())

    reply = _through_gateway(harness_factory, answer)
    assert reply.status == 502
    assert reply.header("content-type") == "application/problem+json"
