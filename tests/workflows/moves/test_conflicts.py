"""A conflict of interest declared while accepting: it stops the acceptance until the hub lead records a waiver
(with its reason, audited) or asks another expert instead (the expert loses the brief)."""

from __future__ import annotations

import hashlib

import pytest

from helpdesk.models import RequestState, SupportRequestUserObjectPermission
from notifications.models import Channel, Notification
from tests.factories import hub_staff
from tests.workflows.conftest import VALID, row_counts
from workflows.errors import TransitionRefused
from workflows.models import ExpertAssignment, TransitionLog
from workflows.selectors import available_transitions, request_lifecycle
from workflows.services import transition_perform

S = RequestState
Status = ExpertAssignment.Status
DECLARATION = "I advised the mayor's office until last year."
REASON = "The advice ended a year ago and concerned another department."


def _grants(request) -> set[int]:
    return set(
        SupportRequestUserObjectPermission.objects.filter(
            content_object=request, permission__codename="view_supportrequest"
        ).values_list("user_id", flat=True)
    )


def _declare(net, request, expert=None):
    """The proposed expert accepts, declaring a conflict of interest."""
    return transition_perform(
        request=request,
        transition="accept_assignment",
        actor=expert or net.expert,
        data={"declaration": DECLARATION, "has_conflict": True},
    )


def _refusal(request, transition, actor, **data) -> TransitionRefused:
    before = row_counts()
    with pytest.raises(TransitionRefused) as refused:
        transition_perform(request=request, transition=transition, actor=actor, data=data)
    assert row_counts() == before
    return refused.value


def _told(request, event: str) -> dict[str, str]:
    rows = Notification.objects.filter(request=request, event=event, channel=Channel.IN_APP)
    return {n.recipient.username: n.reason for n in rows.select_related("recipient")}


def _names(moves) -> set[str]:
    return {spec.name for spec in moves}


@pytest.fixture
def conflicted(net):
    return _declare(net, net.at("expert_matching"))


def test_a_declared_conflict_does_not_accept_the_assignment(net, conflicted):
    assignment = ExpertAssignment.objects.get(request=conflicted)

    assert assignment.status == Status.CONFLICT
    assert (assignment.has_conflict, assignment.conflict_of_interest) == (True, DECLARATION)
    assert assignment.responded_at is not None
    # Not counted as accepted: delivery cannot start, and the hub is not offered it.
    assert "start_delivery" not in _names(available_transitions(conflicted, net.hub))
    assert _refusal(conflicted, "start_delivery", net.hub).code == "no_accepted_expert"
    # The expert keeps the brief while the hub lead decides, and has nothing more to answer.
    assert _grants(conflicted) == {net.expert.pk}
    assert available_transitions(conflicted, net.expert) == []
    assert ExpertAssignment.objects.filter(expert=net.expert, status__in=ExpertAssignment.ACTIVE).count() == 1


def test_the_expert_reads_that_their_acceptance_waits_for_the_hub_lead(net, conflicted):
    view = request_lifecycle(conflicted, net.expert, oversees=False)

    assert view.reader == "conflicted_expert"
    assert "waits for the hub lead" in str(view.phrase)


def test_the_hub_lead_and_the_owner_hear_of_the_conflict_not_of_an_acceptance(net):
    request = net.at("expert_matching")
    request.owner = net.officer
    request.save(update_fields=["owner"])

    _declare(net, request)

    last = TransitionLog.objects.filter(request=request).order_by("-seq").first()
    assert last.transition == "accept_assignment" and last.data["announced"] == "assignment_conflict"
    assert _told(request, "assignment_conflict") == {net.hub.username: "hub_lead", net.officer.username: "owner"}
    assert not Notification.objects.filter(request=request, event="assignment_accepted").exists()


def test_the_hub_lead_waives_the_conflict_with_a_reason_and_the_acceptance_stands(net, conflicted):
    assignment = ExpertAssignment.objects.get(request=conflicted)
    offered = _names(available_transitions(conflicted, net.hub))
    assert {"waive_conflict", "release_conflicted"} <= offered

    transition_perform(
        request=conflicted,
        transition="waive_conflict",
        actor=net.hub,
        data={"assignment": assignment.pk, "reason": REASON},
    )

    assignment.refresh_from_db()
    assert assignment.status == Status.ACCEPTED
    assert (assignment.waiver_reason, assignment.waived_by, assignment.waived_at is not None) == (REASON, net.hub, True)
    assert assignment.conflict_of_interest == DECLARATION
    # The move's audit row: the assignment, the expert, and the fingerprint of the reason (never the text).
    row = TransitionLog.objects.filter(request=conflicted).order_by("-seq").first()
    assert (row.transition, row.actor, row.from_state, row.to_state) == (
        "waive_conflict",
        net.hub,
        S.EXPERT_MATCHING,
        S.EXPERT_MATCHING,
    )
    assert row.data["assignment"] == assignment.pk and row.data["experts"] == [net.expert.pk]
    assert row.data["waiver_reason_sha256"] == hashlib.sha256(REASON.encode()).hexdigest()
    assert REASON not in str(row.data) + row.comment
    # Now an accepted expert: delivery may start, and the expert hears that their acceptance stands.
    assert "start_delivery" in _names(available_transitions(conflicted, net.hub))
    # The hub has no owner for the request: its staff hear it (the lead made the move).
    assert _told(conflicted, "conflict_waived") == {net.expert.username: "expert", net.officer.username: "hub"}


def test_the_management_unit_may_decide_too(net, conflicted):
    assert {"waive_conflict", "release_conflicted"} <= _names(available_transitions(conflicted, net.mu))


@pytest.mark.parametrize("who", ["officer", "expert", "focal", "other_hub", "steering"])
def test_only_the_hub_lead_or_the_management_unit_decides(net, conflicted, who):
    assignment = ExpertAssignment.objects.get(request=conflicted)

    for move in ("waive_conflict", "release_conflicted"):
        refused = _refusal(conflicted, move, net.people[who], assignment=assignment.pk, reason=REASON)
        assert refused.code == "not_allowed"
        assert move not in _names(available_transitions(conflicted, net.people[who]))


def test_the_lead_of_another_hub_may_not_decide(net, conflicted):
    other_lead = hub_staff(net.other_region, is_hub_lead=True)
    assignment = ExpertAssignment.objects.get(request=conflicted)

    refused = _refusal(conflicted, "waive_conflict", other_lead, assignment=assignment.pk, reason=REASON)

    assert refused.code == "not_allowed"


def test_a_waiver_needs_its_reason_and_a_conflicted_assignment(net, conflicted):
    assignment = ExpertAssignment.objects.get(request=conflicted)

    missing = _refusal(conflicted, "waive_conflict", net.hub, assignment=assignment.pk, reason="   ")
    assert missing.code == "missing_data" and "reason" in missing.fields
    other = ExpertAssignment.objects.create(request=conflicted, expert=net.expert2, status=Status.DECLINED)
    wrong = _refusal(conflicted, "waive_conflict", net.hub, assignment=other.pk, reason=REASON)
    assert wrong.code == "no_conflict" and "assignment" in wrong.fields
    assert ExpertAssignment.objects.get(pk=assignment.pk).status == Status.CONFLICT


def test_nothing_to_decide_without_a_declared_conflict(net):
    request = net.at("expert_matching_accepted")

    assert not {"waive_conflict", "release_conflicted"} & _names(available_transitions(request, net.hub))
    assignment = ExpertAssignment.objects.get(request=request)
    refused = _refusal(request, "waive_conflict", net.hub, assignment=assignment.pk, reason=REASON)
    assert refused.code == "no_conflict"


def test_asking_another_expert_ends_the_acceptance_and_takes_the_brief_back(net, conflicted):
    assignment = ExpertAssignment.objects.get(request=conflicted)

    transition_perform(
        request=conflicted, transition="release_conflicted", actor=net.hub, data={"assignment": assignment.pk}
    )

    assignment.refresh_from_db()
    assert assignment.status == Status.DECLINED and assignment.conflict_of_interest == DECLARATION
    assert _grants(conflicted) == set()
    row = TransitionLog.objects.filter(request=conflicted).order_by("-seq").first()
    assert (row.transition, row.data["released_experts"]) == ("release_conflicted", [net.expert.pk])
    assert _told(conflicted, "conflict_released") == {net.expert.username: "released", net.officer.username: "hub"}
    # The hub proposes someone else.
    transition_perform(
        request=conflicted, transition="propose_expert", actor=net.hub, data={"experts": [net.expert2.pk]}
    )
    assert _grants(conflicted) == {net.expert2.pk}


def test_a_request_that_ends_releases_an_expert_awaiting_the_decision(net, conflicted):
    transition_perform(request=conflicted, transition="decline", actor=net.hub, data=VALID["decline"])

    assert ExpertAssignment.objects.get(request=conflicted).status == Status.DECLINED
    assert _grants(conflicted) == set()
    row = TransitionLog.objects.filter(request=conflicted).order_by("-seq").first()
    assert row.data["released_experts"] == [net.expert.pk]


def test_a_conflicted_expert_may_not_report_delivery(net):
    # A proposal still open when delivery started, answered with a declared conflict.
    request = net.at("expert_matching_accepted")
    transition_perform(request=request, transition="propose_expert", actor=net.hub, data={"experts": [net.expert2.pk]})
    request = transition_perform(request=request, transition="start_delivery", actor=net.hub)
    _declare(net, request, expert=net.expert2)

    refused = _refusal(request, "report_delivery", net.expert2, report="<p>Done.</p>")

    assert refused.code == "not_allowed"
