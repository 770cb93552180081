"""Outcomes through the moves: indicators planned when the hub routes support, values reached at delivery,
confirmed by the city's evaluation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import IndicatorFactory
from tests.workflows.conftest import row_counts
from workflows.errors import TransitionRefused
from workflows.lifecycle import TRANSITION_SPECS
from workflows.models import OutcomeTarget, OutcomeValue, TransitionLog
from workflows.moves.base import Move
from workflows.moves.outcomes import outcome_values_record
from workflows.services import transition_perform

DELIVERED = OutcomeValue.Stage.DELIVERED
CONFIRMED = OutcomeValue.Stage.CONFIRMED


def _refusal(request, transition, actor, data) -> TransitionRefused:
    before = row_counts()
    with pytest.raises(TransitionRefused) as refused:
        transition_perform(request=request, transition=transition, actor=actor, data=data)
    assert row_counts() == before
    return refused.value


def _move(net, request, transition, who, **changes):
    return transition_perform(
        request=request, transition=transition, actor=net.people[who], data=net.data(transition, **changes)
    )


def _in_delivery(net, indicators):
    """A request routed to experts with ``indicators`` planned, its expert accepted and delivery started."""
    request = net.at("submitted")
    request = _move(net, request, "route_to_experts", "hub", indicators=indicators)
    request = _move(net, request, "accept_assignment", "expert")
    return _move(net, request, "start_delivery", "hub")


def _values(request, stage):
    rows = OutcomeValue.objects.filter(target__request=request, stage=stage)
    return {row.target.indicator_id: row.value for row in rows.select_related("target")}


def test_routing_to_the_fund_plans_the_indicators_with_baseline_and_target(net):
    share = IndicatorFactory(priority=4, unit="percentage", name="Young people in decisions")
    request = net.at("submitted")

    _move(
        net,
        request,
        "route_to_funding",
        "hub",
        indicators=[
            {"indicator": net.indicator.pk, "baseline": "2", "target": "10"},
            {"indicator": share.pk, "baseline": None, "target": "25.5"},
        ],
    )

    planned = {t.indicator_id: (t.baseline, t.target, t.planned_by) for t in OutcomeTarget.objects.all()}
    assert planned == {
        net.indicator.pk: (Decimal("2"), Decimal("10"), net.hub),
        share.pk: (None, Decimal("25.5"), net.hub),
    }
    log = TransitionLog.objects.get(request=request, transition="route_to_funding")
    assert sorted(log.data["indicators"]) == sorted([net.indicator.pk, share.pk])


def test_routing_to_the_fund_without_indicators_is_refused_as_missing_data(net):
    request = net.at("submitted")

    refusal = _refusal(request, "route_to_funding", net.hub, net.data("route_to_funding", indicators=[]))

    assert refusal.code == "missing_data"
    assert "indicators" in refusal.fields


@pytest.mark.parametrize("case", ["inactive", "unknown"])
def test_an_indicator_not_in_use_is_refused_with_the_field_marked(net, case):
    retired = IndicatorFactory(is_active=False)
    pk = retired.pk if case == "inactive" else retired.pk + 1000
    request = net.at("submitted")

    refusal = _refusal(
        request, "route_to_funding", net.hub, net.data("route_to_funding", indicators=[{"indicator": pk}])
    )

    assert refusal.code == "invalid_data"
    assert set(refusal.fields) == {"indicators"}


@pytest.mark.parametrize(
    ("unit", "figure"),
    [("count", "2.5"), ("count", "-1"), ("percentage", "140"), ("yes_no", "2"), ("scale", "6"), ("count", "many")],
)
def test_a_figure_outside_its_unit_is_refused_with_the_field_marked(net, unit, figure):
    measured = IndicatorFactory(unit=unit)
    request = net.at("submitted")
    data = net.data("route_to_funding", indicators=[{"indicator": measured.pk, "target": figure}])

    refusal = _refusal(request, "route_to_funding", net.hub, data)

    assert refusal.code == "invalid_data"
    assert set(refusal.fields) == {"indicators"}


def test_routing_to_experts_may_plan_indicators_and_may_not(net):
    planned = _move(net, net.at("submitted"), "route_to_experts", "hub", indicators=[{"indicator": net.indicator.pk}])
    unplanned = _move(net, net.at("submitted"), "route_to_experts", "hub")

    assert OutcomeTarget.objects.filter(request=planned).count() == 1
    assert not OutcomeTarget.objects.filter(request=unplanned).exists()


def test_the_fund_after_the_experts_keeps_the_planned_indicator_and_takes_new_figures(net):
    request = _move(net, net.at("submitted"), "route_to_experts", "hub", indicators=[{"indicator": net.indicator.pk}])

    _move(net, request, "route_to_funding", "hub", indicators=[{"indicator": net.indicator.pk, "target": "30"}])

    target = OutcomeTarget.objects.get(request=request)
    assert (target.baseline, target.target) == (None, Decimal("30"))


def test_the_delivery_report_records_the_values_reached_and_leaves_the_unknown_out(net):
    share = IndicatorFactory(unit="percentage")
    request = _in_delivery(net, [{"indicator": net.indicator.pk, "target": "10"}, {"indicator": share.pk}])

    _move(
        net,
        request,
        "report_delivery",
        "expert",
        values=[{"indicator": net.indicator.pk, "value": "12"}, {"indicator": share.pk, "value": None}],
    )

    assert _values(request, DELIVERED) == {net.indicator.pk: Decimal("12")}
    assert TransitionLog.objects.get(request=request, transition="report_delivery").data["delivered_values"] == 1


def test_a_value_for_an_indicator_not_planned_is_refused(net):
    other = IndicatorFactory()
    request = _in_delivery(net, [{"indicator": net.indicator.pk}])

    refusal = _refusal(
        request,
        "report_delivery",
        net.expert,
        net.data("report_delivery", values=[{"indicator": other.pk, "value": "3"}]),
    )

    assert refusal.code == "invalid_data" and set(refusal.fields) == {"values"}


def test_a_delivery_without_values_records_none(net):
    request = _in_delivery(net, [{"indicator": net.indicator.pk}])

    _move(net, request, "report_delivery", "expert")

    assert not OutcomeValue.objects.exists()


def test_the_evaluation_confirms_the_values_beside_those_delivered(net):
    request = _in_delivery(net, [{"indicator": net.indicator.pk}])
    request = _move(net, request, "report_delivery", "expert", values=[{"indicator": net.indicator.pk, "value": "12"}])

    _move(net, request, "evaluate", "focal", values=[{"indicator": net.indicator.pk, "value": "11"}])

    assert _values(request, DELIVERED) == {net.indicator.pk: Decimal("12")}
    assert _values(request, CONFIRMED) == {net.indicator.pk: Decimal("11")}
    assert TransitionLog.objects.get(request=request, transition="evaluate").data["confirmed_values"] == 1


def test_a_stage_recorded_twice_keeps_the_newest_values(net):
    request = _in_delivery(net, [{"indicator": net.indicator.pk}])
    request = _move(net, request, "report_delivery", "expert", values=[{"indicator": net.indicator.pk, "value": "12"}])
    again = Move(
        spec=TRANSITION_SPECS["report_delivery"],
        actor=net.hub,
        data={"values": [{"indicator": net.indicator.pk, "value": "15"}]},
        now=timezone.now(),
        facts=None,  # type: ignore[arg-type]  # the step reads no facts
    )

    outcome_values_record(request, again, stage=DELIVERED)

    assert _values(request, DELIVERED) == {net.indicator.pk: Decimal("15")}
    assert OutcomeValue.objects.filter(stage=DELIVERED).count() == 1
