"""Which resources a person may read, and finding them: the one way every resource page, search, suggestion and
export starts.

``visible_resources`` holds the same rules as ``helpdesk.access.can(user, "view_resource", resource)``, as a
query: published resources for every signed-in person (the steering committee too); the others for their author,
the city asked for its consent, the management unit, and hub staff of the resource's hub (or of any hub, for a
resource of no hub).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet

from helpdesk.access import Person, scope
from helpdesk.models import Consent, Resource, ResourceState, ResourceVersion, User
from helpdesk.resource_index import search as resource_index_search


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
    if s.city_ids:
        mine |= Q(city_id__in=s.city_ids) & ~Q(consent=Consent.NOT_NEEDED)
    if s.hub_region_id is not None:
        return Resource.objects.filter(published | mine | Q(region_id__isnull=True) | Q(region_id=s.hub_region_id))
    return Resource.objects.filter(published | mine)


def resources_search(
    user: Person,
    *,
    q: str = "",
    kinds: Iterable[str] = (),
    themes: Iterable[str] = (),
    priorities: Iterable[int] = (),
    languages: Iterable[str] = (),
    region_id: int | None = None,
    states: Iterable[str] = (ResourceState.PUBLISHED,),
) -> QuerySet[Resource]:
    """The resources ``user`` may read that match, the best first: a match in a title ranks above a match in a
    summary or text, then relevance, then the newest (the full-text index: ``helpdesk.resource_index``). One
    query, whatever the number of resources; callers slice it."""
    found = visible_resources(user).filter(state__in=list(states))
    kinds, themes, priorities, languages = list(kinds), list(themes), list(priorities), list(languages)
    if kinds:
        found = found.filter(kind__in=kinds)
    # The lists are JSON: read as their text on every database (SQLite has no JSON containment), a theme by its
    # quoted value, a priority by its digit (the five priorities are 1 to 5).
    if themes:
        found = found.filter(Q.create([("themes__icontains", f'"{theme}"') for theme in themes], connector=Q.OR))
    if priorities:
        found = found.filter(Q.create([("priorities__icontains", str(int(p))) for p in priorities], connector=Q.OR))
    if languages:
        found = found.filter(Exists(ResourceVersion.objects.filter(resource=OuterRef("pk"), language__in=languages)))
    if region_id is not None:
        found = found.filter(region_id=region_id)
    if not q.strip():
        return found.order_by("-published_at", "-created_at")
    return resource_index_search(found, q=q, languages=languages)
