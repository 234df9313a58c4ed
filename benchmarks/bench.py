"""`catalog bench`: seed a catalog in its own database, start the three services as real servers
(or use running ones), run every scenario, write the report folder.

    catalog bench --quick                 # about 2 minutes, a 1,000-book catalog
    catalog bench --out benchmarks/results # the full profile, as committed
    catalog bench --rest-url http://127.0.0.1:8001 --soap-url ... --gateway-url ...
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from benchmarks import machine, optimisations, tracing_cost
from benchmarks.clientcpu import client_costs
from benchmarks.import_rate import measure_import
from benchmarks.report import write_report
from benchmarks.runner import (
    Endpoints,
    Profile,
    Samples,
    ServerCpu,
    access_token,
    discover_context,
    planned_runs,
    run_scenarios,
)
from catalog_cli.stack import Stack, live_stack
from catalog_client.operations import DEMO_EDITOR, Context, Scenario, soap_call

BENCH_ENVIRONMENT = {
    # The benchmark measures the gateway's work, not its refusals: limits far above the load.
    "GATEWAY_RATELIMIT_ANONYMOUS": "100000000/minute",
    "GATEWAY_RATELIMIT_USER": "100000000/minute",
    "GATEWAY_RATELIMIT_WRITES": "100000000/minute",
    # One access-log line per request is part of the gateway's work, but not to a terminal.
    "GATEWAY_ACCESS_LOG": "false",
    # Untraced, whatever the shell says: tracing's cost is measured apart (tracing_cost.py).
    **tracing_cost.UNTRACED,
    # The gateway as a proxy: its response cache would answer every repeated read. What the
    # cache buys is the ladder's step, measured on a second gateway with it on (ladder.py).
    "GATEWAY_CACHE_ENABLED": "false",
}


@contextmanager
def _services(
    profile: Profile, urls: Endpoints | None
) -> Iterator[tuple[Endpoints, ServerCpu | None, str, Stack | None]]:
    """The services measured; the stack too when this run started it (the import figure needs
    its database and runs a worker beside it)."""
    if urls:
        yield urls, None, "the running services given by URL", None
        return
    with (
        tempfile.TemporaryDirectory(prefix="catalog-bench-") as tmp,
        live_stack(Path(tmp), books=profile.books, env=BENCH_ENVIRONMENT) as stack,
    ):
        endpoints = Endpoints(stack.url("rest"), stack.url("soap"), stack.url("gateway"))
        pids = {
            name: server.process.pid for name, server in stack.servers.items() if server.process
        }
        database = stack.env["DATABASE_URL"].split(":", 1)[0]
        yield (
            endpoints,
            ServerCpu(pids),
            "PostgreSQL" if database.startswith("postgres") else "SQLite",
            stack,
        )


def _zeep(endpoints: Endpoints) -> Any | None:
    try:
        import zeep

        return zeep.Client(f"{endpoints.soap}/soap/catalog/?wsdl")
    except Exception:  # a SOAP service that cannot serve its WSDL: zeep figures are skipped
        return None


def _client_probe(endpoints: Endpoints, iterations: int):
    zeep_client = _zeep(endpoints)

    def probe(scenario: Scenario, ctx: Context, samples: Samples) -> dict[str, float]:
        rest = samples.get("rest")
        soap = samples.get("soap")
        rest_input = (endpoints.rest, rest[0][0], rest[0][1].body) if rest else None
        soap_input = None
        if soap and "soap" in scenario.protocols:
            soap_input = (soap_call(scenario.name, ctx), soap[0][1].body)
        return client_costs(rest_input, soap_input, zeep_client, iterations=iterations)

    return probe


def _scenario_lines(progress: Progress) -> Callable[[str], None]:
    """Without a terminal (CI, nohup, a pipe) rich draws the bar only once, at the end: say
    when each scenario starts instead, so a log shows the run moving."""
    current = [""]

    def started(label: str) -> None:
        scenario = label.split(" ", 1)[0]
        if not progress.console.is_terminal and scenario != current[0]:
            current[0] = scenario
            progress.console.print(f"measuring {scenario}")

    return started


def _import_figures(
    stack: Stack | None, endpoints: Endpoints, profile: Profile
) -> dict[str, Any] | None:
    """The bulk-import section, on a stack this run started (it reseeds that database)."""
    if stack is None:
        return None
    print(f"measuring the bulk import ({profile.import_lines:,} lines) and catalog seed")
    token = asyncio.run(access_token(endpoints, DEMO_EDITOR))
    logs = stack.servers["rest"].log_path.parent  # the stack's own folder, beside its servers'
    return measure_import(stack, token, profile.import_lines, logs)


def run_bench(profile: Profile, out_dir: Path, *, urls: Endpoints | None = None) -> list[Path]:
    started, described = datetime.now(UTC), machine.describe()
    with _services(profile, urls) as (endpoints, servers, database, stack):
        ctx = asyncio.run(discover_context(endpoints, DEMO_EDITOR))
        columns = (TextColumn("{task.description:<34}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())  # fmt: skip
        with Progress(*columns) as progress:
            total = planned_runs(endpoints, profile) + optimisations.planned(profile, stack)
            task = progress.add_task("benchmark", total=total)
            scenario_started = _scenario_lines(progress)

            def tick(label: str) -> None:
                progress.update(task, advance=1, description=label)
                scenario_started(label)

            scenarios = asyncio.run(
                run_scenarios(endpoints, ctx, profile, servers, tick,
                              client_cpu=_client_probe(endpoints, profile.cpu_iterations),
                              credentials=DEMO_EDITOR)
            )  # fmt: skip
            more = optimisations.measure(endpoints, servers, stack, ctx, profile, tick)
        bulk_import = _import_figures(stack, endpoints, profile)
    results = {
        "meta": {
            "profile": asdict(profile),
            "books": profile.books,
            "database": database,
            "endpoints": asdict(endpoints),
            "started": started.isoformat(timespec="seconds"),
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {**described, "load_average_end": machine.describe()["load_average"]},
        },
        "scenarios": scenarios,
        **more,
        "import": bulk_import,
    }
    return write_report(results, out_dir)
