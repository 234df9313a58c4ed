"""Secrets are masked wherever and however a page would show them."""

import json
from xml.sax.saxutils import escape

from gateway.compare.masking import MASK, Secrets


def test_a_secret_is_masked_as_it_is_and_as_json_and_xml_escape_it():
    secret = 'p&ss"<word>'
    shown = f"raw {secret} json {json.dumps(secret)} xml {escape(secret)}"
    masked = Secrets([secret]).mask(shown)
    assert secret not in masked
    assert json.dumps(secret)[1:-1] not in masked and escape(secret) not in masked
    assert masked.count(MASK) == 3


def test_a_secret_inside_a_longer_one_leaves_no_part_of_the_longer_one():
    masked = Secrets(["abc", "xxabcxx"]).mask("token xxabcxx and abc")
    assert masked == f"token {MASK} and {MASK}"


def test_without_secrets_text_is_unchanged():
    assert Secrets(["", None]).mask("nothing to hide") == "nothing to hide"  # type: ignore[list-item]  # None on purpose
