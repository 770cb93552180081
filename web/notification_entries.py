"""What a notification shows in the desk: the same fields as its e-mail, never the request's content."""

from __future__ import annotations

from collections.abc import Collection, Iterable
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
    # About a request the reader may no longer open: neither its reference, its title nor a link is shown.
    access_ended: bool = False


def entry(notification: Notification, openable: Collection[int]) -> Entry:
    request = notification.request
    ended = request is not None and request.pk not in openable
    if ended:
        request = None
    return Entry(
        pk=notification.pk,
        label=events.label(notification.event),
        reference=request.reference if request else "",
        title=request_title(request) if request else "",
        reason=Reason(notification.reason).label if notification.reason in Reason.values else "",
        created_at=notification.created_at,
        unread=notification.read_at is None,
        access_ended=ended,
    )


def entries(notifications: Iterable[Notification], openable: Collection[int]) -> list[Entry]:
    """The list's lines; ``openable``: the ids of the requests the reader may still open
    (``notifications.selectors.openable_request_ids``)."""
    return [entry(n, openable) for n in notifications]
