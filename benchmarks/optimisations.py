"""The benchmark's sections beyond the scenarios: the optimisation ladder (ladder.py), then
tracing on vs off (tracing_cost.py), on the services `catalog bench` measures."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import ladder, tracing_cost
from benchmarks.runner import Endpoints, Profile, ServerCpu, address
from catalog_cli.stack import Stack
from catalog_client.operations import Context


def measure(
    endpoints: Endpoints, servers: ServerCpu | None, stack: Stack | None, ctx: Context,
    profile: Profile, tick: Callable[[str], None],
) -> dict[str, Any]:  # fmt: skip
    """The optimisation ladder, then tracing on vs off. On services started here, the steps
    from the cache on go to a second gateway with its cache on, and the traced services are
    started next to the untraced ones; on services given by URL, neither."""
    rounds, seconds, high = profile.rounds, profile.seconds, max(profile.concurrency)
    if stack is None or servers is None:
        ladder_figures = asyncio.run(
            ladder.run_ladder(address(endpoints.gateway), ctx.book_id, rounds=rounds,
                              seconds=seconds, high=high, cpu=None, tick=tick)
        )  # fmt: skip
        skipped = {"skipped": "the services were not started here", "reads": {}}
        return {"ladder": ladder_figures, "tracing": skipped}
    with tempfile.TemporaryDirectory(prefix="catalog-bench-more-") as logs:
        (Path(logs) / "cached").mkdir()
        (Path(logs) / "traced").mkdir()
        with ladder.cached_gateway(stack, Path(logs) / "cached") as cached:
            assert cached.process is not None
            cpu = ServerCpu({**servers.pids, "gateway (cache on)": cached.process.pid})
            ladder_figures = asyncio.run(
                ladder.run_ladder(("127.0.0.1", cached.port), ctx.book_id, rounds=rounds,
                                  seconds=seconds, high=high, cpu=cpu.snapshot,
                                  uncached=address(endpoints.gateway), tick=tick)
            )  # fmt: skip
        with tracing_cost.traced_stack(stack, Path(logs) / "traced") as traced:
            tracing = asyncio.run(
                tracing_cost.measure(stack, traced, ctx, rounds=rounds, seconds=seconds,
                                     high=high, tick=tick)
            )  # fmt: skip
    return {"ladder": ladder_figures, "tracing": tracing}


def planned(profile: Profile, stack: Stack | None) -> int:
    """Runs these sections make, for the progress bar (tracing only on a stack started here)."""
    traced = tracing_cost.planned(profile.rounds) if stack is not None else 0
    return ladder.planned(profile.rounds) + traced
