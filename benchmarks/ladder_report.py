"""The report's optimisation ladder and tracing sections, and the ladder's two charts, all drawn
from results.json (`ladder`, `tracing`), so a committed run re-renders without re-measuring."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from benchmarks.report import _median, _table

PROTOCOLS = {"rest": "REST", "soap": "SOAP"}
LADDER_CHARTS = ("ladder_bytes.png", "ladder_throughput.png")


def _steps(ladder: dict[str, Any], group: str) -> list[tuple[str, str]]:
    """(step, title) of a group, in the ladder's order."""
    seen: dict[str, str] = {}
    for row in ladder.get("rows", []):
        if row["group"] == group:
            seen.setdefault(row["step"], row["title"])
    return list(seen.items())


def _row(ladder: dict[str, Any], group: str, step: str, protocol: str) -> dict[str, Any] | None:
    for row in ladder.get("rows", []):
        if (row["group"], row["step"], row["protocol"]) == (group, step, protocol):
            return row
    return None


def _cells(row: dict[str, Any] | None) -> list[str]:
    """bytes (coding), p50, ops/s, gain, server CPU: five cells for one protocol."""
    if row is None:
        return ["n/a: no such step in this protocol", "", "", "", ""]
    if not row["available"]:
        return [row["reason"] or "not available in this build", "", "", "", ""]
    sizes = row["bytes"]
    coded = f"{sizes['total']:,} ({row['coding']}; identity body {sizes['identity_body']:,})"
    p50 = _median(row["p50_ms"])
    p50_text = "n/a" if p50 is None else f"{p50:.2f}"
    if row["p50_concurrency"] != 1:
        p50_text += f" (c={row['p50_concurrency']})"
    throughput = _median(row["throughput"])
    gain = _median(row.get("gain"))
    cpu = _median(row.get("server_cpu_us"))
    return [
        coded,
        p50_text,
        "n/a" if throughput is None else f"{throughput:,.0f}",
        f"{gain:.2f}x vs {row['baseline']}" if gain is not None else "",
        "n/a" if cpu is None else f"{cpu:,.0f}",
    ]


def ladder_tables(ladder: dict[str, Any]) -> str:
    if not ladder.get("rows"):
        return f"Not measured: {ladder.get('skipped', 'no ladder figures in this run')}."
    high = ladder["concurrency"]
    header = ["step"]
    for name in PROTOCOLS.values():
        header += [f"{name} bytes (coding)", f"{name} p50 ms", f"{name} ops/s (c={high})",
                   f"{name} gain", f"{name} server CPU µs/op"]  # fmt: skip
    out = []
    for group, title in ladder["groups"].items():
        rows = [
            [
                step_title,
                *(cell for p in PROTOCOLS for cell in _cells(_row(ladder, group, step, p))),
            ]
            for step, step_title in _steps(ladder, group)
        ]
        out.append(f"### {title}\n\n{_table(header, rows)}{_notes(ladder, group)}")
    return "\n\n".join(out)


def _notes(ladder: dict[str, Any], group: str) -> str:
    notes = [
        f"- {PROTOCOLS[row['protocol']]}, {row['title']}: {row['note']}"
        for row in ladder["rows"]
        if row["group"] == group and row.get("note")
    ]
    return "\n\n" + "\n".join(notes) if notes else ""


def ladder_section(results: dict[str, Any]) -> str:
    ladder = results.get("ladder", {})
    before = ladder.get("before_cache", "the same gateway")
    how = (
        "Every step goes through the gateway, one step on top of the one before: the coding is "
        "negotiated with `Accept-Encoding` and the bytes are those of the raw responses (heads "
        "included; for HTTP/2 the connection's bytes per request, HPACK and framing included). "
        f"Steps before the cache go to {before}. An operation is one request, "
        "but for the single reads (100 requests on one connection, one after the other); its "
        "gain is its throughput over the step it replaces, paired round by round. Server CPU is "
        "the gateway's and the services' process trees (psutil) per operation, at the highest "
        "concurrency. A step whose feature the running build lacks says so instead of a figure."
    )
    return f"{how}\n\n{ladder_tables(ladder)}"


def tracing_section(results: dict[str, Any]) -> str:
    tracing = results.get("tracing", {})
    if not tracing.get("reads"):
        return f"Not measured: {tracing.get('skipped', 'no tracing figures in this run')}."
    rows = []
    for protocol, figures in tracing["reads"].items():
        rows.append([
            f"{PROTOCOLS[protocol]} book read through the gateway",
            _ratio(figures["throughput_ratio"]), _ratio(figures["p50_ratio"]),
            _ratio(figures["server_cpu_ratio"]),
        ])  # fmt: skip
    header = ["read", f"throughput on/off (c={tracing['concurrency']})", "p50 on/off (c=1)",
              "server CPU per request on/off"]  # fmt: skip
    return (
        f"Traced: sampler `{tracing['sampler']}`, spans to {tracing['sink']} "
        f"({tracing['spans']:,} spans recorded); untraced: `OTEL_SDK_DISABLED=true`, nothing "
        "installed. Ratios of paired rounds, median (min to max).\n\n" + _table(header, rows)
    )


def _ratio(spread: dict[str, Any]) -> str:
    if not spread.get("n"):
        return "n/a"
    return f"{spread['median']:.2f}x ({spread['low']:.2f} to {spread['high']:.2f})"


# --- charts -------------------------------------------------------------------------------------


def _chart(ladder: dict[str, Any], path: Path, *, value: str, ylabel: str) -> Path:
    groups = list(ladder.get("groups", {}).items())
    fig, axes = plt.subplots(1, max(len(groups), 1), figsize=(11, 4.5), squeeze=False)
    for ax, (group, title) in zip(axes[0], groups, strict=False):
        steps = _steps(ladder, group)
        width = 0.4
        for index, (protocol, label) in enumerate(PROTOCOLS.items()):
            values = [_value(_row(ladder, group, step, protocol), value) for step, _ in steps]
            positions = [n + (index - 0.5) * width for n in range(len(steps))]
            ax.bar(positions, values, width, label=label)
            for position, shown in zip(positions, values, strict=True):
                if not shown:
                    ax.text(position, 0, "n/a", rotation=90, ha="center", va="bottom", fontsize=7)
        ax.set_xticks(range(len(steps)))
        ax.set_xticklabels([step for step, _ in steps], rotation=30, ha="right")
        ax.set_title(title)
        ax.set_ylabel(ylabel)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("The optimisation ladder (n/a: not available in this build, or not this protocol)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _value(row: dict[str, Any] | None, value: str) -> float:
    if row is None or not row["available"]:
        return 0.0
    if value == "bytes":
        return float(row["bytes"]["total"])
    return _median(row[value]) or 0.0


def write_ladder_charts(results: dict[str, Any], out_dir: Path) -> list[Path]:
    ladder = results.get("ladder", {})
    if not ladder.get("rows"):
        return []
    high = ladder["concurrency"]
    return [
        _chart(ladder, out_dir / LADDER_CHARTS[0], value="bytes",
               ylabel="bytes per operation on the wire"),
        _chart(ladder, out_dir / LADDER_CHARTS[1], value="throughput",
               ylabel=f"operations per second (c={high})"),
    ]  # fmt: skip
