"""Aggregate figures for the steering committee and the management unit, computed by the database.

Nothing here returns a request's content: only counts, durations and averages, so the steering
committee's page can never show what a city wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from helpdesk.models import TERMINAL_STATES, Evaluation, Region, RequestState, SupportRequest

# A request counts once it was filed: drafts belong to their city only.
FILED = ~Q(state=RequestState.DRAFT)


@dataclass(frozen=True)
class Period:
    key: str
    start: datetime | None


def period_for(key: str, *, now: datetime | None = None) -> Period:
    now = now or timezone.now()
    if key == "all":
        return Period("all", None)
    if key == "year":
        return Period("year", now.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0))
    return Period("12m", now - timedelta(days=365))


@dataclass
class SteeringFigures:
    total: int
    by_region: list[dict[str, object]]
    by_theme: list[dict[str, object]]
    by_state: list[dict[str, object]]
    median_to_triage: timedelta | None
    median_to_delivery: timedelta | None
    average_rating: float | None
    evaluations: int


def _filed(period: Period) -> QuerySet[SupportRequest]:
    qs = SupportRequest.objects.filter(FILED)
    if period.start is not None:
        qs = qs.filter(submitted_at__gte=period.start)
    return qs


def median_duration(qs: QuerySet, start: str, end: str) -> timedelta | None:
    """The median of ``end - start`` over ``qs``, found by the database (one query, two rows back)."""
    ranked = (
        qs.annotate(duration=ExpressionWrapper(F(end) - F(start), output_field=DurationField()))
        .filter(duration__isnull=False)
        .annotate(
            position=Window(RowNumber(), order_by=F("duration").asc()),
            size=Window(Count("pk")),
        )
        # The middle row, or the two middle rows when the count is even.
        .filter(Q(position=(F("size") + 1) / 2) | Q(position=(F("size") + 2) / 2))
        .values_list("duration", flat=True)
    )
    values = list(ranked)
    if not values:
        return None
    return sum(values, timedelta()) / len(values)


def steering_figures(period: Period) -> SteeringFigures:
    from workflows.lifecycle import TRIAGE
    from workflows.models import TransitionLog

    filed = _filed(period)
    by_region = list(filed.values("region__name").annotate(count=Count("pk")).order_by("-count", "region__name"))
    by_theme = list(filed.values("theme").annotate(count=Count("pk")).order_by("-count", "theme"))
    by_state = list(filed.values("state").annotate(count=Count("pk")).order_by("state"))
    logs = TransitionLog.objects.filter(request__submitted_at__isnull=False)
    if period.start is not None:
        logs = logs.filter(created_at__gte=period.start)
    # The first triage decision of each request; a later one (after the city answered) is not "time to triage".
    earlier_triage = TransitionLog.objects.filter(
        request_id=OuterRef("request_id"), transition__in=TRIAGE, seq__lt=OuterRef("seq")
    )
    first_triage = logs.filter(transition__in=TRIAGE).filter(~Exists(earlier_triage))
    delivered = logs.filter(to_state=RequestState.DELIVERED)
    evaluations = Evaluation.objects.all()
    if period.start is not None:
        evaluations = evaluations.filter(created_at__gte=period.start)
    rating = evaluations.aggregate(average=Avg("rating"), count=Count("pk"))
    label = {"theme": dict(SupportRequest._meta.get_field("theme").choices)}
    states = dict(RequestState.choices)
    return SteeringFigures(
        total=sum(row["count"] for row in by_state),
        by_region=[{"label": r["region__name"], "count": r["count"]} for r in by_region],
        by_theme=[{"label": label["theme"].get(r["theme"], r["theme"]), "count": r["count"]} for r in by_theme],
        by_state=[{"label": states.get(r["state"], r["state"]), "count": r["count"]} for r in by_state],
        median_to_triage=median_duration(first_triage, "request__submitted_at", "created_at"),
        median_to_delivery=median_duration(delivered, "request__submitted_at", "created_at"),
        average_rating=float(rating["average"]) if rating["average"] is not None else None,
        evaluations=rating["count"],
    )


def hub_overview(*, now: datetime | None = None) -> list[Region]:
    """Each hub with its open, overdue, untriaged, unowned and fund-pending counts (one grouped query)."""
    now = now or timezone.now()
    open_q = Q(requests__state__in=[s for s in RequestState.values if s not in TERMINAL_STATES and s != "draft"])
    return list(
        Region.objects.annotate(
            open_count=Count("requests", filter=open_q),
            overdue_count=Count("requests", filter=open_q & Q(requests__due_at__lt=now)),
            untriaged_count=Count("requests", filter=Q(requests__state=RequestState.SUBMITTED)),
            unowned_count=Count("requests", filter=open_q & Q(requests__owner__isnull=True)),
            funding_count=Count("requests", filter=Q(requests__state=RequestState.FUNDING_REVIEW)),
        ).order_by("-is_active", "name")
    )
