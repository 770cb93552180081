"""The hub puts a request on the incident fast track: hours from now, every day counted, once, by its own staff;
on the fast track the hub routes straight to experts or the fund, the key indicators planned later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from helpdesk.models import Message, RequestState, SupportRequest, Visibility
from workflows.errors import TransitionRefused
from workflows.lifecycle import TRANSITION_SPECS
from workflows.models import FundApplication, TransitionLog
from workflows.selectors import available_transitions, expected_move
from workflows.services import transition_perform

# A Saturday: no working day anywhere near, so a working-days deadline would be days away.
NOW = datetime(2026, 12, 5, 22, 0, tzinfo=UTC)
REASON = {"reason": "<p>An attack last night: the city needs advice before the weekend ends.</p>"}


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


def fast_track(request, who, **data):
    return transition_perform(request=request, transition="fast_track", actor=who, data=data or REASON)


@pytest.mark.parametrize(
    ("path", "state", "hours"),
    [
        ("submitted", RequestState.SUBMITTED, 24),
        ("info_requested", RequestState.INFO_REQUESTED, 24),
        ("expert_matching", RequestState.EXPERT_MATCHING, 48),
        ("funding_review", RequestState.FUNDING_REVIEW, 48),
    ],
)
def test_the_waiting_step_is_due_in_hours_from_now_and_the_move_is_recorded(net, clock, path, state, hours):
    request = net.at(path)

    moved = fast_track(request, net.officer)

    assert moved.state == state
    assert moved.fast_tracked_at == NOW
    assert moved.due_at == NOW + timedelta(hours=hours)
    log = TransitionLog.objects.filter(request=request).latest("seq")
    assert (log.transition, log.from_state, log.to_state, log.actor_id) == ("fast_track", state, state, net.officer.pk)
    assert log.data["fast_track"] is True and log.data["due_at"]
    note = Message.objects.get(pk=log.data["message"])
    assert note.visibility == Visibility.INTERNAL and "An attack last night" in note.body


def test_it_is_not_offered_again_once_on_the_fast_track(net, clock):
    request = fast_track(net.at("submitted"), net.hub)

    assert TRANSITION_SPECS["fast_track"] not in available_transitions(request, net.officer)
    with pytest.raises(TransitionRefused) as refused:
        fast_track(request, net.officer)
    assert refused.value.code == "already_fast_tracked"


@pytest.mark.parametrize("who", ["focal", "other_hub", "mu", "expert"])
def test_only_the_regions_hub_staff_put_a_request_on_it(net, clock, who):
    request = net.at("submitted")

    assert TRANSITION_SPECS["fast_track"] not in available_transitions(request, net.people[who])
    with pytest.raises(TransitionRefused) as refused:
        fast_track(request, net.people[who])
    assert refused.value.code == "not_allowed"


@pytest.mark.parametrize("path", ["draft", "in_delivery", "delivered", "closed"])
def test_not_from_a_draft_nor_once_delivery_started(net, clock, path):
    request = net.at(path)

    with pytest.raises(TransitionRefused) as refused:
        fast_track(request, net.hub)
    assert refused.value.code == "wrong_state"


def test_a_reason_is_asked(net, clock):
    with pytest.raises(TransitionRefused) as refused:
        transition_perform(request=net.at("submitted"), transition="fast_track", actor=net.hub, data={})
    assert refused.value.code == "missing_data" and "reason" in refused.value.fields


def test_a_sooner_deadline_is_kept(net, clock):
    request = net.at("submitted")
    due = NOW + timedelta(hours=10)  # the last of its five working days
    SupportRequest.objects.filter(pk=request.pk).update(due_at=due)
    request.refresh_from_db()

    assert fast_track(request, net.hub).due_at == due


def test_an_application_above_the_emergency_ceiling_keeps_the_funds_own_time(net, clock, settings):
    settings.FUND_EMERGENCY_CEILING = Decimal("5000")
    request = net.at("funding_review")  # 10,000 asked
    due = request.due_at

    moved = fast_track(request, net.hub)

    assert moved.fast_tracked_at == NOW and moved.due_at == due
    assert not FundApplication.objects.get(request=request).emergency


def test_an_application_within_the_emergency_ceiling_becomes_an_emergency_one(net, clock):
    request = net.at("funding_review")  # 10,000 asked, the default ceiling

    moved = fast_track(request, net.hub)

    assert moved.due_at == NOW + timedelta(hours=48)
    assert FundApplication.objects.get(request=request).emergency
    assert TransitionLog.objects.filter(request=request, transition="fast_track").get().data["emergency"] is True


def test_the_next_steps_count_in_hours_too(net, clock):
    request = fast_track(net.at("submitted"), net.hub)

    routed = transition_perform(
        request=request, transition="route_to_experts", actor=net.officer, data=net.data("route_to_experts")
    )

    assert routed.due_at == NOW + timedelta(hours=48)


def test_on_the_fast_track_the_fund_is_asked_without_key_indicators(net, clock):
    off_track = net.at("submitted")
    with pytest.raises(TransitionRefused) as refused:
        transition_perform(
            request=off_track,
            transition="route_to_funding",
            actor=net.hub,
            data=net.data("route_to_funding", indicators=None),
        )
    assert refused.value.code == "missing_data" and "indicators" in refused.value.fields

    request = fast_track(net.at("submitted"), net.hub)
    routed = transition_perform(
        request=request,
        transition="route_to_funding",
        actor=net.hub,
        data=net.data("route_to_funding", indicators=None),
    )

    assert routed.state == RequestState.FUNDING_REVIEW


def test_on_the_fast_track_the_hubs_expected_step_is_to_route_it(net, clock):
    advice = net.at("submitted")  # an advice request: answering it directly is its usual road
    assert expected_move(advice, available_transitions(advice, net.hub)).name == "answer_directly"

    request = fast_track(advice, net.hub)
    moves = available_transitions(request, net.hub)

    assert expected_move(request, moves).name == "route_to_experts"
    assert TRANSITION_SPECS["request_info"] in moves  # still there, as a side step


def test_a_fund_request_on_the_fast_track_goes_to_the_fund(net, clock):
    request = fast_track(net.at("submitted", kind="fund", funding_requested=Decimal("10000")), net.hub)

    assert expected_move(request, available_transitions(request, net.hub)).name == "route_to_funding"
