"""The fault scenarios' stage: REST and SOAP under gunicorn, a fault proxy in front of each, the
gateway (granian) talking to the upstreams only through the proxies, and a private Redis the
scenarios may stop (never the machine's own).

    client ──> gateway ──> fault proxy ──> rest
                       └─> fault proxy ──> soap
               (rate limits in the private redis-server; JWKS fetched from REST directly)
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.faultproxy import FaultProxy, fault_proxy
from tests.processes import CATALOG, ServerProcess, Stack, free_port, live_stack

GATEWAY_DEADLINE_SECONDS = 2.0
BREAKER_COOLDOWN_SECONDS = 1.0
# With 30 % of upstream requests failing, the gateway's default retry policy (3 attempts, a
# budget of 20 % of requests) answers ~90 % of reads: the budget is spent before the failures
# are. 99.9 % needs 0.3^n < 0.001 (n >= 6 attempts; 8 leave a margin over a few hundred reads)
# and a budget above 0.3 + 0.09 + ... = 43 %.
# The breaker keeps its defaults: it opens on a failure rate of 80 % of recent calls, which an
# outage reaches and 30 % of random faults do not.
RETRY_MAX_ATTEMPTS = 8
RETRY_BUDGET_RATIO = 0.5
EDITOR = {"username": "editor", "password": "editor-pass"}
LOGINS = "10000/minute"
"""The login throttle counts per client address in the shared cache (Redis when configured):
every test logs in from 127.0.0.1, so the battery's stacks must not share the default 30/minute."""


class PrivateRedis:
    """A throwaway redis-server on a free port, with nothing persisted; stoppable and
    restartable on the same port, as a Redis outage looks to its clients."""

    def __init__(self, log_path: Path) -> None:
        self.port = free_port()
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 15.0) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.answers():
                return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server on {self.port} did not answer within {timeout} s")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@dataclass
class FaultStack:
    services: Stack
    proxies: dict[str, FaultProxy]
    gateway: ServerProcess
    redis: PrivateRedis
    _token: str = ""

    def url(self, path: str = "") -> str:
        return self.gateway.base_url + path

    def upstream(self, name: str) -> ServerProcess:
        return self.services.servers[name]

    def heal(self) -> None:
        """Every proxy back to passing traffic; a stopped Redis or upstream started again; the
        breakers closed again (waits for /readyz)."""
        for proxy in self.proxies.values():
            proxy.heal()
        if not self.redis.answers():
            self.redis.start()
        for server in self.services.servers.values():
            if server.process is None or server.process.poll() is not None:
                server.start()
        wait_until_ready(self)

    def editor_token(self) -> str:
        """One login per stack (tokens live 15 minutes, longer than the battery)."""
        if not self._token:
            response = httpx.post(self.services.url("rest", "/api/token/"), json=EDITOR, timeout=30)
            assert response.status_code == 200, response.text
            self._token = response.json()["access"]
        return self._token


def wait_until_ready(stack: FaultStack, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(stack.url("/readyz"), timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the gateway was not ready within {timeout:.0f} s")


@contextmanager
def fault_stack(folder: Path, *, books: int = 50) -> Iterator[FaultStack]:
    with ExitStack() as stages:
        redis = PrivateRedis(folder / "redis.log")
        redis.start()
        stages.callback(redis.stop)
        env = {
            "REDIS_URL": redis.url,
            "GATEWAY_CACHE_ENABLED": "false",  # every read must reach the upstream under test
            "GATEWAY_REQUEST_DEADLINE_SECONDS": str(GATEWAY_DEADLINE_SECONDS),
            "GATEWAY_BREAKER_COOLDOWN_SECONDS": str(BREAKER_COOLDOWN_SECONDS),
            "GATEWAY_RETRY_MAX_ATTEMPTS": str(RETRY_MAX_ATTEMPTS),
            "GATEWAY_RETRY_BUDGET_RATIO": str(RETRY_BUDGET_RATIO),
            "GATEWAY_RATELIMIT_ANONYMOUS": "1000000/minute",
            "GATEWAY_RATELIMIT_USER": "1000000/minute",
            "GATEWAY_RATELIMIT_WRITES": "1000000/minute",
            "GATEWAY_ACCESS_LOG": "false",
            "JWT_LOGIN_RATE": LOGINS,
        }
        services = stages.enter_context(
            live_stack(folder, services=("rest", "soap"), books=books, env=env)
        )
        proxies = {
            name: stages.enter_context(
                fault_proxy(services.servers[name].port, folder / f"proxy-{name}.log", seed=11)
            )
            for name in ("rest", "soap")
        }
        port = free_port()
        gateway = ServerProcess(
            name="gateway",
            command=[*CATALOG, "serve", "gateway", "--port", str(port)],
            env={
                **services.env,
                "GATEWAY_REST_URL": proxies["rest"].url,
                "GATEWAY_SOAP_URL": proxies["soap"].url,
                "GATEWAY_JWKS_URL": services.url("rest", "/.well-known/jwks.json"),
            },
            log_path=folder / "gateway.log",
            port=port,
        )
        stages.callback(gateway.stop)
        gateway.start()
        stack = FaultStack(services, proxies, gateway, redis)
        wait_until_ready(stack)
        yield stack
