"""Milestones: the first triage decision and the delivery, stamped by ``transition_perform``, derived from the
trail by the migration that added them."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta

import time_machine
from django.apps import apps

from helpdesk.models import SupportRequest
from workflows.services import transition_perform

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _at(days: float, request: SupportRequest, transition: str, actor: object, **data: object) -> SupportRequest:
    with time_machine.travel(START + timedelta(days=days), tick=False):
        return transition_perform(request=request, transition=transition, actor=actor, data=data)


def _milestones(request: SupportRequest) -> tuple[object, ...]:
    request.refresh_from_db()
    return request.triaged_at, request.time_to_triage, request.delivered_at, request.time_to_delivery


def test_only_the_first_triage_decision_counts_and_delivery_is_stamped_once(net):
    request = net.request()
    request = _at(0, request, "submit", net.focal)
    assert _milestones(request) == (None, None, None, None)
    request = _at(2, request, "request_info", net.hub, **net.data("request_info"))
    request = _at(5, request, "provide_info", net.focal, **net.data("provide_info"))
    request = _at(6, request, "answer_directly", net.hub, **net.data("answer_directly"))
    triaged = START + timedelta(days=2)
    delivered = START + timedelta(days=6)
    assert _milestones(request) == (triaged, timedelta(days=2), delivered, timedelta(days=6))
    _at(8, request, "evaluate", net.focal, **net.data("evaluate"))
    assert _milestones(request) == (triaged, timedelta(days=2), delivered, timedelta(days=6))


def test_a_delivery_through_experts_is_stamped_when_reported(net):
    request = net.walk(net.request(), "in_delivery")
    assert request.triaged_at is not None and request.delivered_at is None
    request = transition_perform(
        request=request, transition="report_delivery", actor=net.expert, data=net.data("report_delivery")
    )
    assert request.delivered_at is not None
    assert request.time_to_delivery == request.delivered_at - request.submitted_at


def _cleared(pk: int) -> None:
    SupportRequest.objects.filter(pk=pk).update(
        triaged_at=None, time_to_triage=None, delivered_at=None, time_to_delivery=None
    )


def test_the_migration_derives_from_the_trail_what_perform_stamps(net):
    walked = [net.walk(net.request(), path) for path in ("closed", "declined", "withdrawn", "submitted", "draft")]
    stamped = {r.pk: _milestones(r) for r in walked}
    for request in walked:
        _cleared(request.pk)
    migration = importlib.import_module("workflows.migrations.0002_backfill_milestones")
    migration.backfill(apps, None)
    assert {r.pk: _milestones(r) for r in walked} == stamped
    assert stamped[walked[0].pk][0] is not None and stamped[walked[0].pk][2] is not None  # closed: both
    assert stamped[walked[2].pk] == (None, None, None, None)  # withdrawn before triage: neither
