"""The tasks the schedules run: each delegates to a service and can run twice."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from helpdesk.models import RequestState
from notifications import tasks
from notifications.models import Channel, Notification, Reason, Status
from tests.notification_world import make_world


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


def test_one_task_sends_every_row_of_a_commit_once(world, mailoutbox):
    rows = [
        Notification.objects.create(
            recipient=recipient,
            request=world.request,
            event="request_info",
            reason=Reason.CITY,
            channel=Channel.EMAIL,
            status=Status.PENDING,
        )
        for recipient in (world.focal1, world.focal2)
    ]
    Notification.objects.filter(pk__in=[r.pk for r in rows]).update(next_attempt_at=rows[0].created_at)
    ids = [r.pk for r in rows]

    assert tasks.send_emails(ids) == {Status.SENT: 2}
    assert tasks.send_emails(ids) == {"not_claimed": 2}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([world.focal1.email, world.focal2.email])


def test_the_sweeps_run_on_an_empty_desk(db):
    assert tasks.sweep_outbox() == {"queued": 0, "freed": 0, "failed": 0}
    assert tasks.sweep_deadlines() == {"reminders": 0, "escalations": 0}
    assert tasks.send_digests() == 0


def test_delivered_requests_past_their_evaluation_period_close_and_tell_the_people_involved(db):
    world = make_world(RequestState.DELIVERED, due_at=timezone.now() - timedelta(hours=1))
    make_world(RequestState.DELIVERED, suffix="-later", due_at=timezone.now() + timedelta(days=3))

    assert tasks.close_overdue() == 1
    assert tasks.close_overdue() == 0

    world.request.refresh_from_db()
    assert world.request.state == RequestState.CLOSED
    told = set(
        Notification.objects.filter(event="auto_close", channel=Channel.IN_APP).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"focal.one", "focal.two", "hub.officer", "expert.proposed", "expert.accepted", "mu.two"}


def test_the_nightly_jobs_run_on_an_empty_desk(db):
    assert tasks.anonymise_closed() == 0
    assert tasks.expire_expert_grants() == 0
    assert tasks.delete_orphan_files() == 0
    assert tasks.reconcile_access_grants() == {"orphaned": 0, "expired": 0, "group_rows": 0}
