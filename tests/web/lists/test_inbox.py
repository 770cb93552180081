"""An expert's inbox: a proposal reads as the answer it awaits, an accepted assignment as the state's words
for experts; its search goes through what the expert may read (``web.lists.inbox``)."""

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


def _assigned(person, **fields):
    request = in_state("expert_matching", **fields)
    ExpertAssignment.objects.create(request=request, expert=person, status="accepted")
    expert_access_grant(request=request, expert=person)
    return request


def _refs(grouped):
    return {row.reference for rows in grouped.values() for row in rows}


def test_the_inbox_searches_reference_title_and_the_shareable_summary_only(client):
    from web.lists.inbox import expert_assignments

    person = expert(capacity=10)
    water = _assigned(person, title="Water for schools")
    briefed = _assigned(person, title="Other", summary="About irrigation", sensitivity="shareable")
    _assigned(
        person, title="Secret", description="irrigation and water", summary="irrigation", sensitivity="restricted"
    )
    unassigned = in_state("expert_matching", title="Water everywhere")
    assert _refs(expert_assignments(person, search="water")) == {water.reference}
    assert _refs(expert_assignments(person, search=" irrigation ")) == {briefed.reference}
    assert _refs(expert_assignments(person, search=water.reference)) == {water.reference}
    assert unassigned.reference not in _refs(expert_assignments(person, search="Water everywhere"))
    assert len(_refs(expert_assignments(person))) == 3


def test_the_inbox_page_has_a_search_box(client):
    person = expert(capacity=10)
    water = _assigned(person, title="Water for schools")
    other = _assigned(person, title="Roads")
    client.force_login(person)
    html = client.get("/expert/", {"q": "water"}).content.decode()
    assert 'role="search"' in html and water.reference in html and other.reference not in html
    assert "<bdi>water</bdi>" in html


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
