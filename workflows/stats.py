"""Aggregate figures for the steering committee and the management unit, computed by the database.

Nothing here returns a request's content: only counts, durations, averages and fund totals, so the steering
committee's page can never show what a city wrote. The steering committee's copy is also *suppressed*
(``figures_suppressed``): a count below ``SMALL_COUNT`` is replaced by "fewer than 5", so that no figure points
at one city (a hub with two requests on a theme is, in practice, a named city).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from django.core.cache import cache
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from helpdesk.models import (
    TERMINAL_STATES,
    Region,
    RequestState,
    StrategicPriority,
    SupportRequest,
    Theme,
    localized_name,
)
from workflows.models import FundEnvelope, GrantTally
from workflows.selectors import current_fiscal_year, overdue_requests
from workflows.tally import Measure, month_of, tally_by_month, tally_sums
from workflows.tally_outcomes import ratings

# A request counts once it was filed: drafts belong to their city only.
FILED = ~Q(state=RequestState.DRAFT)
_Key = TypeVar("_Key")  # what a table of figures is grouped by (a hub's id, a theme, a state)
# Below this many, a count on the steering committee's page reads "fewer than 5" (see the module's docstring).
SMALL_COUNT = 5
# The trend charts cover this many calendar months, the current one included.
TREND_MONTHS = 12


@dataclass(frozen=True)
class Period:
    key: str
    start: datetime | None


PERIODS = ("12m", "year", "all")
# The figures are the same for everyone who may read them and move slowly: each process computes a period's
# at most this often (from the tally: a few hundred rows whatever the number of requests), and serves the copy
# meanwhile.
FIGURES_SECONDS = 300


def period_for(key: str, *, now: datetime | None = None) -> Period:
    now = now or timezone.now()
    if key == "all":
        return Period("all", None)
    if key == "year":
        return Period("year", datetime(_month_starts(now)[-1].year, 1, 1, tzinfo=timezone.get_default_timezone()))
    # The twelve calendar months of the trend chart, this one included (the tally counts by month).
    months = _month_starts(now)
    return Period("12m", datetime(months[0].year, months[0].month, 1, tzinfo=timezone.get_default_timezone()))


@dataclass(frozen=True)
class FigureRow:
    """One line of a table of figures. ``count`` None: suppressed (fewer than ``SMALL_COUNT``).
    ``key``: what the line groups by (a hub's id, a theme, a priority), for a link to the matching queue."""

    label: str
    count: int | None
    key: str = ""


@dataclass(frozen=True)
class MonthRow:
    month: date  # the first day of the month
    filed: int | None
    closed: int | None


@dataclass(frozen=True)
class FundRow:
    """A hub's fund envelope for the current fiscal year and what is committed from it.
    ``committed`` None: suppressed (fewer than ``SMALL_COUNT`` grants make it up)."""

    region_id: int
    label: str
    currency: str
    envelope: Decimal
    committed: Decimal | None
    grants: int | None


@dataclass
class SteeringFigures:
    total: int | None
    by_region: list[FigureRow]
    by_theme: list[FigureRow]
    by_state: list[FigureRow]
    median_to_triage: timedelta | None
    median_to_delivery: timedelta | None
    average_rating: float | None
    evaluations: int | None
    by_priority: list[FigureRow] = field(default_factory=list)
    by_month: list[MonthRow] = field(default_factory=list)
    fund: list[FundRow] = field(default_factory=list)
    fiscal_year: int | None = None
    # How many durations each median is taken over (a median of fewer than five is one city's wait).
    triaged: int = 0
    delivered: int = 0
    suppressed: bool = False
    computed_at: datetime | None = field(
        default=None, compare=False
    )  # which computation these are (the pages keep what they draw from it)


def median_duration(qs: QuerySet[SupportRequest], column: str) -> timedelta | None:
    """The median of the duration ``column`` over ``qs`` (rows without one left out), found by the database:
    a count, then the middle row or two in that column's order."""
    return _median(qs, column)[0]


def median_and_count(qs: QuerySet[SupportRequest], column: str) -> tuple[timedelta | None, int]:
    """``median_duration`` and how many durations it is taken over (a median of fewer than five is hidden)."""
    return _median(qs, column)


def _median(qs: QuerySet[SupportRequest], column: str) -> tuple[timedelta | None, int]:
    rows = qs.filter(**{f"{column}__isnull": False}).order_by()
    size = rows.count()
    if not size:
        return None, 0
    middle = list(rows.order_by(column).values_list(column, flat=True)[(size - 1) // 2 : size // 2 + 1])
    return sum(middle, timedelta()) / len(middle), size


def _ranked(totals: Mapping[_Key, int], labels: Mapping[_Key, str]) -> list[FigureRow]:
    rows = sorted(
        ((labels.get(key, str(key)), count, str(key)) for key, count in totals.items()), key=lambda r: (-r[1], r[0])
    )
    return [FigureRow(label, count, key) for label, count, key in rows]


def _month_starts(now: datetime) -> list[date]:
    local = timezone.localtime(now, timezone.get_default_timezone())  # the desk's months, as the tally counts
    year, month = local.year, local.month
    starts = []
    for _ in range(TREND_MONTHS):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def _by_month(now: datetime) -> list[MonthRow]:
    """Requests filed and closed in each of the last ``TREND_MONTHS`` months, from the tally."""
    months = _month_starts(now)
    filed_in, closed_in = tally_by_month(since=months[0])
    return [MonthRow(month, filed_in.get(month, 0), closed_in.get(month, 0)) for month in months]


def _fund(fiscal_year: int, regions: Mapping[int, str]) -> list[FundRow]:
    """Each hub's envelope for ``fiscal_year`` with its committed total and how many grants make it up."""
    # The grants from the grant tally (a row per envelope and priority), not a count of the year's applications.
    grants = GrantTally.objects.filter(envelope=OuterRef("pk")).order_by().values("envelope").annotate(n=Sum("grants"))
    envelopes = (
        FundEnvelope.objects.filter(fiscal_year=fiscal_year)
        .order_by()
        .annotate(grants=Coalesce(Subquery(grants.values("n")), 0))
        .values_list("region_id", "currency", "amount", "committed", "grants")
    )
    rows = [
        FundRow(region_id, regions.get(region_id, str(region_id)), currency, amount, committed, grants)
        for region_id, currency, amount, committed, grants in envelopes
    ]
    return sorted(rows, key=lambda r: (r.currency, r.label))


def steering_figures(period: Period, *, now: datetime | None = None) -> SteeringFigures:
    """The figures of ``period``, read from the tally (``workflows.tally``): a fixed handful of queries over a
    few rows a month, whatever the number of requests. Filed requests count in the month they were created in;
    the medians are of the first triage decisions and deliveries (``workflows.milestones``) made in the period."""
    now = now or timezone.now()
    sums = tally_sums(since=month_of(period.start) if period.start is not None else None)
    by_region = {int(key): n for key, n in sums.of(Measure.FILED, "region").items()}
    by_state = sums.of(Measure.FILED, "state")
    by_theme = sums.of(Measure.FILED, "theme")
    by_priority = {int(key): n for key, n in sums.of(Measure.FILED, "priority").items() if key}
    hubs = Region.objects.values_list("pk", "name", "name_fr", "name_ar")
    regions = {pk: localized_name(*names) for pk, *names in hubs}  # in the reader's language
    themes = {value: str(label) for value, label in Theme.choices}
    states = {value: str(label) for value, label in RequestState.choices}
    priorities = {value: str(label) for value, label in StrategicPriority.choices}
    # The evaluations made in the period, from the outcome tally (by the month they were made in).
    average_rating, evaluations = ratings(since=period.start)
    to_triage, triaged_count = sums.median(Measure.TRIAGED)
    to_delivery, delivered_count = sums.median(Measure.DELIVERED)
    fiscal_year = current_fiscal_year(now)
    return SteeringFigures(
        total=sum(by_state.values()),
        by_region=_ranked(by_region, regions),
        by_theme=_ranked(by_theme, themes),
        # States in the lifecycle's order, so the table reads as the road a request travels.
        by_state=[FigureRow(states[value], by_state[value], value) for value in states if value in by_state],
        # Priorities in their own order (1 to 5), those the requests named; then "none named".
        by_priority=[FigureRow(priorities[p], by_priority[p], str(p)) for p in priorities if p in by_priority],
        by_month=_by_month(now),
        fund=_fund(fiscal_year, regions),
        fiscal_year=fiscal_year,
        median_to_triage=to_triage,
        median_to_delivery=to_delivery,
        triaged=triaged_count,
        delivered=delivered_count,
        average_rating=average_rating,
        evaluations=evaluations,
        computed_at=now,
    )


def small(count: int | None) -> int | None:
    """``count``, or None when it is 1 to 4 (zero points at nobody)."""
    return None if count is None or 0 < count < SMALL_COUNT else count


def rows_suppressed(lines: list[FigureRow]) -> list[FigureRow]:
    """``lines`` with each count below ``SMALL_COUNT`` replaced by None."""
    return [replace(line, count=small(line.count)) for line in lines]


def figures_suppressed(figures: SteeringFigures) -> SteeringFigures:
    """``figures`` with every count below ``SMALL_COUNT`` (and every median, average or fund total taken over
    fewer than that many requests) replaced by None, which the page reads "fewer than 5"."""
    rows = rows_suppressed

    enough_ratings = (figures.evaluations or 0) >= SMALL_COUNT
    return replace(
        figures,
        total=small(figures.total),
        by_region=rows(figures.by_region),
        by_theme=rows(figures.by_theme),
        by_state=rows(figures.by_state),
        by_priority=rows(figures.by_priority),
        by_month=[replace(m, filed=small(m.filed), closed=small(m.closed)) for m in figures.by_month],
        # A hub's envelope is its budget (public); what was committed from it is suppressed with its grants.
        fund=[
            replace(f, committed=f.committed if small(f.grants) is not None else None, grants=small(f.grants))
            for f in figures.fund
        ],
        median_to_triage=figures.median_to_triage if figures.triaged >= SMALL_COUNT else None,
        median_to_delivery=figures.median_to_delivery if figures.delivered >= SMALL_COUNT else None,
        average_rating=figures.average_rating if enough_ratings else None,
        evaluations=small(figures.evaluations),
        suppressed=True,
    )


def _recent(period_key: str, *, suppressed: bool) -> tuple[Period, SteeringFigures]:
    key = f"workflows:figures:v2:{period_key}:{int(suppressed)}:{translation.get_language()}"
    kept = cache.get(key)
    if kept is None:
        period = period_for(period_key)
        figures = steering_figures(period)
        kept = (period, figures_suppressed(figures) if suppressed else figures)
        cache.set(key, kept, FIGURES_SECONDS)
    return kept


def steering_figures_recent(period_key: str) -> tuple[Period, SteeringFigures]:
    """A period's steering figures, small counts suppressed, at most ``FIGURES_SECONDS`` old (computed once per
    period and language: the tables' labels are translated and ranked in the reader's language)."""
    return _recent(period_key, suppressed=True)


def management_figures_recent(period_key: str) -> tuple[Period, SteeringFigures]:
    """The same figures for the management unit, who sees every request: nothing suppressed."""
    return _recent(period_key, suppressed=False)


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
