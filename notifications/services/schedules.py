"""Writing the periodic jobs of ``notifications.schedules`` as django-q2 schedules, idempotently."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule

from notifications.schedules import jobs


def schedules_ensure(*, now: datetime | None = None) -> dict[str, str]:
    """Create the missing schedules and correct changed ones; keeps each existing one's next run."""
    now = now or timezone.now()
    with transaction.atomic():
        return _ensure(now)


def _ensure(now: datetime) -> dict[str, str]:
    outcome: dict[str, str] = {}
    existing = {s.name: s for s in Schedule.objects.filter(name__in=[job.name for job in jobs()])}
    for job in jobs():
        schedule = existing.get(job.name)
        if schedule is None:
            Schedule.objects.create(
                name=job.name,
                func=job.func,
                schedule_type=job.schedule_type,
                minutes=job.minutes,
                repeats=-1,
                next_run=job.first_run(now),
            )
            outcome[job.name] = "created"
            continue
        wanted = {"func": job.func, "schedule_type": job.schedule_type, "minutes": job.minutes, "repeats": -1}
        changed = [field for field, value in wanted.items() if getattr(schedule, field) != value]
        for field in changed:
            setattr(schedule, field, wanted[field])
        if changed:
            schedule.save(update_fields=changed)
        outcome[job.name] = "updated" if changed else "unchanged"
    return outcome
