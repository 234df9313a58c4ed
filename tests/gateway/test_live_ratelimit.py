"""Two gateway processes sharing one Redis: together they allow exactly N requests of a burst,
and refuse the rest."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import redis

from tests.processes import live_stack, second_process

LIMIT = 20


def test_two_gateways_sharing_redis_allow_exactly_n_and_refuse_n_plus_1(tmp_path, redis_url):
    namespace = f"test-gw-live-{uuid.uuid4().hex[:8]}"
    env = {
        "REDIS_URL": redis_url,
        "GATEWAY_RATELIMIT_NAMESPACE": namespace,
        "GATEWAY_RATELIMIT_ANONYMOUS": f"{LIMIT}/minute",
    }
    with live_stack(tmp_path, services=("rest", "gateway"), books=5, env=env) as stack:
        second = second_process(stack, "gateway", tmp_path)
        second.start()
        replicas = [stack.url("gateway"), second.base_url]
        try:

            def get(n: int) -> httpx.Response:
                return httpx.get(replicas[n % 2] + "/api/v2/genres/", timeout=30)

            with ThreadPoolExecutor(max_workers=8) as pool:
                responses = list(pool.map(get, range(LIMIT + 10)))
        finally:
            second.stop()
            client = redis.Redis.from_url(redis_url)
            for key in client.scan_iter(f"{namespace}:*"):
                client.delete(key)

    statuses = [response.status_code for response in responses]
    assert statuses.count(200) == LIMIT
    assert statuses.count(429) == 10
    served_by = {n % 2 for n, response in enumerate(responses) if response.status_code == 200}
    assert served_by == {0, 1}
    refused = next(response for response in responses if response.status_code == 429)
    assert refused.headers["RateLimit"].startswith('"anonymous";r=0;t=')
    assert int(refused.headers["Retry-After"]) >= 1
