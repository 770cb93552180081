"""What the lifecycle's guards and rules need to know about one request, read once per request object.

``available_transitions`` asks a dozen questions about the same request (who is assigned, is there a
pending fund application, who triaged it); each is answered by at most one query, cached on the
request instance, so the number of queries stays fixed whatever the request's history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from functools import cached_property

from helpdesk.models import SupportRequest
from workflows.lifecycle import TRIAGE
from workflows.models import ExpertAssignment, FundApplication

_CACHE = "_workflow_facts"


class RequestFacts:
    def __init__(self, request: SupportRequest) -> None:
        self.request = request
        # The moment a move happens at; scheduled tasks pass theirs so guards and deadlines agree.
        self.now: datetime | None = None
        self._verdicts: dict[tuple[str, int | None], bool] = {}

    @cached_property
    def assignments(self) -> list[ExpertAssignment]:
        return list(ExpertAssignment.objects.filter(request_id=self.request.pk).order_by("pk"))

    def assignment_of(self, user_id: int | None, statuses: Iterable[str]) -> ExpertAssignment | None:
        wanted = set(statuses)
        return next((a for a in self.assignments if a.expert_id == user_id and a.status in wanted), None)

    def has_assignment(self, status: str) -> bool:
        return any(a.status == status for a in self.assignments)

    @cached_property
    def applications(self) -> list[FundApplication]:
        """Every fund application of the request, oldest first, with its envelope (a request has one or two):
        the guards ask for the pending one, and the request's page shows them all from the same read."""
        return list(
            FundApplication.objects.filter(request_id=self.request.pk)
            .select_related("envelope")
            .order_by("created_at", "pk")
        )

    @cached_property
    def pending_application(self) -> FundApplication | None:
        return next((a for a in self.applications if a.status == FundApplication.Status.PENDING), None)

    @cached_property
    def triager_ids(self) -> frozenset[int]:
        """Everyone who made a hub triage decision on the request, or recommended its fund application."""
        from workflows.models import TransitionLog

        ids = set(
            TransitionLog.objects.filter(request_id=self.request.pk, transition__in=TRIAGE, actor__isnull=False)
            .values_list("actor_id", flat=True)
            .distinct()
        )
        application = self.pending_application
        if application is not None and application.recommended_by_id:
            ids.add(application.recommended_by_id)
        return frozenset(ids)

    def verdict(self, key: str, user_id: int | None, decide: Callable[[], bool]) -> bool:
        """Memoise a yes/no about one person on this request (rules are asked once per person)."""
        cache_key = (key, user_id)
        if cache_key not in self._verdicts:
            self._verdicts[cache_key] = bool(decide())
        return self._verdicts[cache_key]


def facts_of(request: SupportRequest) -> RequestFacts:
    facts = request.__dict__.get(_CACHE)
    if facts is None:
        facts = RequestFacts(request)
        request.__dict__[_CACHE] = facts
    return facts


def facts_forget(request: SupportRequest) -> None:
    request.__dict__.pop(_CACHE, None)
