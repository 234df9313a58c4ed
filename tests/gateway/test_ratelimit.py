"""Rate limits: exact at the boundary, draft-11 headers on every counted response, a
quota-exceeded problem (or a Client.RateLimited fault) with Retry-After, budgets per policy and
subject, and what happens when Redis is gone."""

import asyncio
import re
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from prometheus_client import REGISTRY

from catalog_contract.namespaces import SOAP11_ENVELOPE as SOAP11_ENV
from catalog_contract.namespaces import SOAP12_ENVELOPE as SOAP12_ENV
from gateway.ratelimit import MemoryWindow, Policy, RateLimiter, RedisWindow
from tests import tokens
from tests.gateway.fakes import FakeTime, run
from tests.processes import free_port

QUOTA_EXCEEDED = "https://iana.org/assignments/http-problem-types#quota-exceeded"


@pytest.fixture
def tight_limits(gateway_settings):
    gateway_settings.GATEWAY_RATELIMIT_ANONYMOUS = "3/minute"
    gateway_settings.GATEWAY_RATELIMIT_USER = "5/minute"
    gateway_settings.GATEWAY_RATELIMIT_WRITES = "2/minute"
    gateway_settings.GATEWAY_RATELIMIT_METADATA = "8/minute"
    return gateway_settings


def test_n_requests_are_allowed_and_the_next_is_refused(harness_factory, tight_limits):
    async def scenario(gw):
        replies = [await gw.request("GET", "/api/v2/books/") for _ in range(4)]
        return replies, len(gw.rest.requests)

    replies, reached = harness_factory(scenario)
    assert [reply.status for reply in replies] == [200, 200, 200, 429]
    assert reached == 3
    assert {reply.header("ratelimit-policy") for reply in replies} == {'"anonymous";q=3;w=60'}
    remaining = [re.match(r'"anonymous";r=(\d+);t=(\d+)$', r.header("ratelimit")) for r in replies]
    assert [int(match.group(1)) for match in remaining] == [2, 1, 0, 0]
    assert all(0 < int(match.group(2)) <= 60 for match in remaining)


def test_a_refusal_is_a_quota_exceeded_problem_with_retry_after(harness_factory, tight_limits):
    async def scenario(gw):
        for _ in range(3):
            await gw.request("GET", "/api/v2/books/")
        return await gw.request("GET", "/api/v2/books/")

    refused = harness_factory(scenario)
    assert refused.header("content-type") == "application/problem+json"
    problem = refused.json()
    assert (problem["type"], problem["status"]) == (QUOTA_EXCEEDED, 429)
    assert problem["violated-policies"] == ["anonymous"]
    assert 0 < int(refused.header("retry-after")) <= 60


@pytest.mark.parametrize(
    ("path", "envelope", "content_type", "status", "code"),
    [
        ("/soap/catalog/", SOAP11_ENV, "text/xml", 500, b"<faultcode>soap:Client.RateLimited"),
        (
            "/soap12/catalog/",
            SOAP12_ENV,
            "application/soap+xml",
            400,
            b"<soap:Value>soap:Sender</soap:Value><soap:Subcode><soap:Value>tns:RateLimited",
        ),
    ],
)
def test_a_soap_client_is_refused_with_a_rate_limited_fault_it_can_read(
    harness_factory, tight_limits, path, envelope, content_type, status, code
):
    """500 (SOAP 1.1) and 400 (SOAP 1.2 Sender): JAX-WS reads a fault body on no other status."""
    body = (
        f'<s:Envelope xmlns:s="{envelope}"><s:Body>'
        '<GetBook xmlns="urn:bookcatalog:soap:v1"><id>1</id></GetBook></s:Body></s:Envelope>'
    ).encode()

    async def scenario(gw):
        headers = [("Content-Type", content_type)]
        return [await gw.request("POST", path, headers=headers, body=body) for _ in range(4)]

    refused = harness_factory(scenario)[-1]
    assert refused.status == status
    assert code in refused.body and b"<tns:code>quota_exceeded</tns:code>" in refused.body
    assert refused.header("retry-after") and refused.header("ratelimit")


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/soap/catalog/", b"wsdl"),
        ("/soap12/catalog/", b"WSDL"),
        ("/api/schema/", b""),
        ("/api/docs/", b""),
        ("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js", b""),
        ("/.well-known/jwks.json", b""),
    ],
)
def test_metadata_has_its_own_budget_and_leaves_the_anonymous_one_alone(
    harness_factory, tight_limits, path, query
):
    """A JAX-WS application downloads the WSDL for every client object it creates."""

    async def scenario(gw):
        documents = [await gw.request("GET", path, query=query) for _ in range(9)]
        read = await gw.request("GET", "/api/v2/books/")
        return documents, read

    documents, read = harness_factory(scenario)
    assert [reply.status for reply in documents[:8]] == [200] * 8
    assert documents[8].status != 200 and documents[8].header("retry-after")
    assert documents[0].header("ratelimit-policy") == '"metadata";q=8;w=60'
    assert (read.status, read.header("ratelimit")) == (200, '"anonymous";r=2;t=60')


def test_a_soap_post_is_not_metadata_even_with_wsdl_in_its_query(harness_factory, tight_limits):
    body = (
        f'<s:Envelope xmlns:s="{SOAP11_ENV}"><s:Body>'
        '<GetBook xmlns="urn:bookcatalog:soap:v1"><id>1</id></GetBook></s:Body></s:Envelope>'
    ).encode()

    async def scenario(gw):
        headers = [("Content-Type", "text/xml")]
        return await gw.request("POST", "/soap/catalog/", headers=headers, body=body, query=b"wsdl")

    assert harness_factory(scenario).header("ratelimit-policy") == '"anonymous";q=3;w=60'


def test_a_token_holder_spends_the_user_budget_wherever_it_comes_from(
    harness_factory, tight_limits
):
    token = tokens.mint(sub="42", scope="catalog:read")

    async def scenario(gw):
        headers = [("Authorization", f"Bearer {token}")]
        return [
            await gw.request("GET", "/api/v2/books/", headers=headers, client=(f"10.0.0.{n}", 1))
            for n in range(6)
        ]

    replies = harness_factory(scenario)
    assert [reply.status for reply in replies] == [200] * 5 + [429]
    assert replies[0].header("ratelimit-policy") == '"user";q=5;w=60'


def test_anonymous_budgets_are_per_client_address(harness_factory, tight_limits):
    async def scenario(gw):
        first = [
            await gw.request("GET", "/api/v2/books/", client=("10.0.0.1", 1)) for _ in range(4)
        ]
        other = await gw.request("GET", "/api/v2/books/", client=("10.0.0.2", 1))
        return [reply.status for reply in first], other.status

    assert harness_factory(scenario) == ([200, 200, 200, 429], 200)


def test_writes_have_their_own_policy(harness_factory, tight_limits):
    token = tokens.mint(sub="7", scope="catalog:read catalog:write")

    async def scenario(gw):
        headers = [("Authorization", f"Bearer {token}")]
        writes = [await gw.request("POST", "/api/v2/books/", headers=headers) for _ in range(3)]
        read = await gw.request("GET", "/api/v2/books/", headers=headers)
        return writes, read

    writes, read = harness_factory(scenario)
    assert [reply.status for reply in writes] == [200, 200, 429]
    assert writes[0].header("ratelimit-policy") == '"writes";q=2;w=60'
    assert (read.status, read.header("ratelimit")) == (200, '"user";r=4;t=60')


def test_refusals_are_counted_in_metrics(harness_factory, tight_limits):
    def refused() -> float:
        value = REGISTRY.get_sample_value(
            "gateway_ratelimit_rejections_total", {"policy": "anonymous"}
        )
        return value or 0.0

    async def scenario(gw):
        for _ in range(5):
            await gw.request("GET", "/api/v2/books/", client=("10.9.9.9", 1))

    before = refused()
    harness_factory(scenario)
    assert refused() == before + 2


# Redis: shared by replicas, and failing.


def _limiter(url: str, namespace: str, *, fail_open: bool = True) -> RateLimiter:
    policy = Policy("user", 10, 60)
    return RateLimiter(
        RedisWindow(url, timeout=0.5, max_connections=8),
        anonymous=policy,
        user=policy,
        writes=policy,
        metadata=policy,
        namespace=namespace,
        fail_open=fail_open,
    )


def test_two_limiters_sharing_redis_allow_exactly_n_of_a_burst(redis_url):
    namespace = f"test-gw-{uuid.uuid4().hex[:8]}"

    async def scenario():
        replicas = [_limiter(redis_url, namespace), _limiter(redis_url, namespace)]
        policy = replicas[0].user
        try:
            decisions = await asyncio.gather(
                *(replicas[n % 2].check(policy, "sub:1") for n in range(25))
            )
            keys = await replicas[0].window.redis.keys(f"{namespace}:*")
            await replicas[0].window.redis.delete(*keys)
        finally:
            for replica in replicas:
                await replica.close()
        return decisions, keys

    decisions, keys = run(scenario())
    assert sum(decision.allowed for decision in decisions) == 10
    assert sorted(d.remaining for d in decisions if d.allowed) == list(range(10))
    assert keys == [f"{namespace}:rl:user:sub:1".encode()]


def _failures() -> float:
    return REGISTRY.get_sample_value("gateway_ratelimit_redis_failures_total") or 0.0


def test_with_redis_unreachable_requests_pass_when_failing_open(harness_factory, gateway_settings):
    gateway_settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/3"
    gateway_settings.GATEWAY_RATELIMIT_FAIL_OPEN = True

    async def scenario(gw):
        return await gw.request("GET", "/api/v2/books/"), len(gw.rest.requests)

    before = _failures()
    reply, reached = harness_factory(scenario)
    assert (reply.status, reached) == (200, 1)
    assert reply.header("ratelimit-policy") == '"anonymous";q=60;w=60'
    assert reply.header("ratelimit") is None  # nothing is known about what remains
    assert _failures() == before + 1


def test_with_redis_unreachable_requests_are_refused_when_failing_closed(
    harness_factory, gateway_settings
):
    gateway_settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/3"
    gateway_settings.GATEWAY_RATELIMIT_FAIL_OPEN = False

    async def scenario(gw):
        return await gw.request("GET", "/api/v2/books/"), len(gw.rest.requests)

    before = _failures()
    reply, reached = harness_factory(scenario)
    assert (reply.status, reached) == (503, 0)
    assert reply.json()["type"] == "https://bookcatalog.example/problems/service-unavailable"
    assert reply.header("retry-after") == "1"
    assert _failures() == before + 1


def in_process_limiter(time: FakeTime) -> RateLimiter:
    user = Policy("user", 600, 60)
    return RateLimiter(
        MemoryWindow(clock=time.clock),
        anonymous=user,
        user=user,
        writes=user,
        metadata=user,
        namespace="test-gw",
        fail_open=True,
    )


def ratelimit_header(limiter: RateLimiter) -> bytes:
    decision = run(limiter.check(limiter.user, "sub:reader"))
    return dict(decision.headers())[b"ratelimit"]


def test_the_in_process_window_never_reports_more_seconds_than_it_lasts():
    """At this instant, now + 60 - now is 60.0000000000009 in floating point."""
    limiter = in_process_limiter(FakeTime(start=8161.962517661547))
    assert ratelimit_header(limiter) == b'"user";r=599;t=60'


def test_t_counts_down_to_when_the_oldest_counted_request_leaves_the_window():
    time = FakeTime()
    limiter = in_process_limiter(time)
    ratelimit_header(limiter)
    time.advance(15)
    assert ratelimit_header(limiter) == b'"user";r=598;t=45'


def test_policies_are_written_as_n_per_unit_or_n_per_seconds():
    assert Policy.parse("user", "600/minute") == Policy("user", 600, 60)
    assert Policy.parse("user", "5/30") == Policy("user", 5, 30)
    assert Policy.parse("user", "1000/hour").header == b'"user";q=1000;w=3600'
    assert Policy.parse("user", "10/ Days") == Policy("user", 10, 86400)
    with pytest.raises(ImproperlyConfigured, match="60/minute or 60/60"):
        Policy.parse("user", "lots")


def test_a_policy_with_an_unknown_unit_is_refused():
    with pytest.raises(ImproperlyConfigured, match="got '60/fortnight'"):
        Policy.parse("user", "60/fortnight")


def test_soap_with_ws_security_spends_the_user_budget_of_its_address(harness_factory, tight_limits):
    wsse = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
    body = (
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>'
        f'<wsse:Security xmlns:wsse="{wsse}"><wsse:UsernameToken><wsse:Username>reader'
        "</wsse:Username></wsse:UsernameToken></wsse:Security></s:Header><s:Body>"
        '<GetBook xmlns="urn:bookcatalog:soap:v1"><id>1</id></GetBook></s:Body></s:Envelope>'
    ).encode()

    async def scenario(gw):
        call = {"headers": [("Content-Type", "text/xml")], "body": body}
        return [await gw.request("POST", "/soap/catalog/", **call) for _ in range(6)]

    replies = harness_factory(scenario)
    assert [reply.status for reply in replies] == [200] * 5 + [500]
    assert b"Client.RateLimited" in replies[-1].body
    assert replies[0].header("ratelimit-policy") == '"user";q=5;w=60'
