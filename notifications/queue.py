"""Handing e-mail rows to django-q2, always after the transaction that wrote them has committed.

A failure to enqueue (Redis down, a process stopping between the commit and the push) loses nothing: the
row stays ``pending`` and the sweep (``notifications.services.outbox_sweep``) enqueues it again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django_q.tasks import async_task

logger = logging.getLogger(__name__)

SEND_TASK = "notifications.tasks.send_email"


def enqueue_emails(notification_ids: Iterable[int]) -> int:
    """Queue one send task per row; returns how many were queued."""
    queued = 0
    for notification_id in notification_ids:
        try:
            async_task(SEND_TASK, notification_id, group="notifications", task_name=f"notification-{notification_id}")
        except Exception:
            logger.warning("Could not queue notification %s; the sweep will retry", notification_id, exc_info=True)
        else:
            queued += 1
    return queued


def enqueue_emails_on_commit(notification_ids: Iterable[int]) -> None:
    ids = list(notification_ids)
    if ids:
        transaction.on_commit(partial(enqueue_emails, ids), robust=True)
