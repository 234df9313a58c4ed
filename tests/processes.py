"""Real processes on loopback for tests whose behaviour is about processes; the machinery lives
in config.stack (the benchmarks use it too)."""

from config.stack import (
    CATALOG,
    REPO,
    ServerProcess,
    Stack,
    base_env,
    free_port,
    fresh_database_url,
    live_stack,
    run_catalog,
    second_process,
    wait_until_healthy,
)

__all__ = [
    "CATALOG",
    "REPO",
    "ServerProcess",
    "Stack",
    "base_env",
    "free_port",
    "fresh_database_url",
    "live_stack",
    "run_catalog",
    "second_process",
    "wait_until_healthy",
]
