"""gSOAP 2.8 (Debian `gsoap` + `libgsoap-dev`): wsdl2h and soapcpp2 generate a C++ proxy from each
served WSDL, g++ compiles it with clients/catalog_client.cpp, and the client reads, pages,
writes with a WS-Security UsernameToken and reads the CatalogFault detail of a stale version and
of a missing book.

What gSOAP needs: nothing for SOAP 1.2 beyond the WSDL's binding (wsdl2h emits `#import
"soap12.h"` when the WSDL declares the wsdl/soap12 namespace, which is why the SOAP 1.1 WSDL
must not); xs:dateTime maps to time_t (whole seconds: the microseconds the service sends are
dropped), xs:date and xs:decimal to std::string (exact); WS-Security from
clients/wsse_username.h (the UsernameToken part of gSOAP's import/wsse.h: the whole file pulls in
SAML, which needs the custom struct-timeval dateTime serialiser, and its plugin needs OpenSSL);
fault bodies on HTTP 400 and 500 (any other status is reported as an HTTP error, detail unread).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.factories import valid_isbn
from tests.interop.conftest import (
    CLIENTS,
    EDITOR,
    ENDPOINT_PATHS,
    TARGETS,
    VERSIONS,
    WSDL_PATHS,
    observations,
    require,
    run,
)

pytestmark = pytest.mark.interop
GSOAP_IMPORTS = "/usr/share/gsoap/import"
_WARNING = re.compile(r"^.*\bwarning\b.*$", re.MULTILINE | re.IGNORECASE)


class GsoapBuild:
    """Per SOAP version: a header and proxy generated from each target's WSDL, one binary."""

    def __init__(self, stack, root: Path) -> None:
        self.stack, self.root = stack, root
        self.warnings: dict[tuple[str, str], list[str]] = {}
        self.sources: dict[tuple[str, str], Path] = {}
        self.binaries: dict[str, Path] = {}

    def generate(self, version: str, target: str) -> Path:
        key = (version, target)
        if key not in self.sources:
            out = self.root / f"src-{version}-{target}"
            out.mkdir()
            wsdl = self.stack.url(target, WSDL_PATHS[version])
            output = run(["wsdl2h", "-o", "catalog.h", wsdl], cwd=out)
            shutil.copy(CLIENTS / "wsse_username.h", out)
            with (out / "catalog.h").open("a") as header:
                header.write('\n#import "wsse_username.h"\n')
            output += run(
                ["soapcpp2", "-j", "-C", "-x", "-L", f"-I{GSOAP_IMPORTS}", "catalog.h"], cwd=out
            )
            self.warnings[key] = _WARNING.findall(output)
            self.sources[key] = out
        return self.sources[key]

    def compiled(self, version: str) -> Path:
        if version not in self.binaries:
            sources = self.generate(version, "soap")
            binary = sources / "catalog_client"
            run(
                ["g++", "-O0", "-w", "-o", binary, f"-I{sources}", "-I/usr/share/gsoap",
                 CLIENTS / "catalog_client.cpp", sources / "soapC.cpp",
                 sources / "soapCatalogServiceProxy.cpp", "-lgsoap++"],
                cwd=sources,
            )  # fmt: skip
            self.binaries[version] = binary
        return self.binaries[version]


@pytest.fixture(scope="session")
def gsoap(request, build_root) -> GsoapBuild:
    require("wsdl2h", "soapcpp2", "g++")  # before the stack starts
    root = build_root / "gsoap"
    root.mkdir()
    return GsoapBuild(request.getfixturevalue("interop_stack"), root)


def generated_header(sources: Path) -> str:
    """wsdl2h's header without where and when the WSDL was read."""
    header = (sources / "catalog.h").read_text()
    header = re.sub(r"^\s*\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT$", "", header, flags=re.MULTILINE)
    return re.sub(r"http://127\.0\.0\.1:\d+", "ADDRESS", header)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("version", VERSIONS)
def test_wsdl2h_and_soapcpp2_generate_the_proxy_without_warnings(gsoap, version, target):
    sources = gsoap.generate(version, target)
    assert gsoap.warnings[(version, target)] == []
    assert generated_header(sources) == generated_header(gsoap.generate(version, "soap"))


@pytest.mark.parametrize("version", VERSIONS)
def test_wsdl2h_speaks_the_soap_version_of_the_wsdl(gsoap, version):
    header = (gsoap.generate(version, "soap") / "catalog.h").read_text()
    assert ('#import "soap12.h"' in header) is (version == "1.2")


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("version", VERSIONS)
def test_a_gsoap_client_reads_pages_writes_and_reads_fault_details(
    gsoap, interop_stack, version, target
):
    binary = gsoap.compiled(version)
    isbn = valid_isbn(800_000 + 10 * VERSIONS.index(version) + TARGETS.index(target))
    endpoint = interop_stack.url(target, ENDPOINT_PATHS[version])
    seen = observations(run([binary, endpoint, *EDITOR, isbn], cwd=binary.parent))
    assert (seen["page1.ids"], seen["page2.ids"]) == ("1,2", "3,4")
    assert seen["read.title"] and re.fullmatch(r"\d+\.\d\d", seen["read.price"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", seen["read.published_date"])
    assert seen["read.created_at_is_time_t"] == "yes"
    assert (seen["created.title"], seen["created.price"]) == ("Written by gSOAP", "12.34")
    assert (seen["created.version"], seen["updated.version"]) == ("1", "2")
    assert (seen["stale.code"], seen["stale.current_version"]) == ("stale_version", "2")
    assert (seen["missing.code"], seen["missing.message"]) == (
        "not_found",
        "Book 987654321 does not exist.",
    )
