"""The breaker against a hung upstream, with real processes: the SOAP service frozen (SIGSTOP)
behind the gateway, and one zeep client calling GetBook through it again and again. Each call
waits out the gateway's deadline (1 s here) until the circuit opens; after that the gateway
answers at once, without the upstream, until a probe finds it answering again."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import requests
from zeep import Client
from zeep.exceptions import Fault
from zeep.transports import Transport

from tests.processes import ServerProcess, Stack, live_stack

TNS = "urn:bookcatalog:soap:v1"
COOLDOWN_SECONDS = 3.0
GATEWAY_ENV = {
    "REDIS_URL": "",
    "GATEWAY_CACHE_ENABLED": "false",  # every read must reach the upstream under test
    "GATEWAY_RATELIMIT_ANONYMOUS": "10000/minute",
    "GATEWAY_REQUEST_DEADLINE_SECONDS": "1",
    "GATEWAY_BREAKER_COOLDOWN_SECONDS": str(COOLDOWN_SECONDS),
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("hung-soap")
    with live_stack(folder, services=("soap", "gateway"), books=3, env=GATEWAY_ENV) as stack:
        yield stack


class Caller:
    """A zeep client of the gateway's SOAP 1.1 endpoint that keeps every HTTP response."""

    def __init__(self, gateway: str) -> None:
        session = requests.Session()
        self.responses: list[requests.Response] = []
        session.hooks["response"].append(lambda response, **_: self.responses.append(response))
        transport = Transport(session=session, operation_timeout=10)
        self.client = Client(gateway + "/soap/catalog/?wsdl", transport=transport)

    def get_book(self, book_id: int) -> Any:
        return self.client.service.GetBook(id=book_id)

    def fault_code(self, book_id: int) -> str:
        """The CatalogFault code GetBook is refused with."""
        with pytest.raises(Fault) as refused:
            self.get_book(book_id)
        assert refused.value.code.endswith("Server.Unavailable")
        return refused.value.detail.findtext(f"{{{TNS}}}CatalogFault/{{{TNS}}}code")


@contextmanager
def frozen(server: ServerProcess) -> Iterator[None]:
    """SIGSTOP the server's process group (its workers too) for the block, then SIGCONT."""
    assert server.process is not None
    os.killpg(server.process.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.killpg(server.process.pid, signal.SIGCONT)


def answered_within(seconds: float, call: Any) -> Any:
    """Call until it answers (a fault meanwhile is expected), for at most `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return call()
        except Fault:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_a_frozen_soap_service_trips_the_breaker_within_five_calls_then_a_probe_closes_it(
    stack: Stack,
) -> None:
    caller = Caller(stack.url("gateway"))
    book = caller.client.service.ListBooks(page_size=1).books.book[0]
    assert caller.get_book(book.id).title == book.title

    with frozen(stack.servers["soap"]):
        codes = [caller.fault_code(book.id) for _ in range(8)]
        refused = caller.responses[-1]

    waited = codes.count("gateway_timeout")  # each of these waited out the deadline
    assert 1 <= waited <= 5, codes
    assert codes == ["gateway_timeout"] * waited + ["service_unavailable"] * (8 - waited)
    assert 1 <= int(refused.headers["Retry-After"]) <= COOLDOWN_SECONDS
    readiness = requests.get(stack.url("gateway", "/readyz"), timeout=5).json()
    assert readiness["upstreams"]["soap"]["breaker"]["state"] == "open"

    assert answered_within(COOLDOWN_SECONDS + 5, lambda: caller.get_book(book.id)).id == book.id
    readiness = requests.get(stack.url("gateway", "/readyz"), timeout=5).json()
    assert readiness["upstreams"]["soap"]["breaker"]["state"] == "closed"
