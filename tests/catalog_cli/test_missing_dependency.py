"""`catalog` answers a missing third-party distribution with one `error:` line telling how to
install it; any other missing module (a bug in the project's own code, a broken interpreter)
is not disguised as one and keeps its traceback."""

import importlib

import pytest

from catalog_cli import database
from catalog_cli.main import main


def migrate_importing(module: str):
    def migrate(_args):
        importlib.import_module(module)

    return migrate


def test_a_missing_third_party_distribution_is_one_error_line_naming_it(monkeypatch, capsys):
    monkeypatch.setattr(database, "migrate", migrate_importing("catalog_no_such_distribution"))
    with pytest.raises(SystemExit) as exit_:
        main(["migrate"])
    assert exit_.value.code == 1
    assert capsys.readouterr().err == (
        "error: missing dependency 'catalog_no_such_distribution': "
        "run `make run` (it installs into .venv)\n"
    )


def test_a_missing_module_in_the_projects_own_code_propagates(monkeypatch, capsys):
    monkeypatch.setattr(database, "migrate", migrate_importing("gateway.no_such_module"))
    with pytest.raises(ModuleNotFoundError) as raised:
        main(["migrate"])
    assert raised.value.name == "gateway.no_such_module"
    assert "missing dependency" not in capsys.readouterr().err


def test_a_missing_standard_library_module_propagates(monkeypatch, capsys):
    monkeypatch.setattr(database, "migrate", migrate_importing("json.no_such_module"))
    with pytest.raises(ModuleNotFoundError) as raised:
        main(["migrate"])
    assert raised.value.name == "json.no_such_module"
    assert "missing dependency" not in capsys.readouterr().err
