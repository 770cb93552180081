"""The fast track's countdown: how long is left, or how late, in whole units each language agrees with its number."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from helpdesk.models import RequestState
from web.countdown import countdown_text, counts_down, span_words

NOW = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("left", "text"),
    [
        (timedelta(hours=5, minutes=20, seconds=59), "Answer due in 5 hours 20 minutes"),
        (timedelta(hours=24), "Answer due in 24 hours"),
        (timedelta(hours=47, minutes=59), "Answer due in 47 hours 59 minutes"),
        (timedelta(hours=50, minutes=10), "Answer due in 2 days 2 hours"),
        (timedelta(hours=1), "Answer due in 1 hour"),
        (timedelta(minutes=40), "Answer due in 40 minutes"),
        (timedelta(seconds=30), "Answer due in less than a minute"),
        (timedelta(0), "Answer due in less than a minute"),
        (-timedelta(hours=2), "Overdue by 2 hours"),
        (-timedelta(hours=2, minutes=1), "Overdue by 2 hours 1 minute"),
    ],
)
def test_what_is_left_or_how_late_in_english(left, text):
    with translation.override("en"):
        assert countdown_text(NOW + left, now=NOW) == text


def test_no_deadline_no_countdown():
    assert countdown_text(None, now=NOW) == ""


@pytest.mark.parametrize(
    ("language", "seconds", "words"),
    [
        ("fr", 5 * 3600, "5 heures"),
        ("fr", 3600, "1 heure"),
        ("ar", 5 * 3600, "5 ساعات"),
        ("ar", 2 * 3600, "ساعتان"),
        ("ar", 11 * 60, "11 دقيقةً"),
    ],
)
def test_each_unit_is_its_languages_plural(language, seconds, words):
    with translation.override(language):
        assert span_words(seconds) == words


@pytest.mark.parametrize(
    ("state", "fast_tracked", "counts"),
    [
        (RequestState.SUBMITTED, True, True),
        (RequestState.INFO_REQUESTED, True, True),
        (RequestState.EXPERT_MATCHING, True, True),
        (RequestState.FUNDING_REVIEW, True, True),
        (RequestState.SUBMITTED, False, False),
        (RequestState.IN_DELIVERY, True, False),  # a delivery date: shown as a date
        (RequestState.DELIVERED, True, False),
        (RequestState.CLOSED, True, False),
    ],
)
def test_only_a_fast_track_step_timed_in_hours_counts_down(state, fast_tracked, counts):
    assert counts_down(state, fast_tracked) is counts
