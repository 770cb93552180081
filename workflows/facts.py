"""What the lifecycle's checks and moves need to know about one request, each read at most once.

``available_transitions`` asks a dozen questions about the same request (who is assigned, is there a pending
fund application, who triaged it); a ``RequestFacts`` answers each with at most one query and keeps the
answer, so offering every button of a page costs a fixed number of queries whatever the request's history.
It is made by the caller for one look at the request (a page, a move) and passed along, never stored on the
request itself.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from helpdesk.models import SupportKind, SupportRequest
from workflows.models import (
    ExpertAssignment,
    FollowUp,
    FundApplication,
    OutcomeTarget,
    PeerIntroduction,
    TransitionLog,
)


@dataclass
class RequestFacts:
    request: SupportRequest
    # The moment a move happens at; scheduled tasks pass theirs so guards and deadlines agree.
    now: datetime | None = None
    _verdicts: dict[tuple[str, int | None], bool] = field(default_factory=dict, repr=False)
    _actors: dict[frozenset[str], frozenset[int]] = field(default_factory=dict, repr=False)

    @cached_property
    def assignments(self) -> list[ExpertAssignment]:
        """Every expert assignment of the request, oldest first, with the expert and whoever waived a declared
        conflict (pages name them)."""
        assignments = ExpertAssignment.objects.filter(request_id=self.request.pk)
        return list(assignments.select_related("expert", "waived_by").order_by("pk"))

    def assignment_of(self, user_id: int | None, statuses: Iterable[str]) -> ExpertAssignment | None:
        wanted = set(statuses)
        return next((a for a in self.assignments if a.expert_id == user_id and a.status in wanted), None)

    def has_assignment(self, status: str) -> bool:
        return any(a.status == status for a in self.assignments)

    @cached_property
    def introductions(self) -> list[PeerIntroduction]:
        """The request's peer introductions, oldest first (a peer exchange has one or two; other kinds none,
        and are not asked)."""
        return list(PeerIntroduction.objects.filter(request_id=self.request.pk).order_by("proposed_at", "pk"))

    @property
    def has_made_introduction(self) -> bool:
        """A peer exchange whose introduction both cities accepted: its support can start."""
        if self.request.kind != SupportKind.PEER_EXCHANGE:
            return False
        return any(i.status == PeerIntroduction.Status.MADE for i in self.introductions)

    @cached_property
    def applications(self) -> list[FundApplication]:
        """Every fund application of the request, oldest first, with its envelope (a request has one or two):
        the guards ask for the pending one, and the request's page shows them all from the same read."""
        return list(
            FundApplication.objects.filter(request_id=self.request.pk)
            # The people who decided are named on the request page (each decision with who and when).
            .select_related("envelope", "decided_by", "first_approver")
            .order_by("created_at", "pk")
        )

    @cached_property
    def pending_application(self) -> FundApplication | None:
        return next((a for a in self.applications if a.status == FundApplication.Status.PENDING), None)

    @cached_property
    def follow_ups(self) -> list[FollowUp]:
        """Every follow-up (or check-in) of the request, the earliest point first (one per point: two or three)."""
        return list(FollowUp.objects.filter(request_id=self.request.pk).order_by("months", "days", "pk"))

    @property
    def open_follow_up(self) -> FollowUp | None:
        """The follow-up the city is asked to answer now: the earliest still open."""
        return next((f for f in self.follow_ups if f.status == FollowUp.Status.OPEN), None)

    @cached_property
    def plans_outcomes(self) -> bool:
        """Whether the support aimed at key indicators (only then is the city asked months later, unless the
        request is on the incident fast track: its check-ins are asked all the same)."""
        return OutcomeTarget.objects.filter(request_id=self.request.pk).exists()

    def actor_ids_of(self, transitions: Collection[str]) -> frozenset[int]:
        """Everyone who made one of ``transitions`` on the request (read once per set of moves)."""
        key = frozenset(transitions)
        if key not in self._actors:
            self._actors[key] = frozenset(
                TransitionLog.objects.filter(request_id=self.request.pk, transition__in=sorted(key))
                .exclude(actor_id=None)
                .values_list("actor_id", flat=True)
                .distinct()
            )
        return self._actors[key]

    def verdict(self, key: str, user_id: int | None, decide: Callable[[], bool]) -> bool:
        """Memoise a yes/no about one person on this request (each rule is asked once per person)."""
        cache_key = (key, user_id)
        if cache_key not in self._verdicts:
            self._verdicts[cache_key] = bool(decide())
        return self._verdicts[cache_key]
