"""The deadline sweep on a frozen clock: the right people, at the right time, once per step."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from helpdesk.models import RequestState, SupportRequest
from notifications.models import Channel, DeadlineAlert, Notification
from notifications.services import deadlines_sweep
from tests.notification_world import make_world

DUE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
QUARTER = timedelta(minutes=15)


def told() -> Counter[tuple[str, str]]:
    rows = Notification.objects.filter(channel=Channel.IN_APP)
    return Counter(rows.values_list("event", "recipient__username"))


def sweep_every_quarter_hour(time_machine, start: datetime, end: datetime) -> None:
    moment = start
    while moment <= end:
        time_machine.move_to(moment, tick=False)
        deadlines_sweep()
        moment += QUARTER


@pytest.fixture
def overdue_world(db, settings):
    settings.DEADLINE_ESCALATION_HOURS = 48
    return make_world(RequestState.SUBMITTED, due_at=DUE)


def test_a_reminder_at_the_deadline_and_an_escalation_after_the_grace_period_each_once(overdue_world, time_machine):
    sweep_every_quarter_hour(time_machine, DUE - timedelta(hours=2), DUE - QUARTER)
    assert told() == Counter()

    sweep_every_quarter_hour(time_machine, DUE, DUE + timedelta(hours=47, minutes=45))
    assert told() == Counter({("deadline_reminder", "hub.officer"): 1})

    sweep_every_quarter_hour(time_machine, DUE + timedelta(hours=48), DUE + timedelta(days=5))
    assert told() == Counter(
        {
            ("deadline_reminder", "hub.officer"): 1,
            ("deadline_escalation", "hub.lead"): 1,
            ("deadline_escalation", "mu.one"): 1,
            ("deadline_escalation", "mu.two"): 1,
        }
    )
    assert DeadlineAlert.objects.count() == 2


def test_a_new_step_earns_its_own_reminder(overdue_world, time_machine):
    time_machine.move_to(DUE + QUARTER, tick=False)
    deadlines_sweep()
    second_due = DUE + timedelta(days=3)
    SupportRequest.objects.filter(pk=overdue_world.request.pk).update(
        state=RequestState.INFO_REQUESTED, due_at=second_due
    )

    sweep_every_quarter_hour(time_machine, DUE + timedelta(hours=1), second_due + timedelta(hours=2))

    assert told() == Counter(
        {
            ("deadline_reminder", "hub.officer"): 1,
            ("deadline_reminder", "focal.one"): 1,
            ("deadline_reminder", "focal.two"): 1,
        }
    )


@pytest.mark.parametrize(
    ("state", "who"),
    [
        (RequestState.SUBMITTED, {"hub.officer"}),
        (RequestState.INFO_REQUESTED, {"focal.one", "focal.two"}),
        (RequestState.EXPERT_MATCHING, {"expert.proposed", "hub.officer"}),
        (RequestState.FUNDING_REVIEW, {"mu.one", "mu.two"}),
        (RequestState.IN_DELIVERY, {"expert.accepted", "hub.officer"}),
        (RequestState.DELIVERED, {"focal.one", "focal.two"}),
    ],
)
def test_the_reminder_goes_to_whoever_must_act_in_that_state(db, time_machine, state, who):
    make_world(state, due_at=DUE)
    time_machine.move_to(DUE + QUARTER, tick=False)

    assert deadlines_sweep() == {"reminders": 1, "escalations": 0}
    assert {username for _event, username in told()} == who


def test_without_an_owner_the_regions_hub_is_reminded(db, time_machine):
    make_world(RequestState.SUBMITTED, due_at=DUE, owner=None)
    time_machine.move_to(DUE + QUARTER, tick=False)

    deadlines_sweep()

    assert {username for _event, username in told()} == {"hub.lead", "hub.officer", "hub.colleague"}


@pytest.mark.parametrize("state", [RequestState.DRAFT, RequestState.CLOSED, RequestState.DECLINED])
def test_requests_nobody_must_act_on_are_left_alone(db, time_machine, state):
    make_world(state, due_at=DUE)
    time_machine.move_to(DUE + timedelta(days=10), tick=False)

    assert deadlines_sweep() == {"reminders": 0, "escalations": 0}


def test_the_sweep_costs_the_same_queries_for_few_or_many_overdue_requests(
    db, time_machine, settings, django_assert_max_num_queries
):
    settings.DEADLINE_ESCALATION_HOURS = 1
    for n in range(8):
        make_world(RequestState.INFO_REQUESTED, suffix=str(n), due_at=DUE)
    time_machine.move_to(DUE + timedelta(hours=2), tick=False)

    # The fast track's steps at half time, requests, alerts sent, the hubs' calendars (hubs, countries, closure
    # days), per kind one query per audience and state, roles, cities and kept read access (a former focal
    # point's), the inserts.
    with django_assert_max_num_queries(25):
        assert deadlines_sweep() == {"reminders": 8, "escalations": 8}
    with django_assert_max_num_queries(3):
        assert deadlines_sweep() == {"reminders": 0, "escalations": 0}
