"""Reading a Server-Timing header the way a client does: the gateway states its own time and the
upstream's there (`gateway;dur=0.41, upstream;dur=3.20`, milliseconds)."""

from __future__ import annotations


def durations(header: str) -> dict[str, float]:
    """Each metric's `dur`, in milliseconds; metrics without a readable one are left out."""
    timings: dict[str, float] = {}
    for metric in header.split(","):
        name, _, parameters = metric.strip().partition(";")
        for parameter in parameters.split(";"):
            key, _, value = parameter.strip().partition("=")
            if key == "dur":
                try:
                    timings[name] = float(value)
                except ValueError:
                    continue
    return timings
