"""The history the scale seeder writes behind its bulk requests: consistent with each request's state."""

from __future__ import annotations

import copy
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import F, Sum
from django.utils import timezone

from devtools.demo.history import seed_scale_history
from devtools.demo.notifications import seed_scale_notifications
from devtools.demo.scale import seed_scale
from helpdesk.models import RequestState, SupportRequest
from notifications.models import Notification
from tests.built_once import built_once, copy_files
from workflows.audit import audit_verify
from workflows.follow_ups import add_months
from workflows.lifecycle import TRIAGE
from workflows.models import (
    Evaluation,
    FollowUp,
    FundApplication,
    FundEnvelope,
    OutcomeTarget,
    OutcomeValue,
    TransitionLog,
)

S = RequestState


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker, tmp_path_factory):
    # Every test here only reads what the seeders wrote, and seeding took most of each test's time: it is done
    # once for the module, inside a transaction rolled back at its end (tests/built_once.py); each test's own
    # transaction is a savepoint inside it.
    with built_once(django_db_blocker, tmp_path_factory.mktemp("scale-history")) as files:
        call_command("seed_demo", stdout=StringIO())
        added = seed_scale(count=400, cities=60, experts=30)
        history = seed_scale_history(first_id=added.first_id, last_id=added.last_id)
        notified = seed_scale_notifications(first_id=added.first_id, last_id=added.last_id)
        # The moment the seeding finished: what the tests compare the follow-ups' times with, as when each
        # test seeded for itself and looked at once (a later clock would see follow-ups fall due meanwhile).
        yield (added.first_id, added.last_id, history, notified, timezone.now()), files


@pytest.fixture
def seeded(seeded_once, db, tmp_path):
    (first_id, last_id, history, notified, _seeded_at), files = seeded_once
    copy_files(files, tmp_path)
    bulk = SupportRequest.objects.filter(pk__gte=first_id, pk__lte=last_id)
    return bulk, copy.deepcopy(history), copy.deepcopy(notified)


@pytest.fixture
def seeded_at(seeded_once):
    return seeded_once[0][-1]


def test_every_trail_is_intact_and_ends_in_its_requests_state(seeded):
    bulk, history, _notified = seeded
    report = audit_verify(request_ids=bulk.values_list("pk", flat=True))
    assert report.intact, report.broken[:3]
    assert report.rows == history["logs"] == TransitionLog.objects.filter(request__in=bulk).count()
    # Every filed request has a trail that starts with its submission; drafts have none.
    filed = bulk.exclude(state=S.DRAFT)
    assert report.chains == filed.count()
    firsts = TransitionLog.objects.filter(request__in=bulk, seq=1)
    assert set(firsts.values_list("transition", flat=True)) == {"submit"}
    assert not TransitionLog.objects.filter(request__in=bulk.filter(state=S.DRAFT)).exists()


def test_moves_happen_in_order_between_submission_and_closing(seeded):
    bulk, _history, _notified = seeded
    for request in bulk.exclude(state=S.DRAFT).prefetch_related("transition_log"):
        times = [log.created_at for log in request.transition_log.all()]
        assert times == sorted(times) and len(set(times)) == len(times)
        assert times[0] == request.submitted_at
        if request.closed_at:
            assert times[-1] == request.closed_at


def test_the_fund_holds_what_the_roads_through_it_left(seeded):
    bulk, history, _notified = seeded
    applications = FundApplication.objects.filter(request__in=bulk)
    assert applications.count() == history["fund_applications"] > 0
    # Each request awaiting a decision has exactly one application pending; no other request has one.
    pending = Counter(applications.filter(status="pending").values_list("request_id", flat=True))
    assert set(pending) == set(bulk.filter(state=S.FUNDING_REVIEW).values_list("pk", flat=True))
    assert set(pending.values()) == {1}
    approved = applications.filter(status="approved")
    assert approved.exists() and not approved.filter(amount_approved__isnull=True).exists()
    for envelope in FundEnvelope.objects.filter(applications__in=approved).distinct():
        total = envelope.applications.filter(status="approved").aggregate(s=Sum("amount_approved"))["s"]
        assert envelope.committed >= total and envelope.amount >= envelope.committed >= Decimal(0)


def test_evaluations_and_milestones_follow_the_trail(seeded):
    bulk, history, _notified = seeded
    evaluated = TransitionLog.objects.filter(request__in=bulk, transition="evaluate")
    assert Evaluation.objects.filter(request__in=bulk).count() == evaluated.count() == history["evaluations"]
    for request in bulk.exclude(state__in=[S.DRAFT, S.SUBMITTED]).prefetch_related("transition_log"):
        logs = list(request.transition_log.all())
        triage = next((log.created_at for log in logs if log.transition in TRIAGE), None)
        delivered = next((log.created_at for log in logs if log.to_state == S.DELIVERED), None)
        assert (request.triaged_at, request.delivered_at) == (triage, delivered)
        if triage is not None:
            assert request.time_to_triage == triage - request.submitted_at
        if delivered is not None:
            assert request.time_to_delivery == delivered - request.submitted_at


def test_notifications_follow_the_recipients_table_and_never_tell_the_actor(seeded):
    bulk, _history, notified = seeded
    rows = Notification.objects.filter(request__in=bulk)
    assert rows.count() == notified > 0
    assert not rows.filter(actor_id__isnull=False, recipient_id=F("actor_id")).exists()
    submitted = rows.filter(event="submit")
    assert submitted.exists() and set(submitted.values_list("reason", flat=True)) == {"hub"}
    assert rows.filter(read_at__isnull=True).exists() and rows.filter(read_at__isnull=False).exists()


def test_routed_requests_plan_one_to_three_indicators_of_their_priority(seeded):
    bulk, history, _notified = seeded
    targets = OutcomeTarget.objects.filter(request__in=bulk).select_related("indicator", "request")
    assert targets.count() == history["outcome_targets"] > 0
    planned: dict[int, set[int]] = defaultdict(set)
    for target in targets:
        planned[target.request_id].add(target.indicator_id)
        assert target.indicator.priority == target.request.strategic_priority
        assert target.target is not None and target.created_at >= target.request.submitted_at
    assert {len(ids) for ids in planned.values()} <= {1, 2, 3}
    # The routing moves' audit rows name the indicators; every fund application planned some.
    routes = TransitionLog.objects.filter(request__in=bulk, transition__in=["route_to_experts", "route_to_funding"])
    named = {log.request_id: set(log.data["indicators"]) for log in routes if "indicators" in log.data}
    assert named == planned
    funded = set(routes.filter(transition="route_to_funding").values_list("request_id", flat=True))
    assert funded and funded <= set(planned)


def test_values_are_reported_at_delivery_and_confirmed_at_evaluation(seeded):
    bulk, history, _notified = seeded
    values = OutcomeValue.objects.filter(target__request__in=bulk).select_related("target__indicator")
    assert values.count() == history["outcome_values"]
    logs = TransitionLog.objects.filter(request__in=bulk)
    for stage, move in (("delivered", "report_delivery"), ("confirmed", "evaluate")):
        rows = [v for v in values if v.stage == stage]
        # As the move records it: how many values, none when nothing was planned.
        counted = logs.filter(transition=move)
        assert all(f"{stage}_values" in log.data for log in counted)
        assert len(rows) == sum(log.data[f"{stage}_values"] for log in counted) > 0
        assert {v.target.request_id for v in rows} <= set(counted.values_list("request_id", flat=True))
        assert all(v.follow_up_id is None for v in rows)
    # Every value fits its indicator's unit; some targets were missed and some passed.
    assert all(v.target.indicator.clean_value(v.value) == v.value for v in values)
    delivered = [v for v in values if v.stage == "delivered" and v.target.indicator.higher_is_better]
    assert any(v.value < v.target.target for v in delivered) and any(v.value > v.target.target for v in delivered)
    reached = {v.target_id: v.value for v in values if v.stage == "delivered"}
    confirmed = {v.target_id: v.value for v in values if v.stage == "confirmed"}
    assert set(confirmed) <= set(reached)
    assert any(confirmed[t] == reached[t] for t in confirmed) and any(confirmed[t] != reached[t] for t in confirmed)


def test_follow_ups_fall_due_after_delivery_and_only_answers_hold_values(seeded, seeded_at):
    bulk, history, _notified = seeded
    now = seeded_at
    follow_ups = list(FollowUp.objects.filter(request__in=bulk).select_related("request").prefetch_related("values"))
    assert len(follow_ups) == history["follow_ups"] > 0
    assert {f.status for f in follow_ups} == {"open", "answered", "missed"}
    for follow_up in follow_ups:
        request = follow_up.request
        assert request.delivered_at is not None
        assert follow_up.months in settings.OUTCOMES_FOLLOW_UP_MONTHS
        assert follow_up.due_on == add_months(request.delivered_at.date(), follow_up.months)
        assert request.delivered_at < follow_up.opened_at <= now
        values = list(follow_up.values.all())
        assert all(v.stage == "sustained" for v in values)
        if follow_up.status == "answered":
            assert follow_up.answered_by_id == request.submitted_by_id and follow_up.what_changed
            assert follow_up.opened_at < follow_up.answered_at == follow_up.closed_at <= now
        else:
            assert not values and follow_up.answered_at is None and not follow_up.what_changed
        if follow_up.status == "missed":
            assert follow_up.closed_at == follow_up.opened_at + timedelta(days=settings.OUTCOMES_MISSED_DAYS)
            assert follow_up.reminded_at is not None and follow_up.escalated_at is not None
        if follow_up.status == "open":
            assert now - follow_up.opened_at < timedelta(days=settings.OUTCOMES_MISSED_DAYS)
            assert follow_up.closed_at is None
    # Only support that planned indicators is followed up (as the follow-up job does); answers hold the values
    # still standing.
    planned = set(OutcomeTarget.objects.filter(request__in=bulk).values_list("request_id", flat=True))
    answered = [f for f in follow_ups if f.status == "answered"]
    assert all(f.request_id in planned for f in follow_ups)
    assert any(f.values.all() for f in answered)
    # Every request that planned indicators, delivered more than the first follow-up's months ago, was asked.
    first = min(settings.OUTCOMES_FOLLOW_UP_MONTHS)
    asked = {f.request_id for f in follow_ups}
    delivered = bulk.filter(delivered_at__isnull=False, pk__in=planned).values_list("pk", "delivered_at")
    due = {pk for pk, at in delivered if datetime.combine(add_months(at.date(), first), at.timetz()) <= now}
    assert due == asked


def test_every_envelope_the_roads_drew_on_has_a_donor(seeded):
    assert not FundEnvelope.objects.filter(source__isnull=True).exists()
    assert FundEnvelope.objects.values("source").distinct().count() >= 3
