"""Real processes on loopback for tests whose behaviour is about processes; the machinery lives
in catalog_cli.stack (the benchmarks use it too)."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Sequence

from catalog_cli.stack import (
    CATALOG,
    REPO,
    ServerProcess,
    Stack,
    WorkerProcess,
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
    "ConsoleProcess",
    "ServerProcess",
    "Stack",
    "WorkerProcess",
    "base_env",
    "free_port",
    "fresh_database_url",
    "live_stack",
    "run_catalog",
    "second_process",
    "wait_until_healthy",
]


class ConsoleProcess:
    """A `catalog` command as a person at a terminal runs it: its output read as it comes, so a
    test waits for what the person waits for (the banner), then presses Ctrl-C."""

    def __init__(self, args: Sequence[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [*CATALOG, *args], env=env, cwd=REPO, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )  # fmt: skip
        self._lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self._lines)

    def wait_for(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output:
            if self.process.poll() is not None and not self._reader.is_alive():
                raise AssertionError(f"exited before printing {text!r}:\n{self.output}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {text!r} within {timeout:.0f} s:\n{self.output}")
            time.sleep(0.1)

    def interrupt(self, timeout: float = 60) -> int:
        """Ctrl-C, then wait for the process and the last of its output."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        returncode = self.process.wait(timeout=timeout)
        self._reader.join(timeout=10)
        return returncode
