"""`catalog migrate`, `seed`, `demo-users` and `prepare`: the catalog's tables and data, through
the REST service's Django settings (it owns every table)."""

from __future__ import annotations

import argparse
import os

from catalog_cli.errors import CliError


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


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    commands.add_parser("migrate", help="create or update the tables").set_defaults(handler=migrate)

    prepare_parser = commands.add_parser(
        "prepare", help="migrate, seed if empty, create demo users (development only)"
    )
    prepare_parser.add_argument("--books", type=int, default=1000)
    prepare_parser.add_argument("--seed", type=int, default=42)
    prepare_parser.set_defaults(handler=prepare)

    seed_parser = commands.add_parser("seed", help="fill the catalog with demo data")
    seed_parser.add_argument("--books", type=int, default=1000)
    seed_parser.add_argument("--seed", type=int, default=42)
    existing = seed_parser.add_mutually_exclusive_group()
    existing.add_argument("--reset", action="store_true", help="replace an existing catalog")
    existing.add_argument("--if-empty", action="store_true", help="keep an existing catalog")
    seed_parser.set_defaults(handler=seed)

    commands.add_parser("demo-users", help="create reader and editor").set_defaults(
        handler=demo_users
    )
