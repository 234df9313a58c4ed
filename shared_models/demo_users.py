"""The two demo accounts of the embedded default; production settings refuse to create them."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from shared_models.credentials import set_digest_secret


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    is_staff: bool
    scopes: str


DEMO_USERS = (
    DemoUser("reader", "reader-pass", is_staff=False, scopes="catalog:read"),
    DemoUser("editor", "editor-pass", is_staff=True, scopes="catalog:read catalog:write"),
)


@transaction.atomic
def ensure_demo_users() -> tuple[DemoUser, ...]:
    """Create (or reset the password of) `reader` and `editor`; idempotent. Their WS-Security
    digest secret is their password, so SOAP clients can use PasswordText or PasswordDigest."""
    if not settings.CATALOG_DEMO_USERS:
        raise ImproperlyConfigured("demo users are disabled here (CATALOG_DEMO_USERS=false)")
    users = get_user_model()
    for demo in DEMO_USERS:
        user, _ = users.objects.get_or_create(username=demo.username)
        user.is_staff = demo.is_staff
        user.is_active = True
        user.set_password(demo.password)
        user.save()
        set_digest_secret(user, demo.password)
    return DEMO_USERS
