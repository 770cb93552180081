"""The incident fast track on a frozen clock: a city in a MENA hub files after an incident on a Thursday evening;
the hub's staff, its lead and the management unit are alerted at once (by e-mail whatever their mode, without the
request's content); the first answer is due 24 hours later, nights and the hub's weekend included; a step left
untouched at half its time escalates to the hub's lead and the management unit, once."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from helpdesk.models import City, NotificationMode, RequestState, SupportRequest, User
from notifications import events
from notifications.models import Channel, DeadlineAlert, Notification, Status
from notifications.services import deadlines_sweep
from tests.factories import CityFactory, RegionFactory, expert, focal_point, hub_staff, management
from workflows.incidents import incident_file
from workflows.services import transition_perform

# Thursday 3 December 2026, 20:30 in Saida (Beirut, UTC+2 in winter): the hub's weekend starts on Friday.
FILED = datetime(2026, 12, 3, 18, 30, tzinfo=UTC)
INCIDENT = FILED - timedelta(hours=3)
WHAT_HAPPENED = "<p>WHAT-MARKER An arson attack on a community centre near the old souk.</p>"
HELP_NEEDED = "HELP-MARKER Advice on a community meeting and on talking to the press."


@dataclass
class Mena:
    city: City
    focal: User
    lead: User
    officer: User
    colleague: User
    director: User
    mu_officer: User
    other_hub: User


@pytest.fixture
def mena(db) -> Mena:
    region = RegionFactory(code="mena", name="MENA", time_zone="Asia/Beirut", working_days=[7, 1, 2, 3, 4])
    city = CityFactory(region=region, name="Saida", country="LB")
    other_region = RegionFactory(code="esa", name="ESA", time_zone="Africa/Nairobi")
    return Mena(
        city=city,
        focal=focal_point(city, username="focal.saida"),
        lead=hub_staff(region, username="hub.mena", is_hub_lead=True),
        # A digest reader and a desk-only reader: the fast track's alerts reach them by e-mail all the same.
        officer=hub_staff(region, username="hub.mena.officer", notification_mode=NotificationMode.DIGEST),
        colleague=hub_staff(region, username="hub.mena.colleague"),
        director=management(username="mu.director"),
        mu_officer=management(username="mu.officer", notification_mode=NotificationMode.IN_APP),
        other_hub=hub_staff(other_region, username="hub.esa", is_hub_lead=True),
    )


def file_incident(world: Mena, capture) -> SupportRequest:
    with capture(execute=True):
        return incident_file(
            city=world.city,
            filed_by=world.focal,
            what_happened=WHAT_HAPPENED,
            incident_at=INCIDENT,
            help_needed=HELP_NEEDED,
            language="ar",
        )


def told(event: str, channel: str = Channel.IN_APP) -> Counter[str]:
    rows = Notification.objects.filter(event=event, channel=channel)
    return Counter(rows.values_list("recipient__username", flat=True))


def test_filed_on_a_thursday_evening_it_is_first_due_24_hours_later_on_the_hubs_weekend(
    mena, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(FILED, tick=False)

    request = file_incident(mena, django_capture_on_commit_callbacks)

    assert request.state == RequestState.SUBMITTED
    assert request.fast_tracked_at == FILED and request.incident_at == INCIDENT
    # Friday 4 December, 20:30 in Saida: a Friday, outside the hub's Sunday-to-Thursday week, counted all the same.
    assert request.due_at == datetime(2026, 12, 4, 18, 30, tzinfo=UTC)
    assert (request.theme, request.urgency, request.kind) == ("incident_response", "critical", "expert")


def test_the_hubs_staff_its_lead_and_the_management_unit_are_alerted_once_by_e_mail_without_content(
    mena, time_machine, django_capture_on_commit_callbacks, mailoutbox
):
    time_machine.move_to(FILED, tick=False)

    request = file_incident(mena, django_capture_on_commit_callbacks)

    alerted = {"hub.mena", "hub.mena.officer", "hub.mena.colleague", "mu.director", "mu.officer"}
    assert told(events.INCIDENT_FILED) == Counter(dict.fromkeys(alerted, 1))
    assert told(events.INCIDENT_FILED, Channel.EMAIL) == Counter(dict.fromkeys(alerted, 1))
    # Sent at once, the digest reader's and the desk-only reader's too; nobody else hears of it as a plain submit.
    assert set(Notification.objects.filter(channel=Channel.EMAIL).values_list("status", flat=True)) == {Status.SENT}
    assert not Notification.objects.filter(event="submit").exists()
    assert sorted(address for m in mailoutbox for address in m.to) == sorted(f"{u}@example.org" for u in alerted)
    for mail in mailoutbox:
        text = mail.subject + mail.body + mail.alternatives[0][0]
        assert request.reference in text and "Saida" in text
        assert "MARKER" not in text and request.title not in text
    lead_mail = next(m for m in mailoutbox if m.to == ["hub.mena@example.org"])
    assert "Please take it now" in lead_mail.body


def test_untouched_at_half_its_time_it_escalates_once_to_the_hubs_lead_and_the_management_unit(
    mena, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(FILED, tick=False)
    request = file_incident(mena, django_capture_on_commit_callbacks)

    time_machine.move_to(FILED + timedelta(hours=11, minutes=59), tick=False)
    assert deadlines_sweep() == {"reminders": 0, "escalations": 0}

    time_machine.move_to(FILED + timedelta(hours=12), tick=False)
    assert deadlines_sweep() == {"reminders": 0, "escalations": 1}
    assert deadlines_sweep() == {"reminders": 0, "escalations": 0}

    time_machine.move_to(FILED + timedelta(hours=18), tick=False)
    assert deadlines_sweep() == {"reminders": 0, "escalations": 0}
    assert told(events.FAST_TRACK_ESCALATION) == Counter({"hub.mena": 1, "mu.director": 1, "mu.officer": 1})
    # By e-mail at once, the desk-only reader of the management unit too.
    assert told(events.FAST_TRACK_ESCALATION, Channel.EMAIL) == Counter(
        {"hub.mena": 1, "mu.director": 1, "mu.officer": 1}
    )
    alert = DeadlineAlert.objects.get()
    assert (alert.kind, alert.state, alert.due_at) == (DeadlineAlert.Kind.HALF_TIME, "submitted", request.due_at)


def test_a_step_the_hub_moved_on_does_not_escalate_and_the_next_one_has_its_own_half_time(
    mena, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(FILED, tick=False)
    request = file_incident(mena, django_capture_on_commit_callbacks)
    proposed = expert(username="expert.amina")
    time_machine.move_to(FILED + timedelta(hours=2), tick=False)
    request = transition_perform(
        request=request, transition="route_to_experts", actor=mena.officer, data={"experts": [proposed.pk]}
    )
    assert request.due_at == FILED + timedelta(hours=2 + 48)

    time_machine.move_to(FILED + timedelta(hours=12), tick=False)
    assert deadlines_sweep()["escalations"] == 0

    time_machine.move_to(FILED + timedelta(hours=2 + 24), tick=False)
    assert deadlines_sweep()["escalations"] == 1
    assert DeadlineAlert.objects.get().state == RequestState.EXPERT_MATCHING


def test_the_hub_putting_a_request_on_the_fast_track_alerts_the_others_at_once(
    mena, time_machine, django_capture_on_commit_callbacks, mailoutbox
):
    time_machine.move_to(FILED, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        request = transition_perform(
            request=SupportRequest.objects.create(
                reference="SCN-2026-000900",
                city=mena.city,
                region=mena.city.region,
                submitted_by=mena.focal,
                title="TITLE-MARKER",
                description="<p>DESCRIPTION-MARKER</p>",
                summary="A summary.",
                theme="incident_response",
                kind="advice",
            ),
            transition="submit",
            actor=mena.focal,
        )
    Notification.objects.all().delete()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        request = transition_perform(
            request=request,
            transition="fast_track",
            actor=mena.officer,
            data={"reason": "<p>REASON-MARKER The city called after the attack.</p>"},
        )

    # The officer who made the move is not told of it; the others are, by e-mail at once, and only once (its
    # reason, an internal note, is not told a second time).
    alerted = {"hub.mena", "hub.mena.colleague", "mu.director", "mu.officer"}
    assert told(events.FAST_TRACK) == Counter(dict.fromkeys(alerted, 1))
    assert set(Notification.objects.values_list("event", flat=True)) == {events.FAST_TRACK}
    assert sorted(a for m in mailoutbox for a in m.to) == sorted(f"{u}@example.org" for u in alerted)
    assert all("MARKER" not in m.subject + m.body + m.alternatives[0][0] for m in mailoutbox)
    assert request.due_at == FILED + timedelta(hours=24)
