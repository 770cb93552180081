"""The demo hubs' calendars: a realistic time zone and working week each (MENA: Sunday to Thursday), one closure
day each, kept through the product's services; a second run changes nothing."""

from __future__ import annotations

import pytest

from devtools.demo.calendar import CALENDARS, RETREAT, seed_hub_calendars
from devtools.demo.network import seed_network
from helpdesk.models import HubClosure, PeopleLog, Region
from helpdesk.selectors.hubs import HUB_CALENDAR
from workflows.selectors import current_fiscal_year

pytestmark = pytest.mark.django_db


def test_each_demo_hub_gets_its_calendar_and_a_retreat_once():
    seed_network(fiscal_year=current_fiscal_year())

    assert seed_hub_calendars() == len(CALENDARS)
    logged = PeopleLog.objects.filter(action=HUB_CALENDAR).count()
    assert seed_hub_calendars() == 0
    assert PeopleLog.objects.filter(action=HUB_CALENDAR).count() == logged

    mena = Region.objects.get(code="mena")
    assert (mena.time_zone, sorted(mena.working_days)) == ("Asia/Amman", [1, 2, 3, 4, 7])
    assert Region.objects.get(code="esa").time_zone == "Africa/Nairobi"
    for hub in Region.objects.filter(code__in=list(CALENDARS)):
        closure = HubClosure.objects.get(region=hub)
        assert closure.name == RETREAT and closure.day.isoweekday() in hub.working_days
