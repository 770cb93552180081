"""The deadline sweep: a reminder when a step's deadline passes, an escalation after a grace period.

Each goes out once per step (a ``DeadlineAlert`` row keyed by request, state, deadline and kind), however
often the sweep runs. The reminder goes to whoever must act in that state; the escalation, after
``DEADLINE_ESCALATION_HOURS``, to the region's hub lead and the management unit.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from helpdesk import access
from helpdesk.models import SupportRequest
from notifications import events, recipients
from notifications.models import DeadlineAlert
from notifications.services.recording import Delivery, notifications_save
from workflows.selectors import overdue_requests

logger = logging.getLogger(__name__)

BATCH = 500


def _overdue(now: datetime) -> QuerySet[SupportRequest]:
    """Requests past the deadline of a step someone must act on, whose escalation is not yet sent."""
    escalated = DeadlineAlert.objects.filter(
        request=OuterRef("pk"), state=OuterRef("state"), due_at=OuterRef("due_at"), kind=DeadlineAlert.Kind.ESCALATION
    )
    return (
        overdue_requests(now=now)
        .filter(state__in=list(recipients.REMINDER_RECIPIENTS))
        .exclude(Exists(escalated))
        .select_related(None)
        .only("pk", "state", "due_at", "city_id", "region_id", "owner_id", "sensitivity", "anonymised_at")
    )


def _due_at(request: SupportRequest) -> datetime:
    """The deadline of an overdue request's step (``overdue_requests`` reads only requests past one)."""
    assert request.due_at is not None
    return request.due_at


def _deliveries(
    kind: str, requests: list[SupportRequest], audiences_of: dict[str, tuple[recipients.Audience, ...]]
) -> list[Delivery]:
    event = events.DEADLINE_REMINDER if kind == DeadlineAlert.Kind.REMINDER else events.DEADLINE_ESCALATION
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
            request, person.user, person.reason, event, {"state": request.state, "due_at": _due_at(request).isoformat()}
        )
        for request, person in found
        if access.can(person.user, "view", request)
    ]


def deadlines_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Send the reminders and escalations that are due and not yet sent; returns how many of each."""
    now = now or timezone.now()
    escalate_before = now - timedelta(hours=settings.DEADLINE_ESCALATION_HOURS)
    reminder_audiences = recipients.REMINDER_RECIPIENTS
    escalation_audiences = {state: recipients.ESCALATION_RECIPIENTS for state in reminder_audiences}
    counts = {"reminders": 0, "escalations": 0}
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
        remind = [r for r in batch if (r.pk, r.state, r.due_at, DeadlineAlert.Kind.REMINDER) not in sent]
        escalate = [
            r
            for r in batch
            if _due_at(r) <= escalate_before and (r.pk, r.state, r.due_at, DeadlineAlert.Kind.ESCALATION) not in sent
        ]
        alerts = [
            DeadlineAlert(request=r, state=r.state, due_at=_due_at(r), kind="reminder", created_at=now) for r in remind
        ]
        alerts += [
            DeadlineAlert(request=r, state=r.state, due_at=_due_at(r), kind="escalation", created_at=now)
            for r in escalate
        ]
        if not alerts:
            continue
        deliveries = _deliveries(DeadlineAlert.Kind.REMINDER, remind, reminder_audiences)
        deliveries += _deliveries(DeadlineAlert.Kind.ESCALATION, escalate, escalation_audiences)
        try:
            with transaction.atomic():
                DeadlineAlert.objects.bulk_create(alerts)
                notifications_save(deliveries=deliveries, actor=None, now=now)
        except IntegrityError:
            # Another sweep recorded the same alerts first: they are its to send.
            logger.info("Deadline alerts for requests up to %s were recorded by a concurrent sweep", last_pk)
            continue
        counts["reminders"] += len(remind)
        counts["escalations"] += len(escalate)
