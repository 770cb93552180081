"""When a request's follow-ups fall due, and when an open one is reminded, escalated and counted as missed.

Two kinds share one mechanism (``FollowUp.kind``). An outcome follow-up is due some calendar months after delivery
(``OUTCOMES_FOLLOW_UP_MONTHS``: 3 and 6 unless the desk sets others) when the support planned key indicators. A
request on the incident fast track is checked in with after the incident instead, at ``INCIDENT_CHECK_IN_POINTS``
("14d", "3m", "6m": recovery takes weeks and months), indicators or not. Once asked, the city is reminded after
``OUTCOMES_REMINDER_DAYS``, the hub is told after ``OUTCOMES_ESCALATION_DAYS`` and, after
``OUTCOMES_MISSED_DAYS``, the follow-up closes as not answered.
The checks (``workflows.checks``), the moves (``workflows.moves.follow_ups``) and the scheduled job
(``workflows.services.outcomes_followups_run``) all decide from these functions, so they agree.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from helpdesk.models import SupportRequest
from workflows.models import FollowUp

if TYPE_CHECKING:
    from workflows.facts import RequestFacts

Kind = FollowUp.Kind
# A point in days stays under four weeks (longer is said in months), so months then days is the order in time
# whatever the delivery date (the model's check constraint holds the same).
MAX_DAYS = 28
_POINT = re.compile(r"^\s*(\d+)\s*([dm]?)\s*$")


class Point(NamedTuple):
    """A moment after delivery: whole calendar months, or days (under ``MAX_DAYS``); ordered in time."""

    months: int
    days: int = 0

    @classmethod
    def parse(cls, text: str) -> Point:
        """A point as the settings write it: "14d" (days) or "3m" (calendar months); a bare number is months."""
        found = _POINT.match(str(text))
        if found is None:
            raise ValueError(f"A follow-up point is a number of days or months, like 14d or 3m: {text!r}")
        count, unit = int(found.group(1)), found.group(2)
        point = cls(0, count) if unit == "d" else cls(count, 0)
        if count <= 0 or point.days >= MAX_DAYS:
            raise ValueError(f"A follow-up point is 1 to {MAX_DAYS - 1} days, or 1 month or more: {text!r}")
        return point


def point_of(follow_up: FollowUp) -> Point:
    return Point(follow_up.months, follow_up.days)


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


def latest_delivered_for(today: date, point: Point) -> date:
    """The latest delivery date whose follow-up at ``point`` is due by ``today`` (the job's query)."""
    return today - timedelta(days=point.days) if point.days else latest_delivery_due(today, point.months)


def points() -> list[int]:
    """The months after delivery at which the city is asked about the outcomes, in order."""
    return sorted({int(m) for m in settings.OUTCOMES_FOLLOW_UP_MONTHS if int(m) > 0})


def schedule(kind: str) -> list[Point]:
    """The points after delivery at which a follow-up of ``kind`` is asked, in order."""
    if kind == Kind.INCIDENT:
        return sorted({Point.parse(text) for text in settings.INCIDENT_CHECK_IN_POINTS})
    return [Point(months) for months in points()]


def kind_of(request: SupportRequest) -> str:
    """Which follow-ups a request gets: check-ins after the incident on the fast track, else outcome ones."""
    return Kind.INCIDENT if request.fast_tracked_at is not None else Kind.OUTCOME


def due_on(delivered_at: datetime, point: Point | int) -> date:
    """The day the follow-up at ``point`` (a ``Point``, or months) comes for a request delivered at
    ``delivered_at``."""
    months, days = (point, 0) if isinstance(point, int) else point
    return add_months(timezone.localdate(delivered_at), months) + timedelta(days=days)


def next_point(delivered_at: datetime | None, asked: Iterable[Point], now: datetime, kind: str) -> Point | None:
    """The follow-up to open now on a request delivered at ``delivered_at`` whose follow-ups at ``asked``
    exist: the latest point of ``kind``'s schedule that has come, unless it (or a later one) was asked
    already. An earlier point the desk missed (the job did not run, the desk started asking later) is never
    asked late."""
    if delivered_at is None:
        return None
    today = timezone.localdate(now)
    come = [p for p in schedule(kind) if due_on(delivered_at, p) <= today]
    if not come:
        return None
    latest = come[-1]
    return None if any(p >= latest for p in asked) else latest


def point_due(delivered_at: datetime | None, asked: Iterable[int], now: datetime) -> int | None:
    """``next_point`` of the outcome follow-ups, in months (``asked``: the months already asked)."""
    found = next_point(delivered_at, [Point(m) for m in asked], now, Kind.OUTCOME)
    return None if found is None else found.months


def asked_at_or_after(point: Point, prefix: str = "") -> Q:
    """The follow-ups (under ``prefix``, a relation) asked at ``point`` or a later one."""
    return Q(**{f"{prefix}months__gt": point.months}) | Q(
        **{f"{prefix}months": point.months, f"{prefix}days__gte": point.days}
    )


def open_due(facts: RequestFacts, kind: str) -> bool:
    """Whether the desk asks the city a follow-up of ``kind`` now: the request gets that kind (check-ins on the
    fast track; outcome follow-ups only when the support planned key indicators) and a point has come."""
    request = facts.request
    # An anonymised request has nobody left to ask.
    if request.anonymised_at is not None or kind_of(request) != kind:
        return False
    if kind == Kind.OUTCOME and not facts.plans_outcomes:
        return False
    asked = [point_of(f) for f in facts.follow_ups]
    return next_point(request.delivered_at, asked, facts.now or timezone.now(), kind) is not None


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
