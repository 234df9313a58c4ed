"""`catalog worker`'s housekeeping thread: every tick requeues stalled jobs; the retention
purge runs at start and then once per PURGE_EVERY_SECONDS, and a failing tick does not end it."""

import threading

import pytest

from catalog_cli import worker
from shared_models import job_retention, tasks

pytestmark = pytest.mark.django_db  # each tick closes stale connections, as a worker's must


class Ticks(threading.Event):
    """A stop event that lets the loop run `count` ticks, the clock moving `step` s per tick."""

    def __init__(self, count: int, step: float) -> None:
        super().__init__()
        self.count, self.step, self.now = count, step, 0.0

    def wait(self, timeout=None) -> bool:
        self.count -= 1
        self.now += self.step
        return self.count <= 0


@pytest.fixture
def calls(monkeypatch):
    seen = {"requeue": 0, "purge": 0}

    def requeue():
        seen["requeue"] += 1
        return 0

    def purge():
        seen["purge"] += 1

    monkeypatch.setattr(tasks, "requeue_stalled_jobs", requeue)
    monkeypatch.setattr(job_retention, "jobs_purge_finished", purge)
    return seen


def test_the_purge_runs_at_start_and_then_once_per_period(calls):
    ticks = Ticks(count=10, step=worker.PURGE_EVERY_SECONDS / 4)  # 10 ticks over 2.5 periods

    worker._housekeeping(1.0, ticks, clock=lambda: ticks.now)

    assert calls == {"requeue": 10, "purge": 3}


def test_a_failing_tick_is_logged_and_the_next_one_runs(calls, monkeypatch, caplog):
    def broken():
        raise RuntimeError("database went away")

    monkeypatch.setattr(tasks, "requeue_stalled_jobs", broken)
    ticks = Ticks(count=3, step=1.0)

    worker._housekeeping(1.0, ticks, clock=lambda: ticks.now)

    assert caplog.text.count("housekeeping failed") == 3
