"""Environment parsing: working defaults, and one clear error for a value that cannot be used."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env


def test_sqlite_urls_get_wal_and_immediate_transactions():
    config = env.database_settings("sqlite:////tmp/x/catalog.sqlite3")
    assert config["ENGINE"] == "config.sqlite"
    assert config["NAME"] == "/tmp/x/catalog.sqlite3"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_sqlite_connections_are_kept_between_requests(monkeypatch):
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "30")
    assert env.database_settings("sqlite:////tmp/x/catalog.sqlite3")["CONN_MAX_AGE"] == 30


def test_postgres_urls_use_psycopg_with_reused_connections(monkeypatch):
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "30")
    config = env.database_settings("postgres://cat:pw@db.internal:6543/catalog")
    assert config["ENGINE"] == "config.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 6543, "catalog")
    assert config["CONN_MAX_AGE"] == 30
    assert config["CONN_HEALTH_CHECKS"] is True


def test_a_pool_size_swaps_persistent_connections_for_psycopgs_pool(monkeypatch):
    monkeypatch.setenv("DATABASE_POOL_MAX_SIZE", "3")
    monkeypatch.setenv("DATABASE_POOL_TIMEOUT", "2.5")
    config = env.database_settings("postgres://cat@db.internal:5432/catalog")
    assert config["CONN_MAX_AGE"] == 0  # Django refuses both at once
    assert config["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 3, "timeout": 2.5}


def test_default_database_is_a_sqlite_file_in_the_var_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CATALOG_VAR_DIR", str(tmp_path))
    assert env.database_url() == f"sqlite:///{tmp_path / 'catalog.sqlite3'}"


@pytest.mark.parametrize("url", ["mysql://root@localhost/db", "nonsense"])
def test_unsupported_database_urls_are_refused(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env.database_settings(url)


def test_numbers_and_booleans_are_parsed_or_refused_by_name(monkeypatch):
    monkeypatch.setenv("SOME_INT", "12")
    monkeypatch.setenv("SOME_BOOL", "Yes")
    assert env.env_int("SOME_INT", 1) == 12
    assert env.env_bool("SOME_BOOL", False) is True
    assert env.env_int("UNSET_INT", 5) == 5
    monkeypatch.setenv("SOME_INT", "twelve")
    with pytest.raises(ImproperlyConfigured, match="SOME_INT"):
        env.env_int("SOME_INT", 1)
    monkeypatch.setenv("SOME_BOOL", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="SOME_BOOL"):
        env.env_bool("SOME_BOOL", False)


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert env.env_list("HOSTS", []) == ["a.example", "b.example"]


def test_postgres_prepares_hot_statements_with_generic_plans(monkeypatch):
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    options = env.database_settings("postgres://cat@db.internal:5432/catalog")["OPTIONS"]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5
    assert options["options"] == "-c plan_cache_mode=force_generic_plan"


def test_prepared_statements_can_be_turned_off_for_a_pooler(monkeypatch):
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "false")
    options = env.database_settings("postgres://cat@db.internal:5432/catalog")["OPTIONS"]
    assert "server_side_binding" not in options
    assert "options" not in options
