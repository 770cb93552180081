"""When each waiting state falls due: working days of the owning hub's calendar for the desk's own steps, the
agreed date for delivery, calendar days for the city's evaluation, and hours, every day counted, on the
incident fast track (``workflows.calendar`` counts them).

How long a state allows is the lifecycle table's default (``StateSpec.deadline``, ``StateSpec.fast_track``),
which the setting it names overrides (``WORKFLOW_TRIAGE_DAYS``, ``WORKFLOW_INCIDENT_FIRST_ANSWER_HOURS`` and
the like, see ``config/settings.py``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings

from helpdesk.models import RequestState
from workflows.calendar import DESK_CALENDAR, HubCalendar
from workflows.lifecycle import STATE_SPECS
from workflows.spec import Deadline, DeadlineKind


def days_of(deadline: Deadline) -> int:
    """The deadline's number of days: its setting when the desk sets one, else the table's default."""
    value = getattr(settings, deadline.setting, None) if deadline.setting else None
    return deadline.days if value is None else int(value)


def hours_of(deadline: Deadline) -> int:
    """A fast-track deadline's number of hours: its setting when the desk sets one, else the table's default."""
    value = getattr(settings, deadline.setting, None) if deadline.setting else None
    return deadline.hours if value is None else int(value)


def deadline_for(state: str, *, fast_track: bool) -> Deadline:
    """The deadline a request in ``state`` works to: the fast track's hours where the table gives some."""
    spec = STATE_SPECS[state]
    if fast_track and spec.fast_track.kind is not DeadlineKind.NONE:
        return spec.fast_track
    return spec.deadline


def default_delivery_date(now: datetime, calendar: HubCalendar = DESK_CALENDAR) -> date:
    """The delivery date when nobody agreed one: the in-delivery state's working days from ``now``."""
    days = days_of(STATE_SPECS[RequestState.IN_DELIVERY].deadline)
    return calendar.localdate(calendar.add_working_days(now, days))


def due_at_for(
    state: str,
    *,
    now: datetime,
    delivery_due: date | None = None,
    calendar: HubCalendar = DESK_CALENDAR,
    fast_track: bool = False,
) -> datetime | None:
    """The deadline a request gets when it enters ``state`` at ``now`` (None: nothing is awaited), in the
    owning hub's ``calendar``; ``fast_track``: the request is on the incident fast track."""
    deadline = deadline_for(state, fast_track=fast_track)
    if deadline.kind is DeadlineKind.HOURS:
        return now + timedelta(hours=hours_of(deadline))
    if deadline.kind is DeadlineKind.WORKING_DAYS:
        return calendar.add_working_days(now, days_of(deadline))
    if deadline.kind is DeadlineKind.CLOSE_AFTER_DAYS:
        return now + timedelta(days=days_of(deadline))
    if deadline.kind is DeadlineKind.DELIVERY_DATE:
        return calendar.end_of(delivery_due or default_delivery_date(now, calendar))
    return None
