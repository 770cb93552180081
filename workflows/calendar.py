"""The hubs' calendars: working days, the end of a day, the fund's fiscal years.

Every deadline counts in the calendar of the hub that owns the request (``calendar_of``): in the hub's time
zone, on its working week (Sunday to Thursday in several MENA countries), skipping the public holidays of the
request's country (the ``holidays`` library) and the closure days the hub entered (``HubClosure``), and
the network-wide dates of ``settings.WORKFLOW_HOLIDAYS``. Counting keeps the local time of day: a request
submitted on a Thursday at 10:00 with five working days, in a hub working Sunday to Thursday, is due the next
Thursday at 10:00 there.
"""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays as holidays_library
from django.conf import settings
from django.db.models import Subquery
from django.utils import timezone

from helpdesk.models import City, HubClosure, Region, SupportRequest

logger = logging.getLogger(__name__)

MONDAY_TO_FRIDAY = frozenset({1, 2, 3, 4, 5})
# Closure days are read this far ahead of a deadline's start: further than any working-day deadline reaches.
CLOSURES_AHEAD = timedelta(days=400)


@lru_cache(maxsize=8)
def _network_holidays(values: tuple[str, ...]) -> frozenset[date]:
    return frozenset(date.fromisoformat(value) for value in values)


def network_holidays() -> frozenset[date]:
    """The dates no hub works (``WORKFLOW_HOLIDAYS``)."""
    return _network_holidays(tuple(settings.WORKFLOW_HOLIDAYS))


@lru_cache(maxsize=1024)
def public_holidays(country: str, year: int) -> frozenset[date]:
    """A country's public holidays in ``year`` (none for a country the library does not know)."""
    if not country:
        return frozenset()
    try:
        return frozenset(holidays_library.country_holidays(country, years=year))
    except NotImplementedError:
        logger.info("No public holidays known for %s", country)
        return frozenset()


@lru_cache(maxsize=256)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class HubCalendar:
    """How one hub counts days for requests of one country."""

    time_zone: str = settings.TIME_ZONE
    working_days: frozenset[int] = MONDAY_TO_FRIDAY
    country: str = ""
    closures: frozenset[date] = frozenset()

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return _zone(self.time_zone)

    def is_working_day(self, day: date) -> bool:
        return (
            day.isoweekday() in (self.working_days or MONDAY_TO_FRIDAY)
            and day not in self.closures
            and day not in network_holidays()
            and day not in public_holidays(self.country, day.year)
        )

    def localdate(self, moment: datetime) -> date:
        return timezone.localtime(moment, self.zone).date()

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """``start`` moved forward by ``days`` working days, at the same local time of day in the hub."""
        local = timezone.localtime(start, self.zone)
        day, remaining = local.date(), days
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return timezone.make_aware(datetime.combine(day, local.time().replace(tzinfo=None)), self.zone)

    def end_of(self, day: date) -> datetime:
        """The first instant after ``day`` in the hub's time zone: late from the next morning on."""
        return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), self.zone)


# The desk's own calendar: where no hub is known (a request's region is always set; tests and tools use it).
DESK_CALENDAR = HubCalendar()


def hub_calendar(region: Region, *, country: str = "", closures: Iterable[date] = ()) -> HubCalendar:
    return HubCalendar(
        time_zone=region.time_zone or settings.TIME_ZONE,
        working_days=frozenset(int(d) for d in region.working_days or ()) or MONDAY_TO_FRIDAY,
        country=str(country or ""),
        closures=frozenset(closures),
    )


def calendar_of(request: SupportRequest, *, now: datetime | None = None) -> HubCalendar:
    """The calendar of the hub that owns ``request``, for its city's country: two small reads (the hub with the
    city's country, the hub's coming closure days), made once per move, never per row of a list."""
    country = City.objects.filter(pk=request.city_id).values("country")[:1]
    region = (
        Region.objects.only("time_zone", "working_days").annotate(country=Subquery(country)).get(pk=request.region_id)
    )
    since = timezone.localdate(now or timezone.now()) - timedelta(days=1)
    closures = HubClosure.objects.filter(
        region_id=request.region_id, day__gte=since, day__lte=since + CLOSURES_AHEAD
    ).values_list("day", flat=True)
    return hub_calendar(region, country=getattr(region, "country", "") or "", closures=closures)


def fiscal_year_of(day: date | datetime) -> int:
    """The fiscal year a day belongs to, named after the calendar year it starts in."""
    if isinstance(day, datetime):
        day = timezone.localdate(day)
    return day.year if day.month >= settings.FUND_FISCAL_YEAR_START_MONTH else day.year - 1
