"""Client-side CPU per operation: building the request and parsing the response, the way three
kinds of client do it, timed in-process on the responses the servers actually sent:

    httpx + orjson   a REST client: an httpx.Request, the JSON body parsed into Python objects
    zeep             a SOAP client driven by the WSDL: message built and reply mapped to objects
    lxml             a hand-written SOAP client: envelope from a template, reply parsed and
                     walked into dicts

The figures are CPU time (process_time), the median of several batches, in microseconds.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx
import orjson
from lxml import etree

from catalog_client.operations import SoapCall
from catalog_client.wire import WireRequest

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def cpu_microseconds(work: Callable[[], object], *, iterations: int, batches: int = 5) -> float:
    """Median CPU time of one call of `work`, over `batches` batches of `iterations` calls."""
    samples = []
    for _ in range(batches):
        started = time.process_time_ns()
        for _ in range(iterations):
            work()
        samples.append((time.process_time_ns() - started) / iterations / 1000)
    return statistics.median(samples)


def httpx_orjson(base_url: str, request: WireRequest, response_body: bytes) -> Callable[[], Any]:
    url = base_url + request.path

    def once() -> Any:
        httpx.Request(request.method, url, headers=request.headers, content=request.body or None)
        return orjson.loads(response_body) if response_body else None

    return once


def element_to_python(element: etree._Element) -> Any:
    """What a hand-written client does with a reply: children become dict keys (repeated ones a
    list), leaves become their text."""
    children = list(element)
    if not children:
        return element.text
    result: dict[str, Any] = {}
    for child in children:
        key = etree.QName(child).localname
        value = element_to_python(child)
        if key in result:
            existing = result[key]
            if not isinstance(existing, list):
                result[key] = existing = [existing]
            existing.append(value)
        else:
            result[key] = value
    return result


def raw_lxml(build: Callable[[], bytes], response_body: bytes) -> Callable[[], Any]:
    def once() -> Any:
        build()
        root = etree.fromstring(response_body, _PARSER)
        body = root[-1]
        return element_to_python(body[0]) if len(body) else None

    return once


def zeep_client(
    client: Any, operation: str, arguments: dict[str, Any], response_body: bytes
) -> Callable[[], Any]:
    """zeep's own work: create_message from the WSDL types, then the reply mapped to objects (a
    fault is parsed into zeep's Fault, as a caller would receive it)."""
    from zeep.exceptions import Fault

    binding = client.service._binding
    binding_operation = binding.get(operation)

    def once() -> Any:
        client.create_message(client.service, operation, **arguments)
        envelope = etree.fromstring(response_body, _PARSER)
        body = envelope[-1]
        if len(body) and etree.QName(body[0]).localname == "Fault":
            try:
                binding.process_error(envelope, binding_operation)
            except Fault as fault:
                return fault
        return binding_operation.process_reply(envelope)

    return once


def client_costs(
    rest: tuple[str, WireRequest, bytes] | None,
    soap: tuple[SoapCall, bytes] | None,
    zeep: Any | None,
    *,
    iterations: int,
) -> dict[str, float]:
    """Microseconds of client CPU per operation for each kind of client that applies."""
    costs: dict[str, float] = {}
    if rest:
        base_url, request, body = rest
        costs["httpx+orjson"] = cpu_microseconds(
            httpx_orjson(base_url, request, body), iterations=iterations
        )
    if soap:
        call, body = soap
        costs["lxml"] = cpu_microseconds(raw_lxml(call.body, body), iterations=iterations)
        if zeep is not None:
            costs["zeep"] = cpu_microseconds(
                zeep_client(zeep, call.operation, call.arguments, body), iterations=iterations
            )
    return costs
