"""Recording rows in the caller's transaction: messages by visibility, mentions, channels, rollback."""

from __future__ import annotations

import pytest
from django.db import transaction

from helpdesk.models import Message, NotificationMode, Visibility
from notifications.models import Channel, Notification, Reason, Status
from notifications.services import notifications_record_event, notifications_record_message
from notifications.services.recording import mentioned_usernames


def post(world, author, body: str, visibility: str) -> list[Notification]:
    message = Message.objects.create(request=world.request, author=author, body=body, visibility=visibility)
    return notifications_record_message(message=message, author=author)


def in_app(rows: list[Notification]) -> dict[str, tuple[str, str]]:
    return {n.recipient.username: (n.event, n.reason) for n in rows if n.channel == Channel.IN_APP}


def test_a_city_message_reaches_those_who_read_the_city_channel_but_not_its_author(world):
    rows = post(world, world.focal1, "We have a question.", Visibility.CITY)

    assert set(in_app(rows)) == {"focal.two", "hub.officer", "mu.two"}


def test_an_expert_channel_message_reaches_the_experts_and_the_hub_not_the_city(world):
    rows = post(world, world.accepted, "Draft agenda attached.", Visibility.EXPERT)

    assert set(in_app(rows)) == {"hub.officer", "expert.proposed", "mu.two"}


def test_an_expert_awaiting_the_hub_leads_decision_on_a_conflict_still_hears_the_expert_channel(world):
    world.accepted.assignments.update(status="conflict", has_conflict=True)

    rows = post(world, world.owner, "Could you tell us more about the tie you declared?", Visibility.EXPERT)

    assert in_app(rows)["expert.accepted"] == ("message_posted", Reason.EXPERT)


def test_an_internal_note_reaches_overseers_and_the_colleagues_it_mentions_who_may_read_it(world):
    body = "@hub.lead and @mu.one please look; @focal.one must not see this, nor @nobody. (@hub.officer)"
    rows = post(world, world.owner, body, Visibility.INTERNAL)

    assert in_app(rows) == {
        "mu.two": ("message_posted", Reason.WATCHER),
        "hub.lead": ("mentioned", Reason.MENTION),
        "mu.one": ("mentioned", Reason.MENTION),
    }


def test_a_mention_outside_an_internal_note_is_an_ordinary_message(world):
    rows = post(world, world.focal1, "Thanks @hub.lead!", Visibility.CITY)

    assert "hub.lead" not in in_app(rows)


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ("@hub.lead, see this.", ["hub.lead"]),
        ("write to ana@example.org", []),
        ("@a @b @a", ["a", "b"]),
        ("(@x-y_z+1)", ["x-y_z+1"]),
    ],
)
def test_mentions_are_read_like_usernames(body, names):
    assert mentioned_usernames(body) == names


def test_rows_keep_ids_and_never_the_message_body(world):
    rows = post(world, world.focal1, "SECRET-BODY-TEXT", Visibility.CITY)

    assert rows and all("SECRET" not in str(n.data) for n in rows)
    assert {n.data["message_id"] for n in rows} == {Message.objects.get().pk}


@pytest.mark.parametrize(
    ("mode", "email", "channels"),
    [
        (NotificationMode.IMMEDIATE, "x@example.org", {(Channel.IN_APP, Status.SENT), (Channel.EMAIL, Status.PENDING)}),
        (NotificationMode.DIGEST, "x@example.org", {(Channel.IN_APP, Status.SENT), (Channel.EMAIL, Status.HELD)}),
        (NotificationMode.IN_APP, "x@example.org", {(Channel.IN_APP, Status.SENT)}),
        (NotificationMode.IMMEDIATE, "", {(Channel.IN_APP, Status.SENT)}),
    ],
)
def test_the_preference_decides_the_email_row(world, mode, email, channels):
    world.focal1.notification_mode = mode
    world.focal1.email = email
    world.focal1.save(update_fields=["notification_mode", "email"])

    rows = notifications_record_event(event="request_info", request=world.request, actor=world.owner)

    assert {(n.channel, n.status) for n in rows if n.recipient_id == world.focal1.pk} == channels


def test_an_immediate_email_is_sent_after_commit_and_only_then(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        notifications_record_event(event="request_info", request=world.request, actor=world.owner)
        assert mailoutbox == []

    assert len(callbacks) == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted([world.focal1.email, world.focal2.email, world.mu2.email])
    assert not Notification.objects.filter(channel=Channel.EMAIL).exclude(status=Status.SENT).exists()


def test_a_rolled_back_move_records_and_sends_nothing(world, mailoutbox, django_capture_on_commit_callbacks):
    class Refused(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Refused),
        transaction.atomic(),
    ):
        notifications_record_event(event="request_info", request=world.request, actor=world.owner)
        raise Refused

    assert callbacks == []
    assert not Notification.objects.exists()
    assert mailoutbox == []
