"""The desk's calendar: working days, the end of a day, the fund's fiscal years.

All counting happens in the desk's time zone (``settings.TIME_ZONE``) and keeps the time of day: a request
submitted on Friday at 10:00 with five working days is due the next Friday at 10:00. Weekends and the dates in
``settings.WORKFLOW_HOLIDAYS`` are not working days.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.conf import settings
from django.utils import timezone


@lru_cache(maxsize=8)
def _holidays(values: tuple[str, ...]) -> frozenset[date]:
    return frozenset(date.fromisoformat(value) for value in values)


def holidays() -> frozenset[date]:
    return _holidays(tuple(settings.WORKFLOW_HOLIDAYS))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays()


def add_working_days(start: datetime, days: int) -> datetime:
    """``start`` moved forward by ``days`` working days, at the same local time of day."""
    local = timezone.localtime(start)
    day, remaining = local.date(), days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return timezone.make_aware(datetime.combine(day, local.time().replace(tzinfo=None)))


def end_of(day: date) -> datetime:
    """The first instant after ``day`` in the desk's time zone: late from the next morning on."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def fiscal_year_of(day: date | datetime) -> int:
    """The fiscal year a day belongs to, named after the calendar year it starts in."""
    if isinstance(day, datetime):
        day = timezone.localdate(day)
    return day.year if day.month >= settings.FUND_FISCAL_YEAR_START_MONTH else day.year - 1
