"""An expert's inbox: a proposal reads as the answer it awaits, an accepted assignment as the state's words
for experts."""

from __future__ import annotations

import pytest

from helpdesk.services import expert_access_grant
from tests.factories import CityFactory, expert, hub_staff
from tests.web.pages import in_state
from web.lists.inbox import expert_assignments
from workflows.lifecycle import STATE_SPECS
from workflows.models import ExpertAssignment
from workflows.spec import PROPOSED_EXPERT_PHRASE

pytestmark = pytest.mark.django_db


def test_each_assignment_says_what_the_expert_does_next():
    city = CityFactory()
    person, hub = expert(), hub_staff(city.region)
    for status in ("proposed", "accepted"):
        request = in_state("expert_matching", city=city)
        ExpertAssignment.objects.create(request=request, expert=person, proposed_by=hub, status=status)
        expert_access_grant(request=request, expert=person, actor=hub)
    inbox = expert_assignments(person)
    assert [row.phrase for row in inbox["proposed"]] == [str(PROPOSED_EXPERT_PHRASE)]
    assert [row.phrase for row in inbox["accepted"]] == [str(STATE_SPECS["expert_matching"].phrases.expert)]
