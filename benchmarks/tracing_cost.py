"""What tracing costs (issue 15): one read through the gateway with every request traced against
the same read untraced, as ratios of paired rounds.

The untraced side is the benchmark's own stack (OTEL_SDK_DISABLED=true: nothing installed). The
traced side is a second gateway, REST and SOAP on the same database, started with the sampler
`always_on` and the local trace store (CATALOG_TRACE_STORE, as `make run` keeps traces): every
request makes its gateway, service and SQL spans and writes them to var/traces/. The spans those
processes wrote are checked (no span, no figure) and then deleted.

Figures per read (a REST book GET and a SOAP GetBook): traced/untraced throughput at the highest
concurrency, p50 at one connection, and server CPU per request (the three processes' trees).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import psutil

from benchmarks.load import run_load
from benchmarks.runner import ServerCpu
from benchmarks.stats import Spread, paired_ratio, percentile
from catalog_cli.stack import ServerProcess, Stack, second_process
from catalog_client.operations import Context, Operation, Scenario, Target
from telemetry.tracing import trace_directory

UNTRACED = {"OTEL_SDK_DISABLED": "true", "CATALOG_TRACE_STORE": "false"}
TRACED = {"OTEL_SDK_DISABLED": "false", "CATALOG_TRACE_STORE": "true",
          "OTEL_TRACES_SAMPLER": "always_on"}  # fmt: skip
SINK = "the local trace store (var/traces/, as `make run` keeps traces)"
READ = Scenario("get_book", "Get one book")
SERVICES = ("rest", "soap", "gateway")


@contextmanager
def traced_stack(stack: Stack, log_dir: Path) -> Iterator[dict[str, ServerProcess]]:
    """REST, SOAP and a gateway in front of them, like `stack`'s but traced; stopped after,
    and the spans they stored deleted."""
    servers: dict[str, ServerProcess] = {}
    pids: set[int] = set()
    try:
        with ExitStack() as cleanup:
            for name in SERVICES:
                server = second_process(stack, name, log_dir)
                server.env.update(TRACED)
                if name == "gateway":
                    server.env["GATEWAY_REST_URL"] = servers["rest"].base_url
                    server.env["GATEWAY_SOAP_URL"] = servers["soap"].base_url
                cleanup.callback(server.stop)
                server.start()
                servers[name] = server
            pids = _pids(servers)
            yield servers
    finally:
        for path in _span_files(pids):
            path.unlink(missing_ok=True)


def _pids(servers: dict[str, ServerProcess]) -> set[int]:
    pids = set()
    for server in servers.values():
        if server.process is None:
            continue
        tree = psutil.Process(server.process.pid)
        pids |= {tree.pid, *(child.pid for child in tree.children(recursive=True))}
    return pids


def _span_files(pids: set[int]) -> list[Path]:
    return [
        path
        for path in trace_directory().glob("*.jsonl*")
        if path.name.split(".", 1)[0].rsplit("-", 1)[-1] in {str(pid) for pid in pids}
    ]


def _target(protocol: str, server: ServerProcess) -> Target:
    path = "/api/v2" if protocol == "rest" else "/soap/catalog/"
    return Target(f"{protocol}_gw", protocol, "127.0.0.1", server.port, path)


async def _round(
    operation: Operation, target: Target, high: int, seconds: float,
    cpu: Callable[[], dict[str, float]],
) -> dict[str, float]:  # fmt: skip
    single = await run_load(target.host, target.port, operation, concurrency=1, seconds=seconds)
    before = cpu()
    loaded = await run_load(target.host, target.port, operation, concurrency=high,
                            seconds=seconds)  # fmt: skip
    used = sum(cpu().values()) - sum(before.values())
    return {
        "p50_ms": percentile(single.latencies, 0.5) * 1000,
        "throughput": loaded.throughput,
        "server_cpu_us": used / max(loaded.operations, 1) * 1e6,
    }


def summarise(rounds: dict[str, list[dict[str, float]]]) -> dict[str, Any]:
    """Traced over untraced, paired round by round (pure: tested with fed figures)."""
    on, off = rounds["on"], rounds["off"]

    def ratio(key: str) -> dict[str, float]:
        return paired_ratio([r[key] for r in on], [r[key] for r in off]).as_dict()

    def side(figures: list[dict[str, float]]) -> dict[str, Any]:
        return {key: Spread.of([r[key] for r in figures]).as_dict()
                for key in ("p50_ms", "throughput", "server_cpu_us")}  # fmt: skip

    return {
        "throughput_ratio": ratio("throughput"),
        "p50_ratio": ratio("p50_ms"),
        "server_cpu_ratio": ratio("server_cpu_us"),
        "on": side(on),
        "off": side(off),
    }


async def measure(
    stack: Stack, traced: dict[str, ServerProcess], ctx: Context, *, rounds: int,
    seconds: float, high: int, tick: Callable[[str], None] = lambda _label: None,
) -> dict[str, Any]:  # fmt: skip
    """Both reads, untraced and traced in alternating order, `rounds` times; then the check
    that the traced side did record spans."""
    sides = {"off": (stack.servers, ServerCpu(_root_pids(stack.servers))),
             "on": (traced, ServerCpu(_root_pids(traced)))}  # fmt: skip
    reads: dict[str, Any] = {}
    for protocol in ("rest", "soap"):
        figures: dict[str, list[dict[str, float]]] = {"off": [], "on": []}
        for number in range(rounds):
            for name in ("off", "on") if number % 2 == 0 else ("on", "off"):
                servers, cpu = sides[name]
                target = _target(protocol, servers["gateway"])
                tick(f"tracing {protocol} {name}")
                figures[name].append(
                    await _round(READ.operation(target, ctx), target, high, seconds, cpu.snapshot)
                )
        reads[protocol] = summarise(figures)
    spans = sum(path.read_bytes().count(b"\n") for path in _span_files(_pids(traced)))
    if not spans:
        return {"skipped": "the traced services recorded no span", "reads": {}}
    return {"sampler": "always_on", "sink": SINK, "spans": spans, "concurrency": high,
            "rounds": rounds, "reads": reads}  # fmt: skip


def _root_pids(servers: dict[str, ServerProcess]) -> dict[str, int]:
    return {name: s.process.pid for name, s in servers.items() if s.process}


def planned(rounds: int) -> int:
    return 2 * 2 * rounds
