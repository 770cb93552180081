"""The one place that decides what a person may do with a request, a message or an attachment.

Scope that follows geography (a focal point's cities, a hub's region) is read from foreign keys; an
expert's reach is a django-guardian object permission granted when they are proposed.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from helpdesk.models import Role, SupportRequest, User

VIEW_PERMISSION = "helpdesk.view_supportrequest"


def _active(user: User | AnonymousUser | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_management(user: User | AnonymousUser | None) -> bool:
    return _active(user) and user.has_role(Role.MANAGEMENT)


def is_focal_point_of(user: User | AnonymousUser | None, request: SupportRequest) -> bool:
    if not _active(user) or not user.has_role(Role.FOCAL_POINT):
        return False
    city_ids = getattr(user, "_city_ids_cache", None)
    if city_ids is None:
        city_ids = frozenset(user.cities.values_list("pk", flat=True))
        user._city_ids_cache = city_ids
    return request.city_id in city_ids


def is_hub_staff_of(user: User | AnonymousUser | None, request: SupportRequest) -> bool:
    return (
        _active(user)
        and user.has_role(Role.HUB_STAFF)
        and user.region_id is not None
        and user.region_id == request.region_id
    )


def is_assigned_expert(user: User | AnonymousUser | None, request: SupportRequest) -> bool:
    """Proposed or accepted on this request (a declined expert is no longer assigned)."""
    if not _active(user) or not user.has_role(Role.EXPERT):
        return False
    return request.assignments.filter(expert=user, status__in=["proposed", "accepted"]).exists()


def is_accepted_expert(user: User | AnonymousUser | None, request: SupportRequest) -> bool:
    if not _active(user) or not user.has_role(Role.EXPERT):
        return False
    return request.assignments.filter(expert=user, status="accepted").exists()
