"""Every move of the table: the people allowed make it; everyone else is refused, and each missing field is.

A refusal must write nothing: the state, the audit trail and every other table stay as they were.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from helpdesk.models import City, Indicator, RequestState, SupportRequest
from tests.workflows.conftest import VALID, Net, row_counts
from workflows.errors import TransitionRefused
from workflows.lifecycle import TRANSITION_SPECS, TRANSITIONS, Rule
from workflows.models import ExpertAssignment, OutcomeTarget, TransitionLog
from workflows.services import transition_perform

S = RequestState

# transition -> (path to a source state, people allowed, state after the move)
SCENARIOS: dict[str, list[tuple[str, tuple[str, ...], str]]] = {
    "submit": [("draft", ("focal",), S.SUBMITTED)],
    "request_info": [("submitted", ("hub", "officer"), S.INFO_REQUESTED)],
    "provide_info": [("info_requested", ("focal",), S.SUBMITTED)],
    "answer_directly": [("submitted", ("hub", "officer"), S.DELIVERED)],
    "introduce_peer": [
        ("submitted_peer", ("hub", "officer"), S.EXPERT_MATCHING),
        ("expert_matching_peer", ("hub",), S.EXPERT_MATCHING),
    ],
    "route_to_experts": [("submitted", ("hub", "officer"), S.EXPERT_MATCHING)],
    "propose_expert": [("expert_matching", ("hub", "officer"), S.EXPERT_MATCHING)],
    "route_to_funding": [
        ("submitted", ("hub", "officer"), S.FUNDING_REVIEW),
        ("expert_matching", ("hub",), S.FUNDING_REVIEW),
    ],
    "accept_assignment": [
        ("expert_matching", ("expert",), S.EXPERT_MATCHING),
        ("funding_review_with_proposal", ("expert",), S.FUNDING_REVIEW),
    ],
    "decline_assignment": [("expert_matching", ("expert",), S.EXPERT_MATCHING)],
    "waive_conflict": [
        ("expert_matching_conflict", ("hub", "mu"), S.EXPERT_MATCHING),
        ("in_delivery_conflict", ("hub",), S.IN_DELIVERY),
    ],
    "release_conflicted": [("expert_matching_conflict", ("hub", "mu"), S.EXPERT_MATCHING)],
    "start_delivery": [("expert_matching_accepted", ("hub", "officer"), S.IN_DELIVERY)],
    "approve_funding": [("funding_review", ("mu", "mu2"), S.IN_DELIVERY)],
    "reject_funding": [("funding_review", ("mu", "mu2"), S.DECLINED)],
    "report_delivery": [("in_delivery", ("expert", "hub", "officer"), S.DELIVERED)],
    "evaluate": [("delivered", ("focal",), S.CLOSED)],
    "decline": [
        ("submitted", ("hub",), S.DECLINED),
        ("info_requested", ("officer",), S.DECLINED),
        ("expert_matching", ("hub",), S.DECLINED),
    ],
    "withdraw": [
        (path, ("focal",), S.WITHDRAWN)
        for path in ("draft", "submitted", "info_requested", "expert_matching", "funding_review")
    ],
    "answer_follow_up": [("closed_following_up", ("focal",), S.CLOSED)],
    "answer_check_in": [("delivered_checking_in", ("focal",), S.DELIVERED)],
    # The request stays where it waits; its deadline counts in hours from then on.
    "fast_track": [
        ("submitted", ("hub", "officer"), S.SUBMITTED),
        ("info_requested", ("hub",), S.INFO_REQUESTED),
        ("expert_matching", ("officer",), S.EXPERT_MATCHING),
        ("funding_review", ("hub",), S.FUNDING_REVIEW),
    ],
}

# Everyone the table does not name for a rule: another city's focal point, another region's hub staff, an
# expert not assigned, the steering committee, and the roles of the request that are not this rule's.
REFUSED: dict[Rule, tuple[str, ...]] = {
    Rule.FOCAL_POINT: ("other_focal", "other_hub", "unassigned_expert", "steering", "mu", "hub"),
    Rule.HUB_STAFF: ("other_focal", "other_hub", "unassigned_expert", "steering", "mu", "focal"),
    Rule.PROPOSED_EXPERT: ("other_focal", "other_hub", "unassigned_expert", "expert2", "steering", "mu", "hub"),
    Rule.DELIVERY_TEAM: ("other_focal", "other_hub", "unassigned_expert", "steering", "mu", "focal"),
    Rule.MANAGEMENT: ("other_focal", "other_hub", "unassigned_expert", "steering", "focal", "hub"),
    Rule.HUB_LEAD: ("other_focal", "other_hub", "unassigned_expert", "steering", "focal", "officer", "expert"),
}

EXTRA_PATHS = {
    # A proposal still open when the hub applies for funding: the expert may answer during the review.
    "funding_review_with_proposal": [("submit", "focal"), ("route_to_experts", "hub"), ("route_to_funding", "hub")],
}


def _at(net: Net, path: str, **fields: object) -> SupportRequest:
    if path == "closed_following_up":
        # Evaluated, with planned indicators, and the desk asking the city three months on.
        request = net.at("closed", **fields)
        indicator = Indicator.objects.create(code="plan", priority=1, name="Plan", definition="…", unit="yes_no")
        OutcomeTarget.objects.create(request=request, indicator=indicator)
        later = timezone.now() + timedelta(days=100)
        return transition_perform(request=request, transition="follow_up_open", actor=None, now=later)
    if path == "delivered_checking_in":
        # Delivered on the incident fast track (no indicator planned), the desk checking in two weeks on.
        request = net.at("delivered", fast_tracked_at=timezone.now(), **fields)
        later = timezone.now() + timedelta(days=15)
        return transition_perform(request=request, transition="check_in_open", actor=None, now=later)
    if path.endswith("_peer"):
        # A request for a peer exchange (the only kind introduced to another city).
        return net.at(path.removesuffix("_peer"), kind="peer_exchange", **fields)
    if path.endswith("_conflict"):
        # An expert who declared a conflict while accepting (a second expert accepted already, for delivery).
        request = net.at(path.removesuffix("_conflict").replace("in_delivery", "expert_matching_accepted"), **fields)
        if path.startswith("in_delivery"):
            request = transition_perform(
                request=request, transition="propose_expert", actor=net.hub, data={"experts": [net.expert2.pk]}
            )
            request = transition_perform(request=request, transition="start_delivery", actor=net.hub)
            who = net.expert2
        else:
            who = net.expert
        conflict = {"declaration": "I chaired the city's youth board.", "has_conflict": True}
        return transition_perform(request=request, transition="accept_assignment", actor=who, data=conflict)
    if path in EXTRA_PATHS:
        request = net.request(**fields)
        for transition, who in EXTRA_PATHS[path]:
            request = transition_perform(
                request=request, transition=transition, actor=net.people[who], data=net.data(transition)
            )
        return request
    return net.at(path, **fields)


def _data(net: Net, transition: str) -> dict[str, object]:
    if transition == "propose_expert":
        return net.data(transition, experts=[net.expert2.pk])
    if transition == "introduce_peer":
        # The far city, open to a peer exchange on the request's theme.
        City.objects.filter(pk=net.far_city.pk).update(peer_contact_themes=["multi_agency"])
        return {"peer_city": net.far_city.pk, "note": "Both cities run youth councils."}
    if transition in {"waive_conflict", "release_conflicted"}:
        conflicted = ExpertAssignment.objects.filter(status=ExpertAssignment.Status.CONFLICT).latest("pk")
        reason = {"reason": "The tie ended two years ago."} if transition == "waive_conflict" else {}
        return {"assignment": conflicted.pk, **reason}
    return net.data(transition)


ALLOWED = [
    pytest.param(name, path, who, target, id=f"{name}-{path}-{who}")
    for name, cases in SCENARIOS.items()
    for path, people, target in cases
    for who in people
]
DENIED = [
    pytest.param(name, path, who, id=f"{name}-{path}-{who}")
    for name, cases in SCENARIOS.items()
    for path, _people, _target in cases[:1]
    for who in REFUSED[TRANSITION_SPECS[name].rule]
]
MISSING = [
    pytest.param(name, cases[0][0], field.name, id=f"{name}-{field.name}")
    for name, cases in SCENARIOS.items()
    for field in TRANSITION_SPECS[name].fields
    # The currency always has a value on the request, which the application falls back to.
    if field.required and field.name != "currency"
]


def test_the_scenarios_cover_every_move_a_person_makes():
    assert set(SCENARIOS) == {spec.name for spec in TRANSITIONS if not spec.system_only}
    for name, cases in SCENARIOS.items():
        assert {path for path, _, _ in cases} and all(target in S.values for _, _, target in cases), name


@pytest.mark.parametrize(("name", "path", "who", "target"), ALLOWED)
def test_the_allowed_person_makes_the_move(net, name, path, who, target):
    request = _at(net, path)
    before = request.state
    log_rows = TransitionLog.objects.filter(request=request).count()

    after = transition_perform(request=request, transition=name, actor=net.people[who], data=_data(net, name))

    assert after.state == target
    assert SupportRequest.objects.get(pk=request.pk).state == target
    last = TransitionLog.objects.filter(request=request).order_by("-seq").first()
    assert TransitionLog.objects.filter(request=request).count() == log_rows + 1
    assert (last.transition, last.from_state, last.to_state, last.actor) == (name, before, target, net.people[who])


@pytest.mark.parametrize(("name", "path", "who"), DENIED)
def test_everyone_else_is_refused_and_nothing_is_written(net, name, path, who):
    request = _at(net, path)
    before = row_counts()

    with pytest.raises(TransitionRefused) as refused:
        transition_perform(request=request, transition=name, actor=net.people[who], data=_data(net, name))

    assert refused.value.code == "not_allowed"
    assert str(refused.value)
    assert row_counts() == before
    assert SupportRequest.objects.get(pk=request.pk).state == request.state


@pytest.mark.parametrize(("name", "path", "field"), MISSING)
def test_each_missing_field_is_refused_and_nothing_is_written(net, name, path, field):
    # No funding details on the request itself, so nothing can stand in for a missing field.
    request = _at(net, path, strategic_priority=None)
    spec = TRANSITION_SPECS[name]
    allowed = SCENARIOS[name][0][1][0]
    data = _data(net, name)
    data.pop(field)
    before = row_counts()

    with pytest.raises(TransitionRefused) as refused:
        transition_perform(request=request, transition=name, actor=net.people[allowed], data=data)

    assert refused.value.code == "missing_data"
    assert field in refused.value.fields
    assert refused.value.transition == spec.name
    assert row_counts() == before


@pytest.mark.parametrize("who", ["focal", "hub", "mu", "expert", "steering"])
def test_nobody_but_the_desk_closes_after_the_evaluation_period(net, who):
    request = net.at("delivered")

    with pytest.raises(TransitionRefused) as refused:
        transition_perform(request=request, transition="auto_close", actor=net.people[who])

    assert refused.value.code == "system_only"


def test_nobody_signed_out_makes_a_move(net):
    request = net.at("submitted")

    with pytest.raises(TransitionRefused) as refused:
        transition_perform(request=request, transition="request_info", actor=None, data=VALID["request_info"])

    assert refused.value.code == "not_allowed"


def test_a_move_from_the_wrong_state_is_refused_as_such(net):
    request = net.at("submitted")

    with pytest.raises(TransitionRefused) as refused:
        transition_perform(request=request, transition="evaluate", actor=net.focal, data=VALID["evaluate"])

    assert refused.value.code == "wrong_state"


def test_an_unknown_move_is_refused(net):
    with pytest.raises(TransitionRefused) as refused:
        transition_perform(request=net.at("submitted"), transition="teleport", actor=net.hub)

    assert refused.value.code == "unknown_transition"


def test_a_deactivated_hub_member_may_no_longer_act(net):
    request = net.at("submitted")
    net.officer.is_active = False
    net.officer.save(update_fields=["is_active"])

    with pytest.raises(TransitionRefused):
        transition_perform(request=request, transition="request_info", actor=net.officer, data=VALID["request_info"])


@pytest.mark.parametrize("move", ["approve_funding", "reject_funding"])
def test_a_management_member_tied_to_the_city_may_not_decide_its_grant(net, move):
    from workflows.selectors import available_transitions, request_lifecycle

    request = _at(net, "funding_review")
    net.mu.tied_cities.add(net.city)
    before = row_counts()

    with pytest.raises(TransitionRefused) as refused:
        transition_perform(request=request, transition=move, actor=net.mu, data=_data(net, move))

    assert refused.value.code == "tied_to_city"
    assert str(refused.value) == (
        f"You declared a tie to {net.city.name}: another member of the management unit must decide."
    )
    assert row_counts() == before
    # Not offered to them, and their page says why; the member who declared no tie decides.
    assert move not in {spec.name for spec in available_transitions(request, net.mu)}
    assert request_lifecycle(request, net.mu, oversees=True).withheld == [str(refused.value)]
    assert move in {spec.name for spec in available_transitions(request, net.mu2)}
    assert transition_perform(request=request, transition=move, actor=net.mu2, data=_data(net, move)).state in {
        S.IN_DELIVERY,
        S.DECLINED,
    }


def test_a_tie_to_another_city_changes_nothing(net):
    request = _at(net, "funding_review")
    net.mu.tied_cities.add(net.other_city)

    after = transition_perform(request=request, transition="approve_funding", actor=net.mu)

    assert after.state == S.IN_DELIVERY
