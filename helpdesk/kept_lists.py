"""The lists of people and places a page keeps in the cache, and how a write drops them.

Two lists are kept for a minute (``CACHE_URL``: in the shared cache, one copy for every web worker and machine;
by default in each process's memory): the queue's filter bar (a hub's cities, their countries, its staff, and the
hubs for the management unit: ``helpdesk.selectors.queue_filter_choices``) and the colleagues who may be added as
a request's watchers (a hub's staff and the management unit: ``notifications.selectors.watch_candidates``).

A service that changes what they hold calls ``hub_lists_forget`` (or ``person_lists_forget``) once, inside its
transaction: the lists are dropped when it commits, so the next page reads the change on every machine instead of
within the minute. (Dropped before the commit, a page read in between would keep the old list again.) Model
``save()`` sends nothing: the writes that matter are few and each says so here. The minute still bounds what a
write outside the services (a shell, a bulk load) leaves behind.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from helpdesk.models import Region, Role, User

# How long a kept list lives when no write drops it first.
KEPT_SECONDS = 60
# The roles whose people the lists name: hub staff (their hub's lists), the management unit (every hub's
# watchers, and the management unit's own filter bar); the steering committee is left out of both, so a person
# joining or leaving it changes a list only through those roles.
LISTED_EVERYWHERE = frozenset({Role.MANAGEMENT, Role.STEERING})


def filter_choices_key(*, management: bool, region_id: int | None, language: str) -> str:
    return f"helpdesk:queue-filter-choices:v3:{int(management)}:{region_id}:{language}"


def watch_candidates_key(region_id: int | None) -> str:
    return f"notifications:watch-candidates:v1:{region_id}"


def _keys(region_ids: Iterable[int | None]) -> list[str]:
    keys = []
    for region_id in {*region_ids, None}:  # None: a person of no hub, whose filter bar names every hub's staff
        keys.append(watch_candidates_key(region_id))
        for language, _name in settings.LANGUAGES:
            keys += [filter_choices_key(management=m, region_id=region_id, language=language) for m in (False, True)]
    return keys


def hub_lists_forget(*, region_ids: Iterable[int | None] = (), everywhere: bool = False) -> None:
    """Drop the kept lists of these hubs, or of every hub (a hub added or renamed: the management unit's filter
    bar names them all; a person of the management unit: every hub's watchers), when the transaction commits."""
    regions: list[int | None] = list(region_ids)
    if everywhere:
        regions += list(Region.objects.values_list("pk", flat=True))
    keys = _keys(regions)
    transaction.on_commit(lambda: cache.delete_many(keys))


def person_lists_forget(person: User, *, region_ids: Iterable[int | None] = (), roles: Iterable[str] = ()) -> None:
    """A change to ``person`` (joined, left, renamed, another role or hub): drop the lists that name them, as they
    are now and as they were (``region_ids`` and ``roles`` they held before the change, when it moved them)."""
    held = {*person.role_names, *roles}
    if held & LISTED_EVERYWHERE:
        hub_lists_forget(everywhere=True)
    elif Role.HUB_STAFF in held:
        hub_lists_forget(region_ids=[person.region_id, *region_ids])
