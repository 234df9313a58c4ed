"""KDSoap 1.9 (Debian `libkdsoap-bin`): kdwsdl2cpp generates the Qt client (header and
implementation) from each served WSDL without a warning, for the SOAP version of the WSDL.

Generation only: compiling and running a KDSoap client needs Qt's development packages
(qtbase5-dev, moc) in CI, which JAX-WS and gSOAP already cover at a fraction of the cost.
What KDSoap needs: the endpoint set by the application (`setEndPoint`: the generated class
leaves it empty for this WSDL), and care with prices: it maps xs:decimal to `float`, so an
amount such as 12.34 arrives as the nearest float; keep amounts as text or round to cents.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.interop.conftest import TARGETS, VERSIONS, WSDL_PATHS, require, run

pytestmark = pytest.mark.interop
_WARNING = re.compile(r"^.*\b(?:warning|error|unsupported|not supported)\b.*$", re.I | re.M)


@pytest.fixture(scope="session")
def kdsoap_root(build_root) -> Path:
    require("kdwsdl2cpp")  # before the stack starts
    root = build_root / "kdsoap"
    root.mkdir()
    return root


def generate(stack, root: Path, version: str, target: str) -> tuple[str, str, str]:
    """(header, implementation, generator output) for one WSDL."""
    out = root / f"{version}-{target}"
    out.mkdir(exist_ok=True)
    wsdl = stack.url(target, WSDL_PATHS[version])
    output = run(["kdwsdl2cpp", wsdl, "-o", "wsdl_catalog.h"], cwd=out)
    output += run(
        ["kdwsdl2cpp", "-impl", "wsdl_catalog.h", wsdl, "-o", "wsdl_catalog.cpp"], cwd=out
    )
    return (out / "wsdl_catalog.h").read_text(), (out / "wsdl_catalog.cpp").read_text(), output


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("version", VERSIONS)
def test_kdwsdl2cpp_generates_the_client_without_warnings_for_the_wsdl_s_soap_version(
    kdsoap_root, interop_stack, version, target
):
    header, implementation, output = generate(interop_stack, kdsoap_root, version, target)
    assert _WARNING.findall(output) == []
    assert "class CatalogService : public QObject" in header
    assert "TNS__ListBooksResponse listBooks( const TNS__ListBooks& listBooks );" in header
    speaks_soap12 = "setSoapVersion( KDSoapClientInterface::SOAP1_2 )" in implementation
    assert speaks_soap12 is (version == "1.2")


def test_kdsoap_reads_decimal_amounts_as_float(kdsoap_root, interop_stack):
    """Why the docs tell KDSoap users to round prices: the generated type holds a float."""
    header, _, _ = generate(interop_stack, kdsoap_root, "1.1", "soap")
    assert "TNS__Money_amountType( float value );" in header
