"""E-mails over the wire to a real SMTP server; while it is down they wait, and each arrives exactly once."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Channel, Notification, Status
from notifications.services import email_send, notifications_record_event, outbox_sweep
from tests.notifications.smtp import SMTPServer


@pytest.fixture
def smtp(settings):
    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield server
    finally:
        server.stop()


def emails() -> Notification:
    return Notification.objects.filter(channel=Channel.EMAIL)


def test_emails_travel_over_smtp_as_text_with_an_html_alternative(world, smtp, django_capture_on_commit_callbacks):
    world.request.description = "DESCRIPTION-MARKER"
    world.request.save(update_fields=["description"])

    with django_capture_on_commit_callbacks(execute=True):
        notifications_record_event(event="request_info", request=world.request, actor=world.owner)

    received = smtp.inbox.messages
    assert sorted(m["To"] for m in received) == sorted([world.focal1.email, world.focal2.email, world.mu2.email])
    for message in received:
        assert message.get_content_type() == "multipart/alternative"
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert world.request.reference in message["Subject"] and world.request.reference in text + html
        assert "MARKER" not in message.as_string()
    assert set(emails().values_list("status", flat=True)) == {Status.SENT}


def test_while_the_server_is_down_rows_wait_and_once_it_is_back_each_arrives_once(
    world, smtp, settings, time_machine, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_BACKOFF_SECONDS = 60
    smtp.stop()

    with django_capture_on_commit_callbacks(execute=True):
        notifications_record_event(event="withdraw", request=world.request, actor=world.focal1)

    rows = list(emails())
    expected = len(rows)
    assert expected == 5  # focal.two, the owner, two experts, the watching management colleague
    assert all(r.status == Status.PENDING and r.attempts == 1 and "Connection" in r.last_error for r in rows)

    # Still down at the next attempt: each row counts a second failure and waits twice as long.
    time_machine.move_to(timezone.now() + timedelta(seconds=61), tick=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_sweep()["queued"] == expected
    assert set(emails().values_list("attempts", flat=True)) == {2}
    assert smtp.inbox.messages == []

    smtp.start()
    time_machine.move_to(timezone.now() + timedelta(seconds=121), tick=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_sweep()["queued"] == expected
        # The same rows handed over again, by a second sweep and by stray tasks, send nothing more.
        assert outbox_sweep()["queued"] == 0
    for row in rows:
        assert email_send(notification_id=row.pk) == "not_claimed"

    arrived = Counter(smtp.inbox.message_ids())
    assert len(arrived) == expected and set(arrived.values()) == {1}
    assert set(emails().values_list("status", flat=True)) == {Status.SENT}
