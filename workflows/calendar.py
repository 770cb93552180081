"""The hubs' calendars: working days, the end of a day, the fund's fiscal years.

Every deadline counts in the calendar of the hub that owns the request (``calendar_of``): in the hub's time
zone, on its working week (Sunday to Thursday in several MENA countries), skipping the public holidays of the
request's country (the ``holidays`` library) and the closure days the hub entered (``HubClosure``), and
the network-wide dates of ``settings.WORKFLOW_HOLIDAYS``. Counting keeps the local time of day: a request
submitted on a Thursday at 10:00 with five working days, in a hub working Sunday to Thursday, is due the next
Thursday at 10:00 there.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from django.conf import settings
from django.db.models import Subquery
from django.utils import timezone

from helpdesk.models import City, HubClosure, Region, SupportRequest
from helpdesk.selectors.hubs import public_holiday_dates, zone_named

MONDAY_TO_FRIDAY = frozenset({1, 2, 3, 4, 5})
# Closure days are read this far ahead of a deadline's start: further than any working-day deadline reaches.
CLOSURES_AHEAD = timedelta(days=400)
# A walk through the calendar gives up after this many days (a week without a working day is refused by the
# hub's form; this only keeps a broken row from hanging a move).
LONGEST_WALK = 3660


@lru_cache(maxsize=8)
def _network_holidays(values: tuple[str, ...]) -> frozenset[date]:
    return frozenset(date.fromisoformat(value) for value in values)


def network_holidays() -> frozenset[date]:
    """The dates no hub works (``WORKFLOW_HOLIDAYS``)."""
    return _network_holidays(tuple(settings.WORKFLOW_HOLIDAYS))


def public_holidays(country: str, year: int) -> frozenset[date]:
    """A country's public holidays in ``year`` (none for a country the library does not know)."""
    return public_holiday_dates(country, year)


@dataclass(frozen=True)
class HubCalendar:
    """How one hub counts days for requests of one country."""

    time_zone: str = settings.TIME_ZONE
    working_days: frozenset[int] = MONDAY_TO_FRIDAY
    country: str = ""
    closures: frozenset[date] = frozenset()

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zone_named(self.time_zone)

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
        """``start`` moved forward by ``days`` working days, at the same local time of day in the hub (across a
        change of daylight saving time too: 10:00 stays 10:00 there)."""
        local = timezone.localtime(start, self.zone)
        day, remaining = local.date(), days
        for _step in range(LONGEST_WALK):
            if remaining <= 0:
                break
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return timezone.make_aware(datetime.combine(day, local.time().replace(tzinfo=None)), self.zone)

    def add_working_time(self, start: datetime, span: timedelta) -> datetime:
        """``start`` moved forward by ``span`` counted on the hub's working days only: a working day's hours all
        count (its night too), a day off's none (a weekend, a public holiday, a closure day). An escalation's
        grace period counts this way, so that it never runs out over a weekend the hub did not work."""
        cursor, remaining = start.astimezone(UTC), span
        for _step in range(LONGEST_WALK):
            day = self.localdate(cursor)
            midnight = self.end_of(day).astimezone(UTC)  # real hours: a day of a DST change has 23 or 25
            if self.is_working_day(day):
                if remaining <= midnight - cursor:
                    break
                remaining -= midnight - cursor
            cursor = midnight
        return timezone.localtime(cursor + remaining, self.zone)

    def end_of(self, day: date) -> datetime:
        """The first instant after ``day`` in the hub's time zone: late from the next morning on."""
        return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), self.zone)

    def escalation_due(self, due_at: datetime, *, hours: int, fast_track: bool = False) -> datetime:
        """When a step past ``due_at`` escalates: ``hours`` of the hub's working days later (the deadline
        sweep's grace period, ``DEADLINE_ESCALATION_HOURS``); on the incident fast track every hour counts."""
        if fast_track:
            return due_at + timedelta(hours=hours)
        return self.add_working_time(due_at, timedelta(hours=hours))


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
    city's country, the hub's coming closure days), made once per move (``Move.hub_calendar``), never per row
    of a list (``calendars_for`` reads many at once)."""
    country = City.objects.filter(pk=request.city_id).values("country")[:1]
    region = (
        Region.objects.only("time_zone", "working_days").annotate(country=Subquery(country)).get(pk=request.region_id)
    )
    # A day's margin covers every zone, whoever's zone is active.
    since = (now or timezone.now()).astimezone(UTC).date() - timedelta(days=1)
    closures = HubClosure.objects.filter(
        region_id=request.region_id, day__gte=since, day__lte=since + CLOSURES_AHEAD
    ).values_list("day", flat=True)
    return hub_calendar(region, country=getattr(region, "country", "") or "", closures=closures)


def calendars_for(requests: Sequence[SupportRequest], *, since: date) -> dict[int, HubCalendar]:
    """The owning hub's calendar of each request, by the request's id, read for all of them at once: three
    queries whatever their number (their hubs, their cities' countries, the hubs' closure days from ``since``).
    For a batch of rows (the deadline sweep); a request needs only ``pk``, ``region_id`` and ``city_id``."""
    if not requests:
        return {}
    region_ids = {request.region_id for request in requests}
    regions = {
        region.pk: region for region in Region.objects.filter(pk__in=region_ids).only("time_zone", "working_days")
    }
    countries = dict(City.objects.filter(pk__in={request.city_id for request in requests}).values_list("pk", "country"))
    closures: dict[int, set[date]] = defaultdict(set)
    for region_id, day in HubClosure.objects.filter(region_id__in=region_ids, day__gte=since).values_list(
        "region_id", "day"
    ):
        closures[region_id].add(day)
    made: dict[tuple[int, str], HubCalendar] = {}
    found: dict[int, HubCalendar] = {}
    for request in requests:
        key = (request.region_id, str(countries.get(request.city_id) or ""))
        if key not in made:
            region = regions.get(request.region_id)
            made[key] = (
                DESK_CALENDAR if region is None else hub_calendar(region, country=key[1], closures=closures[key[0]])
            )
        found[request.pk] = made[key]
    return found


def fiscal_year_of(day: date | datetime) -> int:
    """The fiscal year a day belongs to, named after the calendar year it starts in. A moment is dated in the
    desk's time zone (``TIME_ZONE``), not the reader's: an application's year is the same whoever decides it."""
    if isinstance(day, datetime):
        day = timezone.localtime(day, zone_named(settings.TIME_ZONE)).date()
    return day.year if day.month >= settings.FUND_FISCAL_YEAR_START_MONTH else day.year - 1
