"""The range of database ids, which every side checks before asking the database."""

from __future__ import annotations

from typing import Final

MIN_ID: Final = 1
MAX_ID: Final = 2**63 - 1
"""The largest value of the ids' 64-bit signed column; a larger id can only be not found."""
