"""Aggregate figures for the steering committee and the management unit, computed by the database.

Nothing here returns a request's content: only counts, durations and averages, so the steering
committee's page can never show what a city wrote.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from django.core.cache import cache
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone, translation

from helpdesk.models import TERMINAL_STATES, Region, RequestState, SupportRequest, Theme, localized_name
from workflows.models import Evaluation
from workflows.selectors import overdue_requests

# A request counts once it was filed: drafts belong to their city only.
FILED = ~Q(state=RequestState.DRAFT)
_Key = TypeVar("_Key")  # what a table of figures is grouped by (a hub's id, a theme, a state)


@dataclass(frozen=True)
class Period:
    key: str
    start: datetime | None


PERIODS = ("12m", "year", "all")
# The figures are the same for everyone who may read them and move slowly: each process computes a period's
# at most this often (one grouped scan of a year's requests: 27 ms at 100,000 requests), and serves the copy
# meanwhile.
FIGURES_SECONDS = 300


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
    qs = SupportRequest.objects.filter(FILED).order_by()
    if period.start is not None:
        qs = qs.filter(created_at__gte=period.start)
    return qs


def median_duration(qs: QuerySet[SupportRequest], column: str) -> timedelta | None:
    """The median of the duration ``column`` over ``qs`` (rows without one left out), found by the database:
    a count, then the middle row or two in that column's order."""
    rows = qs.filter(**{f"{column}__isnull": False}).order_by()
    size = rows.count()
    if not size:
        return None
    middle = list(rows.order_by(column).values_list(column, flat=True)[(size - 1) // 2 : size // 2 + 1])
    return sum(middle, timedelta()) / len(middle)


def _ranked(totals: Mapping[_Key, int], labels: Mapping[_Key, str]) -> list[dict[str, object]]:
    rows = sorted(((labels.get(key, str(key)), count) for key, count in totals.items()), key=lambda r: (-r[1], r[0]))
    return [{"label": label, "count": count} for label, count in rows]


def steering_figures(period: Period) -> SteeringFigures:
    # One grouped count for the three tables (a few hundred groups; each table adds up its own), grouped in
    # the order of the (state, region, theme, created_at) index, which holds every column it reads.
    groups = _filed(period).values_list("state", "region_id", "theme").annotate(count=Count("*"))
    by_region: dict[int, int] = defaultdict(int)
    by_state: dict[str, int] = defaultdict(int)
    by_theme: dict[str, int] = defaultdict(int)
    for state, region_id, theme, count in groups:
        by_region[region_id] += count
        by_state[state] += count
        by_theme[theme] += count
    hubs = Region.objects.values_list("pk", "name", "name_fr", "name_ar")
    regions = {pk: localized_name(*names) for pk, *names in hubs}  # in the reader's language
    themes = {value: str(label) for value, label in Theme.choices}
    states = {value: str(label) for value, label in RequestState.choices}
    # The first triage decision and the delivery are stamped on the request by the lifecycle
    # (``workflows.milestones``); the period is read on when they happened.
    triaged = SupportRequest.objects.all()
    delivered = SupportRequest.objects.all()
    evaluations = Evaluation.objects.all()
    if period.start is not None:
        triaged = triaged.filter(triaged_at__gte=period.start)
        delivered = delivered.filter(delivered_at__gte=period.start)
        evaluations = evaluations.filter(created_at__gte=period.start)
    rating = evaluations.aggregate(average=Avg("rating"), count=Count("*"))
    return SteeringFigures(
        total=sum(by_state.values()),
        by_region=_ranked(by_region, regions),
        by_theme=_ranked(by_theme, themes),
        # States in the lifecycle's order, so the table reads as the road a request travels.
        by_state=[{"label": states[value], "count": by_state[value]} for value in states if value in by_state],
        median_to_triage=median_duration(triaged, "time_to_triage"),
        median_to_delivery=median_duration(delivered, "time_to_delivery"),
        average_rating=float(rating["average"]) if rating["average"] is not None else None,
        evaluations=rating["count"],
    )


def steering_figures_recent(period_key: str) -> tuple[Period, SteeringFigures]:
    """A period's steering figures, at most ``FIGURES_SECONDS`` old (computed once per period and language:
    the tables' labels are translated and ranked in the reader's language)."""
    key = f"workflows:steering-figures:v1:{period_key}:{translation.get_language()}"
    kept = cache.get(key)
    if kept is None:
        period = period_for(period_key)
        kept = (period, steering_figures(period))
        cache.set(key, kept, FIGURES_SECONDS)
    return kept


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
