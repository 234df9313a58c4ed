"""The services `catalog` starts: their ports (from the environment), settings modules and the
real server each runs under, as `make run` (Procfile) and `make up` (Procfile.scaled) name them."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.env import env_int, env_str, var_dir
from config.logging import configured_logging

DEFAULT_HOST = "127.0.0.1"


@dataclass(frozen=True)
class Service:
    name: str
    port_variable: str
    default_port: int
    settings: str

    @property
    def port(self) -> int:
        return env_int(self.port_variable, self.default_port)

    def server_command(self, host: str, port: int) -> list[str]:
        """The real server for this service, sized by environment variables.

        On SIGTERM both stop accepting and give in-flight requests GRACEFUL_TIMEOUT seconds.
        gunicorn's workers each listen on a socket of their own (`--reuse-port`): the kernel
        spreads new connections over them, where on one shared socket a single worker could win
        every accept of a client's keep-alive connections and leave the other idle."""
        if self.name == "gateway":
            return gateway_command(host, port)
        return [
            sys.executable, "-m", "gunicorn", f"{self.name}_service.wsgi:application",
            "--bind", f"{host}:{port}",
            # gthread even with one thread: the sync worker would close every keep-alive connection
            "--worker-class", "gthread",
            "--workers", str(env_int("GUNICORN_WORKERS", env_int("WEB_CONCURRENCY", 2))),
            "--threads", str(env_int("GUNICORN_THREADS", 4)),
            "--timeout", str(env_int("GUNICORN_TIMEOUT", 30)),
            "--graceful-timeout", str(env_int("GRACEFUL_TIMEOUT", 20)),
            "--keep-alive", str(env_int("GUNICORN_KEEPALIVE", 75)),
            "--no-control-socket", "--reuse-port",
            "--logger-class", "config.logging.GunicornLogger",
            "--config", "python:telemetry.gunicorn_hooks",
        ]  # fmt: skip


def _granian_log_config() -> Path:
    """The project's logging (config/logging.py) as the JSON file granian's --log-config reads,
    so granian's own lines (start, workers, shutdown) come in the format LOG_JSON picks, like
    every other line. Named by its content: replicas with other settings never share a file."""
    content = json.dumps(configured_logging(), sort_keys=True).encode()
    path = var_dir() / f"granian-logging-{hashlib.sha256(content).hexdigest()[:16]}.json"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".granian-logging-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(temporary, path)
    return path


def gateway_command(host: str, port: int) -> list[str]:
    """The gateway under granian: HTTP/1.1 and HTTP/2 on one port (h2c with prior knowledge;
    h2 by ALPN when GATEWAY_TLS_CERT / GATEWAY_TLS_KEY name a certificate), chosen over uvicorn
    by measurement (docs/performance.md). granian takes no X-Forwarded-For from anyone: the
    gateway decides who the client is itself (GATEWAY_TRUSTED_PROXIES). An `Upgrade: h2c`
    offer is not taken: the request, body and all, is answered in HTTP/1.1.

    One runtime thread (`--runtime-mode st`): the measured cheapest per request on 2 cores.
    HTTP/2 limits: SETTINGS_MAX_CONCURRENT_STREAMS and the header list size are advertised
    and enforced by the server (hyper), and a client resetting streams faster than it lets
    them be served (CVE-2023-44487) gets GOAWAY ENHANCE_YOUR_CALM."""
    command = [
        sys.executable, "-m", "granian", "--interface", "asgi", "--no-ws",
        "--host", host, "--port", str(port),
        "--workers", str(env_int("GATEWAY_WORKERS", 1)), "--runtime-mode", "st",
        "--http", "auto",
        "--http2-max-concurrent-streams", str(env_int("GATEWAY_HTTP2_MAX_STREAMS", 100)),
        "--http2-max-headers-size", str(env_int("GATEWAY_HTTP2_MAX_HEADER_LIST_BYTES", 65536)),
        "--workers-kill-timeout", str(env_int("GRACEFUL_TIMEOUT", 20)),
        "--log-level", env_str("LOG_LEVEL", "INFO").lower(),
        "--log-config", str(_granian_log_config()),
    ]  # fmt: skip
    certificate, key = env_str("GATEWAY_TLS_CERT"), env_str("GATEWAY_TLS_KEY")
    if certificate or key:
        if not (certificate and key):
            raise ImproperlyConfigured("GATEWAY_TLS_CERT and GATEWAY_TLS_KEY go together")
        command += ["--ssl-certificate", certificate, "--ssl-keyfile", key]
    return [*command, "gateway.asgi:application"]


SERVICES = {
    "gateway": Service("gateway", "CATALOG_GATEWAY_PORT", 8000, "gateway.settings"),
    "rest": Service("rest", "CATALOG_REST_PORT", 8001, "rest_service.settings"),
    "soap": Service("soap", "CATALOG_SOAP_PORT", 8002, "soap_service.settings"),
}

# `catalog up`: what docker-compose.yml runs, as processes of this machine. The process names
# are Procfile.scaled's; the two gateway replicas share Redis, so they limit and remember as one.
SCALED_SERVICES = {
    "rest": SERVICES["rest"],
    "soap": SERVICES["soap"],
    "gateway1": SERVICES["gateway"],
    "gateway2": Service("gateway", "CATALOG_GATEWAY2_PORT", 8010, "gateway.settings"),
}


def listen_host() -> str:
    """The address the services listen on and are announced at (CATALOG_HOST)."""
    return env_str("CATALOG_HOST", DEFAULT_HOST)


# `catalog up`'s processes without a port: two job workers (`catalog worker`), as docker-compose.yml
# runs them (the Procfile of `make run` starts one).
SCALED_WORKERS = ("worker1", "worker2")
