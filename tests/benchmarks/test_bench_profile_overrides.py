"""`catalog bench --rounds N --seconds S`: a shorter full run, every scenario still measured."""

from __future__ import annotations

import argparse

from benchmarks.runner import FULL, QUICK
from catalog_cli.bench import chosen_profile


def _args(**given: object) -> argparse.Namespace:
    options = {"quick": False, "books": None, "rounds": None, "seconds": None}
    return argparse.Namespace(**{**options, **given})


def test_no_override_runs_the_full_profile_as_it_is():
    assert chosen_profile(_args()) == FULL


def test_rounds_and_seconds_shorten_the_full_profile_and_keep_the_rest():
    profile = chosen_profile(_args(rounds=3, seconds=2.0))
    assert (profile.name, profile.rounds, profile.seconds) == ("full", 3, 2.0)
    assert (profile.books, profile.import_lines) == (FULL.books, FULL.import_lines)


def test_books_override_the_quick_profile():
    profile = chosen_profile(_args(quick=True, books=20))
    assert (profile.name, profile.books, profile.rounds) == ("quick", 20, QUICK.rounds)
