"""Dependencies point one way (DESIGN.md, issue 12): product code never imports the benchmark
harness or the tests; the gateway talks to the services over HTTP only, so it imports neither;
REST and SOAP meet only in shared_models, so neither imports the other; catalog_client speaks
to the catalog over the wire, so it imports no service and no harness.

Every import counts: module level or inside a function, `import x`, `from x import y`, relative
imports and `importlib.import_module("x")` with a literal name."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from tests.processes import REPO

HARNESS = ("benchmarks", "tests")
PRODUCT = sorted(path.parent.name for path in REPO.glob("*/__init__.py")
                 if path.parent.name not in HARNESS)  # fmt: skip
"""Every top-level package but the harness: a package added later is checked too."""
BENCHMARK_COMMAND = "catalog_cli/bench.py"
"""`catalog bench` runs the benchmark harness, imported when the command runs: the one module
of the product that may import it."""
SERVICES = ("gateway", "rest_service", "soap_service", "shared_models")

RULES = [
    *[(package, HARNESS) for package in PRODUCT],
    ("gateway", ("rest_service", "soap_service")),
    ("rest_service", ("soap_service",)),
    ("soap_service", ("rest_service",)),
    ("catalog_client", (*SERVICES, "catalog_cli")),
]


def imported_modules(source: str, module: str) -> list[tuple[int, str]]:
    """(line, module name) for every import in `source`, the source of module `module`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = module.split(".")[: -node.level] if node.level else []
            found.append((node.lineno, ".".join([*base, *filter(None, [node.module])])))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return sorted(found)


def violations(package: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((REPO / package).rglob("*.py")):
        relative = path.relative_to(REPO)
        if relative.as_posix() == BENCHMARK_COMMAND:
            continue
        module = ".".join(relative.with_suffix("").parts)
        for line, name in imported_modules(path.read_text(), module):
            if name.partition(".")[0] in forbidden:
                found.append(f"{relative}:{line} imports {name}")
    return found


def test_the_product_packages_are_found():
    assert {*SERVICES, "config", "catalog_client", "catalog_cli"} <= set(PRODUCT)


@pytest.mark.parametrize(("package", "forbidden"), RULES, ids=lambda rule: str(rule))
def test_package_does_not_import_what_it_must_not(package, forbidden):
    assert (REPO / package / "__init__.py").is_file()
    assert violations(package, forbidden) == []


def test_every_kind_of_import_is_seen():
    source = (
        "import benchmarks.stats\n"
        "def later():\n"
        "    from benchmarks.report import headline\n"
        "    from ..tests import factories\n"
        "    importlib.import_module('rest_service.urls')\n"
    )
    assert imported_modules(source, "gateway.compare.runs") == [
        (1, "benchmarks.stats"),
        (3, "benchmarks.report"),
        (4, "gateway.tests"),
        (5, "rest_service.urls"),
    ]


def test_the_gateway_compare_page_reaches_the_catalog_through_catalog_client():
    imports = {name for _, name in imported_modules(
        (REPO / "gateway/compare/runs.py").read_text(), "gateway.compare.runs")}  # fmt: skip
    assert "catalog_client.operations" in imports


def test_the_catalog_command_loads_the_benchmark_harness_only_when_bench_runs():
    probe = (
        "import sys, catalog_cli.main; print(sorted({m.partition('.')[0] for m in sys.modules}))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                            text=True, check=True).stdout  # fmt: skip
    assert "catalog_cli" in ast.literal_eval(loaded)
    assert not set(ast.literal_eval(loaded)) & {"benchmarks", "tests", "matplotlib"}
