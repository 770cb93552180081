"""Deadlines counted in the owning hub's calendar: its time zone (daylight saving included), its working week
(Sunday to Thursday in the MENA hub), the public holidays of the request's country (the ``holidays`` library),
the hub's closure days; and the grace period of an escalation, counted on the same working days."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
import time_machine

from helpdesk.models import HubClosure, RequestState, SupportRequest
from helpdesk.selectors.hubs import public_holidays
from tests.factories import CityFactory, RegionFactory, SupportRequestFactory
from workflows.calendar import DESK_CALENDAR, HubCalendar, calendar_of, calendars_for
from workflows.deadlines import due_at_for
from workflows.errors import TransitionRefused
from workflows.services import transition_perform

S = RequestState
AMMAN = zoneinfo.ZoneInfo("Asia/Amman")
TORONTO = zoneinfo.ZoneInfo("America/Toronto")
SUNDAY_TO_THURSDAY = [7, 1, 2, 3, 4]
# Thursday 22 May 2025, 10:00 in Amman (Jordan keeps UTC+3 all year): the last working day of the MENA hub's week.
THURSDAY_IN_AMMAN = datetime(2025, 5, 22, 10, 0, tzinfo=AMMAN)
# Jordan's Independence Day, a public holiday the library knows, falls on Sunday 25 May 2025: a working day of a
# hub working Sunday to Thursday.
INDEPENDENCE_DAY = date(2025, 5, 25)


def _mena(net, *, country: str = "JO") -> None:
    net.region.time_zone, net.region.working_days = "Asia/Amman", SUNDAY_TO_THURSDAY
    net.region.save(update_fields=["time_zone", "working_days"])
    net.city.country = country
    net.city.save(update_fields=["country"])


def _submitted_at(net, moment: datetime) -> SupportRequest:
    with time_machine.travel(moment, tick=False):
        return net.at("submitted")


def test_the_library_knows_jordans_independence_day_on_a_sunday():
    assert dict(public_holidays("JO", 2025))[INDEPENDENCE_DAY] == "Independence Day"
    assert INDEPENDENCE_DAY.isoweekday() == 7


def test_a_request_filed_on_a_thursday_in_a_mena_city_counts_sunday_to_thursday_and_skips_the_holiday(net):
    _mena(net)

    request = _submitted_at(net, THURSDAY_IN_AMMAN)

    # Five working days: Sunday 25 (Independence Day) skipped, Monday 26 to Thursday 29, Friday and Saturday off,
    # then Sunday 1 June, at the same local time.
    assert request.due_at == datetime(2025, 6, 1, 10, 0, tzinfo=AMMAN)
    assert request.due_at == datetime(2025, 6, 1, 7, 0, tzinfo=UTC)


def test_the_same_request_in_a_city_of_another_country_works_on_the_holiday(net):
    _mena(net, country="LB")  # Lebanon does not keep Jordan's Independence Day

    request = _submitted_at(net, THURSDAY_IN_AMMAN)

    assert request.due_at == datetime(2025, 5, 29, 10, 0, tzinfo=AMMAN)


def test_a_closure_day_of_the_hub_is_skipped(net):
    _mena(net)
    HubClosure.objects.create(region=net.region, day=date(2025, 5, 27), name="Hub retreat")

    request = _submitted_at(net, THURSDAY_IN_AMMAN)

    assert request.due_at == datetime(2025, 6, 2, 10, 0, tzinfo=AMMAN)


def test_a_closure_day_of_another_hub_changes_nothing(net):
    _mena(net)
    HubClosure.objects.create(region=net.other_region, day=date(2025, 5, 27), name="Their retreat")

    assert _submitted_at(net, THURSDAY_IN_AMMAN).due_at == datetime(2025, 6, 1, 10, 0, tzinfo=AMMAN)


def test_a_change_of_daylight_saving_time_keeps_the_local_time_of_day(net):
    net.region.time_zone = "America/Toronto"
    net.region.save(update_fields=["time_zone"])
    net.city.country = "CA"
    net.city.save(update_fields=["country"])
    # Thursday 5 March 2026, 10:00 in Toronto (UTC-5); clocks go forward on Sunday 8 March.
    request = _submitted_at(net, datetime(2026, 3, 5, 10, 0, tzinfo=TORONTO))

    assert request.due_at == datetime(2026, 3, 12, 10, 0, tzinfo=TORONTO)
    assert request.due_at == datetime(2026, 3, 12, 14, 0, tzinfo=UTC)  # UTC-4 by then


def test_a_delivery_date_ends_at_midnight_in_the_hub():
    calendar = HubCalendar(time_zone="Asia/Amman", working_days=frozenset(SUNDAY_TO_THURSDAY), country="JO")

    due = due_at_for(S.IN_DELIVERY, now=THURSDAY_IN_AMMAN, delivery_due=date(2025, 6, 10), calendar=calendar)

    assert due == datetime(2025, 6, 10, 21, 0, tzinfo=UTC)


def test_the_delivery_date_given_is_checked_against_the_hubs_today(net):
    _mena(net)
    # 22:30 on 4 March in UTC is already 01:30 on 5 March in Amman: the 4th has passed there.
    late_evening = datetime(2026, 3, 4, 22, 30, tzinfo=UTC)
    with time_machine.travel(late_evening, tick=False):
        request = net.at("expert_matching_accepted")
        with pytest.raises(TransitionRefused) as refused:
            transition_perform(
                request=request, transition="start_delivery", actor=net.hub, data={"delivery_due": date(2026, 3, 4)}
            )
        assert refused.value.fields == {"delivery_due": "Choose today or a later date."}
        request = transition_perform(
            request=request, transition="start_delivery", actor=net.hub, data={"delivery_due": date(2026, 3, 5)}
        )
    assert request.delivery_due == date(2026, 3, 5)
    assert request.due_at == datetime(2026, 3, 5, 21, 0, tzinfo=UTC)  # the end of the 5th in Amman


def test_the_default_delivery_date_counts_the_hubs_working_days(net, settings):
    _mena(net)
    settings.WORKFLOW_DELIVERY_DEFAULT_DAYS = 3
    with time_machine.travel(THURSDAY_IN_AMMAN, tick=False):
        request = net.at("in_delivery")

    # Sunday 25 May skipped (Independence Day): Monday 26, Tuesday 27, Wednesday 28.
    assert request.delivery_due == date(2025, 5, 28)


def test_a_move_reads_the_hubs_calendar_once(net):
    _mena(net)
    request = net.at("expert_matching_accepted")
    with mock.patch("workflows.moves.base.calendar_of", wraps=calendar_of) as read:
        transition_perform(
            request=request, transition="start_delivery", actor=net.hub, data={"delivery_due": date(2099, 3, 5)}
        )
    # The handler's "today" and the deadline the move stamps share one read of the calendar.
    assert read.call_count == 1


# --- the escalation's grace period ------------------------------------------------------------------------


MENA_CALENDAR = HubCalendar(time_zone="Asia/Amman", working_days=frozenset(SUNDAY_TO_THURSDAY), country="JO")


def test_an_escalation_waits_for_working_days_of_the_hub():
    due = datetime(2025, 5, 29, 10, 0, tzinfo=AMMAN)  # a Thursday

    # 14 hours of Thursday, Friday and Saturday off, 24 hours of Sunday, 10 of Monday.
    assert MENA_CALENDAR.escalation_due(due, hours=48) == datetime(2025, 6, 2, 10, 0, tzinfo=AMMAN)
    # On the incident fast track every hour counts.
    assert MENA_CALENDAR.escalation_due(due, hours=48, fast_track=True) == datetime(2025, 5, 31, 10, 0, tzinfo=AMMAN)


def test_an_escalation_skips_the_public_holiday_and_closure_days():
    due = datetime(2025, 5, 22, 10, 0, tzinfo=AMMAN)  # Thursday before Independence Day (Sunday 25)
    assert MENA_CALENDAR.escalation_due(due, hours=24) == datetime(2025, 5, 26, 10, 0, tzinfo=AMMAN)

    closed = HubCalendar(
        time_zone="Asia/Amman",
        working_days=frozenset(SUNDAY_TO_THURSDAY),
        country="JO",
        closures=frozenset({date(2025, 5, 26)}),
    )
    assert closed.escalation_due(due, hours=24) == datetime(2025, 5, 27, 10, 0, tzinfo=AMMAN)


def test_an_escalation_counts_the_real_hours_of_a_day_of_daylight_saving_change():
    # Clocks go back in Toronto on Sunday 1 November 2026: a hub working every day counts that day's 25 hours.
    seven_days = HubCalendar(time_zone="America/Toronto", working_days=frozenset(range(1, 8)))
    start = datetime(2026, 11, 1, 0, 0, tzinfo=TORONTO)
    assert seven_days.escalation_due(start, hours=25) == datetime(2026, 11, 2, 0, 0, tzinfo=TORONTO)


# --- calendars of many requests at once -------------------------------------------------------------------


def test_calendars_of_many_requests_cost_three_queries(db, django_assert_num_queries):
    mena = RegionFactory(time_zone="Asia/Amman", working_days=SUNDAY_TO_THURSDAY)
    esa = RegionFactory(time_zone="Africa/Nairobi")
    HubClosure.objects.create(region=mena, day=date(2025, 6, 3), name="Retreat")
    requests = [
        *(SupportRequestFactory(city=CityFactory(region=mena, country="JO")) for _ in range(3)),
        SupportRequestFactory(city=CityFactory(region=mena, country="LB")),
        *(SupportRequestFactory(city=CityFactory(region=esa, country="KE")) for _ in range(3)),
    ]

    with django_assert_num_queries(3):
        found = calendars_for(requests, since=date(2025, 5, 1))

    assert found[requests[0].pk] == HubCalendar(
        time_zone="Asia/Amman",
        working_days=frozenset(SUNDAY_TO_THURSDAY),
        country="JO",
        closures=frozenset({date(2025, 6, 3)}),
    )
    assert found[requests[3].pk].country == "LB"
    assert found[requests[-1].pk] == calendar_of(requests[-1], now=datetime(2025, 5, 2, tzinfo=UTC))
    assert calendars_for([], since=date(2025, 5, 1)) == {}


def test_the_desks_calendar_is_monday_to_friday_in_utc():
    friday = datetime(2026, 3, 6, 10, 0, tzinfo=UTC)
    assert DESK_CALENDAR.add_working_days(friday, 1) == datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    assert DESK_CALENDAR.escalation_due(friday, hours=48) == friday + timedelta(days=4)


def test_the_fiscal_year_of_a_moment_is_the_desks_whoever_reads(settings):
    from django.utils import timezone

    from workflows.calendar import fiscal_year_of

    settings.FUND_FISCAL_YEAR_START_MONTH = 1
    new_years_eve = datetime(2025, 12, 31, 22, 0, tzinfo=UTC)  # already 1 January 2026 in Amman
    with timezone.override(AMMAN):
        assert fiscal_year_of(new_years_eve) == 2025
