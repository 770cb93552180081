"""A person's own notification centre: marking in-app notifications read."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from helpdesk.models import SupportRequest, User
from notifications.models import Notification
from notifications.selectors import unread_counts


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
    """Mark ``user``'s unread in-app notifications about ``request`` read: they opened it, so they know. Returns
    how many of their in-app notifications are still unread, for the header of the page they opened.

    The request page calls it on every visit: one read (``selectors.unread_counts``) counts the person's
    unread notifications and, among them, those about this request; the UPDATE follows only when some are
    about this request, so a page opened again writes nothing. (A notification arriving between the two
    reads as if it had come a moment before or after the visit.)
    """
    unread, here = unread_counts(user, request)
    if here:
        Notification.objects.unread().filter(recipient_id=user.pk, request_id=request.pk).update(read_at=timezone.now())
    return unread - here
