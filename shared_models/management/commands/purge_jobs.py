"""`manage.py purge_jobs`: purge once what the workers purge on their own (see
shared_models.job_retention): finished jobs older than JOB_RETENTION_DAYS, with their files."""

from typing import Any

from django.core.management.base import BaseCommand

from shared_models.job_retention import jobs_purge_finished


class Command(BaseCommand):
    help = "Delete finished jobs older than JOB_RETENTION_DAYS, their files and task rows."

    def handle(self, *args: Any, **options: Any) -> None:
        purged = jobs_purge_finished()
        self.stdout.write(
            f"purged {purged.jobs} job(s), {purged.files} file(s), {purged.tasks} task row(s), "
            f"{purged.deliveries} webhook deliveries"
        )
