"""``manage.py outcomes_followups``: ask cities how the results of their support are holding up, remind them,
tell the hub, and count unanswered follow-ups as missed (safe to run twice: the second run does nothing)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from workflows.services import outcomes_followups_run


class Command(BaseCommand):
    help = "Open the follow-ups that have come after delivery, send reminders and escalations, count missed ones."

    def handle(self, *args: Any, **options: Any) -> None:
        run = outcomes_followups_run()
        self.stdout.write(
            f"Follow-ups: {run.opened} opened, {run.reminded} reminded, {run.escalated} escalated, {run.missed} missed."
        )
