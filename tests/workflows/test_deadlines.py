"""Deadlines of the waiting states, the overdue list per hub, and the desk closing what nobody evaluated."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from helpdesk.models import RequestState, SupportRequest
from workflows.calendar import DESK_CALENDAR
from workflows.deadlines import due_at_for
from workflows.lifecycle import STATES
from workflows.models import TransitionLog
from workflows.selectors import overdue_requests
from workflows.services import auto_close_overdue, transition_perform
from workflows.spec import DeadlineKind

S = RequestState
FRIDAY = datetime(2026, 3, 6, 10, 0, tzinfo=UTC)


def test_working_days_skip_weekends_and_holidays(settings):
    assert DESK_CALENDAR.add_working_days(FRIDAY, 1) == datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    assert DESK_CALENDAR.add_working_days(FRIDAY, 5) == datetime(2026, 3, 13, 10, 0, tzinfo=UTC)
    settings.WORKFLOW_HOLIDAYS = ["2026-03-09", "2026-03-10"]
    assert DESK_CALENDAR.add_working_days(FRIDAY, 1) == datetime(2026, 3, 11, 10, 0, tzinfo=UTC)


def test_each_waiting_state_has_its_deadline(settings):
    settings.WORKFLOW_AUTO_CLOSE_DAYS = 30

    assert due_at_for(S.SUBMITTED, now=FRIDAY) == datetime(2026, 3, 13, 10, 0, tzinfo=UTC)
    assert due_at_for(S.INFO_REQUESTED, now=FRIDAY) == datetime(2026, 3, 20, 10, 0, tzinfo=UTC)
    assert due_at_for(S.FUNDING_REVIEW, now=FRIDAY) == datetime(2026, 3, 20, 10, 0, tzinfo=UTC)
    assert due_at_for(S.DELIVERED, now=FRIDAY) == FRIDAY + timedelta(days=30)
    assert due_at_for(S.IN_DELIVERY, now=FRIDAY, delivery_due=date(2026, 4, 1)) == datetime(2026, 4, 2, tzinfo=UTC)
    for state in STATES:
        if state.deadline.kind is DeadlineKind.NONE:
            assert due_at_for(state.name, now=FRIDAY) is None


def test_a_setting_overrides_the_tables_number_of_days(settings):
    settings.WORKFLOW_TRIAGE_DAYS = 2
    settings.WORKFLOW_DELIVERY_DEFAULT_DAYS = 3

    assert due_at_for(S.SUBMITTED, now=FRIDAY) == datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    assert due_at_for(S.IN_DELIVERY, now=FRIDAY) == datetime(2026, 3, 12, tzinfo=UTC)


def test_every_move_sets_the_deadline_of_the_state_it_enters(net):
    with time_machine.travel(FRIDAY, tick=False):
        request = net.at("submitted")
        assert request.due_at == datetime(2026, 3, 13, 10, 0, tzinfo=UTC)
        request = transition_perform(
            request=request, transition="request_info", actor=net.hub, data={"question": "<p>When?</p>"}
        )
        # Ten working days of the hub, in its city's country (Kenya): Friday 20 March 2026 is Eid al-Fitr there.
        assert request.due_at == datetime(2026, 3, 23, 10, 0, tzinfo=UTC)
        request = transition_perform(request=request, transition="withdraw", actor=net.focal)
        assert request.due_at is None and request.closed_at == FRIDAY


def test_overdue_requests_are_listed_per_hub_most_late_first(net):
    with time_machine.travel(FRIDAY, tick=False):
        late = net.at("submitted")  # due 13 March
    with time_machine.travel(FRIDAY + timedelta(days=3), tick=False):
        later = net.at("info_requested")  # due 24 March (20 March is a public holiday in Kenya)
    with time_machine.travel(FRIDAY + timedelta(days=20), tick=False):
        on_time = net.at("submitted")  # due 3 April
        net.at("draft")
        net.at("withdrawn")

    now = datetime(2026, 3, 30, tzinfo=UTC)
    assert list(overdue_requests(region=net.region, now=now)) == [late, later]
    assert list(overdue_requests(region=net.region.pk, now=now + timedelta(days=10))) == [late, later, on_time]
    assert list(overdue_requests(region=net.other_region, now=now)) == []


def test_the_desk_closes_delivered_requests_after_the_evaluation_period_once(net, settings):
    settings.WORKFLOW_AUTO_CLOSE_DAYS = 30
    delivered = net.at("delivered")
    evaluated = net.at("closed")

    assert auto_close_overdue(now=timezone.now() + timedelta(days=29)) == 0
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert auto_close_overdue() == 1
        assert auto_close_overdue() == 0

    delivered.refresh_from_db()
    row = TransitionLog.objects.filter(request=delivered).order_by("-seq").first()
    assert delivered.state == S.CLOSED and delivered.closed_at is not None
    assert (row.transition, row.actor, row.from_state) == ("auto_close", None, S.DELIVERED)
    assert SupportRequest.objects.get(pk=evaluated.pk).state == S.CLOSED


def test_a_task_clock_ahead_of_the_real_one_decides_the_close(net, settings):
    """The scheduled task passes its own time; the move is dated and checked with it."""
    settings.WORKFLOW_AUTO_CLOSE_DAYS = 30
    delivered = net.at("delivered")
    later = timezone.now() + timedelta(days=31)

    assert auto_close_overdue(now=later) == 1

    row = TransitionLog.objects.filter(request=delivered).order_by("-seq").first()
    assert row.transition == "auto_close" and row.created_at == later


@pytest.mark.parametrize("path", ["submitted", "in_delivery"])
def test_the_desk_does_not_close_what_is_not_delivered(net, path):
    request = net.at(path)

    assert auto_close_overdue(now=timezone.now() + timedelta(days=400)) == 0
    assert SupportRequest.objects.get(pk=request.pk).state == request.state
