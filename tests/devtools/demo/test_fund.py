"""The demo's incident fast track on the fund's side: an emergency application awaiting mu.director, and a
delivered incident request whose two-week check-in awaits focal.sousse."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from devtools.demo.fund import CHECK_IN_TITLE, EMERGENCY_TITLE, seed_fund
from devtools.demo.network import seed_network
from helpdesk.models import RequestState, SupportRequest, User
from web.lists.city import city_attention
from web.lists.fund import fund_queue
from workflows.models import FollowUp, FundApplication
from workflows.selectors import available_transitions, current_fiscal_year

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_emergency_application_and_a_check_in_after_an_incident():
    seed_network(fiscal_year=current_fiscal_year())
    now = timezone.now()

    assert seed_fund(now=now) == 2
    assert seed_fund(now=now) == 0  # a second run changes nothing

    director = User.objects.get(username="mu.director")
    emergency = SupportRequest.objects.get(title=EMERGENCY_TITLE)
    application = FundApplication.objects.get(request=emergency)
    assert emergency.region.code == "mena" and emergency.fast_tracked_at is not None
    assert application.emergency and application.status == FundApplication.Status.PENDING
    assert emergency.due_at == emergency.updated_at + timedelta(hours=48)
    assert [r.reference for r in fund_queue(director).emergencies] == [emergency.reference]
    assert "approve_funding" in [m.name for m in available_transitions(emergency, director)]

    incident = SupportRequest.objects.get(title=CHECK_IN_TITLE)
    check_in = FollowUp.objects.get(request=incident)
    assert incident.region.code == "mena" and incident.state == RequestState.DELIVERED
    assert (check_in.kind, check_in.days, check_in.status) == ("incident", 14, "open")
    focal = User.objects.get(username="focal.sousse")
    assert [r.phrase for r in city_attention(focal) if r.reference == incident.reference] == [
        "Tell us how the city is recovering after the incident"
    ]
    assert "answer_check_in" in [m.name for m in available_transitions(incident, focal)]
