"""Hostile and broken XML: every case is a Client fault (never an HTML page, a 500 Server fault
or a hang), nothing is expanded and no file is read."""

from __future__ import annotations

import httpx
import pytest

from tests.soap.conftest import CONTENT_TYPES, ENDPOINTS, ENV11, ENV12, TNS, envelope
from tests.soap.faults import read_fault

SECRET = "s3cret-marker-that-must-never-leave-the-server"

LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)
    )
    + "]>"
)
GET_BOOK = "<t:GetBook><t:id>1</t:id></t:GetBook>"


def _with_prolog(prolog: str, body: str) -> bytes:
    return prolog.encode() + envelope(body).split(b"?>", 1)[1]


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


def cases(secret_path: str) -> dict[str, tuple[bytes, str, str]]:
    """name -> (body, content type, expected faultcode)."""
    xml = CONTENT_TYPES["1.1"]
    xxe = f'<!DOCTYPE e [<!ENTITY x SYSTEM "file://{secret_path}">]>'
    return {
        "billion laughs": (_with_prolog(LAUGHS, "<t:GetGenre><t:slug>&lol9;</t:slug></t:GetGenre>"),
                           xml, "Client.XMLThreat"),
        "XXE to a local file": (_with_prolog(xxe, "<t:GetGenre><t:slug>&x;</t:slug></t:GetGenre>"),
                                xml, "Client.XMLThreat"),
        "external DTD": (_with_prolog(f'<!DOCTYPE e SYSTEM "file://{secret_path}">', GET_BOOK),
                         xml, "Client.XMLThreat"),
        "UTF-16 DTD": (
            ('<?xml version="1.0" encoding="UTF-16"?>' + xxe
             + envelope("<t:GetGenre><t:slug>&x;</t:slug></t:GetGenre>").decode().split("?>", 1)[1]
             ).encode("utf-16"),
            xml, "Client.XMLThreat"),
        "deep nesting": (envelope("<t:GetGenre><t:slug>" + "<a>" * 100 + "</a>" * 100
                                  + "</t:slug></t:GetGenre>"), xml, "Client.XMLThreat"),
        "very deep nesting": (envelope("<a>" * 5000 + "</a>" * 5000), xml, "Client.XMLThreat"),
        "too many children": (envelope("<t:GetBook>" + "<t:id>1</t:id>" * 5000 + "</t:GetBook>"),
                              xml, "Client.XMLThreat"),
        "too many attributes": (envelope("<t:GetBook " + " ".join(f'a{i}="1"' for i in range(20))
                                         + "><t:id>1</t:id></t:GetBook>"), xml, "Client.XMLThreat"),
        "a very long text": (envelope(f"<t:GetGenre><t:slug>{'a' * 200_000}</t:slug></t:GetGenre>"),
                             xml, "Client.XMLThreat"),
        "malformed XML": (envelope(GET_BOOK)[:-20], xml, "Client.XMLSyntaxError"),
        "not XML at all": (b"{}", xml, "Client.XMLSyntaxError"),
        "blank body": (b" \n", xml, "Client.SoapError"),
        "not an envelope": (b"<foo/>", xml, "Client.SoapError"),
        "SOAP 1.2 envelope on the 1.1 endpoint": (envelope(GET_BOOK, version="1.2"), xml,
                                                  "VersionMismatch"),
        "empty Body": (envelope(""), xml, "Client.SoapError"),
        "two operations in one Body": (envelope(GET_BOOK * 2), xml, "Client.SoapError"),
        "a Fault as request": (envelope(f'<e:Fault xmlns:e="{ENV11}"/>'), xml, "Client.SoapError"),
        "unknown operation": (envelope("<t:FormatDisk/>"), xml, "Client.ValidationError"),
        "wrong namespace": (envelope('<x:GetBook xmlns:x="urn:wrong"><x:id>1</x:id></x:GetBook>'),
                            xml, "Client.ValidationError"),
        "wrong type": (envelope("<t:GetBook><t:id>abc</t:id></t:GetBook>"), xml,
                       "Client.ValidationError"),
        "an id beyond 64 bits": (envelope("<t:GetBook><t:id>1" + "0" * 30 + "</t:id></t:GetBook>"),
                                 xml, "Client.ValidationError"),
        "missing required element": (envelope("<t:GetBook/>"), xml, "Client.ValidationError"),
        "unknown child element": (envelope("<t:GetBook><t:id>1</t:id><t:x>1</t:x></t:GetBook>"),
                                  xml, "Client.ValidationError"),
        "multipart/related (MTOM)": (b"--B\r\nContent-Type: text/xml\r\n\r\n" + envelope(GET_BOOK)
                                     + b"\r\n--B--\r\n", 'multipart/related; boundary=B; '
                                     'type="text/xml"', "Client.UnsupportedMediaType"),
        "JSON content type": (envelope(GET_BOOK), "application/json",
                              "Client.UnsupportedMediaType"),
    }  # fmt: skip


CASE_NAMES = sorted(cases("/x"))


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASE_NAMES)
def test_hostile_or_broken_input_is_a_client_fault(client, secret_file, case):
    body, content_type, faultcode = cases(str(secret_file))[case]
    response = client.post(ENDPOINTS["1.1"], data=body, content_type=content_type)
    fault = read_fault(response, "1.1")
    assert fault.faultcode == faultcode, fault
    assert response.status_code in (500, 415)
    for leak in (SECRET.encode(), b"lollollol", b"Traceback"):
        assert leak not in response.content


@pytest.mark.django_db
def test_a_dtd_is_refused_with_its_reason(client, secret_file):
    body, content_type, _ = cases(str(secret_file))["XXE to a local file"]
    fault = read_fault(client.post(ENDPOINTS["1.1"], data=body, content_type=content_type))
    assert (fault.code, fault.message) == (
        "xml_threat",
        "DTDs and entity declarations are not allowed.",
    )


@pytest.mark.django_db
def test_limits_come_from_settings(client, settings):
    settings.SOAP_MAX_DEPTH = 3  # Envelope / Body / GetBook / id is 4 deep
    fault = read_fault(client.post(ENDPOINTS["1.1"], data=envelope(GET_BOOK),
                                   content_type=CONTENT_TYPES["1.1"]))  # fmt: skip
    assert fault.message == "XML nesting is deeper than 3 levels."


@pytest.mark.django_db
def test_soap12_refusals_are_sender_faults_with_400(client):
    body = envelope("<t:GetBook><t:id>abc</t:id></t:GetBook>", version="1.2")
    response = client.post(ENDPOINTS["1.2"], data=body, content_type=CONTENT_TYPES["1.2"])
    fault = read_fault(response, "1.2")
    assert (fault.status, fault.faultcode, fault.errors) == (
        400,
        "Client.ValidationError",
        {"id": [f"'abc' is not a valid value of the atomic type '{{{TNS}}}GetBook_idType'."]},
    )
    assert ENV12 in response.content.decode()


# -- live: through gunicorn and real sockets -------------------------------------------------


@pytest.mark.parametrize("case", ["billion laughs", "XXE to a local file", "deep nesting"])
def test_attacks_over_real_http_are_client_faults(stack, secret_file, case):
    body, content_type, faultcode = cases(str(secret_file))[case]
    response = httpx.post(stack.url("soap", ENDPOINTS["1.1"]), content=body,
                          headers={"Content-Type": content_type}, timeout=10)  # fmt: skip
    assert read_fault(response).faultcode == faultcode and SECRET not in response.text


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_an_oversized_body_is_413_without_being_read(stack, version):
    body = envelope(f"<t:GetGenre><t:slug>{'a' * 1_100_000}</t:slug></t:GetGenre>", version=version)
    response = httpx.post(stack.url("soap", ENDPOINTS[version]), content=body,
                          headers={"Content-Type": CONTENT_TYPES[version]}, timeout=10)  # fmt: skip
    fault = read_fault(response, version)
    assert (response.status_code, fault.faultcode, fault.code) == (
        413,
        "Client.RequestTooLong",
        "content_too_large",
    )
