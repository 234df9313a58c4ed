"""The report folder: results.json (every raw figure), report.md (tables and the claims, each
confirmed or refuted with this run's numbers) and PNG charts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from benchmarks.import_report import import_section

TARGET_LABELS = {
    "rest": "REST direct",
    "soap": "SOAP direct",
    "rest_gw": "REST via gateway",
    "soap_gw": "SOAP via gateway",
    "mediation": "REST over SOAP (mediation)",
}
HEADLINE_SCENARIOS = ("get_book", "list_10", "list_100", "list_1000", "search", "create_delete",
                      "bad_request")  # fmt: skip


def write_report(results: dict[str, Any], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    header, rows = headline(results)
    results = {**results, "headline": {"header": header, "rows": rows}}
    json_path = out_dir / "results.json"
    json_path.write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    from benchmarks.charts import write_charts
    from benchmarks.ladder_report import write_ladder_charts

    charts = [*write_charts(results, out_dir), *write_ladder_charts(results, out_dir)]
    report_path = out_dir / "report.md"
    report_path.write_text(render_markdown(results, [chart.name for chart in charts]))
    return [json_path, report_path, *charts]


# --- formatting helpers -------------------------------------------------------------------------


def _num(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}"


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def _spread(spread: dict[str, float] | None, digits: int = 2, unit: str = "") -> str:
    if not spread or not spread.get("n"):
        return "n/a"
    median, low, high = spread["median"], spread["low"], spread["high"]
    if spread["n"] == 1:
        return f"{median:.{digits}f}{unit}"
    return f"{median:.{digits}f}{unit} ({low:.{digits}f} to {high:.{digits}f})"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def total_bytes(figures: dict[str, Any], *, gz: bool) -> int:
    body = ("request_body_gzip", "response_body_gzip") if gz else ("request_body", "response_body")
    return figures["request_head"] + figures["response_head"] + sum(figures[k] for k in body)


def _summary(results: dict, scenario: str, target: str, level: int) -> dict | None:
    return (
        results["scenarios"].get(scenario, {}).get("summary", {}).get(target, {}).get(f"c{level}")
    )


def _pair(results: dict, scenario: str, pair: str, key: str) -> dict | None:
    return results["scenarios"].get(scenario, {}).get("ratios", {}).get(pair, {}).get(key)


def _median(spread: dict | None) -> float | None:
    return spread["median"] if spread and spread.get("n") else None


# --- sections -----------------------------------------------------------------------------------


def headline(results: dict) -> tuple[list[str], list[list[str]]]:
    """The headline table as (header, rows): per operation, bytes and the paired ratios at the
    highest concurrency measured. report.md shows it; results.json carries it (`headline`) for
    the gateway's /compare/ page, which reads the report's data, not this code."""
    high = max(results["meta"]["profile"]["concurrency"])
    rows = []
    for name in HEADLINE_SCENARIOS:
        scenario = results["scenarios"].get(name)
        if not scenario:
            continue
        figures = {name: f for name, f in scenario["bytes"].items() if f["ok"]}
        byte_ratio = scenario["byte_ratios"].get("soap/rest", {})
        rows.append([
            scenario["title"],
            _num(total_bytes(figures["rest"], gz=False)) if "rest" in figures else "n/a",
            _num(total_bytes(figures["soap"], gz=False)) if "soap" in figures else "n/a",
            _ratio(byte_ratio.get("raw")),
            _ratio(byte_ratio.get("gzip")),
            _spread(_pair(results, name, "soap/rest", f"throughput_c{high}")),
            _spread(_pair(results, name, "soap/rest", "p50_ms_c1")),
            _spread(_pair(results, name, "rest_gw/rest", f"throughput_c{high}")),
            _spread(_pair(results, name, "rest_gw/rest", "p50_added_ms_c1"), unit=" ms"),
        ])  # fmt: skip
    header = [
        "operation", "REST bytes", "SOAP bytes", "SOAP/REST bytes", "SOAP/REST bytes (gzip)",
        f"SOAP/REST throughput (c={high})", "SOAP/REST p50 latency (c=1)",
        f"gateway/direct throughput, REST (c={high})", "gateway added p50, REST (c=1)",
    ]  # fmt: skip
    return header, rows


def _bytes_detail(results: dict) -> str:
    rows = []
    for name, scenario in results["scenarios"].items():
        for target, f in scenario["bytes"].items():
            rows.append([
                name, TARGET_LABELS[target], _num(f["request_head"]), _num(f["request_body"]),
                _num(f["request_body_gzip"]), _num(f["response_head"]), _num(f["response_body"]),
                _num(f["response_body_gzip"]), " ".join(str(s) for s in f["statuses"]),
            ])  # fmt: skip
    header = ["operation", "target", "req head", "req body", "req body gzip", "resp head",
              "resp body", "resp body gzip", "status"]  # fmt: skip
    return _table(header, rows)


def _latency_detail(results: dict, levels: list[int]) -> str:
    rows = []
    for name, scenario in results["scenarios"].items():
        for target in scenario["summary"]:
            for level in levels:
                s = _summary(results, name, target, level)
                if not s:
                    continue
                server = ", ".join(
                    f"{k} {v:,.0f}" for k, v in s.get("server_cpu_us", {}).items() if v
                )
                rows.append([
                    name, TARGET_LABELS[target], str(level), _spread(s["throughput"], 0),
                    _spread(s["p50_ms"]), _spread(s["p90_ms"]), _spread(s["p99_ms"]),
                    server or "n/a", f"{s['client_cpu_share']['median']:.0%}",
                ])  # fmt: skip
    header = ["operation", "target", "concurrency", "ops/s", "p50 ms", "p90 ms", "p99 ms",
              "server CPU µs/op", "client CPU"]  # fmt: skip
    return _table(header, rows)


def _client_cpu(results: dict) -> str:
    rows = []
    for name, scenario in results["scenarios"].items():
        costs = scenario.get("client_cpu_us", {})
        if costs:
            rows.append([name] + [_num(costs.get(k), 0) for k in ("httpx+orjson", "lxml", "zeep")])
    return _table(
        ["operation", "REST: httpx + orjson µs", "SOAP: raw lxml µs", "SOAP: zeep µs"], rows
    )


def _gateway(results: dict, high: int) -> str:
    rows = []
    for name, scenario in results["scenarios"].items():
        for pair in ("rest_gw/rest", "soap_gw/soap", "mediation/rest_gw"):
            if pair in scenario.get("ratios", {}):
                rows.append([
                    name, pair, _spread(_pair(results, name, pair, "p50_added_ms_c1"), unit=" ms"),
                    _spread(_pair(results, name, pair, "p50_ms_c1")),
                    _spread(_pair(results, name, pair, f"throughput_c{high}")),
                ])  # fmt: skip
    header = [
        "operation",
        "pair",
        "added p50 (c=1)",
        "p50 ratio (c=1)",
        f"throughput ratio (c={high})",
    ]
    return _table(header, rows)


def _client_sentence(client_max: float) -> str:
    if client_max < 0.8:
        return (
            f"The client used at most {client_max:.0%} of one CPU in any run, so it was not "
            "the bottleneck."
        )
    return (
        f"**Caution:** the client used up to {client_max:.0%} of one CPU in some runs; those "
        "runs may understate the servers' throughput."
    )


def render_markdown(results: dict[str, Any], chart_names: list[str]) -> str:
    from benchmarks import claims
    from benchmarks.ladder_report import ladder_section, tracing_section

    meta = results["meta"]
    levels = meta["profile"]["concurrency"]
    high = max(levels)
    machine = meta["machine"]
    client_max = max(
        (run["client_cpu_share"] for s in results["scenarios"].values() for run in s["runs"]),
        default=0.0,
    )
    charts = "\n".join(f"![{name}]({name})" for name in chart_names)
    unavailable = {
        name: s["unavailable"] for name, s in results["scenarios"].items() if s["unavailable"]
    }
    missing = (
        "\n\nNot measured (the target did not answer the operation correctly): "
        + "; ".join(f"{k}: {', '.join(v)}" for k, v in unavailable.items())
        if unavailable
        else ""
    )
    return f"""# REST vs SOAP: what each costs

Run `{meta["profile"]["name"]}` on {meta["started"]}, catalog of {meta["books"]:,} books on
{meta["database"]}, commit `{machine["git_commit"]}`.

**Machine:** {machine["cpu"]}, {machine["logical_cpus"]} logical CPUs, {machine["memory_gib"]} GiB,
{machine["os"]}, Python {machine["python"]}; load average at start
{", ".join(f"{x:.2f}" for x in machine["load_average"])} (other work on the machine shows here).

**How it was measured.** The three services ran as real servers (`catalog serve`: gunicorn gthread
for REST and SOAP; for the gateway granian since 2026-11-30, uvicorn before). Load came from a
closed-loop asyncio client on raw sockets in a separate process (`catalog_client/wire.py`),
{", ".join(str(c) for c in levels)} connection(s), {meta["profile"]["seconds"]} s per run,
{meta["profile"]["rounds"]} rounds, targets alternating with the order rotated every round, after
a warm-up. Figures are medians over rounds with (min to max) in brackets; ratios are taken per
round from neighbouring runs, then summarised.
{_client_sentence(client_max)}
Bytes are counted on the wire, head and body apart. These scenarios send no `Accept-Encoding`, so
bodies go as they are; "gzip" is each body compressed here at level 6, for comparison. What
negotiated compression, the gateway's cache, sparse fields, batch reads and HTTP/2 buy is the
optimisation ladder below. SOAP is SOAP 1.1 with hand-written envelopes.{missing}

## Headline

{_table(*headline(results))}

## The claims, tested

{claims.render(results)}

## The optimisation ladder

{ladder_section(results)}

## Tracing on vs off

{tracing_section(results)}

## Gateway and mediation overhead

{_gateway(results, high)}

## Client CPU to build the request and read the response

{_client_cpu(results)}

## Bytes on the wire

{_bytes_detail(results)}

## Latency, throughput and server CPU

{_latency_detail(results, levels)}

## Bulk import (jobs)

{import_section(results.get("import"))}

## Charts

{charts}
"""
