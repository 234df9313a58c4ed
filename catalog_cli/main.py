"""`catalog`: the chores a newcomer needs, one subcommand each.

    catalog run             migrate, seed, create the demo users, start all three services
    catalog up              the scaled topology without docker: PostgreSQL + Redis of this
                            machine, REST, SOAP and two gateway replicas (Procfile.scaled)
    catalog serve SERVICE   start one service as a real server (what the Procfile and
                            docker-compose.yml run): gateway (granian), rest / soap (gunicorn)
    catalog worker          run queued jobs (imports, exports) and webhook deliveries
    catalog import FILE     import books (NDJSON or CSV) as a job, with a progress bar
    catalog export          export books (filters as options) to a gzipped NDJSON file
    catalog migrate         create or update the tables
    catalog seed            fill the catalog: --books N --seed S [--reset | --if-empty]
    catalog demo-users      create reader/reader-pass and editor/editor-pass
    catalog prepare         migrate + seed if empty + demo users (development): what a fresh
                            deployment runs once before the services start
    catalog secrets DIR     write production secret files (Django secret, JWT key pair)
    catalog bench           benchmark REST vs SOAP, direct and through the gateway, and write
                            a report (--quick for the 2-minute profile)
    catalog bench floor     each hot read's throughput over its server's /healthz, and the
                            gateway's cost on a book GET (benchmarks/floor.py)
    catalog compare get-book 42
                            one operation as REST and as SOAP, side by side, with byte counts

Failures a newcomer can hit (a port in use, a missing dependency, an unreachable database) end
with one `error:` line and exit status 1, not a traceback.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Sequence

from catalog_cli import bench, compare, database, jobs, secret_files, servers, worker
from catalog_cli.errors import CliError

COMMAND_GROUPS = (servers, database, secret_files, bench, compare, worker, jobs)


def parser() -> argparse.ArgumentParser:
    """Every subcommand, each added by the module of its group."""
    root = argparse.ArgumentParser(prog="catalog", description=__doc__.split("\n\n")[0])
    commands = root.add_subparsers(dest="command", required=True)
    for group in COMMAND_GROUPS:
        group.add_commands(commands)
    return root


def is_missing_distribution(exc: ModuleNotFoundError) -> bool:
    """Whether the import failed because a third-party distribution is not installed: the missing
    module's top-level package cannot be found at all. The project's own packages always can, so
    a missing module in its own code (a bug) is shown with its traceback, as is a missing
    standard-library module (a broken interpreter): `make run` would fix neither."""
    if not exc.name:
        return False
    top_level = exc.name.partition(".")[0]
    if top_level in sys.stdlib_module_names:
        return False
    return importlib.util.find_spec(top_level) is None


def main(argv: Sequence[str] | None = None) -> None:
    args = parser().parse_args(argv)
    try:
        args.handler(args)
    except CliError as exc:
        _fail(str(exc))
    except ModuleNotFoundError as exc:
        if not is_missing_distribution(exc):
            raise
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
