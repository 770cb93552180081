"""Handing e-mail rows to django-q2, always after the transaction that wrote them has committed.

A failure to enqueue (Redis down, a process stopping between the commit and the push) loses nothing: the
row stays ``pending`` and the sweep (``notifications.services.outbox_sweep``) enqueues it again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.db import transaction
from django_q.tasks import async_task

logger = logging.getLogger(__name__)

SEND_TASK = "notifications.tasks.send_emails"
TASK_ROWS = 20


def enqueue_emails(notification_ids: Iterable[int]) -> int:
    """Queue one task for the rows a commit produced; returns how many rows it carries.

    One task per commit rather than per row: a move that tells five people costs one broker write inside
    the web request instead of five. Each row is still claimed and retried on its own by ``email_send``.
    """
    ids = list(notification_ids)
    queued = 0
    # In tasks of a few rows: a sweep's hundreds would outlast the task timeout, and several workers share them.
    for start in range(0, len(ids), TASK_ROWS):
        chunk = ids[start : start + TASK_ROWS]
        try:
            async_task(
                SEND_TASK,
                chunk,
                group="notifications",
                task_name=f"notifications-{chunk[0]}-{len(chunk)}",
                # Its own, short timeout: the stale-"sending" limit that frees a dead sender's rows follows it.
                timeout=settings.NOTIFICATION_SEND_TIMEOUT_SECONDS,
            )
        except Exception:
            logger.warning("Could not queue notifications %s; the sweep will retry", chunk, exc_info=True)
            continue
        queued += len(chunk)
    return queued


def enqueue_emails_on_commit(notification_ids: Iterable[int]) -> None:
    ids = list(notification_ids)
    if ids:
        transaction.on_commit(partial(enqueue_emails, ids), robust=True)
