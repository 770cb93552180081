"""The deadline sweep: a reminder when a step's deadline passes, an escalation after a grace period, and on the
incident fast track an escalation when a step is left untouched at half its time.

Each goes out once per step (a ``DeadlineAlert`` row keyed by request, state, deadline and kind), however
often the sweep runs. The reminder goes to whoever must act in that state; the escalation, after
``DEADLINE_ESCALATION_HOURS`` counted on the owning hub's working days (``HubCalendar.escalation_due``; every hour
on the incident fast track), to the region's hub lead and the management unit. A fast-track step (a request
with ``fast_tracked_at``, waiting in a state the fast track times in hours) still in the same state with the
same deadline when half the time from its start (the move that gave it that deadline) to its deadline has
passed escalates to the same people, once; a move that changes the state or the deadline starts a new step.
Every alert about a fast-track request is urgent (e-mailed at once, whatever a person's notification mode).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from helpdesk import access
from helpdesk.models import SupportRequest
from notifications import events, recipients
from notifications.models import DeadlineAlert
from notifications.services.recording import Delivery, notifications_save
from workflows.calendar import calendars_for
from workflows.lifecycle import STATE_SPECS
from workflows.models import TransitionLog
from workflows.selectors import overdue_requests
from workflows.spec import DeadlineKind

logger = logging.getLogger(__name__)

BATCH = 500
# What the sweep reads of a request: who is told, whether they may see it, and whether it is urgent.
SWEEP_COLUMNS = ("pk", "state", "due_at", "city_id", "region_id", "owner_id", "sensitivity", "anonymised_at",
                 "fast_tracked_at")  # fmt: skip
# The states the fast track times in hours (``StateSpec.fast_track``), among those a reminder is sent for.
FAST_TRACK_STATES = [
    state for state in recipients.REMINDER_RECIPIENTS if STATE_SPECS[state].fast_track.kind is DeadlineKind.HOURS
]
Kind = DeadlineAlert.Kind
EVENTS: dict[str, str] = {
    Kind.REMINDER: events.DEADLINE_REMINDER,
    Kind.ESCALATION: events.DEADLINE_ESCALATION,
    Kind.HALF_TIME: events.FAST_TRACK_ESCALATION,
}


def _sent(kind: str) -> Exists:
    return Exists(
        DeadlineAlert.objects.filter(
            request=OuterRef("pk"), state=OuterRef("state"), due_at=OuterRef("due_at"), kind=kind
        )
    )


def _overdue(now: datetime) -> QuerySet[SupportRequest]:
    """Requests past the deadline of a step someone must act on, whose escalation is not yet sent."""
    return (
        overdue_requests(now=now)
        .filter(state__in=list(recipients.REMINDER_RECIPIENTS))
        .exclude(_sent(Kind.ESCALATION))
        .select_related(None)
        .only(*SWEEP_COLUMNS)
    )


def _fast_track_steps() -> QuerySet[SupportRequest]:
    """Fast-track requests waiting in a step timed in hours whose half-time escalation is not yet sent, each with
    when its step started (``step_started``: the last move that gave it a deadline; the audit row records it)."""
    started = TransitionLog.objects.filter(request_id=OuterRef("pk"), data__has_key="due_at").order_by("-seq")
    return (
        SupportRequest.objects.filter(fast_tracked_at__isnull=False, due_at__isnull=False, state__in=FAST_TRACK_STATES)
        .exclude(_sent(Kind.HALF_TIME))
        .annotate(step_started=Subquery(started.values("created_at")[:1]))
        .only(*SWEEP_COLUMNS)
    )


def _due_at(request: SupportRequest) -> datetime:
    """The deadline of a request's step (the sweep reads only requests that have one)."""
    assert request.due_at is not None
    return request.due_at


def half_time(request: SupportRequest) -> datetime:
    """Half-way from the start of a fast-track request's step to its deadline (its start: the move that gave it
    the deadline, or, where no move recorded one, when it was put on the fast track)."""
    due = _due_at(request)
    started = getattr(request, "step_started", None) or request.fast_tracked_at or due
    return started + (due - started) / 2


def _deliveries(
    kind: str, requests: list[SupportRequest], audiences_of: dict[str, tuple[recipients.Audience, ...]]
) -> list[Delivery]:
    event = EVENTS[kind]
    by_state: dict[str, list[SupportRequest]] = defaultdict(list)
    for request in requests:
        by_state[request.state].append(request)
    found: list[tuple[SupportRequest, recipients.Recipient]] = []
    for state, group in by_state.items():  # at most one round of queries per state
        resolved = recipients.resolve(audiences_of[state], group)
        found.extend((request, person) for request in group for person in resolved[request.pk].values())
    access.people_prime(person.user for _request, person in found)
    return [
        Delivery(
            request,
            person.user,
            person.reason,
            event,
            {"state": request.state, "due_at": _due_at(request).isoformat()},
            # Late on the incident fast track, hours count: nobody learns of it from tomorrow's digest.
            urgent=request.fast_tracked_at is not None,
        )
        for request, person in found
        if access.can(person.user, "view", request)
    ]


def _record(alerts: list[DeadlineAlert], deliveries: list[Delivery], now: datetime, last_pk: int) -> bool:
    """Record the alerts and their notifications in one transaction; False when a concurrent sweep did first."""
    try:
        with transaction.atomic():
            DeadlineAlert.objects.bulk_create(alerts)
            notifications_save(deliveries=deliveries, actor=None, now=now)
    except IntegrityError:
        # Another sweep recorded the same alerts first: they are its to send.
        logger.info("Deadline alerts for requests up to %s were recorded by a concurrent sweep", last_pk)
        return False
    return True


def _alert(request: SupportRequest, kind: str, now: datetime) -> DeadlineAlert:
    return DeadlineAlert(request=request, state=request.state, due_at=_due_at(request), kind=kind, created_at=now)


def _half_time_sweep(now: datetime) -> int:
    """Escalate the fast-track steps left untouched at half their time; returns how many."""
    audiences = {state: recipients.HALF_TIME_RECIPIENTS for state in FAST_TRACK_STATES}
    escalated = 0
    last_pk = 0
    while True:
        batch = list(_fast_track_steps().filter(pk__gt=last_pk).order_by("pk")[:BATCH])
        if not batch:
            return escalated
        last_pk = batch[-1].pk
        due = [r for r in batch if half_time(r) <= now]
        if due and _record(
            [_alert(r, Kind.HALF_TIME, now) for r in due], _deliveries(Kind.HALF_TIME, due, audiences), now, last_pk
        ):
            escalated += len(due)


def deadlines_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Send the reminders and escalations that are due and not yet sent; returns how many of each (the
    escalations of fast-track steps at half their time counted with the escalations)."""
    now = now or timezone.now()
    hours = settings.DEADLINE_ESCALATION_HOURS
    reminder_audiences = recipients.REMINDER_RECIPIENTS
    escalation_audiences = {state: recipients.ESCALATION_RECIPIENTS for state in reminder_audiences}
    counts = {"reminders": 0, "escalations": _half_time_sweep(now)}
    last_pk = 0
    while True:
        batch = list(_overdue(now).filter(pk__gt=last_pk).order_by("pk")[:BATCH])
        if not batch:
            return counts
        last_pk = batch[-1].pk
        sent = set(
            DeadlineAlert.objects.filter(request_id__in=[r.pk for r in batch]).values_list(
                "request_id", "state", "due_at", "kind"
            )
        )
        remind = [r for r in batch if (r.pk, r.state, r.due_at, Kind.REMINDER) not in sent]
        # Each hub's calendar, read once per batch (three queries): the grace period counts its working days.
        calendars = calendars_for(batch, since=min(_due_at(r) for r in batch).date() - timedelta(days=1))
        escalate = [
            r
            for r in batch
            if calendars[r.pk].escalation_due(_due_at(r), hours=hours, fast_track=r.fast_tracked_at is not None) <= now
            and (r.pk, r.state, r.due_at, Kind.ESCALATION) not in sent
        ]
        alerts = [_alert(r, Kind.REMINDER, now) for r in remind] + [_alert(r, Kind.ESCALATION, now) for r in escalate]
        if not alerts:
            continue
        deliveries = _deliveries(Kind.REMINDER, remind, reminder_audiences)
        deliveries += _deliveries(Kind.ESCALATION, escalate, escalation_audiences)
        if _record(alerts, deliveries, now, last_pk):
            counts["reminders"] += len(remind)
            counts["escalations"] += len(escalate)
