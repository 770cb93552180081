"""The recipients table, event by event: who is told, why, and never the actor."""

from __future__ import annotations

import pytest

from notifications import recipients
from notifications.models import Channel, Notification
from notifications.services import notifications_record_event
from tests.factories import hub_staff
from tests.notification_world import World, make_world
from workflows.lifecycle import EVENTS, STATES
from workflows.models import ExpertAssignment
from workflows.spec import DeadlineKind

CITY = {"focal.one", "focal.two"}
HUB = {"hub.lead", "hub.officer", "hub.colleague"}
OWNER = {"hub.officer"}
UNIT = {"mu.one", "mu.two"}
ENGAGED = {"expert.proposed", "expert.accepted"}
WATCHER = {"mu.two"}  # follows the request in every world

EXPECTED: dict[str, set[str]] = {
    "submit": HUB | WATCHER,
    "request_info": CITY | WATCHER,
    "provide_info": OWNER | WATCHER,
    "answer_directly": CITY | WATCHER,
    # The asking city is asked to accept; the peer city is told without the request (notifications.services.peers).
    "introduce_peer": CITY | WATCHER,
    "route_to_experts": {"expert.proposed"} | WATCHER,
    "expert_proposed": {"expert.proposed"} | WATCHER,
    "assignment_accepted": OWNER | WATCHER,
    "assignment_declined": OWNER | WATCHER,
    # An acceptance that declared a conflict: the hub lead decides, the owner hears it; then the expert is told.
    "assignment_conflict": {"hub.lead"} | OWNER | WATCHER,
    "conflict_waived": {"expert.accepted"} | OWNER | WATCHER,
    "conflict_released": {"expert.declined"} | OWNER | WATCHER,
    "route_to_funding": UNIT,
    "funding_first_approval": UNIT,
    "approve_funding": CITY | OWNER | WATCHER,
    "reject_funding": CITY | OWNER | ENGAGED | WATCHER,
    "start_delivery": CITY | {"expert.accepted"} | WATCHER,
    "report_delivery": CITY | ENGAGED | WATCHER,
    "evaluate": CITY | OWNER | ENGAGED | WATCHER,
    "decline": CITY | OWNER | ENGAGED | WATCHER,
    "withdraw": CITY | OWNER | ENGAGED | WATCHER,
    "auto_close": CITY | OWNER | ENGAGED | WATCHER,
    # The follow-ups after delivery: the city is asked and reminded, the hub hears when it does not answer.
    "follow_up_due": CITY | WATCHER,
    "follow_up_reminder": CITY | WATCHER,
    "follow_up_escalated": OWNER | {"hub.lead"} | WATCHER,
    "follow_up_missed": OWNER | WATCHER,
    "follow_up_answered": OWNER | WATCHER,
    # The check-ins after an incident (a request on the fast track) reach the same people.
    "check_in_due": CITY | WATCHER,
    "check_in_reminder": CITY | WATCHER,
    "check_in_escalated": OWNER | {"hub.lead"} | WATCHER,
    "check_in_missed": OWNER | WATCHER,
    "check_in_answered": OWNER | WATCHER,
    # The incident fast track: the hub's lead and staff and the management unit, at once (the watcher is in it).
    "fast_track": HUB | UNIT,
}


def told(world: World, event: str) -> dict[str, str]:
    rows = Notification.objects.filter(request=world.request, event=event, channel=Channel.IN_APP)
    return dict(rows.values_list("recipient__username", "reason"))


def test_every_lifecycle_event_is_expected_here():
    assert set(EVENTS) == set(EXPECTED)


def test_reminders_go_to_whoever_each_waiting_state_waits_on():
    assert {
        state.name: state.waits_on for state in STATES if state.deadline.kind is not DeadlineKind.NONE
    } == recipients.REMINDER_RECIPIENTS
    assert set(recipients.REMINDER_RECIPIENTS) == {
        "submitted", "info_requested", "expert_matching", "funding_review", "in_delivery", "delivered"
    }  # fmt: skip


@pytest.mark.parametrize("event", sorted(EXPECTED))
def test_each_event_reaches_exactly_its_recipients(world, event):
    data = {"experts": [world.proposed.pk]} if event in {"route_to_experts", "expert_proposed"} else {}
    if event == "conflict_waived":
        data = {"experts": [world.accepted.pk]}  # whose conflict was waived: accepted now
    if event == "conflict_released":
        data = {"released_experts": [world.declined.pk]}  # told although they lost access

    notifications_record_event(event=event, request=world.request, actor=None, data=data)

    assert set(told(world, event)) == EXPECTED[event]


def test_the_first_audience_decides_the_reason(world):
    notifications_record_event(event="approve_funding", request=world.request, actor=None)

    assert told(world, "approve_funding") == {
        "focal.one": "city",
        "focal.two": "city",
        "hub.officer": "owner",
        "mu.two": "watcher",
    }


def test_the_actor_is_never_told_of_their_own_move(world):
    notifications_record_event(event="request_info", request=world.request, actor=world.focal1)
    notifications_record_event(event="submit", request=world.request, actor=world.owner)

    assert "focal.one" not in told(world, "request_info")
    assert set(told(world, "submit")) == {"hub.lead", "hub.colleague", "mu.two"}


def test_a_request_filed_after_an_incident_alerts_the_hub_its_lead_and_the_management_unit(world):
    world.request.fast_tracked_at = world.request.created_at
    world.request.save(update_fields=["fast_tracked_at"])

    notifications_record_event(event="submit", request=world.request, actor=world.focal1)

    assert told(world, "submit") == {}
    assert told(world, "incident_filed") == {
        "hub.lead": "hub_lead",
        "hub.officer": "hub",
        "hub.colleague": "hub",
        "mu.one": "management",
        "mu.two": "management",
    }


def test_without_an_owner_the_hub_hears_what_the_owner_would(db):
    world = make_world(owner=None)

    notifications_record_event(event="provide_info", request=world.request, actor=world.focal1)

    assert told(world, "provide_info") == {
        "hub.lead": "hub",
        "hub.officer": "hub",
        "hub.colleague": "hub",
        "mu.two": "watcher",
    }


def test_people_outside_the_request_and_inactive_people_are_never_told(world):
    world.focal2.is_active = False
    world.focal2.save(update_fields=["is_active"])

    for event in EXPECTED:
        notifications_record_event(
            event=event, request=world.request, actor=None, data={"experts": [world.proposed.pk]}
        )

    reached = set(Notification.objects.values_list("recipient__username", flat=True))
    assert reached.isdisjoint({"focal.two", "focal.other", "hub.other", "expert.declined", "steering.one"})


def test_only_the_newly_proposed_expert_hears_of_a_proposal(world):
    world.accepted.assignments.update(status=ExpertAssignment.Status.PROPOSED)

    notifications_record_event(
        event="expert_proposed", request=world.request, actor=world.owner, data={"experts": [world.accepted.pk]}
    )

    assert set(told(world, "expert_proposed")) == {"expert.accepted", "mu.two"}


def test_a_watcher_who_no_longer_sees_the_request_is_not_told(world):
    moved = hub_staff(world.other_hub.region, username="hub.moved")
    world.request.watches.create(user=moved, added_by=world.owner)

    notifications_record_event(event="withdraw", request=world.request, actor=world.focal1)

    assert "hub.moved" not in told(world, "withdraw")


def test_recipients_cost_the_same_queries_for_two_or_twenty_people(world, django_assert_max_num_queries):
    from tests.factories import focal_point

    notifications_record_event(event="decline", request=world.request, actor=world.owner)
    for _ in range(20):
        focal_point(world.request.city)
    world.request.refresh_from_db()

    # Each audience is one query, roles and cities of everyone two more, each expert's grants one, the
    # inserts one: the count does not grow with the number of focal points.
    with django_assert_max_num_queries(14):
        created = notifications_record_event(event="withdraw", request=world.request, actor=world.focal1)
    assert len({n.recipient_id for n in created}) == 20 + 1 + 1 + 2 + 1
