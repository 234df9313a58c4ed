"""CATALOG_ENV=production: refuses to start half-configured (one `error:` line naming the
variable), and `catalog prepare` there creates tables and a catalog but never a secret or a demo
user."""

import subprocess
import sys

import pytest

from catalog_contract import generations
from tests.processes import REPO, fresh_database_url
from tests.scaleout.conftest import catalog, production_env


def _error_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, done.stdout + done.stderr
    (line,) = done.stderr.strip().splitlines()
    return line


def test_production_without_allowed_hosts_fails_naming_the_variable(tmp_path, sqlite_url):
    env = production_env(tmp_path, sqlite_url)
    del env["DJANGO_ALLOWED_HOSTS"]
    line = _error_line(catalog(["migrate"], env))
    assert line.startswith("error: production needs DJANGO_ALLOWED_HOSTS")


@pytest.mark.parametrize("variable", ["DJANGO_DEBUG", "CATALOG_DEMO_USERS"])
def test_debug_and_demo_users_cannot_be_switched_on_in_production(tmp_path, sqlite_url, variable):
    env = production_env(tmp_path, sqlite_url, **{variable: "true"})
    line = _error_line(catalog(["migrate"], env))
    assert line == f"error: {variable} must be false when CATALOG_ENV=production"


@pytest.mark.parametrize("service", ["rest_service", "soap_service", "gateway"])
def test_every_service_loads_production_settings_with_debug_off(tmp_path, sqlite_url, service):
    env = {**production_env(tmp_path, sqlite_url), "DJANGO_SETTINGS_MODULE": f"{service}.settings"}
    probe = "from django.conf import settings; print(settings.DEBUG, settings.ALLOWED_HOSTS)"
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {probe}"],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False ['127.0.0.1', 'localhost']"


def test_production_prepare_without_secret_files_generates_none(tmp_path, sqlite_url):
    env = production_env(tmp_path, sqlite_url)
    del env["DJANGO_SECRET_KEY_FILE"]
    line = _error_line(catalog(["prepare", "--books", "3"], env))
    assert line.startswith("error: production needs DJANGO_SECRET_KEY or DJANGO_SECRET_KEY_FILE")
    assert _generated_files(tmp_path) == []


def test_production_prepare_seeds_the_catalog_but_creates_no_user_and_no_secret(tmp_path):
    with fresh_database_url(tmp_path) as database_url:
        env = production_env(tmp_path, database_url)
        done = catalog(["prepare", "--books", "7"], env)
        assert done.returncode == 0, done.stderr
        counts = _manage_shell(
            env,
            "from django.contrib.auth.models import User; from shared_models.models import Book;"
            "print(User.objects.count(), Book.objects.count())",
        )
    assert counts == "0 7"
    assert "reader" not in done.stdout and "editor" not in done.stdout
    assert _generated_files(tmp_path) == []


def _manage_shell(env: dict[str, str], code: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _generated_files(tmp_path) -> list[str]:
    """Anything development would have generated (a Django secret, a JWT key pair) under the var
    dir the production processes were given; not the response cache's change generations (run-time
    state, catalog_contract.generations), which seeding announces without Redis."""
    var = tmp_path / "var"
    files = [path for path in var.rglob("*") if path.is_file()]
    return sorted(str(p.relative_to(var)) for p in files if p.name != generations.FILE_NAME)
