"""The demo requests reach their states through the lifecycle, with a real history and an intact trail."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from devtools.demo.requests import DEMO_REQUESTS
from helpdesk.models import RequestState, SupportRequest
from workflows.audit import audit_verify
from workflows.models import ExpertAssignment, FundApplication, FundEnvelope, TransitionLog

pytestmark = pytest.mark.django_db


def test_every_demo_request_reached_its_state_through_its_moves():
    call_command("seed_demo", stdout=StringIO())

    requests = {(r.city.name, r.title): r for r in SupportRequest.objects.select_related("city")}
    for spec in DEMO_REQUESTS:
        request = requests[(spec.city, spec.title)]
        rows = list(TransitionLog.objects.filter(request=request).order_by("seq").select_related("actor"))
        assert request.state == spec.target, spec.title
        assert [row.transition for row in rows] == [step.transition for step in spec.steps], spec.title
        if rows:
            assert rows[-1].to_state == spec.target
        assert all(row.actor is not None for row in rows), spec.title
    assert set(SupportRequest.objects.values_list("state", flat=True)) == set(RequestState.values)
    report = audit_verify()
    assert report.intact and report.rows == sum(len(spec.steps) for spec in DEMO_REQUESTS)


def test_the_demo_shows_the_fund_and_the_expert_pool_at_work():
    call_command("seed_demo", stdout=StringIO())

    assert FundEnvelope.objects.filter(committed__gt=0).count() == 1
    assert FundApplication.objects.filter(status="pending", first_approver__isnull=False).count() == 1
    statuses = set(ExpertAssignment.objects.values_list("status", flat=True))
    assert statuses == {"proposed", "accepted", "declined", "completed"}
