"""`catalog serve`, `run` and `up`: one service as a real server, or all of them supervised
together (honcho, from the Procfile or Procfile.scaled) with a banner once they answer."""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from catalog_cli.database import prepare
from catalog_cli.errors import CliError
from catalog_cli.services import SCALED_SERVICES, SERVICES, Service, listen_host
from config.env import BASE_DIR, compare_page_enabled, env_str, var_dir
from telemetry.tracing import trace_store_enabled

SCALED_DEFAULTS = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/catalog",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def serve(args: argparse.Namespace) -> None:
    service = SERVICES[args.service]
    port = args.port or service.port
    host = args.host or listen_host()
    _check_port_free(host, port, service.port_variable)  # SO_REUSEPORT would share it silently
    os.environ["DJANGO_SETTINGS_MODULE"] = service.settings
    if service.name != "gateway":  # gunicorn's workers: Prometheus counts go to shared files
        default = var_dir() / "prometheus" / f"{service.name}-{port}"
        os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(default))
    os.chdir(BASE_DIR)
    command = service.server_command(host, port)
    os.execv(command[0], command)


def _check_port_free(host: str, port: int, variable: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise CliError(
                f"port {port} on {host} is already in use (set {variable} to use another port)"
            ) from None


def _process_environment(host: str, services: dict[str, Service]) -> dict[str, str]:
    """The supervised processes' environment: every port resolved (the Procfile may name them),
    and the gateway pointed at the services on the ports this run gives them."""
    env = dict(os.environ)
    env.update({service.port_variable: str(service.port) for service in services.values()})
    env.setdefault("GATEWAY_REST_URL", f"http://{host}:{SERVICES['rest'].port}")
    env.setdefault("GATEWAY_SOAP_URL", f"http://{host}:{SERVICES['soap'].port}")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def _procfile(name: str) -> dict[str, str]:
    """The Procfile's processes: name -> command."""
    from honcho.environ import parse_procfile

    return dict(parse_procfile((BASE_DIR / name).read_text()).processes)


def _jobs_lines(gateway: str, processes: dict[str, str]) -> list[str]:
    """What the workers are and how a job reaches them."""
    workers = sum(command.split() == ["catalog", "worker"] for command in processes.values())
    return [
        f"  Workers       catalog worker x {workers}: run import/export jobs and webhook "
        "deliveries from a queue in the database",
        f"                POST {gateway}/api/v2/books/import/ (SOAP: ImportBooks) answers a job "
        "at once;",
        "                GET /api/v2/jobs/<id>/ (SOAP: GetJob) follows it as a worker runs it",
        "  Import        catalog import books.ndjson   (NDJSON or CSV: progress bar, then outcome)",
        "                catalog export -o books.ndjson.gz",
    ]


def _banner(
    host: str,
    gateway_ports: Sequence[int],
    processes: dict[str, str],
    *,
    demo_users: bool,
    extra: Sequence[str] = (),
) -> str:
    gateway = f"http://{host}:{gateway_ports[0]}"
    rest = f"http://{host}:{SERVICES['rest'].port}"
    soap = f"http://{host}:{SERVICES['soap'].port}"
    replicas = [
        f"  Gateway {number}     http://{host}:{port}/api/v2/books/   (a replica: same Redis)"
        for number, port in enumerate(gateway_ports[1:], start=2)
    ]
    users = [
        "  Demo users    reader / reader-pass (catalog:read)",
        "                editor / editor-pass (catalog:read catalog:write)",
        f"  Get a token   curl -s -X POST {gateway}/auth/token/ "
        """-H 'Content-Type: application/json' """
        """-d '{"username": "editor", "password": "editor-pass"}'""",
    ]
    traces = (
        [f"                traces: {gateway}/traces/<trace id>   (kept in var/traces)"]
        if trace_store_enabled()
        else []
    )
    compare_page = (
        [f"  Compare page  {gateway}/compare/   (one operation as REST and as SOAP, side by side)"]
        if compare_page_enabled()
        else []
    )
    return "\n".join(
        [
            "",
            "Book catalog is up.",
            f"  Gateway       {gateway}/api/v2/books/   (auth, rate limits, versions: /api/books/)",
            f"                token: {gateway}/auth/token/   JWKS: {gateway}/.well-known/jwks.json",
            f"                WSDL: {gateway}/soap/catalog/?wsdl   (SOAP 1.2: /soap12/catalog/)",
            f"                metrics: {gateway}/metrics   ready: {gateway}/readyz",
            *traces,
            *replicas,
            *compare_page,
            f"  REST API      {rest}/api/v2/books/   (v1, deprecated: {rest}/api/v1/books/)",
            f"  Swagger UI    {rest}/api/docs/   OpenAPI: {rest}/api/schema/",
            f"  REST admin    {rest}/admin/   health: {rest}/healthz",
            f"  SOAP service  {soap}/healthz",
            f"                WSDL (SOAP 1.1): {soap}/soap/catalog/?wsdl",
            f"                WSDL (SOAP 1.2): {soap}/soap12/catalog/?wsdl",
            *_jobs_lines(gateway, processes),
            *extra,
            *(users if demo_users else []),
            f"Press Ctrl-C to stop all {len(processes)}.",
            "",
        ]
    )


def _announce_when_healthy(
    host: str, services: dict[str, Service], banner: str, timeout: float = 60.0
) -> None:
    import logging

    import httpx

    logging.getLogger("httpx").setLevel(logging.WARNING)

    deadline = time.monotonic() + timeout
    pending = {name: f"http://{host}:{svc.port}/healthz" for name, svc in services.items()}
    while pending and time.monotonic() < deadline:
        for name, url in list(pending.items()):
            try:
                if httpx.get(url, timeout=1.0).status_code == 200:
                    del pending[name]
            except httpx.HTTPError:
                pass
        time.sleep(0.3)
    if pending:
        print(
            f"error: no answer from {', '.join(sorted(pending))} within {timeout:.0f} s", flush=True
        )
    else:
        print(banner, flush=True)


def _supervise(
    processes: dict[str, str], host: str, services: dict[str, Service], banner: str
) -> None:
    """Run the Procfile's processes under honcho until one stops or Ctrl-C stops them all."""
    from honcho.manager import Manager
    from honcho.printer import Printer

    manager = Manager(Printer(sys.stdout))
    env = _process_environment(host, services)
    for name, process in processes.items():
        manager.add_process(name, process, env=env, cwd=str(BASE_DIR))
    threading.Thread(
        target=_announce_when_healthy, args=(host, services, banner), daemon=True
    ).start()
    manager.loop()
    sys.exit(manager.returncode)


def _demo_users_enabled() -> bool:
    from django.conf import settings

    return bool(settings.CATALOG_DEMO_USERS)


def _keep_traces() -> None:
    """The embedded default keeps this run's traces on disk (CATALOG_TRACE_STORE), the last
    run's cleared."""
    from telemetry.tracing import trace_directory

    os.environ.setdefault("CATALOG_TRACE_STORE", "true")
    shutil.rmtree(trace_directory(), ignore_errors=True)


def run(args: argparse.Namespace) -> None:
    """Prepare the embedded catalog, then supervise the three services until Ctrl-C."""
    host = listen_host()
    for service in SERVICES.values():
        _check_port_free(host, service.port, service.port_variable)
    prepare(args)
    _keep_traces()
    processes = _procfile("Procfile")
    banner = _banner(host, [SERVICES["gateway"].port], processes, demo_users=_demo_users_enabled())
    _supervise(processes, host, SERVICES, banner)


def _check_reachable(variable: str) -> None:
    """PostgreSQL and Redis answer on their port, or the command ends with one line."""
    from urllib.parse import urlsplit

    url = urlsplit(env_str(variable))
    if url.scheme not in ("postgres", "postgresql", "redis", "rediss"):
        return
    address = (url.hostname or "127.0.0.1", url.port or (6379 if "redis" in url.scheme else 5432))
    try:
        socket.create_connection(address, timeout=3).close()
    except OSError as exc:
        raise CliError(
            f"{variable} names {address[0]}:{address[1]}, which does not answer "
            f"({exc.strerror or exc}); start it or set {variable}"
        ) from None


def _hide_password(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def up(args: argparse.Namespace) -> None:
    """The scaled topology of docker-compose.yml without docker: this machine's PostgreSQL and
    Redis (SCALED_DEFAULTS unless DATABASE_URL / REDIS_URL say otherwise), `catalog prepare`,
    then REST, SOAP and two gateway replicas from Procfile.scaled, stopped together on Ctrl-C."""
    for variable, default in SCALED_DEFAULTS.items():
        os.environ.setdefault(variable, default)
        _check_reachable(variable)
    host = listen_host()
    for service in SCALED_SERVICES.values():
        _check_port_free(host, service.port, service.port_variable)
    prepare(args)
    gateway_ports = [SCALED_SERVICES[name].port for name in ("gateway1", "gateway2")]
    stores = [
        f"  PostgreSQL    {_hide_password(env_str('DATABASE_URL'))}",
        f"  Redis         {_hide_password(env_str('REDIS_URL'))}",
    ]
    processes = _procfile("Procfile.scaled")
    banner = _banner(host, gateway_ports, processes, demo_users=_demo_users_enabled(), extra=stores)
    _supervise(processes, host, SCALED_SERVICES, banner)


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run_parser = commands.add_parser("run", help="prepare the catalog and start all services")
    run_parser.add_argument("--books", type=int, default=1000, help="books to seed if empty")
    run_parser.add_argument("--seed", type=int, default=42)
    run_parser.set_defaults(handler=run)

    up_parser = commands.add_parser(
        "up", help="the scaled topology without docker: PostgreSQL, Redis, two gateway replicas"
    )
    up_parser.add_argument("--books", type=int, default=1000, help="books to seed if empty")
    up_parser.add_argument("--seed", type=int, default=42)
    up_parser.set_defaults(handler=up)

    serve_parser = commands.add_parser("serve", help="start one service as a real server")
    serve_parser.add_argument("service", choices=sorted(SERVICES))
    serve_parser.add_argument("--host", default=None)
    serve_parser.add_argument("--port", type=int, default=None)
    serve_parser.set_defaults(handler=serve)
