"""`catalog compare`: one operation's exact REST and SOAP exchanges side by side with their sizes,
against running services (directly, or through the gateway)."""

import re

import httpx
import pytest

from tests.processes import free_port, live_stack, run_catalog

CATALOG_COMPARE = ["compare"]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with live_stack(tmp_path_factory.mktemp("compare"), books=20) as running:
        yield running


@pytest.fixture(scope="module")
def cli_env(stack):
    return {
        **stack.env,
        "COLUMNS": "240",
        "CATALOG_REST_PORT": str(stack.servers["rest"].port),
        "CATALOG_SOAP_PORT": str(stack.servers["soap"].port),
        "CATALOG_GATEWAY_PORT": str(stack.servers["gateway"].port),
    }


@pytest.fixture(scope="module")
def book(stack):
    return httpx.get(stack.url("rest", "/api/v2/books/?page_size=1")).json()["results"][0]


def _sizes(output: str) -> tuple[int, int]:
    match = re.search(r"total, as sent\s*│?\s*([\d,]+)\s*│?\s*([\d,]+)", output)
    assert match, output
    return int(match[1].replace(",", "")), int(match[2].replace(",", ""))


def test_get_book_shows_both_exchanges_and_their_sizes(cli_env, book):
    output = run_catalog([*CATALOG_COMPARE, "get-book", str(book["id"])], cli_env)
    assert f"GET /api/v2/books/{book['id']}/ HTTP/1.1" in output
    assert "GetBook" in output and "Envelope" in output
    assert book["isbn"] in output
    rest_bytes, soap_bytes = _sizes(output)
    assert 0 < rest_bytes < soap_bytes
    assert re.search(r"status\s*│?\s*200\s*│?\s*200", output)


def test_sizes_are_as_sent_in_the_negotiated_coding_and_in_identity(cli_env):
    output = run_catalog([*CATALOG_COMPARE, "list-books", "50"], cli_env)
    assert output.count("Accept-Encoding: br, gzip") == 2
    assert re.search(r"response coding\s*│?\s*br\s*│?\s*br", output)
    sent = _sizes(output)
    identity = re.search(r"total, identity bodies\s*│?\s*([\d,]+)\s*│?\s*([\d,]+)", output)
    assert identity, output
    assert all(s < int(i.replace(",", "")) for s, i in zip(sent, identity.groups(), strict=True))


def test_without_accept_encoding_the_bodies_go_as_they_are(cli_env):
    output = run_catalog([*CATALOG_COMPARE, "list-books", "50", "--accept-encoding", ""], cli_env)
    assert "Accept-Encoding:" not in output
    assert re.search(r"response coding\s*│?\s*identity\s*│?\s*identity", output)


def test_list_books_through_the_gateway_carries_the_gateways_headers(cli_env):
    output = run_catalog([*CATALOG_COMPARE, "list-books", "5", "--via-gateway"], cli_env)
    assert "GET /api/v2/books/?page_size=5 HTTP/1.1" in output
    assert "ListBooks" in output
    assert output.lower().count("ratelimit-policy:") == 2


def test_a_page_size_out_of_range_is_one_error_line(cli_env):
    with pytest.raises(RuntimeError, match="list-books takes a page size from 1 to 1000"):
        run_catalog([*CATALOG_COMPARE, "list-books", "0"], cli_env)


def test_services_that_are_not_running_are_named_in_one_error_line(cli_env):
    env = {**cli_env, "CATALOG_REST_PORT": str(free_port()), "CATALOG_SOAP_PORT": str(free_port())}
    refusal = r"cannot reach the services .*start them with `make run`"
    with pytest.raises(RuntimeError, match=refusal):
        run_catalog([*CATALOG_COMPARE, "get-book", "1"], env)
