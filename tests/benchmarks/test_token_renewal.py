"""A full benchmark run outlasts an access token (15 minutes) and measures the writes last:
each scenario starts with a new token, so the writes are measured, not refused."""

import asyncio
from dataclasses import replace

from benchmarks.bench import BENCH_ENVIRONMENT
from benchmarks.runner import QUICK, Endpoints, discover_context, run_scenarios
from catalog_client.operations import DEMO_EDITOR, SCENARIOS
from tests.processes import live_stack

TINY = replace(QUICK, rounds=1, seconds=0.05, warmup_seconds=0.02, concurrency=(1,))
CREATE_DELETE = next(scenario for scenario in SCENARIOS if scenario.name == "create_delete")


def test_a_run_whose_first_token_has_expired_still_measures_every_write(tmp_path):
    with live_stack(tmp_path, books=20, env=BENCH_ENVIRONMENT) as stack:
        endpoints = Endpoints(stack.url("rest"), stack.url("soap"), stack.url("gateway"))

        async def run():
            ctx = await discover_context(endpoints, DEMO_EDITOR)
            ctx.token = "expired.long.ago"
            return await run_scenarios(
                endpoints, ctx, TINY, None, scenarios=(CREATE_DELETE,), credentials=DEMO_EDITOR
            )

        measured = asyncio.run(run())["create_delete"]
    assert measured["unavailable"] == []
    assert {name for name, f in measured["bytes"].items() if f["ok"]} == {
        "rest", "soap", "rest_gw", "soap_gw", "mediation"
    }  # fmt: skip
