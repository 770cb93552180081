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


@pytest.mark.parametrize("phase", [0, 10, 20, 29])
def test_a_dead_workers_emails_go_out_again_within_a_minute_with_the_default_settings(
    world, phase, mailoutbox, time_machine, django_capture_on_commit_callbacks
):
    """A worker dies at t0 in the middle of one e-mail, holding a task it had taken off a Redis queue (gone with
    it); the sweep runs every 30 s (its two schedules), at any phase: both e-mails are sent before t0 + 60 s."""
    t0 = timezone.now()
    time_machine.move_to(t0, tick=False)
    half_sent = email_row(world, status=Status.SENDING, claimed_at=t0 - timedelta(seconds=1), attempts=1)
    taken = email_row(world, enqueued_at=t0 - timedelta(seconds=1))

    recovered = None
    for sweep in range(4):
        time_machine.move_to(t0 + timedelta(seconds=phase + 30 * sweep), tick=False)
        with django_capture_on_commit_callbacks(execute=True):
            outbox_sweep()
        if set(Notification.objects.filter(pk__in=[half_sent.pk, taken.pk]).values_list("status", flat=True)) == {
            Status.SENT
        }:
            recovered = timezone.now() - t0
            break

    assert recovered is not None and recovered < timedelta(seconds=60)
    assert len(mailoutbox) == 2


def test_a_row_is_never_taken_back_from_a_sender_the_cluster_has_not_stopped(settings):
    # django-q2 stops a worker 3 s past its task's timeout (its guard checks every 0.5 s); the rest is CLOCK_SKEW.
    from notifications.services.delivery import CLOCK_SKEW

    alive_at_most = settings.NOTIFICATION_SEND_TIMEOUT_SECONDS + 3.5 + CLOCK_SKEW.total_seconds()
    assert alive_at_most <= settings.NOTIFICATION_SENDING_STALE_SECONDS
    assert settings.NOTIFICATION_SEND_TIMEOUT_SECONDS <= settings.Q_CLUSTER["timeout"] < settings.Q_CLUSTER["retry"]


def test_rows_are_queued_in_small_tasks_that_carry_the_send_timeout(monkeypatch, settings):
    from notifications import queue

    calls: list[tuple[list[int], dict]] = []
    monkeypatch.setattr(queue, "async_task", lambda func, ids, **options: calls.append((ids, options)))
    assert queue.enqueue_emails(range(1, 46)) == 45
    assert [len(ids) for ids, _options in calls] == [20, 20, 5]
    assert {options["timeout"] for _ids, options in calls} == {settings.NOTIFICATION_SEND_TIMEOUT_SECONDS}
