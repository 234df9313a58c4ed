"""Secrets never reach the page: every text shown (request and response heads and bodies) has
the run's secrets replaced by a mask.

The run knows every secret it handles (the password it sends, the tokens it is given), so they
are masked by value wherever they appear (an Authorization header, a token request's body, a
token response, a WS-Security password) and in the escaped forms JSON and XML would give them.
Byte counts are taken from what was sent, before masking.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from xml.sax.saxutils import escape

MASK = "••••••••"


class Secrets:
    def __init__(self, values: Iterable[str]) -> None:
        forms: set[str] = set()
        for value in values:
            if value:
                forms.update((value, escape(value), json.dumps(value)[1:-1]))
        ordered = sorted(forms, key=len, reverse=True)  # a secret inside a longer one: longer first
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def mask(self, text: str) -> str:
        return self._pattern.sub(MASK, text) if self._pattern else text
