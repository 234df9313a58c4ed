"""Runs every scenario against every target and collects the raw figures.

Fairness rules, so a noisy shared machine cannot fake a difference:
- every (scenario, concurrency) round runs all targets back to back, and the order rotates from
  round to round;
- ratios (SOAP/REST, gateway/direct) are computed per round from runs that sat next to each
  other, then summarised as a median with its spread;
- each target gets a warm-up before it is measured;
- the client's own CPU share is recorded with every run, to show it was not the bottleneck.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
import psutil

from benchmarks.load import LoadResult, run_load
from benchmarks.stats import Spread, paired_difference, paired_ratio, percentile
from catalog_client.exchanges import sample_exchanges
from catalog_client.operations import (
    SCENARIOS,
    Context,
    Scenario,
    Target,
    token_request,
)
from catalog_client.wire import WireRequest, WireResponse, fetch

Samples = dict[str, list[tuple[WireRequest, WireResponse]]]
ClientCpuProbe = Callable[[Scenario, Context, Samples], dict[str, float]]
"""Measures client-side CPU for a scenario from its sampled exchanges, per target name."""

RATIO_PAIRS = (("soap", "rest"), ("rest_gw", "rest"), ("soap_gw", "soap"), ("mediation", "rest_gw"))


@dataclass(frozen=True)
class Profile:
    name: str
    books: int
    rounds: int
    seconds: float
    warmup_seconds: float
    concurrency: tuple[int, ...]
    cpu_iterations: int
    import_lines: int = 2_000
    """Lines of the bulk-import figure's NDJSON file (benchmarks/import_rate.py)."""


# quick: a smoke run of about 2 minutes, all figures but few samples (8 connections, not 16:
# a closed loop waits for 16 in-flight 1,000-book pages at the end of every run)
QUICK = Profile("quick", books=1000, rounds=2, seconds=0.2, warmup_seconds=0.05,
                concurrency=(1, 8), cpu_iterations=3)  # fmt: skip
FULL = Profile("full", books=20_000, rounds=5, seconds=3.0, warmup_seconds=1.0,
               concurrency=(1, 16), cpu_iterations=100, import_lines=100_000)  # fmt: skip


def address(url: str) -> tuple[str, int]:
    """`http://host:port` as (host, port)."""
    host, _, port = url.removeprefix("http://").rstrip("/").rpartition(":")
    return host, int(port)


@dataclass(frozen=True)
class Endpoints:
    rest: str
    soap: str
    gateway: str

    def targets(self) -> list[Target]:
        rest, soap, gateway = address(self.rest), address(self.soap), address(self.gateway)
        return [
            Target("rest", "rest", *rest, "/api/v2"),
            Target("soap", "soap", *soap, "/soap/catalog/"),
            Target("rest_gw", "rest", *gateway, "/api/v2"),
            Target("soap_gw", "soap", *gateway, "/soap/catalog/"),
            Target("mediation", "rest", *gateway, "/api/v2", (("X-Backend", "soap"),)),
        ]


class ServerCpu:
    """CPU seconds used so far by each server's process tree (gunicorn master and workers)."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = dict(pids)
        self.processes = {name: psutil.Process(pid) for name, pid in pids.items()}

    def snapshot(self) -> dict[str, float]:
        return {name: self._tree_cpu(process) for name, process in self.processes.items()}

    @staticmethod
    def _tree_cpu(process: psutil.Process) -> float:
        total = 0.0
        for member in [process, *process.children(recursive=True)]:
            try:
                times = member.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
        return total


async def access_token(endpoints: Endpoints, credentials: tuple[str, str]) -> str:
    rest = Endpoints.targets(endpoints)[0]
    token = await fetch(rest.host, rest.port, token_request(*credentials))
    if token.status != 200:
        raise RuntimeError(f"could not get a token from {endpoints.rest}: {token.status}")
    return orjson.loads(token.body)["access"]


async def discover_context(endpoints: Endpoints, credentials: tuple[str, str]) -> Context:
    """A token for the editor and a real book, author, publisher and ETag to work with."""
    rest = Endpoints.targets(endpoints)[0]
    token = await access_token(endpoints, credentials)
    listing = await fetch(rest.host, rest.port, WireRequest("GET", "/api/v2/books/?page_size=50"))
    books = orjson.loads(listing.body)["results"]
    if not books:
        raise RuntimeError("the catalog under test is empty")
    book = books[len(books) // 2]
    detail = await fetch(rest.host, rest.port, WireRequest("GET", f"/api/v2/books/{book['id']}/"))
    return Context(
        book_id=book["id"],
        author_id=book["authors"][0]["id"],
        publisher_id=book["publisher"]["id"],
        token=token,
        etag=detail.headers.get("etag", '"1"'),
    )


def applicable(scenario: Scenario, targets: list[Target]) -> list[Target]:
    wanted = [t for t in targets if t.protocol in scenario.protocols]
    if scenario.name == "conditional_get":
        return [t for t in wanted if t.name in ("rest", "rest_gw")]
    return wanted


def byte_figures(
    scenario: Scenario, target: Target, exchanges: list[tuple[WireRequest, WireResponse]]
) -> dict[str, Any]:
    """Bytes of one operation on the wire (head and body apart) and gzip-compressed bodies."""
    figures: dict[str, Any] = dict.fromkeys(
        ("request_head", "request_body", "response_head", "response_body",
         "request_body_gzip", "response_body_gzip"), 0,
    )  # fmt: skip
    for request, response in exchanges:
        figures["request_head"] += len(request.head(target.authority))
        figures["request_body"] += len(request.body)
        figures["response_head"] += len(response.head)
        figures["response_body"] += response.body_wire_bytes
        figures["request_body_gzip"] += _gzip_size(request.body)
        figures["response_body_gzip"] += _gzip_size(response.body)
    figures["statuses"] = [response.status for _, response in exchanges]
    figures["ok"] = figures["statuses"][-1] in scenario.expected
    return figures


def _gzip_size(body: bytes) -> int:
    return len(gzip.compress(body, 6)) if body else 0


def _run_record(result: LoadResult, cpu_before: dict, cpu_after: dict) -> dict[str, Any]:
    operations = max(result.operations, 1)
    return {
        "operations": result.operations,
        "throughput": result.throughput,
        "p50_ms": percentile(result.latencies, 0.50) * 1000,
        "p90_ms": percentile(result.latencies, 0.90) * 1000,
        "p99_ms": percentile(result.latencies, 0.99) * 1000,
        "errors": result.errors,
        "statuses": {str(status): count for status, count in result.statuses.items()},
        "client_cpu_share": result.client_cpu_share,
        "server_cpu_us": {
            name: (cpu_after[name] - cpu_before[name]) / operations * 1e6 for name in cpu_after
        },
    }


async def measure_load(
    scenario: Scenario, target: Target, ctx: Context, concurrency: int, seconds: float,
    servers: ServerCpu | None,
) -> dict[str, Any]:  # fmt: skip
    before = servers.snapshot() if servers else {}
    result = await run_load(target.host, target.port, scenario.operation(target, ctx),
                            concurrency=concurrency, seconds=seconds)  # fmt: skip
    after = servers.snapshot() if servers else {}
    return _run_record(result, before, after)


def summarise(runs: list[dict[str, Any]], targets: list[str], levels: tuple[int, ...]) -> dict:
    summary: dict[str, Any] = {}
    for target in targets:
        summary[target] = {}
        for level in levels:
            mine = [r for r in runs if r["target"] == target and r["concurrency"] == level]
            summary[target][f"c{level}"] = {
                key: Spread.of([r[key] for r in mine]).as_dict()
                for key in ("throughput", "p50_ms", "p90_ms", "p99_ms", "client_cpu_share")
            }
            summary[target][f"c{level}"]["server_cpu_us"] = {
                name: Spread.of([r["server_cpu_us"][name] for r in mine]).median
                for name in (mine[0]["server_cpu_us"] if mine else {})
            }
    return summary


def paired_ratios(runs: list[dict[str, Any]], levels: tuple[int, ...]) -> dict[str, Any]:
    ratios: dict[str, Any] = {}
    for numerator, denominator in RATIO_PAIRS:
        pair: dict[str, Any] = {}
        for level in levels:
            top = _by_round(runs, numerator, level)
            bottom = _by_round(runs, denominator, level)
            rounds = sorted(top.keys() & bottom.keys())
            if not rounds:
                continue
            for key in ("throughput", "p50_ms"):
                pair[f"{key}_c{level}"] = paired_ratio(
                    [top[r][key] for r in rounds], [bottom[r][key] for r in rounds]
                ).as_dict()
            pair[f"p50_added_ms_c{level}"] = paired_difference(
                [top[r]["p50_ms"] for r in rounds], [bottom[r]["p50_ms"] for r in rounds]
            ).as_dict()
        if pair:
            ratios[f"{numerator}/{denominator}"] = pair
    return ratios


def _by_round(runs: list[dict[str, Any]], target: str, level: int) -> dict[int, dict[str, Any]]:
    return {r["round"]: r for r in runs if r["target"] == target and r["concurrency"] == level}


def byte_ratios(figures: dict[str, dict[str, Any]]) -> dict[str, Any]:
    def total(name: str, gz: bool) -> int:
        f = figures[name]
        if gz:
            return (
                f["request_head"]
                + f["request_body_gzip"]
                + f["response_head"]
                + f["response_body_gzip"]
            )
        return f["request_head"] + f["request_body"] + f["response_head"] + f["response_body"]

    ratios = {}
    for numerator, denominator in RATIO_PAIRS:
        if numerator in figures and denominator in figures:
            ratios[f"{numerator}/{denominator}"] = {
                "raw": total(numerator, False) / total(denominator, False),
                "gzip": total(numerator, True) / total(denominator, True),
                "response_body": (
                    figures[numerator]["response_body"] / figures[denominator]["response_body"]
                    if figures[denominator]["response_body"] else None
                ),
            }  # fmt: skip
    return ratios


async def run_scenarios(
    endpoints: Endpoints,
    ctx: Context,
    profile: Profile,
    servers: ServerCpu | None,
    tick: Callable[[str], None] = lambda _label: None,
    scenarios: tuple[Scenario, ...] = SCENARIOS,
    client_cpu: ClientCpuProbe | None = None,
    credentials: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """Bytes, warm-up, then `profile.rounds` rounds of load per scenario and concurrency.

    With `credentials`, each scenario starts with a new access token: a full run outlasts a
    token's lifetime (JWT_ACCESS_MINUTES, 15 by default), and the writes come last."""
    all_targets = endpoints.targets()
    results: dict[str, Any] = {}
    for scenario in scenarios:
        if credentials is not None:
            ctx.token = await access_token(endpoints, credentials)
        targets = applicable(scenario, all_targets)
        samples = {t.name: await sample_exchanges(scenario, t, ctx) for t in targets}
        figures = {t.name: byte_figures(scenario, t, samples[t.name]) for t in targets}
        working = [t for t in targets if figures[t.name]["ok"]]
        for target in working:
            await measure_load(scenario, target, ctx, 1, profile.warmup_seconds, None)
        runs = []
        for round_number in range(profile.rounds):
            order = (
                working[round_number % len(working) :] + working[: round_number % len(working)]
                if working
                else []
            )
            for level in profile.concurrency:
                for target in order:
                    tick(f"{scenario.name} {target.name} c={level}")
                    record = await measure_load(
                        scenario, target, ctx, level, profile.seconds, servers
                    )
                    runs.append(
                        {
                            "round": round_number,
                            "target": target.name,
                            "concurrency": level,
                            **record,
                        }
                    )
        for target in targets:
            if target not in working:
                for _ in range(profile.rounds * len(profile.concurrency)):
                    tick(f"{scenario.name} {target.name} skipped")
        results[scenario.name] = {
            "title": scenario.title,
            "client_cpu_us": (
                client_cpu(scenario, ctx, {t.name: samples[t.name] for t in working})
                if client_cpu
                else {}
            ),
            "bytes": figures,
            "byte_ratios": byte_ratios({n: f for n, f in figures.items() if f["ok"]}),
            "unavailable": [t.name for t in targets if t not in working],
            "runs": runs,
            "summary": summarise(runs, [t.name for t in working], profile.concurrency),
            "ratios": paired_ratios(runs, profile.concurrency),
        }
    return results


def planned_runs(
    endpoints: Endpoints, profile: Profile, scenarios: tuple[Scenario, ...] = SCENARIOS
) -> int:
    targets = endpoints.targets()
    per_round = sum(len(applicable(s, targets)) for s in scenarios) * len(profile.concurrency)
    return per_round * profile.rounds
