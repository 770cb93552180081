"""The lifecycle's reads: the fund's pending applications and balances, experts' inbox, a request's trail and
its page's lifecycle panel."""

from __future__ import annotations

from decimal import Decimal

import pytest

from helpdesk.models import SupportRequest
from tests.workflows.conftest import VALID
from workflows.lifecycle import STATE_SPECS, TRANSITION_SPECS
from workflows.models import ExpertAssignment, TransitionLog
from workflows.selectors import (
    accepted_experts,
    assignment_lines,
    assignments_for_expert,
    current_fiscal_year,
    envelope_balances,
    expected_move,
    pending_applications,
    request_lifecycle,
    road_ahead,
    trail_lines,
)
from workflows.services import transition_perform
from workflows.spec import PROPOSED_EXPERT_PHRASE


def test_pending_applications_are_the_ones_awaiting_a_decision_oldest_first(net, django_assert_num_queries):
    first = net.at("funding_review")
    second = net.at("funding_review")
    transition_perform(
        request=net.at("funding_review"), transition="reject_funding", actor=net.mu, data=VALID["reject_funding"]
    )

    with django_assert_num_queries(1):
        pending = [application.request_id for application in pending_applications()]

    assert pending == [first.pk, second.pk]


def test_envelope_balances_are_computed_in_sql(net, django_assert_num_queries):
    net.at("funding_review")
    approved = net.at("funding_review")
    transition_perform(request=approved, transition="approve_funding", actor=net.mu, data={"amount_approved": "4000"})

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


def test_the_trail_lists_every_move_with_its_actor_in_one_query(net, django_assert_num_queries):
    request = net.at("closed")

    with django_assert_num_queries(1):
        trail = [(line.transition, line.from_state, line.to_state, line.actor) for line in trail_lines(request)]

    assert trail == [
        ("submit", "draft", "submitted", str(net.focal)),
        ("route_to_experts", "submitted", "expert_matching", str(net.hub)),
        ("accept_assignment", "expert_matching", "expert_matching", str(net.expert)),
        ("start_delivery", "expert_matching", "in_delivery", str(net.hub)),
        ("report_delivery", "in_delivery", "delivered", str(net.expert)),
        ("evaluate", "delivered", "closed", str(net.focal)),
    ]


def test_assignment_lines_name_the_experts_and_their_answers(net):
    request = net.at("expert_matching_accepted")

    lines = assignment_lines(request)

    assert [(line.expert, line.status, line.status_label) for line in lines] == [
        (str(net.expert), "accepted", "Accepted")
    ]


def test_the_lifecycle_panel_reads_fund_applications_only_for_a_request_that_went_through_the_fund(
    net, django_assert_max_num_queries
):
    funded, routed = net.at("funding_review"), net.at("expert_matching")

    panel = request_lifecycle(funded, net.mu, oversees=True)
    assert [a.status for a in panel.applications] == ["pending"]
    assert [spec.name for spec in panel.moves] == ["approve_funding", "reject_funding"]
    assert request_lifecycle(funded, net.mu, oversees=False).applications == []
    with django_assert_max_num_queries(4):  # the moves' facts and the trail: no application read
        assert request_lifecycle(routed, net.hub, oversees=True).applications == []


def test_the_prepared_trail_holds_what_the_audit_trail_holds(net):
    """``trail_lines`` is a prepared read (``helpdesk.prepared``): it equals the queryset, move by move."""
    request = net.at("closed")
    logs = TransitionLog.objects.filter(request=request).select_related("actor").order_by("seq")

    lines = trail_lines(request)

    assert [(line.transition, line.to_state, line.created_at, line.comment) for line in lines] == [
        (log.transition, log.to_state, log.created_at, log.comment) for log in logs
    ]
    assert [line.actor for line in lines] == [str(log.actor) if log.actor else None for log in logs]


@pytest.mark.parametrize(
    ("state", "kind", "funding", "expected"),
    [
        ("draft", "advice", None, ["submitted", "delivered", "closed"]),
        ("info_requested", "expert", None, ["submitted", "expert_matching", "in_delivery", "delivered", "closed"]),
        ("expert_matching", "training", None, ["in_delivery", "delivered", "closed"]),
        ("expert_matching", "expert", Decimal("900"), ["funding_review", "in_delivery", "delivered", "closed"]),
        ("funding_review", "advice", None, ["in_delivery", "delivered", "closed"]),
        ("delivered", "fund", Decimal("900"), ["closed"]),
        ("closed", "fund", Decimal("900"), []),
    ],
)
def test_the_road_ahead_follows_the_kind_of_support_and_the_fund(state, kind, funding, expected):
    request = SupportRequest(state=state, kind=kind, funding_requested=funding)
    assert road_ahead(request) == expected


@pytest.mark.parametrize(
    ("state", "kind", "funding", "moves", "expected"),
    [
        # The hub's triage: to the fund for a fund request, to experts for an expert request, answered directly
        # for advice; asking for information or declining is never the expected step.
        ("submitted", "fund", Decimal("900"), ["request_info", "answer_directly", "route_to_funding", "decline"],
         "route_to_funding"),
        ("submitted", "expert", None, ["request_info", "answer_directly", "route_to_experts", "route_to_funding",
                                       "decline"], "route_to_experts"),
        ("submitted", "advice", None, ["request_info", "answer_directly", "route_to_experts", "decline"],
         "answer_directly"),
        ("draft", "advice", None, ["submit", "withdraw"], "submit"),
        ("info_requested", "expert", None, ["provide_info", "withdraw"], "provide_info"),
        ("funding_review", "fund", Decimal("900"), ["approve_funding", "reject_funding"], "approve_funding"),
        # A proposed expert: accepting keeps the state, and is still their road forward.
        ("expert_matching", "expert", None, ["accept_assignment", "decline_assignment"], "accept_assignment"),
        # Nobody accepted yet: the hub proposes more or waits; no move is pressed on it.
        ("expert_matching", "expert", None, ["propose_expert", "route_to_funding", "decline"], None),
        ("in_delivery", "expert", None, ["report_delivery"], "report_delivery"),
        ("delivered", "expert", None, ["evaluate"], "evaluate"),
    ],
)  # fmt: skip
def test_the_expected_move_takes_the_request_to_the_next_state_on_its_road(state, kind, funding, moves, expected):
    request = SupportRequest(state=state, kind=kind, funding_requested=funding)
    found = expected_move(request, [TRANSITION_SPECS[name] for name in moves])
    assert (found.name if found else None) == expected


def test_the_lifecycle_panel_speaks_to_each_reader(net):
    proposed = net.at("expert_matching")
    accepted = net.at("expert_matching_accepted")

    assert request_lifecycle(proposed, net.hub, oversees=True).reader == "staff"
    assert request_lifecycle(proposed, net.focal, oversees=False).reader == "city"
    as_proposed = request_lifecycle(proposed, net.expert, oversees=False)
    as_accepted = request_lifecycle(accepted, net.expert, oversees=False)
    assert (as_proposed.reader, as_proposed.phrase) == ("proposed_expert", PROPOSED_EXPERT_PHRASE)
    assert as_proposed.expected is not None and as_proposed.expected.name == "accept_assignment"
    assert (as_accepted.reader, as_accepted.phrase) == ("expert", STATE_SPECS["expert_matching"].phrases.expert)
    assert request_lifecycle(net.at("withdrawn"), net.focal, oversees=False).phrase == ""


def test_accepted_experts_are_the_ones_the_hub_may_share_a_file_with(net):
    assert accepted_experts(net.at("expert_matching")) == []
    assert accepted_experts(net.at("expert_matching_accepted")) == [net.expert]


@pytest.mark.parametrize("delivered", [False, True])
def test_outcome_targets_is_a_prepared_read_equal_to_its_queryset(net, delivered):
    """``outcome_targets`` is a prepared read (``helpdesk.prepared``): the same rows, indicators and stage
    values as the plain queryset, before delivery (no values looked for) and after."""
    from django.db.models import OuterRef, Subquery

    from tests.factories import IndicatorFactory
    from workflows.models import OutcomeTarget, OutcomeValue
    from workflows.selectors import outcome_targets

    request = net.at("in_delivery")
    plan = IndicatorFactory(priority=1, name="Plan adopted", name_fr="Plan adopté", unit="yes_no", position=2)
    share = IndicatorFactory(priority=1, name="Share of youth", unit="percentage", position=1)
    for indicator, baseline, target in ((plan, None, Decimal(1)), (share, Decimal("12.5"), Decimal(40))):
        OutcomeTarget.objects.create(request=request, indicator=indicator, baseline=baseline, target=target)
    if delivered:
        request = transition_perform(
            request=request,
            transition="report_delivery",
            actor=net.expert,
            data={**net.data("report_delivery"), "values": [{"indicator": share.pk, "value": "35.5"}]},
        )
        target = OutcomeTarget.objects.get(request=request, indicator=share)
        OutcomeValue.objects.create(target=target, stage="confirmed", value=Decimal("33"))

    def stage(name: str) -> Subquery:
        values = OutcomeValue.objects.filter(target_id=OuterRef("pk"), stage=name, follow_up__isnull=True)
        return Subquery(values.order_by("-recorded_at", "-pk").values("value")[:1])

    plain = list(
        OutcomeTarget.objects.filter(request=request)
        .select_related("indicator")
        .annotate(delivered_value=stage("delivered"), confirmed_value=stage("confirmed"))
        .order_by("indicator__priority", "indicator__position", "indicator__code")
    )
    prepared = outcome_targets(request)

    def seen(target: OutcomeTarget) -> tuple:
        indicator = target.indicator
        fields = tuple(getattr(indicator, f.attname) for f in indicator._meta.concrete_fields)
        stages = (target.delivered_value, target.confirmed_value) if delivered else (None, None)
        row = (target.pk, target.request_id, target.indicator_id, target.baseline, target.target, target.created_at)
        return (*row, target.planned_by_id, fields, stages)

    assert [seen(t) for t in prepared] == [seen(t) for t in plain]
    assert [t.indicator.localized_name for t in prepared] == ["Share of youth", "Plan adopted"]
    if delivered:
        assert (prepared[0].delivered_value, prepared[0].confirmed_value) == (Decimal("35.5"), Decimal("33"))
        assert isinstance(prepared[0].delivered_value, Decimal)
    else:
        assert all(t.delivered_value is None and t.confirmed_value is None for t in prepared)
