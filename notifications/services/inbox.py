"""A person's own notification centre: marking in-app notifications read."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from helpdesk.models import SupportRequest, User
from notifications.models import Notification


def notification_mark_read(*, user: User, notification_id: int) -> Notification | None:
    """Mark one of ``user``'s own in-app notifications read; None when it is not theirs."""
    with transaction.atomic():
        notification = (
            Notification.objects.in_app().filter(recipient=user, pk=notification_id).select_related("request").first()
        )
        if notification is not None and notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    with transaction.atomic():
        return Notification.objects.unread().filter(recipient=user).update(read_at=timezone.now())


def notifications_mark_read_for_request(*, user: User, request: SupportRequest) -> int:
    """Mark ``user``'s unread in-app notifications about ``request`` read: they opened it, so they know.

    One UPDATE (over the partial index ``ntf_unread_request``), its own transaction: the request page calls it
    on every visit, before the header counts what is still unread.
    """
    return (
        Notification.objects.unread().filter(recipient_id=user.pk, request_id=request.pk).update(read_at=timezone.now())
    )
