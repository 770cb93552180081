"""``transition_perform`` and ``available_transitions``: conflicts, what a move records, the event, the buttons
offered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helpdesk import services
from helpdesk.models import (
    AccessLog,
    Indicator,
    Message,
    RequestState,
    SupportRequest,
    SupportRequestGroupObjectPermission,
    SupportRequestUserObjectPermission,
    User,
    Visibility,
)
from tests.access_world import build_world
from tests.factories import SupportRequestFactory, expert
from tests.workflows.conftest import VALID, row_counts
from workflows.errors import TransitionConflict, TransitionRefused
from workflows.follow_ups import Step
from workflows.lifecycle import TRANSITION_SPECS
from workflows.models import ExpertAssignment, FollowUp, OutcomeTarget, TransitionLog
from workflows.selectors import available_transitions
from workflows.services import (
    FollowUpRun,
    access_grants_reconcile,
    follow_ups_at_step,
    follow_ups_to_open,
    outcomes_followups_run,
    transition_perform,
)
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
    transition_perform(request=seen, transition="request_info", actor=net.hub, data=VALID["request_info"])
    before = row_counts()

    # The officer's page still shows the request as submitted.
    with pytest.raises(TransitionConflict) as conflict:
        transition_perform(request=seen, transition="decline", actor=net.officer, data=VALID["decline"])

    assert conflict.value.code == "conflict"
    assert "Reload" in str(conflict.value)
    assert row_counts() == before


def test_an_expert_may_answer_after_the_hub_moved_on(net):
    """Moves on an assignment leave the state alone: a page read before the hub applied for funding still works."""
    seen = net.at("expert_matching")
    transition_perform(request=seen, transition="route_to_funding", actor=net.hub, data=net.data("route_to_funding"))

    after = transition_perform(
        request=seen, transition="accept_assignment", actor=net.expert, data=VALID["accept_assignment"]
    )

    assert after.state == S.FUNDING_REVIEW
    assert after.assignments.get().status == "accepted"


def test_perform_returns_the_plain_model_as_it_is_after_the_move(net):
    request = net.at("draft")

    after = transition_perform(request=request, transition="submit", actor=net.focal)

    assert type(after) is SupportRequest
    assert after.state == S.SUBMITTED and after.submitted_at is not None and after.due_at is not None
    assert request.state == S.DRAFT  # the caller's object is not changed behind its back


def test_the_event_is_sent_inside_the_transaction_with_ids_only(net, events):
    request = net.at("submitted")

    after = transition_perform(
        request=request,
        transition="request_info",
        actor=net.hub,
        data={"question": "<p>Who leads the project? Call +44 20 7946 0958</p>"},
    )

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
            transition_perform(request=request, transition="request_info", actor=net.hub, data=VALID["request_info"])
    finally:
        lifecycle_event.disconnect(dispatch_uid="test-broken")

    assert row_counts() == before
    assert SupportRequest.objects.get(pk=request.pk).state == S.SUBMITTED


def test_assignment_moves_are_announced_under_their_own_names(net, events):
    request = net.at("expert_matching")
    transition_perform(request=request, transition="propose_expert", actor=net.hub, data={"experts": [net.expert2.pk]})
    transition_perform(request=request, transition="decline_assignment", actor=net.expert2, data={"reason": "Busy."})
    transition_perform(
        request=request, transition="accept_assignment", actor=net.expert, data=VALID["accept_assignment"]
    )

    moves = events[-3:]
    assert [e["event"] for e in moves] == ["expert_proposed", "assignment_declined", "assignment_accepted"]
    assert moves[0]["data"]["experts"] == [net.expert2.pk]
    assert moves[2]["data"]["has_conflict"] is False


def test_text_shared_with_the_city_becomes_a_city_message_and_is_sanitised(net):
    request = net.at("submitted")

    transition_perform(
        request=request,
        transition="decline",
        actor=net.hub,
        data={"reason": '<p onclick="x()">Out of scope.</p><script>alert(1)</script>'},
    )

    message = Message.objects.get(request=request)
    assert message.visibility == Visibility.CITY and message.author == net.hub
    assert "script" not in message.body and "onclick" not in message.body and "Out of scope." in message.body


def test_text_that_is_only_markup_counts_as_missing(net):
    request = net.at("in_delivery")

    with pytest.raises(TransitionRefused) as refused:
        transition_perform(
            request=request, transition="report_delivery", actor=net.expert, data={"report": "<p> </p><br><em></em>"}
        )

    assert refused.value.code == "missing_data"


def test_plain_text_loses_control_characters(net):
    request = net.at("expert_matching")

    transition_perform(
        request=request,
        transition="accept_assignment",
        actor=net.expert,
        data={"declaration": "None\u202e at all\x00.", "has_conflict": True},
    )

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
        transition_perform(
            request=request, transition=transition, actor=net.people[who], data=net.data(transition, **changes)
        )

    assert refused.value.code == "invalid_data"
    assert field in refused.value.fields
    assert row_counts() == before


def test_data_a_move_does_not_take_is_refused(net):
    request = net.at("submitted")

    with pytest.raises(TransitionRefused) as refused:
        transition_perform(request=request, transition="withdraw", actor=net.focal, data={"reason": "Changed plans."})

    assert refused.value.code == "invalid_data" and "reason" in refused.value.fields


def test_only_the_desk_itself_may_say_when_a_move_happens(net):
    """A scheduled task passes its clock; a person's move happens now, whatever the caller says."""
    long_ago = timezone.now() - timedelta(days=400)
    request = transition_perform(request=net.at("submitted"), transition="withdraw", actor=net.focal, now=long_ago)

    assert request.closed_at > timezone.now() - timedelta(minutes=1)
    assert TransitionLog.objects.filter(request=request).latest("seq").created_at == request.closed_at


def test_an_incomplete_draft_cannot_be_submitted_and_says_what_is_missing(net):
    request = net.request(description="", kind="fund", funding_requested=None)

    assert [s.name for s in available_transitions(request, net.focal)] == ["withdraw"]
    with pytest.raises(TransitionRefused) as refused:
        transition_perform(request=request, transition="submit", actor=net.focal)

    assert refused.value.code == "incomplete"
    assert set(refused.value.fields) == {"description", "funding_requested"}


# --- available_transitions ----------------------------------------------------------------------------
OFFERED = [
    ("draft", "focal", ["submit", "withdraw"]),
    ("draft", "hub", []),
    ("submitted", "focal", ["withdraw"]),
    (
        "submitted",
        "hub",
        ["request_info", "answer_directly", "route_to_experts", "route_to_funding", "decline", "fast_track"],
    ),
    ("submitted", "mu", []),
    ("submitted", "other_hub", []),
    ("info_requested", "focal", ["provide_info", "withdraw"]),
    ("expert_matching", "hub", ["propose_expert", "route_to_funding", "decline", "fast_track"]),
    ("expert_matching", "expert", ["accept_assignment", "decline_assignment"]),
    ("expert_matching", "unassigned_expert", []),
    (
        "expert_matching_accepted",
        "hub",
        ["propose_expert", "route_to_funding", "start_delivery", "decline", "fast_track"],
    ),
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
        transition_perform(
            request=request, transition="propose_expert", actor=net.hub, data={"experts": [net.expert2.pk]}
        )
        transition_perform(
            request=request, transition="decline_assignment", actor=net.expert2, data={"reason": "Busy."}
        )
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
    # A move into a state that awaits someone reads the owning hub's calendar: 2 queries (the hub with the
    # city's country, the hub's closure days). A move that changes the state adds to the figures' tally: 3 queries
    # (``workflows.tally.tally_apply``); accepting an assignment keeps the state and the tally.
    [
        ("draft", "submit", "focal", 13),
        ("submitted", "request_info", "hub", 15),
        ("expert_matching", "accept_assignment", "expert", 11),
        # and whether the approver declared a tie to the city; and the grant tally: the request's approved grants
        # read before and after (1 query each), the difference added (3); and the outcome tally, whose cells of
        # the envelope now count the request: read before and after (5 queries each), the difference added (3)
        ("funding_review", "approve_funding", "mu", 36),
        ("in_delivery", "report_delivery", "expert", 17),  # the delivered request's approved grants (none here)
        # and the outcome tally: what the request counted for read before and after (5 queries each: its
        # targets, values, follow-ups, evaluation and grants), the difference added (3); the same for any request,
        # whatever its history
        ("delivered", "evaluate", "focal", 23),
    ],
)
def test_a_move_costs_a_bounded_number_of_queries(
    net, quiet, django_assert_max_num_queries, path, transition, who, most
):
    request = net.at(path)

    with django_assert_max_num_queries(most):
        transition_perform(request=request, transition=transition, actor=net.people[who], data=net.data(transition))


def test_a_long_history_does_not_make_a_move_dearer(net, quiet, django_assert_max_num_queries):
    short = net.at("submitted")
    long = net.at("submitted")
    for _ in range(5):
        long = transition_perform(request=long, transition="request_info", actor=net.hub, data=VALID["request_info"])
        long = transition_perform(request=long, transition="provide_info", actor=net.focal, data=VALID["provide_info"])

    with CaptureQueriesContext(connection) as first:
        transition_perform(
            request=short, transition="route_to_funding", actor=net.hub, data=net.data("route_to_funding")
        )
    with django_assert_max_num_queries(len(first)):
        transition_perform(
            request=long, transition="route_to_funding", actor=net.hub, data=net.data("route_to_funding")
        )


# --- the grants' safety net ---------------------------------------------------------------------------
@pytest.fixture
def world(db):
    return build_world()


def test_reconcile_removes_orphans_expired_and_group_rows_and_keeps_live_grants(world):
    now = timezone.now()
    declined = expert()
    ExpertAssignment.objects.create(request=world.req, expert=declined, status="declined")
    services.expert_access_grant(request=world.req, expert=declined)  # left behind by a missed revoke
    ended = SupportRequestFactory(city=world.req.city, state=RequestState.CLOSED)
    SupportRequest.objects.filter(pk=ended.pk).update(closed_at=now - timedelta(days=45))
    finished = expert()
    ExpertAssignment.objects.create(request=ended, expert=finished, status="completed")
    services.expert_access_grant(request=ended, expert=finished)
    recent = SupportRequestFactory(city=world.req.city, state=RequestState.CLOSED)
    SupportRequest.objects.filter(pk=recent.pk).update(closed_at=now - timedelta(days=2))
    ExpertAssignment.objects.create(request=recent, expert=finished, status="completed")
    services.expert_access_grant(request=recent, expert=finished)
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    assign_perm("helpdesk.view_supportrequest", Group.objects.get(name="expert"), world.req)

    result = access_grants_reconcile(now=now, grace_days=30)
    assert (result.orphaned, result.expired, result.group_rows) == (1, 1, 1)
    remaining = set(SupportRequestUserObjectPermission.objects.values_list("content_object_id", "user_id"))
    assert remaining == {
        (world.req.pk, world.user("assigned_expert").pk),
        (world.req.pk, world.extra["suspended_expert"].pk),
        (recent.pk, finished.pk),
    }
    assert not SupportRequestGroupObjectPermission.objects.exists()
    assert AccessLog.objects.filter(action=AccessLog.Action.REVOKE, subject=declined).count() == 1
    assert access_grants_reconcile(now=now, grace_days=30).total == 0


def test_reconcile_command(world, capsys):
    from django.core.management import call_command

    ExpertAssignment.objects.filter(expert=world.user("assigned_expert")).update(status="declined")
    call_command("access_grants_reconcile")
    assert "Removed 1 grant(s)" in capsys.readouterr().out


# --- the follow-ups after delivery (outcomes_followups_run) ----------------------------------------------
FOLLOWED_UP = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)


def _followed_up(net, count: int) -> list[SupportRequest]:
    """``count`` requests delivered on ``FOLLOWED_UP``, each planning one indicator."""
    indicator = Indicator.objects.get_or_create(
        code="staff-trained", defaults={"priority": 1, "name": "Staff trained", "definition": "…", "unit": "count"}
    )[0]
    with time_machine.travel(FOLLOWED_UP, tick=False):
        requests = [net.at("delivered") for _ in range(count)]
    OutcomeTarget.objects.bulk_create(OutcomeTarget(request=r, indicator=indicator) for r in requests)
    return requests


@pytest.mark.parametrize("count", [1, 4])
def test_the_follow_up_job_finds_its_candidates_in_one_query_each(net, count, django_assert_num_queries):
    _followed_up(net, count)
    asked = datetime(2026, 4, 16, tzinfo=UTC)

    with django_assert_num_queries(1):
        assert len(follow_ups_to_open(asked)) == count
    outcomes_followups_run(now=asked)
    for step, days in ((Step.REMIND, 14), (Step.ESCALATE, 28), (Step.MISS, 60)):
        with django_assert_num_queries(1):
            assert len(follow_ups_at_step(step, asked + timedelta(days=days))) == count


def test_the_follow_up_job_is_safe_to_run_twice(net, settings):
    settings.OUTCOMES_FOLLOW_UP_MONTHS = [3, 6]
    _followed_up(net, 2)
    # Three months on, then each step, then six months on: a second run at the same moment adds nothing.
    moments = [datetime(2026, 4, 15, 3, tzinfo=UTC) + timedelta(days=d) for d in (0, 14, 28, 60)]
    expected = [
        FollowUpRun(opened=2),
        FollowUpRun(reminded=2),
        FollowUpRun(escalated=2),
        FollowUpRun(missed=2),
    ]
    for moment, counts in zip(moments, expected, strict=True):
        assert outcomes_followups_run(now=moment) == counts
        rows = row_counts()
        assert outcomes_followups_run(now=moment) == FollowUpRun()
        assert row_counts() == rows
    assert outcomes_followups_run(now=datetime(2026, 7, 15, 3, tzinfo=UTC)) == FollowUpRun(opened=2)
    assert FollowUp.objects.filter(status="missed", months=3).count() == 2
    assert FollowUp.objects.filter(status="open", months=6).count() == 2


def test_the_follow_up_command_and_task_say_what_they_did(net, capsys, time_machine):
    from django.core.management import call_command

    from notifications.tasks import outcome_follow_ups

    _followed_up(net, 1)
    time_machine.move_to(datetime(2026, 4, 20, 3, tzinfo=UTC), tick=False)

    call_command("outcomes_followups")
    assert "Follow-ups: 1 opened, 0 reminded, 0 escalated, 0 missed." in capsys.readouterr().out
    assert outcome_follow_ups() == {"opened": 0, "reminded": 0, "escalated": 0, "missed": 0}
    time_machine.move_to(datetime(2026, 5, 5, 3, tzinfo=UTC), tick=False)
    assert outcome_follow_ups() == {"opened": 0, "reminded": 1, "escalated": 0, "missed": 0}
