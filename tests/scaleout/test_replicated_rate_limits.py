"""Two gateway replicas sharing Redis limit a client as one gateway would: a client alternating
between them gets exactly N answers and then a 429, and the remaining budget each replica
reports is the one shared count. A client on loopback cannot buy itself a fresh budget by writing
its own X-Forwarded-For (no proxy is trusted in front of these replicas)."""

from __future__ import annotations

import itertools
import re

import httpx

from tests.scaleout.conftest import READER, USER_LIMIT


def _remaining(response: httpx.Response) -> int:
    return int(re.search(r";r=(\d+);", response.headers["RateLimit"]).group(1))


def test_a_client_alternating_between_replicas_gets_exactly_n_then_429(replicas):
    headers = {"Authorization": f"Bearer {replicas.token(user=READER)}"}  # only user reading
    responses = [
        httpx.get(f"{replicas.urls[n % 2]}/api/v2/genres/", headers=headers, timeout=30)
        for n in range(USER_LIMIT + 1)
    ]
    assert [r.status_code for r in responses] == [200] * USER_LIMIT + [429]
    assert [_remaining(r) for r in responses] == [*range(USER_LIMIT - 1, -1, -1), 0]
    refused = responses[-1]
    assert refused.headers["RateLimit-Policy"] == f'"user";q={USER_LIMIT};w=60'
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["violated-policies"] == ["user"]


def test_a_forged_x_forwarded_for_does_not_open_a_new_budget(replicas):
    responses = [
        httpx.get(
            f"{replicas.urls[n % 2]}/api/v2/genres/",
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
            timeout=30,
        )
        for n in range(6)
    ]
    assert {r.status_code for r in responses} == {200}
    remaining = [_remaining(r) for r in responses]
    assert [a - b for a, b in itertools.pairwise(remaining)] == [1] * 5
