"""Who hears of a resource's moves: sent to review → the management unit and the staff of its hub (never its
writers: someone else reviews it); sent back or published → its author. And of the city's consent to a resource
drawn from its request: asked → the city's focal points; answered → the resource's author.

Content-free like every notification: the row names the resource by its id only (``data["resource"]``), never
its title, text or address (the address is made from the title); the desk's entry opens it for a reader who may
still read it.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from helpdesk import access
from helpdesk.models import Resource, ResourceVersion, Role, User
from notifications import events, recipients
from notifications.models import Notification, Reason
from notifications.services.recording import Delivery, notifications_save


def _reviewers(resource: Resource) -> list[tuple[User, str]]:
    staff = Q(groups__name=Role.MANAGEMENT)
    if resource.region_id is not None:
        staff |= Q(groups__name=Role.HUB_STAFF, region_id=resource.region_id)
    writers = {resource.created_by_id} | set(
        ResourceVersion.objects.filter(resource=resource).values_list("written_by_id", flat=True)
    )
    people = User.objects.filter(staff, is_active=True).exclude(pk__in=[pk for pk in writers if pk]).distinct()
    return [
        (user, Reason.MANAGEMENT if user.has_role(Role.MANAGEMENT) else Reason.HUB)
        for user in people.prefetch_related("groups").order_by("pk")
    ]


def notifications_record_resource(*, resource: Resource, actor: User | None, action: str) -> list[Notification]:
    """Record who hears of ``action`` on ``resource`` (inside the move's transaction), never the actor."""
    event = events.RESOURCE_EVENTS.get(action)
    if event is None:
        return []
    if event == events.RESOURCE_SUBMITTED:
        told = _reviewers(resource)
    else:
        author = resource.created_by
        told = [(author, Reason.WRITER)] if author is not None and author.is_active else []
    actor_id = actor.pk if actor else None
    deliveries = [
        Delivery(None, user, reason, event, {"resource": resource.pk}) for user, reason in told if user.pk != actor_id
    ]
    with transaction.atomic(savepoint=False):
        return notifications_save(deliveries=deliveries, actor=actor, now=timezone.now())


def notifications_record_consent(*, resource: Resource, actor: User | None, step: str) -> list[Notification]:
    """``step`` "asked": the city's active focal points; "answered": the resource's author."""
    if step == "asked":
        event, reason = events.RESOURCE_CONSENT_ASKED, Reason.CITY
        people = recipients.city_focal_points(resource.city_id) if resource.city_id else []
    else:
        event, reason = events.RESOURCE_CONSENT_ANSWERED, Reason.HUB
        author = resource.created_by
        people = [author] if author is not None and author.is_active else []
    data = {"resource": resource.pk, "consent": resource.consent}
    access.people_prime(people)
    deliveries = [
        Delivery(resource.source_request, person, reason, event, data)
        for person in people
        if (actor is None or person.pk != actor.pk) and access.can(person, "view_resource", resource)
    ]
    with transaction.atomic(savepoint=False):
        return notifications_save(deliveries=deliveries, actor=actor, now=timezone.now())
