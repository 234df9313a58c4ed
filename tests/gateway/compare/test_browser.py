"""The compare page as a person sees it: headless Chromium (Debian's `chromium`, driven by
Playwright) loads it from a live gateway, runs "get a book" and "list 100", and reads both
columns and their byte counts; screenshots are saved under the test's tmp_path.

Without Chromium or Playwright the test is skipped, except where CATALOG_REQUIRE_BROWSER=1
(CI): there a browser that is missing or cannot start fails the run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from config.env import env_bool

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]  # fmt: skip


def _unavailable(reason: str) -> None:
    if env_bool("CATALOG_REQUIRE_BROWSER", False):
        pytest.fail(f"{reason} (CATALOG_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Any:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _run(page: Any, operation: str, field: str, value: str) -> None:
    page.check(f"input[name=operation][value={operation}]")
    page.fill(f"#id_{field}", value)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_selector("#result")


def _bytes(page: Any, protocol: str) -> dict[str, int]:
    cells = page.locator(f"article.side[data-protocol={protocol}] td[data-bytes]")
    return {
        cells.nth(i).get_attribute("data-bytes"): int(cells.nth(i).inner_text().replace(",", ""))
        for i in range(cells.count())
    }


def _column_text(page: Any, protocol: str) -> str:
    return page.locator(f"article.side[data-protocol={protocol}]").inner_text()


def _status(page: Any, protocol: str) -> str:
    return page.locator(f"article.side[data-protocol={protocol}] [data-status]").inner_text()


def _screenshot(page: Any, path: Path) -> None:
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")


def test_get_a_book_and_list_100_show_both_columns_with_their_bytes(browser, stack, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(stack.url("gateway", "/compare/"))
    assert page.locator("fieldset[data-for=create]").is_hidden()  # the script shows one group

    _run(page, "get_book", "book_id", "1")
    rest, soap = _bytes(page, "rest"), _bytes(page, "soap")
    assert _status(page, "rest") == _status(page, "soap") == "200 OK"
    assert "GET /api/v2/books/1/ HTTP/1.1" in _column_text(page, "rest")
    assert "<tns:GetBook>" in _column_text(page, "soap")
    for sizes in (rest, soap):
        assert sizes["total"] == sizes["request"] + sizes["response"] > 0
    assert soap["total"] > rest["total"]
    _screenshot(page, tmp_path / "compare-get-book.png")

    _run(page, "list", "page_size", "100")
    rest, soap = _bytes(page, "rest"), _bytes(page, "soap")
    assert "GET /api/v2/books/?page_size=100 HTTP/1.1" in _column_text(page, "rest")
    assert "<tns:page_size>100</tns:page_size>" in _column_text(page, "soap")
    for protocol in ("rest", "soap"):
        assert _status(page, protocol) == "200 OK"
    assert rest["response-identity"] > 40_000  # 100 books, sent compressed (the cell beside)
    assert soap["response-identity"] > rest["response-identity"]
    assert soap["response"] > rest["response"]
    assert soap["total-identity"] > soap["total"] and rest["total-identity"] > rest["total"]
    assert "Smaller: REST." in page.locator(".verdict").inner_text()
    _screenshot(page, tmp_path / "compare-list-100.png")
    page.close()


def test_at_phone_width_the_columns_stack_and_nothing_overflows(browser, stack, tmp_path):
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(stack.url("gateway", "/compare/"))
    _run(page, "get_book", "book_id", "1")
    rest = page.locator("article.side[data-protocol=rest]").bounding_box()
    soap = page.locator("article.side[data-protocol=soap]").bounding_box()
    assert soap["y"] >= rest["y"] + rest["height"]  # one under the other
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    _screenshot(page, tmp_path / "compare-phone.png")
    page.close()
