"""`manage.py wsse_secret USERNAME`: give a user a WS-Security PasswordDigest secret."""

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from shared_models.credentials import set_digest_secret


class Command(BaseCommand):
    help = (
        "Set USERNAME's WS-Security PasswordDigest secret (generated unless --secret is given) "
        "and print it once; see shared_models/credentials.py."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--secret", help="use this secret instead of a generated one")

    def handle(self, *args: Any, username: str, secret: str | None, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        secret = secret or secrets.token_urlsafe(24)
        set_digest_secret(user, secret)
        self.stdout.write(secret)
