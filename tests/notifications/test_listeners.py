"""The listeners are connected: the domain's signals, sent inside their transactions, record rows."""

from __future__ import annotations

from django.db import transaction

from helpdesk.models import SupportRequest, Visibility
from helpdesk.services import message_post
from notifications.models import Channel, Notification
from workflows.signals import lifecycle_event


def told(event: str) -> set[str]:
    rows = Notification.objects.filter(event=event, channel=Channel.IN_APP)
    return set(rows.values_list("recipient__username", flat=True))


def test_a_posted_message_notifies_through_the_signal(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message_post(request=world.request, author=world.owner, body="<p>Could you tell us more?</p>")

    assert told("message_posted") == {"focal.one", "focal.two", "mu.two"}
    assert len(mailoutbox) == 3
    assert all("Could you tell us more" not in m.body for m in mailoutbox)


def test_a_mention_in_an_internal_note_posted_through_the_service(world):
    message_post(
        request=world.request, author=world.owner, body="<p>@hub.lead, over to you.</p>", visibility=Visibility.INTERNAL
    )

    assert told("mentioned") == {"hub.lead"}


def test_a_lifecycle_event_notifies_through_the_signal(world):
    with transaction.atomic():
        lifecycle_event.send(
            sender=SupportRequest, event="submit", request=world.request, actor=world.focal1, log=None, data={}
        )

    assert told("submit") == {"hub.lead", "hub.officer", "hub.colleague", "mu.two"}
