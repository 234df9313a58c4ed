"""The claims the report tests, each with its rule spelled out: a verdict is computed from the
run's figures, never written by hand. Every rule reads the medians of `results.json` and
answers Confirmed, Not confirmed, Partly true (the figures sit between the two thresholds) or
Not measured (the run has no figures for it: a scenario skipped, a feature not in the build).

Thresholds are margins, not significance tests: a difference under a few per cent is within
what a shared machine's drift moves between runs, so it confirms nothing either way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from benchmarks.report import _median

Results = dict[str, Any]


class Verdict(Enum):
    CONFIRMED = "Confirmed"
    NOT_CONFIRMED = "Not confirmed"
    PARTLY = "Partly true"
    NOT_MEASURED = "Not measured"


@dataclass(frozen=True)
class Claim:
    statement: str
    rule: str
    """The rule in words, as the report prints it next to the verdict."""
    verdict: Verdict
    evidence: str
    """The figures the verdict was computed from, in a sentence."""

    def markdown(self) -> str:
        return (
            f'- *"{self.statement}"*: **{self.verdict.value}**. {self.evidence} '
            f"(Rule: {self.rule}.)"
        )


# --- thresholds ---------------------------------------------------------------------------------

LARGER = 1.10  # SOAP/REST bytes at or above: larger; at or below 1.0: not larger
SLOWER, NOT_SLOWER = 0.90, 0.97  # SOAP/REST throughput below: slower; at or above: not slower
GAIN, NO_GAIN = 1.05, 0.97  # a step's figure over the one it replaces: above GAIN helps, below
# NO_GAIN hurts, between: no measurable difference
SMALLER = 0.90  # a step's bytes over the previous step's, at or below: smaller
TRACING_CHEAP = 0.90  # traced/untraced throughput at or above: tracing costs little


def _banded(confirmed: bool, refuted: bool) -> Verdict:
    if confirmed:
        return Verdict.CONFIRMED
    if refuted:
        return Verdict.NOT_CONFIRMED
    return Verdict.PARTLY


def _not_measured(statement: str, rule: str, why: str) -> Claim:
    return Claim(statement, rule, Verdict.NOT_MEASURED, why)


def _scenario(results: Results, name: str) -> dict[str, Any]:
    scenario: dict[str, Any] = results.get("scenarios", {}).get(name, {})
    return scenario


def _pair_median(results: Results, scenario: str, pair: str, key: str) -> float | None:
    return _median(_scenario(results, scenario).get("ratios", {}).get(pair, {}).get(key))


def _high(results: Results) -> int:
    return max(results["meta"]["profile"]["concurrency"])


def _x(value: float) -> str:
    return f"{value:.2f}x"


# --- the protocol claims ------------------------------------------------------------------------

SOAP_LARGER = "SOAP messages are larger"
SOAP_LARGER_RULE = (
    f"SOAP/REST bytes of a 100-book page, request and response as sent, at least {LARGER:.2f}x: "
    "confirmed; 1.00x or less: not confirmed; between: partly"
)


def soap_is_larger(results: Results) -> Claim:
    page = _scenario(results, "list_100").get("byte_ratios", {}).get("soap/rest")
    single = _scenario(results, "get_book").get("byte_ratios", {}).get("soap/rest", {})
    if not page:
        return _not_measured(SOAP_LARGER, SOAP_LARGER_RULE, "The 100-book page was not measured.")
    raw = page["raw"]
    one = f"; for one book {_x(single['raw'])} and {_x(single['gzip'])}" if single else ""
    return Claim(
        SOAP_LARGER,
        SOAP_LARGER_RULE,
        _banded(raw >= LARGER, raw <= 1.0),
        f"For a 100-book page SOAP moves {_x(raw)} the bytes of REST uncompressed and "
        f"{_x(page['gzip'])} with gzip-compressed bodies{one}.",
    )


SOAP_SLOWER = "SOAP is slower due to XML"
SOAP_SLOWER_RULE = (
    f"SOAP/REST throughput of a 100-book page at the highest concurrency (paired rounds, "
    f"median) under {SLOWER:.2f}: confirmed; {NOT_SLOWER:.2f} or more: not confirmed; "
    "between: partly"
)


def soap_is_slower(results: Results) -> Claim:
    high = _high(results)
    page = _pair_median(results, "list_100", "soap/rest", f"throughput_c{high}")
    if page is None:
        return _not_measured(
            SOAP_SLOWER, SOAP_SLOWER_RULE, "The 100-book page was not measured on both."
        )
    one = _pair_median(results, "get_book", "soap/rest", f"throughput_c{high}")
    single = f" and {one:.0%} for a single book" if one is not None else ""
    costs = _scenario(results, "list_100").get("client_cpu_us", {})
    client = ""
    if costs.get("zeep") and costs.get("httpx+orjson"):
        client = (
            f" On the client, zeep needs {costs['zeep'] / costs['httpx+orjson']:.1f}x the CPU "
            f"of httpx + orjson to build the request and read the 100 books "
            f"({costs['zeep']:,.0f} vs {costs['httpx+orjson']:,.0f} µs)."
        )
    return Claim(
        SOAP_SLOWER,
        SOAP_SLOWER_RULE,
        _banded(page < SLOWER, page >= NOT_SLOWER),
        f"At concurrency {high} the SOAP service serves {page:.0%} of REST's throughput for a "
        f"100-book page{single}.{client}",
    )


REST_CACHING = "REST supports HTTP caching"
REST_CACHING_RULE = (
    "the conditional GET answers 304, in fewer bytes than the 200 and with a lower median "
    "latency (c=1): confirmed; a 304 that is not faster: partly; no 304: not confirmed"
)


def _p50(results: Results, scenario: str, target: str) -> float | None:
    summary = _scenario(results, scenario).get("summary", {}).get(target, {}).get("c1", {})
    return _median(summary.get("p50_ms"))


def _total(figures: dict[str, Any]) -> int:
    keys = ("request_head", "request_body", "response_head", "response_body")
    return sum(int(figures[key]) for key in keys)


def rest_supports_caching(results: Results) -> Claim:
    conditional = _scenario(results, "conditional_get").get("bytes", {}).get("rest")
    full = _scenario(results, "get_book").get("bytes", {}).get("rest")
    hit_p50, full_p50 = _p50(results, "conditional_get", "rest"), _p50(results, "get_book", "rest")
    if not conditional or not full:
        return _not_measured(
            REST_CACHING,
            REST_CACHING_RULE,
            "The conditional GET or the plain GET was not measured.",
        )
    if 304 not in conditional["statuses"]:
        statuses = ", ".join(str(s) for s in conditional["statuses"])
        return Claim(REST_CACHING, REST_CACHING_RULE, Verdict.NOT_CONFIRMED,
                     f"A GET with `If-None-Match` answered {statuses}, not 304.")  # fmt: skip
    if hit_p50 is None or full_p50 is None:
        return _not_measured(REST_CACHING, REST_CACHING_RULE, "No latency figures for the GETs.")
    smaller, faster = _total(conditional) < _total(full), hit_p50 < full_p50
    return Claim(
        REST_CACHING,
        REST_CACHING_RULE,
        Verdict.CONFIRMED if smaller and faster else Verdict.PARTLY,
        f"A GET with `If-None-Match` answers `304 Not Modified` in {_total(conditional):,} "
        f"bytes instead of {_total(full):,}, p50 {hit_p50:.2f} ms vs {full_p50:.2f} ms. Every "
        "SOAP call is a POST to one URL, which HTTP caches do not store.",
    )


# --- the optimisation ladder's claims (benchmarks.ladder's figures) -----------------------------


def _ladder_row(results: Results, group: str, step: str, protocol: str) -> dict[str, Any] | None:
    for row in results.get("ladder", {}).get("rows", []):
        if (row["group"], row["step"], row["protocol"]) == (group, step, protocol):
            return row if row.get("available") else None
    return None


def _ladder_median(row: dict[str, Any] | None, key: str) -> float | None:
    return _median(row.get(key)) if row else None


COMPRESSION = "Compression shrinks what REST and SOAP send"
COMPRESSION_RULE = (
    f"bytes of a 100-book page with Brotli (as negotiated) at most {SMALLER:.2f}x of "
    "uncompressed, for REST and for SOAP: confirmed; for one of them: partly; neither: not "
    "confirmed"
)


def compression_shrinks(results: Results) -> Claim:
    ratios = {}
    for protocol in ("rest", "soap"):
        plain = _ladder_row(results, "page", "plain", protocol)
        br = _ladder_row(results, "page", "br", protocol)
        if plain and br:
            ratios[protocol] = br["bytes"]["total"] / plain["bytes"]["total"]
    if len(ratios) < 2:
        return _not_measured(COMPRESSION, COMPRESSION_RULE,
                             "Brotli was not negotiated with both protocols.")  # fmt: skip
    shrunk = [protocol for protocol, ratio in ratios.items() if ratio <= SMALLER]
    return Claim(
        COMPRESSION,
        COMPRESSION_RULE,
        _banded(len(shrunk) == 2, not shrunk),
        f"A 100-book page with `Accept-Encoding: br` crosses the wire in "
        f"{ratios['rest']:.0%} of its uncompressed bytes with REST and {ratios['soap']:.0%} "
        "with SOAP.",
    )


@dataclass(frozen=True)
class StepGain:
    """A claim that one ladder step beats another: its throughput over its baseline's (REST)."""

    statement: str
    measured: str
    """What the rule compares, in words."""
    group: str
    step: str
    baseline: str
    lead: str
    """How the evidence sentence starts."""

    @property
    def rule(self) -> str:
        return (
            f"throughput of {self.measured} over {GAIN:.2f}x: confirmed; under {NO_GAIN:.2f}x: "
            "not confirmed; between: partly"
        )

    def __call__(self, results: Results) -> Claim:
        rows = (
            _ladder_row(results, self.group, name, "rest") for name in (self.step, self.baseline)
        )
        top, bottom = (_ladder_median(row, "throughput") for row in rows)
        if not top or not bottom:
            why = "Not available in this build, or not measured."
            return _not_measured(self.statement, self.rule, why)
        ratio = top / bottom
        return Claim(
            self.statement,
            self.rule,
            _banded(ratio > GAIN, ratio < NO_GAIN),
            f"{self.lead}: {_x(ratio)} the throughput ({top:,.0f} vs {bottom:,.0f} operations/s).",
        )


cache_helps = StepGain(
    "A shared response cache makes repeated reads cheaper",
    "a 100-book page served from the gateway's cache over the same page fetched from the "
    "service (REST, Brotli)",
    "page", "cache", "br", "A cache hit for a 100-book page gives",
)  # fmt: skip
batch_helps = StepGain(
    "One batch call beats many single reads",
    "one batch call for 100 books over 100 single reads on one connection (REST)",
    "page", "batch", "singles", "One `?ids=` call for 100 books gives",
)  # fmt: skip
http2_helps = StepGain(
    "HTTP/2 multiplexing beats many HTTP/1.1 connections",
    "N HTTP/2 streams on one connection over N HTTP/1.1 connections, N the highest "
    "concurrency (REST, one book)",
    "book", "h2", "h1", "Streams on one HTTP/2 connection give",
)  # fmt: skip


TRACING = "Tracing costs little"
TRACING_RULE = (
    f"throughput of a REST book read through the gateway with every request traced "
    f"(always_on) at least {TRACING_CHEAP:.2f}x of the same read untraced: confirmed; "
    "otherwise not confirmed"
)


def tracing_is_cheap(results: Results) -> Claim:
    ratio = _median(
        results.get("tracing", {}).get("reads", {}).get("rest", {}).get("throughput_ratio")
    )
    if ratio is None:
        why = "Tracing was not measured (the services were not started here)."
        return _not_measured(TRACING, TRACING_RULE, why)
    return Claim(
        TRACING,
        TRACING_RULE,
        Verdict.CONFIRMED if ratio >= TRACING_CHEAP else Verdict.NOT_CONFIRMED,
        f"Traced, a REST book read through the gateway keeps {ratio:.0%} of its untraced "
        "throughput (paired rounds, median).",
    )


RULES: tuple[Callable[[Results], Claim], ...] = (
    soap_is_larger,
    soap_is_slower,
    rest_supports_caching,
    compression_shrinks,
    cache_helps,
    batch_helps,
    http2_helps,
    tracing_is_cheap,
)


def tested_claims(results: Results) -> list[Claim]:
    return [rule(results) for rule in RULES]


def render(results: Results) -> str:
    return "\n".join(claim.markdown() for claim in tested_claims(results))
