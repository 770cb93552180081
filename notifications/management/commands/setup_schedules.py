"""Create or correct the desk's django-q2 schedules; safe to run on every start."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from notifications.services import schedules_ensure


class Command(BaseCommand):
    help = "Create or correct the periodic jobs (deadlines, e-mail sweep, digest, auto-close, retention)."

    def handle(self, *args: Any, **options: Any) -> None:
        outcome = schedules_ensure()
        for name, what in outcome.items():
            self.stdout.write(f"{what:9} {name}")
