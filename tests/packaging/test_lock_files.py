"""The hashed lock files (`make lock`) are what gets installed: `make` installs
requirements/dev.txt, the image requirements/runtime.txt. A dependency added to pyproject.toml
without relocking would be missing from both, so each lock must pin every requirement of what it
covers, within its bounds."""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.processes import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>[^\s;\\]+)")


def requirements(*extras: str) -> list[Requirement]:
    """The project's own requirements and those of the extras, the self-references followed."""
    found = [Requirement(line) for line in PROJECT["dependencies"]]
    pending, seen = list(extras), set()
    while pending:
        extra = pending.pop()
        seen.add(extra)
        for line in PROJECT["optional-dependencies"][extra]:
            requirement = Requirement(line)
            if canonicalize_name(requirement.name) == canonicalize_name(PROJECT["name"]):
                pending.extend(requirement.extras - seen)
            else:
                found.append(requirement)
    return found


def pins(lock: str) -> dict[str, list[str]]:
    """Every pinned version per package (a package may be pinned once per Python version)."""
    pinned: dict[str, list[str]] = {}
    for line in (REPO / "requirements" / lock).read_text().splitlines():
        if match := PIN.match(line):
            pinned.setdefault(canonicalize_name(match["name"]), []).append(match["version"])
    return pinned


def requirement_blocks(lock: str) -> list[str]:
    return re.split(r"\n(?=[A-Za-z0-9])", (REPO / "requirements" / lock).read_text())[1:]


LOCKS = {"runtime.txt": (), "dev.txt": ("dev",)}


@pytest.mark.parametrize(("lock", "extras"), LOCKS.items())
def test_the_lock_pins_every_requirement_within_its_bounds(lock, extras):
    pinned = pins(lock)
    unlocked = [
        str(requirement)
        for requirement in requirements(*extras)
        if not any(
            requirement.specifier.contains(version, prereleases=True)
            for version in pinned.get(canonicalize_name(requirement.name), [])
        )
    ]

    assert unlocked == [], "run `make lock`"


@pytest.mark.parametrize("lock", LOCKS)
def test_every_pin_of_the_lock_carries_a_hash(lock):
    blocks = requirement_blocks(lock)

    assert blocks
    assert [block.split()[0] for block in blocks if "--hash=sha256:" not in block] == []


def test_the_runtime_lock_holds_neither_the_benchmark_nor_the_docs_extra():
    runtime = {canonicalize_name(requirement.name) for requirement in requirements()}
    extras = {
        canonicalize_name(Requirement(line).name)
        for extra in ("bench", "docs")
        for line in PROJECT["optional-dependencies"][extra]
    }

    assert extras
    assert sorted((extras - runtime) & set(pins("runtime.txt"))) == []
