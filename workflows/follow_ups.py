"""When a request's follow-ups fall due, and when an open one is reminded, escalated and counted as missed.

A follow-up is due some calendar months after delivery (``OUTCOMES_FOLLOW_UP_MONTHS``: 3 and 6 unless the
desk sets others); once asked, the city is reminded after ``OUTCOMES_REMINDER_DAYS``, the hub is told after
``OUTCOMES_ESCALATION_DAYS`` and, after ``OUTCOMES_MISSED_DAYS``, the follow-up closes as not answered.
The checks (``workflows.checks``), the moves (``workflows.moves.follow_ups``) and the scheduled job
(``workflows.services.outcomes_followups_run``) all decide from these functions, so they agree.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.utils import timezone

from workflows.models import FollowUp


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` calendar months on (back, if negative); the 31st of a shorter month is its
    last day (31 January + 1 month = 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _last_of_month(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def latest_delivery_due(today: date, months: int) -> date:
    """The latest delivery date whose follow-up at ``months`` is due by ``today``: every delivery on or before
    it is due (``add_months`` never goes down as the day goes up, so this is where it crosses ``today``)."""
    back = add_months(today, -months)
    if _last_of_month(today):
        # On the last day of a month, every later day of the month ``months`` back lands on it too.
        return back.replace(day=calendar.monthrange(back.year, back.month)[1])
    return back


def points() -> list[int]:
    """The months after delivery at which the city is asked, in order."""
    return sorted({int(m) for m in settings.OUTCOMES_FOLLOW_UP_MONTHS if int(m) > 0})


def due_on(delivered_at: datetime, months: int) -> date:
    return add_months(timezone.localdate(delivered_at), months)


def point_due(delivered_at: datetime | None, asked: Iterable[int], now: datetime) -> int | None:
    """The follow-up to open now on a request delivered at ``delivered_at`` whose follow-ups at ``asked``
    months exist: the latest point that has come, unless it (or a later one) was asked already. An earlier
    point the desk missed (the job did not run, the desk started asking later) is never asked late."""
    if delivered_at is None:
        return None
    today = timezone.localdate(now)
    come = [m for m in points() if due_on(delivered_at, m) <= today]
    if not come:
        return None
    latest = come[-1]
    return None if any(m >= latest for m in asked) else latest


class Step(StrEnum):
    """What the desk does about a follow-up left open."""

    REMIND = "remind"
    ESCALATE = "escalate"
    MISS = "miss"


def cutoffs(now: datetime) -> dict[Step, datetime]:
    """For each step, the latest moment a follow-up may have been asked for the step to be due at ``now``."""
    return {
        Step.REMIND: now - timedelta(days=settings.OUTCOMES_REMINDER_DAYS),
        Step.ESCALATE: now - timedelta(days=settings.OUTCOMES_ESCALATION_DAYS),
        Step.MISS: now - timedelta(days=settings.OUTCOMES_MISSED_DAYS),
    }


def step_due(follow_up: FollowUp, step: Step, now: datetime) -> bool:
    """Whether ``step`` is due on ``follow_up`` at ``now``. A follow-up due to be counted as missed is not
    reminded nor escalated first: it is missed (the job may have been stopped for a while)."""
    if follow_up.status != FollowUp.Status.OPEN:
        return False
    limits = cutoffs(now)
    if step is Step.MISS:
        return follow_up.opened_at <= limits[Step.MISS]
    if follow_up.opened_at <= limits[Step.MISS]:
        return False
    if step is Step.REMIND:
        return follow_up.reminded_at is None and follow_up.opened_at <= limits[Step.REMIND]
    return follow_up.escalated_at is None and follow_up.opened_at <= limits[Step.ESCALATE]
