"""The request page's timeline, through HTTP: what happened in the past tense with who and when, the messages
the reader may read in between, a filter and pages that work without script."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from helpdesk.models import Message, SupportRequest, User
from tests.web.pages import in_state
from web.timeline import PAGE_SIZE
from workflows.lifecycle import TRANSITION_SPECS

pytestmark = pytest.mark.django_db


def _timeline(client: Client, person: User, request: SupportRequest, query: str = "") -> str:
    client.force_login(person)
    page = client.get(request.get_absolute_url() + query).content.decode()
    return page.split('id="timeline"', 1)[1].split("</section>", 1)[0]


def test_moves_read_as_what_happened_with_who_and_when(client, net):
    request = net.at("info_requested")
    timeline = _timeline(client, net.people["focal"], request)
    assert "The city submitted the request to the hub" in timeline
    assert "The hub asked the city for more information" in timeline
    assert f"<bdi>{net.people['hub']}</bdi>" in timeline and "<time" in timeline
    # Not the buttons' words.
    assert str(TRANSITION_SPECS["request_info"].label) not in timeline
    assert str(TRANSITION_SPECS["submit"].label) not in timeline


def test_the_current_state_is_named_once(client, net):
    request = net.request()  # a draft
    timeline = _timeline(client, net.people["focal"], request)
    assert "Now: Not sent to the hub yet" in timeline
    assert timeline.count("Draft") == 0  # the badge above the page names the state; the timeline does not repeat it


def test_messages_the_reader_may_read_come_between_the_moves(client, net):
    request = net.at("info_requested")
    hub = net.people["hub"]
    Message.objects.create(request=request, author=hub, body="<p>Internal note</p>", visibility="internal")
    timeline = _timeline(client, net.people["focal"], request)
    # The hub's question is a city message, posted with the move: it follows the move's line.
    question = timeline.index("Which services should take part?")
    assert timeline.index("The hub asked the city for more information") < question
    assert "Internal note" not in timeline
    assert "Internal note" in _timeline(client, hub, request)


def test_the_timeline_filters_moves_and_messages_without_script(client, net):
    request = net.at("info_requested")
    person = net.people["focal"]
    moves = _timeline(client, person, request, "?timeline=moves")
    messages = _timeline(client, person, request, "?timeline=messages")
    assert "The hub asked the city" in moves and "Which services should take part?" not in moves
    assert "Which services should take part?" in messages and "The hub asked the city" not in messages
    assert re.search(r'href="\?timeline=moves#timeline" aria-current="page"', moves)  # the chosen filter is marked
    assert re.search(r'href="\?timeline=messages#timeline" aria-current="page"', messages)


def test_an_expert_reading_the_brief_is_not_told_who_moved(client, net):
    request = net.at("expert_matching")
    timeline = _timeline(client, net.people["expert"], request)
    assert "The hub routed the request to the expert pool" in timeline
    assert str(net.people["hub"]) not in timeline and str(net.people["focal"]) not in timeline


def test_the_timeline_pages_back_through_a_long_history(client, net):
    request = in_state("submitted", city=net.city)
    hub = net.people["hub"]
    start = timezone.now() - timedelta(days=1)
    Message.objects.bulk_create(
        Message(request=request, author=hub, body=f"<p>Note number {i}.</p>", visibility="city") for i in range(45)
    )
    # Posted a minute apart (bulk_create stamps them all now).
    for i, pk in enumerate(Message.objects.filter(request=request).order_by("pk").values_list("pk", flat=True)):
        Message.objects.filter(pk=pk).update(created_at=start + timedelta(minutes=i))
    first = _timeline(client, hub, request)
    assert first.count("<article") == PAGE_SIZE
    assert "Note number 44." in first and "Note number 14." not in first and "Now:" in first
    earlier = re.search(r'href="(\?timeline_before=[^"#]+)#timeline"', first)
    assert earlier
    second = _timeline(client, hub, request, earlier.group(1).replace("&amp;", "&"))
    assert second.count("<article") == 45 - PAGE_SIZE
    assert "Note number 0." in second and "Note number 15." not in second and "Now:" not in second
    assert "Back to the latest" in second


def test_the_messages_section_pages_back_too(client, net):
    request = in_state("submitted", city=net.city)
    hub = net.people["hub"]
    Message.objects.bulk_create(
        Message(request=request, author=hub, body=f"<p>Note number {i}.</p>", visibility="city")
        for i in range(PAGE_SIZE + 5)
    )
    client.force_login(hub)
    page = client.get(request.get_absolute_url()).content.decode()
    section = page.split('id="messages"', 1)[1].split("</section>", 1)[0]
    assert section.count("<article") == PAGE_SIZE and "Note number 4." not in section
    link = re.search(r'href="(\?before=[^"#]+)#messages">Earlier messages', section)
    assert link
    page = client.get(request.get_absolute_url() + link.group(1)).content.decode()
    section = page.split('id="messages"', 1)[1].split("</section>", 1)[0]
    assert section.count("<article") == 5 and "Note number 0." in section and "Newest messages" in section
    # A cursor nobody could have made is the newest page, not an error.
    assert client.get(request.get_absolute_url() + "?before=nonsense&timeline_before=1.2").status_code == 200
