"""The optimisation ladder measures a step only when the running stack shows its feature at
work, and says "not available in this build" otherwise: judged from the answers themselves
(fed here), and against a live service that lacks the gateway's features."""

import asyncio
import gzip

import brotli
import orjson
import pytest

from benchmarks import ladder
from catalog_client.wire import WireResponse
from tests.processes import live_stack

PAGE_IDS = list(range(101, 201))
ROWS = {row.key: row for row in ladder.ladder_rows(("127.0.0.1", 8000), 7, PAGE_IDS)}
BOOK = orjson.dumps({"id": 7, "title": "T", "price": {"amount": "1.00", "currency": "EUR"},
                     "isbn": "9780000000000"})  # fmt: skip


def answer(body: bytes, coding: str = "identity", **headers: str) -> WireResponse:
    sent = {"gzip": gzip.compress, "br": brotli.compress}.get(coding, lambda b: b)(body)
    fields = {k.replace("_", "-"): v for k, v in headers.items()}
    if coding != "identity":
        fields["content-encoding"] = coding
    head = "".join(f"{k}: {v}\r\n" for k, v in fields.items()).encode()
    return WireResponse(200, b"HTTP/1.1 200 OK\r\n" + head + b"\r\n", sent, len(sent), fields)


def judged(key: tuple[str, str, str], *answers: WireResponse) -> ladder.Probe:
    row = ROWS[key]
    return ladder.judge(
        row, [(request, a) for request, a in zip(row.requests, answers, strict=True)]
    )


def test_each_group_has_every_step_and_sparse_fields_are_rest_only():
    steps = {(group, step) for group, step, _ in ROWS}
    assert {step for group, step in steps if group == "book"} == {
        "plain", "gzip", "br", "cache", "fields", "h1", "h2"}  # fmt: skip
    assert {"singles", "batch"} <= {step for group, step in steps if group == "page"}
    assert ("book", "fields", "soap") not in ROWS and ("book", "fields", "rest") in ROWS


def test_steps_before_the_cache_ask_it_to_pass_and_later_ones_do_not():
    assert ("Cache-Control", "no-cache") in ROWS[("page", "br", "rest")].target.headers
    assert ("Cache-Control", "no-cache") not in ROWS[("page", "cache", "rest")].target.headers


def test_the_batch_step_asks_for_the_page_ids_in_order():
    (rest,) = ROWS[("page", "batch", "rest")].requests
    assert rest.path.endswith("?ids=" + ",".join(map(str, PAGE_IDS)))
    assert len(ROWS[("page", "singles", "soap")].requests) == len(PAGE_IDS)


def test_a_compressed_answer_counts_the_bytes_as_sent_and_the_identity_size():
    body = BOOK * 50
    probe = judged(("page", "br", "rest"), answer(body, "br", vary="Accept-Encoding"))
    assert probe.available and probe.coding == "br"
    assert probe.bytes["wire_body"] == len(brotli.compress(body))
    assert probe.bytes["identity_body"] == len(body)


def test_an_identity_answer_without_vary_means_no_compression_in_this_build():
    probe = judged(("page", "gzip", "soap"), answer(b"<x/>" * 500))
    assert not probe.available
    assert probe.reason.startswith("not available in this build: answered identity")


def test_a_small_body_sent_as_it_is_by_a_compressing_build_is_measured_with_a_note():
    probe = judged(("book", "gzip", "rest"), answer(BOOK, vary="Accept-Encoding"))
    assert probe.available and probe.coding == "identity"
    assert "compression threshold" in probe.note


def test_the_cache_step_needs_a_hit_in_cache_status():
    key = ("book", "cache", "rest")
    assert judged(key, answer(BOOK, cache_status="catalog-gw; hit")).available
    missing = judged(key, answer(BOOK))
    assert not missing.available and "not a cache hit" in missing.reason


def test_a_hit_where_the_cache_was_asked_to_pass_is_noted():
    probe = judged(("book", "plain", "rest"), answer(BOOK, cache_status="catalog-gw; hit"))
    assert "did not honour" in probe.note


def test_sparse_fields_must_be_exactly_the_asked_ones_in_order():
    key = ("book", "fields", "rest")
    sparse = orjson.dumps({"id": 7, "title": "T", "price": {"amount": "1.00"}})
    assert judged(key, answer(sparse)).available
    assert not judged(key, answer(BOOK)).available


def test_a_rest_batch_must_answer_the_asked_books_in_order():
    key = ("page", "batch", "rest")
    books = [{"id": book_id} for book_id in PAGE_IDS]
    assert judged(key, answer(orjson.dumps({"results": books}))).available
    assert not judged(key, answer(orjson.dumps({"results": books[::-1]}))).available


def test_a_soap_batch_is_read_from_the_book_elements():
    key = ("page", "batch", "soap")
    books = "".join(f"<tns:book><tns:id>{book_id}</tns:id></tns:book>" for book_id in PAGE_IDS)
    body = f'<r xmlns:tns="urn:x"><tns:books>{books}</tns:books></r>'.encode()
    assert judged(key, answer(body)).available
    assert not judged(key, answer(body.replace(b">101<", b">999<"))).available


def test_an_error_status_is_not_a_step():
    refused = WireResponse(404, b"HTTP/1.1 404 Not Found\r\n\r\n", b"", 0, {})
    probe = judged(("book", "plain", "soap"), refused)
    assert not probe.available and "404" in probe.reason


@pytest.fixture(scope="module")
def rest_only(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ladder-live")
    with live_stack(folder, services=("rest",), books=10, env={"REDIS_URL": ""}) as stack:
        yield stack


def test_against_a_plain_rest_service_the_gateway_features_are_not_available(rest_only):
    """The REST service stands in for a gateway without cache, HTTP/2 or SOAP: those steps
    are refused with their reason, while its own compression is measured."""
    port = rest_only.servers["rest"].port
    rows = {row.key: row for row in ladder.ladder_rows(("127.0.0.1", port), 1, [1, 2])}

    async def probe(key):
        return await ladder.probe(rows[key], ("127.0.0.1", port))

    gzip_page = asyncio.run(probe(("page", "gzip", "rest")))
    assert gzip_page.available and gzip_page.coding == "gzip"
    for key, reason in (
        (("page", "cache", "rest"), "not a cache hit"),
        (("book", "h2", "rest"), "does not speak HTTP/2"),
        (("book", "plain", "soap"), "answered 404"),
        (("page", "batch", "soap"), "the WSDL has no GetBooks operation"),
    ):
        probe_result = asyncio.run(probe(key))
        assert not probe_result.available, key
        assert probe_result.reason.startswith("not available in this build"), key
        assert reason in probe_result.reason, key


def measured_row(step: str, *throughputs: float, available: bool = True) -> dict:
    rounds = [{"throughput": value} for value in throughputs]
    return {"group": "page", "step": step, "protocol": "rest", "available": available,
            "rounds": rounds}  # fmt: skip


def test_a_gain_is_over_the_nearest_available_baseline_paired_by_round():
    rows = [measured_row("br", 100, 200), measured_row("cache", available=False),
            measured_row("fields", 300, 300)]  # fmt: skip
    ladder.gains(rows)
    fields = rows[2]
    assert fields["baseline"] == "br"
    assert (fields["gain"]["low"], fields["gain"]["high"]) == (1.5, 3.0)
    assert "gain" not in rows[0]
