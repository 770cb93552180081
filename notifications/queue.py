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


# E-mails about a person's own account (``notifications.services.account``): nothing in the web request but
# the push, after the commit.
PASSWORD_RESET_TASK = "notifications.tasks.send_password_reset"  # noqa: S105 - a task name
ACCOUNT_NOTICE_TASK = "notifications.tasks.send_account_notice"


def _enqueue(task: str, *args: object) -> None:
    try:
        async_task(task, *args, group="account")
    except Exception:
        logger.warning("Could not queue %s", task, exc_info=True)


def enqueue_password_reset_on_commit(email: str) -> None:
    """The reset link for ``email``: the task, not the request, looks for the accounts that use it."""
    transaction.on_commit(partial(_enqueue, PASSWORD_RESET_TASK, email), robust=True)


def enqueue_account_notice_on_commit(*, user_id: int, notice: str, address: str) -> None:
    """Tell ``address`` of a change to the account, once the change is committed."""
    if address:
        transaction.on_commit(partial(_enqueue, ACCOUNT_NOTICE_TASK, user_id, notice, address), robust=True)


INVITATION_TASK = "notifications.tasks.send_invitation"


def enqueue_invitation_on_commit(*, invitation_id: int) -> None:
    """Send the invitation (made or renewed in this transaction) once it is committed."""
    transaction.on_commit(partial(_enqueue, INVITATION_TASK, invitation_id), robust=True)
