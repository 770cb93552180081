"""What a notification shows in the desk: the same fields as its e-mail, never the request's content."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise

from notifications import events
from notifications.models import Notification, Reason
from notifications.rendering import request_title


@dataclass(frozen=True)
class Entry:
    pk: int
    label: Promise
    reference: str
    title: str
    reason: str | Promise
    created_at: datetime
    unread: bool


def entry(notification: Notification) -> Entry:
    request = notification.request
    return Entry(
        pk=notification.pk,
        label=events.label(notification.event),
        reference=request.reference if request else "",
        title=request_title(request) if request else "",
        reason=Reason(notification.reason).label if notification.reason in Reason.values else "",
        created_at=notification.created_at,
        unread=notification.read_at is None,
    )


def entries(notifications: Iterable[Notification]) -> list[Entry]:
    return [entry(n) for n in notifications]
