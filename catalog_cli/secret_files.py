"""`catalog secrets DIRECTORY`: the secret files a deployment mounts."""

from __future__ import annotations

import argparse
from pathlib import Path


def secrets(args: argparse.Namespace) -> None:
    """Write production secrets (Django secret key, RS256 key pair) as files for a deployment."""
    from credentials.keys import write_secret_files

    for path in write_secret_files(Path(args.directory)):
        print(f"wrote {path}")


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    secrets_parser = commands.add_parser(
        "secrets", help="write a Django secret and a JWT key pair into DIRECTORY (kept if present)"
    )
    secrets_parser.add_argument("directory")
    secrets_parser.set_defaults(handler=secrets)
