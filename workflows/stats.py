"""Aggregate figures for the steering committee and the management unit, computed by the database.

Nothing here returns a request's content: only counts, durations and averages, so the steering
committee's page can never show what a city wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
from workflows.lifecycle import TRIAGE
from workflows.models import TransitionLog
from workflows.selectors import overdue_requests

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
    # The period is read on created_at: with region and state it is in the (region, state, created_at)
    # index, so counting by hub and state never reads the table's wide rows.
    qs = SupportRequest.objects.filter(FILED).order_by()
    if period.start is not None:
        qs = qs.filter(created_at__gte=period.start)
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


def _sum_by(rows: list[dict[str, object]], key: str) -> dict[object, int]:
    totals: dict[object, int] = {}
    for row in rows:
        totals[row[key]] = totals.get(row[key], 0) + int(row["count"])
    return totals


def _ranked(totals: dict[object, int], labels: dict[object, str]) -> list[dict[str, object]]:
    rows = [{"label": labels.get(key, str(key)), "count": count} for key, count in totals.items()]
    return sorted(rows, key=lambda row: (-int(row["count"]), str(row["label"])))


def steering_figures(period: Period) -> SteeringFigures:

    # COUNT(*) rather than COUNT(id), and the (created_at, state, region, theme) index: both counts are read
    # from the index alone, on PostgreSQL too (which cannot count an id it has not fetched from the table).
    rows = list(_filed(period).values("region_id", "state").annotate(count=Count("*")))
    theme_rows = list(_filed(period).values("theme").annotate(count=Count("*")))
    regions = dict(Region.objects.values_list("pk", "name"))
    themes = {value: str(label) for value, label in SupportRequest._meta.get_field("theme").choices}
    states = {value: str(label) for value, label in RequestState.choices}
    by_state = _sum_by(rows, "state")
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
    return SteeringFigures(
        total=sum(by_state.values()),
        by_region=_ranked(_sum_by(rows, "region_id"), regions),
        by_theme=_ranked(_sum_by(theme_rows, "theme"), themes),
        # States in the lifecycle's order, so the table reads as the road a request travels.
        by_state=[{"label": states[value], "count": by_state[value]} for value in states if value in by_state],
        median_to_triage=median_duration(first_triage, "request__submitted_at", "created_at"),
        median_to_delivery=median_duration(delivered, "request__submitted_at", "created_at"),
        average_rating=float(rating["average"]) if rating["average"] is not None else None,
        evaluations=rating["count"],
    )


@dataclass
class HubRow:
    region: Region
    open_count: int = 0
    overdue_count: int = 0
    untriaged_count: int = 0
    funding_count: int = 0
    states: dict[str, int] = field(default_factory=dict)


def hub_overview() -> list[HubRow]:
    """Each hub with its open, overdue, untriaged and fund-pending counts.

    Two grouped queries: counts by hub and state (answered from the (region, state) index), and the
    workflow's overdue requests by hub.
    """

    rows = {region.pk: HubRow(region=region) for region in Region.objects.order_by("-is_active", "name")}
    closed = {*TERMINAL_STATES, RequestState.DRAFT}
    by_state = SupportRequest.objects.order_by().values("region_id", "state").annotate(count=Count("*"))
    for item in by_state:
        row = rows.get(item["region_id"])
        if row is None:
            continue
        row.states[item["state"]] = item["count"]
        if item["state"] not in closed:
            row.open_count += item["count"]
    overdue = overdue_requests().order_by().values("region_id").annotate(count=Count("*"))
    for item in overdue:
        if item["region_id"] in rows:
            rows[item["region_id"]].overdue_count = item["count"]
    for row in rows.values():
        row.untriaged_count = row.states.get(RequestState.SUBMITTED, 0)
        row.funding_count = row.states.get(RequestState.FUNDING_REVIEW, 0)
    return list(rows.values())
