"""The desk's periodic jobs, as data: ``manage.py setup_schedules`` writes them as django-q2 schedules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django_q.models import Schedule


@dataclass(frozen=True)
class Job:
    name: str
    func: str
    schedule_type: str
    minutes: int | None = None
    # For daily jobs: the time of day (UTC) of the first run; the others start one period from now.
    at: time | None = None
    # Seconds added to the first run: two every-minute jobs half a minute apart run twice a minute.
    offset: int = 0

    def first_run(self, now: datetime) -> datetime:
        if self.at is None:
            return now + timedelta(minutes=self.minutes or 1, seconds=self.offset)
        run = datetime.combine(now.date(), self.at, tzinfo=timezone.get_fixed_timezone(0))
        return run if run > now else run + timedelta(days=1)


def jobs() -> tuple[Job, ...]:
    minutes, hourly, daily = Schedule.MINUTES, Schedule.HOURLY, Schedule.DAILY
    return (
        # Twice a minute (django-q2 schedules by the minute): a dead worker's e-mails go out within about one.
        Job("notifications: send due e-mails", "notifications.tasks.sweep_outbox", minutes, minutes=1),
        Job("notifications: send due e-mails (:30)", "notifications.tasks.sweep_outbox", minutes, minutes=1, offset=30),
        Job("notifications: deadline reminders and escalations", "notifications.tasks.sweep_deadlines", minutes, 15),
        Job("workflows: close delivered requests after evaluation", "notifications.tasks.close_overdue", hourly),
        Job(
            "notifications: daily digest",
            "notifications.tasks.send_digests",
            daily,
            at=time(settings.NOTIFICATION_DIGEST_HOUR, 0),
        ),
        Job("helpdesk: anonymise closed requests", "notifications.tasks.anonymise_closed", daily, at=time(2, 0)),
        Job("workflows: expire expert access", "notifications.tasks.expire_expert_grants", daily, at=time(2, 15)),
        Job("helpdesk: reconcile access grants", "notifications.tasks.reconcile_access_grants", daily, at=time(2, 30)),
        Job("helpdesk: delete orphaned upload files", "notifications.tasks.delete_orphan_files", daily, at=time(2, 45)),
        # Before the morning's digest: a follow-up asked today is in the city's digest.
        Job("workflows: outcome follow-ups", "notifications.tasks.outcome_follow_ups", daily, at=time(3, 0)),
        # Replies by e-mail from a hosted mailbox, when there is one (an MTA's pipe needs no schedule).
        *(
            [Job("notifications: read replies by e-mail (IMAP)", "notifications.tasks.poll_imap", minutes, 1)]
            if settings.IMAP_URL
            else []
        ),
    )
