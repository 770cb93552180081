"""Telling the two cities of a peer introduction, and the hub of its outcome, without content.

The peer city's focal points may not see the asking request: their rows carry no request, only the
introduction's id (the desk links it to the introduction's page, which says what they may read). The asking
city and the hub are told on the request, like any other event of it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from helpdesk import access
from helpdesk.models import User
from notifications import events, recipients
from notifications.models import Notification, Reason
from notifications.services.recording import Delivery, notifications_save
from workflows.models import PeerIntroduction
from workflows.spec import Audience

# Who hears what of an introduction besides its proposal's lifecycle event (which tells the asking city).
AUDIENCES: dict[str, tuple[Audience, ...]] = {
    events.INTRODUCTION_PROPOSED: (),
    events.INTRODUCTION_MADE: (Audience.CITY, Audience.OWNER_OR_HUB),
    events.INTRODUCTION_DECLINED: (Audience.OWNER_OR_HUB,),
    events.INTRODUCTION_WITHDRAWN: (Audience.CITY,),
}
# Whether the peer city's focal points hear of it.
TELLS_PEER = frozenset({events.INTRODUCTION_PROPOSED, events.INTRODUCTION_MADE, events.INTRODUCTION_WITHDRAWN})


def notifications_record_introduction(
    *, event: str, introduction: PeerIntroduction, actor: User | None
) -> list[Notification]:
    """Record ``event`` (``introduction_proposed``, ``_made``, ``_declined`` or ``_withdrawn``) for the people
    it concerns, never the actor; call it inside the answer's transaction (the e-mails leave on commit)."""
    request = introduction.request
    data = {"introduction": introduction.pk, "state": request.state}
    actor_id = actor.pk if actor else None
    told = recipients.Resolver([request]).recipients(AUDIENCES[event], exclude_user_id=actor_id)[request.pk]
    access.people_prime([r.user for r in told.values()])
    deliveries = [
        Delivery(request, r.user, r.reason, event, data) for r in told.values() if access.can(r.user, "view", request)
    ]
    if event in TELLS_PEER:
        heard = {d.recipient.pk for d in deliveries} | {actor_id}
        deliveries += [
            Delivery(None, user, Reason.CITY, event, {"introduction": introduction.pk})
            for user in recipients.city_focal_points(introduction.peer_city_id)
            if user.pk not in heard
        ]
    with transaction.atomic(savepoint=False):
        return notifications_save(deliveries=deliveries, actor=actor, now=timezone.now())
