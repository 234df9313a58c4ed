"""REST-to-SOAP mediation: REST v2 book requests with `X-Backend: soap`, served by the SOAP service.

    GET  /api/v2/books/{id}/        -> GetBook(id)
    GET  /api/v2/books/?filters...  -> ListBooks(filter, cursor, page_size)
    GET  /api/v2/books/?ids=3,1,2   -> GetBooks(ids)
    POST /api/v2/books/             -> CreateBook(book)

`fields=` on the reads is applied here, as a projection of the SOAP answer (SOAP has no sparse
fieldsets), with REST's rules and its sparse ETags (catalog_contract.fields); `ids=` is checked
here too (catalog_contract.ids), so a bad batch is refused with REST's words before any call.

The answer is what the REST service answers for the same request, plus `X-Backend: soap` saying
who served it: the same status, the same
JSON (REST v2's keys in its order, `next`/`previous` links built from the same opaque cursors,
which both protocols share), ETag and Location headers, and the same problem documents
(RFC 9457, REST's types and titles) for errors, with `errors` named as REST v2 names its fields
(`authors`, `price.amount`, `author` for the filter ...). What can differ is the wording of a
validation message when the SOAP service's schema refuses a value before its service layer sees
it, and (since a SOAP request fails its schema first) a body with several kinds of mistakes
may be told about fewer fields at once. Requests mediation does not cover (other methods,
other books requests) are refused with a 400 problem saying so.

Calls go through the soap upstream's client, so the retry and breaker transports apply: GetBook
and ListBooks are marked idempotent; CreateBook never is. The SOAP service keeps no
Idempotency-Key records, so a mediated create that sends one is refused (400) rather than
silently losing the replay guarantee REST gives.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import parse_qs, parse_qsl, urlsplit

import httpx
import orjson
from django.conf import settings
from django.utils.http import parse_etags
from rest_framework.utils.urls import replace_query_param

from catalog_contract import fields, media_types
from catalog_contract.auth import BEARER_CHALLENGE as WWW_AUTHENTICATE
from catalog_contract.errors import (
    BY_CODE,
    INVALID,
    NOT_FOUND,
    PARSE_ERROR,
    SERVER_ERROR,
    problem_type,
    title,
)
from catalog_contract.ids import MAX_ID, MIN_ID, BadIds, batch_ids
from gateway import soap_envelopes
from gateway.errors import UpstreamUnavailable
from gateway.problems import PROBLEM_CONTENT_TYPE, Answer
from gateway.retry import ATTEMPTS, IDEMPOTENT, UPSTREAM
from gateway.soap_envelopes import MalformedAnswer, SoapFault
from service_http import codings

if TYPE_CHECKING:
    from gateway.pipeline import MediationRequest

SOAP_PATH = "/soap12/catalog/"
FIELDS = "fields"
IDS = "ids"
BOOKS_PATH = "/api/v2/books/"
_BOOK_PATH = re.compile(r"/api/v2/books/([0-9]{1,18})/")

JSON = b"application/json"
INVALID_DETAIL = "The input is invalid."
NOT_MEDIATED = (
    "X-Backend: soap serves GET /api/v2/books/, GET /api/v2/books/{id}/ and POST /api/v2/books/ "
    "only; send other requests without it."
)
# On every answer mediation gave, so a client (and the parity tests) can tell.
SERVED_BY_SOAP = (b"x-backend", b"soap")
# Headers the SOAP service is sent from what would have gone to the REST service.
FORWARDED_HEADERS = frozenset(
    {"authorization", "x-request-id", "traceparent", "tracestate", "user-agent", "forwarded"}
    | {"x-forwarded-for", "x-forwarded-host", "x-forwarded-proto"}
)

_FILTER_NAMES = {soap: rest for rest, soap in fields.V2_FILTER_PARAMETERS.items()}
# REST v2 body keys that are single values, passed on as they are.
SCALAR_KEYS = frozenset(
    {"isbn", "title", "subtitle", "published_date", "language", "pages", "description"}
)


class Operation(StrEnum):
    GET = "GetBook"
    LIST = "ListBooks"
    BATCH = "GetBooks"
    CREATE = "CreateBook"

    @property
    def idempotent(self) -> bool:
        return self is not Operation.CREATE


def operation_for(method: str, path: str, query: str = "") -> Operation | None:
    """The SOAP operation that serves this REST v2 request, or None if mediation does not."""
    if path == BOOKS_PATH:
        listing = Operation.BATCH if IDS in _parameters(query) else Operation.LIST
        return {"GET": listing, "POST": Operation.CREATE}.get(method)
    if method == "GET" and _BOOK_PATH.fullmatch(path):
        return Operation.GET
    return None


@dataclass(frozen=True)
class RestRequest:
    """A REST v2 request as the REST service would receive it from the gateway."""

    method: str
    path: str
    query_string: str
    headers: Mapping[str, str]  # lower-case names: what the REST service would be sent
    body: bytes
    url: str  # the absolute URL the REST service would see (its links and Location use it)


class Refusal(Exception):
    """The request cannot be sent to the SOAP service: answered with this problem at once."""

    def __init__(self, code: str, status: int, detail: str, **extensions: Any) -> None:
        self.code, self.status, self.detail, self.extensions = code, status, detail, extensions
        super().__init__(detail)


async def mediate(request: MediationRequest) -> Answer:
    """The pipeline's hook: serve a REST v2 books request carrying X-Backend: soap."""
    return await serve(
        request.soap.client,
        request.soap.base_url + SOAP_PATH,
        as_rest_request(request),
        extensions=request.extensions,
    )


def as_rest_request(request: MediationRequest) -> RestRequest:
    """What the REST service would have received, including the Host its links are built from
    (the client's, which the gateway forwards; else the REST upstream's own address)."""
    pairs = [*request.headers, *request.upstream_headers]  # the gateway's values win
    headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in pairs}
    rest = urlsplit(settings.GATEWAY_REST_URL)
    query = request.query.decode("latin-1")
    url = f"{rest.scheme}://{headers.get('host') or rest.netloc}{request.path}"
    return RestRequest(
        request.method,
        request.path,
        query,
        headers,
        request.body,
        f"{url}?{query}" if query else url,
    )


async def serve(
    client: httpx.AsyncClient,
    soap_url: str,
    request: RestRequest,
    *,
    extensions: Mapping[str, Any] | None = None,
) -> Answer:
    """Serve `request` through the SOAP service at `soap_url`. Transport errors and CircuitOpen
    propagate (the caller maps them as for any upstream call); `extensions` carries the
    deadline. A request mediation cannot serve is answered with a 400 problem saying so."""
    operation = operation_for(request.method, request.path, request.query_string)
    try:
        if operation is None:
            raise Refusal(INVALID.code, 400, NOT_MEDIATED)
        selected = _selection(operation, request)
        envelope, names = _envelope(operation, request)
    except Refusal as refusal:
        answer = _problem(
            request, refusal.code, refusal.status, refusal.detail, **refusal.extensions
        )
    else:
        call = _Call(operation, envelope, names, selected)
        answer = await _call(client, soap_url, request, call, extensions)
    answer.headers.append(SERVED_BY_SOAP)
    return answer


@dataclass(frozen=True)
class _Call:
    """One SOAP call on behalf of a REST request, and what its answer needs."""

    operation: Operation
    envelope: bytes
    names: Mapping[str, str]  # SOAP field path -> REST name, for a fault's errors
    selected: tuple[str, ...] | None  # the keys `fields=` selects; None: every key


async def _call(
    client: httpx.AsyncClient,
    soap_url: str,
    request: RestRequest,
    call: _Call,
    extensions: Mapping[str, Any] | None,
) -> Answer:
    operation = call.operation
    response = await client.post(
        soap_url,
        content=call.envelope,
        headers=_soap_headers(request.headers),
        extensions={**(extensions or {}), IDEMPOTENT: operation.idempotent, UPSTREAM: "soap"},
    )
    try:
        answer = _answer(request, call, response)
    except MalformedAnswer as exc:
        raise UpstreamUnavailable(
            f"The soap service answered {operation} with something else than a catalog message."
        ) from exc
    answer.attempts = response.extensions.get(ATTEMPTS, 1)
    return answer


def _answer(request: RestRequest, call: _Call, response: httpx.Response) -> Answer:
    result = soap_envelopes.answer(response.content)
    if isinstance(result, SoapFault):
        return _fault_problem(request, result, response.status_code, call.names)
    if call.operation in (Operation.LIST, Operation.BATCH):
        return _page(request, soap_envelopes.book_page(result), call.selected)
    book = soap_envelopes.book(result)
    if call.operation is Operation.CREATE:
        location = _absolute(request.url, f"{BOOKS_PATH}{book['id']}/")
        return _book(book, 201, [(b"location", location.encode())])
    current = _etag(book["version"], _variant(call.selected))
    if held := _held_validator(request.headers.get("if-none-match"), current):
        return Answer(304, [(b"etag", held.encode())])
    return _book(_projected(book, call.selected), 200, etag=current)


# -- requests ---------------------------------------------------------------------------------


def _parameters(query: str) -> dict[str, list[str]]:
    return parse_qs(query, keep_blank_values=True)


def _selection(operation: Operation, request: RestRequest) -> tuple[str, ...] | None:
    """The keys `fields=` selects on a read, checked as REST checks them; None: every key."""
    values = _parameters(request.query_string).get(FIELDS)
    if operation is Operation.CREATE or values is None:
        return None
    try:
        if len(values) > 1:
            raise fields.BadFields([fields.GIVE_ONCE.format(FIELDS)])
        return fields.selected_keys(values[0], fields.BOOK_V2_KEYS)
    except fields.BadFields as exc:
        raise Refusal(
            INVALID.code, 400, f"{FIELDS}: {exc.messages[0]}", errors={FIELDS: exc.messages}
        ) from None


def _batch(query: str) -> bytes:
    """GetBooks for `ids=`, refused as REST refuses it (repeated, combined, bad ids)."""
    parameters = _parameters(query)
    values = parameters[IDS]
    if len(values) > 1:
        _invalid({IDS: [fields.GIVE_ONCE.format(IDS)]})
    combined = sorted(name for name in fields.NOT_WITH_IDS if name in parameters)
    if combined:
        _invalid({name: [fields.NOT_WITH_IDS_MESSAGE] for name in combined})
    try:
        return soap_envelopes.get_books(batch_ids(values[0].split(",") if values[0] else []))
    except BadIds as exc:
        _invalid({IDS: exc.messages})


def _envelope(operation: Operation, request: RestRequest) -> tuple[bytes, dict[str, str]]:
    """The SOAP request and the REST names of its fields (SOAP field path -> REST name)."""
    if operation is Operation.GET:
        book_id = int(request.path.split("/")[-2])
        if not MIN_ID <= book_id <= MAX_ID:
            raise Refusal(NOT_FOUND.code, 404, f"Book {book_id} does not exist.")
        return soap_envelopes.get_book(book_id), {}
    if operation is Operation.LIST:
        params = {k: v for k, v in parse_qsl(request.query_string, keep_blank_values=True) if v}
        filters = fields.V2_FILTER_PARAMETERS
        criteria = {filters[k]: v for k, v in params.items() if k in filters}
        page = soap_envelopes.list_books(criteria, params.get("cursor"), params.get("page_size"))
        return page, {}
    if operation is Operation.BATCH:
        return _batch(request.query_string), {}
    if "idempotency-key" in request.headers:
        raise Refusal(
            INVALID.code,
            400,
            "X-Backend: soap cannot honour Idempotency-Key (the SOAP service keeps no "
            "idempotency records); send the create to the REST backend.",
        )
    book, names = book_input(_json_body(request.body))
    return soap_envelopes.create_book(book), names


def _json_body(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise Refusal(PARSE_ERROR.code, 400, f"JSON parse error - {exc}") from None


def book_input(body: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """A REST v2 book body as BookInput fields, and the REST name of each price field.

    Refuses (400, REST's field names and messages) what a SOAP message cannot carry or REST v2
    refuses by shape: a body that is not an object, unknown keys, the service's own names,
    objects or lists where a single value belongs, and missing required fields (which the SOAP
    service's schema check would report under the name of the element that follows them).
    """
    if not isinstance(body, Mapping):
        _invalid({"non_field_errors": ["The body must be a JSON object."]})
    book: dict[str, Any] = {}
    names: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for key, value in body.items():
        if key in fields.BOOK_READ_ONLY_KEYS or value is None:
            continue
        if key in fields.V2_REFERENCE_LISTS:
            target, identifier = fields.V2_REFERENCES[key]
            book[target] = _references(key, value, identifier, errors)
        elif key in fields.V2_REFERENCES:
            target, identifier = fields.V2_REFERENCES[key]
            book[target] = _scalar(key, _reference(value, identifier), errors)
        elif key == "price":
            book["price"] = _price(value, names, errors)
        elif key in fields.V2_NAMES:
            errors[key] = [f"Not a v2 field; v2 calls it {fields.V2_NAMES[key]!r}."]
        elif key in SCALAR_KEYS:
            book[key] = _scalar(key, value, errors)
        else:
            errors[key] = ["Unknown field."]
    for missing in (name for name in fields.BOOK_REQUIRED if name not in book):
        errors.setdefault(fields.V2_NAMES.get(missing, missing), ["This field is required."])
    if errors:
        _invalid(errors)
    return book, names


def _invalid(field_errors: dict[str, list[str]]) -> NoReturn:
    raise Refusal(INVALID.code, 400, INVALID_DETAIL, errors=field_errors)


def _scalar(key: str, value: Any, errors: dict[str, list[str]]) -> Any:
    if isinstance(value, (Mapping, list)):
        errors[key] = ["Must be a single value."]
    return value


def _reference(value: Any, identifier: str) -> Any:
    return value.get(identifier, value) if isinstance(value, Mapping) else value


def _references(key: str, value: Any, identifier: str, errors: dict[str, list[str]]) -> Any:
    what = "ids" if identifier == "id" else "slugs"
    items = [_reference(item, identifier) for item in value] if isinstance(value, list) else None
    if items is None or any(isinstance(item, (Mapping, list)) for item in items):
        errors[key] = [f"Must be a list of {what}."]
    return items


def _price(value: Any, names: dict[str, str], errors: dict[str, list[str]]) -> dict[str, Any]:
    """REST v2 takes {amount, currency} or a bare amount; BookInput always nests."""
    if not isinstance(value, Mapping):
        names["price.amount"] = "price"
        return {"amount": _scalar("price", value, errors)}
    price = {
        k: _scalar(f"price.{k}", value[k], errors) for k in ("amount", "currency") if k in value
    }
    if "amount" not in price:
        errors["price.amount"] = ["This field is required."]
    return price


def _soap_headers(headers: Mapping[str, str]) -> dict[str, str]:
    forwarded = {name: value for name, value in headers.items() if name in FORWARDED_HEADERS}
    # identity: the gateway reads the answer, so compressing it on loopback only costs CPU twice
    return {**forwarded, "content-type": media_types.SOAP12, "accept-encoding": "identity"}


# -- answers ----------------------------------------------------------------------------------


def _json(status: int, document: Any, headers: list[tuple[bytes, bytes]]) -> Answer:
    return Answer(status, headers, orjson.dumps(document))


def _etag(version: int, variant: str = "") -> str:
    """As REST tags a book (rest_service.api.conditional): "3", or "3-f7" for a selection."""
    return f'"{version}-{variant}"' if variant else f'"{version}"'


def _variant(selected: tuple[str, ...] | None) -> str:
    return "" if selected is None else fields.selection_tag(selected, fields.BOOK_V2_KEYS)


def _projected(book: dict[str, Any], selected: tuple[str, ...] | None) -> dict[str, Any]:
    return book if selected is None else fields.project(book, selected)


def _book(
    book: dict[str, Any],
    status: int,
    headers: list[tuple[bytes, bytes]] | None = None,
    *,
    etag: str | None = None,
) -> Answer:
    tag = etag or _etag(book["version"])
    extra = [(b"content-type", JSON), (b"etag", tag.encode()), *(headers or [])]
    return _json(status, book, extra)


def _page(
    request: RestRequest, page: soap_envelopes.BookPage, selected: tuple[str, ...] | None
) -> Answer:
    document = {
        "next": _link(request.url, page.next_cursor),
        "previous": _link(request.url, page.previous_cursor),
        "results": [_projected(book, selected) for book in page.books],
    }
    return _json(200, document, [(b"content-type", JSON)])


def _link(url: str, cursor: str | None) -> str | None:
    """As REST builds it: its own absolute URL with `cursor` replaced (DRF's helper)."""
    return None if cursor is None else replace_query_param(url, "cursor", cursor)


def _absolute(url: str, path: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}{path}"


def _held_validator(header: str | None, current: str) -> str | None:
    """The ETag of the variant the client holds when If-None-Match names the `current` tag
    (weakly compared, as REST compares it, in any content coding), to answer the 304 with; else
    None."""
    if not header:
        return None
    tags = parse_etags(header)
    if tags == ["*"]:
        return current
    strong = (tag.removeprefix("W/") for tag in tags)
    return next((tag for tag in strong if codings.without_coding(tag) == current), None)


def _problem(
    request: RestRequest, code: str, status: int, detail: str, **extensions: Any
) -> Answer:
    """A problem document as the REST service writes it (rest_service.api.problems)."""
    document = {
        "type": problem_type(code),
        "title": title(code, HTTPStatus(status).phrase),
        "status": status,
        "detail": detail,
        "instance": request.path,
        **extensions,
    }
    headers = [(b"content-type", PROBLEM_CONTENT_TYPE)]
    if status == 401:
        headers.append((b"www-authenticate", WWW_AUTHENTICATE.encode()))
    return _json(status, document, headers)


def _fault_problem(
    request: RestRequest, fault: SoapFault, status: int, names: Mapping[str, str]
) -> Answer:
    """A SOAP 1.2 fault as REST's problem. The fault's HTTP status says only Sender (400) or not
    (500), so REST's status comes from the table, by the fault's code (the fault's own status
    for a code outside it)."""
    kind = BY_CODE.get(fault.code)
    status = kind.status if kind else status
    if fault.code == INVALID.code:
        field_errors: dict[str, list[str]] = {}
        for soap_name, messages in fault.errors.items():
            field_errors.setdefault(rest_field_name(soap_name, names), []).extend(messages)
        return _problem(request, INVALID.code, 400, INVALID_DETAIL, errors=field_errors)
    if status == 400:
        return _problem(request, INVALID.code, 400, fault.message)
    if status >= 500:
        return _problem(request, SERVER_ERROR.code, status, fault.message)
    return _problem(request, fault.code, status, fault.message)


def rest_field_name(soap_name: str, names: Mapping[str, str]) -> str:
    """`book.author_ids.id` -> `authors`, `filter.author_id` -> `author`, `book.price.amount`
    -> `price.amount` (or `price` when the client sent a bare amount)."""
    if soap_name in {"cursor", "page_size", "non_field_errors"}:
        return soap_name
    head, _, rest = soap_name.partition(".")
    if head == "filter":
        field_name = rest.split(".", 1)[0]
        return _FILTER_NAMES.get(field_name, field_name)
    if head == "book" and rest:
        if rest.startswith("price."):
            return names.get(rest, rest)
        field_name = rest.split(".", 1)[0]
        return fields.V2_NAMES.get(field_name, field_name)
    return _FILTER_NAMES.get(head, head)
