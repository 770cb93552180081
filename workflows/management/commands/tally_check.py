"""Compare the figures' tally with a recount of the requests; print each difference, exit 1 if there is one."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from workflows.tally import tally_differences


class Command(BaseCommand):
    help = "Check the request and outcome tallies against a recount. Exits 1 on any difference."

    def handle(self, *args: object, **options: object) -> None:
        differences = tally_differences()
        for difference in differences:
            self.stderr.write(f"DIFFERS {difference}")
        if differences:
            raise CommandError(f"{len(differences)} tally cells differ from a recount (manage.py tally_rebuild).")
        self.stdout.write("Tally equals a recount of the requests.")
