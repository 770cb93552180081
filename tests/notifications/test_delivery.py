"""Sending each e-mail row once: claim, retries with backoff, failure, the sweep, the admin's retry."""

from __future__ import annotations

from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from notifications.models import Channel, Notification, Reason, Status
from notifications.services import email_send, notifications_retry, outbox_sweep
from notifications.services.delivery import backoff


class DownBackend(EmailBackend):
    """A mail server that refuses every connection."""

    def send_messages(self, messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


def email_row(world, **fields) -> Notification:
    now = timezone.now()
    values = {
        "recipient": world.focal1,
        "request": world.request,
        "event": "request_info",
        "reason": Reason.CITY,
        "channel": Channel.EMAIL,
        "status": Status.PENDING,
        "next_attempt_at": now,
        "enqueued_at": now,
        **fields,
    }
    return Notification.objects.create(**values)


def test_a_row_is_sent_once_however_often_its_task_runs(world, mailoutbox):
    row = email_row(world)

    outcomes = [email_send(notification_id=row.pk) for _ in range(3)]

    assert outcomes == [Status.SENT, "not_claimed", "not_claimed"]
    assert len(mailoutbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 1) and row.sent_at is not None


def test_a_row_another_worker_holds_is_left_alone(world, mailoutbox):
    row = email_row(world, status=Status.SENDING, claimed_at=timezone.now(), attempts=1)

    assert email_send(notification_id=row.pk) == "not_claimed"
    assert mailoutbox == []


def test_a_failure_is_retried_later_with_growing_delays(world, settings, time_machine):
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.DownBackend"
    settings.NOTIFICATION_BACKOFF_SECONDS = 60
    time_machine.move_to(timezone.now(), tick=False)
    row = email_row(world)

    assert email_send(notification_id=row.pk) == Status.PENDING
    row.refresh_from_db()
    assert row.next_attempt_at == timezone.now() + timedelta(seconds=60)
    assert "SMTPServerDisconnected" in row.last_error and row.enqueued_at is None
    # Not due yet: a stray task does not jump the queue.
    assert email_send(notification_id=row.pk) == "not_claimed"

    time_machine.shift(timedelta(seconds=61))
    email_send(notification_id=row.pk)
    row.refresh_from_db()
    assert (row.attempts, row.next_attempt_at) == (2, timezone.now() + timedelta(seconds=120))


def test_backoff_doubles_and_is_capped(settings):
    settings.NOTIFICATION_BACKOFF_SECONDS = 60
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert backoff(30) == timedelta(hours=6)


def test_after_the_last_attempt_the_row_is_failed_and_can_be_retried(world, settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.notifications.test_delivery.DownBackend"
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    row = email_row(world, attempts=2)

    assert email_send(notification_id=row.pk) == Status.FAILED
    row.refresh_from_db()
    assert row.status == Status.FAILED and row.attempts == 3

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications_retry(notification_ids=[row.pk]) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (Status.PENDING, 0, "")
    assert email_send(notification_id=row.pk) == Status.SENT
    assert len(mailoutbox) == 1


def test_retry_touches_only_failed_email_rows(world):
    sent = email_row(world, status=Status.SENT)
    pending = email_row(world)

    assert notifications_retry(notification_ids=[sent.pk, pending.pk]) == 0


def test_a_person_without_an_address_is_skipped_not_retried(world, mailoutbox):
    row = email_row(world)
    world.focal1.email = ""
    world.focal1.save(update_fields=["email"])

    assert email_send(notification_id=row.pk) == Status.SKIPPED
    assert mailoutbox == []


def test_the_sweep_queues_rows_the_queue_lost_but_not_rows_queued_a_moment_ago(world, settings, mailoutbox):
    settings.NOTIFICATION_REQUEUE_AFTER_SECONDS = 180
    now = timezone.now()
    lost = email_row(world, enqueued_at=now - timedelta(minutes=5), next_attempt_at=now - timedelta(minutes=5))
    fresh = email_row(world, enqueued_at=now - timedelta(seconds=10))
    retry_due = email_row(world, enqueued_at=None, next_attempt_at=now - timedelta(seconds=1), attempts=1)
    retry_later = email_row(world, enqueued_at=None, next_attempt_at=now + timedelta(minutes=2), attempts=1)
    held = email_row(world, status=Status.HELD, next_attempt_at=None, enqueued_at=None)

    with pytest.MonkeyPatch.context() as patch:
        queued: list[int] = []
        patch.setattr("notifications.services.delivery.enqueue_emails_on_commit", queued.extend)
        assert outbox_sweep(now=now) == {"queued": 2, "freed": 0, "failed": 0}

    assert sorted(queued) == sorted([lost.pk, retry_due.pk])
    assert {fresh.pk, retry_later.pk, held.pk}.isdisjoint(queued)


def test_the_sweep_frees_a_row_a_dead_worker_left_sending(
    world, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_SENDING_STALE_SECONDS = 300
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    now = timezone.now()
    stuck = email_row(world, status=Status.SENDING, claimed_at=now - timedelta(minutes=6), attempts=1)
    worn_out = email_row(world, status=Status.SENDING, claimed_at=now - timedelta(minutes=6), attempts=3)
    busy = email_row(world, status=Status.SENDING, claimed_at=now - timedelta(minutes=1), attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_sweep(now=now) == {"queued": 1, "freed": 1, "failed": 1}

    assert len(mailoutbox) == 1
    assert dict(Notification.objects.values_list("pk", "status")) == {
        stuck.pk: Status.SENT,
        worn_out.pk: Status.FAILED,
        busy.pk: Status.SENDING,
    }
