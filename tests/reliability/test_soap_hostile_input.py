"""Hostile XML at the real SOAP service (gunicorn), beyond tests/soap/test_xml_hardening.py's
in-process corpus: the whole corpus plus quadratic blowup, invalid UTF-8 and mixed SOAP
versions, sent over HTTP several times. Each is answered by a Client fault within the client's
timeout, the server's memory stays flat (no entity was ever expanded), the canary file the
external entities point at is never read (its access time stays where the test put it, and
its content appears in no answer), and the forged tokens of tests.tokens.FORGERIES are refused."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import httpx
import psutil
import pytest

from tests import tokens
from tests.factories import make_book
from tests.processes import Stack, live_stack
from tests.soap.conftest import CONTENT_TYPES, ENDPOINTS, ENV11, ENV12, TNS, envelope
from tests.soap.faults import assert_fault, read_fault
from tests.soap.test_xml_hardening import SECRET, cases

ROUNDS = 3
MAX_RSS_GROWTH = 30 * 1024 * 1024
"""What the service's processes may grow by over the rounds (allocator noise and caches): a
single expanded billion-laughs document alone would need gigabytes."""
LONG_AGO = 946_684_800  # 2000-01-01: any read of the canary would move its atime to now
GET_BOOK = "<t:GetBook><t:id>1</t:id></t:GetBook>"


def _quadratic_blowup() -> bytes:
    big = "a" * 50_000
    refs = "&a;" * 50_000
    return (f'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY a "{big}">]>'
            f'<e:Envelope xmlns:e="{ENV11}" xmlns:t="{TNS}"><e:Body><t:GetGenre><t:slug>'
            f"{refs}</t:slug></t:GetGenre></e:Body></e:Envelope>").encode()  # fmt: skip


def corpus(canary: str) -> dict[str, tuple[str, bytes, str, tuple[str, ...]]]:
    """name -> (endpoint version, body, content type, accepted faultcodes)."""
    xml11, xml12 = CONTENT_TYPES["1.1"], CONTENT_TYPES["1.2"]
    extra = {
        "quadratic blowup": ("1.1", _quadratic_blowup(), xml11, ("Client.XMLThreat",)),
        "invalid UTF-8": ("1.1", envelope("<t:GetGenre><t:slug>__</t:slug></t:GetGenre>")
                          .replace(b"__", b"\xff\xfe"),
                          xml11, ("Client.XMLSyntaxError", "Client.ValidationError")),
        "SOAP 1.1 envelope at the 1.2 endpoint": ("1.2", envelope(GET_BOOK), xml12,
                                                  ("VersionMismatch",)),
        "SOAP 1.2 body in a 1.1 envelope": ("1.1", envelope(f'<x:Body xmlns:x="{ENV12}">'
                                            f"{GET_BOOK}</x:Body>"), xml11,
                                            ("Client.ValidationError", "Client.SoapError")),
        "XXE in SOAP 1.2": ("1.2", cases(canary)["XXE to a local file"][0].replace(
                            ENV11.encode(), ENV12.encode()), xml12, ("Client.XMLThreat",)),
    }  # fmt: skip
    inherited = {
        name: ("1.1", body, content_type, (faultcode,))
        for name, (body, content_type, faultcode) in cases(canary).items()
    }
    return {**inherited, **extra}


@pytest.fixture(scope="module")
def soap(tmp_path_factory) -> Iterator[Stack]:
    with live_stack(tmp_path_factory.mktemp("soap-hostile"), services=("soap",)) as stack:
        yield stack


@pytest.fixture
def canary(tmp_path):
    path = tmp_path / "canary.txt"
    path.write_text(SECRET)
    os.utime(path, (LONG_AGO, time.time()))
    return path


def rss(stack: Stack) -> int:
    main = psutil.Process(stack.servers["soap"].process.pid)
    return sum(p.memory_info().rss for p in [main, *main.children(recursive=True)])


def test_the_hostile_corpus_is_answered_with_client_faults_in_bounded_memory(soap, canary):
    cases_by_name = corpus(str(canary))
    with httpx.Client(base_url=soap.url("soap"), timeout=10) as client:
        client.post(ENDPOINTS["1.1"], content=envelope(GET_BOOK),
                    headers={"Content-Type": CONTENT_TYPES["1.1"]})  # fmt: skip
        before = rss(soap)
        for _ in range(ROUNDS):
            for name, (version, body, content_type, faultcodes) in cases_by_name.items():
                response = client.post(ENDPOINTS[version], content=body,
                                       headers={"Content-Type": content_type})  # fmt: skip
                fault = read_fault(response, version)
                assert fault.faultcode in faultcodes, (name, fault)
                assert SECRET not in response.text and "lollol" not in response.text, name
        after = rss(soap)

    print(f"\nSOAP RSS: {before / 2**20:.1f} MiB before, {after / 2**20:.1f} MiB after "
          f"{ROUNDS} x {len(cases_by_name)} hostile documents")  # fmt: skip
    assert after - before < MAX_RSS_GROWTH
    assert os.stat(canary).st_atime == LONG_AGO, "the canary file was read"


@pytest.mark.django_db
@pytest.mark.parametrize("forgery", tokens.FORGERIES)
def test_forged_bearer_tokens_are_refused_by_the_soap_service(client, settings, forgery):
    settings.ROOT_URLCONF = "soap_service.urls"
    body = envelope(f"<t:GetBook><t:id>{make_book().pk}</t:id></t:GetBook>")
    response = client.post(ENDPOINTS["1.1"], data=body, content_type=CONTENT_TYPES["1.1"],
                           HTTP_AUTHORIZATION=f"Bearer {tokens.FORGERIES[forgery]()}")  # fmt: skip
    assert_fault(response, "1.1", "Client.AuthenticationFailed", "invalid_token")
