"""The Dockerfile's promises, checked by reading it (no docker engine here): multi-stage, the
final stage holds only what the build stage installed and runs as a non-root user, every package
pyproject.toml installs is copied in, and no secret can enter the build context."""

from __future__ import annotations

import re
import tomllib

from tests.processes import REPO

LINES = [
    line.strip()
    for line in (REPO / "Dockerfile").read_text().replace("\\\n", " ").splitlines()
    if line.strip() and not line.lstrip().startswith("#")
]
STAGES: list[list[str]] = []
for line in LINES:
    if line.startswith("FROM "):
        STAGES.append([])
    STAGES[-1].append(line)
BUILD, RUNTIME = STAGES[0], STAGES[-1]


def test_the_final_stage_runs_as_a_non_root_user():
    users = [line.split()[1] for line in RUNTIME if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in ("root", "0")


def test_the_final_stage_copies_only_the_built_venv():
    copies = [line for line in RUNTIME if line.startswith(("COPY ", "ADD "))]
    assert copies == ["COPY --from=build /opt/venv /opt/venv"]
    assert not [line for line in RUNTIME if re.search(r"\bpip\b|apt-get", line)]


def _copied() -> set[str]:
    return {line.split()[1] for line in BUILD if line.startswith("COPY ")}


def test_every_shipped_package_pyproject_installs_is_copied_into_the_build():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = {pattern.rstrip("*") for pattern in patterns} - {"benchmarks"}
    assert packages <= _copied()


def test_the_image_leaves_out_the_benchmark_harness():
    assert "benchmarks" not in _copied()


def test_the_build_context_leaves_out_run_time_state_and_secrets():
    ignored = (REPO / ".dockerignore").read_text().split()
    assert {"var", ".venv", ".git"} <= set(ignored)
    assert not [
        line
        for line in LINES
        if "secret" in line.lower() and line.startswith(("COPY", "ENV", "ARG"))
    ]


def test_the_build_installs_only_the_hashed_runtime_lock_and_the_project_without_its_deps():
    installs = [line for line in BUILD if re.search(r"\bpip install\b", line)]
    assert installs == [
        "RUN /opt/venv/bin/pip install --require-hashes -r requirements/runtime.txt",
        "RUN /opt/venv/bin/pip install --no-deps .",
    ]
