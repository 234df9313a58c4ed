"""Benchmarks: measured ratios, printed, never asserted as timings in tests."""
