"""The request page's timeline, through HTTP: what happened in the past tense with who and when, the messages
the reader may read in between (a line each, linking to the message in full), a filter and pages that work
without script."""

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


def _link(message: Message) -> str:
    return f'href="#message-{message.pk}"'


def test_messages_the_reader_may_read_come_between_the_moves(client, net):
    request = net.at("info_requested")
    hub = net.people["hub"]
    note = Message.objects.create(request=request, author=hub, body="<p>Internal note</p>", visibility="internal")
    question = Message.objects.filter(request=request, body__contains="Which services").get()
    timeline = _timeline(client, net.people["focal"], request)
    # The hub's question is a city message, posted with the move: its line follows the move's.
    assert timeline.index("The hub asked the city for more information") < timeline.index(_link(question))
    assert f"<bdi>{hub}</bdi>" in timeline.split(_link(question), 1)[1].split("</li>", 1)[0]
    assert _link(note) not in timeline
    assert _link(note) in _timeline(client, hub, request)


def test_a_message_is_a_line_of_the_timeline_and_in_full_once_on_the_page(client, net):
    request = net.at("info_requested")
    client.force_login(net.people["focal"])
    page = client.get(request.get_absolute_url()).content.decode()
    timeline = page.split('id="timeline"', 1)[1].split("</section>", 1)[0]
    question = Message.objects.filter(request=request, body__contains="Which services").get()
    assert "Which services should take part?" not in timeline and "<article" not in timeline
    # The line links to the message in the messages section, where it is written out.
    messages = page.split('id="messages"', 1)[1].split("</section>", 1)[0]
    article = messages.split(f'id="message-{question.pk}"', 1)[1].split("</article>", 1)[0]
    assert "Which services should take part?" in article


def test_the_timeline_filters_moves_and_messages_without_script(client, net):
    request = net.at("info_requested")
    person = net.people["focal"]
    moves = _timeline(client, person, request, "?timeline=moves")
    messages = _timeline(client, person, request, "?timeline=messages")
    assert "The hub asked the city" in moves and 'href="#message-' not in moves
    assert 'href="#message-' in messages and "The hub asked the city" not in messages
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
    notes = list(Message.objects.filter(request=request).order_by("created_at"))
    first = _timeline(client, hub, request)
    assert first.count("#message-") == PAGE_SIZE
    assert _link(notes[44]) in first and f"#message-{notes[14].pk}" not in first and "Now:" in first
    earlier = re.search(r'href="(\?timeline_before=[^"#]+)#timeline"', first)
    assert earlier
    second = _timeline(client, hub, request, earlier.group(1).replace("&amp;", "&"))
    assert second.count("#message-") == 45 - PAGE_SIZE
    assert f"#message-{notes[0].pk}" in second and f"#message-{notes[15].pk}" not in second and "Now:" not in second
    assert "Back to the latest" in second
    # Those messages are not in the messages section of the newest page: each links to the page of
    # messages it is on, keeping the timeline where it was.
    link = re.search(rf'href="(\?[^"#]+)#message-{notes[3].pk}"', second)
    assert link and "timeline_before=" in link.group(1)
    page = client.get(request.get_absolute_url() + link.group(1).replace("&amp;", "&")).content.decode()
    section = page.split('id="messages"', 1)[1].split("</section>", 1)[0]
    assert f'id="message-{notes[3].pk}"' in section and "Note number 3." in section
    assert "Note number 4." not in section  # the page of messages ends with it


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
