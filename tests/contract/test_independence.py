"""Any side (and any client) can import the contract: it needs nothing but the standard library."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import catalog_contract

PACKAGE = Path(catalog_contract.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_contract_imports_only_the_standard_library_and_itself():
    imported = set().union(*(_imported_modules(path) for path in PACKAGE.glob("*.py")))
    assert imported - {"catalog_contract"} <= sys.stdlib_module_names
