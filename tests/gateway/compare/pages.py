"""Reading the compare page as a person would: its columns, their text and byte counts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from typing import Any

from django.test import Client


@dataclass
class Result:
    """A page as a reader sees it: the whole HTML and each column's."""

    status: int
    html: str

    def column(self, protocol: str) -> str:
        match = re.search(
            rf'<article class="side" data-protocol="{protocol}".*?</article>', self.html, re.S
        )
        assert match, f"no {protocol} column on the page"
        return match.group()

    def text(self, protocol: str) -> str:
        """The column's text with the markup removed (what a reader reads)."""
        return unescape(re.sub(r"<[^>]+>", "", self.column(protocol)))

    def byte_count(self, protocol: str, which: str) -> int:
        match = re.search(rf'data-bytes="{which}">([\d,]+)<', self.column(protocol))
        assert match, f"no {which} byte count in the {protocol} column"
        return int(match.group(1).replace(",", ""))


def run(client: Client, **fields: Any) -> Result:
    response = client.post("/compare/", {key: str(value) for key, value in fields.items()})
    return Result(response.status_code, response.content.decode())


CREATE_FIELDS = {
    "operation": "create",
    "title": "Compared Twice",
    "author_id": 1,
    "publisher_id": 1,
    "published_date": "2020-05-01",
    "book_language": "en",
    "pages": 320,
    "price": "19.90",
    "currency": "EUR",
}
