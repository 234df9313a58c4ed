"""The production image installs only requirements/runtime.txt, so everything the shipped code
imports when it loads must be pinned there: the services, shared_models and the `catalog` command,
followed through every first-party module they import (module-level imports; a function's own
import, like `catalog bench`'s, loads only when that command runs)."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.utils import canonicalize_name

from tests.packaging.test_lock_files import pins
from tests.processes import REPO

PRODUCT_PACKAGES = ("gateway", "rest_service", "soap_service", "shared_models")


def console_script_modules() -> list[str]:
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    return [target.partition(":")[0] for target in scripts.values()]


def module_path(name: str) -> Path | None:
    base = REPO.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def module_level_imports(name: str, path: Path) -> set[str]:
    """Modules imported at module level (not inside functions), absolute names."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    pending: list[ast.AST] = [ast.parse(path.read_text(), str(path))]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            pending.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        pending.extend(ast.iter_child_nodes(node))
    return found


def third_party_imports_of_shipped_code() -> dict[str, str]:
    """Top-level third-party module -> the first-party module that imports it."""
    first_party = {path.parent.name for path in REPO.glob("*/__init__.py")}
    roots = [
        str(path.relative_to(REPO).with_suffix("")).replace("/", ".").removesuffix(".__init__")
        for package in PRODUCT_PACKAGES
        for path in (REPO / package).rglob("*.py")
        if "migrations" not in path.parts
    ]
    pending, seen, third_party = roots + console_script_modules(), set(), {}
    while pending:
        name = pending.pop()
        path = module_path(name)
        if name in seen or path is None:
            continue
        seen.add(name)
        for imported in module_level_imports(name, path):
            top = imported.partition(".")[0]
            if top in first_party:
                pending.append(imported)
            elif top not in sys.stdlib_module_names and top != "__future__":
                third_party.setdefault(top, name)
    return third_party


def test_everything_the_shipped_code_imports_is_in_the_runtime_lock():
    distributions = packages_distributions()
    runtime = set(pins("runtime.txt"))
    imports = third_party_imports_of_shipped_code()

    missing = {
        top: importer
        for top, importer in imports.items()
        if not {canonicalize_name(name) for name in distributions.get(top, [top])} & runtime
    }

    assert "django" in imports and "spyne" in imports, "the scan missed the services' imports"
    assert missing == {}
