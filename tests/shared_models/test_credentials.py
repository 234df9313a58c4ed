"""WS-Security digest secrets: stored encrypted, readable only with this deployment's key."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from shared_models.credentials import digest_secret, set_digest_secret
from shared_models.demo_users import ensure_demo_users
from shared_models.models import WsSecuritySecret
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_digest_secret_is_stored_encrypted_and_read_back():
    user = make_user()
    set_digest_secret(user, "open-sesame")
    stored = WsSecuritySecret.objects.get(user=user).encrypted_secret
    assert "open-sesame" not in stored and digest_secret(user) == "open-sesame"


def test_a_secret_sealed_with_another_key_reads_as_none(settings):
    user = make_user()
    set_digest_secret(user, "open-sesame")
    settings.SECRET_KEY = "a-rotated-secret-key"
    assert digest_secret(user) is None


def test_the_demo_users_digest_secret_is_their_password():
    ensure_demo_users()
    users = get_user_model().objects
    assert digest_secret(users.get(username="editor")) == "editor-pass"
    assert digest_secret(users.get(username="reader")) == "reader-pass"


def test_the_command_sets_a_generated_secret_and_prints_it_once():
    user = make_user()
    out = StringIO()
    call_command("wsse_secret", "editor", stdout=out)
    assert digest_secret(user) == out.getvalue().strip() and len(out.getvalue().strip()) >= 32
    with pytest.raises(CommandError, match="no user named"):
        call_command("wsse_secret", "nobody")
