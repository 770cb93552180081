"""Follow-ups months after delivery: the desk asks the city whether the results are still there, reminds it,
tells the hub, and counts a follow-up nobody answered as missed; the city answers with the values still
standing and what changed.

The request's state stays as it is (delivered or closed). Which follow-up each move acts on comes from the
request's facts and the move's moment (``workflows.follow_ups``), the same reads the move's guard made, so a
move the job makes twice finds nothing left to do the second time and is refused before writing anything.
"""

from __future__ import annotations

from helpdesk.models import Sensitivity, SupportRequest
from workflows.follow_ups import Step, due_on, point_due, step_due
from workflows.models import FollowUp, OutcomeValue
from workflows.moves.base import Move
from workflows.moves.common import message_for_city
from workflows.moves.outcomes import outcome_values_record


def _record(move: Move, follow_up: FollowUp) -> None:
    move.record.update(follow_up=follow_up.pk, months=follow_up.months)


def _due(move: Move, step: Step) -> FollowUp:
    # The guard let the move through only if there is one.
    return next(f for f in move.facts.follow_ups if step_due(f, step, move.now))


def follow_up_open(request: SupportRequest, move: Move) -> None:
    """Ask the city: the follow-up at the latest point after delivery that has come."""
    assert request.delivered_at is not None  # the guard asked for a delivery date
    months = point_due(request.delivered_at, [f.months for f in move.facts.follow_ups], move.now)
    assert months is not None
    follow_up = FollowUp.objects.create(
        request_id=request.pk, months=months, due_on=due_on(request.delivered_at, months), opened_at=move.now
    )
    _record(move, follow_up)
    move.record["due_on"] = follow_up.due_on


def follow_up_remind(request: SupportRequest, move: Move) -> None:
    follow_up = _due(move, Step.REMIND)
    FollowUp.objects.filter(pk=follow_up.pk).update(reminded_at=move.now)
    _record(move, follow_up)


def follow_up_escalate(request: SupportRequest, move: Move) -> None:
    follow_up = _due(move, Step.ESCALATE)
    FollowUp.objects.filter(pk=follow_up.pk).update(escalated_at=move.now)
    _record(move, follow_up)


def follow_up_miss(request: SupportRequest, move: Move) -> None:
    """Count the follow-up as not answered: it closes without values (none is ever made up for it)."""
    follow_up = _due(move, Step.MISS)
    FollowUp.objects.filter(pk=follow_up.pk).update(status=FollowUp.Status.MISSED, closed_at=move.now)
    _record(move, follow_up)


def answer_follow_up(request: SupportRequest, move: Move) -> None:
    """The city's answer to the open follow-up: the values still standing (sustained) and what changed.

    What changed is posted on the request as a message to the city's channel, screened like every text the
    city writes: what looks like personal data is kept but restricted. The follow-up keeps its own copy for
    the reports only when nothing was found, so a restricted text never travels further than its message.
    """
    follow_up = move.facts.open_follow_up
    assert follow_up is not None  # the guard asked for one
    outcome_values_record(request, move, stage=OutcomeValue.Stage.SUSTAINED, follow_up=follow_up)
    message = message_for_city(request, move, "what_changed")
    restricted = message.sensitivity == Sensitivity.RESTRICTED
    follow_up.status = FollowUp.Status.ANSWERED
    follow_up.answered_at = follow_up.closed_at = move.now
    follow_up.answered_by = move.actor
    follow_up.what_changed = "" if restricted else move.data["what_changed"]
    follow_up.save(update_fields=["status", "answered_at", "closed_at", "answered_by", "what_changed"])
    _record(move, follow_up)
    move.record["message"] = message.pk
