"""The catalog operations a client performs (the benchmark runs them, `catalog compare` and the
gateway's /compare/ page show them), each as the exact HTTP exchange a client makes:
REST v2 (JSON) or SOAP 1.1 (an XML envelope), directly or through the gateway, and REST-over-SOAP
mediation (REST through the gateway with `X-Backend: soap`).

A SOAP call is written once as nested dicts in WSDL sequence order (`SoapCall`): the raw client
turns them into an envelope, zeep takes the same dicts as call arguments, so both send one payload.
Requests are pre-encoded bytes where they can be, so the load client spends its time on the wire.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode
from xml.sax.saxutils import escape

import orjson

from catalog_client.wire import Connection, WireRequest, WireResponse
from catalog_contract import elements, media_types, namespaces

DEMO_EDITOR = ("editor", "editor-pass")
JSON_HEADERS = (("Accept", "application/json"),)
SEARCH = {"language": "en", "min_price": "10", "max_price": "40", "search": "the",
          "ordering": "price"}  # fmt: skip
SEARCH_PAGE_SIZE = 20
SAMPLE_SEQUENCE = 10**8  # the sequence number of the single operation whose bytes are counted
_CREATE_SEQUENCE = itertools.count(1)  # unique ISBNs for every create of a benchmark process

Operation = Callable[[Connection, int], Awaitable[int]]
"""Performs one operation on a connection (the int is a per-run sequence number, for unique
data); returns the final HTTP status."""


@dataclass(frozen=True)
class Target:
    """Where and how an operation is sent."""

    name: str  # rest, soap, rest_gw, soap_gw, mediation
    protocol: str  # "rest" or "soap"
    host: str
    port: int
    path: str  # "/api/v2" for REST, "/soap/catalog/" for SOAP
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def authority(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"http://{self.authority}"


PROTOCOL_PATHS = {"rest": "/api/v2", "soap": "/soap/catalog/"}
ACCEPT_ENCODING = "br, gzip"
"""What `catalog compare` and the compare page send, as today's HTTP clients do (browsers,
httpx and requests with brotli installed): the server picks the coding."""


def protocol_target(
    protocol: str, host: str, port: int, accept_encoding: str | None = None
) -> Target:
    """REST v2 or SOAP 1.1 at host:port (a service, or the gateway, which serves both paths);
    with `accept_encoding`, every request says so."""
    headers = (("Accept-Encoding", accept_encoding),) if accept_encoding else ()
    return Target(protocol, protocol, host, port, PROTOCOL_PATHS[protocol], headers)


@dataclass(frozen=True)
class BookDraft:
    """A book to create, once for both protocols: REST v2 JSON and the SOAP `BookInput`."""

    isbn: str
    title: str
    author_id: int
    publisher_id: int
    published_date: str
    language: str = "en"
    pages: int = 321
    price: str = "19.99"
    currency: str = "EUR"

    def rest(self) -> dict[str, object]:
        return {
            "isbn": self.isbn,
            "title": self.title,
            "authors": [self.author_id],
            "publisher": self.publisher_id,
            "published_date": self.published_date,
            "language": self.language,
            "pages": self.pages,
            "price": {"amount": self.price, "currency": self.currency},
        }

    def soap(self) -> dict[str, Any]:
        return {
            "isbn": self.isbn,
            "title": self.title,
            "author_ids": {"id": [self.author_id]},
            "publisher_id": self.publisher_id,
            "published_date": self.published_date,
            "language": self.language,
            "pages": self.pages,
            "price": {"amount": self.price, "currency": self.currency},
        }


@dataclass
class Context:
    """What operations need from the catalog under test."""

    book_id: int
    author_id: int
    publisher_id: int
    token: str
    etag: str = '"1"'
    isbn_prefix: str = "979"
    search: dict[str, str] = field(default_factory=lambda: dict(SEARCH))
    draft: BookDraft | None = None
    """The book `create_delete` creates; None: a benchmark book with a fresh ISBN each time."""
    ws_security: tuple[str, str] | None = None
    """(username, password): authenticated SOAP calls carry a WS-Security UsernameToken
    (PasswordText) instead of the bearer token."""

    def book(self, isbn: str, published: str) -> BookDraft:
        return BookDraft(isbn, "Benchmark Book", self.author_id, self.publisher_id, published)


def isbn_for(sequence: int, prefix: str) -> str:
    body = f"{prefix}{sequence % 10**9:09d}"
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(body))
    return body + str((10 - total % 10) % 10)


# --- SOAP 1.1 -----------------------------------------------------------------------------------


def envelope(operation: str, body_xml: str, header_xml: str = "") -> bytes:
    header = f"<soapenv:Header>{header_xml}</soapenv:Header>" if header_xml else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<soapenv:Envelope xmlns:soapenv="{namespaces.SOAP11_ENVELOPE}" '
        f'xmlns:tns="{namespaces.SOAP_NAMESPACE}">{header}<soapenv:Body><tns:{operation}>{body_xml}'
        f"</tns:{operation}></soapenv:Body></soapenv:Envelope>"
    ).encode()


def username_token(username: str, password: str) -> str:
    """A wsse:Security header with a PasswordText UsernameToken."""
    return (
        f'<wsse:Security xmlns:wsse="{namespaces.WSSE}"><wsse:UsernameToken>'
        f"<wsse:Username>{escape(username)}</wsse:Username>"
        f'<wsse:Password Type="{namespaces.PASSWORD_TEXT}">{escape(password)}</wsse:Password>'
        "</wsse:UsernameToken></wsse:Security>"
    )


def to_xml(arguments: dict[str, Any]) -> str:
    """Nested dicts to qualified elements, in order; a list repeats its element."""
    parts = []
    for name, value in arguments.items():
        for item in value if isinstance(value, list) else [value]:
            inner = to_xml(item) if isinstance(item, dict) else escape(str(item))
            parts.append(f"<tns:{name}>{inner}</tns:{name}>")
    return "".join(parts)


@dataclass(frozen=True)
class SoapCall:
    operation: str
    arguments: dict[str, Any]
    authenticated: bool = False

    def body(self, header_xml: str = "") -> bytes:
        return envelope(self.operation, to_xml(self.arguments), header_xml)

    def request(self, target: Target, ctx: Context) -> WireRequest:
        headers = [("Content-Type", media_types.SOAP11),
                   ("SOAPAction", f'"{self.operation}"'), *target.headers]  # fmt: skip
        security = ""
        if self.authenticated and ctx.ws_security:
            security = username_token(*ctx.ws_security)
        elif self.authenticated:
            headers.append(("Authorization", f"Bearer {ctx.token}"))
        return WireRequest("POST", target.path, tuple(headers), self.body(security))


# --- REST v2 ------------------------------------------------------------------------------------


def rest_get(target: Target, path: str, query: dict[str, object] | None = None) -> WireRequest:
    suffix = f"?{urlencode(query)}" if query else ""
    return WireRequest("GET", f"{target.path}{path}{suffix}", (*JSON_HEADERS, *target.headers))


def rest_json(target: Target, method: str, path: str, body: object, token: str) -> WireRequest:
    headers = (*JSON_HEADERS, ("Content-Type", "application/json"),
               ("Authorization", f"Bearer {token}"), *target.headers)  # fmt: skip
    return WireRequest(method, f"{target.path}{path}", headers, orjson.dumps(body))


def token_request(username: str, password: str) -> WireRequest:
    """POST /api/token/ (the REST service's, also proxied by the gateway): an access token."""
    headers = (*JSON_HEADERS, ("Content-Type", "application/json"))
    body = orjson.dumps({"username": username, "password": password})
    return WireRequest("POST", "/api/token/", headers, body)


# --- one request per operation: the reads and the error path ------------------------------------


def _bad_isbn(ctx: Context) -> tuple[str, str]:
    """A create the catalog refuses: a wrong ISBN check digit and a date in the future."""
    isbn = isbn_for(1, ctx.isbn_prefix)
    future = date(date.today().year + 5, 1, 1).isoformat()
    return isbn[:-1] + str((int(isbn[-1]) + 1) % 10), future


def _rest_request(scenario: str, target: Target, ctx: Context) -> WireRequest:
    if scenario == "get_book":
        return rest_get(target, f"/books/{ctx.book_id}/")
    if scenario.startswith("list_"):
        return rest_get(target, "/books/", {"page_size": int(scenario.removeprefix("list_"))})
    if scenario == "search":
        return rest_get(target, "/books/", {**ctx.search, "page_size": SEARCH_PAGE_SIZE})
    if scenario == "bad_request":
        book = ctx.book(*_bad_isbn(ctx))
        return rest_json(target, "POST", "/books/", book.rest(), ctx.token)
    if scenario == "conditional_get":
        plain = rest_get(target, f"/books/{ctx.book_id}/")
        return WireRequest("GET", plain.path, (*plain.headers, ("If-None-Match", ctx.etag)))
    raise ValueError(scenario)


def soap_call(scenario: str, ctx: Context) -> SoapCall:
    if scenario == "get_book":
        return SoapCall("GetBook", {"id": ctx.book_id})
    if scenario.startswith("list_"):
        return SoapCall("ListBooks", {"page_size": int(scenario.removeprefix("list_"))})
    if scenario == "search":
        criteria = {key: ctx.search[key] for key in elements.BOOK_FILTER if key in ctx.search}
        return SoapCall("ListBooks", {"filter": criteria, "page_size": SEARCH_PAGE_SIZE})
    if scenario == "bad_request":
        return SoapCall("CreateBook", {"book": ctx.book(*_bad_isbn(ctx)).soap()}, True)
    if scenario == "create_delete":
        return _create_call(ctx, SAMPLE_SEQUENCE)
    raise ValueError(scenario)


def _draft(ctx: Context, sequence: int) -> BookDraft:
    return ctx.draft or ctx.book(isbn_for(sequence, ctx.isbn_prefix), "2001-01-01")


def _create_call(ctx: Context, sequence: int) -> SoapCall:
    return SoapCall("CreateBook", {"book": _draft(ctx, sequence).soap()}, True)


def request_for(scenario: str, target: Target, ctx: Context) -> WireRequest:
    if target.protocol == "rest":
        return _rest_request(scenario, target, ctx)
    return soap_call(scenario, ctx).request(target, ctx)


# --- create then delete: two requests, the second built from the first's answer ------------------

_SOAP_ID = re.compile(rb"<(?:\w+:)?id>(\d+)</")
_SOAP_VERSION = re.compile(rb"<(?:\w+:)?version>(\d+)</")


def create_request(target: Target, ctx: Context, sequence: int) -> WireRequest:
    if target.protocol == "rest":
        return rest_json(target, "POST", "/books/", _draft(ctx, sequence).rest(), ctx.token)
    return _create_call(ctx, sequence).request(target, ctx)


def delete_request(target: Target, ctx: Context, created: WireResponse) -> WireRequest:
    """Mediation serves reads and creates only, so its delete goes to REST through the gateway."""
    if target.protocol == "rest":
        book = orjson.loads(created.body)
        headers = (("Authorization", f"Bearer {ctx.token}"), ("If-Match", f'"{book["version"]}"'))
        return WireRequest("DELETE", f"{target.path}/books/{book['id']}/", headers)
    book_id, version = _SOAP_ID.search(created.body), _SOAP_VERSION.search(created.body)
    if not (book_id and version):
        raise ValueError("CreateBook answered without an id and a version")
    call = SoapCall("DeleteBook", {"id": int(book_id[1]), "version": int(version[1])}, True)
    return call.request(target, ctx)


async def create_then_delete(
    target: Target, ctx: Context, connection: Connection, sequence: int
) -> list[WireResponse]:
    created = await connection.exchange(
        create_request(target, ctx, sequence).encode(target.authority)
    )
    if created.status not in (200, 201):
        return [created]
    deleted = await connection.exchange(
        delete_request(target, ctx, created).encode(target.authority)
    )
    return [created, deleted]


# --- scenarios ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    protocols: tuple[str, ...] = ("rest", "soap")
    expected: tuple[int, ...] = (200,)
    """HTTP statuses of a correct answer (SOAP 1.1 faults travel as 500)."""

    def operation(self, target: Target, ctx: Context) -> Operation:
        if self.name == "create_delete":

            async def create_delete(connection: Connection, _: int) -> int:
                unique = next(_CREATE_SEQUENCE)
                return (await create_then_delete(target, ctx, connection, unique))[-1].status

            return create_delete
        raw = request_for(self.name, target, ctx).encode(target.authority)

        async def fixed(connection: Connection, _: int) -> int:
            return (await connection.exchange(raw)).status

        return fixed

    async def exchanges(
        self, target: Target, ctx: Context, connection: Connection, sequence: int
    ) -> list[tuple[WireRequest, WireResponse]]:
        """One operation's requests and responses, for byte counts and payload views."""
        if self.name != "create_delete":
            request = request_for(self.name, target, ctx)
            return [(request, await connection.exchange(request.encode(target.authority)))]
        created_request = create_request(target, ctx, sequence)
        responses = await create_then_delete(target, ctx, connection, sequence)
        requests = [created_request]
        if len(responses) > 1:
            requests.append(delete_request(target, ctx, responses[0]))
        return list(zip(requests, responses, strict=True))


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("get_book", "Get one book"),
    Scenario("list_10", "List 10 books"),
    Scenario("list_100", "List 100 books"),
    Scenario("list_1000", "List 1000 books"),
    Scenario("search", "Filtered search, 20 per page"),
    Scenario("create_delete", "Create then delete a book (authenticated)", expected=(200, 204)),
    Scenario("bad_request", "Invalid create (error path)", expected=(400, 500)),
    Scenario(
        "conditional_get",
        "Get one book again with If-None-Match (HTTP caching)",
        protocols=("rest",),
        expected=(304,),
    ),
)

SCENARIO_BY_NAME: dict[str, Scenario] = {scenario.name: scenario for scenario in SCENARIOS}


def scenario_named(name: str) -> Scenario:
    """A benchmark scenario by name; `list_N` for any page size N, not only the measured ones."""
    if name in SCENARIO_BY_NAME:
        return SCENARIO_BY_NAME[name]
    if name.startswith("list_") and name.removeprefix("list_").isdigit():
        return Scenario(name, f"List {int(name.removeprefix('list_'))} books")
    raise KeyError(name)
