"""The history the scale seeder writes behind its bulk requests: consistent with each request's state."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F, Sum

from devtools.demo.history import seed_scale_history
from devtools.demo.notifications import seed_scale_notifications
from devtools.demo.scale import seed_scale
from helpdesk.models import RequestState, SupportRequest
from notifications.models import Notification
from workflows.audit import audit_verify
from workflows.lifecycle import TRIAGE
from workflows.models import Evaluation, FundApplication, FundEnvelope, TransitionLog

S = RequestState


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=StringIO())
    added = seed_scale(count=400, cities=60, experts=30)
    history = seed_scale_history(first_id=added.first_id, last_id=added.last_id)
    notified = seed_scale_notifications(first_id=added.first_id, last_id=added.last_id)
    bulk = SupportRequest.objects.filter(pk__gte=added.first_id, pk__lte=added.last_id)
    return bulk, history, notified


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
