"""Replies by e-mail held for their sender (personal data found): forgotten once sent from the page, or when
they expire (the read for the page is ``notifications.selectors.held_reply_for``)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from helpdesk.models import SupportRequest, User
from notifications.models import HeldReply


def held_replies_expire(*, now: datetime | None = None) -> int:
    """Forget the held replies past their time (their files expire on their own ``keep_until``); returns how
    many."""
    with transaction.atomic():
        _total, by_model = HeldReply.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return by_model.get(HeldReply._meta.label, 0)


def held_reply_discard(*, owner: User, held_id: int | None, request: SupportRequest) -> bool:
    """Forget ``owner``'s held reply once they sent it with the page's form (its files went with the message);
    anyone else's, or none, is left alone. Returns whether one was forgotten."""
    if held_id is None:
        return False
    with transaction.atomic():
        _total, by_model = HeldReply.objects.filter(pk=held_id, owner=owner, request=request).delete()
    return bool(by_model.get(HeldReply._meta.label, 0))
