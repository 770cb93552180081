"""A request's lifecycle milestones: its first triage decision and its delivery, and how long each took.

``perform`` stamps them as the moves happen (``milestones_stamp``); ``milestones_backfill`` derives them from
the audit trail for rows written another way (the migration that added them, the scale seeder). They exist
so that the steering committee's medians read one indexed column (``workflows.stats``).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import DurationField, ExpressionWrapper, F, OuterRef, QuerySet, Subquery

from helpdesk.models import RequestState, SupportRequest
from workflows.lifecycle import TRIAGE, TransitionSpec
from workflows.models import TransitionLog


def milestones_stamp(request: SupportRequest, spec: TransitionSpec, *, now: datetime) -> list[str]:
    """Set the milestones the move ``spec`` (already made on ``request``) reaches; returns the columns set.

    Only the first of each counts: a second triage decision (after the city answered a question) is not
    "time to triage", and a request is delivered once.
    """
    changed: list[str] = []
    if spec.name in TRIAGE and request.triaged_at is None:
        request.triaged_at = now
        request.time_to_triage = now - request.submitted_at if request.submitted_at else None
        changed += ["triaged_at", "time_to_triage"]
    if request.state == RequestState.DELIVERED and request.delivered_at is None:
        request.delivered_at = now
        request.time_to_delivery = now - request.submitted_at if request.submitted_at else None
        changed += ["delivered_at", "time_to_delivery"]
    return changed


def _since_submission(column: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(column) - F("submitted_at"), output_field=DurationField())


def milestones_backfill(requests: QuerySet[SupportRequest]) -> int:
    """Set the milestones of ``requests`` from their audit trails (three UPDATEs); returns how many rows."""
    trail = TransitionLog.objects.filter(request_id=OuterRef("pk")).order_by("seq").values("created_at")
    count = requests.update(
        triaged_at=Subquery(trail.filter(transition__in=TRIAGE)[:1]),
        delivered_at=Subquery(trail.filter(to_state=RequestState.DELIVERED)[:1]),
    )
    with_submission = requests.filter(submitted_at__isnull=False)
    with_submission.filter(triaged_at__isnull=False).update(time_to_triage=_since_submission("triaged_at"))
    with_submission.filter(delivered_at__isnull=False).update(time_to_delivery=_since_submission("delivered_at"))
    return count
