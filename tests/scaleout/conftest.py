"""Production environments for real processes: secret files written the way `make secrets`
writes them, a var dir of the test's own (so nothing generated can hide in the repo's var/)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from config.keys import write_secret_files
from tests.processes import CATALOG, REPO, base_env


def production_variables(tmp_path: Path) -> dict[str, str]:
    """What a production deployment sets (compose sets the same), with secret files of its own."""
    secret, private, public = write_secret_files(tmp_path / "secrets")
    return {
        "CATALOG_ENV": "production",
        "CATALOG_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SECRET_KEY_FILE": str(secret),
        "JWT_PRIVATE_KEY_FILE": str(private),
        "JWT_PUBLIC_KEY_FILE": str(public),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }


def production_env(tmp_path: Path, database_url: str, **extra: str) -> dict[str, str]:
    return base_env(tmp_path, database_url, **production_variables(tmp_path), **extra)


def catalog(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CATALOG, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'catalog.sqlite3'}"
