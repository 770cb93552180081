"""The reports the network owes: the annual report to the steering committee and a grant report per donor.

Aggregates only (``workflows.stats`` and ``workflows.outcome_stats`` compute the pieces), by a fixed number of
grouped queries whatever the data. What is counted where:

- the annual report covers the requests *filed* in the calendar year (drafts are not filed); the support given
  is the requests *delivered* in the year, by kind; the times to answer are the medians of the requests triaged
  and delivered in the year; the grants are those *approved* on the envelopes of that fiscal year; the
  evaluations those written in the year; the outcomes those of the requests filed in the year;
- a grant report covers the grants approved on the envelopes one funding source finances in a fiscal year:
  *committed* is what was approved, *disbursed* what was approved for requests whose support has been delivered
  (the desk records no payments: delivery is when the grant's work is done).

``*_suppressed`` gives the steering committee's copy: counts of 1 to 4 read "fewer than 5", and an amount,
median, average or share taken over fewer than 5 requests is not shown.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone, translation

from helpdesk.models import Region, StrategicPriority, SupportKind, SupportRequest, Theme, localized_name
from workflows.models import FundEnvelope, FundingSource, GrantTally
from workflows.outcome_stats import OutcomeFigures, outcome_figures_suppressed, outcome_figures_tallied
from workflows.stats import FIGURES_SECONDS, FILED, SMALL_COUNT, FigureRow, rows_suppressed, small
from workflows.tally import Measure, tally_sums
from workflows.tally_grants import grant_lines
from workflows.tally_outcomes import evaluation_sums


@dataclass(frozen=True)
class GrantRow:
    """Grants of one group (a hub, a priority) in one currency. ``None``: suppressed."""

    label: str
    key: str
    currency: str
    grants: int | None
    committed: Decimal | None
    disbursed: Decimal | None = None


@dataclass
class AnnualReport:
    year: int
    filed: int | None
    filed_by_region: list[FigureRow]
    filed_by_theme: list[FigureRow]
    delivered_by_kind: list[FigureRow]
    delivered: int | None
    median_to_triage: timedelta | None
    median_to_delivery: timedelta | None
    triaged_count: int
    delivered_count: int
    grants_by_priority: list[GrantRow]
    grants_by_region: list[GrantRow]
    evaluations: int | None
    average_rating: float | None
    recommend_share: float | None  # from 0 to 1
    outcomes: OutcomeFigures
    suppressed: bool = False
    computed_at: datetime | None = field(default=None, compare=False)  # which computation (the charts' cache key)

    @property
    def recommend_percent(self) -> int | None:
        return round(self.recommend_share * 100) if self.recommend_share is not None else None


@dataclass
class GrantReport:
    source_code: str
    source_name: str
    year: int
    grants: int | None
    totals: list[GrantRow]  # one per currency
    by_region: list[GrantRow]
    by_priority: list[GrantRow]
    outcomes: OutcomeFigures
    suppressed: bool = False
    computed_at: datetime | None = field(default=None, compare=False)


def _rows(totals: dict[str, int], labels: dict[str, str], order: list[str]) -> list[FigureRow]:
    return [FigureRow(labels.get(key, key), totals[key], key) for key in order if key in totals]


def _regions() -> dict[str, str]:
    return {
        str(pk): localized_name(*names) for pk, *names in Region.objects.values_list("pk", "name", "name_fr", "name_ar")
    }


def _grant_rows(
    cells: QuerySet[GrantTally], labels: dict[str, str]
) -> tuple[list[GrantRow], list[GrantRow], list[GrantRow]]:
    """Approved grants by hub, by priority and in total (each per currency), from the grant tally of some envelopes
    (``workflows.tally_grants``): one grouped read of a few rows per envelope."""
    hubs: dict[tuple[str, str], list[Decimal | int]] = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    priorities: dict[tuple[str, str], list[Decimal | int]] = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    totals: dict[tuple[str, str], list[Decimal | int]] = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    for region_id, priority, currency, grants, committed, disbursed in grant_lines(cells):
        for group, key in ((hubs, str(region_id)), (priorities, str(priority)), (totals, "")):
            line = group[(key, currency)]
            line[0] += grants
            line[1] += committed or 0
            line[2] += disbursed or 0
    priority_labels = {str(value): str(label) for value, label in StrategicPriority.choices}

    def table(lines: dict[tuple[str, str], list[Decimal | int]], names: dict[str, str]) -> list[GrantRow]:
        rows = [
            GrantRow(names.get(key, key), key, currency, int(g), Decimal(c), Decimal(d))
            for (key, currency), (g, c, d) in lines.items()
        ]
        return sorted(rows, key=lambda r: (r.currency, r.label))

    by_priority = sorted(table(priorities, priority_labels), key=lambda r: (r.currency, int(r.key)))
    return table(hubs, labels), by_priority, table(totals, {})


def annual_report(year: int) -> AnnualReport:
    """The steering committee's annual report for calendar ``year``, every count as it is."""
    # The requests' and outcomes' figures from the tallies (``workflows.tally``, ``workflows.tally_outcomes``:
    # the year's twelve months, whatever the number of requests).
    sums = tally_sums(since=date(year, 1, 1), until=date(year + 1, 1, 1))
    by_region = sums.of(Measure.FILED, "region")
    by_theme = sums.of(Measure.FILED, "theme")
    regions = _regions()
    kinds = sums.of(Measure.DELIVERED, "kind")
    to_triage, triaged_count = sums.median(Measure.TRIAGED)
    to_delivery, delivered_count = sums.median(Measure.DELIVERED)
    grants = GrantTally.objects.filter(envelope__fiscal_year=year)
    grants_by_region, grants_by_priority, _totals = _grant_rows(grants, regions)
    rating = evaluation_sums(since=date(year, 1, 1), until=date(year + 1, 1, 1))
    themes = {value: str(label) for value, label in Theme.choices}
    kind_labels = {value: str(label) for value, label in SupportKind.choices}
    return AnnualReport(
        year=year,
        filed=sum(by_region.values()),
        filed_by_region=sorted(
            (FigureRow(regions.get(k, k), n, k) for k, n in by_region.items()), key=lambda r: (-(r.count or 0), r.label)
        ),
        filed_by_theme=_rows(by_theme, themes, list(themes)),
        delivered_by_kind=_rows(kinds, kind_labels, list(kind_labels)),
        delivered=sum(kinds.values()),
        median_to_triage=to_triage,
        median_to_delivery=to_delivery,
        triaged_count=triaged_count,
        delivered_count=delivered_count,
        grants_by_priority=grants_by_priority,
        grants_by_region=grants_by_region,
        evaluations=rating.count,
        average_rating=rating.average,
        recommend_share=rating.recommended / rating.count if rating.count else None,
        outcomes=outcome_figures_tallied(since=date(year, 1, 1), until=date(year + 1, 1, 1)),
        computed_at=timezone.now(),
    )


def grant_report(source: FundingSource, year: int) -> GrantReport:
    """A donor's report: the grants approved on the envelopes ``source`` finances in fiscal ``year``."""
    cells = GrantTally.objects.filter(envelope__source=source, envelope__fiscal_year=year)
    by_region, by_priority, totals = _grant_rows(cells, _regions())
    totals = [replace(row, label=source.localized_name, key=source.code) for row in totals]
    envelopes = FundEnvelope.objects.filter(source=source, fiscal_year=year).values_list("pk", flat=True)
    return GrantReport(
        source_code=source.code,
        source_name=source.localized_name,
        year=year,
        grants=sum(row.grants or 0 for row in totals),
        totals=totals,
        by_region=by_region,
        by_priority=by_priority,
        # The outcomes of the requests these grants paid for, from the outcome tally's cells of their envelopes.
        outcomes=outcome_figures_tallied(since=None, funds=list(envelopes)),
        computed_at=timezone.now(),
    )


def _grants_suppressed(rows: list[GrantRow]) -> list[GrantRow]:
    # An amount made of fewer than five grants is close to one city's grant: hidden with its count.
    def hidden(row: GrantRow) -> GrantRow:
        shown = small(row.grants) is not None
        return replace(
            row,
            grants=small(row.grants),
            committed=row.committed if shown else None,
            disbursed=row.disbursed if shown else None,
        )

    return [hidden(row) for row in rows]


def annual_report_suppressed(report: AnnualReport) -> AnnualReport:
    rows = rows_suppressed

    enough_ratings = (report.evaluations or 0) >= SMALL_COUNT
    return replace(
        report,
        filed=small(report.filed),
        filed_by_region=rows(report.filed_by_region),
        filed_by_theme=rows(report.filed_by_theme),
        delivered_by_kind=rows(report.delivered_by_kind),
        delivered=small(report.delivered),
        median_to_triage=report.median_to_triage if report.triaged_count >= SMALL_COUNT else None,
        median_to_delivery=report.median_to_delivery if report.delivered_count >= SMALL_COUNT else None,
        grants_by_priority=_grants_suppressed(report.grants_by_priority),
        grants_by_region=_grants_suppressed(report.grants_by_region),
        evaluations=small(report.evaluations),
        average_rating=report.average_rating if enough_ratings else None,
        recommend_share=report.recommend_share if enough_ratings else None,
        outcomes=outcome_figures_suppressed(report.outcomes),
        suppressed=True,
    )


def grant_report_suppressed(report: GrantReport) -> GrantReport:
    return replace(
        report,
        grants=small(report.grants),
        totals=_grants_suppressed(report.totals),
        by_region=_grants_suppressed(report.by_region),
        by_priority=_grants_suppressed(report.by_priority),
        outcomes=outcome_figures_suppressed(report.outcomes),
        suppressed=True,
    )


def report_years(now: datetime | None = None) -> list[int]:
    """The calendar years the desk has filed requests in, newest first (this year at least)."""
    now = now or timezone.now()
    first = SupportRequest.objects.filter(FILED).order_by("created_at").values_list("created_at", flat=True).first()
    start = timezone.localtime(first).year if first else now.year
    return list(range(now.year, min(start, now.year) - 1, -1))


def report_sources() -> list[tuple[str, str, list[int]]]:
    """Each funding source (code, name in the reader's language) with the fiscal years it finances envelopes in."""
    lines = (
        FundingSource.objects.filter(envelopes__isnull=False)
        .order_by("name", "-envelopes__fiscal_year")
        .values_list("code", "name", "name_fr", "name_ar", "envelopes__fiscal_year")
        .distinct()
    )
    sources: dict[str, tuple[str, list[int]]] = {}
    for code, name, name_fr, name_ar, year in lines:
        sources.setdefault(code, (localized_name(name, name_fr, name_ar), []))[1].append(year)
    return [(code, name, years) for code, (name, years) in sources.items()]


def annual_report_recent(year: int, *, suppressed: bool) -> AnnualReport:
    """``annual_report`` (suppressed or not), at most ``FIGURES_SECONDS`` old, per year and language (labels)."""
    key = f"workflows:annual:v1:{year}:{int(suppressed)}:{translation.get_language()}"
    kept = cache.get(key)
    if kept is None:
        report = annual_report(year)
        kept = annual_report_suppressed(report) if suppressed else report
        cache.set(key, kept, FIGURES_SECONDS)
    return kept


def grant_report_recent(source: FundingSource, year: int, *, suppressed: bool) -> GrantReport:
    """``grant_report`` (suppressed or not), at most ``FIGURES_SECONDS`` old, per source, year and language."""
    key = f"workflows:grants:v1:{source.pk}:{year}:{int(suppressed)}:{translation.get_language()}"
    kept = cache.get(key)
    if kept is None:
        report = grant_report(source, year)
        kept = grant_report_suppressed(report) if suppressed else report
        cache.set(key, kept, FIGURES_SECONDS)
    return kept
