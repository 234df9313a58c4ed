"""`catalog bench floor`: what its rounds add up to (fed figures), and one tiny real run."""

from __future__ import annotations

import orjson

from benchmarks.floor import (
    GatewayRound,
    ReadRound,
    floor_rows,
    gateway_summary,
    reads_of,
    render,
)
from tests.processes import base_env, run_catalog

READS = {(read.what, read.protocol): read for read in reads_of(42)}
BOOK, PAGE = READS[("book", "REST v2")], READS[("page of 100", "SOAP 1.2")]


def test_a_reads_ratio_is_the_median_of_its_rounds_ratios_with_their_range():
    rounds = [ReadRound(500, 1000), ReadRound(900, 1500), ReadRound(300, 1000)]
    (row,) = floor_rows({BOOK: rounds})
    assert (row.ratio.median, row.ratio.low, row.ratio.high, row.ratio.n) == (0.5, 0.3, 0.6, 3)
    assert (row.read_rps, row.floor_rps) == (500, 1000)
    assert (row.target, row.meets_target) == (0.5, True)


def test_a_page_of_100_is_held_to_its_own_target():
    (row,) = floor_rows({PAGE: [ReadRound(190, 1000)]})
    assert (row.target, row.meets_target) == (0.2, False)


def test_the_gateway_pair_is_taken_round_by_round():
    rounds = [
        GatewayRound(direct_rps=1000, gateway_rps=850, direct_p50_ms=1.0, gateway_p50_ms=1.5,
                     gateway_cpu_us=900.0),
        GatewayRound(direct_rps=2000, gateway_rps=1500, direct_p50_ms=2.0, gateway_p50_ms=2.6,
                     gateway_cpu_us=1100.0),
    ]  # fmt: skip
    summary = gateway_summary(rounds)
    assert (summary.throughput_ratio.low, summary.throughput_ratio.high) == (0.75, 0.85)
    assert round(summary.added_p50_ms.median, 6) == 0.55
    assert summary.cpu_us is not None and summary.cpu_us.median == 1000.0
    assert summary.meets_targets is True


def test_the_gateway_misses_its_targets_when_it_adds_too_much_latency():
    rounds = [GatewayRound(1000, 900, 1.0, 1.8, None)]
    summary = gateway_summary(rounds)
    assert (summary.cpu_us, summary.meets_targets) == (None, False)


def test_the_gateways_own_time_is_the_median_of_its_rounds():
    rounds = [GatewayRound(1000, 900, 1.0, 1.8, None, gateway_own_p50_ms=own)
              for own in (0.6, 0.9, 0.7)]  # fmt: skip
    summary = gateway_summary(rounds)
    assert summary.own_p50_ms is not None
    assert (summary.own_p50_ms.median, summary.own_p50_ms.low) == (0.7, 0.6)


def test_the_table_says_how_much_of_the_added_latency_is_the_gateways_own_work():
    summary = gateway_summary([GatewayRound(1000, 900, 1.0, 3.0, None, gateway_own_p50_ms=0.8)])
    text = render([], summary, concurrency=8, note="x")
    assert "added p50 (c=1)                   +2.00 ms" in text
    assert "of which its own work (p50)     0.80 ms (0.80-0.80), by its Server-Timing" in text


def test_without_server_timing_the_table_has_no_own_work_line():
    summary = gateway_summary([GatewayRound(1000, 900, 1.0, 3.0, None)])
    assert summary.own_p50_ms is None
    assert "own work" not in render([], summary, concurrency=8, note="x")


def test_the_table_names_each_read_its_ratio_and_whether_it_met_its_target():
    rows = floor_rows({BOOK: [ReadRound(600, 1000)], PAGE: [ReadRound(100, 1000)]})
    text = render(
        rows, gateway_summary([GatewayRound(1000, 900, 1.0, 1.5, 800.0)]), concurrency=8, note="x"
    )
    assert "book         REST v2      0.60    0.60-0.60      600       1000  >=0.50 met" in text
    assert "page of 100  SOAP 1.2     0.10" in text and "MISSED" in text
    assert "gateway CPU per proxied request   0.80 ms" in text


def test_soap_12_reads_are_soap_12_envelopes_on_the_12_endpoint():
    request = PAGE.request
    assert (request.method, request.path) == ("POST", "/soap12/catalog/")
    assert dict(request.headers)["Content-Type"].startswith("application/soap+xml")
    assert b"http://www.w3.org/2003/05/soap-envelope" in request.body
    assert b"<tns:page_size>100</tns:page_size>" in request.body


def test_every_read_is_measured_in_both_protocols_and_versions():
    assert sorted(READS) == sorted(
        (what, protocol)
        for what in ("book", "page of 100")
        for protocol in ("REST v1", "REST v2", "SOAP 1.1", "SOAP 1.2")
    )


def test_a_tiny_run_prints_the_table_and_writes_its_figures(tmp_path):
    env = base_env(tmp_path, f"sqlite:///{tmp_path / 'floor.sqlite3'}", REDIS_URL="")
    out = tmp_path / "floor.json"
    args = ["bench", "floor", "--rounds", "1", "--seconds", "0.05", "--concurrency", "2",
            "--books", "20", "--out", str(out)]  # fmt: skip
    printed = run_catalog(args, env, timeout=180)
    assert printed.count(">=0.50") == 4 and printed.count(">=0.20") == 4, printed
    assert "gateway CPU per proxied request" in printed
    assert "of which its own work (p50)" in printed
    figures = orjson.loads(out.read_bytes())
    assert len(figures["reads"]) == 8
    assert all(read["ratio"]["median"] > 0 for read in figures["reads"])
    assert figures["gateway"]["cpu_us"]["median"] > 0
    assert 0 < figures["gateway"]["own_p50_ms"]["median"] < 1000
