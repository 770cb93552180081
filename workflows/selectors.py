"""Reads of the lifecycle: late requests, the fund's queue and balances, experts' load, a request's history.

Each returns a queryset or a list built in a fixed number of queries; callers scope what they show with
``helpdesk.selectors.visible_requests``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from helpdesk.models import TERMINAL_STATES, Region, Role, SupportRequest, User
from helpdesk.prepared import PreparedRead
from helpdesk.selectors import PERSON_NAME
from workflows.deadlines import fiscal_year_of
from workflows.facts import facts_of
from workflows.models import ExpertAssignment, FundApplication, FundEnvelope, TransitionLog

MONEY = DecimalField(max_digits=12, decimal_places=2)


def current_fiscal_year(now: datetime | None = None) -> int:
    return fiscal_year_of(now or timezone.now())


def overdue_requests(*, region: Region | int | None = None, now: datetime | None = None) -> QuerySet[SupportRequest]:
    """Requests waiting past their step's deadline, most overdue first (optionally one hub's)."""
    qs = (
        SupportRequest.objects.filter(due_at__lt=now or timezone.now())
        .exclude(state__in=TERMINAL_STATES)
        .select_related("city", "region", "owner")
        .order_by("due_at", "pk")
    )
    if region is not None:
        qs = qs.filter(region_id=getattr(region, "pk", region))
    return qs


def _remaining() -> ExpressionWrapper:
    return ExpressionWrapper(F("amount") - F("committed"), output_field=MONEY)


def pending_applications() -> QuerySet[FundApplication]:
    """Applications awaiting a decision, oldest first."""
    return FundApplication.objects.filter(status=FundApplication.Status.PENDING).order_by("created_at", "pk")


def fund_queue() -> QuerySet[FundApplication]:
    """Applications awaiting a decision, oldest first, each with its envelope's balance computed in SQL."""
    return (
        pending_applications()
        .select_related("request", "request__city", "request__region", "envelope", "recommended_by", "first_approver")
        .annotate(
            envelope_amount=F("envelope__amount"),
            envelope_committed=F("envelope__committed"),
            envelope_remaining=ExpressionWrapper(F("envelope__amount") - F("envelope__committed"), output_field=MONEY),
        )
        .order_by("created_at", "pk")
    )


def envelope_balances(fiscal_year: int) -> QuerySet[FundEnvelope]:
    """Each region's envelope for ``fiscal_year``: amount, committed, remaining, and what pending asks total.

    The pending applications are joined on their status (not filtered inside the sums): the join reads the
    (envelope, status, amount) index for the few pending ones instead of every application of the year.
    """
    pending = FilteredRelation("applications", condition=Q(applications__status=FundApplication.Status.PENDING))
    return (
        FundEnvelope.objects.filter(fiscal_year=fiscal_year)
        .select_related("region")
        .annotate(pending_applications=pending)
        .annotate(
            remaining_amount=_remaining(),
            pending_total=Coalesce(Sum("pending_applications__amount_requested"), Value(0), output_field=MONEY),
            pending_count=Count("pending_applications"),
        )
        .order_by("region__name")
    )


def assignments_for_expert(user: User) -> QuerySet[ExpertAssignment]:
    """An expert's inbox: their assignments, proposals awaiting an answer first, then accepted, then the rest."""
    order = {
        ExpertAssignment.Status.PROPOSED: 0,
        ExpertAssignment.Status.ACCEPTED: 1,
        ExpertAssignment.Status.COMPLETED: 2,
        ExpertAssignment.Status.DECLINED: 3,
    }
    rank = Case(*(When(status=s, then=Value(n)) for s, n in order.items()), output_field=IntegerField())
    return (
        ExpertAssignment.objects.filter(expert=user)
        .select_related("request", "request__city", "request__region")
        .annotate(rank=rank)
        .order_by("rank", "-created_at", "-pk")
    )


def expert_load() -> QuerySet[User]:
    """Every expert with their active assignments (``active``) and capacity (``capacity``), in one query."""
    return (
        User.objects.filter(groups__name=Role.EXPERT, expert_profile__isnull=False)
        .annotate(
            active=Count("assignments", filter=Q(assignments__status__in=ExpertAssignment.ACTIVE), distinct=True),
            capacity=F("expert_profile__max_concurrent_assignments"),
        )
        .order_by("last_name", "first_name", "pk")
    )


def transition_history(request: SupportRequest) -> QuerySet[TransitionLog]:
    """The request's audit trail, oldest first, with the people who acted."""
    return TransitionLog.objects.filter(request_id=request.pk).select_related("actor").order_by("seq")


@dataclass(frozen=True)
class TrailLine:
    """One move of a request's trail, as its page shows it."""

    transition: str
    to_state: str
    created_at: datetime
    comment: str
    actor: str | None  # the person's name; None for the desk's own moves


ACTOR_NAME = tuple(f"actor__{name}" for name in PERSON_NAME)
ASSIGNMENT_LINE = ("status", "has_conflict", "conflict_of_interest", "decline_reason",
                   *(f"expert__{name}" for name in PERSON_NAME))  # fmt: skip
_ASSIGNMENT_LINES = PreparedRead(
    "assignment-lines",
    lambda request_id: (
        ExpertAssignment.objects.filter(request_id=request_id)
        .order_by("created_at", "pk")
        .values_list(*ASSIGNMENT_LINE)
    ),
)


def assignment_lines(request: SupportRequest) -> list[tuple[Any, ...]]:
    """Every expert assignment of ``request``, oldest first, as ``ASSIGNMENT_LINE`` tuples (for overseers)."""
    return _ASSIGNMENT_LINES.rows(request_id=request.pk)


# Read on every request page: a prepared read (``helpdesk.prepared``).
_TRAIL_LINES = PreparedRead(
    "trail-lines",
    lambda request_id: (
        TransitionLog.objects.filter(request_id=request_id)
        .order_by("seq")
        .values_list("transition", "to_state", "created_at", "comment", "actor_id", *ACTOR_NAME)
    ),
)


def trail_lines(request: SupportRequest) -> list[TrailLine]:
    """The request's audit trail, oldest first, read as the few columns its page shows."""
    return [
        TrailLine(transition, to_state, at, comment, User.display_name(*names) if actor_id is not None else None)
        for transition, to_state, at, comment, actor_id, *names in _TRAIL_LINES.rows(request_id=request.pk)
    ]


# The move that opens a fund application (``workflows.moves.funding``).
TO_THE_FUND = "route_to_funding"


def fund_applications_on_trail(request: SupportRequest, trail: list[TrailLine]) -> list[FundApplication]:
    """The fund applications of ``request`` (with their envelope), read only when its ``trail`` went through
    the fund: only that move opens one, and most requests never take it. The read is the one the lifecycle's
    guards make (``workflows.facts``), so a page that also offers the moves pays for it once."""
    if not any(line.transition == TO_THE_FUND for line in trail):
        return []
    return facts_of(request).applications
