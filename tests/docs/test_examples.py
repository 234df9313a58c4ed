"""Every file a curl example on the docs site sends exists, and is well-formed JSON or XML."""

import json
import re
from pathlib import Path

import pytest
from lxml import etree

from tests.processes import REPO

DOCS = REPO / "docs"
SENT_FILE = re.compile(r"(?:-d|--data|--data-binary|--data-raw|-F|--form)\s+'?@([^\s']+)")


def _sent_files() -> list[tuple[Path, str]]:
    return [
        (page, name)
        for page in sorted(DOCS.rglob("*.md"))
        for line in page.read_text().splitlines()
        if "curl" in line
        for name in SENT_FILE.findall(line)
    ]


def test_the_docs_show_curl_examples_that_send_files():
    assert _sent_files(), "no curl example sends a file: the other tests check nothing"


@pytest.mark.parametrize(
    ("page", "name"), _sent_files(), ids=lambda value: getattr(value, "name", value)
)
def test_a_file_sent_by_a_curl_example_exists_in_the_repository(page, name):
    sent = REPO / name
    assert sent.is_file(), f"{page.relative_to(REPO)} sends @{name}, which does not exist"
    if sent.suffix == ".json":
        json.loads(sent.read_text())
    elif sent.suffix == ".xml":
        etree.fromstring(sent.read_bytes())
