"""The benchmark machinery, end to end on a tiny catalog with a tiny profile: every scenario
yields every figure for every target, ratios come from paired runs, the report files are written
and the charts are valid PNGs. Nothing here asserts a speed."""

from dataclasses import replace

import orjson
import pytest

from benchmarks.bench import run_bench
from benchmarks.runner import QUICK
from catalog_client.operations import SCENARIOS

TINY = replace(QUICK, books=60, rounds=2, seconds=0.05, warmup_seconds=0.02,
               concurrency=(1, 2), cpu_iterations=1, import_lines=40)  # fmt: skip
ALL_TARGETS = {"rest", "soap", "rest_gw", "soap_gw", "mediation"}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    paths = run_bench(TINY, out)
    return out, paths, orjson.loads((out / "results.json").read_bytes())


def test_every_scenario_is_measured_on_every_target_that_speaks_its_protocol(report):
    _, _, results = report
    assert set(results["scenarios"]) == {scenario.name for scenario in SCENARIOS}
    for scenario in SCENARIOS:
        measured = results["scenarios"][scenario.name]
        assert measured["unavailable"] == [], scenario.name
        expected = {"rest", "rest_gw"} if scenario.name == "conditional_get" else ALL_TARGETS
        assert set(measured["summary"]) == expected, scenario.name


def test_every_run_has_every_figure(report):
    _, _, results = report
    for name, scenario in results["scenarios"].items():
        for run in scenario["runs"]:
            assert run["operations"] > 0, (name, run["target"])
            for key in ("throughput", "p50_ms", "p90_ms", "p99_ms", "client_cpu_share"):
                assert run[key] >= 0
            assert set(run["server_cpu_us"]) == {"rest", "soap", "gateway"}
            assert run["errors"] == 0
        for target, figures in scenario["bytes"].items():
            assert figures["ok"], (name, target, figures["statuses"])
            assert figures["request_head"] > 0 and figures["response_head"] > 0


def test_ratios_come_from_pairs_of_the_same_rounds(report):
    _, _, results = report
    list_100 = results["scenarios"]["list_100"]
    ratio = list_100["ratios"]["soap/rest"]["throughput_c2"]
    rounds = {}
    for run in list_100["runs"]:
        if run["concurrency"] == 2 and run["target"] in ("soap", "rest"):
            rounds.setdefault(run["round"], {})[run["target"]] = run["throughput"]
    per_round = sorted(r["soap"] / r["rest"] for r in rounds.values())
    assert ratio["n"] == TINY.rounds
    assert ratio["low"] == pytest.approx(per_round[0])
    assert ratio["high"] == pytest.approx(per_round[-1])


def test_client_cpu_is_measured_for_all_three_kinds_of_client(report):
    _, _, results = report
    assert set(results["scenarios"]["list_100"]["client_cpu_us"]) == {
        "httpx+orjson",
        "lxml",
        "zeep",
    }


def test_report_files_are_written_and_charts_are_pngs(report):
    out, paths, results = report
    names = {path.name for path in paths}
    assert {"results.json", "report.md", "bytes.png", "throughput.png"} <= names
    for path in paths:
        if path.suffix == ".png":
            assert path.read_bytes().startswith(PNG_MAGIC)
    text = (out / "report.md").read_text()
    assert "## Headline" in text and "## The claims, tested" in text
    assert results["meta"]["machine"]["logical_cpus"] >= 1
    assert results["meta"]["machine"]["git_commit"]


def test_results_json_carries_the_headline_table_report_md_shows(report):
    out, _, results = report
    header, rows = results["headline"]["header"], results["headline"]["rows"]
    text = (out / "report.md").read_text()
    assert "| " + " | ".join(header) + " |" in text
    assert rows and all("| " + " | ".join(row) + " |" in text for row in rows)


def test_the_bulk_import_is_measured_through_a_worker_and_against_catalog_seed(report):
    out, _, results = report
    figures = results["import"]
    assert figures["job"] == {"status": "succeeded", "total": 40, "created": 40, "failed": 0}
    assert figures["import_books_per_s"] > 0 and figures["seed_books_per_s"] > 0
    assert figures["share_of_seed"] == figures["import_books_per_s"] / figures["seed_books_per_s"]
    rest, soap = figures["bytes"]["rest"], figures["bytes"]["soap"]
    assert 0 < rest["body_gzip"] < rest["body"] < soap["body"]
    assert "## Bulk import (jobs)" in (out / "report.md").read_text()


def test_the_run_probes_every_ladder_step_and_measures_tracing_on_and_off(report):
    out, _, results = report
    rows = results["ladder"]["rows"]
    assert {row["step"] for row in rows} == {
        "plain", "gzip", "br", "cache", "fields", "singles", "batch", "h1", "h2"}  # fmt: skip
    for row in rows:
        assert row["available"] or row["reason"].startswith("not available in this build")
    plain = next(r for r in rows if (r["group"], r["step"], r["protocol"]) == ("page", "plain",
                                                                              "rest"))  # fmt: skip
    assert plain["available"] and plain["coding"] == "identity"
    assert plain["bytes"]["total"] > plain["bytes"]["identity_body"] > 0
    assert set(results["tracing"]["reads"]) == {"rest", "soap"}
    assert results["tracing"]["spans"] > 0
    text = (out / "report.md").read_text()
    assert "## The optimisation ladder" in text and "## Tracing on vs off" in text
