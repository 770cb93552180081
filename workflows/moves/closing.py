"""The end of the road: delivery reported, the city's evaluation, the desk closing what nobody evaluated."""

from __future__ import annotations

from helpdesk.models import SupportRequest
from workflows.models import DeliveryReport, Evaluation, OutcomeValue
from workflows.moves.base import Move
from workflows.moves.common import assignments_wind_up
from workflows.moves.outcomes import outcome_values_record
from workflows.tally_outcomes import outcome_tally_mark


def report_delivery(request: SupportRequest, move: Move) -> None:
    report = DeliveryReport.objects.create(request_id=request.pk, author=move.actor, report=move.data["report"])
    move.record["report"] = report.pk
    outcome_values_record(request, move, stage=OutcomeValue.Stage.DELIVERED)
    assignments_wind_up(request, move)


def evaluate(request: SupportRequest, move: Move) -> None:
    data = move.data
    outcome_tally_mark(request, move)
    evaluation = Evaluation.objects.create(
        request_id=request.pk,
        author=move.actor,
        rating=data["rating"],
        outcomes=data["outcomes"],
        would_recommend=data["would_recommend"],
        comments=data.get("comments", ""),
    )
    move.record.update(evaluation=evaluation.pk, rating=evaluation.rating, would_recommend=evaluation.would_recommend)
    outcome_values_record(request, move, stage=OutcomeValue.Stage.CONFIRMED)


def auto_close(request: SupportRequest, move: Move) -> None:
    move.comment = "Closed by the desk: the evaluation period ended without an evaluation."
