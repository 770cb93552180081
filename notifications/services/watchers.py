"""Watchers: hub staff add colleagues (or themselves) to a request, and they hear of its events."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.access import can
from helpdesk.models import SupportRequest, User
from notifications import events
from notifications.models import Reason, Watch
from notifications.services.recording import Delivery, notifications_save


def watch_add(*, request: SupportRequest, user: User, added_by: User) -> Watch:
    """Make ``user`` a watcher of ``request``; they are told when someone else added them."""
    if not can(added_by, "manage_watchers", request):
        raise PermissionDenied
    # Watching is for colleagues: those who could manage the request's watchers themselves.
    if not can(user, "manage_watchers", request):
        raise ValidationError(_("Only hub staff of the request's region and the management unit can watch it."))
    now = timezone.now()
    with transaction.atomic():
        watch, created = Watch.objects.get_or_create(
            request=request, user=user, defaults={"added_by": added_by, "created_at": now}
        )
        if created and user.pk != added_by.pk:
            notifications_save(
                deliveries=[Delivery(request, user, Reason.WATCHER, events.WATCH_ADDED, {"state": request.state})],
                actor=added_by,
                now=now,
            )
    return watch


def watch_remove(*, request: SupportRequest, user: User, removed_by: User) -> bool:
    """Stop ``user`` watching ``request``; anyone may stop watching, hub staff may remove anyone."""
    if removed_by.pk != user.pk and not can(removed_by, "manage_watchers", request):
        raise PermissionDenied
    with transaction.atomic():
        deleted, _rows = Watch.objects.filter(request=request, user=user).delete()
    return bool(deleted)
