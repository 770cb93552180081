"""Outcome figures per key indicator: planned, delivered, confirmed, reached, followed up and sustained."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.models import SupportRequest
from tests.factories import CityFactory, IndicatorFactory, RegionFactory, SupportRequestFactory
from workflows.models import FollowUp, OutcomeTarget, OutcomeValue
from workflows.outcome_stats import outcome_figures, outcome_figures_suppressed

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 5)


def _value(target, stage, value, follow_up=None):
    return OutcomeValue.objects.create(target=target, stage=stage, value=Decimal(value), follow_up=follow_up)


def _follow_up(request, months, status, *, due=TODAY - timedelta(days=10)):
    return FollowUp.objects.create(request=request, months=months, due_on=due, status=status)


def _planned(indicator, *, target=None, city=None):
    request = SupportRequestFactory(city=city or CityFactory(), state="closed")
    return request, OutcomeTarget.objects.create(
        request=request, indicator=indicator, target=Decimal(target) if target is not None else None
    )


@pytest.fixture
def world():
    trained = IndicatorFactory(name="Staff trained", unit="count", priority=3)
    plan = IndicatorFactory(name="Prevention plan adopted", name_fr="Plan de prévention adopté", unit="yes_no")
    share = IndicatorFactory(name="Share of youth in councils", unit="percentage", priority=4)
    IndicatorFactory(name="Retired", is_active=False)
    # Staff trained: four requests; targets 10, 10, 10 and none.
    r1, t1 = _planned(trained, target="10")
    r2, t2 = _planned(trained, target="10")
    r3, t3 = _planned(trained, target="10")
    _r4, _t4 = _planned(trained)
    _value(t1, "delivered", "12")  # reached at delivery
    _value(t2, "delivered", "12")
    _value(t2, "confirmed", "8")  # ...but the city confirmed less: not reached
    _value(t3, "delivered", "5")
    _value(t3, "confirmed", "11")  # the city's confirmed value counts: reached
    f1 = _follow_up(r1, 3, "answered")
    f2 = _follow_up(r2, 3, "answered")
    _follow_up(r3, 3, "missed")
    _follow_up(r1, 6, "open")  # open past its due date: missing
    _follow_up(r2, 6, "open", due=TODAY + timedelta(days=5))  # still in time: not missing
    _value(t1, "sustained", "9", f1)
    _value(t2, "sustained", "7", f2)
    # Plan adopted: two yes, one no; one "yes" kept at 3 months.
    p1, pt1 = _planned(plan)
    _p2, pt2 = _planned(plan)
    _p3, pt3 = _planned(plan)
    _value(pt1, "delivered", "1")
    _value(pt2, "delivered", "1")
    _value(pt3, "delivered", "0")
    _value(pt1, "sustained", "1", _follow_up(p1, 3, "answered"))
    # Youth share: lower target direction does not apply (higher is better); averages at 3 months.
    s1, st1 = _planned(share, target="30")
    s2, st2 = _planned(share, target="30")
    _value(st1, "delivered", "40")
    _value(st2, "delivered", "20")
    _value(st1, "sustained", "35", _follow_up(s1, 3, "answered"))
    _value(st2, "sustained", "25", _follow_up(s2, 3, "answered"))
    return {"trained": trained, "plan": plan, "share": share}


def _row(figures, indicator):
    return next(row for row in figures.rows if row.indicator_id == indicator.pk)


def test_each_indicator_counts_planned_delivered_confirmed_and_reached(world):
    figures = outcome_figures(SupportRequest.objects.all(), today=TODAY)
    trained = _row(figures, world["trained"])
    assert (trained.planned, trained.delivered, trained.confirmed, trained.reached) == (4, 3, 2, 2)
    plan = _row(figures, world["plan"])
    assert (plan.planned, plan.delivered, plan.reached) == (3, 3, 2)
    share = _row(figures, world["share"])
    assert (share.planned, share.reached) == (2, 1)
    assert figures.months == [3, 6]
    # Grouped by strategic priority, in order; a retired indicator nobody planned is left out.
    assert [group.priority for group in figures.groups] == [1, 3, 4]
    assert "Retired" not in {row.label for row in figures.rows}


def test_follow_ups_count_answers_and_missing_ones_and_sustained_values_follow_the_unit(world):
    figures = outcome_figures(SupportRequest.objects.all(), today=TODAY)
    three, six = _row(figures, world["trained"]).points
    assert (three.months, three.asked, three.answered, three.missing) == (3, 3, 2, 1)
    assert three.value == Decimal("16")  # a count adds up
    assert (six.asked, six.answered, six.missing, six.value) == (2, 0, 1, None)  # nothing invented
    assert _row(figures, world["plan"]).points[0].value == Decimal("1")  # one "yes"
    assert _row(figures, world["share"]).points[0].value == Decimal("30.0")  # a percentage averages
    overall = {point.months: point for point in figures.follow_ups}
    assert (overall[3].asked, overall[3].answered, overall[3].missing) == (6, 5, 1)
    assert (overall[6].asked, overall[6].missing) == (2, 1)


def test_the_steering_copy_hides_counts_below_five():
    indicator = IndicatorFactory(name="Exchanges held")
    region = RegionFactory(name="Sahel")
    for _ in range(3):  # a region with 1-4 requests: every count there is "fewer than 5"
        _request, target = _planned(indicator, target="1", city=CityFactory(region=region))
        _value(target, "delivered", "2")
    scope = SupportRequest.objects.filter(region=region)
    full = outcome_figures(scope, today=TODAY)
    assert (_row(full, indicator).planned, _row(full, indicator).reached) == (3, 3)
    hidden = outcome_figures_suppressed(full)
    row = _row(hidden, indicator)
    assert hidden.suppressed and (row.planned, row.delivered, row.reached) == (None, None, None)
    # Seven more elsewhere: the whole network's counts show.
    for _ in range(7):
        _planned(indicator)
    row = _row(outcome_figures_suppressed(outcome_figures(SupportRequest.objects.all(), today=TODAY)), indicator)
    assert row.planned == 10 and row.reached is None


def _grow(n):
    indicator = IndicatorFactory()
    for _ in range(n):
        request, target = _planned(indicator, target="1")
        _value(target, "delivered", "1")
        _value(target, "sustained", "1", _follow_up(request, 3, "answered"))


def test_the_query_count_does_not_grow_with_the_data():
    _grow(2)
    with CaptureQueriesContext(connection) as small:
        outcome_figures(SupportRequest.objects.all(), today=TODAY)
    _grow(20)
    with CaptureQueriesContext(connection) as big:
        outcome_figures(SupportRequest.objects.all(), today=TODAY)
    assert len(small) == len(big) <= 5
