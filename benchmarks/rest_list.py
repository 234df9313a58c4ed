"""How fast the REST list is: `python -m benchmarks.rest_list [--deep]`.

Throughput (the default): a 100-book v2 page through the real view (selectors' two queries,
plain-dict representations, orjson) against a plain nested ModelSerializer view of the same
books in the same shape (select_related + prefetch_related, DRF's CursorPagination and JSON
renderer), in alternating rounds in one process; prints both rates and their ratio.

Depth (--deep): page 1 against page 10,000 (page_size 100) of a 1,000,000-book catalog for
several orderings, through the real view, alternating requests; prints median and p95 latency.

Both call the views directly with RequestFactory (no middleware and no socket, for either side),
on --database-url or, by default, a fresh SQLite file seeded with --books books.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PAGE_SIZE = 100
DEEP_PAGE = 10_000
DEEP_ORDERINGS = ("id", "title", "-price", "published_date")


def _setup(database_url: str, *, seed_books: int | None) -> None:
    """Point Django at the benchmark's database before anything imports settings; seed it
    first when it is a fresh one."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "rest_service.settings"
    import django

    django.setup()
    if seed_books is not None:
        from django.core.management import call_command

        from shared_models.seeding import seed_catalog

        call_command("migrate", verbosity=0)
        seed_catalog(books=seed_books)


def _baseline_view() -> Callable:
    """The textbook DRF way: nested ModelSerializers over a prefetched queryset."""
    from django.db.models import Prefetch
    from rest_framework import generics, pagination, renderers, serializers

    from shared_models.models import Author, Book, Genre, Publisher

    class AuthorRef(serializers.ModelSerializer):
        class Meta:
            model = Author
            fields = ["id", "name"]

    class PublisherRef(serializers.ModelSerializer):
        class Meta:
            model = Publisher
            fields = ["id", "name"]

    class GenreRef(serializers.ModelSerializer):
        class Meta:
            model = Genre
            fields = ["slug", "name"]

    class Money(serializers.Serializer):
        amount = serializers.DecimalField(source="price", max_digits=10, decimal_places=2)
        currency = serializers.CharField()

    class BookSerializer(serializers.ModelSerializer):
        authors = AuthorRef(many=True)
        publisher = PublisherRef()
        genres = GenreRef(many=True)
        price = Money(source="*")

        class Meta:
            model = Book
            fields = ["id", "isbn", "title", "subtitle", "authors", "publisher", "genres",
                      "published_date", "language", "pages", "price", "description", "version",
                      "created_at", "updated_at"]  # fmt: skip

    class Pages(pagination.CursorPagination):
        page_size = PAGE_SIZE
        ordering = "id"

    class BaselineList(generics.ListAPIView):
        queryset = Book.objects.select_related("publisher").prefetch_related(
            Prefetch("authors", queryset=Author.objects.order_by("book_links__position")),
            "genres",
        )
        serializer_class = BookSerializer
        pagination_class = Pages
        renderer_classes = [renderers.JSONRenderer]
        authentication_classes: list = []
        permission_classes: list = []

    return BaselineList.as_view()


def _real_view() -> Callable:
    from rest_service.api.views.books import BookViewSet

    view = BookViewSet.as_view({"get": "list"})
    return lambda request: view(request, version="v2")


def _caller(view: Callable, path: str) -> Callable[[], bytes]:
    from django.test import RequestFactory

    factory = RequestFactory()

    def call() -> bytes:
        response = view(factory.get(path))
        response.render()
        assert response.status_code == 200, response.content[:300]
        return response.content

    return call


def _rate(call: Callable[[], bytes], seconds: float) -> float:
    done, start = 0, time.perf_counter()
    deadline = start + seconds
    while (now := time.perf_counter()) < deadline:
        call()
        done += 1
    return done / (now - start)


def _queries(call: Callable[[], bytes]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def throughput(rounds: int, seconds: float) -> float:
    import orjson

    real = _caller(_real_view(), f"/api/v2/books/?page_size={PAGE_SIZE}")
    baseline = _caller(_baseline_view(), "/baseline/books/")
    real_ids = [book["id"] for book in orjson.loads(real())["results"]]
    baseline_ids = [book["id"] for book in orjson.loads(baseline())["results"]]
    if len(real_ids) != PAGE_SIZE or real_ids != baseline_ids:
        sys.exit(f"error: the two views disagree or the catalog has < {PAGE_SIZE} books")
    print(f"queries per page: real view {_queries(real)}, ModelSerializer {_queries(baseline)}")
    print(f"bytes per page:   real view {len(real())}, ModelSerializer {len(baseline())}")
    rates: dict[str, list[float]] = {"real": [], "baseline": []}
    for number in range(rounds):
        order = ("real", "baseline") if number % 2 == 0 else ("baseline", "real")
        for name in order:
            rates[name].append(_rate(real if name == "real" else baseline, seconds))
    real_rate, baseline_rate = (statistics.median(rates[n]) for n in ("real", "baseline"))
    print(f"real view:        {real_rate:8.1f} pages/s (median of {rounds} rounds)")
    print(f"ModelSerializer:  {baseline_rate:8.1f} pages/s")
    ratio = real_rate / baseline_rate
    print(f"ratio:            {ratio:.2f}x (target >= 3x)")
    return ratio


def _deep_cursor(ordering_name: str) -> str:
    """The cursor that `next` would hold at the end of page DEEP_PAGE - 1 (read once with an
    OFFSET, outside the timing: a client gets there by following links)."""
    from shared_models.models import Book
    from shared_models.pagination import encode_cursor, parse_ordering
    from shared_models.selectors import BOOK_ORDERINGS, DEFAULT_BOOK_ORDERING

    ordering = parse_ordering(ordering_name, BOOK_ORDERINGS, DEFAULT_BOOK_ORDERING)
    offset = PAGE_SIZE * (DEEP_PAGE - 1) - 1
    value, row_id = Book.objects.order_by(*ordering.order_by).values_list(ordering.field, "id")[
        offset
    ]
    return encode_cursor(ordering, value, row_id, before=False)


def _latencies(call: Callable[[], bytes]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def deep_pages(requests: int) -> None:
    from shared_models.models import Book

    total = Book.objects.count()
    if total < PAGE_SIZE * DEEP_PAGE:
        sys.exit(f"error: --deep needs {PAGE_SIZE * DEEP_PAGE:,} books, the catalog has {total:,}")
    view = _real_view()
    print(f"catalog: {total:,} books; page_size {PAGE_SIZE}; {requests} requests per page")
    print(
        f"{'ordering':<16}{'page 1 p50':>12}{'p95':>8}{'page 10,000 p50':>18}{'p95':>8}{'ratio':>8}"
    )
    for name in DEEP_ORDERINGS:
        path = f"/api/v2/books/?page_size={PAGE_SIZE}&ordering={name}"
        first = _caller(view, path)
        deep = _caller(view, f"{path}&cursor={_deep_cursor(name)}")
        timings: dict[str, list[float]] = {"first": [], "deep": []}
        for _ in range(5):
            first(), deep()
        for _ in range(requests):
            timings["first"].append(_latencies(first))
            timings["deep"].append(_latencies(deep))
        row = [_p50_p95(timings["first"]), _p50_p95(timings["deep"])]
        print(
            f"{name:<16}{row[0][0]:>10.2f}ms{row[0][1]:>7.2f}"
            f"{row[1][0]:>16.2f}ms{row[1][1]:>7.2f}{row[1][0] / row[0][0]:>7.2f}x"
        )


def _p50_p95(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.rest_list", description=__doc__)
    parser.add_argument("--database-url", help="an existing catalog (default: a fresh SQLite)")
    parser.add_argument("--books", type=int, default=1000, help="books to seed a fresh database")
    parser.add_argument("--rounds", type=int, default=6, help="alternating rounds per view")
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one round")
    parser.add_argument("--deep", action="store_true", help="page 1 vs page 10,000 instead")
    parser.add_argument("--requests", type=int, default=200, help="--deep: requests per page")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rest-list-bench-") as folder:
        if args.database_url:
            _setup(args.database_url, seed_books=None)
        else:
            _setup(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", seed_books=args.books)
        if args.deep:
            deep_pages(args.requests)
        else:
            throughput(args.rounds, args.seconds)


if __name__ == "__main__":
    main()
