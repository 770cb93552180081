"""Reads of the notifications app: a person's notification centre, and the watchers of a request."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from helpdesk import access
from helpdesk.models import Role, SupportRequest, User
from notifications.models import Notification, Watch


def notifications_for(user: User) -> QuerySet[Notification]:
    """``user``'s in-app notifications, newest first, with their request (no query per row)."""
    return (
        Notification.objects.in_app()
        .filter(recipient=user)
        .select_related("request")
        .only(
            "pk",
            "event",
            "reason",
            "created_at",
            "read_at",
            "data",
            "request__id",
            "request__reference",
            "request__title",
            "request__sensitivity",
            "request__state",
            "request__anonymised_at",
        )
        .order_by("-created_at", "-id")
    )


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.unread().filter(recipient=user).count()


def may_manage_watchers(user: User, request: SupportRequest) -> bool:
    """Hub staff of the request's region and the management unit add and remove watchers."""
    return access.is_hub_staff_of(user, request) or access.is_management(user)


def may_watch(user: User, request: SupportRequest) -> bool:
    """Watching is for colleagues: hub staff of the request's region and the management unit."""
    return may_manage_watchers(user, request) and access.can(user, "view", request)


def watchers_of(request: SupportRequest) -> QuerySet[Watch]:
    return Watch.objects.filter(request=request).select_related("user").order_by("user__username")


def is_watching(user: User, request: SupportRequest) -> bool:
    return Watch.objects.filter(request=request, user_id=user.pk).exists()


def watch_candidates(request: SupportRequest) -> QuerySet[User]:
    """Colleagues who could be added as watchers and are not watching yet."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name=Role.HUB_STAFF, region_id=request.region_id) | Q(groups__name=Role.MANAGEMENT))
        .exclude(groups__name=Role.STEERING)
        .exclude(watches__request=request)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
