"""The technical support fund: applying on the region's envelope, approving (four eyes), rejecting.

On the incident fast track an application up to ``FUND_EMERGENCY_CEILING`` is an emergency one
(``FundApplication.emergency``): its decision is due within ``WORKFLOW_INCIDENT_FUNDING_HOURS``, and one member of
the management unit decides it like any application up to the four-eyes threshold (above it, two still must).
Above the ceiling a fast-track request's application waits the fund's usual working days.

Money is committed by one conditional UPDATE (``committed + X <= amount``): of two approvals racing for
the last of an envelope, the database lets exactly one through, and its check constraint backs that up.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db.models import F
from django.utils.translation import gettext as _

from helpdesk.models import RequestState, SupportRequest
from workflows.calendar import fiscal_year_of
from workflows.errors import TransitionRefused
from workflows.models import FundApplication, FundEnvelope
from workflows.moves.base import Move
from workflows.moves.common import assignments_wind_up, delivery_date_agree
from workflows.moves.outcomes import outcomes_plan
from workflows.tally_grants import grant_tally_mark
from workflows.tally_outcomes import outcome_tally_mark


def four_eyes_threshold() -> Decimal:
    return Decimal(str(settings.FUND_FOUR_EYES_THRESHOLD))


def emergency_ceiling() -> Decimal:
    return Decimal(str(settings.FUND_EMERGENCY_CEILING))


def is_emergency(request: SupportRequest, amount: Decimal) -> bool:
    """Whether an application of ``amount`` on ``request`` is an emergency one: the request is on the incident
    fast track and the amount within the emergency ceiling."""
    return request.fast_tracked_at is not None and amount <= emergency_ceiling()


def _refuse(move: Move, message: str, code: str, field: str = "") -> TransitionRefused:
    return TransitionRefused(message, code=code, transition=move.spec.name, fields={field: message} if field else None)


def route_to_funding(request: SupportRequest, move: Move) -> None:
    data = move.data
    year = fiscal_year_of(move.now)
    envelope = FundEnvelope.objects.filter(region_id=request.region_id, fiscal_year=year).first()
    if envelope is None:
        raise _refuse(
            move,
            _("The fund has no envelope for this hub in fiscal year %(year)s; the management unit must set one up.")
            % {"year": year},
            "no_envelope",
        )
    if data["currency"] != envelope.currency:
        raise _refuse(
            move,
            _("This hub's envelope is in %(currency)s; apply in that currency.") % {"currency": envelope.currency},
            "currency_mismatch",
            "currency",
        )
    total = sum((Decimal(line["amount"]) for line in data["budget_lines"]), Decimal("0"))
    if total != data["amount"]:
        raise _refuse(
            move,
            _("The budget lines add up to %(total)s, not the %(amount)s asked.")
            % {"total": total, "amount": data["amount"]},
            "invalid_data",
            "budget_lines",
        )
    outcomes_plan(request, move)
    emergency = is_emergency(request, data["amount"])
    if request.fast_tracked_at is not None and not emergency:
        # Above the ceiling the fast track's hours do not reach the fund: its usual working days apply.
        move.fast_track = False
    application = FundApplication.objects.create(
        request_id=request.pk,
        envelope=envelope,
        amount_requested=data["amount"],
        currency=data["currency"],
        budget_lines=data["budget_lines"],
        strategic_priority=data["strategic_priority"],
        justification=data["justification"],
        recommended_by=move.actor,
        emergency=emergency,
    )
    if request.fast_tracked_at is not None:
        move.record["emergency"] = emergency
    move.record.update(
        application=application.pk,
        envelope=envelope.pk,
        fiscal_year=year,
        amount=str(application.amount_requested),
        currency=application.currency,
    )


def approve_funding(request: SupportRequest, move: Move) -> str:
    """Approve the pending application; above the four-eyes threshold the first approval only records itself.

    Returns the state the request ends in: still in funding review after a first approval, in delivery
    once the money is committed.
    """
    application = move.facts.pending_application
    assert application is not None  # the HAS_PENDING_APPLICATION guard ran before
    first = application.first_approver_id is not None
    amount: Decimal | None = move.data.get("amount_approved") or (
        application.amount_approved if first else application.amount_requested
    )
    # A first approval stores the amount it approved together with its approver (below).
    assert amount is not None
    if amount > application.amount_requested:
        raise _refuse(
            move,
            _("The amount approved cannot exceed the %(asked)s asked.") % {"asked": application.amount_requested},
            "amount_too_high",
            "amount_approved",
        )
    if first and amount != application.amount_approved:
        raise _refuse(
            move,
            _("The first approver approved %(amount)s; confirm that amount, or reject the application.")
            % {"amount": application.amount_approved},
            "amount_mismatch",
            "amount_approved",
        )
    envelope = FundEnvelope.objects.get(pk=application.envelope_id)
    if amount > envelope.remaining:
        raise _refuse(move, _remaining_message(envelope), "envelope_exhausted", "amount_approved")
    move.record.update(application=application.pk, envelope=envelope.pk, amount=str(amount), currency=envelope.currency)
    if application.emergency:
        move.record["emergency"] = True
    conditions = move.data.get("conditions", application.conditions)
    if not first and amount > four_eyes_threshold():
        FundApplication.objects.filter(pk=application.pk).update(
            first_approver=move.actor, amount_approved=amount, conditions=conditions
        )
        move.record["first_approval"] = True
        move.comment = "First of two approvals; another member of the management unit must confirm."
        return RequestState.FUNDING_REVIEW
    move.delivery_due = delivery_date_agree(request, move)
    committed = FundEnvelope.objects.filter(pk=envelope.pk, committed__lte=F("amount") - amount).update(
        committed=F("committed") + amount
    )
    if not committed:
        # Another approval spent the envelope between the check above and this update.
        envelope.refresh_from_db(fields=["committed"])
        raise _refuse(move, _remaining_message(envelope), "envelope_exhausted", "amount_approved")
    # The request's outcomes count again in the cells of the envelope that pays for it (a donor's grant report).
    grant_tally_mark(request, move)
    outcome_tally_mark(request, move)
    FundApplication.objects.filter(pk=application.pk).update(
        status=FundApplication.Status.APPROVED,
        amount_approved=amount,
        conditions=conditions,
        decided_by=move.actor,
        decided_at=move.now,
    )
    move.record["four_eyes"] = first
    return RequestState.IN_DELIVERY


def _remaining_message(envelope: FundEnvelope) -> str:
    return _("The envelope has %(remaining)s %(currency)s left for this fiscal year.") % {
        "remaining": envelope.remaining,
        "currency": envelope.currency,
    }


def reject_funding(request: SupportRequest, move: Move) -> None:
    application = move.facts.pending_application
    assert application is not None
    FundApplication.objects.filter(pk=application.pk).update(
        status=FundApplication.Status.REJECTED,
        decision_reason=move.data["reason"],
        decided_by=move.actor,
        decided_at=move.now,
    )
    move.record.update(application=application.pk, amount=str(application.amount_requested))
    if application.emergency:
        move.record["emergency"] = True
    assignments_wind_up(request, move)
