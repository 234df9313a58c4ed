"""`catalog worker`: one job worker, what `make run`, `make up` and docker-compose.yml start.

It runs django-tasks' database worker (`db_worker`: claims queued task rows, runs them, records
the outcome) and, beside it, housekeeping: a sweep that queues a run for every job whose worker
died mid-run (its lease ran out), so a SIGKILLed worker's job is resumed by whichever worker is
alive, and, at start and then every PURGE_EVERY_SECONDS, the retention purge of finished jobs
older than JOB_RETENTION_DAYS (shared_models.job_retention; several workers purging at once
delete nothing twice).
"""

from __future__ import annotations

import argparse
import logging
import os
import threading
import time
from collections.abc import Callable

logger = logging.getLogger("catalog.worker")


PURGE_EVERY_SECONDS = 3600.0


def _housekeeping(
    interval: float, stop: threading.Event, clock: Callable[[], float] = time.monotonic
) -> None:
    from django.db import close_old_connections

    from shared_models.job_retention import jobs_purge_finished
    from shared_models.tasks import requeue_stalled_jobs

    next_purge = clock()
    while True:
        try:
            if requeued := requeue_stalled_jobs():
                logger.warning("requeued %d job(s) whose worker stopped", requeued)
            if clock() >= next_purge:
                next_purge = clock() + PURGE_EVERY_SECONDS
                logger.info("retention purge: %s", jobs_purge_finished())
        except Exception:
            logger.exception("housekeeping failed; retrying")
        finally:
            close_old_connections()
        if stop.wait(interval):
            return


def worker(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rest_service.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    stop = threading.Event()
    interval = max(settings.JOB_LEASE_SECONDS / 2, 0.5)
    threading.Thread(
        target=_housekeeping, args=(interval, stop), name="housekeeping", daemon=True
    ).start()
    try:
        call_command("db_worker", "--interval", str(args.interval), "--no-reload")
    finally:
        stop.set()


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("worker", help="run queued jobs and webhook deliveries")
    parser.add_argument(
        "--interval", type=float, default=0.5, help="seconds between polls of an empty queue"
    )
    parser.set_defaults(handler=worker)
