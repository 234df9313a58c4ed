"""The optimisation ladder: what each step of the REST playbook buys, REST and SOAP side by side,
for one book and for 100 books, all through the gateway (where the cache and HTTP/2 live).

    plain -> gzip -> br -> cache hit -> sparse fields (REST) -> 100 single reads vs one batch
    call (100 books) -> N HTTP/1.1 connections vs N HTTP/2 streams on one connection

Each step is probed before it is measured: one exchange (two for the cache) is sent and the
answer must show the feature at work: the coding asked for in `Content-Encoding`, `Cache-Status`
saying `hit`, only the asked fields, the batch's books in the asked order, an HTTP/2 answer. A
build without the feature gets "not available in this build" and no figure. The steps before
the cache go to a gateway with its response cache off (the benchmark's own), the others to one
with it on (`cached_gateway`); on a single running gateway given by URL, the steps before the
cache ask it to pass (`Cache-Control: no-cache`). The `Cache-Status` of each step's answer is
recorded, and a hit where none was wanted is noted next to the figures.

Figures per step: bytes as sent on the wire (request and response, heads included; for HTTP/2
the connection's bytes per request), the identity body's size, p50 at one connection, throughput
and server CPU per operation (gateway and services, psutil on their process trees) at the
highest concurrency, in rounds whose order rotates; each step's gain over the step it replaces
is a ratio of paired rounds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from lxml import etree

from benchmarks import h2load
from benchmarks.load import LoadResult, run_load
from benchmarks.stats import Spread, paired_ratio, percentile
from catalog_cli.stack import ServerProcess, Stack, second_process
from catalog_client.operations import (
    JSON_HEADERS,
    Context,
    Operation,
    SoapCall,
    Target,
    rest_get,
)
from catalog_client.wire import Connection, WireError, WireRequest, WireResponse, fetch

PAGE = 100
FIELDS = ("id", "title", "price")
NO_CACHE = ("Cache-Control", "no-cache")
NOT_AVAILABLE = "not available in this build"
UNDER_THRESHOLD = "sent as it is: the body is under the compression threshold"
CACHED = {"GATEWAY_CACHE_ENABLED": "true"}
UNCACHED_VIA = (
    "the benchmark's gateway, whose response cache is off (GATEWAY_CACHE_ENABLED=false, as for "
    "every scenario above); the later steps to a second gateway like it with the cache on, in "
    "front of the same services"
)
NO_CACHE_VIA = "the same gateway, asked with `Cache-Control: no-cache`"
GROUPS = {"book": "One book", "page": f"{PAGE} books"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


@dataclass(frozen=True)
class Step:
    name: str
    title: str
    accept_encoding: str | None = "br"
    cached: bool = True
    """False: the request asks the gateway's cache to pass (Cache-Control: no-cache)."""
    groups: tuple[str, ...] = ("book", "page")
    protocols: tuple[str, ...] = ("rest", "soap")
    baseline: str | None = None
    """The step this one is measured against (its gain), if any."""
    concurrent_only: bool = False
    """Measured at the highest concurrency only (the connection steps): p50 is taken there."""


STEPS = (
    Step("plain", "plain (identity)", None, cached=False),
    Step("gzip", "gzip", "gzip", cached=False, baseline="plain"),
    Step("br", "Brotli", cached=False, baseline="gzip"),
    Step("cache", "cache hit (Brotli)", baseline="br"),
    Step("fields", f"sparse fields {','.join(FIELDS)}", protocols=("rest",), baseline="cache"),
    Step("singles", f"{PAGE} single reads, one connection", groups=("page",)),
    Step("batch", f"one batch call for {PAGE} ids", groups=("page",), baseline="singles"),
    Step("h1", "{n} HTTP/1.1 connections", concurrent_only=True),
    Step("h2", "{n} HTTP/2 streams on one connection", concurrent_only=True, baseline="h1"),
)
STEP_BY_NAME = {step.name: step for step in STEPS}


@dataclass(frozen=True)
class Row:
    """One step for one group and protocol: the requests one operation sends."""

    group: str
    step: Step
    protocol: str
    target: Target
    requests: tuple[WireRequest, ...]
    ids: tuple[int, ...]

    @property
    def key(self) -> tuple[str, str, str]:
        return self.group, self.step.name, self.protocol


# --- the requests -------------------------------------------------------------------------------


def _headers(step: Step) -> tuple[tuple[str, str], ...]:
    coding = (("Accept-Encoding", step.accept_encoding),) if step.accept_encoding else ()
    return (*coding, *(() if step.cached else (NO_CACHE,)))


def _rest_requests(row_step: Step, group: str, target: Target, ids: list[int]) -> list[WireRequest]:
    fields: dict[str, object] = {"fields": ",".join(FIELDS)} if row_step.name == "fields" else {}
    if row_step.name == "singles":
        return [rest_get(target, f"/books/{book_id}/") for book_id in ids]
    if row_step.name == "batch":
        joined = ",".join(str(book_id) for book_id in ids)
        return [WireRequest("GET", f"{target.path}/books/?ids={joined}",
                            (*JSON_HEADERS, *target.headers))]  # fmt: skip
    if group == "book":
        return [rest_get(target, f"/books/{ids[0]}/", fields or None)]
    return [rest_get(target, "/books/", {"page_size": PAGE, **fields})]


def _soap_requests(row_step: Step, group: str, target: Target, ids: list[int]) -> list[WireRequest]:
    ctx = Context(book_id=ids[0], author_id=0, publisher_id=0, token="")
    if row_step.name == "singles":
        return [SoapCall("GetBook", {"id": book_id}).request(target, ctx) for book_id in ids]
    if row_step.name == "batch":
        return [SoapCall("GetBooks", {"ids": {"id": ids}}).request(target, ctx)]
    if group == "book":
        return [SoapCall("GetBook", {"id": ids[0]}).request(target, ctx)]
    return [SoapCall("ListBooks", {"page_size": PAGE}).request(target, ctx)]


def ladder_rows(
    gateway: tuple[str, int], book_id: int, page_ids: list[int],
    uncached: tuple[str, int] | None = None,
) -> list[Row]:  # fmt: skip
    """Every (group, step, protocol) the ladder measures, in the ladder's order; the steps
    before the cache go to `uncached` when there is one (a gateway with its cache off), the
    others to `gateway`."""
    rows = []
    for group in GROUPS:
        ids = [book_id] if group == "book" else page_ids
        for step in STEPS:
            if group not in step.groups:
                continue
            address = gateway if step.cached or uncached is None else uncached
            for protocol in step.protocols:
                path = "/api/v2" if protocol == "rest" else "/soap/catalog/"
                target = Target(f"{protocol}_gw", protocol, *address, path, _headers(step))
                build = _rest_requests if protocol == "rest" else _soap_requests
                requests = build(step, group, target, ids)
                rows.append(Row(group, step, protocol, target, tuple(requests), tuple(ids)))
    return rows


# --- probing: does the running stack have the step's feature? ----------------------------------


@dataclass(frozen=True)
class Probe:
    available: bool
    reason: str | None = None
    bytes: dict[str, int] | None = None
    coding: str = "identity"
    cache_status: str | None = None
    note: str | None = None
    """What a reader should know about the figures (a body under the compression threshold)."""


def unavailable(reason: str) -> Probe:
    return Probe(False, f"{NOT_AVAILABLE}: {reason}")


def byte_counts(row: Row, exchanges: list[tuple[WireRequest, WireResponse]]) -> dict[str, int]:
    """Bytes of one operation as they crossed the wire, and its bodies' identity size."""
    request = sum(len(req.head(row.target.authority)) + len(req.body) for req, _ in exchanges)
    response = sum(answer.wire_bytes for _, answer in exchanges)
    return {
        "request": request,
        "response": response,
        "total": request + response,
        "wire_body": sum(answer.body_wire_bytes for _, answer in exchanges),
        "identity_body": sum(len(answer.identity_body()) for _, answer in exchanges),
    }


def _book_ids(answer: WireResponse, protocol: str) -> list[int]:
    """The ids of the books an answer holds, in its order."""
    body = answer.identity_body()
    if protocol == "soap":
        root = etree.fromstring(body, _PARSER)
        return [int(book.findtext("{*}id") or 0) for book in root.iter("{*}book")]
    data = orjson.loads(body)
    items = data if isinstance(data, list) else data.get("results", [])
    return [int(item["id"]) for item in items]


def _fields_of(answer: WireResponse) -> list[list[str]]:
    data = orjson.loads(answer.identity_body())
    items = data.get("results", [data]) if isinstance(data, dict) else data
    return [list(item) for item in items]


def judge(row: Row, exchanges: list[tuple[WireRequest, WireResponse]]) -> Probe:
    """Whether the sampled answers show the step's feature at work (pure: tested with fed
    answers); the step's figures when they do."""
    answers = [answer for _, answer in exchanges]
    wrong = sorted({answer.status for answer in answers} - {200})
    step = row.step
    if wrong:
        return unavailable(f"the gateway answered {', '.join(map(str, wrong))}")
    last = answers[-1]
    compressing = "accept-encoding" in last.headers.get("vary", "").lower()
    if step.name in ("gzip", "br") and last.coding != step.accept_encoding and not compressing:
        return unavailable(f"answered {last.coding} to Accept-Encoding: {step.accept_encoding}")
    cache_status = last.headers.get("cache-status")
    hit = "hit" in (cache_status or "").lower()
    if step.name == "cache" and not hit:
        return unavailable(f"a repeated read is not a cache hit (Cache-Status: {cache_status})")
    if step.name == "fields" and any(keys != list(FIELDS) for keys in _fields_of(last)):
        return unavailable(f"`fields={','.join(FIELDS)}` was not honoured")
    if step.name == "batch" and _book_ids(last, row.protocol) != list(row.ids):
        return unavailable("the batch did not answer the asked books in order")
    note = None
    if step.accept_encoding and last.coding == "identity":
        note = UNDER_THRESHOLD
    if not step.cached and hit:
        note = "served from the cache: the gateway did not honour `Cache-Control: no-cache`"
    return Probe(True, None, byte_counts(row, exchanges), last.coding, cache_status, note)


async def _sample(row: Row) -> list[tuple[WireRequest, WireResponse]]:
    """One operation's exchanges on a fresh connection; cached steps go twice, the second
    answer being the one judged (the first may be the miss that stores it)."""
    connection = Connection(row.target.host, row.target.port)
    try:
        rounds = 2 if row.step.cached else 1
        exchanges: list[tuple[WireRequest, WireResponse]] = []
        for _ in range(rounds):
            exchanges = []
            for request in row.requests:
                answer = await connection.exchange(request.encode(row.target.authority))
                exchanges.append((request, answer))
        return exchanges
    finally:
        await connection.close()


async def _wsdl_has(gateway: tuple[str, int], operation: str) -> bool:
    answer = await fetch(*gateway, WireRequest("GET", "/soap/catalog/?wsdl"))
    return answer.status == 200 and f'name="{operation}"'.encode() in answer.identity_body()


async def _probe_h2(row: Row) -> Probe:
    try:
        answer, sent, received = await h2load.probe(row.target.host, row.target.port,
                                                    row.requests[0])  # fmt: skip
    except h2load.H2Unavailable as exc:
        return unavailable(f"the gateway does not speak HTTP/2 by prior knowledge ({exc})")
    if answer.status != 200:
        return unavailable(f"HTTP/2 answered {answer.status}")
    coding = answer.headers.get("content-encoding", "identity")
    identity = len(WireResponse(200, b"", answer.body, 0, answer.headers).identity_body())
    counts = {"request": sent, "response": received, "total": sent + received,
              "wire_body": len(answer.body), "identity_body": identity}  # fmt: skip
    note = UNDER_THRESHOLD if coding == "identity" else None
    return Probe(True, None, counts, coding, answer.headers.get("cache-status"), note)


async def probe(row: Row, gateway: tuple[str, int]) -> Probe:
    if (
        row.step.name == "batch"
        and row.protocol == "soap"
        and not await _wsdl_has(gateway, "GetBooks")
    ):
        return unavailable("the WSDL has no GetBooks operation")
    if row.step.name == "h2":
        return await _probe_h2(row)
    try:
        return judge(row, await _sample(row))
    except (WireError, OSError, ValueError, etree.XMLSyntaxError) as exc:
        return unavailable(f"no usable answer ({exc})")


# --- measuring ----------------------------------------------------------------------------------


def _operation(row: Row) -> Operation:
    raws = [request.encode(row.target.authority) for request in row.requests]

    async def operation(connection: Connection, _: int) -> int:
        status = 200
        for raw in raws:
            status = (await connection.exchange(raw)).status
            if status != 200:
                return status
        return status

    return operation


async def _load(row: Row, concurrency: int, seconds: float) -> LoadResult:
    if row.step.name == "h2":
        result, _ = await h2load.run_h2_load(row.target.host, row.target.port, row.requests[0],
                                             streams=concurrency, seconds=seconds)  # fmt: skip
        return result
    return await run_load(row.target.host, row.target.port, _operation(row),
                          concurrency=concurrency, seconds=seconds)  # fmt: skip


CpuSnapshot = Callable[[], dict[str, float]]


async def measure_round(
    row: Row, high: int, seconds: float, cpu: CpuSnapshot | None
) -> dict[str, Any]:
    """p50 on one connection (or at `high` for the connection steps), then throughput and
    server CPU per operation at `high`."""
    figures: dict[str, Any] = {}
    if not row.step.concurrent_only:
        single = await _load(row, 1, seconds)
        figures["p50_ms"] = percentile(single.latencies, 0.5) * 1000
    before = cpu() if cpu else {}
    loaded = await _load(row, high, seconds)
    after = cpu() if cpu else {}
    operations = max(loaded.operations, 1)
    figures["throughput"] = loaded.throughput
    figures.setdefault("p50_ms", percentile(loaded.latencies, 0.5) * 1000)
    figures["client_cpu_share"] = loaded.client_cpu_share
    figures["errors"] = loaded.errors + sum(n for s, n in loaded.statuses.items() if s != 200)
    figures["server_cpu_us"] = {
        name: (after[name] - before[name]) / operations * 1e6 for name in after
    }
    return figures


def summarise_row(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    by_process = {
        name: Spread.of([r["server_cpu_us"][name] for r in rounds]).median
        for name in (rounds[0]["server_cpu_us"] if rounds else {})
    }
    totals = [sum(r["server_cpu_us"].values()) for r in rounds if r["server_cpu_us"]]
    return {
        "p50_ms": Spread.of([r["p50_ms"] for r in rounds]).as_dict(),
        "throughput": Spread.of([r["throughput"] for r in rounds]).as_dict(),
        "server_cpu_us": Spread.of(totals).as_dict() if totals else None,
        "server_cpu_by_process": by_process,
        "client_cpu_share": max((r["client_cpu_share"] for r in rounds), default=0.0),
        "errors": sum(r["errors"] for r in rounds),
    }


def gains(rows: list[dict[str, Any]]) -> None:
    """Each available step's throughput over its baseline's (falling back to the baseline's
    own baseline when that one is not available), paired round by round."""
    by_key = {(r["group"], r["step"], r["protocol"]): r for r in rows if r["available"]}
    for row in by_key.values():
        base_name = STEP_BY_NAME[row["step"]].baseline
        while base_name and (row["group"], base_name, row["protocol"]) not in by_key:
            base_name = STEP_BY_NAME[base_name].baseline
        if not base_name:
            continue
        base = by_key[(row["group"], base_name, row["protocol"])]
        row["baseline"] = base_name
        row["gain"] = paired_ratio(
            [r["throughput"] for r in row["rounds"]], [r["throughput"] for r in base["rounds"]]
        ).as_dict()


def _request_line(row: Row) -> str:
    first = row.requests[0]
    shown = first.path if len(first.path) <= 60 else first.path[:57] + "..."
    operation = first.method
    if row.protocol == "soap":
        operation = first.body.split(b"<tns:", 1)[1].split(b">", 1)[0].decode()
    headers = "; ".join(f"{name}: {value}" for name, value in row.target.headers)
    count = f"{len(row.requests)} x " if len(row.requests) > 1 else ""
    return f"{count}{operation} {shown}" + (f" ({headers})" if headers else "")


async def _page_ids(gateway: tuple[str, int]) -> list[int]:
    answer = await fetch(*gateway, WireRequest("GET", f"/api/v2/books/?page_size={PAGE}",
                                               JSON_HEADERS))  # fmt: skip
    return [int(book["id"]) for book in orjson.loads(answer.identity_body())["results"]]


async def run_ladder(
    gateway: tuple[str, int], book_id: int, *, rounds: int, seconds: float, high: int,
    cpu: CpuSnapshot | None, uncached: tuple[str, int] | None = None,
    tick: Callable[[str], None] = lambda _label: None,
) -> dict[str, Any]:  # fmt: skip
    """Probe every step, warm up and measure the available ones in rotating rounds."""
    rows = ladder_rows(gateway, book_id, await _page_ids(gateway), uncached)
    probes = {row.key: await probe(row, gateway) for row in rows}
    working = [row for row in rows if probes[row.key].available]
    for row in rows:
        if row not in working:
            for _ in range(rounds):
                tick(f"ladder {row.group} {row.step.name} {row.protocol} not available")
    for row in working:
        await _load(row, 1, seconds / 4)
    measured: dict[tuple[str, str, str], list[dict[str, Any]]] = {row.key: [] for row in working}
    for number in range(rounds):
        shift = number % max(len(working), 1)
        for row in working[shift:] + working[:shift]:
            tick(f"ladder {row.group} {row.step.name} {row.protocol}")
            measured[row.key].append(await measure_round(row, high, seconds, cpu))
    results = [_row_record(row, probes[row.key], measured.get(row.key), high) for row in rows]
    gains(results)
    before_cache = UNCACHED_VIA if uncached else NO_CACHE_VIA
    return {"via": "gateway", "before_cache": before_cache, "concurrency": high,
            "rounds": rounds, "seconds": seconds, "groups": GROUPS, "rows": results}  # fmt: skip


@contextmanager
def cached_gateway(stack: Stack, log_dir: Path) -> Iterator[ServerProcess]:
    """A second gateway in front of the stack's services with its response cache on (the
    benchmark's own runs with it off, so the steps before the cache are never hits)."""
    server = second_process(stack, "gateway", log_dir)
    server.env.update(CACHED)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def _row_record(
    row: Row, found: Probe, rounds: list[dict[str, Any]] | None, high: int
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "group": row.group,
        "step": row.step.name,
        "title": row.step.title.format(n=high),
        "protocol": row.protocol,
        "request": _request_line(row),
        "available": found.available,
        "reason": found.reason,
        "p50_concurrency": high if row.step.concurrent_only else 1,
    }
    if found.available and rounds is not None:
        record.update(bytes=found.bytes, coding=found.coding, cache_status=found.cache_status,
                      note=found.note, rounds=rounds, **summarise_row(rounds))  # fmt: skip
    return record


def planned(rounds: int) -> int:
    """Upper bound of the ladder's measured runs, for a progress bar."""
    return sum(len(step.groups) * len(step.protocols) for step in STEPS) * rounds
