"""The steering figures' five-minute copy (a speed device, ``docs/performance.md``) equals the figures it keeps."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tests.factories import CityFactory, RegionFactory, SupportRequestFactory
from workflows.stats import FIGURES_SECONDS, PERIODS, steering_figures, steering_figures_recent

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed():
    city = CityFactory(region=RegionFactory(name="South Asia"))
    SupportRequestFactory.create_batch(3, city=city, state="submitted", theme="young_cities")
    SupportRequestFactory(city=city, state="declined", theme="multi_agency")
    SupportRequestFactory(city=city, state="draft")
    return city


@pytest.mark.parametrize("key", PERIODS)
def test_the_kept_figures_equal_the_figures_computed_for_the_period(filed, key):
    period, figures = steering_figures_recent(key)
    assert period.key == key
    assert figures == steering_figures(period)
    assert figures.total == 4


def test_a_second_reader_within_five_minutes_gets_the_copy_without_a_query(filed):
    first = steering_figures_recent("all")
    SupportRequestFactory(city=filed, state="submitted")
    with CaptureQueriesContext(connection) as queries:
        again = steering_figures_recent("all")
    assert len(queries) == 0
    assert again == first and again[1].total == 4


def test_the_copy_is_computed_again_once_it_is_older_than_five_minutes(filed):
    steering_figures_recent("all")
    SupportRequestFactory(city=filed, state="submitted")
    with time_machine.travel(timezone.now() + timedelta(seconds=FIGURES_SECONDS + 1)):
        _, figures = steering_figures_recent("all")
    assert figures.total == 5


def test_each_language_keeps_its_own_copy_with_its_own_labels(filed):
    with translation.override("en"):
        _, english = steering_figures_recent("all")
    with translation.override("fr"):
        _, french = steering_figures_recent("all")
    assert {"label": "Submitted", "count": 3} in english.by_state
    assert {"label": "Soumise", "count": 3} in french.by_state
    assert english.total == french.total == 4
