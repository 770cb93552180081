"""The daily digest: one e-mail per person who chose it, gathering what was held, sent once."""

from __future__ import annotations

from helpdesk.models import NotificationMode
from notifications import events
from notifications.models import Channel, Notification, Status
from notifications.services import digest_send, notifications_record_event


def choose(user, mode: str) -> None:
    user.notification_mode = mode
    user.save(update_fields=["notification_mode"])


def test_held_rows_go_out_in_one_digest_per_person(world, mailoutbox, django_capture_on_commit_callbacks):
    choose(world.focal1, NotificationMode.DIGEST)
    choose(world.focal2, NotificationMode.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        for event in ("request_info", "answer_directly", "report_delivery"):
            notifications_record_event(event=event, request=world.request, actor=world.owner)
    immediate = len(mailoutbox)  # the watcher's three e-mails and the experts' report_delivery went out at once
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [world.mu2.email] * 3 + [world.proposed.email, world.accepted.email]
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert digest_send() == 2

    digests = mailoutbox[immediate:]
    assert sorted(m.to[0] for m in digests) == sorted([world.focal1.email, world.focal2.email])
    for message in digests:
        assert message.body.count(f"/requests/{world.request.reference}/") == 3
    assert not Notification.objects.filter(status=Status.HELD).exists()
    digest_rows = Notification.objects.filter(event=events.DIGEST)
    assert {d.items.count() for d in digest_rows} == {3}
    assert set(digest_rows.values_list("status", flat=True)) == {Status.SENT}


def test_a_second_run_sends_nothing_more(world, mailoutbox, django_capture_on_commit_callbacks):
    choose(world.focal1, NotificationMode.DIGEST)
    notifications_record_event(event="request_info", request=world.request, actor=world.owner)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert digest_send() == 1
        assert digest_send() == 0

    assert len(mailoutbox) == 1


def test_someone_who_switched_to_in_app_only_gets_no_digest(world, mailoutbox, django_capture_on_commit_callbacks):
    choose(world.focal1, NotificationMode.DIGEST)
    notifications_record_event(event="request_info", request=world.request, actor=world.owner)
    choose(world.focal1, NotificationMode.IN_APP)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert digest_send() == 0

    assert mailoutbox == []
    assert Notification.objects.get(recipient=world.focal1, channel=Channel.EMAIL).status == Status.SKIPPED
    # The desk still shows it.
    assert Notification.objects.filter(recipient=world.focal1, channel=Channel.IN_APP).count() == 1
