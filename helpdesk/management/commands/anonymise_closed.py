"""``manage.py anonymise_closed [--older-than DAYS]``: the retention run (scheduled daily)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from helpdesk.retention import anonymise_closed, due_for_anonymisation, orphan_files_delete


class Command(BaseCommand):
    help = "Remove personal data, restricted content and files of requests that ended DAYS ago or more."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=settings.RETENTION_DAYS,
            metavar="DAYS",
            help=f"days since the request ended (default: RETENTION_DAYS, now {settings.RETENTION_DAYS})",
        )
        parser.add_argument("--dry-run", action="store_true", help="only count the requests that are due")

    def handle(self, *args: Any, older_than: int, dry_run: bool, **options: Any) -> None:
        if older_than < 0:
            self.stderr.write("--older-than must be zero or more.")
            raise SystemExit(2)
        if dry_run:
            count = due_for_anonymisation(older_than_days=older_than).count()
            self.stdout.write(f"{count} request(s) would be anonymised.")
            return
        count = anonymise_closed(older_than_days=older_than)
        swept = orphan_files_delete()
        self.stdout.write(f"Anonymised {count} request(s); removed {swept} orphaned file(s).")
