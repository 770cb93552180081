"""Sending e-mail rows, once each: claim, send, record; retry with backoff; sweep what the queue lost.

A row moves ``pending`` → ``sending`` through one conditional UPDATE, so of two workers handed the same
row only one sends it; a ``sent`` row is never claimed again. A failure puts the row back to ``pending``
with a later ``next_attempt_at`` (exponential backoff) until ``NOTIFICATION_MAX_ATTEMPTS``, then ``failed``.
The sweep, every minute, queues the rows that are due and frees rows a dead worker left in ``sending``.

Between the SMTP server accepting an e-mail and the row turning ``sent`` there is a short window: a worker
killed exactly there leaves a row that the sweep sends again. Every attempt carries the same Message-ID,
so mail clients fold such a copy into the first.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from notifications import events
from notifications.models import Channel, Notification, Status
from notifications.queue import enqueue_emails_on_commit
from notifications.rendering import render_email

logger = logging.getLogger(__name__)

# Two machines' clocks may differ a little (NTP keeps it to milliseconds): a task that runs "early" by less
# than this still claims, so a fresh row is never left to the sweep for want of a second.
CLOCK_SKEW = timedelta(seconds=5)
MAX_BACKOFF = timedelta(hours=6)
SWEEP_BATCH = 500


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure."""
    delay = timedelta(seconds=settings.NOTIFICATION_BACKOFF_SECONDS * 2 ** max(0, attempts - 1))
    return min(delay, MAX_BACKOFF)


def _claim(notification_id: int, now: datetime) -> bool:
    return bool(
        Notification.objects.filter(
            pk=notification_id,
            channel=Channel.EMAIL,
            status=Status.PENDING,
            next_attempt_at__lte=now + CLOCK_SKEW,
        ).update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def _finish(notification: Notification, **fields: object) -> None:
    # Conditional on still holding the claim: a sweep may have freed a row whose worker was presumed dead.
    Notification.objects.filter(pk=notification.pk, status=Status.SENDING).update(**fields)


def _failed(notification: Notification, error: str, now: datetime) -> str:
    error = error[:300]
    if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        _finish(notification, status=Status.FAILED, last_error=error)
        logger.error(
            "Notification %s failed for good after %s attempts: %s", notification.pk, notification.attempts, error
        )
        return Status.FAILED
    _finish(
        notification,
        status=Status.PENDING,
        next_attempt_at=now + backoff(notification.attempts),
        enqueued_at=None,
        last_error=error,
    )
    logger.warning("Notification %s attempt %s failed: %s", notification.pk, notification.attempts, error)
    return Status.PENDING


def email_send(*, notification_id: int) -> str:
    """Send one e-mail row if it is due and nobody else holds it; returns the row's resulting status.

    Safe to run any number of times for the same id: only the run that claims the row sends it.
    """
    now = timezone.now()
    if not _claim(notification_id, now):
        return "not_claimed"
    notification = Notification.objects.select_related("recipient", "request").get(pk=notification_id)
    recipient = notification.recipient
    if not recipient.is_active or not recipient.email:
        _finish(notification, status=Status.SKIPPED, last_error="The recipient has no active e-mail address.")
        return Status.SKIPPED
    connection = None
    try:
        items: list[Notification] = []
        if notification.event == events.DIGEST:
            items = list(notification.items.select_related("request").order_by("-created_at", "-id"))
        message = render_email(notification, items)
        connection = get_connection(fail_silently=False)
        connection.open()
        if connection.send_messages([message]) != 1:
            raise RuntimeError("The mail server did not accept the message.")
    except Exception as exc:
        return _failed(notification, f"{type(exc).__name__}: {exc}", timezone.now())
    else:
        # Recorded before the connection is closed, to keep the window for a duplicate as short as can be.
        _finish(notification, status=Status.SENT, sent_at=timezone.now(), last_error="")
        return Status.SENT
    finally:
        if connection is not None:
            try:
                connection.close()
            except Exception:
                logger.debug("Closing the mail connection failed", exc_info=True)


def outbox_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Queue the e-mail rows that are due and not queued recently; free rows stuck in ``sending``."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.NOTIFICATION_SENDING_STALE_SECONDS)
    requeue_before = now - timedelta(seconds=settings.NOTIFICATION_REQUEUE_AFTER_SECONDS)
    with transaction.atomic():
        stuck = Notification.objects.filter(channel=Channel.EMAIL, status=Status.SENDING, claimed_at__lte=stale)
        failed = stuck.filter(attempts__gte=settings.NOTIFICATION_MAX_ATTEMPTS).update(
            status=Status.FAILED, last_error="The worker stopped while sending."
        )
        freed = stuck.update(status=Status.PENDING, next_attempt_at=now, enqueued_at=None)
        due = list(
            Notification.objects.filter(channel=Channel.EMAIL, status=Status.PENDING, next_attempt_at__lte=now)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=requeue_before))
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        if due:
            Notification.objects.filter(pk__in=due).update(enqueued_at=now)
            enqueue_emails_on_commit(due)
    return {"queued": len(due), "freed": freed, "failed": failed}


def notifications_retry(*, notification_ids: list[int]) -> int:
    """Give failed e-mail rows a fresh set of attempts (the management unit's admin action)."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Notification.objects.filter(
                pk__in=notification_ids, channel=Channel.EMAIL, status=Status.FAILED
            ).values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=ids).update(
            status=Status.PENDING, attempts=0, next_attempt_at=now, enqueued_at=now, last_error=""
        )
        enqueue_emails_on_commit(ids)
    return len(ids)
