"""The technical support fund: applications on the region's envelope, approvals within it, four eyes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from helpdesk.models import RequestState
from tests.factories import FundEnvelopeFactory, focal_point, hub_staff, management
from tests.workflows.conftest import row_counts
from workflows.calendar import calendar_of, fiscal_year_of
from workflows.deadlines import due_at_for
from workflows.errors import TransitionRefused
from workflows.lifecycle import TRANSITION_SPECS
from workflows.models import FundApplication, FundEnvelope, TransitionLog
from workflows.selectors import available_transitions
from workflows.services import transition_perform

S = RequestState


def _apply(net, amount: str, path: str = "submitted"):
    request = net.at(path)
    lines = [{"item": "Everything", "amount": amount}]
    return transition_perform(
        request=request,
        transition="route_to_funding",
        actor=net.hub,
        data=net.data("route_to_funding", amount=amount, budget_lines=lines),
    )


def _refusal(request, transition, actor, **data) -> TransitionRefused:
    before = row_counts()
    with pytest.raises(TransitionRefused) as refused:
        transition_perform(request=request, transition=transition, actor=actor, data=data)
    assert row_counts() == before
    return refused.value


def test_an_application_is_filed_on_the_regions_envelope_for_the_fiscal_year(net):
    request = net.at("submitted")

    after = transition_perform(
        request=request, transition="route_to_funding", actor=net.officer, data=net.data("route_to_funding")
    )

    application = FundApplication.objects.get(request=request)
    assert after.state == S.FUNDING_REVIEW
    assert application.envelope == net.envelope and application.status == FundApplication.Status.PENDING
    assert application.amount_requested == Decimal("10000") and application.recommended_by == net.officer
    assert application.budget_lines == [
        {"item": "Workshops", "amount": "6000.00"},
        {"item": "Travel", "amount": "4000.00"},
    ]
    assert (
        TransitionLog.objects.get(request=request, transition="route_to_funding").data["application"] == application.pk
    )


def test_the_application_takes_what_the_city_already_gave(net):
    request = net.request(
        kind="fund",
        funding_requested=Decimal("5000"),
        budget_lines=[{"item": "Venue", "amount": "5000"}],
        strategic_priority=2,
    )
    request = net.walk(request, "submitted")

    transition_perform(
        request=request,
        transition="route_to_funding",
        actor=net.hub,
        data={"justification": "Priority 2.", "indicators": [{"indicator": net.indicator.pk}]},
    )

    application = FundApplication.objects.get(request=request)
    assert (application.amount_requested, application.currency, application.strategic_priority) == (
        Decimal("5000"),
        "EUR",
        2,
    )


def test_no_envelope_for_the_region_is_a_clear_refusal(net):
    far_focal = focal_point(net.far_city)
    request = transition_perform(
        request=net.request(city=net.far_city, submitted_by=far_focal), transition="submit", actor=far_focal
    )

    refusal = _refusal(request, "route_to_funding", net.other_hub, **net.data("route_to_funding"))

    assert refusal.code == "no_envelope"
    assert str(fiscal_year_of(request.created_at)) in str(refusal)


def test_the_application_must_be_in_the_envelopes_currency_and_add_up(net):
    request = net.at("submitted")

    assert _refusal(request, "route_to_funding", net.hub, **net.data("route_to_funding", currency="USD")).code == (
        "currency_mismatch"
    )
    spoiled = net.data("route_to_funding", budget_lines=[{"item": "Workshops", "amount": "6000"}])
    refusal = _refusal(request, "route_to_funding", net.hub, **spoiled)
    assert refusal.code == "invalid_data" and "budget_lines" in refusal.fields


def test_an_approval_commits_money_and_starts_delivery(net):
    request = _apply(net, "10000")

    after = transition_perform(
        request=request, transition="approve_funding", actor=net.mu, data={"conditions": "Report quarterly."}
    )

    application = FundApplication.objects.get(request=request)
    net.envelope.refresh_from_db()
    assert after.state == S.IN_DELIVERY and after.delivery_due is not None
    assert application.status == FundApplication.Status.APPROVED and application.decided_by == net.mu
    assert application.amount_approved == Decimal("10000") and application.conditions == "Report quarterly."
    assert net.envelope.committed == Decimal("10000")


def test_less_than_asked_may_be_approved_but_never_more(net):
    request = _apply(net, "10000")

    assert _refusal(request, "approve_funding", net.mu, amount_approved="10000.01").code == "amount_too_high"
    transition_perform(request=request, transition="approve_funding", actor=net.mu, data={"amount_approved": "7500"})

    net.envelope.refresh_from_db()
    assert net.envelope.committed == Decimal("7500")


def test_an_exhausted_envelope_refuses_the_approval(net):
    FundEnvelope.objects.filter(pk=net.envelope.pk).update(committed=Decimal("95000"))
    request = _apply(net, "10000")

    refusal = _refusal(request, "approve_funding", net.mu)

    assert refusal.code == "envelope_exhausted" and "5000.00" in str(refusal)
    transition_perform(request=request, transition="approve_funding", actor=net.mu, data={"amount_approved": "5000"})
    net.envelope.refresh_from_db()
    assert net.envelope.committed == net.envelope.amount


def test_approvals_never_overdraw_an_envelope(net, settings):
    settings.FUND_FOUR_EYES_THRESHOLD = 100000
    first, second = _apply(net, "60000"), _apply(net, "60000")

    transition_perform(request=first, transition="approve_funding", actor=net.mu)
    refusal = _refusal(second, "approve_funding", net.mu2)

    assert refusal.code == "envelope_exhausted"
    net.envelope.refresh_from_db()
    assert net.envelope.committed == Decimal("60000")


def test_above_the_threshold_two_different_approvers_are_needed(net, settings):
    settings.FUND_FOUR_EYES_THRESHOLD = 5000
    request = _apply(net, "10000")

    after = transition_perform(
        request=request, transition="approve_funding", actor=net.mu, data={"amount_approved": "9000"}
    )

    application = FundApplication.objects.get(request=request)
    net.envelope.refresh_from_db()
    assert after.state == S.FUNDING_REVIEW
    assert application.first_approver == net.mu and application.status == FundApplication.Status.PENDING
    assert net.envelope.committed == 0
    first_row = TransitionLog.objects.get(request=request, transition="approve_funding")
    assert first_row.data["first_approval"] is True and first_row.to_state == S.FUNDING_REVIEW
    # The first approver is no longer offered the approval; the second member is.
    assert [s.name for s in available_transitions(after, net.mu)] == ["reject_funding"]
    assert "approve_funding" in [s.name for s in available_transitions(after, net.mu2)]
    assert _refusal(after, "approve_funding", net.mu).code == "four_eyes"
    assert _refusal(after, "approve_funding", net.mu2, amount_approved="9500").code == "amount_mismatch"

    final = transition_perform(request=after, transition="approve_funding", actor=net.mu2)

    application.refresh_from_db()
    net.envelope.refresh_from_db()
    assert final.state == S.IN_DELIVERY
    assert application.status == FundApplication.Status.APPROVED and application.decided_by == net.mu2
    assert net.envelope.committed == Decimal("9000")


def test_the_first_approval_is_announced_as_such(net, settings):
    from workflows.signals import lifecycle_event

    settings.FUND_FOUR_EYES_THRESHOLD = 5000
    request = _apply(net, "10000")
    heard: list[str] = []

    def listener(sender, **kwargs):
        heard.append(kwargs["event"])

    lifecycle_event.connect(listener, dispatch_uid="first-approval")
    try:
        transition_perform(request=request, transition="approve_funding", actor=net.mu)
        transition_perform(request=request, transition="approve_funding", actor=net.mu2)
    finally:
        lifecycle_event.disconnect(dispatch_uid="first-approval")

    assert heard == [TRANSITION_SPECS["approve_funding"].stay_event.name, "approve_funding"]


def test_whoever_triaged_the_request_cannot_approve_its_funding(net):
    # A hub member who also belongs to the management unit routes the request, then tries to approve it.
    both = hub_staff(net.region)
    both.groups.add(*management().groups.all())
    both.__dict__.pop("_role_cache", None)
    request = net.at("submitted")
    request = transition_perform(
        request=request, transition="route_to_funding", actor=both, data=net.data("route_to_funding")
    )

    # The hub's own side step (the fast track) is theirs still; the decision on the money is not.
    assert [s.name for s in available_transitions(request, both)] == ["reject_funding", "fast_track"]
    assert _refusal(request, "approve_funding", both).code == "separation_of_duties"
    assert transition_perform(request=request, transition="approve_funding", actor=net.mu).state == S.IN_DELIVERY


def test_a_rejection_declines_the_request_and_records_the_reason(net):
    request = _apply(net, "10000", path="expert_matching_accepted")

    after = transition_perform(
        request=request, transition="reject_funding", actor=net.mu, data={"reason": "Kept for incident response."}
    )

    application = FundApplication.objects.get(request=request)
    assert after.state == S.DECLINED and after.closed_at is not None
    assert application.status == FundApplication.Status.REJECTED
    assert application.decision_reason == "Kept for incident response." and application.decided_by == net.mu
    assert request.assignments.get().status == "completed"


def test_delivery_cannot_start_while_an_application_awaits_a_decision(net):
    request = net.at("expert_matching_accepted")
    FundApplication.objects.create(
        request=request,
        envelope=net.envelope,
        amount_requested=Decimal("100"),
        strategic_priority=1,
        justification="Pending.",
    )

    assert "start_delivery" not in [s.name for s in available_transitions(request, net.hub)]
    assert _refusal(request, "start_delivery", net.hub).code == "funding_pending"


def test_withdrawing_closes_the_pending_application(net):
    request = _apply(net, "10000")

    transition_perform(request=request, transition="withdraw", actor=net.focal)

    application = FundApplication.objects.get(request=request)
    assert application.status == FundApplication.Status.REJECTED and application.decided_by is None


@pytest.mark.parametrize(
    ("start_month", "day", "year"), [(1, "2026-01-01", 2026), (4, "2026-03-31", 2025), (4, "2026-04-01", 2026)]
)
def test_fiscal_years_follow_the_configured_first_month(settings, start_month, day, year):
    from datetime import date

    settings.FUND_FISCAL_YEAR_START_MONTH = start_month

    assert fiscal_year_of(date.fromisoformat(day)) == year


def test_an_envelope_of_another_year_is_not_used(net):
    FundEnvelope.objects.filter(pk=net.envelope.pk).update(fiscal_year=net.envelope.fiscal_year - 1)
    FundEnvelopeFactory(region=net.other_region, fiscal_year=net.envelope.fiscal_year)
    request = net.at("submitted")

    assert _refusal(request, "route_to_funding", net.hub, **net.data("route_to_funding")).code == "no_envelope"


# Emergency applications: on the incident fast track, up to FUND_EMERGENCY_CEILING.
ROUTED = datetime(2026, 3, 5, 18, 30, tzinfo=UTC)  # a Thursday evening


def _fast_tracked_application(net, amount: str, *, fast_track: bool = True):
    request = net.at("submitted", fast_tracked_at=ROUTED - timedelta(hours=2) if fast_track else None)
    lines = [{"item": "Everything", "amount": amount}]
    with time_machine.travel(ROUTED, tick=False):
        return transition_perform(
            request=request,
            transition="route_to_funding",
            actor=net.hub,
            data=net.data("route_to_funding", amount=amount, budget_lines=lines),
        )


def _working_days_due(request) -> datetime | None:
    return due_at_for(S.FUNDING_REVIEW, now=ROUTED, calendar=calendar_of(request, now=ROUTED))


def test_up_to_the_ceiling_a_fast_track_application_is_an_emergency_decided_within_48_hours(net, settings):
    settings.FUND_EMERGENCY_CEILING = Decimal("10000")
    settings.WORKFLOW_INCIDENT_FUNDING_HOURS = 48

    request = _fast_tracked_application(net, "10000")

    application = FundApplication.objects.get(request=request)
    assert application.emergency is True
    assert request.due_at == ROUTED + timedelta(hours=48)
    routed = TransitionLog.objects.get(request=request, transition="route_to_funding")
    assert routed.data["emergency"] is True
    # One member of the management unit decides it: the money is committed at the first approval.
    after = transition_perform(request=request, transition="approve_funding", actor=net.mu)
    application.refresh_from_db()
    net.envelope.refresh_from_db()
    assert after.state == S.IN_DELIVERY
    assert application.status == FundApplication.Status.APPROVED and application.decided_by == net.mu
    assert net.envelope.committed == Decimal("10000")
    approved = TransitionLog.objects.get(request=request, transition="approve_funding")
    assert approved.data["emergency"] is True and approved.data["four_eyes"] is False


def test_above_the_ceiling_a_fast_track_application_waits_the_funds_working_days(net, settings):
    settings.FUND_EMERGENCY_CEILING = Decimal("10000")

    request = _fast_tracked_application(net, "10000.01")

    application = FundApplication.objects.get(request=request)
    assert application.emergency is False
    assert request.due_at == _working_days_due(request)
    assert request.due_at != ROUTED + timedelta(hours=48)
    assert TransitionLog.objects.get(request=request, transition="route_to_funding").data["emergency"] is False


def test_an_emergency_above_the_four_eyes_threshold_still_needs_two_approvers(net, settings):
    settings.FUND_FOUR_EYES_THRESHOLD = Decimal("25000")
    settings.FUND_EMERGENCY_CEILING = Decimal("50000")
    request = _fast_tracked_application(net, "30000")
    assert FundApplication.objects.get(request=request).emergency is True
    assert request.due_at == ROUTED + timedelta(hours=48)

    first = transition_perform(request=request, transition="approve_funding", actor=net.mu)

    assert first.state == S.FUNDING_REVIEW
    # The first approval does not move the deadline: the emergency's 48 hours still count.
    assert first.due_at == ROUTED + timedelta(hours=48)
    assert _refusal(first, "approve_funding", net.mu).code == "four_eyes"
    final = transition_perform(request=first, transition="approve_funding", actor=net.mu2)
    assert final.state == S.IN_DELIVERY
    net.envelope.refresh_from_db()
    assert net.envelope.committed == Decimal("30000")
    rows = TransitionLog.objects.filter(request=request, transition="approve_funding").order_by("seq")
    assert [(row.data.get("first_approval", False), row.data["emergency"]) for row in rows] == [
        (True, True),
        (False, True),
    ]


def test_off_the_fast_track_an_application_is_never_an_emergency(net, settings):
    settings.FUND_EMERGENCY_CEILING = Decimal("10000")

    request = _fast_tracked_application(net, "500", fast_track=False)

    assert FundApplication.objects.get(request=request).emergency is False
    assert request.due_at == _working_days_due(request)
    assert "emergency" not in TransitionLog.objects.get(request=request, transition="route_to_funding").data


def test_an_emergency_rejection_is_audited_as_one(net):
    request = _fast_tracked_application(net, "8000")

    transition_perform(request=request, transition="reject_funding", actor=net.mu, data={"reason": "Covered."})

    assert TransitionLog.objects.get(request=request, transition="reject_funding").data["emergency"] is True
