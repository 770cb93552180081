"""Reads of the experts' assignments on requests: an expert's inbox, the lines those who oversee a request read
(with a declared conflict, its waiver or its end), the acceptances awaiting the hub lead's decision, and whom the
hub may share a city file with. ``workflows.selectors`` lists them with its other reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, IntegerField, QuerySet, Value, When

from helpdesk.models import SupportRequest, User
from workflows.facts import RequestFacts
from workflows.models import ExpertAssignment


def assignments_for_expert(user: User) -> QuerySet[ExpertAssignment]:
    """An expert's inbox: their assignments, proposals awaiting an answer first, then acceptances awaiting the hub
    lead's decision on a declared conflict, then accepted, then the rest."""
    order = {
        ExpertAssignment.Status.PROPOSED: 0,
        ExpertAssignment.Status.CONFLICT: 1,
        ExpertAssignment.Status.ACCEPTED: 2,
        ExpertAssignment.Status.COMPLETED: 3,
        ExpertAssignment.Status.DECLINED: 4,
    }
    rank = Case(*(When(status=s, then=Value(n)) for s, n in order.items()), output_field=IntegerField())
    return (
        ExpertAssignment.objects.filter(expert=user)
        .select_related("request", "request__city", "request__region")
        .annotate(rank=rank)
        .order_by("rank", "-created_at", "-pk")
    )


@dataclass(frozen=True)
class AssignmentLine:
    """An expert's assignment on a request, as those who oversee it read it."""

    expert: str
    expert_id: int
    status: str
    has_conflict: bool
    conflict_of_interest: str
    decline_reason: str
    pk: int = 0
    # The hub lead's waiver of the declared conflict: why, by whom (their name), when.
    waiver_reason: str = ""
    waived_by: str = ""
    waived_at: datetime | None = None

    @property
    def status_label(self) -> str:
        return str(ExpertAssignment.Status(self.status).label)

    @property
    def awaits_decision(self) -> bool:
        """The expert declared a conflict when accepting: the hub lead waives it or asks someone else."""
        return self.status == ExpertAssignment.Status.CONFLICT

    @property
    def released(self) -> bool:
        """The acceptance ended over the conflict the expert declared (they had answered, and were not waived)."""
        return self.status == ExpertAssignment.Status.DECLINED and self.has_conflict and not self.decline_reason


def assignment_lines(request: SupportRequest, *, facts: RequestFacts | None = None) -> list[AssignmentLine]:
    """Every expert assignment of ``request``, oldest first (for those who oversee it); ``facts``: what the
    caller already read of the request."""
    facts = facts or RequestFacts(request)
    return [
        AssignmentLine(
            str(a.expert),
            a.expert_id,
            a.status,
            a.has_conflict,
            a.conflict_of_interest,
            a.decline_reason,
            pk=a.pk,
            waiver_reason=a.waiver_reason,
            waived_by=str(a.waived_by) if a.waived_by is not None else "",
            waived_at=a.waived_at,
        )
        for a in facts.assignments
    ]


def conflicted_assignments(request: SupportRequest, *, facts: RequestFacts | None = None) -> list[tuple[int, str]]:
    """The request's assignments whose expert declared a conflict when accepting and awaits the hub lead's
    decision, as (id, the expert's name): what the lead's moves on them offer."""
    facts = facts or RequestFacts(request)
    return [(a.pk, str(a.expert)) for a in facts.assignments if a.status == ExpertAssignment.Status.CONFLICT]


def accepted_experts(request: SupportRequest) -> list[User]:
    """The experts who accepted an assignment on ``request`` (and have not completed it), by name: whom the hub
    may share a city file with."""
    return list(
        User.objects.filter(assignments__request_id=request.pk, assignments__status=ExpertAssignment.Status.ACCEPTED)
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )
