"""A city's message that answers the hub's question (``workflows.services.reply_post``) tells the hub once: as
the answer, never a second time as a message."""

from __future__ import annotations

from collections import Counter

import pytest

from helpdesk.models import RequestState
from notifications.models import Channel, Notification
from tests.notification_world import make_world
from workflows.services import reply_post, transition_perform


@pytest.fixture
def asked(db, django_capture_on_commit_callbacks):
    world = make_world(RequestState.SUBMITTED, assignments=False)
    with django_capture_on_commit_callbacks(execute=True):
        world.request = transition_perform(
            request=world.request, transition="request_info", actor=world.owner, data={"question": "<p>Who?</p>"}
        )
    return world


def _told(before: int) -> Counter[tuple[str, str]]:
    rows = Notification.objects.filter(channel=Channel.IN_APP).order_by("pk")[before:]
    return Counter((n.recipient.username, n.event) for n in rows)


def test_the_citys_message_tells_the_hub_once_as_the_answer(asked, mailoutbox, django_capture_on_commit_callbacks):
    before = Notification.objects.filter(channel=Channel.IN_APP).count()
    mails = len(mailoutbox)

    with django_capture_on_commit_callbacks(execute=True):
        reply_post(request=asked.request, author=asked.focal1, body="<p>ANSWER-MARKER: the youth department.</p>")

    told = _told(before)
    # The hub hears the answer once, as the answer move; whoever that move tells hears of no message besides
    # (the city's other focal point learns of the message, as from any move that posts one).
    answer = {person for person, event in told if event == "provide_info"}
    assert answer == {"hub.officer", "mu.two"}
    assert all(count == 1 for count in told.values())
    assert not {person for person, event in told if event == "message_posted"} & answer
    assert all("ANSWER-MARKER" not in m.body for m in mailoutbox[mails:])


def test_a_message_when_nothing_is_asked_tells_as_a_message(asked, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reply_post(request=asked.request, author=asked.focal1, body="<p>The answer.</p>")
    asked.request.refresh_from_db()
    before = Notification.objects.filter(channel=Channel.IN_APP).count()

    with django_capture_on_commit_callbacks(execute=True):
        reply_post(request=asked.request, author=asked.focal1, body="<p>One more thing.</p>")

    told = _told(before)
    assert told and {event for _, event in told} == {"message_posted"}
