"""The tasks the schedules run: each delegates to a service and can run twice."""

from __future__ import annotations

from notifications import tasks
from notifications.models import Channel, Notification, Reason, Status


def test_sending_twice_sends_once(world, mailoutbox):
    row = Notification.objects.create(
        recipient=world.focal1,
        request=world.request,
        event="request_info",
        reason=Reason.CITY,
        channel=Channel.EMAIL,
        status=Status.PENDING,
    )
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=row.created_at)

    assert [tasks.send_email(row.pk), tasks.send_email(row.pk)] == [Status.SENT, "not_claimed"]
    assert len(mailoutbox) == 1


def test_the_sweeps_run_on_an_empty_desk(db):
    assert tasks.sweep_outbox() == {"queued": 0, "freed": 0, "failed": 0}
    assert tasks.sweep_deadlines() == {"reminders": 0, "escalations": 0}
    assert tasks.send_digests() == 0
