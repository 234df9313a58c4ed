"""Real processes on loopback for tests whose behaviour is about processes; the machinery lives
in catalog_cli.stack (the benchmarks use it too)."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

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
    "gateway_in_front_of",
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


@contextmanager
def gateway_in_front_of(upstream_url: str, folder: Path, **env: str) -> Iterator[str]:
    """The real gateway (`catalog serve gateway`) with `upstream_url` standing in for REST and
    SOAP (a recording upstream), anonymous limits far above any test's traffic; its address."""
    port = free_port()
    server = ServerProcess(
        name="gateway",
        command=[*CATALOG, "serve", "gateway", "--port", str(port)],
        env=base_env(
            folder,
            "sqlite:///unused",
            **{
                "GATEWAY_REST_URL": upstream_url,
                "GATEWAY_SOAP_URL": upstream_url,
                "REDIS_URL": "",
                "GATEWAY_CACHE_ENABLED": "false",  # the upstream records every request sent
                "GATEWAY_RATELIMIT_ANONYMOUS": "100000/minute",
                **env,
            },
        ),
        log_path=folder / "gateway.log",
        port=port,
        tls_certificate=Path(env["GATEWAY_TLS_CERT"]) if "GATEWAY_TLS_CERT" in env else None,
    )
    try:
        server.start()
        yield f"127.0.0.1:{port}"
    finally:
        server.stop()
