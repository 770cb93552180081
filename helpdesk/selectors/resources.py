"""Which resources a person may read: the one way every resource page, search, suggestion and export starts.

The same rules as ``helpdesk.access.can(user, "view_resource", resource)``, as a query: published resources for
every signed-in person (the steering committee too); drafts, reviews and archived ones for their author, the
management unit, and hub staff of the resource's hub (or of any hub, for a resource of no hub).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from helpdesk.access import Person, scope
from helpdesk.models import Resource, ResourceState, User


def visible_resources(user: Person) -> QuerySet[Resource]:
    if not isinstance(user, User) or not user.is_active:
        return Resource.objects.none()
    s = scope(user)
    published = Q(state=ResourceState.PUBLISHED)
    if s.steering_only:
        return Resource.objects.filter(published)
    if s.management:
        return Resource.objects.all()
    mine = Q(created_by_id=user.pk)
    if s.hub_region_id is not None:
        return Resource.objects.filter(published | mine | Q(region_id__isnull=True) | Q(region_id=s.hub_region_id))
    return Resource.objects.filter(published | mine)
