"""The lifecycle's reads: the fund's queue and balances, experts' inbox and load, a request's history."""

from __future__ import annotations

from decimal import Decimal

from tests.workflows.conftest import VALID
from workflows.models import ExpertAssignment, FundEnvelope
from workflows.selectors import (
    assignments_for_expert,
    current_fiscal_year,
    envelope_balances,
    expert_load,
    fund_queue,
    transition_history,
)
from workflows.services import perform


def test_the_fund_queue_lists_pending_applications_with_their_envelope_balance(net, django_assert_num_queries):
    FundEnvelope.objects.filter(pk=net.envelope.pk).update(committed=Decimal("30000"))
    first = net.at("funding_review")
    second = net.at("funding_review")
    perform(net.at("funding_review"), "reject_funding", net.mu, **VALID["reject_funding"])

    with django_assert_num_queries(1):
        queue = list(fund_queue())
        shown = [(a.request_id, a.envelope_remaining, a.request.city.name, a.recommended_by) for a in queue]

    assert shown == [
        (first.pk, Decimal("70000"), net.city.name, net.hub),
        (second.pk, Decimal("70000"), net.city.name, net.hub),
    ]


def test_envelope_balances_are_computed_in_sql(net, django_assert_num_queries):
    net.at("funding_review")
    approved = net.at("funding_review")
    perform(approved, "approve_funding", net.mu, amount_approved="4000")

    with django_assert_num_queries(1):
        (balance,) = list(envelope_balances(current_fiscal_year()))
        figures = (balance.region.name, balance.amount, balance.committed, balance.remaining_amount)
        pending = (balance.pending_total, balance.pending_count)

    assert figures == (net.region.name, Decimal("100000"), Decimal("4000"), Decimal("96000"))
    assert pending == (Decimal("10000"), 1)
    assert list(envelope_balances(current_fiscal_year() + 1)) == []


def test_an_experts_inbox_puts_open_proposals_first(net, django_assert_num_queries):
    accepted = net.at("expert_matching_accepted")
    proposed = net.at("expert_matching")

    with django_assert_num_queries(1):
        inbox = [(a.request_id, a.status, a.request.reference) for a in assignments_for_expert(net.expert)]

    assert inbox == [
        (proposed.pk, ExpertAssignment.Status.PROPOSED, proposed.reference),
        (accepted.pk, ExpertAssignment.Status.ACCEPTED, accepted.reference),
    ]


def test_expert_load_counts_active_assignments_against_capacity(net, django_assert_num_queries):
    net.at("expert_matching")
    net.at("delivered")  # completed: no longer counts

    with django_assert_num_queries(1):
        load = {user.pk: (user.active, user.capacity) for user in expert_load()}

    assert load[net.expert.pk] == (1, 2)
    assert load[net.expert2.pk] == (0, 2)
    assert net.hub.pk not in load


def test_the_history_lists_every_move_with_its_actor(net, django_assert_num_queries):
    request = net.at("closed")

    with django_assert_num_queries(1):
        history = [(row.transition, row.actor.username if row.actor else None) for row in transition_history(request)]

    assert history == [
        ("submit", net.focal.username),
        ("route_to_experts", net.hub.username),
        ("accept_assignment", net.expert.username),
        ("start_delivery", net.hub.username),
        ("report_delivery", net.expert.username),
        ("evaluate", net.focal.username),
    ]
