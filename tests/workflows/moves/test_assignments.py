"""Expert assignments: who may be proposed, capacity, the expert's answer, access granted and taken back."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from helpdesk.models import ExpertProfile, RequestState, SupportRequestUserObjectPermission
from tests.factories import expert
from tests.workflows.conftest import VALID, row_counts
from workflows.errors import TransitionRefused
from workflows.models import ExpertAssignment
from workflows.selectors import available_transitions
from workflows.services import expert_grants_expire, transition_perform

S = RequestState
Status = ExpertAssignment.Status


def _grants(request) -> set[int]:
    return set(
        SupportRequestUserObjectPermission.objects.filter(
            content_object=request, permission__codename="view_supportrequest"
        ).values_list("user_id", flat=True)
    )


def _refusal(request, transition, actor, **data) -> TransitionRefused:
    before = row_counts()
    with pytest.raises(TransitionRefused) as refused:
        transition_perform(request=request, transition=transition, actor=actor, data=data)
    assert row_counts() == before
    return refused.value


def test_proposing_experts_creates_proposals_and_lets_them_see_the_brief(net):
    request = net.at("submitted")

    transition_perform(
        request=request, transition="route_to_experts", actor=net.hub, data={"experts": [net.expert.pk, net.expert2]}
    )

    proposals = ExpertAssignment.objects.filter(request=request).order_by("expert_id")
    assert [(a.expert, a.status, a.proposed_by) for a in proposals] == [
        (net.expert, Status.PROPOSED, net.hub),
        (net.expert2, Status.PROPOSED, net.hub),
    ]
    assert _grants(request) == {net.expert.pk, net.expert2.pk}


@pytest.mark.parametrize(
    ("change", "code", "why"),
    [
        ({"vetting_status": ExpertProfile.Vetting.PENDING}, "expert_unavailable", "not vetted yet"),
        ({"vetting_status": ExpertProfile.Vetting.SUSPENDED}, "expert_unavailable", "suspended"),
        ({"availability": ExpertProfile.Availability.UNAVAILABLE}, "expert_unavailable", "unavailable"),
        ({"conflict_countries": ["XX"]}, "expert_unavailable", "declared a conflict with this country"),
    ],
)
def test_only_vetted_available_experts_may_be_proposed(net, change, code, why):
    request = net.at("submitted")
    if change.get("conflict_countries"):
        change = {"conflict_countries": [str(request.city.country)]}
    ExpertProfile.objects.filter(user=net.expert2).update(**change)

    refusal = _refusal(request, "route_to_experts", net.hub, experts=[net.expert.pk, net.expert2.pk])

    # The refusal names the expert and says why, in the words of the matching page.
    assert refusal.code == code and "experts" in refusal.fields
    assert f"{net.expert2} ({why})" in str(refusal) and str(net.expert) not in str(refusal).replace(
        str(net.expert2), ""
    )


def test_someone_who_is_not_an_expert_or_a_focal_point_of_the_city_cannot_be_proposed(net):
    request = net.at("submitted")
    city_expert = expert()
    city_expert.cities.add(net.city)

    assert _refusal(request, "route_to_experts", net.hub, experts=[net.officer.pk]).code == "expert_unavailable"
    assert _refusal(request, "route_to_experts", net.hub, experts=[999999]).code == "expert_unavailable"
    # The city's own people never advise on its requests.
    city_expert.groups.add(*net.focal.groups.all())
    city_expert.__dict__.pop("_role_cache", None)
    assert _refusal(request, "route_to_experts", net.hub, experts=[city_expert.pk]).code == "expert_unavailable"


def test_an_expert_is_never_proposed_beyond_their_capacity(net):
    first, second, third = (net.at("submitted") for _ in range(3))
    transition_perform(request=first, transition="route_to_experts", actor=net.hub, data={"experts": [net.expert.pk]})
    transition_perform(request=second, transition="route_to_experts", actor=net.hub, data={"experts": [net.expert.pk]})

    refusal = _refusal(third, "route_to_experts", net.hub, experts=[net.expert.pk])

    assert refusal.code == "capacity" and str(net.expert) in str(refusal)


def test_declining_frees_the_slot_and_takes_access_back(net):
    first, second, third = (net.at("submitted") for _ in range(3))
    first = transition_perform(
        request=first, transition="route_to_experts", actor=net.hub, data={"experts": [net.expert.pk]}
    )
    transition_perform(request=second, transition="route_to_experts", actor=net.hub, data={"experts": [net.expert.pk]})

    transition_perform(
        request=first,
        transition="decline_assignment",
        actor=net.expert,
        data={"reason": "Conflict with my own city's programme."},
    )

    assignment = ExpertAssignment.objects.get(request=first)
    assert assignment.status == Status.DECLINED and assignment.responded_at is not None
    assert assignment.decline_reason == "Conflict with my own city's programme."
    assert _grants(first) == set()
    assert (
        transition_perform(
            request=third, transition="route_to_experts", actor=net.hub, data={"experts": [net.expert.pk]}
        ).state
        == S.EXPERT_MATCHING
    )
    # The hub proposes someone else on the first request, and may even ask the same expert again.
    transition_perform(request=first, transition="propose_expert", actor=net.hub, data={"experts": [net.expert2.pk]})
    assert _grants(first) == {net.expert2.pk}


def test_an_expert_already_on_the_request_is_not_proposed_twice(net):
    request = net.at("expert_matching")

    assert _refusal(request, "propose_expert", net.hub, experts=[net.expert.pk]).code == "already_proposed"


def test_accepting_records_the_declaration_and_is_offered_once(net):
    request = net.at("expert_matching")

    transition_perform(
        request=request,
        transition="accept_assignment",
        actor=net.expert,
        data={"declaration": "I advised the mayor in 2019.", "has_conflict": True},
    )

    # A declared conflict stops the acceptance (tests/workflows/moves/test_conflicts.py): the declaration is kept.
    assignment = ExpertAssignment.objects.get(request=request)
    assert assignment.status == Status.CONFLICT and assignment.has_conflict is True
    assert assignment.conflict_of_interest == "I advised the mayor in 2019."
    assert available_transitions(request, net.expert) == []
    assert _refusal(request, "accept_assignment", net.expert, **VALID["accept_assignment"]).code == "not_allowed"


def test_delivery_starts_only_with_an_accepted_expert(net):
    request = net.at("expert_matching")

    assert "start_delivery" not in [s.name for s in available_transitions(request, net.hub)]
    assert _refusal(request, "start_delivery", net.hub).code == "no_accepted_expert"
    transition_perform(
        request=request, transition="accept_assignment", actor=net.expert, data=VALID["accept_assignment"]
    )
    assert transition_perform(request=request, transition="start_delivery", actor=net.hub).state == S.IN_DELIVERY


def test_the_agreed_delivery_date_sets_the_deadline(net):
    request = net.at("expert_matching_accepted")
    agreed = timezone.localdate() + timedelta(days=20)

    after = transition_perform(
        request=request, transition="start_delivery", actor=net.hub, data={"delivery_due": agreed}
    )

    assert after.delivery_due == agreed
    assert timezone.localtime(after.due_at).date() == agreed + timedelta(days=1)
    with pytest.raises(TransitionRefused) as refused:
        transition_perform(
            request=net.at("expert_matching_accepted"),
            transition="start_delivery",
            actor=net.hub,
            data={"delivery_due": "2000-01-01"},
        )
    assert refused.value.code == "invalid_data" and "delivery_due" in refused.value.fields


def test_delivery_completes_accepted_assignments_and_withdraws_open_proposals(net):
    request = net.at("expert_matching_accepted")
    transition_perform(request=request, transition="propose_expert", actor=net.hub, data={"experts": [net.expert2.pk]})
    request = transition_perform(request=request, transition="start_delivery", actor=net.hub)

    transition_perform(request=request, transition="report_delivery", actor=net.expert, data={"report": "<p>Done.</p>"})

    statuses = dict(ExpertAssignment.objects.filter(request=request).values_list("expert_id", "status"))
    assert statuses == {net.expert.pk: Status.COMPLETED, net.expert2.pk: Status.DECLINED}
    assert _grants(request) == {net.expert.pk}  # the expert who worked keeps access for the grace period


def test_a_declined_request_releases_its_experts(net):
    request = net.at("expert_matching_accepted")

    transition_perform(request=request, transition="decline", actor=net.hub, data=VALID["decline"])

    assert ExpertAssignment.objects.get(request=request).status == Status.COMPLETED
    assert not ExpertAssignment.objects.filter(expert=net.expert, status__in=ExpertAssignment.ACTIVE).exists()


def test_grants_expire_a_grace_period_after_the_request_ended(net, settings):
    settings.EXPERT_ACCESS_GRACE_DAYS = 30
    ended = net.at("closed")
    running = net.at("expert_matching")
    assert _grants(ended) == {net.expert.pk}

    assert expert_grants_expire(now=timezone.now() + timedelta(days=29)) == 0
    assert expert_grants_expire(now=timezone.now() + timedelta(days=31)) == 1
    assert expert_grants_expire(now=timezone.now() + timedelta(days=31)) == 0

    assert _grants(ended) == set()
    assert _grants(running) == {net.expert.pk}


def test_withdrawing_takes_access_from_open_proposals_at_once(net, settings):
    settings.EXPERT_ACCESS_GRACE_DAYS = 30
    request = net.at("expert_matching")

    transition_perform(request=request, transition="withdraw", actor=net.focal)

    assert _grants(request) == set()
    assert ExpertAssignment.objects.get(request=request).status == Status.DECLINED
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert expert_grants_expire() == 0
