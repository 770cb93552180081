"""Real lifecycle moves (``workflows.services.transition_perform``): each tells each person once, and only if it
commits."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import transaction

from helpdesk.models import RequestState
from notifications.models import Channel, Notification
from tests.notification_world import make_world
from workflows.services import transition_perform

# (move, who makes it, data, who is told: the move's recipients and the watcher)
WALK = [
    ("submit", "focal1", {}, {"hub.lead", "hub.officer", "hub.colleague", "mu.two"}),
    ("request_info", "owner", {"question": "<p>QUESTION-MARKER?</p>"}, {"focal.one", "focal.two", "mu.two"}),
    ("provide_info", "focal1", {"answer": "<p>ANSWER-MARKER</p>"}, {"hub.officer", "mu.two"}),
    ("route_to_experts", "owner", "experts", {"expert.proposed", "mu.two"}),
    ("accept_assignment", "proposed", {"declaration": "None.", "has_conflict": False}, {"hub.officer", "mu.two"}),
    ("start_delivery", "owner", {}, {"focal.one", "focal.two", "expert.proposed", "mu.two"}),
    ("report_delivery", "proposed", {"report": "<p>REPORT-MARKER</p>"}, {"focal.one", "focal.two", "mu.two"}),
    (
        "evaluate",
        "focal1",
        {"rating": 5, "outcomes": "OUTCOME-MARKER", "would_recommend": True},
        {"focal.two", "hub.officer", "expert.proposed", "mu.two"},
    ),
]


@pytest.fixture
def draft(db):
    world = make_world(RequestState.DRAFT, assignments=False, submitted_by=None)
    world.request.submitted_by = world.focal1
    world.request.save(update_fields=["submitted_by"])
    return world


def test_each_move_tells_each_person_once_and_never_its_content(draft, mailoutbox, django_capture_on_commit_callbacks):
    world = draft
    for transition, who, data, told in WALK:
        if data == "experts":
            data = {"experts": [world.proposed.pk]}
        before = Notification.objects.filter(channel=Channel.IN_APP).count()
        with django_capture_on_commit_callbacks(execute=True):
            world.request = transition_perform(
                request=world.request, transition=transition, actor=getattr(world, who), data=data
            )
        rows = Notification.objects.filter(channel=Channel.IN_APP).order_by("pk")[before:]
        moved = Counter(n.recipient.username for n in rows if n.event != "message_posted")
        assert set(moved) == told, transition
        # The move's own message to the city (a question, an answer) is not told a second time.
        assert set(moved.values()) == {1}, transition
        assert not {n.recipient.username for n in rows if n.event == "message_posted"} & told, transition

    assert world.request.state == RequestState.CLOSED
    assert mailoutbox and all("MARKER" not in m.body + m.alternatives[0][0] for m in mailoutbox)


def test_a_rolled_back_move_tells_no_one(draft, mailoutbox, django_capture_on_commit_callbacks):
    class Undone(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Undone),
        transaction.atomic(),
    ):
        transition_perform(request=draft.request, transition="submit", actor=draft.focal1)
        assert Notification.objects.exists()  # recorded with the move...
        raise Undone  # ...and undone with it

    assert callbacks == []
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_the_owner_hears_of_a_colleagues_question_as_a_message_and_the_city_as_the_move(db):
    """request_info tells the city; the question it posts reaches the other readers of the city channel."""
    world = make_world(RequestState.SUBMITTED, assignments=False)
    transition_perform(
        request=world.request,
        transition="request_info",
        actor=world.hub_colleague,
        data={"question": "<p>How many schools?</p>"},
    )
    rows = Notification.objects.filter(channel=Channel.IN_APP)
    told = Counter((n.recipient.username, n.event) for n in rows)
    assert told[("focal.one", "request_info")] == 1 and told[("focal.two", "request_info")] == 1
    assert told[("hub.officer", "message_posted")] == 1  # the owner, who did not ask
    assert not {who for who, event in told if event == "message_posted"} & {"focal.one", "focal.two"}
    assert "hub.colleague" not in {who for who, _event in told}  # never the one who asked
    question = rows.get(recipient=world.owner).data
    assert question["message_id"] and question["visibility"] == "city" and "schools" not in str(question)
