"""`catalog worker`: one job worker, what `make run`, `make up` and docker-compose.yml start.

It runs django-tasks' database worker (`db_worker`: claims queued task rows, runs them, records
the outcome) and, beside it, a sweep that queues a run for every job whose worker died mid-run
(its lease ran out), so a SIGKILLed worker's job is resumed by whichever worker is alive.
"""

from __future__ import annotations

import argparse
import logging
import os
import threading

logger = logging.getLogger("catalog.worker")


def _sweep_stalled_jobs(interval: float, stop: threading.Event) -> None:
    from django.db import close_old_connections

    from shared_models.tasks import requeue_stalled_jobs

    while not stop.wait(interval):
        try:
            if requeued := requeue_stalled_jobs():
                logger.warning("requeued %d job(s) whose worker stopped", requeued)
        except Exception:
            logger.exception("the stalled-job sweep failed; retrying")
        finally:
            close_old_connections()


def worker(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rest_service.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    stop = threading.Event()
    interval = max(settings.JOB_LEASE_SECONDS / 2, 0.5)
    threading.Thread(
        target=_sweep_stalled_jobs, args=(interval, stop), name="stalled-jobs", daemon=True
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
