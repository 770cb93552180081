"""A hub's calendar kept through its services (``helpdesk.services.hubs``): who may, what is refused, and the
people log's line for each change."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from helpdesk.models import HubClosure, PeopleLog, Region
from helpdesk.selectors.hubs import HUB_CALENDAR
from helpdesk.services.hubs import hub_calendar_set, hub_closure_add, hub_closure_remove
from tests.factories import RegionFactory, hub_staff, management

pytestmark = pytest.mark.django_db

# 22:30 on 4 March in UTC is 01:30 on 5 March in Amman.
LATE_EVENING = datetime(2026, 3, 4, 22, 30, tzinfo=UTC)


@pytest.fixture
def hub() -> Region:
    return RegionFactory(time_zone="Asia/Amman")


def _log(hub: Region) -> list[dict]:
    rows = PeopleLog.objects.filter(region=hub, action=HUB_CALENDAR).order_by("id")
    return list(rows.values_list("detail", flat=True))


def test_the_lead_sets_the_time_zone_and_week_once_logged(hub):
    lead = hub_staff(hub, is_hub_lead=True)

    assert hub_calendar_set(hub=hub, actor=lead, time_zone="Asia/Beirut", working_days=["7", "1", "2", "3", "4"])
    assert not hub_calendar_set(hub=hub, actor=lead, time_zone="Asia/Beirut", working_days=[1, 2, 3, 4, 7])

    hub.refresh_from_db()
    assert (hub.time_zone, hub.working_days) == ("Asia/Beirut", [1, 2, 3, 4, 7])
    assert _log(hub) == [
        {
            "before": {"time_zone": "Asia/Amman", "working_days": [1, 2, 3, 4, 5]},
            "after": {"time_zone": "Asia/Beirut", "working_days": [1, 2, 3, 4, 7]},
        }
    ]
    row = PeopleLog.objects.get(region=hub)
    assert row.actor == lead and row.person is None and row.city is None


def test_the_management_unit_may_and_the_officers_and_other_hubs_may_not(hub):
    assert hub_calendar_set(hub=hub, actor=management(), time_zone="UTC", working_days=[1, 2, 3, 4, 5])
    for person in (hub_staff(hub), hub_staff(RegionFactory(), is_hub_lead=True)):
        with pytest.raises(PermissionDenied):
            hub_calendar_set(hub=hub, actor=person, time_zone="Asia/Amman", working_days=[1])
        with pytest.raises(PermissionDenied):
            hub_closure_add(hub=hub, actor=person, day=date(2099, 1, 1), name="Retreat")


def test_a_zone_outside_the_list_and_a_week_without_a_day_are_refused_by_field(hub):
    lead = hub_staff(hub, is_hub_lead=True)
    with pytest.raises(ValidationError) as refused:
        hub_calendar_set(hub=hub, actor=lead, time_zone="Mars/Olympus_Mons", working_days=[])
    assert set(refused.value.message_dict) == {"time_zone", "working_days"}
    with pytest.raises(ValidationError) as refused:
        hub_calendar_set(hub=hub, actor=lead, time_zone="Asia/Amman", working_days=[0, 8])
    assert set(refused.value.message_dict) == {"working_days"}
    assert _log(hub) == []


def test_a_closure_day_from_the_hubs_today_on_once_with_its_reason(hub):
    lead = hub_staff(hub, is_hub_lead=True)
    with time_machine.travel(LATE_EVENING, tick=False):
        with pytest.raises(ValidationError) as refused:
            hub_closure_add(hub=hub, actor=lead, day=date(2026, 3, 4), name="  ")
        assert set(refused.value.message_dict) == {"day", "name"}

        closure = hub_closure_add(hub=hub, actor=lead, day=date(2026, 3, 5), name="  Hub   retreat ")
        with pytest.raises(ValidationError) as refused:
            hub_closure_add(hub=hub, actor=lead, day=date(2026, 3, 5), name="Again")
        assert refused.value.message_dict == {"day": ["The hub is already closed that day."]}

    assert (closure.day, closure.name, closure.created_by) == (date(2026, 3, 5), "Hub retreat", lead)
    hub_closure_remove(closure=closure, actor=management())
    assert not HubClosure.objects.exists()
    assert _log(hub) == [
        {"before": {}, "after": {"closure": {"day": "2026-03-05", "name": "Hub retreat"}}},
        {"before": {"closure": {"day": "2026-03-05", "name": "Hub retreat"}}, "after": {}},
    ]


def test_only_its_keepers_remove_a_closure_day(hub):
    closure = HubClosure.objects.create(region=hub, day=date(2099, 1, 1), name="Retreat")
    with pytest.raises(PermissionDenied):
        hub_closure_remove(closure=closure, actor=hub_staff(hub))
    assert HubClosure.objects.filter(pk=closure.pk).exists()
