"""Reads of the network's people for the people page: who a reader may list, and the recent changes they may read.

The same rule as ``can(user, "view_people")`` in SQL: the management unit lists every account (but an
administrator's account that holds no role of the network), hub staff the staff of their hub and the focal
points of their region's cities. Experts are the expert pool page's (``helpdesk.selectors.experts``), so hub
staff do not list them here; the management unit sees them with everyone else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, Group
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, prefetch_related_objects
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


# --- the reader's time zone ---------------------------------------------------------------------------------
# ``User.time_zone`` empty: the zone of the person's hub (hub staff), else of their city's hub (a focal point: their
# first city by name), else the desk's (``TIME_ZONE``). Read with the person's roles, in the same query.
HUB_ZONE = "hub_zone"
CITY_HUB_ZONE = "city_hub_zone"


@dataclass(frozen=True)
class ZoneDefault:
    """The zone a person's pages use when they chose none, and where it comes from."""

    zone: str  # an IANA name; "" for the desk's
    source: str  # "hub" (their hub's), "city" (their city's hub's) or "desk"
    hub: Region | None = None


def _zone_subqueries(user: User) -> dict[str, Subquery]:
    first_city = City.objects.filter(focal_points=user.pk).order_by("name", "pk")
    return {
        HUB_ZONE: Subquery(Region.objects.filter(pk=user.region_id or 0).values("time_zone")[:1]),
        CITY_HUB_ZONE: Subquery(first_city.values("region__time_zone")[:1]),
    }


def _zones_read(user: User) -> tuple[str, str] | None:
    """The hub's and the first city's hub's zones, as the read of the person's roles brought them (None when the
    roles were read without them)."""
    if "groups" not in getattr(user, "_prefetched_objects_cache", {}):
        # The roles are not read yet: read them with both zones, in the one query the roles cost anyway.
        queryset = Group.objects.annotate(**_zone_subqueries(user))
        prefetch_related_objects([user], Prefetch("groups", queryset=queryset))
    rows = list(user.groups.all())  # the prefetched rows: no query
    if not rows:
        return "", ""
    first = rows[0]
    if not hasattr(first, HUB_ZONE):
        return None
    return getattr(first, HUB_ZONE) or "", getattr(first, CITY_HUB_ZONE) or ""


def time_zone_of(user: User | AnonymousUser | None) -> str:
    """The zone ``user``'s pages show moments in: the one they chose, else their hub's or their city's hub's (see
    ``ZoneDefault``); "" for the desk's. No query when they chose one; otherwise none beyond the read of their
    roles, which every page makes (``User.roles``), when that read has not happened yet."""
    if user is None or not isinstance(user, User) or not user.is_authenticated:
        return ""
    if user.time_zone:
        return user.time_zone
    zones = _zones_read(user)
    if zones is None:
        return time_zone_default(user).zone
    hub_zone, city_zone = zones
    if Role.HUB_STAFF in user.roles and hub_zone:
        return hub_zone
    if Role.FOCAL_POINT in user.roles and city_zone:
        return city_zone
    return ""


def time_zone_default(user: User) -> ZoneDefault:
    """The zone ``user``'s pages use when they choose none, with its source (the profile says it): their hub's
    for hub staff, their city's hub's for a focal point (their first city by name), else the desk's. One query."""
    if Role.HUB_STAFF in user.roles and user.region_id is not None:
        hub = Region.objects.filter(pk=user.region_id).first()
        if hub is not None:
            return ZoneDefault(zone=hub.time_zone, source="hub", hub=hub)
    if Role.FOCAL_POINT in user.roles:
        city = City.objects.filter(focal_points=user.pk).select_related("region").order_by("name", "pk").first()
        if city is not None:
            return ZoneDefault(zone=city.region.time_zone, source="city", hub=city.region)
    return ZoneDefault(zone="", source="desk")
