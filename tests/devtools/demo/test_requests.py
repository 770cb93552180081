"""The demo requests reach their states through the lifecycle, with a real history and an intact trail."""

from __future__ import annotations

import pytest

from devtools.demo.requests import DEMO_REQUESTS
from devtools.demo.requests_learned import LEARNED_REQUESTS
from helpdesk.models import RequestState, SupportRequest
from workflows.audit import audit_verify
from workflows.lifecycle_follow_ups import FOLLOW_UP_MOVES
from workflows.models import (
    ExpertAssignment,
    FundApplication,
    FundEnvelope,
    OutcomeTarget,
    OutcomeValue,
    TransitionLog,
)

pytestmark = pytest.mark.django_db

ALL_REQUESTS = [*DEMO_REQUESTS, *LEARNED_REQUESTS]


def test_every_demo_request_reached_its_state_through_its_moves(demo):
    requests = {(r.city.name, r.title): r for r in SupportRequest.objects.select_related("city")}
    # After its story, a delivered request may have had its follow-ups (``devtools.demo.follow_ups``): the desk's
    # own moves and the city's answers, which keep its state.
    follow_up_moves = {spec.name for spec in FOLLOW_UP_MOVES}
    later = 0
    for spec in ALL_REQUESTS:
        request = requests[(spec.city, spec.title)]
        rows = list(TransitionLog.objects.filter(request=request).order_by("seq").select_related("actor"))
        story = [row for row in rows if row.transition not in follow_up_moves]
        later += len(rows) - len(story)
        assert request.state == spec.target, spec.title
        assert [row.transition for row in story] == [step.transition for step in spec.steps], spec.title
        assert rows[len(story) :] == [row for row in rows if row.transition in follow_up_moves], spec.title
        if story:
            assert story[-1].to_state == spec.target
        assert all(row.actor is not None for row in story), spec.title
    assert set(SupportRequest.objects.values_list("state", flat=True)) == set(RequestState.values)
    # Other demo modules file requests with trails of their own (devtools.demo.fasttrack, .fund, .waiver).
    others = TransitionLog.objects.exclude(request__in=[requests[(s.city, s.title)] for s in ALL_REQUESTS]).count()
    report = audit_verify()
    assert report.intact and report.rows == sum(len(spec.steps) for spec in ALL_REQUESTS) + later + others


def test_the_demo_shows_the_fund_and_the_expert_pool_at_work(demo):
    # Grants drawn on two hubs' envelopes, financed by two different donors.
    committed = FundEnvelope.objects.filter(committed__gt=0)
    assert committed.count() == 2
    assert len(set(committed.values_list("source__code", flat=True))) == 2
    assert FundApplication.objects.filter(status="pending", first_approver__isnull=False).count() == 1
    statuses = set(ExpertAssignment.objects.values_list("status", flat=True))
    # ... and a conflict declared on acceptance, waiting for the hub lead (``devtools.demo.waiver``).
    assert statuses == {"proposed", "accepted", "declined", "completed", "conflict"}


def test_routed_demo_requests_plan_their_indicators_and_delivered_ones_report_values(demo):
    routed = {"route_to_experts", "route_to_funding"}
    for spec in ALL_REQUESTS:
        request = SupportRequest.objects.get(city__name=spec.city, title=spec.title)
        targets = OutcomeTarget.objects.filter(request=request).select_related("indicator")
        planned = {t.indicator.code: t.indicator.priority for t in targets}
        plans = [step.data["indicators"] for step in spec.steps if step.transition in routed]
        assert set(planned) == {row["indicator"] for plan in plans for row in plan}, spec.title
        if plans:
            # One to three indicators, at least one of them measuring the request's own strategic priority.
            assert 1 <= len(planned) <= 3 and spec.priority in planned.values(), spec.title
    # Every fund application names what it aims to change.
    assert not FundApplication.objects.exclude(request__outcome_targets__isnull=False).exists()

    values = OutcomeValue.objects.select_related("target__request", "target__indicator")
    delivered = values.filter(stage=OutcomeValue.Stage.DELIVERED)
    # (Of these demo requests; other demo modules' delivered ones report theirs too.)
    reported = {v.target.request.title for v in delivered} & {spec.title for spec in ALL_REQUESTS}
    assert reported == {
        "Peer exchange on online hate monitoring",
        "Recovery support one year on",
        "Prevention plan with schools and social services",
        "Youth council across the city's communities",
        "Réponse municipale aux discours haineux en ligne",
        "Coordination with national ministries on social cohesion",
    }
    # Some targets were missed, some passed: the reports have both to show.
    assert any(v.value < v.target.target for v in delivered if v.target.indicator.higher_is_better)
    assert any(v.value > v.target.target for v in delivered if v.target.indicator.higher_is_better)
    confirmed = {(v.target.request.title, v.target.indicator.code): v.value for v in values.filter(stage="confirmed")}
    reached = {(v.target.request.title, v.target.indicator.code): v.value for v in delivered}
    assert confirmed and set(confirmed) <= set(reached)
    # The city confirms most figures as reported and corrects some.
    assert any(confirmed[key] == reached[key] for key in confirmed)
    assert any(confirmed[key] != reached[key] for key in confirmed)
    ours = TransitionLog.objects.filter(request__title__in=[spec.title for spec in ALL_REQUESTS])
    assert ours.filter(transition="report_delivery", data__delivered_values__gt=0).count() == 6
