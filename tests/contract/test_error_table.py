"""The error table: one code per condition, used by every side and documented as it is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import gateway.errors
import soap_service.faults
from catalog_contract import errors
from catalog_contract.errors import BY_CODE, ERRORS, QUOTA_EXCEEDED_TYPE, ErrorKind
from tests.contract.test_codes_in_responses import PRODUCED

ROOT = Path(__file__).resolve().parents[2]
PRODUCERS = ("gateway", "rest_service", "soap_service", "shared_models")
CONSTANTS = {value: name for name, value in vars(errors).items() if isinstance(value, ErrorKind)}


def _subclasses(base: type) -> list[type]:
    found = []
    for cls in base.__subclasses__():
        found += [cls, *_subclasses(cls)]
    return found


def _documented_rows() -> list[list[str]]:
    lines = (ROOT / "docs" / "errors.md").read_text().splitlines()
    table = [line for line in lines if line.startswith("| ")]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in table[2:]]


def _row(kind: ErrorKind) -> list[str]:
    return [
        kind.condition,
        str(kind.status),
        f"`{kind.problem_type}`" if kind.rest else "—",
        kind.title if kind.rest else "—",
        f"`{kind.faultcode}`" if kind.faultcode else "—",
        f"`{kind.code}`" if kind.faultcode else "—",
    ]


def test_every_condition_has_its_own_code():
    assert len(BY_CODE) == len(ERRORS) == len(CONSTANTS)


def test_rate_limiting_keeps_the_iana_registered_problem_type():
    assert errors.QUOTA_EXCEEDED.problem_type == QUOTA_EXCEEDED_TYPE


def test_the_documented_table_is_the_contract_s_row_for_row():
    assert _documented_rows() == [_row(kind) for kind in ERRORS]


@pytest.mark.parametrize("fault", _subclasses(soap_service.faults.CatalogFault), ids=repr)
def test_every_soap_fault_class_sends_a_code_and_faultcode_of_the_table(fault):
    instance = fault("x")
    assert BY_CODE[instance.code].faultcode == instance.faultcode


@pytest.mark.parametrize("error", _subclasses(gateway.errors.GatewayError), ids=repr)
def test_every_gateway_error_is_a_kind_of_the_table_with_a_soap_faultcode(error):
    assert error.kind in ERRORS and error.kind.faultcode


@pytest.mark.parametrize("kind", ERRORS, ids=lambda kind: kind.code)
def test_every_code_is_used_by_a_service_or_the_gateway(kind):
    """Produced in a response below (tests/contract/test_codes_in_responses.py), or named by the
    module that produces it."""
    pattern = re.compile(rf"\b{CONSTANTS[kind]}\b")
    named = any(
        pattern.search(path.read_text())
        for package in PRODUCERS
        for path in (ROOT / package).rglob("*.py")
    )
    assert named or kind.code in PRODUCED
