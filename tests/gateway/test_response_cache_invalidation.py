"""A change the services announce (a new generation for its kind, catalog_contract.generations)
makes every cached answer it could change unreachable, and leaves the others alone. Here the
announcement is written the way shared_models.change_feed writes it without Redis (the var
folder's file); tests/shared_models/test_change_feed.py checks that writes announce."""

from __future__ import annotations

import pytest

from catalog_contract import generations
from config.env import var_dir
from tests.gateway.conftest import FakeUpstream, catalog_answer

pytestmark = pytest.mark.usefixtures("cache_settings")


def announce(*kinds: str) -> None:
    generations.bump_file(var_dir() / generations.FILE_NAME, kinds)


def statuses_after(harness_factory, kind: str, paths: list[str]) -> list[str]:
    """Read each path (stored), announce a change of `kind`, read each again: the second
    reads' Cache-Status."""

    async def scenario(gw):
        for path in paths:
            await gw.request("GET", path)
        announce(kind)
        return [(await gw.request("GET", path)).header("cache-status") for path in paths]

    return harness_factory(scenario, rest=FakeUpstream(catalog_answer))


def test_a_book_change_makes_book_answers_unreachable(harness_factory):
    statuses = statuses_after(harness_factory, "books", ["/api/v2/books/3/", "/api/v1/books/"])
    assert all(status.startswith("catalog-gw; fwd=miss") for status in statuses)


def test_a_book_change_leaves_other_kinds_cached(harness_factory):
    statuses = statuses_after(harness_factory, "books", ["/api/v2/authors/", "/api/v2/genres/"])
    assert all(status.startswith("catalog-gw; hit") for status in statuses)


@pytest.mark.parametrize("kind", ["authors", "publishers", "genres"])
def test_a_change_to_what_a_book_names_makes_book_answers_unreachable(harness_factory, kind):
    statuses = statuses_after(harness_factory, kind, ["/api/v2/books/3/", f"/api/v2/{kind}/"])
    assert all(status.startswith("catalog-gw; fwd=miss") for status in statuses)


def test_a_lost_generation_file_comes_back_with_new_tokens(harness_factory):
    async def scenario(gw):
        await gw.request("GET", "/api/v2/books/3/")
        (var_dir() / generations.FILE_NAME).unlink()
        return (await gw.request("GET", "/api/v2/books/3/")).header("cache-status")

    status = harness_factory(scenario, rest=FakeUpstream(catalog_answer))
    assert status.startswith("catalog-gw; fwd=miss")
