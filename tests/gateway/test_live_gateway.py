"""The gateway as `make run` serves it (granian, `catalog serve gateway`) in front of the real
REST and SOAP services: routing, version negotiation, tokens, headers, metrics and readiness
end to end over loopback."""

import http.client
import re
from urllib.parse import urlsplit

import httpx
import pytest

from tests.gateway.html import links, loaded_urls
from tests.processes import live_stack

EDITOR = {"username": "editor", "password": "editor-pass"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gateway-live")
    env = {"GATEWAY_RATELIMIT_NAMESPACE": "live-gw", "REDIS_URL": ""}
    with live_stack(folder, services=("rest", "soap", "gateway"), books=30, env=env) as stack:
        yield stack


@pytest.fixture(scope="module")
def gateway(stack):
    with httpx.Client(base_url=stack.url("gateway"), timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def editor_token(gateway):
    response = gateway.post("/auth/token/", json=EDITOR)
    assert response.status_code == 200, response.text
    return response.json()["access"]


def test_a_token_from_the_gateway_opens_a_write_through_it(gateway, editor_token):
    first = gateway.get("/api/v2/books/", params={"page_size": 1}).json()["results"][0]
    book = {**first, "isbn": "9780000000026", "title": "Through the gateway"}
    created = gateway.post(
        "/api/v2/books/", json=book, headers={"Authorization": f"Bearer {editor_token}"}
    )
    assert created.status_code == 201, created.text
    assert created.json()["title"] == "Through the gateway"
    assert created.headers["RateLimit-Policy"] == '"writes";q=60;w=60'


def test_unversioned_paths_are_negotiated_end_to_end(gateway):
    latest = gateway.get("/api/books/", params={"page_size": 1})
    v1 = gateway.get("/api/books/", params={"page_size": 1}, headers={"Accept-Version": "1"})
    vendor = gateway.get(
        "/api/books/",
        params={"page_size": 1},
        headers={"Accept": "application/vnd.bookcatalog.v1+json"},
    )
    assert latest.status_code == v1.status_code == vendor.status_code == 200
    assert isinstance(latest.json()["results"][0]["publisher"], dict)  # v2 nests
    assert "publisher_id" in v1.json()["results"][0]  # v1 is flat
    assert vendor.json() == v1.json()
    assert "Deprecation" in v1.headers and "Deprecation" not in latest.headers


def test_links_the_service_builds_point_at_the_gateway(gateway, stack):
    page = gateway.get("/api/v2/books/", params={"page_size": 2}).json()
    assert urlsplit(page["next"]).netloc == urlsplit(stack.url("gateway")).netloc


def test_an_unknown_version_is_refused_by_the_gateway(gateway):
    response = gateway.get("/api/v3/books/")
    assert response.status_code == 404
    assert response.json()["supported_versions"] == ["v1", "v2"]


def test_a_traversal_path_is_refused_before_it_is_forwarded(stack):
    where = urlsplit(stack.url("gateway"))
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
    connection.request("GET", "/api/v2/../../admin/")
    response = connection.getresponse()
    assert response.status == 400
    assert response.getheader("Content-Type") == "application/problem+json"
    connection.close()


def test_every_response_carries_request_id_timing_and_rate_limit_headers(gateway):
    response = gateway.get(
        "/api/v2/books/", params={"page_size": 1}, headers={"X-Request-ID": "e2e-1"}
    )
    assert response.headers["X-Request-ID"] == "e2e-1"
    assert re.fullmatch(r'"anonymous";r=\d+;t=\d+', response.headers["RateLimit"])
    assert response.headers["RateLimit-Policy"] == '"anonymous";q=60;w=60'
    assert response.headers["Server-Timing"].startswith("gateway;dur=")
    assert response.headers.get_list("Server") == ["granian"]
    assert len(response.headers.get_list("Date")) == 1


def test_a_bad_token_is_refused_even_on_a_read(gateway, editor_token):
    response = gateway.get("/api/v2/books/", headers={"Authorization": f"Bearer {editor_token}x"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith(
        'Bearer realm="catalog", error="invalid_token"'
    )


def test_the_wsdl_through_the_gateway_names_the_gateway(gateway, stack):
    response = gateway.get("/soap/catalog/", params={"wsdl": ""})
    assert response.status_code == 200
    gateway_netloc = urlsplit(stack.url("gateway")).netloc
    addresses = re.findall(rb'location="([^"]+)"', response.content)
    assert addresses and all(urlsplit(a.decode()).netloc == gateway_netloc for a in addresses)


def test_clients_that_reread_the_wsdl_keep_their_read_budget(gateway):
    """More WSDL downloads than the anonymous policy's 60 a minute, as a JAX-WS application
    creating client objects makes them: all served, and reads are still allowed afterwards."""
    wsdls = [gateway.get("/soap12/catalog/", params={"wsdl": ""}) for _ in range(65)]
    assert {response.status_code for response in wsdls} == {200}
    assert wsdls[-1].headers["RateLimit-Policy"] == '"metadata";q=600;w=60'
    read = gateway.get("/api/v2/genres/")
    assert read.status_code == 200 and read.headers["RateLimit-Policy"].startswith('"anonymous"')


def test_metrics_count_the_requests(gateway):
    def served_reads():
        text = gateway.get("/metrics").text
        pattern = r'gateway_requests_total\{route="read",status="200",upstream="rest"\} (\S+)'
        match = re.search(pattern, text)
        return float(match.group(1)) if match else 0.0

    before = served_reads()
    gateway.get("/api/v2/genres/")
    assert served_reads() == before + 1


def test_readyz_reports_upstreams_and_keys(gateway):
    response = gateway.get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["upstreams"]["rest"]["reachable"] and body["upstreams"]["soap"]["reachable"]
    assert body["jwks"]["loaded"]
    assert body["redis"] == {"configured": False}


def test_every_link_on_the_front_page_answers(gateway):
    listed = links(gateway.get("/").text)
    assert "/api/docs/" in listed and "/soap12/catalog/?wsdl" in listed
    assert {url: gateway.get(url).status_code for url in listed} == dict.fromkeys(listed, 200)


def test_swagger_ui_loads_everything_it_needs_through_the_gateway(gateway):
    page = gateway.get("/api/docs/")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    loaded = loaded_urls(page.text)
    assert "/api/schema/" in loaded and len(loaded) >= 4
    assert {url: gateway.get(url).status_code for url in loaded} == dict.fromkeys(loaded, 200)
