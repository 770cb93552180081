"""Reads of a hub's calendar: its time zone, working week, closure days and the public holidays of the countries
it serves (the ``holidays`` library), for the hub's calendar page; ``workflows.calendar`` counts deadlines on the
same public holidays (``public_holiday_dates``).

The page is for the hub's own staff and the management unit (``helpdesk.access_hubs``). Its reads are a fixed
number of queries (the hub, its cities' countries, its closure days, its calendar's history), whatever the number
of cities; the holidays are the library's, computed once per country, year and language and kept in memory.
"""

from __future__ import annotations

import logging
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays as holidays_library
from django.conf import settings
from django.utils import timezone, translation
from django.utils.dates import WEEKDAYS

from helpdesk.access import can
from helpdesk.models import City, HubClosure, PeopleAction, PeopleLog, Region, User, country_name, name_key

logger = logging.getLogger(__name__)

# The people log's action for a change to a hub's calendar (its time zone and week, a closure day added or
# removed).
HUB_CALENDAR = PeopleAction.HUB_CALENDAR
# ISO weekday numbers (Monday = 1), as ``Region.working_days`` keeps them, with their names (Django's own).
ISO_WEEKDAYS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7)
# How far ahead the page lists public holidays (closure days: all those to come).
AHEAD = timedelta(days=365)
HISTORY_LINES = 10


@lru_cache(maxsize=256)
def zone_named(name: str) -> zoneinfo.ZoneInfo:
    """The zone of that IANA name; the desk's (``TIME_ZONE``) for a name the zone database does not know."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def zone_label(name: str) -> str:
    """A zone's IANA name as people read it ("Asia/Amman" reads "Asia / Amman", "Dar_es_Salaam" "Dar es Salaam")."""
    return name.replace("_", " ").replace("/", " / ")


def week_order(days: list[int]) -> list[int]:
    """The working days in the order the hub's week runs: from the first day after a day off (Sunday to Thursday
    reads from Sunday; a week of seven working days from Monday)."""
    kept = set(days)
    start = next((day for day in ISO_WEEKDAYS if day in kept and (day - 2) % 7 + 1 not in kept), 1)
    return [day for day in (*range(start, 8), *range(1, start)) if day in kept]


def weekday_name(iso: int) -> str:
    """An ISO weekday's name in the reader's language (Monday = 1)."""
    return str(WEEKDAYS[(iso - 1) % 7])


# --- public holidays (the ``holidays`` library) ----------------------------------------------------------------


def _library_language(country: str, language: str) -> str | None:
    """The library's language for ``country`` closest to ``language`` ("en", "fr", "ar"): that one if the library
    offers it, else a regional variant of it (the country's own first, then "en_US"), else English likewise, else
    None (the library's default names)."""
    try:
        entity = holidays_library.country_holidays(country)
    except NotImplementedError:
        return None
    supported: tuple[str, ...] = tuple(getattr(entity, "supported_languages", ()) or ())
    if language in supported:
        return language
    default = getattr(entity, "default_language", None) or ""
    for wanted in (language, "en"):  # the desk's own language next: its names are the library's own words
        variants = [code for code in supported if code.split("_")[0] == wanted]
        variants.sort(key=lambda code: (code != default, code != "en_US", code))
        if variants:
            return variants[0]
    return None


@lru_cache(maxsize=2048)
def public_holidays(country: str, year: int, language: str = "") -> tuple[tuple[date, str], ...]:
    """A country's public holidays in ``year`` by date, named in ``language`` where the library offers it (its
    default language otherwise); none for a country the library does not know. Memoised: the library computes
    a year at a time (moveable and lunar dates included)."""
    if not country:
        return ()
    try:
        found = holidays_library.country_holidays(
            country, years=year, language=_library_language(country, language) if language else None
        )
    except NotImplementedError:
        logger.info("No public holidays known for %s", country)
        return ()
    return tuple(sorted(found.items()))


@lru_cache(maxsize=1024)
def public_holiday_dates(country: str, year: int) -> frozenset[date]:
    """The days of a country's public holidays in ``year`` (what a deadline skips)."""
    return frozenset(day for day, _name in public_holidays(country, year))


@dataclass(frozen=True)
class PublicHoliday:
    day: date
    name: str  # in the reader's language where the library offers it
    country: str  # the country's name in the reader's language
    on_working_day: bool  # whether it falls in the hub's working week (else the hub is off anyway)


def holidays_ahead(
    countries: list[str], *, start: date, working_days: frozenset[int], language: str = ""
) -> list[PublicHoliday]:
    """The public holidays of ``countries`` from ``start`` to a year later, by date, then country."""
    end = start + AHEAD
    rows = [
        PublicHoliday(
            day=day,
            name=name,
            country=country_name(country),
            on_working_day=day.isoweekday() in working_days,
        )
        for country in countries
        for year in range(start.year, end.year + 1)
        for day, name in public_holidays(country, year, language)
        if start <= day <= end
    ]
    return sorted(rows, key=lambda row: (row.day, name_key(row.country)))


# --- the hub's calendar page -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClosureDay:
    pk: int
    day: date
    name: str
    on_working_day: bool


@dataclass(frozen=True)
class CalendarChange:
    """One line of the calendar's history: when, who, and what changed (each part None when it did not)."""

    at: datetime
    actor: str
    time_zone: tuple[str, str] | None = None  # before, after
    working_days: tuple[list[str], list[str]] | None = None  # day names, before and after
    closure_added: tuple[date, str] | None = None  # the day, the reason
    closure_removed: tuple[date, str] | None = None


@dataclass
class HubCalendarPage:
    hub: Region
    name: str  # in the reader's language
    time_zone: str  # as people read it ("Asia / Amman")
    working_days: list[int]  # ISO numbers, Monday first
    working_day_names: list[str]
    today: date  # in the hub's time zone
    countries: list[str]  # names, in the reader's language
    holidays: list[PublicHoliday]
    closures: list[ClosureDay]
    may_edit: bool
    history: list[CalendarChange] = field(default_factory=list)


def hub_working_days(hub: Region) -> list[int]:
    """The hub's working week as ISO numbers, Monday first (Monday to Friday when none is kept)."""
    kept = {int(day) for day in hub.working_days or () if str(day).isdigit() and 1 <= int(day) <= 7}
    return sorted(kept) or [1, 2, 3, 4, 5]


def hub_for_calendar(user: User, pk: int, *, action: str = "view_hub_calendar") -> Region | None:
    """Hub ``pk`` if ``user`` may ``action`` on its calendar (read it, or keep it); None otherwise (a 404)."""
    hub = Region.objects.filter(pk=pk).first()
    return hub if hub is not None and can(user, action, hub) else None


def hub_countries(hub: Region) -> list[str]:
    """The countries of the hub's cities (ISO codes), in the reader's order of their names: one query."""
    codes = {str(code) for code in City.objects.filter(region=hub).values_list("country", flat=True).distinct()}
    return sorted((code for code in codes if code), key=lambda code: name_key(country_name(code)))


def hub_calendar_page(user: User, pk: int) -> HubCalendarPage | None:
    """Hub ``pk``'s calendar as ``user`` may read it, or None when it is not theirs to read. Four queries."""
    hub = hub_for_calendar(user, pk)
    if hub is None:
        return None
    week = hub_working_days(hub)
    today = timezone.localtime(timezone.now(), zone_named(hub.time_zone)).date()
    countries = hub_countries(hub)
    language = (translation.get_language() or "").split("-")[0]
    closures = [
        ClosureDay(pk=row.pk, day=row.day, name=row.name, on_working_day=row.day.isoweekday() in week)
        for row in HubClosure.objects.filter(region=hub, day__gte=today).order_by("day")
    ]
    return HubCalendarPage(
        hub=hub,
        name=hub.localized_name,
        time_zone=zone_label(hub.time_zone),
        working_days=week,
        working_day_names=[weekday_name(day) for day in week_order(week)],
        today=today,
        countries=[country_name(code) for code in countries],
        holidays=holidays_ahead(countries, start=today, working_days=frozenset(week), language=language),
        closures=closures,
        may_edit=can(user, "edit_hub_calendar", hub),
        history=_history(hub),
    )


def _days(values: object) -> list[str]:
    days = [int(day) for day in values if str(day).isdigit()] if isinstance(values, list) else []
    return [weekday_name(day) for day in week_order(days)]


def _closure(value: object) -> tuple[date, str] | None:
    if not isinstance(value, dict):
        return None
    try:
        return date.fromisoformat(str(value.get("day"))), str(value.get("name", ""))
    except ValueError:
        return None


def _change(row: PeopleLog) -> CalendarChange:
    """One change from the log's before and after (what the page words)."""
    detail = row.detail if isinstance(row.detail, dict) else {}
    before = detail.get("before") if isinstance(detail.get("before"), dict) else {}
    after = detail.get("after") if isinstance(detail.get("after"), dict) else {}
    assert isinstance(before, dict) and isinstance(after, dict)
    actor = row.actor
    return CalendarChange(
        at=row.created_at,
        actor=User.display_name(actor.first_name, actor.last_name, actor.username) if actor else "",
        time_zone=(zone_label(str(before.get("time_zone", ""))), zone_label(str(after["time_zone"])))
        if "time_zone" in after
        else None,
        working_days=(_days(before.get("working_days")), _days(after["working_days"]))
        if "working_days" in after
        else None,
        closure_added=_closure(after.get("closure")),
        closure_removed=_closure(before.get("closure")),
    )


def _history(hub: Region) -> list[CalendarChange]:
    """The calendar's last changes (the people log): one query."""
    rows = (
        PeopleLog.objects.filter(region=hub, action=HUB_CALENDAR)
        .select_related("actor")
        .only("created_at", "detail", "actor__first_name", "actor__last_name", "actor__username")
        .order_by("-created_at", "-id")[:HISTORY_LINES]
    )
    return [_change(row) for row in rows]
