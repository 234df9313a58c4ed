"""gateway.mediation against a fake SOAP service: what is sent, and what the REST client gets.

Parity with the real REST service is proven on live processes in test_mediation_parity.py.
"""

from __future__ import annotations

import random
from typing import Any

import httpx
import orjson
import pytest
from lxml import etree

from gateway import mediation
from gateway.errors import UpstreamUnavailable
from gateway.mediation import Operation, RestRequest, operation_for, rest_field_name
from gateway.pipeline import MediationRequest
from gateway.problems import Answer
from gateway.retry import RetryPolicy, RetryTransport
from gateway.upstreams import Upstream
from tests.gateway.fakes import FakeTime, ScriptedUpstream, run
from tests.gateway.soap_answers import book_answer, fault_answer, page_answer

REST_URL = "http://gateway.test"
SOAP_URL = "http://soap.test/soap12/catalog/"
T = "{urn:bookcatalog:soap:v1}"
BOOK = {
    "isbn": "9780306406157",
    "title": "The Dispossessed",
    "authors": [{"id": 1, "name": "ignored"}, 2],
    "publisher": {"id": 4},
    "genres": [{"slug": "sf"}],
    "published_date": "1974-05-01",
    "language": "en",
    "pages": 387,
    "price": {"amount": "12.50", "currency": "EUR"},
}


def soap(*answers: Any, then: Any = 500) -> ScriptedUpstream:
    return ScriptedUpstream(*answers, then=then)


def answer(status: int, body: bytes) -> httpx.Response:
    return httpx.Response(status, content=body, headers={"content-type": "application/soap+xml"})


def rest_request(
    method: str, path: str, query: str = "", body: Any = None, **headers: str
) -> RestRequest:
    content = body if isinstance(body, bytes) else orjson.dumps(body) if body is not None else b""
    url = f"{REST_URL}{path}" + (f"?{query}" if query else "")
    lowered = {name.replace("_", "-").lower(): value for name, value in headers.items()}
    return RestRequest(method, path, query, lowered, content, url)


def mediate(
    upstream: ScriptedUpstream, request: RestRequest, transport: Any = None
) -> tuple[int, dict[str, str], Any]:
    async def go() -> Answer:
        async with httpx.AsyncClient(transport=transport or upstream.transport()) as client:
            return await mediation.serve(client, SOAP_URL, request)

    result = run(go())
    headers = {name.decode(): value.decode() for name, value in result.headers}
    return result.status, headers, orjson.loads(result.body) if result.body else None


def retrying_transport(upstream: ScriptedUpstream) -> RetryTransport:
    """The gateway's retry policy around the fake SOAP service, on a clock that never sleeps."""
    time = FakeTime()
    return RetryTransport(
        upstream.transport(), RetryPolicy(), clock=time.clock, sleep=time.sleep, rng=random.Random()
    )


def sent(upstream: ScriptedUpstream, index: int = 0) -> etree._Element:
    """The operation element of a request the fake SOAP service received."""
    request = upstream.requests[index]
    assert request.url.path == "/soap12/catalog/"
    assert request.headers["content-type"].startswith("application/soap+xml")
    return etree.fromstring(request.content)[0][0]


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    [
        ("GET", "/api/v2/books/12/", Operation.GET),
        ("GET", "/api/v2/books/", Operation.LIST),
        ("POST", "/api/v2/books/", Operation.CREATE),
        ("PUT", "/api/v2/books/12/", None),
        ("DELETE", "/api/v2/books/12/", None),
        ("GET", "/api/v1/books/12/", None),
        ("GET", "/api/v2/authors/", None),
        ("GET", "/api/v2/books/abc/", None),
    ],
)
def test_only_v2_book_get_list_and_create_are_mediated(
    method: str, path: str, operation: Operation | None
) -> None:
    assert operation_for(method, path) is operation


@pytest.mark.parametrize(
    ("query", "operation"),
    [
        ("ids=3,1,2", Operation.BATCH),
        ("ids=", Operation.BATCH),  # refused by the batch's own checks, as REST refuses it
        ("page_size=3&ids=1", Operation.BATCH),  # likewise: ids cannot be combined
        ("fields=ids", Operation.LIST),
        ("page_size=3", Operation.LIST),
    ],
)
def test_a_list_with_ids_is_a_batch_read(query: str, operation: Operation) -> None:
    assert operation_for("GET", "/api/v2/books/", query) is operation
    assert operation_for("POST", "/api/v2/books/", query) is Operation.CREATE


def test_a_book_is_answered_as_rest_v2_json_with_its_etag() -> None:
    upstream = soap(answer(200, book_answer(book_id=7)))
    status, headers, body = mediate(upstream, rest_request("GET", "/api/v2/books/7/"))
    assert status == 200
    assert headers["content-type"] == "application/json"
    assert headers["etag"] == '"3"'
    assert headers["x-backend"] == "soap"
    assert body["id"] == 7
    assert body["price"] == {"amount": "12.50", "currency": "EUR"}
    assert sent(upstream).findtext(f"{T}id") == "7"


def test_a_book_still_at_the_version_named_in_if_none_match_is_a_304() -> None:
    upstream = soap(answer(200, book_answer(version=3)))
    request = rest_request("GET", "/api/v2/books/7/", if_none_match='W/"3"')
    status, headers, body = mediate(upstream, request)
    assert (status, headers, body) == (304, {"etag": '"3"', "x-backend": "soap"}, None)


def test_a_missing_book_is_rest_s_404_problem() -> None:
    fault = fault_answer("not_found", "Book 9 does not exist.", "NotFound")
    status, headers, body = mediate(
        soap(answer(400, fault)), rest_request("GET", "/api/v2/books/9/")
    )
    assert status == 404
    assert headers["content-type"] == "application/problem+json"
    assert body == {
        "type": "https://bookcatalog.example/problems/not-found",
        "title": "Not found.",
        "status": 404,
        "detail": "Book 9 does not exist.",
        "instance": "/api/v2/books/9/",
    }


def test_book_zero_is_not_found_without_asking_the_soap_service() -> None:
    upstream = soap()
    status, _, body = mediate(upstream, rest_request("GET", "/api/v2/books/0/"))
    assert (status, body["detail"]) == (404, "Book 0 does not exist.")
    assert upstream.calls == 0


def test_list_parameters_become_the_book_filter() -> None:
    upstream = soap(answer(200, page_answer([1], None, None)))
    query = "author=3&publisher=4&min_price=10&ordering=-price&page_size=5&unknown=1&genre="
    mediate(upstream, rest_request("GET", "/api/v2/books/", query))
    operation = sent(upstream)
    criteria = {child.tag[len(T) :]: child.text for child in operation.find(f"{T}filter")}
    assert criteria == {
        "author_id": "3",
        "publisher_id": "4",
        "min_price": "10",
        "ordering": "-price",
    }
    assert operation.findtext(f"{T}page_size") == "5"
    assert operation.find(f"{T}cursor") is None


def test_a_page_links_its_neighbours_as_rest_does() -> None:
    upstream = soap(answer(200, page_answer([1, 2], "NEXT", "PREV")))
    query = "page_size=2&search=le+guin&cursor=OLD"
    status, _, body = mediate(upstream, rest_request("GET", "/api/v2/books/", query))
    assert status == 200
    assert [book["id"] for book in body["results"]] == [1, 2]
    assert body["next"] == f"{REST_URL}/api/v2/books/?cursor=NEXT&page_size=2&search=le+guin"
    assert body["previous"] == f"{REST_URL}/api/v2/books/?cursor=PREV&page_size=2&search=le+guin"
    assert sent(upstream).findtext(f"{T}cursor") == "OLD"


def test_the_first_and_last_page_has_null_links() -> None:
    upstream = soap(answer(200, page_answer([], None, None)))
    _, _, body = mediate(upstream, rest_request("GET", "/api/v2/books/"))
    assert body == {"next": None, "previous": None, "results": []}


def test_list_validation_errors_carry_rest_s_parameter_names() -> None:
    fault = fault_answer(
        "invalid",
        "The request does not match the WSDL's schema.",
        "ValidationError",
        {"filter.author_id": "not an integer", "page_size": "too small", "filter.isbn": "bad"},
    )
    request = rest_request("GET", "/api/v2/books/", "author=x&page_size=0&isbn=1")
    status, _, body = mediate(soap(answer(400, fault)), request)
    assert status == 400
    assert body["detail"] == "The input is invalid."
    assert body["errors"] == {
        "author": ["not an integer"],
        "page_size": ["too small"],
        "isbn": ["bad"],
    }


def test_a_create_sends_the_v2_body_as_book_input_and_answers_201() -> None:
    upstream = soap(answer(200, book_answer("CreateBook", book_id=51, version=1)))
    request = rest_request("POST", "/api/v2/books/", body=BOOK, authorization="Bearer t")
    status, headers, body = mediate(upstream, request)
    assert status == 201
    assert headers["location"] == f"{REST_URL}/api/v2/books/51/"
    assert headers["etag"] == '"1"'
    assert body["id"] == 51
    created = sent(upstream).find(f"{T}book")
    assert [item.text for item in created.find(f"{T}author_ids")] == ["1", "2"]
    assert created.findtext(f"{T}publisher_id") == "4"
    assert [item.text for item in created.find(f"{T}genre_slugs")] == ["sf"]
    assert upstream.requests[0].headers["authorization"] == "Bearer t"


def test_a_body_fetched_with_get_can_be_sent_back_to_create() -> None:
    upstream = soap(answer(200, book_answer("CreateBook")))
    fetched = {**BOOK, "id": 3, "version": 2, "created_at": "x", "updated_at": "y"}
    status, _, _ = mediate(upstream, rest_request("POST", "/api/v2/books/", body=fetched))
    assert status == 201
    assert sent(upstream).find(f"{T}book/{T}id") is None


def test_a_create_is_sent_once_even_when_the_soap_service_is_unavailable() -> None:
    upstream = soap(then=answer(503, fault_answer("service_unavailable", "Down.", "Unavailable")))
    retrying = retrying_transport(upstream)
    request = rest_request("POST", "/api/v2/books/", body=BOOK)
    status, _, _ = mediate(upstream, request, transport=retrying)
    assert status == 503
    assert upstream.calls == 1


def test_an_unavailable_fault_on_500_is_rest_s_503_problem() -> None:
    fault = answer(
        500, fault_answer("service_unavailable", "The database is unreachable.", "Unavailable")
    )
    status, _, body = mediate(soap(fault), rest_request("GET", "/api/v2/books/7/"))
    assert (status, body["status"], body["detail"]) == (503, 503, "The database is unreachable.")


def test_a_get_is_retried_when_the_soap_service_is_unavailable() -> None:
    unavailable = answer(503, fault_answer("service_unavailable", "Down.", "Unavailable"))
    upstream = soap(unavailable, then=answer(200, book_answer()))
    retrying = retrying_transport(upstream)
    status, _, _ = mediate(upstream, rest_request("GET", "/api/v2/books/7/"), transport=retrying)
    assert status == 200
    assert upstream.calls == 2


def test_the_answer_counts_the_attempts_behind_it_for_the_log_and_metrics() -> None:
    unavailable = answer(503, fault_answer("service_unavailable", "Down.", "Unavailable"))
    upstream = soap(unavailable, unavailable, then=answer(200, book_answer()))
    retrying = retrying_transport(upstream)

    async def go() -> Answer:
        async with httpx.AsyncClient(transport=retrying) as client:
            return await mediation.serve(client, SOAP_URL, rest_request("GET", "/api/v2/books/7/"))

    result = run(go())
    assert (result.status, result.attempts, upstream.calls) == (200, 3, 3)


def test_a_create_with_an_idempotency_key_is_refused_rather_than_unguarded() -> None:
    upstream = soap()
    request = rest_request("POST", "/api/v2/books/", body=BOOK, idempotency_key="k-1")
    status, _, body = mediate(upstream, request)
    assert status == 400
    assert "Idempotency-Key" in body["detail"]
    assert upstream.calls == 0


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ([1, 2], {"non_field_errors": ["The body must be a JSON object."]}),
        ({**BOOK, "author_ids": [1]}, {"author_ids": ["Not a v2 field; v2 calls it 'authors'."]}),
        ({**BOOK, "colour": "red"}, {"colour": ["Unknown field."]}),
        ({**BOOK, "title": {"nested": 1}}, {"title": ["Must be a single value."]}),
        ({**BOOK, "authors": 1}, {"authors": ["Must be a list of ids."]}),
        ({**BOOK, "price": {"currency": "EUR"}}, {"price.amount": ["This field is required."]}),
        (
            {k: v for k, v in BOOK.items() if k not in ("title", "authors")},
            {"title": ["This field is required."], "authors": ["This field is required."]},
        ),
    ],
)
def test_a_body_rest_v2_refuses_by_shape_is_refused_without_a_soap_call(
    body: Any, errors: dict[str, list[str]]
) -> None:
    upstream = soap()
    status, headers, problem = mediate(upstream, rest_request("POST", "/api/v2/books/", body=body))
    assert status == 400
    assert headers["content-type"] == "application/problem+json"
    assert problem["type"] == "https://bookcatalog.example/problems/invalid"
    assert problem["errors"] == errors
    assert upstream.calls == 0


def test_a_body_that_is_not_json_is_a_parse_error() -> None:
    status, _, problem = mediate(soap(), rest_request("POST", "/api/v2/books/", body=b"{nope"))
    assert status == 400
    assert problem["type"] == "https://bookcatalog.example/problems/parse-error"
    assert problem["title"] == "The request body is not valid JSON."


def test_create_validation_errors_from_soap_carry_rest_v2_field_names() -> None:
    fault = fault_answer(
        "invalid",
        "The input is invalid.",
        "ValidationError",
        {"book.author_ids": "No such author.", "book.price.amount": "Must not be negative."},
    )
    request = rest_request("POST", "/api/v2/books/", body=BOOK)
    status, _, body = mediate(soap(answer(400, fault)), request)
    assert status == 400
    assert body["errors"] == {
        "authors": ["No such author."],
        "price.amount": ["Must not be negative."],
    }


def test_a_soap_authentication_fault_is_rest_s_401_with_its_challenge() -> None:
    """The SOAP 1.2 fault travels on 400 (Sender); REST's status comes from its code."""
    fault = fault_answer("not_authenticated", "Credentials needed.", "AuthenticationFailed")
    request = rest_request("POST", "/api/v2/books/", body=BOOK)
    status, headers, body = mediate(soap(answer(400, fault)), request)
    assert status == 401
    assert headers["www-authenticate"] == 'Bearer realm="catalog"'
    assert body["type"] == "https://bookcatalog.example/problems/not-authenticated"


@pytest.mark.parametrize(
    ("soap_name", "names", "rest_name"),
    [
        ("book.isbn", {}, "isbn"),
        ("book.author_ids", {}, "authors"),
        ("book.author_ids.id", {}, "authors"),
        ("book.publisher_id", {}, "publisher"),
        ("book.genre_slugs.slug", {}, "genres"),
        ("book.price.amount", {}, "price.amount"),
        ("book.price.amount", {"price.amount": "price"}, "price"),
        ("book.price", {}, "price"),
        ("book.price.currency", {}, "price.currency"),
        ("filter.author_id", {}, "author"),
        ("filter.published_after", {}, "published_after"),
        ("cursor", {}, "cursor"),
        ("page_size", {}, "page_size"),
        ("isbn", {}, "isbn"),
    ],
)
def test_soap_field_paths_map_to_rest_v2_names(
    soap_name: str, names: dict[str, str], rest_name: str
) -> None:
    assert rest_field_name(soap_name, names) == rest_name


def test_an_answer_that_is_not_a_catalog_message_is_a_bad_gateway() -> None:
    upstream = soap(httpx.Response(200, content=b"<html>maintenance</html>"))
    with pytest.raises(UpstreamUnavailable):
        mediate(upstream, rest_request("GET", "/api/v2/books/7/"))


def pipeline_request(upstream_headers: list[tuple[bytes, bytes]]) -> MediationRequest:
    transport = ScriptedUpstream().transport()
    soap_upstream = Upstream("soap", "http://soap.test", httpx.AsyncClient(), transport)
    return MediationRequest(
        method="GET",
        path="/api/v2/books/",
        query=b"page_size=2",
        headers=[(b"authorization", b"Bearer t"), (b"x-backend", b"soap")],
        body=b"",
        soap=soap_upstream,
        upstream_headers=upstream_headers,
        extensions={},
    )


def test_the_rest_request_is_seen_with_the_host_the_gateway_forwards() -> None:
    forwarded = [(b"host", b"books.example:8000"), (b"x-request-id", b"r-1")]
    rest = mediation.as_rest_request(pipeline_request(forwarded))
    assert rest.url == "http://books.example:8000/api/v2/books/?page_size=2"
    assert rest.headers["authorization"] == "Bearer t"
    assert rest.headers["x-request-id"] == "r-1"


def test_without_a_client_host_links_name_the_rest_upstream(settings: Any) -> None:
    settings.GATEWAY_REST_URL = "http://10.0.0.5:8001"
    rest = mediation.as_rest_request(pipeline_request([]))
    assert rest.url == "http://10.0.0.5:8001/api/v2/books/?page_size=2"


@pytest.mark.parametrize(
    ("method", "path"), [("PUT", "/api/v2/books/7/"), ("DELETE", "/api/v2/books/7/")]
)
def test_a_books_request_mediation_does_not_serve_is_refused_saying_so(
    method: str, path: str
) -> None:
    upstream = soap()
    status, headers, body = mediate(upstream, rest_request(method, path))
    assert status == 400
    assert body["detail"] == mediation.NOT_MEDIATED
    assert headers["x-backend"] == "soap"
    assert upstream.calls == 0
