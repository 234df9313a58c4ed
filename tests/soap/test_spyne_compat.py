"""Spyne imports on every supported Python because soap_service.spyne_compat runs before it:
importing any soap_service module applies it, and nothing else in the project imports spyne."""

from __future__ import annotations

import ast
import http.cookies
import importlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Packages whose __init__ (or conftest) has imported soap_service before their modules run.
APPLIED_FIRST = (ROOT / "soap_service", ROOT / "tests" / "soap")


def project_sources() -> list[Path]:
    """Every module of the repository's packages (build output and venvs hold none)."""
    return [path for init in ROOT.glob("*/__init__.py") for path in init.parent.rglob("*.py")]


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def imports_spyne(path: Path) -> bool:
    return any(name == "spyne" or name.startswith("spyne.") for name in imported_modules(path))


def test_only_modules_loaded_after_the_compatibility_module_import_spyne():
    importers = [path for path in project_sources() if imports_spyne(path)]

    assert importers, "the scan found no import of spyne at all"
    misplaced = [
        str(path.relative_to(ROOT))
        for path in importers
        if not any(path.is_relative_to(package) for package in APPLIED_FIRST)
    ]
    assert misplaced == []


def test_the_soap_tests_import_the_soap_service_before_their_modules_run():
    assert "soap_service" in imported_modules(ROOT / "tests" / "soap" / "conftest.py")


def test_spyne_imports_in_a_fresh_interpreter_with_warnings_as_errors():
    script = (
        "import soap_service, spyne, spyne.protocol.soap, spyne.server.wsgi, "
        "spyne.interface.wsdl.wsdl11; "
        "from spyne.util.six.moves.urllib.parse import quote; "
        "print(quote('a b'))"
    )

    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout == "a%20b\n"


def test_a_module_reached_through_six_moves_keeps_its_own_spec():
    module = importlib.import_module("spyne.util.six.moves.http_cookies")

    assert module is http.cookies
    assert module.__spec__.name == "http.cookies"
