"""`manage.py purge_idempotency_keys`: delete Idempotency-Key records older than their 24 h."""

from typing import Any

from django.core.management.base import BaseCommand

from rest_service.api.idempotency import purge_expired


class Command(BaseCommand):
    help = "Delete expired Idempotency-Key records (each client's are also purged on its next use)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Purged {purge_expired()} expired idempotency record(s).")
