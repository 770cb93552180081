"""The deadline sweep on deadlines counted in the owning hub's calendar: a normal request filed on a Thursday in a
MENA city (hub in Amman, working Sunday to Thursday, Jordan's Independence Day on Sunday 25 May 2025) is reminded
when its step falls due there, and a sweep run twice sends each reminder and escalation once."""

from __future__ import annotations

import zoneinfo
from collections import Counter
from datetime import datetime, timedelta

import pytest

from helpdesk.models import RequestState
from notifications.models import Channel, DeadlineAlert, Notification
from notifications.services import deadlines_sweep
from tests.notification_world import World, make_world
from workflows.services import transition_perform

AMMAN = zoneinfo.ZoneInfo("Asia/Amman")
FILED = datetime(2025, 5, 22, 10, 0, tzinfo=AMMAN)  # a Thursday
DUE = datetime(2025, 6, 1, 10, 0, tzinfo=AMMAN)  # five working days later, the holiday skipped


def told() -> Counter[tuple[str, str]]:
    rows = Notification.objects.filter(channel=Channel.IN_APP, event__startswith="deadline_")
    return Counter(rows.values_list("event", "recipient__username"))


@pytest.fixture
def mena_world(db, settings, time_machine) -> World:
    settings.DEADLINE_ESCALATION_HOURS = 48
    world = make_world(RequestState.DRAFT, assignments=False)
    region, city = world.request.region, world.request.city
    region.time_zone, region.working_days = "Asia/Amman", [7, 1, 2, 3, 4]
    region.save(update_fields=["time_zone", "working_days"])
    city.country = "JO"
    city.save(update_fields=["country"])
    world.request.submitted_by = world.focal1
    world.request.save(update_fields=["submitted_by"])
    time_machine.move_to(FILED, tick=False)
    world.request = transition_perform(request=world.request, transition="submit", actor=world.focal1)
    return world


def _sweep_at(time_machine, moment: datetime, times: int = 2) -> None:
    time_machine.move_to(moment, tick=False)
    for _ in range(times):
        deadlines_sweep()


def test_the_reminder_goes_when_the_step_falls_due_in_the_hubs_calendar_once(mena_world, time_machine):
    assert mena_world.request.due_at == DUE

    # Thursday 29 May, when a Monday-to-Friday count without the holiday would have ended: nothing yet.
    _sweep_at(time_machine, datetime(2025, 5, 29, 10, 1, tzinfo=AMMAN))
    _sweep_at(time_machine, DUE - timedelta(minutes=1))
    assert told() == Counter()

    _sweep_at(time_machine, DUE + timedelta(minutes=1))
    _sweep_at(time_machine, DUE + timedelta(hours=3))
    assert told() == Counter({("deadline_reminder", "hub.officer"): 1})
    assert DeadlineAlert.objects.filter(kind=DeadlineAlert.Kind.REMINDER, due_at=DUE).count() == 1


def test_the_escalation_goes_once_however_often_the_sweep_runs(mena_world, time_machine):
    for hours in (1, 49, 50, 72):
        _sweep_at(time_machine, DUE + timedelta(hours=hours))

    assert told() == Counter(
        {
            ("deadline_reminder", "hub.officer"): 1,
            ("deadline_escalation", "hub.lead"): 1,
            ("deadline_escalation", "mu.one"): 1,
            ("deadline_escalation", "mu.two"): 1,
        }
    )
    assert DeadlineAlert.objects.count() == 2


def test_the_escalation_waits_for_the_hubs_working_days(mena_world, time_machine):
    """Due on Thursday 12 June at 10:00 (Amman), the escalation's 48 hours count Thursday's rest, skip Friday and
    Saturday (the hub's weekend), and run out on Monday 16 June at 10:00, not on Saturday."""
    from helpdesk.models import SupportRequest

    thursday = datetime(2025, 6, 12, 10, 0, tzinfo=AMMAN)
    SupportRequest.objects.filter(pk=mena_world.request.pk).update(due_at=thursday)
    _sweep_at(time_machine, thursday + timedelta(hours=49))  # Saturday 11:00: the hub has not worked since
    assert ("deadline_escalation", "hub.lead") not in told()
    _sweep_at(time_machine, datetime(2025, 6, 16, 10, 1, tzinfo=AMMAN))  # Monday, 48 working hours on
    assert told()[("deadline_escalation", "hub.lead")] == 1
