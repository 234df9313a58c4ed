"""The report's bulk-import section (benchmarks/import_rate.py's figures), apart from the
request/response sections so each can change on its own."""

from __future__ import annotations

from typing import Any


def import_section(figures: dict[str, Any] | None) -> str:
    """Markdown: the job path's rate against `catalog seed`'s, then the bytes of one import."""
    if not figures:
        return "Not measured (the run used services given by URL, whose database it does not own)."
    share, goal = figures["share_of_seed"], figures["goal"]
    verdict = "**met**" if share is not None and share >= goal else "**not met**"
    job = figures["job"]
    rest, soap = figures["bytes"]["rest"], figures["bytes"]["soap"]
    return f"""An NDJSON file of {figures["lines"]:,} v2 book inputs, submitted to REST and run by a
`catalog worker` (each line validated by the single-create rule, written in batches), against
`catalog seed --books {figures["lines"]}` on the same database. The job ended
`{job["status"]}` with {job["created"]:,} created and {job["failed"]:,} refused.

| | books/s |
| --- | --- |
| import job (started to finished) | {figures["import_books_per_s"]:,.0f} |
| `catalog seed` | {figures["seed_books_per_s"]:,.0f} |
| import / seed | {_percent(share)} (goal: at least {goal:.0%}: {verdict}) |

The same {figures["bytes_books"]:,}-book import, as sent:

{_bytes_table(rest, soap)}
"""


def _bytes_table(rest: dict[str, int], soap: dict[str, int]) -> str:
    rows = [
        ("REST NDJSON (`POST /api/v2/books/import/`)", rest),
        ("SOAP `ImportBooks` (one call)", soap),
    ]
    lines = [
        "| request | head B | body B | total B | body gzip B |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {name} | {f['head']:,} | {f['body']:,} | {f['head'] + f['body']:,} | "
        f"{f['body_gzip']:,} |"
        for name, f in rows
    ]
    total = (soap["head"] + soap["body"]) / (rest["head"] + rest["body"])
    lines.append(
        f"| SOAP / REST | | | {total:.2f}x | {soap['body_gzip'] / rest['body_gzip']:.2f}x |"
    )
    return "\n".join(lines)


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"
