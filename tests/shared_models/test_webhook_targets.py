"""Where webhooks may go (server-side request forgery refused) and how one attempt behaves:
the address connected to is the one checked, redirects are not followed, answers are read only
up to a limit."""

import socket
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook

from shared_models import webhook_delivery, webhooks
from shared_models.clock import FixedClock, system_clock
from shared_models.errors import ValidationError
from shared_models.job_models import WebhookDelivery, WebhookEndpoint
from shared_models.webhook_targets import TargetRefused, resolve_target
from tests.receivers import webhook_receiver

pytestmark = pytest.mark.django_db
CLOCK = FixedClock(datetime(2026, 6, 15, 12, 0, tzinfo=UTC))


@pytest.fixture
def production(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    return settings


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/hook",
        "file:///etc/passwd",
        "http://user:pass@127.0.0.1/hook",
        "http:///no-host",
    ],
)
def test_only_http_urls_with_a_host_and_no_credentials_are_accepted(url):
    with pytest.raises(TargetRefused):
        resolve_target(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook",
        "http://[::1]:9/hook",
        "http://[::ffff:127.0.0.1]:9/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.7/hook",
        "http://192.168.1.1/hook",
        "http://[fd00:ec2::254]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_loopback_private_link_local_and_metadata_addresses_are_refused_in_production(
    production, url
):
    with pytest.raises(TargetRefused):
        resolve_target(url)


def test_loopback_is_allowed_in_the_embedded_default_so_a_local_listener_works(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    assert resolve_target("http://127.0.0.1:9/hook").address == "127.0.0.1"


def test_an_allowlisted_network_may_be_reached(production):
    production.WEBHOOK_ALLOWED_NETWORKS = ["10.1.0.0/16"]
    assert resolve_target("http://10.1.2.3/hook").address == "10.1.2.3"
    with pytest.raises(TargetRefused):
        resolve_target("http://10.2.0.1/hook")


def test_a_name_resolving_to_a_private_address_is_refused_and_a_public_one_is_pinned(
    production, monkeypatch
):
    answers = {"inside.example": "10.0.0.5", "outside.example": "93.184.215.14"}

    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(TargetRefused):
        resolve_target("https://inside.example/hook")
    target = resolve_target("https://outside.example/hook?x=1")
    assert target.url == "https://93.184.215.14:443/hook?x=1"
    assert target.host == "outside.example"


def test_registering_a_refused_url_is_a_validation_error_naming_the_url(production):
    with pytest.raises(ValidationError) as refused:
        webhooks.webhook_endpoint_create(
            owner="1", data={"url": "http://169.254.169.254/", "events": ["job.succeeded"]}
        )
    assert list(refused.value.errors) == ["url"]
    assert not WebhookEndpoint.objects.exists()


def delivery_to(url: str) -> WebhookDelivery:
    endpoint, _ = webhooks.webhook_endpoint_create(
        owner="1", data={"url": url, "events": ["job.succeeded"]}, clock=CLOCK
    )
    return WebhookDelivery.objects.create(
        endpoint_id=endpoint.id, message_id="msg_test", event="job.succeeded",
        payload={"type": "job.succeeded"}, created_at=CLOCK.now(),
    )  # fmt: skip


def test_an_attempt_is_signed_per_standard_webhooks():
    with webhook_receiver([204]) as receiver:
        delivery = delivery_to(receiver.url)
        status, _ = webhook_delivery.attempt(delivery, system_clock)
    assert status == 204
    request = receiver.received[0]
    assert request.headers["webhook-id"] == "msg_test"
    assert request.headers["webhook-signature"].startswith("v1,")
    assert Webhook(delivery.endpoint.secret).verify(request.body, request.headers) == {
        "type": "job.succeeded"
    }


def test_a_redirect_is_not_followed():
    with webhook_receiver([302], headers={"Location": "/elsewhere"}) as receiver:
        status, _ = webhook_delivery.attempt(delivery_to(receiver.url), CLOCK)
    assert status == 302
    assert [r.path for r in receiver.received] == ["/hook"]


def test_no_more_of_an_answer_than_the_limit_is_read(settings):
    settings.WEBHOOK_MAX_RESPONSE_BYTES = 100
    with webhook_receiver([200], body=b"x" * 1_000_000) as receiver:
        status, answer = webhook_delivery.attempt(delivery_to(receiver.url), CLOCK)
    assert (status, len(answer)) == (200, 100)
