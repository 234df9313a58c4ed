"""WS-Security UsernameToken against Django's users: PasswordText and PasswordDigest accepted,
bad credentials refused even on reads, digest replays and stale timestamps refused, and SOAP's
mustUnderstand rule for headers we do not process."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from lxml import etree
from zeep.exceptions import Fault as ZeepFault
from zeep.wsse.username import UsernameToken

from catalog_contract.namespaces import WSSE
from shared_models.clock import FixedClock
from shared_models.models import Author
from soap_service.faults import AuthenticationFailedFault
from soap_service.wssecurity import verify_username_token
from tests import tokens
from tests.factories import make_book, make_user
from tests.soap.conftest import CONTENT_TYPES, ENDPOINTS, envelope, post_envelope, zeep_client
from tests.soap.faults import assert_fault, read_fault
from tests.soap.wsse import security_header, utc_stamp

CREATE_AUTHOR = "<t:CreateAuthor><t:author><t:name>Octavia</t:name></t:author></t:CreateAuthor>"
VERSIONS = pytest.mark.parametrize("version", ["1.1", "1.2"])


@pytest.fixture
def editor(db):
    return make_user("editor", "editor-pass", digest_secret="editor-digest")


def call(client, header: str, body: str = CREATE_AUTHOR, version: str = "1.1", **extra):
    return post_envelope(client, envelope(body, header, version), version, **extra)


@pytest.mark.django_db
@VERSIONS
def test_password_text_of_a_staff_user_may_write(client, editor, version):
    response = call(client, security_header("editor", "editor-pass"), version=version)
    assert response.status_code == 200 and Author.objects.filter(name="Octavia").exists()


@pytest.mark.django_db
@VERSIONS
def test_password_digest_against_the_digest_secret_may_write(client, editor, version):
    response = call(
        client, security_header("editor", "editor-digest", digest=True), version=version
    )
    assert response.status_code == 200 and Author.objects.filter(name="Octavia").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (lambda: security_header("editor", "wrong"), "wrong"),
        (lambda: security_header("nobody", "editor-pass"), "wrong"),
        (lambda: security_header("editor", "editor-pass", digest=True), "wrong"),  # login password
        (lambda: security_header("editor", "wrong", digest=True), "wrong"),
        (lambda: security_header("editor", "x", password_type="urn:x#Plain"), "Unsupported"),
        (lambda: f'<wsse:Security xmlns:wsse="{WSSE}"/>', "no wsse:UsernameToken"),
    ],
)
def test_bad_credentials_are_refused_even_on_a_read(client, editor, header, reason):
    book = make_book()
    response = call(client, header(), f"<t:GetBook><t:id>{book.pk}</t:id></t:GetBook>")
    fault = assert_fault(response, "1.1", "Client.AuthenticationFailed", "authentication_failed")
    assert reason in fault.message and response["WWW-Authenticate"] == 'Bearer realm="catalog"'


@pytest.mark.django_db
def test_an_inactive_user_is_refused(client):
    make_user("gone", "gone-pass", active=False, digest_secret="gone-digest")
    for header in (security_header("gone", "gone-pass"),
                   security_header("gone", "gone-digest", digest=True)):  # fmt: skip
        assert_fault(
            call(client, header), "1.1", "Client.AuthenticationFailed", "authentication_failed"
        )


@pytest.mark.django_db
def test_a_user_without_a_digest_secret_cannot_use_password_digest(client):
    make_user("plain", "plain-pass")
    response = call(client, security_header("plain", "plain-pass", digest=True))
    assert_fault(response, "1.1", "Client.AuthenticationFailed", "authentication_failed")
    assert call(client, security_header("plain", "plain-pass")).status_code == 200


@pytest.mark.django_db
def test_a_reader_may_read_but_not_write(client):
    make_user("reader", "reader-pass", staff=False)
    book = make_book()
    header = security_header("reader", "reader-pass")
    assert call(client, header, f"<t:GetBook><t:id>{book.pk}</t:id></t:GetBook>").status_code == 200
    assert_fault(call(client, header), "1.1", "Client.PermissionDenied", "insufficient_scope")


@pytest.mark.django_db
def test_a_replayed_digest_is_refused_and_writes_nothing(client, editor):
    header = security_header("editor", "editor-digest", digest=True)
    assert call(client, header).status_code == 200
    fault = assert_fault(
        call(client, header), "1.1", "Client.AuthenticationFailed", "authentication_failed"
    )
    assert "replay" in fault.message and Author.objects.filter(name="Octavia").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("offset", [timedelta(hours=-1), timedelta(hours=1)])
def test_a_digest_created_outside_the_clock_skew_is_refused(client, editor, offset):
    created = utc_stamp(datetime.now(UTC) + offset)
    response = call(
        client, security_header("editor", "editor-digest", digest=True, created=created)
    )
    fault = assert_fault(response, "1.1", "Client.AuthenticationFailed", "authentication_failed")
    assert "300 seconds" in fault.message and not Author.objects.exists()


@pytest.mark.django_db
def test_the_clock_skew_is_measured_against_the_injected_clock(editor, settings):
    settings.WSSE_MAX_CLOCK_SKEW_SECONDS = 60
    created = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)

    def security() -> etree._Element:
        header = security_header("editor", "editor-digest", digest=True, created=utc_stamp(created))
        return etree.fromstring(header.replace("e:mustUnderstand", "mustUnderstand"))

    at_the_limit = FixedClock(created + timedelta(seconds=60))
    assert verify_username_token(security(), clock=at_the_limit) == editor
    with pytest.raises(AuthenticationFailedFault, match="60 seconds"):
        verify_username_token(security(), clock=FixedClock(created + timedelta(seconds=61)))


@pytest.mark.django_db
@pytest.mark.parametrize("missing", ["Nonce", "Created"])
def test_a_digest_without_nonce_or_created_is_refused(client, editor, missing):
    header = security_header("editor", "editor-digest", digest=True, omit=(missing,))
    fault = assert_fault(
        call(client, header), "1.1", "Client.AuthenticationFailed", "authentication_failed"
    )
    assert "Nonce and wsu:Created" in fault.message


@pytest.mark.django_db
def test_a_changed_password_ends_the_remembered_password_check(client, editor):
    header = security_header("editor", "editor-pass")
    assert call(client, header).status_code == 200
    editor.set_password("new-pass")
    editor.save()
    assert_fault(
        call(client, header), "1.1", "Client.AuthenticationFailed", "authentication_failed"
    )


@pytest.mark.django_db
def test_a_username_token_and_a_bearer_token_together_are_refused(client, editor):
    response = call(
        client, security_header("editor", "editor-pass"),
        HTTP_AUTHORIZATION=f"Bearer {tokens.mint()}",
    )  # fmt: skip
    fault = assert_fault(response, "1.1", "Client.AuthenticationFailed", "authentication_failed")
    assert "not both" in fault.message


@pytest.mark.django_db
@VERSIONS
def test_an_unknown_mandatory_header_is_a_must_understand_fault(client, version):
    book = make_book()
    body = f"<t:GetBook><t:id>{book.pk}</t:id></t:GetBook>"
    flag = "1" if version == "1.1" else "true"
    response = call(client, f'<x:Trace xmlns:x="urn:other" e:mustUnderstand="{flag}">1</x:Trace>',
                    body, version)  # fmt: skip
    fault = read_fault(response, version)
    assert (fault.faultcode, fault.code, fault.status) == ("MustUnderstand", "must_understand", 500)
    optional = call(client, '<x:Trace xmlns:x="urn:other">1</x:Trace>', body, version)
    assert optional.status_code == 200


@pytest.mark.django_db
def test_a_must_understand_fault_is_logged_as_the_clients_mistake_not_ours(client, caplog):
    book = make_book()
    header = '<x:Trace xmlns:x="urn:other" e:mustUnderstand="1">1</x:Trace>'
    with caplog.at_level(logging.INFO, logger="soap_service"):
        call(client, header, f"<t:GetBook><t:id>{book.pk}</t:id></t:GetBook>")
    logged = [r for r in caplog.records if "MustUnderstand" in r.getMessage()]
    assert [r.levelno for r in logged] == [logging.WARNING]


@pytest.mark.django_db
def test_a_mandatory_header_for_another_actor_is_not_ours_to_refuse(client):
    book = make_book()
    header = (
        '<x:Trace xmlns:x="urn:other" e:mustUnderstand="1" e:actor="urn:some-other-node">1'
        "</x:Trace>"
    )
    response = call(client, header, f"<t:GetBook><t:id>{book.pk}</t:id></t:GetBook>")
    assert response.status_code == 200


# -- live: real clients, several gunicorn workers ------------------------------------------


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_zeep_password_text_writes_and_a_wrong_password_is_refused(stack, version):
    good = zeep_client(stack, version, wsse=UsernameToken("editor", "editor-pass"))
    assert good.service.CreateAuthor({"name": "Zeep Text"}).name == "Zeep Text"
    bad = zeep_client(stack, version, wsse=UsernameToken("editor", "nope", use_digest=True))
    with pytest.raises(ZeepFault) as caught:
        bad.service.GetBook(1)
    assert "AuthenticationFailed" in caught.value.code + "".join(
        q.localname for q in caught.value.subcodes or []
    )


def test_a_digest_nonce_is_accepted_once_across_the_servers_workers(stack):
    """Fresh connections land on either gunicorn worker; the nonce store is shared."""
    header = security_header("editor", "editor-pass", digest=True, nonce=os.urandom(16))
    body = envelope(CREATE_AUTHOR.replace("Octavia", "Once"), header)
    statuses = []
    for _ in range(6):
        with httpx.Client() as fresh:
            statuses.append(
                fresh.post(stack.url("soap", ENDPOINTS["1.1"]), content=body,
                           headers={"Content-Type": CONTENT_TYPES["1.1"]}).status_code
            )  # fmt: skip
    assert statuses.count(200) == 1 and statuses.count(500) == 5
