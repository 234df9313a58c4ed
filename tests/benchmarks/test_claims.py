"""Each claim of the report is a rule over the run's figures: fed figures for each outcome, it
answers Confirmed, Not confirmed, Partly true or Not measured."""

import pytest

from benchmarks import claims
from benchmarks.claims import Verdict


def spread(median: float, n: int = 3) -> dict:
    return {"median": median, "low": median, "high": median, "n": n}


def run(scenarios: dict | None = None, **sections) -> dict:
    return {"meta": {"profile": {"concurrency": [1, 16]}}, "scenarios": scenarios or {},
            **sections}  # fmt: skip


def with_bytes(page_raw: float) -> dict:
    ratio = {"soap/rest": {"raw": page_raw, "gzip": page_raw / 2, "response_body": page_raw}}
    return run({"list_100": {"byte_ratios": ratio}})


@pytest.mark.parametrize(
    ("raw", "verdict"),
    [(1.8, Verdict.CONFIRMED), (0.9, Verdict.NOT_CONFIRMED), (1.05, Verdict.PARTLY)],
)
def test_soap_is_larger_follows_the_page_byte_ratio(raw, verdict):
    assert claims.soap_is_larger(with_bytes(raw)).verdict is verdict


def test_soap_is_larger_is_not_measured_without_the_page():
    assert claims.soap_is_larger(run()).verdict is Verdict.NOT_MEASURED


def with_throughput(ratio: float) -> dict:
    return run({"list_100": {"ratios": {"soap/rest": {"throughput_c16": spread(ratio)}}}})


@pytest.mark.parametrize(
    ("ratio", "verdict"),
    [(0.6, Verdict.CONFIRMED), (1.0, Verdict.NOT_CONFIRMED), (0.93, Verdict.PARTLY)],
)
def test_soap_is_slower_follows_the_paired_throughput_ratio(ratio, verdict):
    claim = claims.soap_is_slower(with_throughput(ratio))
    assert claim.verdict is verdict
    assert f"{ratio:.0%}" in claim.evidence


def test_soap_is_slower_is_not_measured_without_pairs():
    assert claims.soap_is_slower(run()).verdict is Verdict.NOT_MEASURED


def conditional(status: int, conditional_p50: float, full_p50: float) -> dict:
    def figures(body: int, statuses: list[int]) -> dict:
        return {"request_head": 100, "request_body": 0, "response_head": 200,
                "response_body": body, "statuses": statuses}  # fmt: skip

    def summary(p50: float) -> dict:
        return {"rest": {"c1": {"p50_ms": spread(p50)}}}

    return run({
        "conditional_get": {"bytes": {"rest": figures(0, [status])},
                            "summary": summary(conditional_p50)},
        "get_book": {"bytes": {"rest": figures(600, [200])}, "summary": summary(full_p50)},
    })  # fmt: skip


def test_http_caching_is_confirmed_when_the_304_is_smaller_and_faster():
    assert claims.rest_supports_caching(conditional(304, 0.8, 1.2)).verdict is Verdict.CONFIRMED


def test_a_304_slower_than_the_200_makes_http_caching_partly_true():
    claim = claims.rest_supports_caching(conditional(304, 1.5, 1.2))
    assert claim.verdict is Verdict.PARTLY
    assert "1.50 ms vs 1.20 ms" in claim.evidence


def test_http_caching_is_not_confirmed_without_a_304():
    claim = claims.rest_supports_caching(conditional(200, 0.8, 1.2))
    assert claim.verdict is Verdict.NOT_CONFIRMED


def test_http_caching_is_not_measured_without_the_conditional_get():
    assert claims.rest_supports_caching(run()).verdict is Verdict.NOT_MEASURED


def row(group: str, step: str, protocol: str, throughput: float = 100.0, total: int = 1000,
        available: bool = True) -> dict:  # fmt: skip
    return {"group": group, "step": step, "protocol": protocol, "available": available,
            "throughput": spread(throughput), "bytes": {"total": total}}  # fmt: skip


def ladder(*rows: dict) -> dict:
    return run(ladder={"rows": list(rows)})


@pytest.mark.parametrize(
    ("rest_total", "soap_total", "verdict"),
    [(200, 300, Verdict.CONFIRMED), (200, 990, Verdict.PARTLY), (980, 990, Verdict.NOT_CONFIRMED)],
)
def test_compression_follows_the_negotiated_bytes(rest_total, soap_total, verdict):
    figures = ladder(
        row("page", "plain", "rest"),
        row("page", "br", "rest", total=rest_total),
        row("page", "plain", "soap"),
        row("page", "br", "soap", total=soap_total),
    )
    assert claims.compression_shrinks(figures).verdict is verdict


def test_compression_is_not_measured_when_brotli_was_not_available():
    figures = ladder(row("page", "plain", "rest"), row("page", "br", "rest", available=False))
    assert claims.compression_shrinks(figures).verdict is Verdict.NOT_MEASURED


GAIN_CLAIMS = [
    (claims.cache_helps, ("page", "cache", "rest"), ("page", "br", "rest")),
    (claims.batch_helps, ("page", "batch", "rest"), ("page", "singles", "rest")),
    (claims.http2_helps, ("book", "h2", "rest"), ("book", "h1", "rest")),
]


@pytest.mark.parametrize(("rule", "step", "baseline"), GAIN_CLAIMS)
@pytest.mark.parametrize(
    ("ratio", "verdict"),
    [(2.0, Verdict.CONFIRMED), (0.5, Verdict.NOT_CONFIRMED), (1.0, Verdict.PARTLY)],
)
def test_a_step_is_worth_it_when_its_throughput_beats_its_baseline(
    rule, step, baseline, ratio, verdict
):
    figures = ladder(row(*step, throughput=100 * ratio), row(*baseline, throughput=100))
    assert rule(figures).verdict is verdict


@pytest.mark.parametrize(("rule", "step", "baseline"), GAIN_CLAIMS)
def test_a_step_not_in_the_build_is_not_measured(rule, step, baseline):
    figures = ladder(row(*step, available=False), row(*baseline))
    claim = rule(figures)
    assert claim.verdict is Verdict.NOT_MEASURED
    assert "Not available in this build" in claim.evidence


def tracing(ratio: float) -> dict:
    return run(tracing={"reads": {"rest": {"throughput_ratio": spread(ratio)}}})


@pytest.mark.parametrize(
    ("ratio", "verdict"), [(0.95, Verdict.CONFIRMED), (0.6, Verdict.NOT_CONFIRMED)]
)
def test_tracing_is_cheap_follows_the_on_off_throughput_ratio(ratio, verdict):
    assert claims.tracing_is_cheap(tracing(ratio)).verdict is verdict


def test_tracing_is_not_measured_on_services_not_started_here():
    figures = run(tracing={"skipped": "the services were not started here", "reads": {}})
    assert claims.tracing_is_cheap(figures).verdict is Verdict.NOT_MEASURED


def test_the_rendered_claims_state_each_verdict_and_its_rule():
    text = claims.render(with_bytes(1.8))
    assert '*"SOAP messages are larger"*: **Confirmed**' in text
    assert "(Rule: SOAP/REST bytes of a 100-book page" in text
    assert text.count("**Not measured**") == len(claims.RULES) - 1
