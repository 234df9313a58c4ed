"""`catalog`: the chores a newcomer needs, one subcommand each.

    catalog run             migrate, seed, create the demo users, start all three services
    catalog up              the scaled topology without docker: PostgreSQL + Redis of this
                            machine, REST, SOAP and two gateway replicas (Procfile.scaled)
    catalog serve SERVICE   start one service as a real server (what the Procfile and
                            docker-compose.yml run): gateway (uvicorn), rest / soap (gunicorn)
    catalog migrate         create or update the tables
    catalog seed            fill the catalog: --books N --seed S [--reset | --if-empty]
    catalog demo-users      create reader/reader-pass and editor/editor-pass
    catalog prepare         migrate + seed if empty + demo users (development): what a fresh
                            deployment runs once before the services start
    catalog secrets DIR     write production secret files (Django secret, JWT key pair)
    catalog bench           benchmark REST vs SOAP, direct and through the gateway, and write
                            a report (--quick for the < 2 minute profile)
    catalog bench floor     each hot read's throughput over its server's /healthz, and the
                            gateway's cost on a book GET (benchmarks/floor.py)
    catalog compare get-book 42
                            one operation as REST and as SOAP, side by side, with byte counts

Failures a newcomer can hit (a port in use, a missing dependency, an unreachable database) end
with one `error:` line and exit status 1, not a traceback.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from config.env import BASE_DIR, compare_page_enabled, env_int, env_str

DEFAULT_HOST = "127.0.0.1"


class CliError(Exception):
    """Ends the command with one `error:` line."""


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
        and the gateway decides who the client is itself (GATEWAY_TRUSTED_PROXIES)."""
        if self.name == "gateway":
            return [
                sys.executable, "-m", "uvicorn", "gateway.asgi:application",
                "--host", host, "--port", str(port),
                "--workers", str(env_int("GATEWAY_WORKERS", 1)),
                "--no-access-log", "--lifespan", "on", "--no-proxy-headers",
                "--timeout-graceful-shutdown", str(env_int("GRACEFUL_TIMEOUT", 20)),
            ]  # fmt: skip
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
            "--no-control-socket",
            "--logger-class", "config.logging.GunicornLogger",
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
SCALED_DEFAULTS = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/catalog",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def _host() -> str:
    return env_str("CATALOG_HOST", DEFAULT_HOST)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rest_service.settings")
    import django

    django.setup()


def _call(command: str, **options: object) -> None:
    from django.core.management import call_command

    call_command(command, **options)


def migrate(_: argparse.Namespace | None = None) -> None:
    _setup_django()
    from django.db import DatabaseError

    try:
        _call("migrate", verbosity=0)
    except DatabaseError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CliError(f"migration failed: {first_line}") from None
    print("Database is migrated.")


def seed(args: argparse.Namespace) -> None:
    _setup_django()
    _call(
        "seed_catalog", books=args.books, seed=args.seed, reset=args.reset, if_empty=args.if_empty
    )


def demo_users(_: argparse.Namespace | None = None) -> None:
    _setup_django()
    print("Demo users:")
    _call("create_demo_users")


def prepare(args: argparse.Namespace) -> None:
    """Everything a fresh database needs before the services start; safe to run again."""
    migrate()
    _call("seed_catalog", books=args.books, seed=args.seed, if_empty=True)
    from django.conf import settings

    if settings.CATALOG_DEMO_USERS:
        demo_users()


def secrets(args: argparse.Namespace) -> None:
    """Write production secrets (Django secret key, RS256 key pair) as files for a deployment."""
    from config.keys import write_secret_files

    for path in write_secret_files(Path(args.directory)):
        print(f"wrote {path}")


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def bench(args: argparse.Namespace) -> None:
    """Run the REST vs SOAP benchmark and write its report folder. SIGTERM unwinds like Ctrl-C,
    so the servers it started (each in a session of its own) are stopped, not orphaned."""
    from datetime import datetime

    signal.signal(signal.SIGTERM, _exit_on_sigterm)

    from benchmarks.bench import run_bench
    from benchmarks.runner import FULL, QUICK

    profile = QUICK if args.quick else FULL
    if args.books:
        from dataclasses import replace

        profile = replace(profile, books=args.books)
    urls = _running_services(args)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = Path(args.out) if args.out else BASE_DIR / "var" / "bench" / f"{profile.name}-{stamp}"
    for path in run_bench(profile, out, urls=urls):
        print(f"wrote {path}")


def bench_floor(args: argparse.Namespace) -> None:
    """Print the floor table (benchmarks/floor.py); SIGTERM stops the servers it started."""
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    from benchmarks.floor import run_floor

    out = Path(args.out) if args.out else None
    print(
        run_floor(
            rounds=args.rounds, seconds=args.seconds, concurrency=args.concurrency,
            books=args.books, urls=_running_services(args), out=out,
        )
    )  # fmt: skip


def _running_services(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The Endpoints named by --rest-url, --soap-url and --gateway-url, or None: start them."""
    from benchmarks.runner import Endpoints

    if not any((args.rest_url, args.soap_url, args.gateway_url)):
        return None
    if not all((args.rest_url, args.soap_url, args.gateway_url)):
        raise CliError("give all three of --rest-url, --soap-url and --gateway-url, or none")
    return Endpoints(args.rest_url, args.soap_url, args.gateway_url)


def compare(args: argparse.Namespace) -> None:
    """Print one operation's REST and SOAP exchanges side by side, with their sizes."""
    from rich.console import Console

    from benchmarks.operations import Context, protocol_target
    from benchmarks.payloads import capture, render

    host = _host()
    gateway = f"{host}:{SERVICES['gateway'].port}"
    rest_at = gateway if args.via_gateway else f"{host}:{SERVICES['rest'].port}"
    soap_at = gateway if args.via_gateway else f"{host}:{SERVICES['soap'].port}"
    if args.operation == "get-book":
        scenario, ctx = (
            "get_book",
            Context(book_id=args.value, author_id=0, publisher_id=0, token=""),
        )
    else:
        if not 1 <= args.value <= 1000:
            raise CliError("list-books takes a page size from 1 to 1000")
        scenario, ctx = (
            f"list_{args.value}",
            Context(book_id=0, author_id=0, publisher_id=0, token=""),
        )
    targets = []
    for protocol, authority in (("rest", rest_at), ("soap", soap_at)):
        name, _, port = authority.rpartition(":")
        targets.append(protocol_target(protocol, name, int(port)))
    try:
        rest, soap = (capture(scenario, target, ctx) for target in targets)
    except OSError as exc:
        raise CliError(f"cannot reach the services ({exc}); start them with `make run`") from None
    render(rest, soap, pretty=args.pretty, console=Console())


def serve(args: argparse.Namespace) -> None:
    service = SERVICES[args.service]
    port = args.port or service.port
    host = args.host or _host()
    os.environ["DJANGO_SETTINGS_MODULE"] = service.settings
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


def _banner(
    host: str, gateway_ports: Sequence[int], *, demo_users: bool, extra: Sequence[str] = ()
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
            *replicas,
            *compare_page,
            f"  REST API      {rest}/api/v2/books/   (v1, deprecated: {rest}/api/v1/books/)",
            f"  Swagger UI    {rest}/api/docs/   OpenAPI: {rest}/api/schema/",
            f"  REST admin    {rest}/admin/   health: {rest}/healthz",
            f"  SOAP service  {soap}/healthz",
            f"                WSDL (SOAP 1.1): {soap}/soap/catalog/?wsdl",
            f"                WSDL (SOAP 1.2): {soap}/soap12/catalog/?wsdl",
            *extra,
            *(users if demo_users else []),
            f"Press Ctrl-C to stop all {2 + len(gateway_ports)}.",
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


def _supervise(procfile: str, host: str, services: dict[str, Service], banner: str) -> None:
    """Run the Procfile's processes under honcho until one stops or Ctrl-C stops them all."""
    from honcho.environ import parse_procfile
    from honcho.manager import Manager
    from honcho.printer import Printer

    processes = parse_procfile((BASE_DIR / procfile).read_text()).processes
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


def run(args: argparse.Namespace) -> None:
    """Prepare the embedded catalog, then supervise the three services until Ctrl-C."""
    host = _host()
    for service in SERVICES.values():
        _check_port_free(host, service.port, service.port_variable)
    prepare(args)
    banner = _banner(host, [SERVICES["gateway"].port], demo_users=_demo_users_enabled())
    _supervise("Procfile", host, SERVICES, banner)


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
    host = _host()
    for service in SCALED_SERVICES.values():
        _check_port_free(host, service.port, service.port_variable)
    prepare(args)
    gateway_ports = [SCALED_SERVICES[name].port for name in ("gateway1", "gateway2")]
    stores = [
        f"  PostgreSQL    {_hide_password(env_str('DATABASE_URL'))}",
        f"  Redis         {_hide_password(env_str('REDIS_URL'))}",
    ]
    banner = _banner(host, gateway_ports, demo_users=_demo_users_enabled(), extra=stores)
    _supervise("Procfile.scaled", host, SCALED_SERVICES, banner)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="catalog", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

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

    commands.add_parser("migrate", help="create or update the tables").set_defaults(handler=migrate)

    prepare_parser = commands.add_parser(
        "prepare", help="migrate, seed if empty, create demo users (development only)"
    )
    prepare_parser.add_argument("--books", type=int, default=1000)
    prepare_parser.add_argument("--seed", type=int, default=42)
    prepare_parser.set_defaults(handler=prepare)

    secrets_parser = commands.add_parser(
        "secrets", help="write a Django secret and a JWT key pair into DIRECTORY (kept if present)"
    )
    secrets_parser.add_argument("directory")
    secrets_parser.set_defaults(handler=secrets)

    seed_parser = commands.add_parser("seed", help="fill the catalog with demo data")
    seed_parser.add_argument("--books", type=int, default=1000)
    seed_parser.add_argument("--seed", type=int, default=42)
    existing = seed_parser.add_mutually_exclusive_group()
    existing.add_argument("--reset", action="store_true", help="replace an existing catalog")
    existing.add_argument("--if-empty", action="store_true", help="keep an existing catalog")
    seed_parser.set_defaults(handler=seed)

    bench_parser = commands.add_parser("bench", help="benchmark REST vs SOAP, write a report")
    bench_parser.add_argument("--quick", action="store_true", help="the < 2 minute profile")
    bench_parser.add_argument("--books", type=int, default=None, help="catalog size to seed")
    bench_parser.add_argument("--out", default=None, help="report folder (default var/bench/...)")
    bench_parser.add_argument("--rest-url", default=None, help="use running services instead")
    bench_parser.add_argument("--soap-url", default=None)
    bench_parser.add_argument("--gateway-url", default=None)
    bench_parser.set_defaults(handler=bench)
    floor_parser = bench_parser.add_subparsers(dest="suite").add_parser(
        "floor", help="each hot read's throughput over its server's /healthz, and the gateway's"
    )
    floor_parser.add_argument("--rounds", type=int, default=5)
    floor_parser.add_argument("--seconds", type=float, default=3.0, help="per measurement")
    floor_parser.add_argument("--concurrency", type=int, default=8)
    floor_parser.add_argument("--books", type=int, default=1000, help="catalog size to seed")
    floor_parser.add_argument("--out", default=None, help="also write the figures as JSON here")
    for option in ("--rest-url", "--soap-url", "--gateway-url"):
        floor_parser.add_argument(option, default=None, help="use running services instead")
    floor_parser.set_defaults(handler=bench_floor)

    compare_parser = commands.add_parser(
        "compare", help="one operation as REST and as SOAP, side by side, with sizes"
    )
    compare_parser.add_argument("operation", choices=["get-book", "list-books"])
    compare_parser.add_argument("value", type=int, help="the book id, or the page size")
    compare_parser.add_argument("--via-gateway", action="store_true", help="through port 8000")
    compare_parser.add_argument("--pretty", action="store_true", help="indent the bodies")
    compare_parser.set_defaults(handler=compare)

    commands.add_parser("demo-users", help="create reader and editor").set_defaults(
        handler=demo_users
    )
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    try:
        args.handler(args)
    except CliError as exc:
        _fail(str(exc))
    except ModuleNotFoundError as exc:
        _fail(f"missing dependency {exc.name!r}: run `make run` (it installs into .venv)")
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        from django.core.exceptions import ImproperlyConfigured
        from django.core.management import CommandError
        from django.db import DatabaseError

        if isinstance(exc, (CommandError, ImproperlyConfigured, DatabaseError)):
            _fail(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
        raise


def _fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(1)


if __name__ == "__main__":
    main()
