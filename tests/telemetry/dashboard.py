"""The Grafana dashboard of docker-compose.yml's observability profile, and the metric names its
queries use."""

from __future__ import annotations

import json
import re
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from tests.processes import REPO

DASHBOARD = REPO / "observability" / "grafana" / "dashboards" / "catalog.json"
METRIC_NAME = re.compile(r"\b(?:catalog|gateway)_[a-z0-9_]+\b")
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}


def load() -> dict[str, Any]:
    return json.loads(DASHBOARD.read_text())


def queries(dashboard: dict[str, Any]) -> list[str]:
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def metric_names(dashboard: dict[str, Any]) -> set[str]:
    return {name for expr in queries(dashboard) for name in METRIC_NAME.findall(expr)}


def exposed_names(text: str) -> set[str]:
    """Every series name a /metrics answer declares, sampled yet or not (a labelled counter
    has no sample until its first increment, but its family is there)."""
    names: set[str] = set()
    for family in text_string_to_metric_families(text):
        names |= {sample.name for sample in family.samples}
        names |= {family.name + suffix for suffix in SUFFIXES.get(family.type, ())}
    return names
