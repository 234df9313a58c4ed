"""SOAP ListBooks against the REST list, 100 books a page: `python -m benchmarks.soap_vs_rest_list`.

Starts the REST and SOAP services as real servers (`catalog serve`, gunicorn, through
catalog_cli.stack) on one freshly seeded catalog, or uses running ones (--rest-url/--soap-url), then
measures closed-loop throughput of `GET /api/v2/books/?page_size=100` and of
`ListBooks(page_size=100)` (SOAP 1.1, no credentials) in alternating rounds of the same run
(REST first in even rounds, SOAP first in odd ones), with the benchmark's raw-socket client.
The ratio is taken round by round, then its median, so drift of a busy machine cancels out.
The target (docs/benchmarks.md): SOAP at >= 50 % of REST's throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.load import LoadResult, run_load
from benchmarks.stats import paired_ratio
from catalog_cli.stack import live_stack
from catalog_client.operations import Context, Target, request_for

PAGE_SIZE = 100
SCENARIO = f"list_{PAGE_SIZE}"
TARGET_RATIO = 0.5


def _target(name: str, url: str) -> Target:
    parts = urlsplit(url)
    path = "/api/v2" if name == "rest" else "/soap/catalog/"
    return Target(name, name, parts.hostname or "127.0.0.1", parts.port or 80, path)


@contextmanager
def _services(args: argparse.Namespace) -> Iterator[dict[str, str]]:
    if args.rest_url and args.soap_url:
        yield {"rest": args.rest_url, "soap": args.soap_url}
        return
    with (
        tempfile.TemporaryDirectory(prefix="soap-vs-rest-") as folder,
        live_stack(Path(folder), services=("rest", "soap"), books=args.books) as stack,
    ):
        yield {"rest": stack.url("rest"), "soap": stack.url("soap")}


async def _measure(target: Target, *, seconds: float, concurrency: int) -> LoadResult:
    raw = request_for(SCENARIO, target, Context(book_id=1, author_id=1, publisher_id=1, token=""))
    encoded = raw.encode(target.authority)

    async def list_page(connection, _: int) -> int:
        return (await connection.exchange(encoded)).status

    result = await run_load(
        target.host, target.port, list_page, concurrency=concurrency, seconds=seconds
    )
    if set(result.statuses) != {200} or result.errors:
        raise SystemExit(f"error: {target.name} answered {dict(result.statuses)}, "
                         f"{result.errors} transport errors")  # fmt: skip
    return result


def run(args: argparse.Namespace) -> None:
    with _services(args) as urls:
        targets = {name: _target(name, url) for name, url in urls.items()}
        for target in targets.values():  # warm-up: connections, caches, the WSDL-free path
            asyncio.run(_measure(target, seconds=1.0, concurrency=args.concurrency))
        rates: dict[str, list[float]] = {"rest": [], "soap": []}
        print(f"{PAGE_SIZE}-book pages, {args.concurrency} connections, {args.seconds:.0f} s per "
              f"measurement, {args.rounds} alternating rounds")  # fmt: skip
        print(f"{'round':>5}  {'REST req/s':>10}  {'SOAP req/s':>10}  {'SOAP/REST':>9}")
        for round_number in range(args.rounds):
            order = ("rest", "soap") if round_number % 2 == 0 else ("soap", "rest")
            measured = {
                name: asyncio.run(
                    _measure(targets[name], seconds=args.seconds, concurrency=args.concurrency)
                )
                for name in order
            }
            for name in rates:
                rates[name].append(measured[name].throughput)
            print(f"{round_number + 1:>5}  {rates['rest'][-1]:>10.1f}  {rates['soap'][-1]:>10.1f}  "
                  f"{rates['soap'][-1] / rates['rest'][-1]:>9.2f}")  # fmt: skip
        ratio = paired_ratio(rates["soap"], rates["rest"])
        print(f"median  {statistics.median(rates['rest']):>10.1f}  "
              f"{statistics.median(rates['soap']):>10.1f}  {ratio.median:>9.2f}")  # fmt: skip
        verdict = "meets" if ratio.median >= TARGET_RATIO else "misses"
        print(f"SOAP/REST throughput: {ratio.median:.2f} "
              f"(rounds {ratio.low:.2f}-{ratio.high:.2f}); {verdict} the >= {TARGET_RATIO:.0%} "
              "target")  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.soap_vs_rest_list", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--books", type=int, default=1000, help="books to seed a fresh catalog")
    parser.add_argument("--rounds", type=int, default=6, help="alternating rounds")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of one measurement")
    parser.add_argument("--concurrency", type=int, default=8, help="keep-alive connections")
    parser.add_argument("--rest-url", help="a running REST service (with --soap-url)")
    parser.add_argument("--soap-url", help="a running SOAP service (with --rest-url)")
    run(parser.parse_args(argv))


if __name__ == "__main__":
    main()
