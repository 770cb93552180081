"""A request's lifecycle milestones: its first triage decision and its delivery, and how long each took.

``transition_perform`` stamps them as the moves happen (``milestones_stamp``); the migration that added them derived
them from the audit trail. They exist so that the steering committee's medians read one indexed column
(``workflows.stats``).
"""

from __future__ import annotations

from datetime import datetime

from helpdesk.models import RequestState, SupportRequest
from workflows.spec import TransitionSpec


def milestones_stamp(request: SupportRequest, spec: TransitionSpec, *, now: datetime) -> list[str]:
    """Set the milestones the move ``spec`` (already made on ``request``) reaches; returns the columns set.

    Only the first of each counts: a second triage decision (after the city answered a question) is not
    "time to triage", and a request is delivered once.
    """
    changed: list[str] = []
    if spec.triage and request.triaged_at is None:
        request.triaged_at = now
        request.time_to_triage = now - request.submitted_at if request.submitted_at else None
        changed += ["triaged_at", "time_to_triage"]
    if request.state == RequestState.DELIVERED and request.delivered_at is None:
        request.delivered_at = now
        request.time_to_delivery = now - request.submitted_at if request.submitted_at else None
        changed += ["delivered_at", "time_to_delivery"]
    return changed
