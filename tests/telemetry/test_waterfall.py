"""The compare page's waterfall: spans placed on one time axis, indented under their parents,
SQL told apart from the service's own time."""

from __future__ import annotations

from gateway.compare.waterfall import build

MS = 1_000_000


def span(span_id, parent_id, name, service, start_ms, end_ms, kind="internal", **attributes):
    return {"trace_id": "ab" * 16, "span_id": span_id, "parent_id": parent_id, "name": name,
            "service": service, "kind": kind, "start_ns": start_ms * MS, "end_ns": end_ms * MS,
            "status": "unset", "attributes": attributes}  # fmt: skip


SPANS = [
    span("g1", None, "GET read", "catalog-gateway", 0, 10, kind="server"),
    span("g2", "g1", "upstream attempt", "catalog-gateway", 2, 9),
    span("r1", "g2", "GET books", "catalog-rest", 3, 8, kind="server"),
    span("r2", "r1", "SELECT", "catalog-rest", 4, 5, **{"db.system": "sqlite"}),
    span("r3", "r1", "SELECT", "catalog-rest", 5, 7, **{"db.system": "sqlite"}),
]


def test_bars_sit_on_the_traces_time_axis_under_their_parents():
    bars = build(SPANS).bars
    assert [(b.name, b.kind, b.depth) for b in bars] == [
        ("GET read", "gateway", 0),
        ("upstream attempt", "gateway", 1),
        ("GET books", "upstream", 2),
        ("SELECT", "sql", 3),
        ("SELECT", "sql", 3),
    ]
    assert [(b.offset_pct, b.width_pct) for b in bars[2:]] == [(30.0, 50.0), (40.0, 10.0),
                                                                (50.0, 20.0)]  # fmt: skip


def test_the_service_time_is_split_into_sql_and_the_rest():
    waterfall = build(SPANS)
    assert (waterfall.total_ms, waterfall.sql_ms, waterfall.service_ms) == (10.0, 3.0, 5.0)
    assert waterfall.outside_sql_ms == 2.0
