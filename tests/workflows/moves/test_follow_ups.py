"""Follow-ups after delivery: a request walked from delivery through both follow-ups, one answered with values,
one left unanswered (reminded, escalated, missed); the city's answer and the desk's refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from helpdesk.models import Indicator, Message, RequestState, Sensitivity, SupportRequest
from helpdesk.retention import anonymise_closed
from notifications.models import Notification
from tests.workflows.conftest import row_counts
from web.lists.city import city_attention
from workflows.audit import audit_verify
from workflows.errors import TransitionRefused
from workflows.models import FollowUp, OutcomeTarget, OutcomeValue, TransitionLog
from workflows.selectors import available_transitions, expected_move
from workflows.services import FollowUpRun, outcomes_followups_run, transition_perform

DELIVERED = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
THREE_MONTHS = datetime(2026, 4, 15, 3, 0, tzinfo=UTC)
SIX_MONTHS = datetime(2026, 7, 15, 3, 0, tzinfo=UTC)
ANSWER = "<p>The prevention plan is still in force and two of the trained officers still run it.</p>"


@pytest.fixture(autouse=True)
def _days(settings):
    settings.OUTCOMES_FOLLOW_UP_MONTHS = [3, 6]
    settings.OUTCOMES_REMINDER_DAYS = 14
    settings.OUTCOMES_ESCALATION_DAYS = 28
    settings.OUTCOMES_MISSED_DAYS = 60


@pytest.fixture
def indicators(db):
    def indicator(code: str, unit: str) -> Indicator:
        return Indicator.objects.create(
            code=code, priority=1, name=code.replace("-", " "), definition="…", unit=unit, position=0
        )

    return indicator("staff-trained", "count"), indicator("plan-adopted", "yes_no")


def delivered(net, indicators, **fields) -> SupportRequest:
    """A request delivered on ``DELIVERED`` whose support planned the two indicators."""
    with time_machine.travel(DELIVERED, tick=False):
        request = net.at("delivered", **fields)
    for indicator, baseline, target in zip(indicators, ("3", "0"), ("12", "1"), strict=True):
        OutcomeTarget.objects.create(request=request, indicator=indicator, baseline=baseline, target=target)
    return SupportRequest.objects.get(pk=request.pk)


def evaluated(net, request: SupportRequest) -> SupportRequest:
    with time_machine.travel(DELIVERED + timedelta(days=3), tick=False):
        return transition_perform(request=request, transition="evaluate", actor=net.focal, data=net.data("evaluate"))


def told(request: SupportRequest, event: str) -> set[int]:
    """Who was told of ``event`` on ``request`` in the desk (each also gets an e-mail row)."""
    return set(
        Notification.objects.filter(request=request, event=event, channel="in_app").values_list("recipient", flat=True)
    )


def trail(request: SupportRequest) -> list[tuple[str, str, str]]:
    return list(
        TransitionLog.objects.filter(request=request)
        .order_by("seq")
        .values_list("transition", "from_state", "to_state")
    )


def run(at: datetime) -> FollowUpRun:
    with time_machine.travel(at, tick=False):
        return outcomes_followups_run()


def test_a_request_is_followed_up_at_three_and_six_months(net, indicators, client):
    staff_trained, plan_adopted = indicators
    request = evaluated(net, delivered(net, indicators))
    assert request.state == RequestState.CLOSED

    # Not yet: the three months come on 15 April.
    assert run(THREE_MONTHS - timedelta(days=1)) == FollowUpRun()

    # The 3-month follow-up: the city is asked, in the desk and by e-mail.
    assert run(THREE_MONTHS) == FollowUpRun(opened=1)
    first = FollowUp.objects.get(request=request)
    assert (first.months, first.due_on, first.status) == (3, DELIVERED.date().replace(month=4), "open")
    assert first.opened_at == THREE_MONTHS
    assert told(request, "follow_up_due") == {net.focal.pk}
    assert Notification.objects.filter(request=request, event="follow_up_due", channel="email").count() == 1
    # Running again does nothing more.
    assert run(THREE_MONTHS) == FollowUpRun()
    assert run(THREE_MONTHS + timedelta(hours=5)) == FollowUpRun()
    assert FollowUp.objects.filter(request=request).count() == 1

    # The city's list of what waits for it names the request, and the page's one button is the answer.
    rows = city_attention(net.focal)
    assert [(r.reference, r.follow_up, r.phrase) for r in rows] == [
        (request.reference, True, "Tell us how the results are holding up")
    ]
    client.force_login(net.focal)
    page = client.get(reverse("city-home")).content.decode()
    assert "Tell us how the results are holding up" in page
    assert reverse("request-detail", args=[request.reference]) in page
    request.refresh_from_db()
    moves = available_transitions(request, net.focal)
    assert [m.name for m in moves] == ["answer_follow_up"]
    assert expected_move(request, moves).name == "answer_follow_up"
    assert available_transitions(request, net.hub) == []

    # The city answers with the values still standing (one unknown) and what changed.
    with time_machine.travel(THREE_MONTHS + timedelta(days=2), tick=False):
        transition_perform(
            request=request,
            transition="answer_follow_up",
            actor=net.focal,
            data={
                "values": [
                    {"indicator": staff_trained.pk, "value": "10"},
                    {"indicator": plan_adopted.pk, "value": ""},
                ],
                "what_changed": ANSWER,
            },
        )
    first.refresh_from_db()
    assert (first.status, first.answered_by, first.what_changed) == ("answered", net.focal, ANSWER)
    assert first.answered_at == first.closed_at == THREE_MONTHS + timedelta(days=2)
    sustained = OutcomeValue.objects.filter(target__request=request, stage="sustained")
    assert [(v.target.indicator, v.value, v.follow_up) for v in sustained] == [(staff_trained, Decimal("10"), first)]
    assert told(request, "follow_up_answered") == {net.hub.pk, net.officer.pk}
    # What changed is on the request, in the city's channel, like every text the city writes.
    assert Message.objects.filter(request=request, body=ANSWER, visibility="city").exists()
    assert city_attention(net.focal) == []
    assert available_transitions(request, net.focal) == []

    # The 6-month follow-up, left unanswered: reminded, escalated to the hub, counted as missed.
    assert run(SIX_MONTHS) == FollowUpRun(opened=1)
    second = FollowUp.objects.get(request=request, months=6)
    assert run(SIX_MONTHS + timedelta(days=13)) == FollowUpRun()
    assert run(SIX_MONTHS + timedelta(days=14)) == FollowUpRun(reminded=1)
    assert told(request, "follow_up_reminder") == {net.focal.pk}
    assert run(SIX_MONTHS + timedelta(days=20)) == FollowUpRun()
    assert run(SIX_MONTHS + timedelta(days=28)) == FollowUpRun(escalated=1)
    # The hub hears: the staff of the region (nobody owns the request) and its lead.
    assert told(request, "follow_up_escalated") == {net.hub.pk, net.officer.pk}
    assert (
        Notification.objects.get(
            request=request, event="follow_up_escalated", recipient=net.hub, channel="in_app"
        ).reason
        == "hub"
    )
    assert run(SIX_MONTHS + timedelta(days=60)) == FollowUpRun(missed=1)
    before = row_counts()
    assert run(SIX_MONTHS + timedelta(days=61)) == FollowUpRun()
    assert row_counts() == before
    second.refresh_from_db()
    assert second.status == "missed"
    assert second.closed_at == SIX_MONTHS + timedelta(days=60)
    assert (second.reminded_at, second.escalated_at) == (
        SIX_MONTHS + timedelta(days=14),
        SIX_MONTHS + timedelta(days=28),
    )
    assert second.answered_at is None and second.what_changed == ""
    # Not answered is counted, never filled in.
    assert not second.values.exists()
    assert told(request, "follow_up_missed") == {net.hub.pk, net.officer.pk}
    assert city_attention(net.focal) == []

    # Every step is in the request's hash-chained trail, and the request stayed closed.
    closed = RequestState.CLOSED
    assert trail(request)[-7:] == [
        ("evaluate", "delivered", closed),
        ("follow_up_open", closed, closed),
        ("answer_follow_up", closed, closed),
        ("follow_up_open", closed, closed),
        ("follow_up_remind", closed, closed),
        ("follow_up_escalate", closed, closed),
        ("follow_up_miss", closed, closed),
    ]
    data = TransitionLog.objects.filter(request=request, transition="follow_up_miss").get().data
    assert (data["follow_up"], data["months"]) == (second.pk, 6)
    answered = TransitionLog.objects.filter(request=request, transition="answer_follow_up").get().data
    assert (answered["follow_up"], answered["sustained_values"]) == (first.pk, 1)
    assert audit_verify(request_ids=[request.pk]).broken == []
    request.refresh_from_db()
    assert request.state == RequestState.CLOSED
    # The hub reads each step on the request's timeline, and what the city said changed.
    client.force_login(net.hub)
    page = client.get(reverse("request-detail", args=[request.reference])).content.decode()
    for line in (
        "The desk asked the city how the results are holding up",
        "The city told the desk how the results are holding up",
        "The desk reminded the city of its follow-up",
        "The city has not answered its follow-up: the desk told the hub",
        "The follow-up closed without an answer",
        "two of the trained officers still run it",
    ):
        assert line in page, line


def test_a_request_still_waiting_for_its_evaluation_is_followed_up_too(net, indicators, settings):
    settings.WORKFLOW_AUTO_CLOSE_DAYS = 365
    request = delivered(net, indicators)

    assert run(THREE_MONTHS) == FollowUpRun(opened=1)

    request.refresh_from_db()
    moves = available_transitions(request, net.focal)
    assert [m.name for m in moves] == ["evaluate", "answer_follow_up"]
    # The evaluation comes first: it is the next step on the request's road.
    assert expected_move(request, moves).name == "evaluate"


def test_no_follow_up_without_planned_indicators_a_delivery_or_for_an_ended_request(net, indicators):
    with time_machine.travel(DELIVERED, tick=False):
        unplanned = net.at("closed")
        declined = net.at("declined")
        withdrawn = net.at("withdrawn")
    for request in (declined, withdrawn):
        OutcomeTarget.objects.create(request=request, indicator=indicators[0])

    assert run(SIX_MONTHS) == FollowUpRun()
    assert not FollowUp.objects.exists()
    with pytest.raises(TransitionRefused) as refused:
        transition_perform(request=unplanned, transition="follow_up_open", actor=None, now=SIX_MONTHS)
    assert refused.value.code == "not_due"


def test_a_desk_that_starts_late_asks_only_the_latest_follow_up(net, indicators):
    request = delivered(net, indicators)

    assert run(SIX_MONTHS + timedelta(days=3)) == FollowUpRun(opened=1)

    assert list(FollowUp.objects.filter(request=request).values_list("months", flat=True)) == [6]


def test_the_desks_moves_are_its_own_and_wait_for_their_time(net, indicators):
    request = delivered(net, indicators)

    for transition in ("follow_up_open", "follow_up_remind", "follow_up_escalate", "follow_up_miss"):
        with pytest.raises(TransitionRefused) as refused:
            transition_perform(request=request, transition=transition, actor=net.hub)
        assert refused.value.code == "system_only"
        with pytest.raises(TransitionRefused) as refused:
            transition_perform(request=request, transition=transition, actor=None, now=DELIVERED + timedelta(days=1))
        assert refused.value.code == "not_due"
    transition_perform(request=request, transition="follow_up_open", actor=None, now=THREE_MONTHS)
    with pytest.raises(TransitionRefused) as refused:
        transition_perform(request=request, transition="follow_up_remind", actor=None, now=THREE_MONTHS)
    assert refused.value.code == "not_due"


def test_only_the_citys_focal_points_answer_and_only_an_open_follow_up(net, indicators):
    request = evaluated(net, delivered(net, indicators))
    data = {"what_changed": ANSWER}

    with pytest.raises(TransitionRefused) as refused:
        transition_perform(request=request, transition="answer_follow_up", actor=net.focal, data=data)
    assert refused.value.code == "no_open_follow_up"

    run(THREE_MONTHS)
    request.refresh_from_db()
    for who in ("hub", "other_focal", "expert"):
        with pytest.raises(TransitionRefused) as refused:
            transition_perform(request=request, transition="answer_follow_up", actor=net.people[who], data=data)
        assert refused.value.code == "not_allowed", who
    with pytest.raises(TransitionRefused) as refused:
        transition_perform(request=request, transition="answer_follow_up", actor=net.focal, data={})
    assert (refused.value.code, set(refused.value.fields)) == ("missing_data", {"what_changed"})


def test_values_only_for_the_planned_indicators_and_in_their_unit(net, indicators):
    plan_adopted = indicators[1]
    other = Indicator.objects.create(code="exchanges", priority=2, name="Exchanges", definition="…", unit="count")
    request = evaluated(net, delivered(net, indicators))
    run(THREE_MONTHS)
    request.refresh_from_db()

    for values in ([{"indicator": other.pk, "value": "2"}], [{"indicator": plan_adopted.pk, "value": "7"}]):
        before = row_counts()
        with pytest.raises(TransitionRefused) as refused:
            transition_perform(
                request=request,
                transition="answer_follow_up",
                actor=net.focal,
                data={"values": values, "what_changed": ANSWER},
            )
        assert (refused.value.code, set(refused.value.fields)) == ("invalid_data", {"values"})
        assert row_counts() == before
    assert FollowUp.objects.get(request=request).status == "open"


def test_what_looks_like_personal_data_stays_in_a_restricted_message(net, indicators):
    request = evaluated(net, delivered(net, indicators))
    run(THREE_MONTHS)
    request.refresh_from_db()
    text = "<p>Call our new coordinator on +44 7700 900123 for the details.</p>"

    transition_perform(request=request, transition="answer_follow_up", actor=net.focal, data={"what_changed": text})

    message = Message.objects.get(request=request, body=text)
    assert message.sensitivity == Sensitivity.RESTRICTED
    follow_up = FollowUp.objects.get(request=request)
    assert (follow_up.status, follow_up.what_changed) == ("answered", "")


def test_anonymising_a_request_blanks_what_the_city_said_changed(net, indicators):
    request = evaluated(net, delivered(net, indicators))
    run(THREE_MONTHS)
    request.refresh_from_db()
    transition_perform(request=request, transition="answer_follow_up", actor=net.focal, data={"what_changed": ANSWER})

    anonymise_closed(older_than_days=1, now=datetime(2030, 1, 1, tzinfo=UTC))

    follow_up = FollowUp.objects.get(request=request)
    assert (follow_up.what_changed, follow_up.answered_by, follow_up.status) == ("", None, "answered")
    assert follow_up.values.count() == 0  # no values were given; those given would stay (figures, not text)
