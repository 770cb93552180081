"""Reads for one person's page and a city's handover page: who a reader may look at, what a person holds now,
the people log about them, and what a city's focal points would hand over. Each is a fixed number of queries,
whatever the number of requests, people or log lines.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from helpdesk.models import (
    TERMINAL_STATES,
    City,
    Invitation,
    PeopleAction,
    PeopleLog,
    RequestState,
    Role,
    SupportRequest,
    User,
)
from helpdesk.selectors import only_visible
from helpdesk.selectors.experts import ACTIVE_ASSIGNMENTS
from helpdesk.selectors.people import people_in_view

# The people log lines a person's page shows (the newest first).
HISTORY_LINES = 50
OWNED_SHOWN = 50


def person_for_page(viewer: User, pk: int) -> User | None:
    """The person ``pk`` with their roles, cities and hub read, if ``viewer`` may open their page."""
    return (
        people_in_view(viewer)
        .filter(pk=pk)
        .select_related("region")
        .prefetch_related("groups", "cities__region")
        .first()
    )


@dataclass(frozen=True)
class Holdings:
    """What a person holds now: what a deactivation reassigns or flags."""

    owned: list[SupportRequest]  # open requests they follow for the hub (the first ``OWNED_SHOWN``)
    owned_count: int
    assignments: int  # proposed or accepted expert assignments
    invitations: list[Invitation]  # invitations they sent that still wait for an answer


def person_holdings(person: User, *, viewer: User) -> Holdings:
    """What ``person`` holds now, as ``viewer`` may read it: the open requests they follow for the hub are
    counted and named only among those ``viewer`` sees (``visible_requests``: a person who moved hubs may own
    requests of another region). Four queries."""
    owned = only_visible(
        SupportRequest.objects.filter(owner=person).exclude(state__in=TERMINAL_STATES), viewer, through="pk"
    )
    shown = list(owned.select_related("city").order_by("-created_at", "-pk")[:OWNED_SHOWN])
    count = len(shown) if len(shown) < OWNED_SHOWN else owned.count()
    assignments = person.assignments.filter(status__in=ACTIVE_ASSIGNMENTS).count()
    invitations = list(
        Invitation.objects.filter(invited_by=person, accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())
        .select_related("city", "region")
        .order_by("-created_at", "-pk")
    )
    return Holdings(owned=shown, owned_count=count, assignments=assignments, invitations=invitations)


def person_history(person: User) -> list[PeopleLog]:
    """The people log about ``person``: changes to them, and the handovers they received. One query."""
    about = Q(person=person) | Q(action=PeopleAction.HANDOVER, detail__successor=person.pk)
    return list(PeopleLog.objects.filter(about).select_related("actor", "city")[:HISTORY_LINES])


@dataclass
class FocalPointLoad:
    """What one focal point of a city would hand over."""

    person: User
    requests: int = 0
    drafts: int = 0
    watches: int = 0


def city_focal_points(city: City) -> list[User]:
    """The city's focal points, active or not (a deactivated one still holds requests to hand over)."""
    return list(
        User.objects.filter(cities=city, groups__name=Role.FOCAL_POINT)
        .distinct()
        .order_by("last_name", "first_name", "username", "pk")
    )


def handover_loads(city: City, people: list[User]) -> list[FocalPointLoad]:
    """For each of ``people`` (the city's focal points), the open requests, drafts and watches on the city's
    requests a handover would move. Two queries."""
    ids = [p.pk for p in people]
    filed = (
        SupportRequest.objects.filter(city=city, submitted_by_id__in=ids)
        .exclude(state__in=TERMINAL_STATES)
        .values("submitted_by_id", "state")
        .annotate(n=Count("pk"))
    )
    requests: Counter[int] = Counter()
    drafts: Counter[int] = Counter()
    for row in filed:
        target = drafts if row["state"] == RequestState.DRAFT else requests
        target[row["submitted_by_id"]] += row["n"]
    watches = dict(
        User.objects.filter(pk__in=ids, watches__request__city=city)
        .values("pk")
        .annotate(n=Count("watches"))
        .values_list("pk", "n")
    )
    return [
        FocalPointLoad(person=p, requests=requests[p.pk], drafts=drafts[p.pk], watches=watches.get(p.pk, 0))
        for p in people
    ]


def handover_done(city: City, log_id: int | None) -> dict[str, Any] | None:
    """The handover of ``city`` just made, named by its people log line: who handed over to whom and what moved
    (two queries), for the handover page to show; None for a line that is not one of this city's handovers."""
    if log_id is None:
        return None
    log = PeopleLog.objects.filter(pk=log_id, action=PeopleAction.HANDOVER, city=city).first()
    if log is None:
        return None
    detail = log.detail
    ids = [pk for pk in (detail.get("former"), detail.get("successor")) if isinstance(pk, int)]
    people = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    return {
        "former": people.get(detail.get("former")),
        "successor": people.get(detail.get("successor")),
        "requests": len(detail.get("requests", [])),
        "drafts": len(detail.get("drafts", [])),
        "watches": detail.get("watches", 0),
        "kept_read": len(detail.get("kept_read", [])),
        "role_dropped": detail.get("role_dropped", False),
    }
