"""The report's bulk-import section, fed figures: the rates and their share against the goal,
the bytes of one import through each protocol, and what it says when nothing was measured."""

from benchmarks.import_rate import job_rate, seed_rate
from benchmarks.import_report import import_section

FIGURES = {
    "lines": 100_000,
    "job": {"status": "succeeded", "total": 100_000, "created": 100_000, "failed": 0},
    "import_books_per_s": 2770.4,
    "seed_books_per_s": 5680.0,
    "share_of_seed": 2770.4 / 5680.0,
    "goal": 0.25,
    "bytes_books": 1000,
    "bytes": {
        "rest": {"head": 210, "body": 267_500, "body_gzip": 10_536},
        "soap": {"head": 233, "body": 498_700, "body_gzip": 11_400},
    },
}


def test_the_section_gives_both_rates_and_the_share_against_the_goal():
    text = import_section(FIGURES)

    assert "| import job (started to finished) | 2,770 |" in text
    assert "| `catalog seed` | 5,680 |" in text
    assert "| import / seed | 49% (goal: at least 25%: **met**) |" in text
    assert "100,000 created and 0 refused" in text


def test_a_share_below_the_goal_is_not_met():
    text = import_section({**FIGURES, "import_books_per_s": 1000.0, "share_of_seed": 0.176})
    assert "18% (goal: at least 25%: **not met**)" in text


def test_the_bytes_of_one_import_are_given_per_protocol_with_their_ratio():
    text = import_section(FIGURES)

    assert (
        "| REST NDJSON (`POST /api/v2/books/import/`) | 210 | 267,500 | 267,710 | 10,536 |" in text
    )
    assert "| SOAP `ImportBooks` (one call) | 233 | 498,700 | 498,933 | 11,400 |" in text
    assert "| SOAP / REST | | | 1.86x | 1.08x |" in text


def test_without_figures_the_section_says_why():
    assert import_section(None).startswith("Not measured")


def test_the_job_rate_counts_created_books_over_the_jobs_run():
    job = {
        "created": 5000,
        "started_at": "2026-11-30T12:00:00Z",
        "finished_at": "2026-11-30T12:00:02.500000Z",
    }
    assert job_rate(job) == 2000.0


def test_the_seed_rate_is_read_from_what_catalog_seed_prints():
    printed = (
        "Seeded 100000 books, 4000 authors, 300 publishers and 20 genres (seed 42) in 17.61 s.\n"
    )
    assert seed_rate(printed) == 100000 / 17.61
