"""`manage.py seed_catalog --books N --seed S`: fill the catalog with deterministic demo data."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from shared_models import seeding


class Command(BaseCommand):
    help = "Fill an empty catalog with a deterministic, realistic set of books."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--books", type=int, default=seeding.DEFAULT_BOOKS)
        parser.add_argument("--seed", type=int, default=seeding.DEFAULT_SEED)
        parser.add_argument("--batch-size", type=int, default=seeding.DEFAULT_BATCH)
        existing = parser.add_mutually_exclusive_group()
        existing.add_argument("--reset", action="store_true", help="delete the whole catalog first")
        existing.add_argument(
            "--if-empty", action="store_true", help="do nothing if the catalog has data"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        books, batch = options["books"], options["batch_size"]
        if books < 0 or batch < 1:
            raise CommandError("--books must be >= 0 and --batch-size >= 1")
        if not seeding.catalog_is_empty():
            if options["if_empty"]:
                self.stdout.write("The catalog already has data; not seeding.")
                return
            if not options["reset"]:
                raise CommandError(
                    "the catalog already has data: --reset replaces it, --if-empty keeps it"
                )
            seeding.clear_catalog()
        started = time.perf_counter()
        report = self._seed_with_progress(books, options["seed"], batch, options["verbosity"])
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Seeded {report.books} books, {report.authors} authors, {report.publishers} "
            f"publishers and {report.genres} genres (seed {options['seed']}) in {elapsed:.2f} s."
        )

    def _seed_with_progress(
        self, books: int, seed: int, batch: int, verbosity: int
    ) -> seeding.SeedReport:
        authors, publishers = seeding.catalog_counts(books)
        columns = (TextColumn("{task.description:>10}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())  # fmt: skip
        with Progress(*columns, disable=verbosity < 1, transient=False) as bar:
            tasks = {
                "publishers": bar.add_task("publishers", total=publishers),
                "authors": bar.add_task("authors", total=authors),
                "books": bar.add_task("books", total=books),
            }
            return seeding.seed_catalog(
                books=books,
                seed=seed,
                batch_size=batch,
                progress=lambda stage, rows: bar.advance(tasks[stage], rows),
            )
