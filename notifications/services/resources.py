"""Who hears of a resource drawn from a city's request: its focal points when their consent is asked, the
resource's author when they answered. Content-free as every notification: the row names the request and the
resource by id and address, never a title or a text."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from helpdesk import access
from helpdesk.models import Resource, User
from notifications import events
from notifications.models import Notification, Reason
from notifications.services.recording import Delivery, notifications_save


def notifications_record_consent(*, resource: Resource, actor: User | None, step: str) -> list[Notification]:
    """``step`` "asked": the city's active focal points; "answered": the resource's author."""
    if step == "asked":
        event, reason = events.RESOURCE_CONSENT_ASKED, Reason.CITY
        people = list(User.objects.filter(cities=resource.city_id, is_active=True)) if resource.city_id else []
    else:
        event, reason = events.RESOURCE_CONSENT_ANSWERED, Reason.HUB
        author = resource.created_by
        people = [author] if author is not None and author.is_active else []
    data = {"resource": resource.pk, "slug": resource.slug, "consent": resource.consent}
    access.people_prime(people)
    deliveries = [
        Delivery(resource.source_request, person, reason, event, data)
        for person in people
        if (actor is None or person.pk != actor.pk) and access.can(person, "view_resource", resource)
    ]
    with transaction.atomic(savepoint=False):
        return notifications_save(deliveries=deliveries, actor=actor, now=timezone.now())
