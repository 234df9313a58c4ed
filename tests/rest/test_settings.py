"""The REST service's settings refuse to start half-configured, with one clear line."""

import subprocess

from tests.processes import CATALOG, REPO, base_env


def _migrate(tmp_path, **extra):
    env = base_env(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}", **extra)
    return subprocess.run(
        [*CATALOG, "migrate"], env=env, cwd=REPO, capture_output=True, text=True, timeout=60
    )


def test_production_without_jwt_key_files_fails_naming_the_variable(tmp_path):
    done = _migrate(
        tmp_path,
        CATALOG_ENV="production",
        DJANGO_SECRET_KEY="not-a-dev-secret",
        DJANGO_ALLOWED_HOSTS="localhost",
        JWT_PRIVATE_KEY_FILE=str(tmp_path / "missing-private.pem"),
        JWT_PUBLIC_KEY_FILE=str(tmp_path / "missing-public.pem"),
    )
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: JWT_PRIVATE_KEY_FILE=") and "cannot be read" in line


def test_a_sunset_before_the_deprecation_is_refused(tmp_path):
    done = _migrate(
        tmp_path,
        REST_V1_DEPRECATED_AT="2027-01-01T00:00:00+00:00",
        REST_V1_SUNSET_AT="2026-01-01T00:00:00+00:00",
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "error: REST_V1_SUNSET_AT must not be earlier than REST_V1_DEPRECATED_AT"
    ]
