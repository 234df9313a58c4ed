"""`manage.py create_demo_users`: the `reader` and `editor` accounts of the embedded default."""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from shared_models.demo_users import ensure_demo_users


class Command(BaseCommand):
    help = "Create the demo users reader/reader-pass and editor/editor-pass (not in production)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            users = ensure_demo_users()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        for user in users:
            self.stdout.write(f"  {user.username} / {user.password}  ({user.scopes})")
