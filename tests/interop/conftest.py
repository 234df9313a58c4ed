"""Interop with the SOAP toolkits enterprises run (issue 17): clients generated from the served
WSDLs (SOAP 1.1 and 1.2, directly and through the gateway) by the toolkit's own generator,
compiled, and run against the real services.

Each toolkit is a Debian package (.ci/run installs them). Without one the tests are skipped,
except with CATALOG_REQUIRE_SERVICES=1 (CI), where a missing toolkit fails. A generator warning
that points at the WSDL fails its test: such a warning is what a user of that toolkit would have
to work around. Generated and compiled clients are kept for the session (one build per toolkit
and SOAP version), so the whole module stays within a minute or two.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from config.env import env_bool
from tests.processes import Stack, live_stack

VERSIONS = ("1.1", "1.2")
TARGETS = ("soap", "gateway")
WSDL_PATHS = {"1.1": "/soap/catalog/?wsdl", "1.2": "/soap12/catalog/?wsdl"}
ENDPOINT_PATHS = {"1.1": "/soap/catalog/", "1.2": "/soap12/catalog/"}
CLIENTS = Path(__file__).parent / "clients"
EDITOR = ("editor", "editor-pass")
_OBSERVATION = re.compile(r"^([a-z0-9_.]+)=(.*)$", re.MULTILINE)


def require(*programs: str) -> None:
    """Skip (or, in CI, fail) unless every program is installed."""
    missing = [program for program in programs if shutil.which(program) is None]
    if not missing:
        return
    reason = f"missing {', '.join(missing)} (see .ci/run for the Debian packages)"
    if env_bool("CATALOG_REQUIRE_SERVICES", False):
        pytest.fail(f"{reason}; CATALOG_REQUIRE_SERVICES=1")
    pytest.skip(reason)


def run(command: Sequence[str | Path], *, cwd: Path, timeout: float = 180) -> str:
    """Run a build or client command; its combined output, or a failure showing it."""
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = done.stdout + done.stderr
    if done.returncode != 0:
        pytest.fail(f"{command[0]} exited {done.returncode}:\n{output[-4000:]}")
    return output


def observations(output: str) -> dict[str, str]:
    """The clients print one `name=value` line per observation."""
    return dict(match.groups() for match in _OBSERVATION.finditer(output))


@pytest.fixture(scope="session")
def interop_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """REST, SOAP and the gateway over one seeded catalog, shared by every toolkit."""
    folder = tmp_path_factory.mktemp("interop-stack")
    env = {"GATEWAY_RATELIMIT_NAMESPACE": "interop", "REDIS_URL": ""}
    with live_stack(folder, services=("rest", "soap", "gateway"), books=10, env=env) as stack:
        yield stack


@pytest.fixture(scope="session")
def build_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("interop-build")
