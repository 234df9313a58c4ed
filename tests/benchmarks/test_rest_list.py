"""The REST list benchmark runs end to end (its figures are printed for people, never asserted:
timings belong to the benchmark, not to tests)."""

import subprocess
import sys

from tests.processes import REPO, base_env


def test_the_rest_list_benchmark_compares_both_views_and_their_queries_a_page(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.rest_list", "--books", "120", "--rounds", "2",
         "--seconds", "0.1"],
        env=base_env(tmp_path, "sqlite:///unused"), cwd=REPO, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "queries per page: real view 2, ModelSerializer 3" in done.stdout
    assert "ratio:" in done.stdout


def test_the_deep_page_benchmark_refuses_a_small_catalog(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.rest_list", "--deep", "--books", "10"],
        env=base_env(tmp_path, "sqlite:///unused"), cwd=REPO, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert "--deep needs 1,000,000 books" in done.stderr
