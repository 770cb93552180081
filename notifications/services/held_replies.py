"""Replies by e-mail held for their sender (personal data found): their expiry (the read for the page is
``notifications.selectors.held_reply_for``)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from notifications.models import HeldReply


def held_replies_expire(*, now: datetime | None = None) -> int:
    """Forget the held replies past their time (their files expire on their own ``keep_until``); returns how
    many."""
    with transaction.atomic():
        _total, by_model = HeldReply.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return by_model.get(HeldReply._meta.label, 0)
