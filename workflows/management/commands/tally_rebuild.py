"""Recompute the figures' tally from the requests, in one transaction (after a bulk load or a repair)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from workflows.tally import tally_rebuild


class Command(BaseCommand):
    help = "Recompute the request and outcome tallies the figures pages read, from every request, in one transaction."

    def handle(self, *args: object, **options: object) -> None:
        cells = tally_rebuild()
        self.stdout.write(f"Tally rebuilt: {cells} cells.")
