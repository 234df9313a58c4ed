"""Summaries a reader can trust: percentiles of one run, medians across repeated runs with their
spread, and ratios taken pair by pair (same round, alternating order) before summarising."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))
    return ordered[rank]


@dataclass(frozen=True)
class Spread:
    """The median of repeated measurements, with their minimum and maximum."""

    median: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        if not values:
            return cls(0.0, 0.0, 0.0, 0)
        return cls(statistics.median(values), min(values), max(values), len(values))

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def paired_ratio(numerators: Sequence[float], denominators: Sequence[float]) -> Spread:
    """Ratio of two series measured in the same rounds: each round's ratio first, then the
    median, so drift of a noisy machine between rounds cancels out."""
    if len(numerators) != len(denominators):
        raise ValueError("paired series must have the same length")
    return Spread.of([n / d for n, d in zip(numerators, denominators, strict=True) if d])


def paired_difference(minuends: Sequence[float], subtrahends: Sequence[float]) -> Spread:
    """Like paired_ratio, for differences (e.g. the latency a gateway adds)."""
    if len(minuends) != len(subtrahends):
        raise ValueError("paired series must have the same length")
    return Spread.of([a - b for a, b in zip(minuends, subtrahends, strict=True)])
