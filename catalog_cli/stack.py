"""A stack of real service processes on loopback, for the benchmarks and the tests: servers
started with the same `catalog serve` command `make run` uses, on free ports, each stack with a
database of its own.

    with live_stack(tmp_path, services=("rest", "soap")) as stack:
        httpx.get(stack.url("rest", "/healthz"))

Every process is stopped (SIGTERM, then SIGKILL) when the block ends, and a server that dies
while starting raises with the tail of its output, never hangs.
"""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psutil

from config.env import BASE_DIR, env_str

REPO = BASE_DIR
CATALOG = [sys.executable, "-m", "catalog_cli"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no output)"


@dataclass
class ServerProcess:
    name: str
    command: list[str]
    env: dict[str, str]
    log_path: Path
    port: int
    process: subprocess.Popen[bytes] | None = None
    # The server speaks TLS with this (self-signed) certificate: it is the health check's trust.
    tls_certificate: Path | None = None

    @property
    def base_url(self) -> str:
        scheme = "https" if self.tls_certificate else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def start(self, health_path: str = "/healthz", timeout: float = 60.0) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command, env=self.env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        log.close()
        wait_until_healthy(self.base_url + health_path, timeout=timeout, server=self)
        if not self._listens_on_its_port():
            self.stop()
            raise RuntimeError(
                f"{self.name}: port {self.port} was taken by another process before ours bound "
                f"it; the health check reached that one instead:\n{self.output()}"
            )

    def _listens_on_its_port(self) -> bool:
        """A free port can be taken between choosing it and binding it (by a parallel test run);
        then the health check answers for someone else. Ask the kernel who listens."""
        assert self.process is not None
        try:
            tree = psutil.Process(self.process.pid)
            members = [tree, *tree.children(recursive=True)]
        except psutil.NoSuchProcess:
            return False
        for member in members:
            try:
                sockets = member.net_connections(kind="tcp")
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            if any(s.status == psutil.CONN_LISTEN and s.laddr.port == self.port for s in sockets):
                return True
        return False

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int | None:
        """Stop the whole process group (gunicorn's workers too); SIGKILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        os.killpg(self.process.pid, sig)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            return self.process.wait(timeout=5)

    def output(self) -> str:
        return _tail(self.log_path)


def _trust(server: ServerProcess | None) -> ssl.SSLContext | bool:
    if server is None or server.tls_certificate is None:
        return True
    return ssl.create_default_context(cafile=str(server.tls_certificate))


@dataclass
class WorkerProcess:
    """A `catalog worker` beside a stack's servers (it has no port: it polls the database)."""

    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self, interval: float = 0.2) -> WorkerProcess:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [*CATALOG, "worker", "--interval", str(interval)], env=self.env, cwd=REPO,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        log.close()
        return self

    def signal(self, sig: int) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, sig)

    def kill(self) -> None:
        """SIGKILL, as an OOM killer or a pulled plug would: no cleanup of any kind."""
        if self.process is not None and self.process.poll() is None:
            self.signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()


def wait_until_healthy(url: str, *, timeout: float, server: ServerProcess | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server and server.process and server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited while starting:\n{server.output()}")
        try:
            if httpx.get(url, timeout=2.0, verify=_trust(server)).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    detail = f":\n{server.output()}" if server else ""
    raise RuntimeError(f"{url} did not become healthy within {timeout:.0f} s{detail}")


def run_catalog(args: Sequence[str], env: dict[str, str], timeout: float = 300) -> str:
    """Run a `catalog` subcommand to completion; its output is in the error if it fails."""
    done = subprocess.run(
        [*CATALOG, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise RuntimeError(f"catalog {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@contextmanager
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    """A database of its own for a stack of processes: a new PostgreSQL database when the suite
    runs on PostgreSQL (DATABASE_URL), else a SQLite file under tmp_path. Dropped afterwards."""
    base = env_str("DATABASE_URL")
    if not base.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'live.sqlite3'}"
        return
    import psycopg

    name = f"catalog_live_{uuid.uuid4().hex[:12]}"
    parts = urlsplit(base)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def base_env(tmp_path: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment a stack's processes share; keys and secrets live in the repo's var/
    (generated once), the database is the stack's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CATALOG_", "GATEWAY_"))}
    env.update(
        DATABASE_URL=database_url,
        GUNICORN_WORKERS="2",
        PYTHONUNBUFFERED="1",
        # Every stack logs in from 127.0.0.1 and, with REDIS_URL, every stack's REST shares one
        # login-throttle history for that address: a suite's logins together would pass the
        # production default (30/minute) and refuse unrelated tests. A caller may set it lower.
        JWT_LOGIN_RATE="100000/minute",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)  # pytest-django's; each process picks its own
    env.update(extra)
    return env


@dataclass
class Stack:
    servers: dict[str, ServerProcess] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)

    def url(self, service: str, path: str = "") -> str:
        return self.servers[service].base_url + path


def second_process(stack: Stack, service: str, log_dir: Path) -> ServerProcess:
    """Another process of `service` (a replica): the same command and environment as the stack's,
    on a port of its own. Not started; the caller starts and stops it."""
    port = free_port()
    return ServerProcess(
        name=f"{service}-2",
        command=[*CATALOG, "serve", service, "--port", str(port)],
        env=dict(stack.env),
        log_path=log_dir / f"{service}-2.log",
        port=port,
    )


@contextmanager
def live_stack(
    tmp_path: Path,
    *,
    services: Sequence[str] = ("rest", "soap", "gateway"),
    books: int = 50,
    seed: int = 42,
    env: dict[str, str] | None = None,
) -> Iterator[Stack]:
    """Migrate and seed a database of the stack's own, then start `services` with
    `catalog serve`; the gateway (if started) is pointed at this stack's REST and SOAP ports."""
    with fresh_database_url(tmp_path) as database_url:
        shared = base_env(tmp_path, database_url, **(env or {}))
        run_catalog(["prepare", "--books", str(books), "--seed", str(seed)], shared)
        ports = {name: free_port() for name in services}
        shared.setdefault("GATEWAY_REST_URL", f"http://127.0.0.1:{ports.get('rest', 1)}")
        shared.setdefault("GATEWAY_SOAP_URL", f"http://127.0.0.1:{ports.get('soap', 1)}")
        stack = Stack(env=shared)
        try:
            for name in services:
                server = ServerProcess(
                    name=name,
                    command=[*CATALOG, "serve", name, "--port", str(ports[name])],
                    env=dict(shared),
                    log_path=tmp_path / f"{name}.log",
                    port=ports[name],
                )
                stack.servers[name] = server
                server.start()
            yield stack
        finally:
            for server in stack.servers.values():
                server.stop()
