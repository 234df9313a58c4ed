"""Summaries: percentiles, medians with spread, and ratios taken pair by pair."""

import pytest

from benchmarks.stats import Spread, paired_difference, paired_ratio, percentile


def test_nearest_rank_percentiles():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.50) == 50
    assert percentile(values, 0.99) == 99
    assert percentile([], 0.5) == 0.0


def test_spread_is_median_with_min_and_max():
    assert Spread.of([3.0, 1.0, 2.0]) == Spread(median=2.0, low=1.0, high=3.0, n=3)


def test_ratios_are_taken_per_round_before_the_median():
    """A machine twice as fast in round two does not move the ratio: each round is paired."""
    soap = [50.0, 100.0, 150.0]
    rest = [100.0, 200.0, 300.0]
    assert paired_ratio(soap, rest) == Spread(0.5, 0.5, 0.5, 3)


def test_paired_ratio_differs_from_ratio_of_medians_when_rounds_drift():
    soap, rest = [10.0, 90.0, 100.0], [20.0, 100.0, 110.0]
    assert paired_ratio(soap, rest).median == pytest.approx(0.9)
    assert paired_difference(soap, rest).median == -10.0


def test_unpaired_series_are_refused():
    with pytest.raises(ValueError):
        paired_ratio([1.0], [1.0, 2.0])
