"""A declared conflict of interest on the request page: the expert reads that their acceptance waits for the hub
lead; the lead is offered the waiver (per conflicted assignment, with its reason, confirmed) or another expert;
other hub staff read that the lead decides; a management member tied to the city reads why they may not decide."""

from __future__ import annotations

import pytest
from django.urls import reverse

from workflows.models import ExpertAssignment
from workflows.services import transition_perform

DECLARATION = "I sat on the youth board of the city."


@pytest.fixture
def conflicted(net):
    request = net.at("expert_matching")
    return transition_perform(
        request=request,
        transition="accept_assignment",
        actor=net.expert,
        data={"declaration": DECLARATION, "has_conflict": True},
    )


def _page(client, person, request) -> str:
    client.force_login(person)
    response = client.get(request.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_expert_reads_that_their_acceptance_waits_for_the_hub_lead(client, net, conflicted):
    page = _page(client, net.expert, conflicted)

    assert "Your next step" in page and "your acceptance waits for the hub lead" in page
    assert "Accept the assignment" not in page


def test_the_expert_inbox_lists_the_acceptance_awaiting_the_hub_lead(client, net, conflicted):
    client.force_login(net.expert)
    page = client.get(reverse("expert-inbox")).content.decode()

    assert "your acceptance waits for the hub lead" in page and conflicted.reference in page


def test_the_hub_lead_is_offered_the_waiver_for_the_conflicted_expert(client, net, conflicted):
    assignment = ExpertAssignment.objects.get(request=conflicted)
    page = _page(client, net.hub, conflicted)

    assert DECLARATION in page and "Your decision: record a waiver, or ask another expert instead." in page
    # The timeline words the acceptance as what it was: a declared conflict, not an acceptance.
    assert "An expert declared a conflict of interest: a waiver or another expert is needed" in page
    assert "An expert accepted the assignment" not in page
    assert "Record a waiver" in page and "Ask another expert instead" in page
    # The expert is the form's choice, already chosen when there is one; the waiver asks its reason and confirms.
    assert f'name="waive_conflict-assignment" value="{assignment.pk}"' in page
    assert 'name="waive_conflict-reason"' in page and 'name="waive_conflict-confirm"' in page

    response = client.post(
        reverse("request-move", args=[conflicted.reference, "waive_conflict"]),
        {
            "waive_conflict-assignment": str(assignment.pk),
            "waive_conflict-reason": "The board ended in 2019.",
            "waive_conflict-confirm": "on",
        },
    )

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == ExpertAssignment.Status.ACCEPTED
    page = _page(client, net.hub, conflicted)
    assert "Conflict waived by" in page and "The board ended in 2019." in page
    assert 'name="waive_conflict-reason"' not in page


def test_other_hub_staff_read_that_the_lead_decides(client, net, conflicted):
    page = _page(client, net.officer, conflicted)

    assert "The hub lead decides: a waiver, or another expert." in page
    assert "Record a waiver" not in page and "Ask another expert instead" not in page


def test_the_move_page_without_script_offers_the_conflicted_expert_too(client, net, conflicted):
    assignment = ExpertAssignment.objects.get(request=conflicted)
    client.force_login(net.hub)

    page = client.get(reverse("request-move", args=[conflicted.reference, "release_conflicted"])).content.decode()

    assert f'value="{assignment.pk}"' in page and "their access to the brief" in page


def test_a_management_member_tied_to_the_city_reads_why_they_may_not_decide(client, net):
    request = net.at("funding_review")
    net.mu.tied_cities.add(net.city)

    page = _page(client, net.mu, request)

    assert f"You declared a tie to {net.city.name}: another member of the management unit must decide." in page
    assert "Approve the funding" not in page and "Reject the funding" not in page
    assert "Approve the funding" in _page(client, net.mu2, request)
