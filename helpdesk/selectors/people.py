"""Reads of the network's people for the people page: who a reader may list, and the recent changes they may read.

The same rule as ``can(user, "view_people")`` in SQL: the management unit lists every account (but an
administrator's account that holds no role of the network), hub staff the staff of their hub and the focal
points of their region's cities. Experts are the expert pool page's (``helpdesk.selectors.experts``), so hub
staff do not list them here; the management unit sees them with everyone else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Lower

from helpdesk.access import can, scope
from helpdesk.models import City, PeopleAction, PeopleLog, Region, Role, User

RECENT_CHANGES = 20


@dataclass(frozen=True)
class PeopleFilters:
    """What the people page narrows the list to; empty values narrow nothing."""

    role: str = ""
    region_id: int | None = None
    city_id: int | None = None
    # True: active accounts only; False: deactivated ones only; None: both.
    active: bool | None = None
    q: str = ""


def _has_role(role: str) -> Exists:
    return Exists(User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=role))


def _region_people(region_id: int) -> Q:
    """The staff of hub ``region_id`` and the focal points of its cities."""
    staff = Q(_has_role(Role.HUB_STAFF), region_id=region_id)
    focal = Q(_has_role(Role.FOCAL_POINT)) & Q(
        Exists(User.cities.through.objects.filter(user_id=OuterRef("pk"), city__region_id=region_id))
    )
    return staff | focal


def people_in_view(user: User | AnonymousUser | None) -> QuerySet[User]:
    """The people ``user`` may look at (the list and a person's page): every account for the management unit (but
    an administrator's own that holds no role of the network, which is the admin's business); for hub staff, the
    staff of their hub, the focal points of their region's cities and the former focal points their hub handed
    over (the handover is in the hub's history); nobody for anyone else."""
    if user is None or not can(user, "view_people"):
        return User.objects.none()
    assert isinstance(user, User)
    s = scope(user)
    if s.management:
        any_role = Exists(User.groups.through.objects.filter(user_id=OuterRef("pk")))
        return User.objects.exclude(Q(is_superuser=True) & ~Q(any_role))
    region_id = s.hub_region_id
    assert region_id is not None
    handed_over = Exists(
        PeopleLog.objects.filter(person_id=OuterRef("pk"), region_id=region_id, action=PeopleAction.HANDOVER)
    )
    return User.objects.filter(_region_people(region_id) | Q(handed_over))


def people_visible_to(user: User | AnonymousUser | None, *, filters: PeopleFilters | None = None) -> QuerySet[User]:
    """The people ``user`` may list (``people_in_view``), narrowed by ``filters``, in name order, with what a line
    shows read in a fixed number of queries (roles, cities with their hubs, the hub; an expert's hubs)."""
    people = people_in_view(user)
    if user is None or not isinstance(user, User) or not can(user, "view_people"):
        return people
    filters = filters or PeopleFilters()
    city_rows = City.objects.select_related("region").order_by("name")
    region_id = scope(user).hub_region_id
    if not scope(user).management and region_id is not None:
        # A focal point of cities in two regions: this hub reads only its own region's cities beside their name.
        city_rows = city_rows.filter(region_id=region_id)
    if filters.role:
        people = people.filter(_has_role(filters.role))
    if filters.region_id is not None:
        people = people.filter(_region_people(filters.region_id))
    if filters.city_id is not None:
        people = people.filter(
            _has_role(Role.FOCAL_POINT),
            Exists(User.cities.through.objects.filter(user_id=OuterRef("pk"), city_id=filters.city_id)),
        )
    if filters.active is not None:
        people = people.filter(is_active=filters.active)
    for word in filters.q.split()[:5]:
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(username__icontains=word)
        )
    return (
        people.select_related("region", "expert_profile")
        .prefetch_related("groups", Prefetch("cities", queryset=city_rows), "expert_profile__regions")
        .order_by(Lower("last_name"), Lower("first_name"), "username", "pk")
    )


def people_log_visible_to(user: User | AnonymousUser | None, *, limit: int = RECENT_CHANGES) -> list[PeopleLog]:
    """The newest ``limit`` lines of the people log ``user`` may read: the management unit every line, hub staff
    their region's. One query, whatever the lines name (actor, person, city, hub, invitation)."""
    if user is None or not can(user, "view_people"):
        return []
    assert isinstance(user, User)
    s = scope(user)
    rows = PeopleLog.objects.select_related(
        "actor", "person", "city", "region", "invitation", "invitation__city", "invitation__region"
    )
    if not s.management:
        rows = rows.filter(region_id=s.hub_region_id or 0)
    return list(rows.order_by("-created_at", "-id")[:limit])


def people_filter_places(user: User | AnonymousUser | None) -> tuple[list[Region], list[City]]:
    """The hubs and cities the people page's filters offer ``user``: every hub and city to the management unit,
    a hub's own cities to its staff (two queries; none for someone who may not list people)."""
    if user is None or not can(user, "view_people"):
        return [], []
    assert isinstance(user, User)
    s = scope(user)
    if s.management:
        return list(Region.objects.order_by("name")), list(City.objects.order_by("name"))
    return [], list(City.objects.filter(region_id=s.hub_region_id or 0).order_by("name"))
