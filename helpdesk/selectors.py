"""Reads of the help desk's data. ``visible_requests`` is the one way to list requests for a person."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from helpdesk.models import Role, SupportRequest, User


def visible_requests(user: User | AnonymousUser) -> QuerySet[SupportRequest]:
    """The requests ``user`` may see.

    Geography (city, region) is a join on foreign keys, not a permission row per request and user:
    with 100,000 requests a hub's queue stays one indexed query, and moving a focal point to another
    city changes one row instead of thousands.
    """
    qs = SupportRequest.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.has_role(Role.MANAGEMENT):
        return qs
    scope = SupportRequest.objects.none()
    if user.has_role(Role.HUB_STAFF) and user.region_id:
        scope = scope | qs.filter(region_id=user.region_id)
    if user.has_role(Role.FOCAL_POINT):
        scope = scope | qs.filter(city__in=user.cities.values("pk"))
    if user.has_role(Role.EXPERT):
        scope = scope | qs.filter(assignments__expert=user, assignments__status__in=["proposed", "accepted"])
    return scope.distinct() if user.has_role(Role.EXPERT) else scope
