"""Follow-ups after delivery: the desk asks the city whether the results are still there (or, on the incident
fast track, how it is recovering after the incident), reminds it, tells the hub, and counts a follow-up nobody
answered as missed; the city answers with the values still standing and what changed (a check-in: how the city
is doing and what it still needs).

The outcome follow-ups and the check-ins after an incident are moves of their own (their words differ, in the
desk and by e-mail) made by the same handlers: which kind a request gets is ``workflows.follow_ups.kind_of``,
which the moves' guards check first.

The request's state stays as it is (delivered or closed). Which follow-up each move acts on comes from the
request's facts and the move's moment (``workflows.follow_ups``), the same reads the move's guard made, so a
move the job makes twice finds nothing left to do the second time and is refused before writing anything.
"""

from __future__ import annotations

from helpdesk.models import Sensitivity, SupportRequest
from workflows.follow_ups import Kind, Step, due_on, kind_of, next_point, point_of, step_due
from workflows.models import FollowUp, OutcomeValue
from workflows.moves.base import Move
from workflows.moves.common import message_for_city
from workflows.moves.outcomes import outcome_values_record
from workflows.tally_outcomes import outcome_tally_mark


def _record(move: Move, follow_up: FollowUp) -> None:
    move.record.update(follow_up=follow_up.pk, months=follow_up.months)
    if follow_up.days:
        move.record["days"] = follow_up.days
    if follow_up.kind == Kind.INCIDENT:
        move.record["kind"] = follow_up.kind


def _due(move: Move, step: Step) -> FollowUp:
    # The guard let the move through only if there is one.
    return next(f for f in move.facts.follow_ups if step_due(f, step, move.now))


def follow_up_open(request: SupportRequest, move: Move) -> None:
    """Ask the city: the follow-up (a check-in, on the fast track) at the latest point after delivery that has
    come."""
    assert request.delivered_at is not None  # the guard asked for a delivery date
    kind = kind_of(request)
    point = next_point(request.delivered_at, [point_of(f) for f in move.facts.follow_ups], move.now, kind)
    assert point is not None
    outcome_tally_mark(request, move)
    follow_up = FollowUp.objects.create(
        request_id=request.pk,
        kind=kind,
        months=point.months,
        days=point.days,
        due_on=due_on(request.delivered_at, point),
        opened_at=move.now,
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
    outcome_tally_mark(request, move)
    FollowUp.objects.filter(pk=follow_up.pk).update(status=FollowUp.Status.MISSED, closed_at=move.now)
    _record(move, follow_up)


def _answered(request: SupportRequest, move: Move, follow_up: FollowUp, fields: dict[str, str]) -> None:
    """Close ``follow_up`` as answered, posting each text ``fields`` names (data field → the follow-up's column)
    on the request as a message to the city's channel, screened like every text the city writes: what looks
    like personal data is kept but restricted. The follow-up keeps its own copy for the reports only when
    nothing was found, so a restricted text never travels further than its message."""
    messages = []
    for field, column in fields.items():
        if not move.data.get(field):
            continue
        message = message_for_city(request, move, field)
        messages.append(message.pk)
        restricted = message.sensitivity == Sensitivity.RESTRICTED
        setattr(follow_up, column, "" if restricted else move.data[field])
    outcome_tally_mark(request, move)
    follow_up.status = FollowUp.Status.ANSWERED
    follow_up.answered_at = follow_up.closed_at = move.now
    follow_up.answered_by = move.actor
    follow_up.save(update_fields=["status", "answered_at", "closed_at", "answered_by", "what_changed", "still_needed"])
    _record(move, follow_up)
    move.record["message"] = messages[0]
    if len(messages) > 1:
        move.record["messages"] = messages


def answer_follow_up(request: SupportRequest, move: Move) -> None:
    """The city's answer to the open follow-up: the values still standing (sustained) and what changed."""
    follow_up = move.facts.open_follow_up
    assert follow_up is not None  # the guard asked for one
    outcome_values_record(request, move, stage=OutcomeValue.Stage.SUSTAINED, follow_up=follow_up)
    _answered(request, move, follow_up, {"what_changed": "what_changed"})


def answer_check_in(request: SupportRequest, move: Move) -> None:
    """The city's answer to the open check-in after the incident: how it is doing (kept as what changed), what
    it still needs, and the values of the planned indicators if there are any."""
    follow_up = move.facts.open_follow_up
    assert follow_up is not None  # the guard asked for one
    outcome_values_record(request, move, stage=OutcomeValue.Stage.SUSTAINED, follow_up=follow_up)
    _answered(request, move, follow_up, {"recovery": "what_changed", "still_needed": "still_needed"})
