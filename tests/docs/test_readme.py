"""The README is the front door: short, and every link in it leads to a file of the repository."""

import re

from tests.processes import REPO

README = REPO / "README.md"
RELATIVE_LINK = re.compile(r"\]\((?!https?://)([^)#\s]+)(?:#[^)]*)?\)")


def test_the_readme_stays_a_front_door():
    assert len(README.read_text().splitlines()) <= 200


def test_every_relative_link_in_the_readme_names_a_file_of_the_repository():
    targets = RELATIVE_LINK.findall(README.read_text())
    assert targets
    missing = [target for target in targets if not (REPO / target).exists()]
    assert not missing, f"README.md links to files that do not exist: {missing}"
