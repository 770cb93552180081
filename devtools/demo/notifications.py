"""The in-app notifications behind the scale seeder's history: who would have been told of each move.

Each audit row of the bulk requests (``devtools.demo.history``) becomes the in-app notifications the
lifecycle table (``workflows.lifecycle``) names for its event, resolved on the seeded
people: the city's focal points, the owner or the hub, the hub leads, the management unit, the request's
expert. Older ones are nearly all read; the last fortnight's about half. E-mail rows are not seeded: only
the outbox worker reads them, never a page.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from devtools.demo.bulk import insert_rows
from devtools.demo.people import network_people
from notifications.models import Channel, Notification, Reason, Status
from workflows.lifecycle import TRANSITION_SPECS
from workflows.models import ExpertAssignment, TransitionLog
from workflows.spec import Audience

A = Audience
BATCH = 5000
FIELDS = (
    "recipient_id",
    "request_id",
    "event",
    "reason",
    "channel",
    "status",
    "actor_id",
    "data",
    "created_at",
    "read_at",
    "sent_at",
    "attempts",
    "last_error",
)
EXPERT_AUDIENCES = {A.NAMED_EXPERTS, A.PROPOSED_EXPERTS, A.ACCEPTED_EXPERTS, A.ENGAGED_EXPERTS}


def seed_scale_notifications(*, first_id: int, last_id: int, seed: int = 2026) -> int:
    """Write the in-app notifications of the audit rows of requests ``first_id`` to ``last_id``."""
    rng = random.Random(seed)
    now = timezone.now()
    recent = now - timedelta(days=14)
    people = network_people()
    focal, hub, leads, management = (
        people.focal_by_city,
        people.hub_by_region,
        people.leads_by_region,
        people.management,
    )
    written = 0
    for start in range(first_id, last_id + 1, BATCH):
        stop = min(start + BATCH, last_id + 1)
        experts = dict(
            ExpertAssignment.objects.filter(request_id__gte=start, request_id__lt=stop).values_list(
                "request_id", "expert_id"
            )
        )
        logs = (
            TransitionLog.objects.filter(request_id__gte=start, request_id__lt=stop)
            .order_by("request_id", "seq")
            .values_list(
                "request_id",
                "transition",
                "to_state",
                "actor_id",
                "created_at",
                "request__city_id",
                "request__region_id",
                "request__owner_id",
            )
        )
        rows = []
        for request_id, transition, to_state, actor_id, at, city_id, region_id, owner_id in logs:
            event = TRANSITION_SPECS[transition].event
            named: dict[int, str] = {}
            for audience in event.recipients:
                if audience == A.CITY:
                    people, reason = focal.get(city_id, []), Reason.CITY
                elif audience == A.OWNER or (audience == A.OWNER_OR_HUB and owner_id):
                    people, reason = ([owner_id] if owner_id else []), Reason.OWNER
                elif audience in {A.OWNER_OR_HUB, A.HUB}:
                    people, reason = hub.get(region_id, []), Reason.HUB
                elif audience == A.HUB_LEADS:
                    people, reason = leads.get(region_id, []), Reason.HUB_LEAD
                elif audience == A.MANAGEMENT:
                    people, reason = management, Reason.MANAGEMENT
                elif audience in EXPERT_AUDIENCES and request_id in experts:
                    people, reason = [experts[request_id]], Reason.EXPERT
                else:
                    continue
                for person in people:
                    if person != actor_id:
                        named.setdefault(person, reason)
            for person, reason in named.items():
                read = rng.random() < (0.97 if at < recent else 0.5)
                read_at = at + timedelta(hours=rng.uniform(0.2, 72)) if read else None
                rows.append(
                    (
                        person,
                        request_id,
                        event.name,
                        reason,
                        Channel.IN_APP,
                        Status.SENT,
                        actor_id,
                        {"state": to_state},
                        at,
                        min(read_at, now) if read_at else None,
                        at,
                        0,
                        "",
                    )
                )
        with transaction.atomic():
            written += insert_rows(Notification, FIELDS, rows)
    return written
