"""What two answers say, read the way a client reads them: the status, an error's own words
(a problem+json body for REST, a SOAP fault for SOAP), the gateway's Server-Timing split and
rate-limit headers, and a verdict on size and speed."""

from __future__ import annotations

import orjson
from lxml import etree

from catalog_client.exchanges import Exchange
from catalog_client.server_timing import durations
from catalog_contract.namespaces import SOAP11_ENVELOPE

RATE_LIMIT_HEADERS = (
    ("ratelimit-policy", "RateLimit-Policy"),
    ("ratelimit", "RateLimit"),
    ("retry-after", "Retry-After"),
)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def status_line(exchange: Exchange) -> str:
    """`404 Not Found`, from the response's own status line."""
    first = exchange.response_head.split(b"\r\n", 1)[0].decode("latin-1")
    return first.split(" ", 1)[1] if " " in first else first


def server_timing(exchange: Exchange) -> dict[str, float]:
    """`gateway;dur=0.41, upstream;dur=3.20` as {"gateway": 0.41, "upstream": 3.2} (ms)."""
    return durations(exchange.headers.get("server-timing", ""))


def rate_limit(exchange: Exchange) -> list[tuple[str, str]]:
    return [(label, exchange.headers[name]) for name, label in RATE_LIMIT_HEADERS
            if name in exchange.headers]  # fmt: skip


def error(exchange: Exchange) -> str | None:
    """The error as the client's own format states it, or None for a success."""
    content_type = exchange.headers.get("content-type", "")
    if "problem+json" in content_type:
        return _problem(exchange.response_body)
    if "xml" in content_type:
        fault = _fault(exchange.response_body)
        if fault is not None:
            return fault
    if exchange.status >= 400:
        return f"HTTP {exchange.status} without a problem or fault body"
    return None


def _problem(body: bytes) -> str:
    try:
        problem = orjson.loads(body)
    except orjson.JSONDecodeError:
        return "problem+json (unreadable body)"
    parts = [str(problem.get(key)) for key in ("title", "detail") if problem.get(key)]
    return "problem+json: " + " ".join(parts)


def _fault(body: bytes) -> str | None:
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError:
        return None
    fault = root.find(f".//{{{SOAP11_ENVELOPE}}}Fault")
    if fault is None:
        return None
    code = (fault.findtext("faultcode") or "").strip()
    text = (fault.findtext("faultstring") or "").strip()
    return f"SOAP fault {code}: {text}"


def verdict(rest: Exchange | None, soap: Exchange | None) -> list[str]:
    """Sentences that say which is smaller and which was faster, with the numbers."""
    missing = [name for name, exchange in (("REST", rest), ("SOAP", soap)) if exchange is None]
    if missing or rest is None or soap is None:
        return [f"No verdict: no answer from {' and '.join(missing)} to compare."]
    return [_size(rest, soap), _speed(rest, soap)]


def _size(rest: Exchange, soap: Exchange) -> str:
    sent, plain = soap.total / rest.total, soap.total_identity / rest.total_identity
    smaller = "REST" if sent > 1 else "SOAP" if sent < 1 else "neither"
    sentence = (
        f"Smaller: {smaller}. SOAP/REST bytes: {sent:.2f}x as sent ({soap.total:,} in "
        f"{soap.coding} vs {rest.total:,} in {rest.coding}, request and response), "
        f"{plain:.2f}x with the response bodies in identity ({soap.total_identity:,} vs "
        f"{rest.total_identity:,})"
    )
    if plain != 1 and (sent > 1) != (plain > 1):
        sentence += f", where {'REST' if plain > 1 else 'SOAP'} is the smaller"
    return sentence + "."


def _speed(rest: Exchange, soap: Exchange) -> str:
    rest_ms, soap_ms = rest.seconds * 1000, soap.seconds * 1000
    faster = "REST" if rest_ms < soap_ms else "SOAP" if soap_ms < rest_ms else "neither"
    ratio = f"{soap_ms / rest_ms:.2f}x" if rest_ms else "n/a"
    return (
        f"Faster: {faster}. SOAP/REST time: {ratio} ({soap_ms:.1f} vs {rest_ms:.1f} ms from "
        "sending the request to the last byte of the answer; one run, the benchmark below has "
        "medians of many)."
    )
