"""gunicorn configuration for Prometheus multiprocess mode (`catalog serve` passes
`--config python:telemetry.gunicorn_hooks` with PROMETHEUS_MULTIPROC_DIR set): the directory is
emptied when the server starts, so counts of an earlier run never add up with this one's, and a
dead worker's files are marked so its live gauges stop counting (its counters stay summed).
Each worker also says where it listens: with `--reuse-port` the sockets are the workers' own, so
gunicorn's master has none to name."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from prometheus_client import multiprocess

from config.env import env_str


def on_starting(server: Any) -> None:
    directory = env_str("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    if env_str("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]  # prometheus_client: unannotated


def post_worker_init(worker: Any) -> None:
    listening = ",".join(str(listener) for listener in worker.sockets)
    worker.log.info("Listening at: %s (%s)", listening, worker.pid)
