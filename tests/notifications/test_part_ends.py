"""Everyone whose part a move ends is told: experts whose open proposal it closed (who lose access, so they are
told only that it ended), the experts who worked on it, and the management unit when an application it was to
decide is closed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from helpdesk.models import RequestState
from notifications.models import Channel, Notification, Reason
from tests.factories import FundEnvelopeFactory
from tests.notification_world import World, make_world
from workflows.models import ExpertAssignment, FundApplication
from workflows.services import transition_perform

TITLE = "TITLE-MARKER youth centre partnership"


def told(world: World, event: str) -> dict[str, str]:
    rows = Notification.objects.filter(request=world.request, event=event, channel=Channel.IN_APP)
    return dict(rows.values_list("recipient__username", "reason"))


def perform(world: World, transition: str, actor, data=None) -> None:
    world.request = transition_perform(request=world.request, transition=transition, actor=actor, data=data or {})


@pytest.fixture
def matching(db) -> World:
    """A request in expert matching: expert.proposed has not answered, expert.accepted accepted."""
    return make_world(RequestState.EXPERT_MATCHING, title=TITLE)


@pytest.mark.parametrize(
    ("transition", "who", "data"),
    [
        ("withdraw", "focal1", {}),
        ("decline", "owner", {"reason": "<p>Out of the network's scope.</p>"}),
    ],
)
def test_an_expert_whose_open_proposal_the_end_closes_is_told(matching, transition, who, data):
    perform(matching, transition, getattr(matching, who), data)

    heard = told(matching, transition)
    assert heard["expert.proposed"] == Reason.RELEASED  # no longer on the request, told all the same
    assert heard["expert.accepted"] == Reason.EXPERT  # worked on it: completed, and told as before
    assert "expert.declined" not in heard  # had already left of their own accord
    assert ExpertAssignment.objects.get(request=matching.request, expert=matching.proposed).status == "declined"


def test_experts_not_chosen_are_told_when_delivery_is_reported(matching):
    perform(matching, "start_delivery", matching.owner)
    perform(matching, "report_delivery", matching.accepted, {"report": "<p>Done.</p>"})

    heard = told(matching, "report_delivery")
    assert heard["expert.proposed"] == Reason.RELEASED
    assert "expert.accepted" not in heard  # reported it: nobody is told of their own move


def test_a_hub_report_tells_the_expert_who_delivered(matching):
    perform(matching, "start_delivery", matching.owner)
    perform(matching, "report_delivery", matching.owner, {"report": "<p>Done.</p>"})

    assert told(matching, "report_delivery")["expert.accepted"] == Reason.EXPERT


def application_pending(world: World) -> FundApplication:
    envelope = FundEnvelopeFactory(region=world.request.region, fiscal_year=2026, amount=Decimal("100000"))
    return FundApplication.objects.create(
        request=world.request,
        envelope=envelope,
        amount_requested=Decimal("1000"),
        strategic_priority=3,
        justification="Why.",
        recommended_by=world.owner,
    )


@pytest.fixture
def funding(db) -> World:
    world = make_world(RequestState.FUNDING_REVIEW, title=TITLE)
    application_pending(world)
    return world


def test_a_rejected_application_tells_the_city_and_every_expert_on_the_request(funding):
    perform(funding, "reject_funding", funding.mu1, {"reason": "Outside the fund's priorities."})

    heard = told(funding, "reject_funding")
    assert heard["focal.one"] == heard["focal.two"] == Reason.CITY
    assert heard["expert.accepted"] == Reason.EXPERT
    assert heard["expert.proposed"] == Reason.RELEASED


def test_withdrawing_a_request_tells_the_unit_whose_decision_it_ends(funding):
    perform(funding, "withdraw", funding.focal1)

    heard = told(funding, "withdraw")
    assert heard["mu.one"] == Reason.MANAGEMENT
    assert heard["mu.two"] == Reason.MANAGEMENT  # the watcher is told once, for the decision it no longer has
    assert FundApplication.objects.get(request=funding.request).status == FundApplication.Status.REJECTED


def test_a_withdrawal_without_an_application_leaves_the_unit_alone(matching):
    perform(matching, "withdraw", matching.focal1)

    heard = told(matching, "withdraw")
    assert "mu.one" not in heard
    assert heard["mu.two"] == Reason.WATCHER


def test_the_released_experts_e_mail_names_no_request_it_may_no_longer_open(
    matching, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        perform(matching, "withdraw", matching.focal1)

    (mail,) = [m for m in mailoutbox if m.to == [matching.proposed.email]]
    text, html = mail.body, mail.alternatives[0][0]
    assert "You no longer have access to this request." in text
    assert "Your proposal on this request is closed" in text
    for part in (mail.subject, text, html):
        assert "TITLE-MARKER" not in part
        assert matching.request.reference not in part
        assert f"/requests/{matching.request.reference}/" not in part
    # Whoever may still open it reads its reference and title as before.
    (city_mail,) = [m for m in mailoutbox if m.to == [matching.focal2.email]]
    assert matching.request.reference in city_mail.subject and "TITLE-MARKER" in city_mail.body
