"""The demo's declared conflict and declared tie: a MENA request waits for its hub lead's waiver, and a tied member
of the management unit leaves a pending grant to the other."""

from io import StringIO

import pytest
from django.core.management import call_command

from helpdesk.models import PeopleLog, RequestState, SupportRequest, User
from helpdesk.services.ties import TIES_DECLARED
from workflows.models import ExpertAssignment
from workflows.selectors import available_transitions

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_conflict_awaiting_the_mena_lead_and_a_tie_another_member_decides_around():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    request = SupportRequest.objects.get(city__name="Amman", title__startswith="Community dialogue")
    assert request.state == RequestState.EXPERT_MATCHING
    assignment = ExpertAssignment.objects.get(request=request)
    assert (assignment.expert.username, assignment.status) == ("expert.youssef", ExpertAssignment.Status.CONFLICT)
    lead = User.objects.get(username="hub.mena")
    assert lead.is_hub_lead and "waive_conflict" in {s.name for s in available_transitions(request, lead)}

    officer, director = User.objects.get(username="mu.officer"), User.objects.get(username="mu.director")
    assert [city.name for city in officer.tied_cities.all()] == ["Kumanovo"]
    assert not director.tied_cities.exists()
    assert PeopleLog.objects.filter(person=officer, action=TIES_DECLARED).count() == 1
    # Every application awaiting a decision keeps a member of the management unit who may decide it.
    for pending in SupportRequest.objects.filter(state=RequestState.FUNDING_REVIEW):
        deciders = [
            p for p in (officer, director) if "reject_funding" in {s.name for s in available_transitions(pending, p)}
        ]
        assert deciders, pending.title
    kumanovo = SupportRequest.objects.get(city__name="Kumanovo", state=RequestState.FUNDING_REVIEW)
    assert "approve_funding" not in {s.name for s in available_transitions(kumanovo, officer)}
    assert "approve_funding" in {s.name for s in available_transitions(kumanovo, director)}
