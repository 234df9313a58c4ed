"""The range of database ids, which every side checks before asking the database, and the
batch reads that ask for many ids at once."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

MIN_ID: Final = 1
MAX_ID: Final = 2**63 - 1
"""The largest value of the ids' 64-bit signed column; a larger id can only be not found."""

MAX_BATCH_IDS: Final = 100
"""The most ids one batch read (REST `ids=`, SOAP GetBooks) may ask for."""

_DIGITS: Final = len(str(MAX_ID))
_INTEGER: Final = re.compile(r"-?[0-9]+")


class BadIds(ValueError):
    """A batch of ids that cannot be read; `messages` say why, for the client."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("; ".join(messages))


def batch_ids(values: Sequence[object]) -> tuple[int, ...]:
    """The ids of a batch read, each once, in the order first asked for.

    Each value is an int or a string of digits; one to MAX_BATCH_IDS of them (repeats count),
    each within MIN_ID..MAX_ID. Checked here, without Django, so the REST service, the SOAP
    service and the gateway's mediation refuse the same batches with the same words.
    """
    if not values:
        raise BadIds(["Give at least one id."])
    if len(values) > MAX_BATCH_IDS:
        raise BadIds([f"Give at most {MAX_BATCH_IDS} ids, not {len(values)}."])
    messages = [m for position, value in enumerate(values, 1) if (m := _refusal(position, value))]
    if messages:
        raise BadIds(messages)
    return tuple(dict.fromkeys(_as_int(value) for value in values))


def _as_int(value: object) -> int:
    return value if isinstance(value, int) else int(str(value).strip())


def _refusal(position: int, value: object) -> str | None:
    """Why the id at `position` (from 1) cannot be read; None if it can."""
    if isinstance(value, str):
        digits = value.strip()
        if not _INTEGER.fullmatch(digits):
            return f"Id {position} ({value[:40]!r}) is not an integer."
        if len(digits.lstrip("-").lstrip("0")) > _DIGITS:
            return f"Id {position} is out of range ({MIN_ID}..{MAX_ID})."
    elif isinstance(value, bool) or not isinstance(value, int):
        return f"Id {position} is not an integer."
    if not MIN_ID <= _as_int(value) <= MAX_ID:
        return f"Id {position} is out of range ({MIN_ID}..{MAX_ID})."
    return None
