"""What REST-to-SOAP mediation costs: `python -m benchmarks.mediation`.

Starts rest, soap and the gateway (catalog_cli.stack, `catalog serve`) on one seeded catalog, then:

1. mapping: a 100-book ListBooks answer (SOAP 1.2, as mediation asks for it) turned into REST v2
   dicts, by gateway.soap_envelopes (one lxml parse, a walk in WSDL order) and by zeep (the
   WSDL's binding parsing the reply into objects, then those objects into the same dicts);
   median CPU time of repeated runs in this process, and a check that both give equal values.
2. end to end: `GET /api/v2/books/?page_size=100` through the gateway, plain (REST answers) and
   with `X-Backend: soap` (mediated), in alternating rounds; median latency of each.

Figures from a busy 2-core machine: read the ratios, not the absolute values.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import zeep
import zeep.helpers
from lxml import etree

from catalog_cli.stack import live_stack
from catalog_contract import media_types
from gateway import soap_envelopes

PAGE_SIZE = 100
GENEROUS_LIMITS = {
    "REDIS_URL": "",
    "GATEWAY_RATELIMIT_ANONYMOUS": "1000000/minute",
    "GATEWAY_RATELIMIT_USER": "1000000/minute",
}


def median_ms(work: Callable[[], Any], repeats: int) -> float:
    work()
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def zeep_books(operation: Any, body: bytes) -> list[dict[str, Any]]:
    """zeep's objects for the answer, then the REST v2 dicts mediation must produce."""
    page = zeep.helpers.serialize_object(
        operation.process_reply(etree.fromstring(body)), target_cls=dict
    )
    return [
        {
            "id": b["id"],
            "isbn": b["isbn"],
            "title": b["title"],
            "subtitle": b["subtitle"] or "",
            "authors": [{"id": a["id"], "name": a["name"]} for a in b["authors"]["author"]],
            "publisher": {"id": b["publisher"]["id"], "name": b["publisher"]["name"]},
            "genres": [
                {"slug": g["slug"], "name": g["name"]}
                for g in (b["genres"]["genre"] if b["genres"] else [])
            ],
            "published_date": b["published_date"].isoformat(),
            "language": b["language"],
            "pages": b["pages"],
            "price": {"amount": str(b["price"]["amount"]), "currency": b["price"]["currency"]},
            "description": b["description"] or "",
            "version": b["version"],
            "created_at": b["created_at"].isoformat(),
            "updated_at": b["updated_at"].isoformat(),
        }
        for b in page["books"]["book"]
    ]


def measure_mapping(soap_url: str, repeats: int) -> None:
    body = httpx.post(
        soap_url + "/soap12/catalog/",
        content=soap_envelopes.list_books({}, None, str(PAGE_SIZE)),
        headers={"content-type": media_types.SOAP12},
    ).content
    operation = zeep.Client(soap_url + "/soap12/catalog/?wsdl").service._binding.get("ListBooks")

    def hand_rolled() -> list[dict[str, Any]]:
        answer = soap_envelopes.answer(body)
        if isinstance(answer, soap_envelopes.SoapFault):
            raise RuntimeError(f"ListBooks answered a fault: {answer.code}")
        return soap_envelopes.book_page(answer).books

    same = hand_rolled() == zeep_books(operation, body)
    print(f"ListBooks answer: {PAGE_SIZE} books, {len(body)} bytes; equal values: {same}")
    hand = median_ms(hand_rolled, repeats)
    by_zeep = median_ms(lambda: zeep_books(operation, body), repeats)
    print(f"  hand-rolled lxml: {hand:.2f} ms   zeep: {by_zeep:.2f} ms   ({by_zeep / hand:.0f}x)")


def measure_end_to_end(gateway_url: str, rounds: int, per_round: int) -> None:
    url = f"{gateway_url}/api/v2/books/?page_size={PAGE_SIZE}"
    timings: dict[str, list[float]] = {"rest": [], "mediated": []}
    variants = {"rest": {}, "mediated": {"X-Backend": "soap"}}
    with httpx.Client(timeout=30) as client:
        for round_number in range(rounds):
            order = ["rest", "mediated"] if round_number % 2 == 0 else ["mediated", "rest"]
            for name in order:
                for _ in range(per_round):
                    started = time.perf_counter()
                    response = client.get(url, headers=variants[name])
                    timings[name].append(time.perf_counter() - started)
                    assert response.status_code == 200, response.text
    rest, mediated = (statistics.median(timings[n]) * 1000 for n in ("rest", "mediated"))
    print(f"GET {PAGE_SIZE} books through the gateway, median of {rounds * per_round}:")
    print(
        f"  REST: {rest:.1f} ms   via SOAP (mediated): {mediated:.1f} ms   ({mediated / rest:.2f}x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--books", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--per-round", type=int, default=10)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="mediation-") as folder,
        live_stack(Path(folder), books=args.books, env=GENEROUS_LIMITS) as stack,
    ):
        measure_mapping(stack.url("soap"), args.repeats)
        measure_end_to_end(stack.url("gateway"), args.rounds, args.per_round)


if __name__ == "__main__":
    main()
