"""JAX-WS (the reference implementation, Debian `jaxws` + `libjaxws-java`, on OpenJDK 17):
wsimport generates the client from each served WSDL, javac compiles it with
clients/CatalogClient.java, and the client reads, pages, writes with a WS-Security
UsernameToken and reads the CatalogFault detail of a stale version and of a missing book.

What JAX-WS needs: `wsimport -extension` for the SOAP 1.2 WSDL (a SOAP 1.2 binding in WSDL 1.1
is an extension to JAX-WS 2.x, which says so in one warning that is expected); a handler for
WS-Security (the RI has none; Metro's WSIT would); fault bodies on HTTP 500 (SOAP 1.1) or
400/500 (SOAP 1.2) only, which is why the service sends no other status with a fault.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.factories import valid_isbn
from tests.interop.conftest import (
    CLIENTS,
    EDITOR,
    TARGETS,
    VERSIONS,
    WSDL_PATHS,
    observations,
    require,
    run,
)

pytestmark = pytest.mark.interop
RUNTIME_JARS = [
    f"/usr/share/java/{jar}.jar"
    for jar in ("jaxws-rt", "jaxws-api", "jaxb-api", "javax.activation", "jws-api",
                "javax.xml.soap-api")
]  # fmt: skip
# The one warning wsimport gives for any SOAP 1.2 binding, however it is written.
EXPECTED_WARNINGS = {"1.1": (), "1.2": ("uses a non-standard SOAP 1.2 binding",)}
_WARNING = re.compile(r"^\[(?:WARNING|ERROR)\].*$", re.MULTILINE)


class JaxwsBuild:
    """Per SOAP version: sources generated from each target's WSDL, and one compiled client."""

    def __init__(self, stack, root: Path) -> None:
        self.stack, self.root = stack, root
        self.warnings: dict[tuple[str, str], list[str]] = {}
        self.sources: dict[tuple[str, str], Path] = {}
        self.classes: dict[str, Path] = {}

    def generate(self, version: str, target: str) -> Path:
        key = (version, target)
        if key not in self.sources:
            out = self.root / f"src-{version}-{target}"
            out.mkdir()
            extension = ["-extension"] if version == "1.2" else []
            wsdl = self.stack.url(target, WSDL_PATHS[version])
            output = run(
                ["wsimport", *extension, "-Xnocompile", "-s", out, "-d", out,
                 "-p", "catalog.client", wsdl],
                cwd=self.root,
            )  # fmt: skip
            self.warnings[key] = [
                warning
                for warning in _WARNING.findall(output)
                if not any(expected in warning for expected in EXPECTED_WARNINGS[version])
            ]
            self.sources[key] = out
        return self.sources[key]

    def compiled(self, version: str) -> Path:
        if version not in self.classes:
            sources = self.generate(version, "soap")
            out = self.root / f"classes-{version}"
            out.mkdir()
            run(
                ["javac", "-nowarn", "-d", out, "-cp", ":".join(RUNTIME_JARS),
                 *sorted(sources.rglob("*.java")), CLIENTS / "CatalogClient.java"],
                cwd=self.root,
            )  # fmt: skip
            self.classes[version] = out
        return self.classes[version]


@pytest.fixture(scope="session")
def jaxws(request, build_root) -> JaxwsBuild:
    require("wsimport", "javac", "java")  # before the stack starts
    root = build_root / "jaxws"
    root.mkdir()
    return JaxwsBuild(request.getfixturevalue("interop_stack"), root)


def generated_classes(sources: Path) -> dict[str, str]:
    """Generated sources by name, with the WSDL's own URL (which names its host) left out."""
    return {
        path.name: re.sub(r'"http://[^"]+\?wsdl"', '"WSDL"', path.read_text())
        for path in sources.rglob("*.java")
    }


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("version", VERSIONS)
def test_wsimport_generates_the_client_without_warnings(jaxws, version, target):
    sources = jaxws.generate(version, target)
    assert jaxws.warnings[(version, target)] == []
    assert generated_classes(sources) == generated_classes(jaxws.generate(version, "soap"))


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("version", VERSIONS)
def test_a_jaxws_client_reads_pages_writes_and_reads_fault_details(
    jaxws, interop_stack, version, target
):
    classes = jaxws.compiled(version)
    isbn = valid_isbn(700_000 + 10 * VERSIONS.index(version) + TARGETS.index(target))
    output = run(
        ["java", "-cp", ":".join([str(classes), *RUNTIME_JARS]), "CatalogClient",
         interop_stack.url(target, WSDL_PATHS[version]), *EDITOR, isbn],
        cwd=classes,
    )  # fmt: skip
    seen = observations(output)
    assert (seen["page1.ids"], seen["page2.ids"]) == ("1,2", "3,4")
    assert seen["read.title"] and re.fullmatch(r"\d+\.\d\d", seen["read.price"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", seen["read.published_date"])
    assert (seen["created.title"], seen["created.price"]) == ("Written by JAX-WS", "12.34")
    assert (seen["created.version"], seen["updated.version"]) == ("1", "2")
    assert (seen["stale.code"], seen["stale.current_version"]) == ("stale_version", "2")
    assert seen["missing.code"] == "not_found"
    assert seen["missing.message"] == "Book 987654321 does not exist."
