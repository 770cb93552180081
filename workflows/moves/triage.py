"""The city's and the hub's moves around triage: submit, questions and answers, decline, withdraw."""

from __future__ import annotations

from helpdesk.models import SupportRequest
from workflows.moves.base import Move
from workflows.moves.common import assignments_wind_up, pending_application_close, post_for_city


def submit(request: SupportRequest, move: Move) -> None:
    if request.submitted_at is None:
        request.submitted_at = move.now
        move.changed.add("submitted_at")
    if request.submitted_by_id is None:
        request.submitted_by = move.actor
        move.changed.add("submitted_by")
    if request.fast_tracked_at is not None:
        # Filed after an incident (``workflows.incidents``): its first deadline counts in hours.
        move.record["fast_track"] = True


def request_info(request: SupportRequest, move: Move) -> None:
    move.record["message"] = post_for_city(request, move, "question")


def provide_info(request: SupportRequest, move: Move) -> None:
    move.record["message"] = post_for_city(request, move, "answer")


def answer_directly(request: SupportRequest, move: Move) -> None:
    move.record["message"] = post_for_city(request, move, "answer")


def decline(request: SupportRequest, move: Move) -> None:
    move.record["message"] = post_for_city(request, move, "reason")
    assignments_wind_up(request, move)


def withdraw(request: SupportRequest, move: Move) -> None:
    assignments_wind_up(request, move)
    pending_application_close(request, move)
