"""The services `catalog` starts: their ports (from the environment), settings modules and the
real server each runs under, as `make run` (Procfile) and `make up` (Procfile.scaled) name them."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from config.env import env_int, env_str

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
        uvicorn's own X-Forwarded-For handling is off: it would believe any client on loopback,
        and the gateway decides who the client is itself (GATEWAY_TRUSTED_PROXIES).

        The gateway parses HTTP with h11, not httptools: Java's HttpClient and `curl --http2`
        offer `Upgrade: h2c` on plain HTTP, and httptools takes the body of such a request for
        the upgraded protocol's bytes, so the POST arrived empty. h11 reads the body and, as
        the offer is not taken, answers in HTTP/1.1 (measured: ~25 us more parsing a request)."""
        if self.name == "gateway":
            return [
                sys.executable, "-m", "uvicorn", "gateway.asgi:application",
                "--host", host, "--port", str(port),
                "--workers", str(env_int("GATEWAY_WORKERS", 1)),
                "--no-access-log", "--lifespan", "on", "--no-proxy-headers", "--http", "h11",
                "--timeout-graceful-shutdown", str(env_int("GRACEFUL_TIMEOUT", 20)),
            ]  # fmt: skip
        return [
            sys.executable, "-m", "gunicorn", f"{self.name}_service.wsgi:application",
            "--bind", f"{host}:{port}",
            "--workers", str(env_int("GUNICORN_WORKERS", env_int("WEB_CONCURRENCY", 2))),
            "--threads", str(env_int("GUNICORN_THREADS", 4)),
            "--timeout", str(env_int("GUNICORN_TIMEOUT", 30)),
            "--graceful-timeout", str(env_int("GRACEFUL_TIMEOUT", 20)),
            "--keep-alive", str(env_int("GUNICORN_KEEPALIVE", 75)),
            "--no-control-socket",
            "--logger-class", "config.logging.GunicornLogger",
            "--config", "python:telemetry.gunicorn_hooks",
        ]  # fmt: skip


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
