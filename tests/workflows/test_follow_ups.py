"""When follow-ups fall due: calendar months after delivery, and the steps of an open follow-up."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from workflows.follow_ups import (
    Point,
    Step,
    add_months,
    due_on,
    latest_delivered_for,
    latest_delivery_due,
    next_point,
    point_due,
    schedule,
    step_due,
)
from workflows.models import FollowUp


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 15), 3, date(2026, 4, 15)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 10, 15), 6, date(2027, 4, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 10), -3, date(2025, 10, 10)),
    ],
)
def test_months_are_calendar_months_and_a_late_day_is_the_months_last(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize("months", [1, 3, 6, 12])
def test_the_latest_delivery_due_is_exactly_where_a_follow_up_comes(months):
    """Every day of two years (leap year and month ends included): a delivery is due by ``today`` exactly when
    it is on or before ``latest_delivery_due(today)`` (the job's query relies on it)."""
    days = [date(2027, 1, 1) + timedelta(days=n) for n in range(2 * 366)]
    deliveries = [date(2026, 1, 1) + timedelta(days=n) for n in range(3 * 366)]
    for today in days[::3] + [d for d in days if (d + timedelta(days=1)).day == 1]:
        latest = latest_delivery_due(today, months)
        for delivered in deliveries:
            assert (add_months(delivered, months) <= today) == (delivered <= latest), (today, delivered)


DELIVERED = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "asked", "expected"),
    [
        (datetime(2026, 4, 14, 23, 0, tzinfo=UTC), [], None),  # not yet three months
        (datetime(2026, 4, 15, 0, 0, tzinfo=UTC), [], 3),
        (datetime(2026, 4, 15, 0, 0, tzinfo=UTC), [3], None),  # asked already
        (datetime(2026, 7, 15, 9, 0, tzinfo=UTC), [3], 6),
        (datetime(2026, 7, 15, 9, 0, tzinfo=UTC), [], 6),  # the desk started late: the 3-month one is not asked late
        (datetime(2026, 7, 15, 9, 0, tzinfo=UTC), [6], None),
        (datetime(2027, 7, 15, 9, 0, tzinfo=UTC), [3, 6], None),  # no later point
    ],
)
def test_the_point_due_is_the_latest_that_has_come_unless_asked(settings, now, asked, expected):
    settings.OUTCOMES_FOLLOW_UP_MONTHS = [3, 6]

    assert point_due(DELIVERED, asked, now) == expected
    assert point_due(None, [], now) is None


def test_the_steps_of_an_open_follow_up_follow_the_days_since_it_was_asked(settings):
    settings.OUTCOMES_REMINDER_DAYS, settings.OUTCOMES_ESCALATION_DAYS, settings.OUTCOMES_MISSED_DAYS = 14, 28, 60
    asked = datetime(2026, 4, 15, 3, 0, tzinfo=UTC)
    follow_up = FollowUp(months=3, due_on=date(2026, 4, 15), opened_at=asked)

    def due(days: int) -> set[Step]:
        return {step for step in Step if step_due(follow_up, step, asked + timedelta(days=days))}

    assert due(13) == set()
    assert due(14) == {Step.REMIND}
    assert due(28) == {Step.REMIND, Step.ESCALATE}
    follow_up.reminded_at = asked + timedelta(days=14)
    assert due(28) == {Step.ESCALATE}
    # Past the time to answer it is missed, without a reminder or an escalation first.
    follow_up.reminded_at = None
    assert due(60) == {Step.MISS}
    follow_up.status = FollowUp.Status.ANSWERED
    assert due(60) == set()


@pytest.mark.parametrize(
    ("text", "point"), [("14d", Point(0, 14)), ("3m", Point(3, 0)), (" 6m ", Point(6, 0)), ("3", Point(3, 0))]
)
def test_a_point_is_days_or_months(text, point):
    assert Point.parse(text) == point


@pytest.mark.parametrize("text", ["", "0d", "28d", "2w", "m", "-3m"])
def test_a_point_of_four_weeks_or_more_is_said_in_months(text):
    with pytest.raises(ValueError):
        Point.parse(text)


@pytest.mark.parametrize(
    ("now", "asked", "expected"),
    [
        (datetime(2026, 1, 28, 23, 59, tzinfo=UTC), [], None),  # the 13th day after delivery
        (datetime(2026, 1, 29, 0, 0, tzinfo=UTC), [], Point(0, 14)),
        (datetime(2026, 1, 29, 0, 0, tzinfo=UTC), [Point(0, 14)], None),
        (datetime(2026, 4, 15, 0, 0, tzinfo=UTC), [Point(0, 14)], Point(3, 0)),
        (datetime(2026, 7, 15, 0, 0, tzinfo=UTC), [Point(0, 14)], Point(6, 0)),  # 3 months missed: not asked late
        (datetime(2026, 7, 15, 0, 0, tzinfo=UTC), [Point(6, 0)], None),
    ],
)
def test_check_ins_come_at_two_weeks_then_months_after_delivery(settings, now, asked, expected):
    settings.INCIDENT_CHECK_IN_POINTS = ["3m", "14d", "6m"]

    assert schedule(FollowUp.Kind.INCIDENT) == [Point(0, 14), Point(3, 0), Point(6, 0)]
    assert next_point(DELIVERED, asked, now, FollowUp.Kind.INCIDENT) == expected
    assert due_on(DELIVERED, Point(0, 14)) == date(2026, 1, 29)


def test_the_latest_delivery_due_for_a_point_in_days_is_that_many_days_back():
    today = date(2026, 3, 1)
    latest = latest_delivered_for(today, Point(0, 14))
    assert latest == date(2026, 2, 15)
    assert due_on(datetime(2026, 2, 15, 23, 0, tzinfo=UTC), Point(0, 14)) == today
