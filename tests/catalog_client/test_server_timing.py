"""Reading the gateway's Server-Timing header as a client."""

from __future__ import annotations

from catalog_client.server_timing import durations


def test_each_metric_gives_its_duration_in_milliseconds():
    assert durations("gateway;dur=0.41, upstream;dur=3.20") == {"gateway": 0.41, "upstream": 3.2}


def test_a_metric_without_a_readable_duration_is_left_out():
    assert durations("gateway;dur=abc, cache, upstream;desc=x;dur=1.5") == {"upstream": 1.5}


def test_no_header_gives_no_durations():
    assert durations("") == {}
