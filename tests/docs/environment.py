"""The environment variables the project reads, found in its source.

config/env.py is the one reader of the environment: its `env_*` functions take a variable's name.
A read is a call to one of them (or `os.environ.get` inside that module) with the name written as
a string. A module that passes a name held in a variable (the CLI's port variables) counts
every variable-shaped string it mentions, except those it only writes (`os.environ[...] = ...`,
`setdefault(NAME, ...)`): it reads names it could not have written any other way.
"""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from tests.processes import REPO

ENV_READER = REPO / "config" / "env.py"  # the one reader of the environment; move it, change this
NOT_PRODUCT = {"tests"}
VARIABLE_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")


def reader_functions() -> set[str]:
    tree = ast.parse(ENV_READER.read_text())
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("env_")
    }


def variables_read() -> set[str]:
    readers = reader_functions()
    names: set[str] = set()
    for path in _product_modules():
        names |= _variables_read_by(ast.parse(path.read_text()), readers, path == ENV_READER)
    return names


def _product_modules() -> Iterator[Path]:
    """Every module of the repository's top-level packages but the tests, migrations aside."""
    for package in sorted(REPO.iterdir()):
        if (package / "__init__.py").is_file() and package.name not in NOT_PRODUCT:
            for path in sorted(package.rglob("*.py")):
                if "migrations" not in path.parts:
                    yield path


def _variables_read_by(tree: ast.Module, readers: set[str], is_reader: bool) -> set[str]:
    names: set[str] = set()
    indirect = False
    for call in (node for node in ast.walk(tree) if isinstance(node, ast.Call)):
        if not (_called_name(call) in readers or (is_reader and _is_environ_get(call))):
            continue
        first = call.args[0] if call.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.add(first.value)
        elif first is not None:
            indirect = True
    if indirect:
        names |= _mentioned_variables(tree) - _written_variables(tree)
    return names


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _is_environ_get(call: ast.Call) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "get"
        and isinstance(func.value, ast.Attribute)
        and func.value.attr == "environ"
    )


def _mentioned_variables(tree: ast.Module) -> set[str]:
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and VARIABLE_NAME.fullmatch(node.value)
    }


def _written_variables(tree: ast.Module) -> set[str]:
    written: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
            key = node.slice
        elif isinstance(node, ast.Call) and _called_name(node) == "setdefault" and node.args:
            key = node.args[0]
        else:
            continue
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            written.add(key.value)
    return written
