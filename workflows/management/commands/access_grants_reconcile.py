"""``manage.py access_grants_reconcile``: remove expert grants that no live assignment explains."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from workflows.services import access_grants_reconcile


class Command(BaseCommand):
    help = "Delete guardian grant rows on requests without a live expert assignment, or ended past the grace period."

    def handle(self, *args: Any, **options: Any) -> None:
        result = access_grants_reconcile()
        self.stdout.write(
            f"Removed {result.total} grant(s): {result.orphaned} without assignment, "
            f"{result.expired} past the grace period, {result.group_rows} group grant(s)."
        )
