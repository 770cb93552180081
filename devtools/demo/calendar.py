"""The demo hubs' calendars: each hub's time zone and working week (the MENA hub works Sunday to Thursday), and one
closure day each, a team retreat three weeks ahead, kept by the management unit's director through the product's
own services (so each change has its line in the people log).

A second run changes nothing: the services change nothing when the calendar is already so, and a hub that has its
retreat on record (whatever its day) keeps it."""

from __future__ import annotations

import datetime

from django.utils import timezone

from helpdesk.models import HubClosure, Region, User
from helpdesk.selectors.hubs import zone_named
from helpdesk.services.hubs import hub_calendar_set, hub_closure_add

SUNDAY_TO_THURSDAY = [7, 1, 2, 3, 4]
MONDAY_TO_FRIDAY = [1, 2, 3, 4, 5]
# code: the hub's time zone and working week (ISO weekday numbers, Monday = 1).
CALENDARS: dict[str, tuple[str, list[int]]] = {
    "esa": ("Africa/Nairobi", MONDAY_TO_FRIDAY),
    "mena": ("Asia/Amman", SUNDAY_TO_THURSDAY),
    "south-asia": ("Asia/Kolkata", MONDAY_TO_FRIDAY),
    "western-balkans": ("Europe/Sarajevo", MONDAY_TO_FRIDAY),
    "north-america": ("America/Toronto", MONDAY_TO_FRIDAY),
    "central": ("Europe/London", MONDAY_TO_FRIDAY),
    "south-east-asia": ("Asia/Jakarta", MONDAY_TO_FRIDAY),
    "west-africa": ("Africa/Dakar", MONDAY_TO_FRIDAY),
}
RETREAT = "Hub team retreat"
RETREAT_AFTER = datetime.timedelta(days=21)
DIRECTOR = "mu.director"


def _retreat_day(zone: str, week: list[int]) -> datetime.date:
    """Three weeks from today in the hub, moved to its next working day (a retreat on a day off closes nothing)."""
    day = timezone.localtime(timezone.now(), zone_named(zone)).date() + RETREAT_AFTER
    while day.isoweekday() not in week:
        day += datetime.timedelta(days=1)
    return day


def seed_hub_calendars() -> int:
    """Give each demo hub its calendar and a retreat; returns how many hubs changed."""
    director = User.objects.filter(username=DIRECTOR).first()
    if director is None:
        return 0
    changed = 0
    for hub in Region.objects.filter(code__in=list(CALENDARS)).order_by("code"):
        zone, week = CALENDARS[hub.code]
        touched = hub_calendar_set(hub=hub, actor=director, time_zone=zone, working_days=week)
        if not HubClosure.objects.filter(region=hub, name=RETREAT).exists():
            hub_closure_add(hub=hub, actor=director, day=_retreat_day(zone, week), name=RETREAT)
            touched = True
        changed += int(touched)
    return changed
