"""Tracing's cost is stated as traced over untraced, each round's ratio first: fed figures."""

import pytest

from benchmarks.tracing_cost import summarise


def figures(*throughputs: float) -> list[dict]:
    return [{"throughput": t, "p50_ms": 1000 / t, "server_cpu_us": t * 10} for t in throughputs]


def test_ratios_are_taken_round_by_round_then_summarised():
    summary = summarise({"on": figures(80, 90, 45), "off": figures(100, 100, 50)})
    ratio = summary["throughput_ratio"]
    assert (ratio["median"], ratio["low"], ratio["high"], ratio["n"]) == (
        pytest.approx(0.9), pytest.approx(0.8), pytest.approx(0.9), 3)  # fmt: skip
    assert summary["p50_ratio"]["median"] == pytest.approx(1 / 0.9)
    assert summary["on"]["throughput"]["median"] == 80
    assert summary["off"]["throughput"]["median"] == 100
