"""The steering figures' five-minute copy (a speed device, ``docs/performance.md``) equals the figures it keeps."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from helpdesk.models import SupportRequest
from tests.factories import CityFactory, FundEnvelopeFactory, RegionFactory, SupportRequestFactory
from workflows.models import Evaluation, FundApplication
from workflows.stats import (
    FIGURES_SECONDS,
    PERIODS,
    FigureRow,
    figures_suppressed,
    management_figures_recent,
    period_for,
    steering_figures,
    steering_figures_recent,
)
from workflows.tally import tally_rebuild

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed():
    city = CityFactory(region=RegionFactory(name="South Asia"))
    SupportRequestFactory.create_batch(3, city=city, state="submitted", theme="young_cities")
    SupportRequestFactory(city=city, state="declined", theme="multi_agency")
    tally_rebuild()  # rows made by factories, not moves: counted as a bulk load is
    SupportRequestFactory(city=city, state="draft")
    return city


@pytest.mark.parametrize("key", PERIODS)
def test_the_kept_figures_equal_the_figures_computed_for_the_period(filed, key):
    period, figures = management_figures_recent(key)
    assert period.key == key
    assert figures == steering_figures(period)
    assert figures.total == 4
    _, suppressed = steering_figures_recent(key)
    assert suppressed == figures_suppressed(steering_figures(period))


def test_a_second_reader_within_five_minutes_gets_the_copy_without_a_query(filed):
    first = steering_figures_recent("all")
    SupportRequestFactory(city=filed, state="submitted")
    with CaptureQueriesContext(connection) as queries:
        again = steering_figures_recent("all")
    assert len(queries) == 0
    assert again == first and again[1].total is None  # four: "fewer than 5" for the steering committee


def test_the_copy_is_computed_again_once_it_is_older_than_five_minutes(filed):
    steering_figures_recent("all")
    SupportRequestFactory(city=filed, state="submitted")
    tally_rebuild()
    with time_machine.travel(timezone.now() + timedelta(seconds=FIGURES_SECONDS + 1)):
        _, figures = steering_figures_recent("all")
    assert figures.total == 5


def test_each_language_keeps_its_own_copy_with_its_own_labels(filed):
    with translation.override("en"):
        _, english = management_figures_recent("all")
    with translation.override("fr"):
        _, french = management_figures_recent("all")
    assert FigureRow("Submitted", 3, "submitted") in english.by_state
    assert FigureRow("Soumise", 3, "submitted") in french.by_state
    assert english.total == french.total == 4


def test_counts_below_five_are_suppressed_and_zero_or_five_are_not(filed):
    SupportRequestFactory.create_batch(2, city=filed, state="submitted", theme="young_cities")
    tally_rebuild()  # rows made by factories, not moves: counted as a bulk load is
    figures = steering_figures(period_for("all"))
    assert FigureRow("Submitted", 5, "submitted") in figures.by_state
    hidden = figures_suppressed(figures)
    assert hidden.suppressed and hidden.total == 6
    assert FigureRow("Submitted", 5, "submitted") in hidden.by_state
    assert FigureRow("Declined", None, "declined") in hidden.by_state
    assert FigureRow("Young Cities (youth engagement)", 5, "young_cities") in hidden.by_theme
    assert FigureRow("Multi-agency prevention frameworks", None, "multi_agency") in hidden.by_theme
    this_month = hidden.by_month[-1]
    assert (this_month.filed, this_month.closed) == (6, 0)  # nothing closed: zero points at nobody
    assert [m.filed for m in hidden.by_month[:-1]] == [0] * 11


def test_medians_ratings_and_grants_of_fewer_than_five_are_suppressed(filed):
    now = timezone.now()
    requests = SupportRequestFactory.create_batch(
        4, city=filed, state="closed", triaged_at=now, time_to_triage=timedelta(hours=5)
    )
    for request in requests:
        Evaluation.objects.create(request=request, rating=5, outcomes="Good", would_recommend=True)
    envelope = FundEnvelopeFactory(region=filed.region, fiscal_year=now.year, amount=Decimal("1000"))
    FundApplication.objects.create(
        request=requests[0],
        envelope=envelope,
        amount_requested=Decimal("900"),
        amount_approved=Decimal("900"),
        strategic_priority=3,
        justification="Aligned.",
        status=FundApplication.Status.APPROVED,
    )
    envelope.committed = Decimal("900")
    envelope.save(update_fields=["committed"])
    tally_rebuild()  # rows made by factories, not moves: counted as a bulk load is
    figures = steering_figures(period_for("all"))
    assert figures.median_to_triage == timedelta(hours=5) and figures.average_rating == 5.0
    (fund,) = figures.fund
    assert (fund.envelope, fund.committed, fund.grants) == (Decimal("1000"), Decimal("900"), 1)
    hidden = figures_suppressed(figures)
    assert hidden.median_to_triage is None and hidden.average_rating is None and hidden.evaluations is None
    (fund,) = hidden.fund
    assert (fund.envelope, fund.committed, fund.grants) == (Decimal("1000"), None, None)


def test_the_trend_counts_each_month_of_the_last_twelve(filed):
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=62)):
        SupportRequestFactory.create_batch(2, city=filed, state="submitted")
    closed = SupportRequestFactory.create_batch(3, city=filed, state="closed")
    SupportRequest.objects.filter(pk__in=[request.pk for request in closed]).update(closed_at=now)
    tally_rebuild()  # rows made by factories, not moves: counted as a bulk load is
    months = steering_figures(period_for("all"), now=now).by_month
    assert len(months) == 12 and months[-1].month == now.date().replace(day=1)
    assert months[-1].filed == 4 + 3 and months[-1].closed == 3
    assert sum(m.filed or 0 for m in months[:-1]) == 2


@pytest.mark.parametrize("rows", [1, 30])
def test_the_figures_take_the_same_few_queries_whatever_the_number_of_requests(rows, django_assert_num_queries):
    city = CityFactory()
    now = timezone.now()
    for _ in range(rows):
        request = SupportRequestFactory(city=city, state="closed", triaged_at=now, time_to_triage=timedelta(hours=3))
        Evaluation.objects.create(request=request, rating=4, outcomes="Good", would_recommend=True)
    tally_rebuild()  # rows made by factories, not moves: counted as a bulk load is
    FundEnvelopeFactory(region=city.region, fiscal_year=now.year)
    # From the tally: every count and both medians' histograms, the two month series; then the hubs' names, the
    # ratings, the envelopes: 5.
    with django_assert_num_queries(5):
        steering_figures(period_for("12m"))
