"""Check-ins after an incident: a request on the incident fast track, once delivered, is checked in with at two
weeks, three and six months (``INCIDENT_CHECK_IN_POINTS``) by the follow-up job, with or without key indicators;
the city answers how it is recovering and what it still needs. A request off the fast track keeps its outcome
follow-ups."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from helpdesk.models import Indicator, Message, RequestState, SupportRequest
from notifications.models import Notification
from tests.workflows.conftest import row_counts
from web.lists.city import city_attention
from workflows.audit import audit_verify
from workflows.errors import TransitionRefused
from workflows.models import FollowUp, OutcomeTarget, OutcomeValue, TransitionLog
from workflows.selectors import available_transitions
from workflows.services import FollowUpRun, outcomes_followups_run, transition_perform

DELIVERED = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
TWO_WEEKS = datetime(2026, 1, 29, 0, 0, tzinfo=UTC)  # the first moment of the 14th day after delivery
THREE_MONTHS = datetime(2026, 4, 15, 3, 0, tzinfo=UTC)
SIX_MONTHS = datetime(2026, 7, 15, 3, 0, tzinfo=UTC)
RECOVERY = "<p>The community centre reopened and the families are supported by the social services.</p>"
STILL_NEEDED = "<p>Training for the new community mediators.</p>"


@pytest.fixture(autouse=True)
def _days(settings):
    settings.OUTCOMES_FOLLOW_UP_MONTHS = [3, 6]
    settings.INCIDENT_CHECK_IN_POINTS = ["14d", "3m", "6m"]
    settings.OUTCOMES_REMINDER_DAYS = 14
    settings.OUTCOMES_ESCALATION_DAYS = 28
    settings.OUTCOMES_MISSED_DAYS = 60
    settings.WORKFLOW_AUTO_CLOSE_DAYS = 365


def delivered(net, *, fast_track: bool = True, indicator: Indicator | None = None) -> SupportRequest:
    """A request delivered on ``DELIVERED``: on the incident fast track unless told otherwise."""
    with time_machine.travel(DELIVERED, tick=False):
        request = net.at("delivered", fast_tracked_at=DELIVERED - timedelta(days=20) if fast_track else None)
    if indicator is not None:
        OutcomeTarget.objects.create(request=request, indicator=indicator, baseline="0", target="1")
    return SupportRequest.objects.get(pk=request.pk)


def run(at: datetime) -> FollowUpRun:
    with time_machine.travel(at, tick=False):
        return outcomes_followups_run()


def told(request: SupportRequest, event: str) -> set[int]:
    return set(
        Notification.objects.filter(request=request, event=event, channel="in_app").values_list("recipient", flat=True)
    )


def transitions(request: SupportRequest) -> list[str]:
    return list(TransitionLog.objects.filter(request=request).order_by("seq").values_list("transition", flat=True))


def test_a_delivered_fast_track_request_is_checked_in_with_at_two_weeks_three_and_six_months(net, client):
    request = delivered(net)
    assert not OutcomeTarget.objects.filter(request=request).exists()  # asked all the same

    # Not on the 13th day: the two weeks come on 29 January.
    assert run(TWO_WEEKS - timedelta(minutes=1)) == FollowUpRun()
    assert run(TWO_WEEKS) == FollowUpRun(opened=1)
    first = FollowUp.objects.get(request=request)
    assert (first.kind, first.months, first.days, first.due_on) == ("incident", 0, 14, date(2026, 1, 29))
    assert first.opened_at == TWO_WEEKS
    # The job run twice opens it once.
    assert run(TWO_WEEKS) == FollowUpRun()
    assert run(TWO_WEEKS + timedelta(hours=7)) == FollowUpRun()
    assert FollowUp.objects.filter(request=request).count() == 1
    assert told(request, "check_in_due") == {net.focal.pk}
    assert Notification.objects.filter(request=request, event="check_in_due", channel="email").count() == 1
    assert not Notification.objects.filter(request=request, event="follow_up_due").exists()
    opened = TransitionLog.objects.get(request=request, transition="check_in_open").data
    assert (opened["kind"], opened["months"], opened["days"]) == ("incident", 0, 14)

    # The city reads a check-in after the incident, not a follow-up.
    rows = city_attention(net.focal)
    assert [(r.reference, r.follow_up, r.phrase) for r in rows] == [
        (request.reference, True, "Tell us how the city is recovering after the incident")
    ]
    request.refresh_from_db()
    assert [m.name for m in available_transitions(request, net.focal)] == ["evaluate", "answer_check_in"]

    # The three and six months come as the outcome follow-ups' would, each once.
    # (Each one left unanswered is counted as missed 60 days after it was asked.)
    assert run(THREE_MONTHS - timedelta(days=1)) == FollowUpRun(missed=1)
    assert run(THREE_MONTHS) == FollowUpRun(opened=1)
    assert run(THREE_MONTHS) == FollowUpRun()
    assert run(SIX_MONTHS) == FollowUpRun(opened=1, missed=1)
    points = FollowUp.objects.filter(request=request).order_by("months", "days")
    assert [(f.kind, f.months, f.days, f.due_on) for f in points] == [
        ("incident", 0, 14, date(2026, 1, 29)),
        ("incident", 3, 0, date(2026, 4, 15)),
        ("incident", 6, 0, date(2026, 7, 15)),
    ]
    assert audit_verify(request_ids=[request.pk]).broken == []
    client.force_login(net.hub)
    page = client.get(reverse("request-detail", args=[request.reference])).content.decode()
    assert "The desk checked in with the city after the incident" in page


def test_an_unanswered_check_in_is_reminded_escalated_and_missed_in_its_own_words(net):
    request = delivered(net)
    run(TWO_WEEKS)

    assert run(TWO_WEEKS + timedelta(days=13)) == FollowUpRun()
    assert run(TWO_WEEKS + timedelta(days=14)) == FollowUpRun(reminded=1)
    assert told(request, "check_in_reminder") == {net.focal.pk}
    assert run(TWO_WEEKS + timedelta(days=28)) == FollowUpRun(escalated=1)
    assert told(request, "check_in_escalated") == {net.hub.pk, net.officer.pk}
    assert run(TWO_WEEKS + timedelta(days=60)) == FollowUpRun(missed=1)
    before = row_counts()
    assert run(TWO_WEEKS + timedelta(days=61)) == FollowUpRun()
    assert row_counts() == before
    assert told(request, "check_in_missed") == {net.hub.pk, net.officer.pk}
    assert FollowUp.objects.get(request=request).status == "missed"
    assert transitions(request)[-4:] == ["check_in_open", "check_in_remind", "check_in_escalate", "check_in_miss"]
    assert not any(name.startswith("follow_up") for name in transitions(request))


def test_the_city_answers_how_it_is_recovering_and_what_it_still_needs(net, client):
    request = delivered(net)
    run(TWO_WEEKS)
    request.refresh_from_db()
    client.force_login(net.focal)
    url = reverse("request-move", args=[request.reference, "answer_check_in"])

    # No key indicator was planned: the form asks about the recovery only.
    form = client.get(url).content.decode()
    assert "How is the city doing since the incident?" in form and "What does the city still need?" in form
    assert "Where the key indicators stand now" not in form
    response = client.post(
        url, {"answer_check_in-recovery": "The centre reopened.", "answer_check_in-still_needed": "Mediators."}
    )
    assert response.status_code == 302

    check_in = FollowUp.objects.get(request=request)
    assert (check_in.status, check_in.answered_by) == ("answered", net.focal)
    assert "The centre reopened." in check_in.what_changed and "Mediators." in check_in.still_needed
    bodies = list(Message.objects.filter(request=request, visibility="city").values_list("body", flat=True))
    assert any("The centre reopened." in body for body in bodies) and any("Mediators." in body for body in bodies)
    assert told(request, "check_in_answered") == {net.hub.pk, net.officer.pk}
    data = TransitionLog.objects.get(request=request, transition="answer_check_in").data
    assert data["follow_up"] == check_in.pk and len(data["messages"]) == 2
    # Nothing awaits the city's answer now but its evaluation.
    assert [(r.follow_up, r.state) for r in city_attention(net.focal)] == [(False, RequestState.DELIVERED)]


def test_a_check_in_asks_for_the_indicators_values_when_the_support_planned_some(net, client):
    indicator = Indicator.objects.create(code="centres", priority=3, name="Centres open", definition="…", unit="count")
    request = delivered(net, indicator=indicator)
    run(TWO_WEEKS)
    request.refresh_from_db()
    client.force_login(net.focal)

    form = client.get(reverse("request-move", args=[request.reference, "answer_check_in"])).content.decode()
    assert "Where the key indicators stand now" in form and "Centres open" in form

    transition_perform(
        request=request,
        transition="answer_check_in",
        actor=net.focal,
        data={"values": [{"indicator": indicator.pk, "value": "2"}], "recovery": RECOVERY},
    )
    check_in = FollowUp.objects.get(request=request)
    value = OutcomeValue.objects.get(target__request=request, stage="sustained")
    assert (value.value, value.follow_up) == (Decimal("2"), check_in)
    assert (check_in.what_changed, check_in.still_needed) == (RECOVERY, "")
    # The request page heads its column with the check-in's point.
    client.force_login(net.hub)
    page = client.get(reverse("request-detail", args=[request.reference])).content.decode()
    assert "After 14 days" in page


def test_a_request_off_the_fast_track_keeps_its_outcome_follow_ups(net):
    indicator = Indicator.objects.create(code="plan", priority=1, name="Plan", definition="…", unit="yes_no")
    request = delivered(net, fast_track=False, indicator=indicator)

    assert run(TWO_WEEKS) == FollowUpRun()
    assert run(THREE_MONTHS) == FollowUpRun(opened=1)
    assert run(SIX_MONTHS) == FollowUpRun(opened=1, missed=1)

    rows = FollowUp.objects.filter(request=request).order_by("months")
    assert [(f.kind, f.months, f.days) for f in rows] == [("outcome", 3, 0), ("outcome", 6, 0)]
    assert transitions(request)[-3:] == ["follow_up_open", "follow_up_open", "follow_up_miss"]
    # A request off the fast track without indicators is never asked.
    plain = delivered(net, fast_track=False)
    assert run(SIX_MONTHS + timedelta(days=1)) == FollowUpRun()
    assert not FollowUp.objects.filter(request=plain).exists()


def test_each_kind_has_its_own_moves(net):
    fast = delivered(net)
    indicator = Indicator.objects.create(code="plan", priority=1, name="Plan", definition="…", unit="yes_no")
    normal = delivered(net, fast_track=False, indicator=indicator)

    for request, move in ((fast, "follow_up_open"), (normal, "check_in_open")):
        with pytest.raises(TransitionRefused) as refused:
            transition_perform(request=request, transition=move, actor=None, now=THREE_MONTHS)
        assert refused.value.code == "not_due", move
    run(THREE_MONTHS)
    fast.refresh_from_db()
    normal.refresh_from_db()
    with pytest.raises(TransitionRefused) as refused:
        transition_perform(
            request=fast, transition="answer_follow_up", actor=net.focal, data={"what_changed": RECOVERY}
        )
    assert refused.value.code == "incident_check_ins"
    with pytest.raises(TransitionRefused) as refused:
        transition_perform(request=normal, transition="answer_check_in", actor=net.focal, data={"recovery": RECOVERY})
    assert refused.value.code == "not_fast_tracked"
    assert "answer_check_in" in [m.name for m in available_transitions(fast, net.focal)]
    assert "answer_follow_up" not in [m.name for m in available_transitions(fast, net.focal)]
    assert fast.state == normal.state == RequestState.DELIVERED
