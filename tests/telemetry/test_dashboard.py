"""The provisioned Grafana dashboard (issue 17, section 4): it parses, every panel queries
Prometheus, and it covers rate, errors, p50/p99, rate-limit refusals and breaker state. That
its metric names exist in the services' /metrics is checked live (test_live_metrics)."""

from __future__ import annotations

from tests.telemetry.dashboard import load, metric_names, queries


def test_the_dashboard_parses_and_every_panel_has_a_prometheus_query():
    dashboard = load()
    assert dashboard["uid"] and dashboard["panels"]
    for panel in dashboard["panels"]:
        assert panel["datasource"]["type"] == "prometheus"
        assert panel["targets"] and all(target["expr"].strip() for target in panel["targets"])


def test_the_dashboard_shows_rate_errors_latency_refusals_and_breaker_state():
    expressions = " ".join(queries(load()))
    assert 'status=~"5.."' in expressions
    assert "histogram_quantile(0.5," in expressions and "histogram_quantile(0.99," in expressions
    assert {
        "catalog_requests_total",
        "gateway_requests_total",
        "catalog_request_duration_seconds_bucket",
        "gateway_ratelimit_rejections_total",
        "gateway_breaker_state",
    } <= metric_names(load())
