"""The contract's read operations are the SOAP service's, and the gateway retries exactly those."""

from __future__ import annotations

import pytest

from catalog_contract.namespaces import SOAP11_ENVELOPE, SOAP_NAMESPACE
from catalog_contract.operations import READ_OPERATIONS
from gateway.soap import soap_call
from soap_service.service import CatalogService


def _service_operations() -> dict[str, bool]:
    """Operation name -> whether it changes the catalog (what soap_service.auth checks)."""
    return {
        descriptor.name: bool(getattr(descriptor.udd, "changes_catalog", False))
        for descriptor in CatalogService.public_methods.values()
    }


def _body(operation: str) -> bytes:
    return (
        f'<s:Envelope xmlns:s="{SOAP11_ENVELOPE}" xmlns:t="{SOAP_NAMESPACE}"><s:Body>'
        f"<t:{operation}/></s:Body></s:Envelope>"
    ).encode()


def test_the_read_operations_are_the_service_s_operations_that_change_nothing():
    reads = {name for name, changes in _service_operations().items() if not changes}
    assert reads == READ_OPERATIONS


@pytest.mark.parametrize("operation", sorted(_service_operations()))
def test_the_gateway_treats_an_operation_as_safe_exactly_when_it_only_reads(operation):
    changes = _service_operations()[operation]
    assert soap_call("/soap/catalog/", "POST", _body(operation)).safe is not changes
