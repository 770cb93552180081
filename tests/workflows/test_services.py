"""``perform`` and ``available_transitions``: conflicts, what a move records, the event, the buttons offered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helpdesk.models import Message, RequestState, SupportRequest, User, Visibility
from tests.workflows.conftest import VALID, row_counts
from workflows.errors import TransitionConflict, TransitionRefused
from workflows.lifecycle import TRANSITION_SPECS
from workflows.models import TransitionLog
from workflows.services import available_transitions, perform
from workflows.signals import lifecycle_event

S = RequestState


@pytest.fixture
def events():
    received: list[dict] = []

    def listener(sender, **kwargs):
        received.append(kwargs)

    lifecycle_event.connect(listener, dispatch_uid="test-events")
    yield received
    lifecycle_event.disconnect(dispatch_uid="test-events")


def test_a_move_on_a_request_someone_else_moved_first_is_a_conflict(net):
    seen = net.at("submitted")
    perform(seen, "request_info", net.hub, **VALID["request_info"])
    before = row_counts()

    # The officer's page still shows the request as submitted.
    with pytest.raises(TransitionConflict) as conflict:
        perform(seen, "decline", net.officer, **VALID["decline"])

    assert conflict.value.code == "conflict"
    assert "Reload" in str(conflict.value)
    assert row_counts() == before


def test_an_expert_may_answer_after_the_hub_moved_on(net):
    """Moves on an assignment leave the state alone: a page read before the hub applied for funding still works."""
    seen = net.at("expert_matching")
    perform(seen, "route_to_funding", net.hub, **VALID["route_to_funding"])

    after = perform(seen, "accept_assignment", net.expert, **VALID["accept_assignment"])

    assert after.state == S.FUNDING_REVIEW
    assert after.assignments.get().status == "accepted"


def test_perform_returns_the_plain_model_as_it_is_after_the_move(net):
    request = net.at("draft")

    after = perform(request, "submit", net.focal)

    assert type(after) is SupportRequest
    assert after.state == S.SUBMITTED and after.submitted_at is not None and after.due_at is not None
    assert request.state == S.DRAFT  # the caller's object is not changed behind its back


def test_the_event_is_sent_inside_the_transaction_with_ids_only(net, events):
    request = net.at("submitted")

    after = perform(request, "request_info", net.hub, question="<p>Who leads the project? Call +44 20 7946 0958</p>")

    event = events[-1]
    log = TransitionLog.objects.get(request=request, transition="request_info")
    assert event["event"] == "request_info"
    assert event["request"].pk == after.pk and type(event["request"]) is SupportRequest
    assert event["request"].state == S.INFO_REQUESTED
    assert event["actor"] == net.hub and event["log"] == log
    message = Message.objects.get(request=request)
    assert event["data"]["message"] == message.pk
    assert "Who leads" not in str(event["data"]) and "Who leads" not in str(log.data) + log.comment


def test_a_listener_that_fails_undoes_the_whole_move(net):
    """The event is sent inside the move's transaction: what listeners record stands or falls with the move."""
    request = net.at("submitted")
    before = row_counts()

    def broken_listener(sender, **kwargs):
        raise RuntimeError("listener failed")

    lifecycle_event.connect(broken_listener, dispatch_uid="test-broken")
    try:
        with pytest.raises(RuntimeError):
            perform(request, "request_info", net.hub, **VALID["request_info"])
    finally:
        lifecycle_event.disconnect(dispatch_uid="test-broken")

    assert row_counts() == before
    assert SupportRequest.objects.get(pk=request.pk).state == S.SUBMITTED


def test_assignment_moves_are_announced_under_their_own_names(net, events):
    request = net.at("expert_matching")
    perform(request, "propose_expert", net.hub, experts=[net.expert2.pk])
    perform(request, "decline_assignment", net.expert2, reason="Busy.")
    perform(request, "accept_assignment", net.expert, **VALID["accept_assignment"])

    moves = events[-3:]
    assert [e["event"] for e in moves] == ["expert_proposed", "assignment_declined", "assignment_accepted"]
    assert moves[0]["data"]["experts"] == [net.expert2.pk]
    assert moves[2]["data"]["has_conflict"] is False


def test_text_shared_with_the_city_becomes_a_city_message_and_is_sanitised(net):
    request = net.at("submitted")

    perform(request, "decline", net.hub, reason='<p onclick="x()">Out of scope.</p><script>alert(1)</script>')

    message = Message.objects.get(request=request)
    assert message.visibility == Visibility.CITY and message.author == net.hub
    assert "script" not in message.body and "onclick" not in message.body and "Out of scope." in message.body


def test_text_that_is_only_markup_counts_as_missing(net):
    request = net.at("in_delivery")

    with pytest.raises(TransitionRefused) as refused:
        perform(request, "report_delivery", net.expert, report="<p> </p><br><em></em>")

    assert refused.value.code == "missing_data"


def test_plain_text_loses_control_characters(net):
    request = net.at("expert_matching")

    perform(request, "accept_assignment", net.expert, declaration="None\u202e at all\x00.", has_conflict=True)

    assignment = request.assignments.get()
    assert assignment.conflict_of_interest == "None at all."
    assert assignment.has_conflict is True


@pytest.mark.parametrize(
    ("transition", "path", "who", "changes", "field"),
    [
        ("evaluate", "delivered", "focal", {"rating": 7}, "rating"),
        ("evaluate", "delivered", "focal", {"would_recommend": "perhaps"}, "would_recommend"),
        ("accept_assignment", "expert_matching", "expert", {"has_conflict": "maybe"}, "has_conflict"),
        ("route_to_funding", "submitted", "hub", {"amount": "-5"}, "amount"),
        ("route_to_funding", "submitted", "hub", {"currency": "XYZ"}, "currency"),
        ("route_to_funding", "submitted", "hub", {"strategic_priority": 9}, "strategic_priority"),
        ("route_to_funding", "submitted", "hub", {"budget_lines": [{"item": "", "amount": "5"}]}, "budget_lines"),
        ("route_to_experts", "submitted", "hub", {"experts": ["someone"]}, "experts"),
        ("start_delivery", "expert_matching_accepted", "hub", {"delivery_due": "next week"}, "delivery_due"),
    ],
)
def test_bad_values_are_refused_field_by_field(net, transition, path, who, changes, field):
    request = net.at(path)
    before = row_counts()

    with pytest.raises(TransitionRefused) as refused:
        perform(request, transition, net.people[who], **net.data(transition, **changes))

    assert refused.value.code == "invalid_data"
    assert field in refused.value.fields
    assert row_counts() == before


def test_data_a_move_does_not_take_is_refused(net):
    request = net.at("submitted")

    with pytest.raises(TransitionRefused) as refused:
        perform(request, "withdraw", net.focal, now=timezone.now() - timedelta(days=400))

    assert refused.value.code == "invalid_data" and "now" in refused.value.fields


def test_an_incomplete_draft_cannot_be_submitted_and_says_what_is_missing(net):
    request = net.request(description="", kind="fund", funding_requested=None)

    assert [s.name for s in available_transitions(request, net.focal)] == ["withdraw"]
    with pytest.raises(TransitionRefused) as refused:
        perform(request, "submit", net.focal)

    assert refused.value.code == "incomplete"
    assert set(refused.value.fields) == {"description", "funding_requested"}


# --- available_transitions ----------------------------------------------------------------------------
OFFERED = [
    ("draft", "focal", ["submit", "withdraw"]),
    ("draft", "hub", []),
    ("submitted", "focal", ["withdraw"]),
    ("submitted", "hub", ["request_info", "answer_directly", "route_to_experts", "route_to_funding", "decline"]),
    ("submitted", "mu", []),
    ("submitted", "other_hub", []),
    ("info_requested", "focal", ["provide_info", "withdraw"]),
    ("expert_matching", "hub", ["propose_expert", "route_to_funding", "decline"]),
    ("expert_matching", "expert", ["accept_assignment", "decline_assignment"]),
    ("expert_matching", "unassigned_expert", []),
    ("expert_matching_accepted", "hub", ["propose_expert", "route_to_funding", "start_delivery", "decline"]),
    ("expert_matching_accepted", "expert", []),
    ("funding_review", "mu", ["approve_funding", "reject_funding"]),
    ("funding_review", "focal", ["withdraw"]),
    ("in_delivery", "expert", ["report_delivery"]),
    ("in_delivery", "officer", ["report_delivery"]),
    ("in_delivery", "focal", []),
    ("delivered", "focal", ["evaluate"]),
    ("delivered", "hub", []),
    ("closed", "focal", []),
    ("closed", "hub", []),
]


@pytest.mark.parametrize(("path", "who", "names"), OFFERED, ids=[f"{p}-{w}" for p, w, _ in OFFERED])
def test_available_transitions_are_exactly_the_moves_the_person_may_make(net, path, who, names):
    request = SupportRequest.objects.get(pk=net.at(path).pk)

    offered = available_transitions(request, net.people[who])

    assert [spec.name for spec in offered] == names
    assert all(spec is TRANSITION_SPECS[spec.name] for spec in offered)


@pytest.mark.parametrize("who", ["focal", "hub", "expert", "mu", "steering", "other_focal", "unassigned_expert"])
@pytest.mark.parametrize("path", ["submitted", "expert_matching", "funding_review_with_expert", "in_delivery"])
def test_available_transitions_cost_a_fixed_number_of_queries(net, django_assert_max_num_queries, path, who):
    request = net.at(path)
    # A long history must not cost more: add moves that leave the state where it is.
    if path == "expert_matching":
        perform(request, "propose_expert", net.hub, experts=[net.expert2.pk])
        perform(request, "decline_assignment", net.expert2, reason="Busy.")
    fresh = SupportRequest.objects.get(pk=request.pk)
    person = User.objects.get(pk=net.people[who].pk)

    with django_assert_max_num_queries(5):
        available_transitions(fresh, person)


def test_the_desk_itself_is_offered_nothing(net):
    assert available_transitions(net.at("delivered"), None) == []


# --- what a move costs ----------------------------------------------------------------------------------
@pytest.fixture
def quiet():
    """Moves without listeners: what is counted is the workflow's own work (tests/notifications count theirs)."""
    from unittest import mock

    from helpdesk.signals import message_posted

    with mock.patch.object(lifecycle_event, "receivers", []), mock.patch.object(message_posted, "receivers", []):
        yield


@pytest.mark.parametrize(
    ("path", "transition", "who", "most"),
    [
        ("draft", "submit", "focal", 8),
        ("submitted", "request_info", "hub", 10),
        ("expert_matching", "accept_assignment", "expert", 11),
        ("funding_review", "approve_funding", "mu", 12),
        ("in_delivery", "report_delivery", "expert", 11),
        ("delivered", "evaluate", "focal", 7),
    ],
)
def test_a_move_costs_a_bounded_number_of_queries(
    net, quiet, django_assert_max_num_queries, path, transition, who, most
):
    request = net.at(path)

    with django_assert_max_num_queries(most):
        perform(request, transition, net.people[who], **net.data(transition))


def test_a_long_history_does_not_make_a_move_dearer(net, quiet, django_assert_max_num_queries):
    short = net.at("submitted")
    long = net.at("submitted")
    for _ in range(5):
        long = perform(long, "request_info", net.hub, **VALID["request_info"])
        long = perform(long, "provide_info", net.focal, **VALID["provide_info"])

    with CaptureQueriesContext(connection) as first:
        perform(short, "route_to_funding", net.hub, **VALID["route_to_funding"])
    with django_assert_max_num_queries(len(first)):
        perform(long, "route_to_funding", net.hub, **VALID["route_to_funding"])
