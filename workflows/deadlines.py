"""When each waiting state falls due: working days for the desk's own steps, the agreed date for delivery,
calendar days for the city's evaluation (``workflows.calendar`` counts them).

How many days a state allows is the lifecycle table's default (``StateSpec.deadline``), which the setting it
names overrides (``WORKFLOW_TRIAGE_DAYS`` and the like, see ``config/settings.py``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from helpdesk.models import RequestState
from workflows.calendar import add_working_days, end_of
from workflows.lifecycle import STATE_SPECS
from workflows.spec import Deadline, DeadlineKind


def days_of(deadline: Deadline) -> int:
    """The deadline's number of days: its setting when the desk sets one, else the table's default."""
    value = getattr(settings, deadline.setting, None) if deadline.setting else None
    return deadline.days if value is None else int(value)


def default_delivery_date(now: datetime) -> date:
    """The delivery date when nobody agreed one: the in-delivery state's working days from ``now``."""
    return timezone.localdate(add_working_days(now, days_of(STATE_SPECS[RequestState.IN_DELIVERY].deadline)))


def due_at_for(state: str, *, now: datetime, delivery_due: date | None = None) -> datetime | None:
    """The deadline a request gets when it enters ``state`` at ``now`` (None: nothing is awaited)."""
    deadline = STATE_SPECS[state].deadline
    if deadline.kind is DeadlineKind.WORKING_DAYS:
        return add_working_days(now, days_of(deadline))
    if deadline.kind is DeadlineKind.CLOSE_AFTER_DAYS:
        return now + timedelta(days=days_of(deadline))
    if deadline.kind is DeadlineKind.DELIVERY_DATE:
        return end_of(delivery_due or default_delivery_date(now))
    return None
