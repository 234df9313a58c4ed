"""PNG charts for the report (matplotlib, headless)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from benchmarks.report import HEADLINE_SCENARIOS, TARGET_LABELS, total_bytes

TARGETS = ("rest", "soap", "rest_gw", "soap_gw", "mediation")


def _grouped_bars(
    ax: Any, groups: list[str], series: dict[str, list[float]], errors: dict | None = None
) -> None:
    width = 0.8 / max(len(series), 1)
    for index, (label, values) in enumerate(series.items()):
        positions = [g + index * width - 0.4 + width / 2 for g in range(len(groups))]
        ax.bar(positions, values, width, label=label,
               yerr=(errors or {}).get(label), capsize=2)  # fmt: skip
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(groups, rotation=20, ha="right")
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)


def _save(fig: Any, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _scenarios(results: dict) -> list[str]:
    return [name for name in HEADLINE_SCENARIOS if name in results["scenarios"]]


def bytes_chart(results: dict, path: Path) -> Path:
    names = _scenarios(results)
    series: dict[str, list[float]] = {}
    for protocol in ("rest", "soap"):
        for gz in (False, True):
            label = f"{protocol.upper()} {'gzip' if gz else 'raw'}"
            series[label] = [
                total_bytes(results["scenarios"][n]["bytes"][protocol], gz=gz)
                if protocol in results["scenarios"][n]["bytes"] else 0
                for n in names
            ]  # fmt: skip
    fig, ax = plt.subplots(figsize=(9, 4.5))
    _grouped_bars(ax, names, series)
    ax.set_yscale("log")
    ax.set_ylabel("bytes per operation (request + response)")
    ax.set_title("Bytes on the wire")
    return _save(fig, path)


def _metric_chart(
    results: dict, path: Path, *, level: int, metric: str, title: str, ylabel: str
) -> Path:
    names = _scenarios(results)
    series, errors = {}, {}
    for target in TARGETS:
        medians, low, high = [], [], []
        for name in names:
            spread = (
                results["scenarios"][name]["summary"]
                .get(target, {})
                .get(f"c{level}", {})
                .get(metric)
            )
            median = spread["median"] if spread else 0.0
            medians.append(median)
            low.append(median - spread["low"] if spread else 0.0)
            high.append(spread["high"] - median if spread else 0.0)
        if any(medians):
            series[TARGET_LABELS[target]] = medians
            errors[TARGET_LABELS[target]] = [low, high]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    _grouped_bars(ax, names, series, errors)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    return _save(fig, path)


def client_cpu_chart(results: dict, path: Path) -> Path:
    names = [n for n in _scenarios(results) if results["scenarios"][n].get("client_cpu_us")]
    series = {
        kind: [results["scenarios"][n]["client_cpu_us"].get(kind, 0.0) for n in names]
        for kind in ("httpx+orjson", "lxml", "zeep")
    }
    fig, ax = plt.subplots(figsize=(9, 4.5))
    _grouped_bars(ax, names, series)
    ax.set_yscale("log")
    ax.set_ylabel("client CPU µs per operation")
    ax.set_title("Client cost: build the request, read the response")
    return _save(fig, path)


def write_charts(results: dict[str, Any], out_dir: Path) -> list[Path]:
    levels = results["meta"]["profile"]["concurrency"]
    high = max(levels)
    return [
        bytes_chart(results, out_dir / "bytes.png"),
        _metric_chart(
            results,
            out_dir / "throughput.png",
            level=high,
            metric="throughput",
            title=f"Throughput at concurrency {high} (median, min to max)",
            ylabel="operations per second",
        ),
        _metric_chart(
            results,
            out_dir / "latency.png",
            level=1,
            metric="p50_ms",
            title="Median latency at concurrency 1",
            ylabel="ms",
        ),
        client_cpu_chart(results, out_dir / "client_cpu.png"),
    ]
