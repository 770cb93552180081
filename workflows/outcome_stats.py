"""Outcome figures: per key indicator, how many requests planned it, reached their target, and kept the result.

Aggregates only, like ``workflows.stats``: counts, sums and averages per indicator, never a request's content.
Every figure is read by a fixed handful of grouped queries (four, whatever the number of requests), scoped by
a queryset of requests; the figures pages' periods, the annual report's year and a donor's grants are read from
the outcome tally instead (``outcome_figures_tallied``, two queries over a few hundred rows
a month), which gives the same figures (the tests compare the two).

How a figure is read:

- *planned*: requests that named the indicator (``OutcomeTarget``);
- *at delivery* / *confirmed*: of those, how many have a value reported at delivery / confirmed by the city;
- *target reached*: the city's confirmed value where there is one, else the delivered value, against the
  target in the indicator's direction (``higher_is_better``); a yes/no indicator is reached by "yes" (1). A
  target without a target value (and that is not yes/no) is never counted as reached: nothing was promised;
- follow-ups: at each point (3 and 6 months after delivery, ``OUTCOMES_FOLLOW_UP_MONTHS``) how many were
  asked, answered, and are *missing* (counted as missed, or still open past their due date): never invented;
- *sustained*: the values answered at that point, added for a count, averaged for a percentage or a scale,
  and for a yes/no indicator the number of "yes".

The steering committee's copy is suppressed with ``workflows.stats.small``: a count of 1 to 4 reads "fewer than
5", and a sum or average taken over fewer than 5 answers is not shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from helpdesk.models import Indicator, IndicatorUnit, StrategicPriority, SupportRequest, localized_name
from workflows.models import FollowUp, OutcomeTarget, OutcomeValue
from workflows.stats import FIGURES_SECONDS, SMALL_COUNT, period_for, small
from workflows.tally import month_of
from workflows.tally_outcomes import OVERALL, outcome_sums, reached_count, sustained_value

Stage = OutcomeValue.Stage


@dataclass(frozen=True)
class FollowUpPoint:
    """One follow-up point (``months`` after delivery) of an indicator, or of every request when overall."""

    months: int
    asked: int | None = 0
    answered: int | None = 0
    missing: int | None = 0
    # The sustained value at that point (a sum, an average, or a number of "yes"); None: no answers, or
    # suppressed (fewer than ``SMALL_COUNT`` answers).
    value: Decimal | None = None
    values: int = 0  # how many answers the value is taken over


@dataclass(frozen=True)
class IndicatorRow:
    indicator_id: int
    code: str
    label: str  # in the reader's language
    unit: str
    unit_label: str
    priority: int
    higher_is_better: bool
    planned: int | None = 0
    delivered: int | None = 0
    confirmed: int | None = 0
    reached: int | None = 0
    points: list[FollowUpPoint] = field(default_factory=list)


@dataclass(frozen=True)
class PriorityGroup:
    priority: int
    label: str
    rows: list[IndicatorRow]


@dataclass
class OutcomeFigures:
    groups: list[PriorityGroup]
    months: list[int]  # the follow-up points, in order
    follow_ups: list[FollowUpPoint]  # every request's follow-ups at each point (values unused)
    suppressed: bool = False
    computed_at: datetime | None = field(default=None, compare=False)  # which computation (the charts' cache key)

    @property
    def rows(self) -> list[IndicatorRow]:
        return [row for group in self.groups for row in group.rows]

    @property
    def planned_any(self) -> bool:
        return any(row.planned != 0 for row in self.rows)


def _reached_q() -> Q:
    """The row's final value (``final``) meets its target in the indicator's direction."""
    yes_no = Q(indicator__unit=IndicatorUnit.YES_NO)
    has_target = Q(target__isnull=False)
    return (yes_no & Q(final=1)) | (
        ~yes_no
        & has_target
        & (
            (Q(indicator__higher_is_better=True) & Q(final__gte=F("target")))
            | (Q(indicator__higher_is_better=False) & Q(final__lte=F("target")))
        )
    )


def _stage_value(stage: str) -> Subquery:
    return Subquery(
        OutcomeValue.objects.filter(target=OuterRef("pk"), stage=stage, follow_up__isnull=True).values("value")[:1],
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def outcome_figures(requests: QuerySet[SupportRequest], *, today: date | None = None) -> OutcomeFigures:
    """The outcome figures of ``requests`` (a queryset, read as a subquery), every count as it is."""
    today = today or timezone.localdate()
    targets = OutcomeTarget.objects.filter(request__in=requests.order_by().values("pk")).order_by()
    # 1. Planned, delivered, confirmed and reached per indicator: one grouped read of the targets.
    stages = (
        targets.annotate(
            delivered_value=_stage_value(Stage.DELIVERED),
            confirmed_value=_stage_value(Stage.CONFIRMED),
        )
        .annotate(final=Coalesce("confirmed_value", "delivered_value"))
        .values("indicator_id")
        .annotate(
            planned=Count("pk"),
            delivered=Count("pk", filter=Q(delivered_value__isnull=False)),
            confirmed=Count("pk", filter=Q(confirmed_value__isnull=False)),
            reached=Count("pk", filter=_reached_q()),
        )
    )
    counts = {row["indicator_id"]: row for row in stages}
    # 2. Follow-ups of the requests that planned each indicator, per point.
    missing = Q(status=FollowUp.Status.MISSED) | Q(status=FollowUp.Status.OPEN, due_on__lt=today)
    follow = "request__follow_ups"
    # The points in months only: a check-in after an incident two weeks on is about recovery, not the results kept.
    per_indicator = (
        targets.filter(**{f"{follow}__isnull": False, f"{follow}__months__gt": 0})
        .values("indicator_id", f"{follow}__months")
        .annotate(
            asked=Count(follow),
            answered=Count(follow, filter=Q(**{f"{follow}__status": FollowUp.Status.ANSWERED})),
            missing=Count(
                follow,
                filter=Q(**{f"{follow}__status": FollowUp.Status.MISSED})
                | Q(**{f"{follow}__status": FollowUp.Status.OPEN, f"{follow}__due_on__lt": today}),
            ),
        )
    )
    asked: dict[int, dict[int, tuple[int, int, int]]] = defaultdict(dict)
    for row in per_indicator:
        asked[row["indicator_id"]][row[f"{follow}__months"]] = (row["asked"], row["answered"], row["missing"])
    # 3. Sustained values per indicator and point.
    sustained = (
        OutcomeValue.objects.filter(stage=Stage.SUSTAINED, target__in=targets, follow_up__months__gt=0)
        .order_by()
        .values("target__indicator_id", "follow_up__months")
        .annotate(total=Sum("value"), yes=Count("pk", filter=Q(value=1)), n=Count("pk"))
    )
    values: dict[int, dict[int, tuple[Decimal | None, int]]] = defaultdict(dict)
    # 4. The catalogue: the indicators in use, and any retired one some request planned.
    indicators = _catalogue(set(counts))
    units = {pk: unit for pk, _code, _n, _f, _a, unit, _p, _h in indicators}
    for row in sustained:
        indicator_id, months = row["target__indicator_id"], row["follow_up__months"]
        value = sustained_value(units.get(indicator_id, ""), row["total"], row["yes"], row["n"])
        values[indicator_id][months] = (value, row["n"])
    # Overall follow-ups per point, for every request in scope that planned indicators (not once per indicator; a
    # fast-track request's check-ins without indicators are about recovery, not outcomes).
    overall = (
        FollowUp.objects.filter(request__in=targets.values("request_id"), months__gt=0)
        .order_by()
        .values("months")
        .annotate(
            asked=Count("pk"),
            answered=Count("pk", filter=Q(status=FollowUp.Status.ANSWERED)),
            missing=Count("pk", filter=missing),
        )
    )
    overall_points = {
        row["months"]: FollowUpPoint(row["months"], row["asked"], row["answered"], row["missing"]) for row in overall
    }
    months = sorted({*settings.OUTCOMES_FOLLOW_UP_MONTHS, *overall_points})
    return _assemble(indicators, counts, asked, values, months, overall_points)


def _catalogue(planned_ids: set[int]) -> list[tuple[int, str, str, str, str, str, int, bool]]:
    """The indicators in use, and any retired one some request planned: one query."""
    return list(
        Indicator.objects.filter(Q(is_active=True) | Q(pk__in=planned_ids)).values_list(
            "pk", "code", "name", "name_fr", "name_ar", "unit", "priority", "higher_is_better"
        )
    )


def outcome_figures_tallied(
    *,
    since: date | None,
    until: date | None = None,
    today: date | None = None,
    funds: Collection[int] | None = None,
) -> OutcomeFigures:
    """What ``outcome_figures`` gives for the requests filed from the month ``since`` on (all: None) until the
    month ``until`` (excluded; None: to this day), or only those the fund envelopes ``funds`` paid for, read from
    the outcome tally (``workflows.tally_outcomes``): two queries whatever the number of requests."""
    today = today or timezone.localdate()
    sums = outcome_sums(since=since, until=until, today=today, funds=funds)
    indicators = _catalogue(set(sums.counts))
    units = {pk: unit for pk, _code, _n, _f, _a, unit, _p, _h in indicators}
    directions = {pk: higher for pk, _code, _n, _f, _a, _u, _p, higher in indicators}
    counts = {
        pk: {**got, "reached": reached_count(got, units.get(pk, ""), directions.get(pk, True))}
        for pk, got in sums.counts.items()
    }
    values: dict[int, dict[int, tuple[Decimal | None, int]]] = defaultdict(dict)
    for indicator_id, points in sums.sustained.items():
        for point, (hundredths, yes, n) in points.items():
            total = Decimal(hundredths).scaleb(-2)  # two decimals, as the database's sum gives them
            values[indicator_id][point] = (sustained_value(units.get(indicator_id, ""), total, yes, n), n)
    overall_points = {
        point: FollowUpPoint(point, asked, answered, missing)
        for point, (asked, answered, missing) in sums.asked.pop(OVERALL, {}).items()
    }
    months = sorted({*settings.OUTCOMES_FOLLOW_UP_MONTHS, *overall_points})
    return _assemble(indicators, counts, sums.asked, values, months, overall_points)


def _assemble(
    indicators: list[tuple[int, str, str, str, str, str, int, bool]],
    counts: dict[int, dict[str, int]],
    asked: dict[int, dict[int, tuple[int, int, int]]],
    values: dict[int, dict[int, tuple[Decimal | None, int]]],
    months: list[int],
    overall: dict[int, FollowUpPoint],
) -> OutcomeFigures:
    unit_labels = {value: str(label) for value, label in IndicatorUnit.choices}
    priorities = {value: str(label) for value, label in StrategicPriority.choices}
    by_priority: dict[int, list[IndicatorRow]] = defaultdict(list)
    for pk, code, name, name_fr, name_ar, unit, priority, higher in indicators:
        got = counts.get(pk, {})
        points = []
        for point in months:
            n_asked, n_answered, n_missing = asked.get(pk, {}).get(point, (0, 0, 0))
            value, n = values.get(pk, {}).get(point, (None, 0))
            points.append(FollowUpPoint(point, n_asked, n_answered, n_missing, value, n))
        by_priority[priority].append(
            IndicatorRow(
                indicator_id=pk,
                code=code,
                label=localized_name(name, name_fr, name_ar),
                unit=unit,
                unit_label=unit_labels.get(unit, unit),
                priority=priority,
                higher_is_better=higher,
                planned=got.get("planned", 0),
                delivered=got.get("delivered", 0),
                confirmed=got.get("confirmed", 0),
                reached=got.get("reached", 0),
                points=points,
            )
        )
    groups = [
        PriorityGroup(priority, priorities.get(priority, str(priority)), by_priority[priority])
        for priority in sorted(by_priority)
    ]
    follow_ups = [overall.get(point, FollowUpPoint(point)) for point in months]
    return OutcomeFigures(groups=groups, months=months, follow_ups=follow_ups, computed_at=timezone.now())


def _point_suppressed(point: FollowUpPoint, unit: str) -> FollowUpPoint:
    if unit == IndicatorUnit.YES_NO:
        # The number of "yes" is a count like any other.
        value = point.value if point.value is None or small(int(point.value)) is not None else None
    else:
        value = point.value if point.values >= SMALL_COUNT else None
    return replace(
        point, asked=small(point.asked), answered=small(point.answered), missing=small(point.missing), value=value
    )


def outcome_figures_suppressed(figures: OutcomeFigures) -> OutcomeFigures:
    """``figures`` for the steering committee: counts of 1 to 4 and values over fewer than 5 answers hidden."""
    groups = [
        replace(
            group,
            rows=[
                replace(
                    row,
                    planned=small(row.planned),
                    delivered=small(row.delivered),
                    confirmed=small(row.confirmed),
                    reached=small(row.reached),
                    points=[_point_suppressed(point, row.unit) for point in row.points],
                )
                for row in group.rows
            ],
        )
        for group in figures.groups
    ]
    return replace(
        figures,
        groups=groups,
        follow_ups=[_point_suppressed(point, IndicatorUnit.COUNT) for point in figures.follow_ups],
        suppressed=True,
    )


def outcome_figures_recent(period_key: str, *, suppressed: bool) -> OutcomeFigures:
    """The outcome figures of the requests filed in a figures page's period (``workflows.stats.PERIODS``), from
    the tally, at most ``FIGURES_SECONDS`` old, like the figures beside them; per period, copy and language (the
    labels)."""
    key = f"workflows:outcomes:v1:{period_key}:{int(suppressed)}:{translation.get_language()}"
    kept = cache.get(key)
    if kept is None:
        period = period_for(period_key)
        # From the tally: a period starts on a month (the desk's time zone), as the tally counts requests.
        figures = outcome_figures_tallied(since=month_of(period.start) if period.start is not None else None)
        kept = outcome_figures_suppressed(figures) if suppressed else figures
        cache.set(key, kept, FIGURES_SECONDS)
    return kept
