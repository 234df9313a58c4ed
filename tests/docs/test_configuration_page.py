"""The configuration page lists every environment variable the project reads, and nothing else."""

import re

from tests.docs.environment import variables_read
from tests.processes import REPO

PAGE = REPO / "docs" / "configuration.md"
NAME_IN_CELL = re.compile(r"`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`")


def documented_variables() -> set[str]:
    """Names in the first column of the page's tables (a row may name several)."""
    names: set[str] = set()
    for line in PAGE.read_text().splitlines():
        if line.startswith("|") and not line.startswith("| ---"):
            first_cell = line.split("|")[1]
            names |= set(NAME_IN_CELL.findall(first_cell))
    return names


def test_every_variable_the_project_reads_is_documented():
    missing = variables_read() - documented_variables()
    assert not missing, f"read by the project but not on {PAGE.name}: {sorted(missing)}"


def test_every_documented_variable_is_read_by_the_project():
    stale = documented_variables() - variables_read()
    assert not stale, f"on {PAGE.name} but read nowhere: {sorted(stale)}"


def test_the_source_scan_finds_reads_written_directly_and_through_a_variable():
    found = variables_read()
    assert {"DATABASE_URL", "GATEWAY_RETRY_MAX_ATTEMPTS", "SOAP_MAX_DEPTH"} <= found
    assert "CATALOG_REST_PORT" in found  # read through Service.port_variable
    assert "DJANGO_SETTINGS_MODULE" not in found  # catalog_cli only sets it
