"""Time as a dependency: services ask a clock, tests pass one that stands still."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from django.utils import timezone


class Clock(Protocol):
    def now(self) -> datetime: ...

    def today(self) -> date: ...


class SystemClock:
    def now(self) -> datetime:
        return timezone.now()

    def today(self) -> date:
        return timezone.localdate()


@dataclass(frozen=True)
class FixedClock:
    instant: datetime

    def now(self) -> datetime:
        return self.instant

    def today(self) -> date:
        return timezone.localdate(self.instant)


system_clock = SystemClock()
