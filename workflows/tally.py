"""The request tally (``workflows.models.RequestTally``): what each request adds to it, keeping it in step with a
move, rebuilding it from the requests and checking it against a recount, and reading it.

Why a tally of *months* and *one dimension at a time*: the figures pages add up filed requests by region, theme,
state and priority separately, and never crossed; a cell per day × region × theme × priority × state would hold
about one request each at 100,000 requests (a thousand days × some three thousand combinations), so reading it
would cost what reading the requests costs. Per month and per dimension it is about thirty rows a month whatever
the number of requests, and every period the pages offer starts on a month (the desk's time zone): the last
twelve months are the twelve calendar months of the trend chart, a year starts in January.

The medians are read from a histogram of rounded durations (``duration_bucket``): to the minute under an hour,
to the hour under two days, to the day beyond, as ``duration_words`` says them; so the median shown is the one a
scan of the requests gives whenever the middle request or two fall in one bucket, and never further than half a
unit of what the page prints. A month holds at most some hundred buckets whatever the number of requests.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import CharField, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from helpdesk.models import Region, RequestState, SupportRequest
from workflows.models import RequestTally
from workflows.tally_cells import cells_add

if TYPE_CHECKING:
    from workflows.tally_grants import GrantDifference

Measure = RequestTally.Measure
Key = tuple[str, str, date, str]  # (measure, dimension, month, value)
CELL_FIELDS = ("measure", "dimension", "month", "value")  # a ``Key``'s, in its order
# What a request's contribution is read from.
FIELDS = (
    "state",
    "created_at",
    "region_id",
    "theme",
    "strategic_priority",
    "closed_at",
    "triaged_at",
    "time_to_triage",
    "delivered_at",
    "time_to_delivery",
    "kind",
    "city__country",
)
# How a filed request stands today on the needs map (``workflows.needs``): met, unmet, or in progress.
MET_STATES = (RequestState.DELIVERED, RequestState.CLOSED)
UNMET_STATES = (RequestState.DECLINED, RequestState.WITHDRAWN)
# One letter each (the last part of a need cell's value, and the whole value of a quarter's).
MET, UNMET, OPEN = "m", "u", "o"
OUTCOME_SLOT = {MET: 0, UNMET: 1, OPEN: 2}  # where ``need_counts`` counts each
# The needs map's measures, which the steering figures never read.
NEED_MEASURES = (
    Measure.NEED,
    Measure.NEED_YEAR,
    Measure.NEED_QUARTER,
    Measure.ANSWER_YEAR,
    Measure.ANSWER_QUARTER,
)
# The dimension of the needs map's page cells that count every hub's requests (a hub's cells are its id).
ALL_HUBS = "*"
# The longest duration told apart: anything longer counts as this many days (no request waits ten years).
LONGEST_DAYS = 3650
REBUILD_BATCH = 2000


def month_of(moment: datetime) -> date:
    """The first day of ``moment``'s month in the desk's time zone (the reader's never changes a figure)."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date().replace(day=1)


def duration_bucket(duration: timedelta) -> int:
    """``duration`` rounded as ``web.templatetags.desk.duration_words`` says it, in minutes."""
    minutes = max(0, round(duration.total_seconds() / 60))
    if minutes < 60:
        return minutes
    hours = round(minutes / 60)
    if hours < 48:
        return hours * 60
    return min(round(hours / 24), LONGEST_DAYS) * 24 * 60


def need_outcome(state: str) -> str:
    if state in MET_STATES:
        return MET
    return UNMET if state in UNMET_STATES else OPEN


def contributions(row: Mapping[str, Any]) -> Counter[Key]:
    """What one request (its ``FIELDS``) adds to the tally."""
    found: Counter[Key] = Counter()
    if row["state"] != RequestState.DRAFT:
        month = month_of(row["created_at"])
        priority = row["strategic_priority"]
        for dimension, value in (
            ("region", str(row["region_id"])),
            ("theme", row["theme"]),
            ("state", row["state"]),
            ("priority", "" if priority is None else str(priority)),
        ):
            found[(Measure.FILED, dimension, month, value)] += 1
        # The needs map: per hub, by the country (of the request's city), theme and outcome; the country before
        # the theme so that a reading groups by it with the cell's text alone.
        # Filed per quarter (its first month), the map's finest period, and per year (January): each reading of
        # the page adds up a year's rows of what it shows, not every quarter's cells of every combination.
        hub, quarter = str(row["region_id"]), month.replace(month=month.month - (month.month - 1) % 3)
        year = month.replace(month=1)
        country, outcome = row["city__country"] or "", need_outcome(row["state"])
        need = f"{country}:{row['theme']}:{outcome}"
        found[(Measure.NEED, hub, quarter, need)] += 1
        # The page's cells once for the hub and once for every hub (``ALL_HUBS``): the management unit's map
        # of the network reads a combination's cell, not one per hub to add up (4,917 rows instead of 11,840 at
        # 100,000 requests).
        for dimension in (hub, ALL_HUBS):
            found[(Measure.NEED_YEAR, dimension, year, need)] += 1
            found[(Measure.NEED_QUARTER, dimension, quarter, outcome)] += 1
            if row["time_to_triage"] is not None:
                bucket = duration_bucket(row["time_to_triage"])
                found[(Measure.ANSWER_YEAR, dimension, year, f"{row['theme']}:{bucket}")] += 1
                found[(Measure.ANSWER_QUARTER, dimension, quarter, str(bucket))] += 1
    if row["closed_at"] is not None:
        found[(Measure.CLOSED, "", month_of(row["closed_at"]), "")] += 1
    if row["triaged_at"] is not None and row["time_to_triage"] is not None:
        bucket = duration_bucket(row["time_to_triage"])
        found[(Measure.TRIAGED, "duration", month_of(row["triaged_at"]), str(bucket))] += 1
    if row["delivered_at"] is not None:
        month = month_of(row["delivered_at"])
        found[(Measure.DELIVERED, "kind", month, row["kind"])] += 1
        if row["time_to_delivery"] is not None:
            found[(Measure.DELIVERED, "duration", month, str(duration_bucket(row["time_to_delivery"])))] += 1
    return found


def contributions_of(request: SupportRequest) -> Counter[Key]:
    """What ``request`` adds (its city read from ``request.city``: the moves load it with the locked row)."""
    row = {name: getattr(request, name) for name in FIELDS if "__" not in name}
    row["city__country"] = str(request.city.country)  # a Country: its code, as a recount reads the column
    return contributions(row)


def tally_apply(change: Mapping[Key, int]) -> None:
    """Add ``change`` to the tally, inside the caller's transaction: three queries whatever the change, race-safe
    (``workflows.tally_cells.cells_add``)."""
    cells_add(RequestTally, CELL_FIELDS, ["n"], {key: (delta,) for key, delta in change.items()})


def tally_move(before: Counter[Key], request: SupportRequest) -> None:
    """Move ``request``'s contribution from ``before`` (read when it was locked) to what it is now."""
    change = contributions_of(request)
    change.subtract(before)
    tally_apply(change)


def tally_city_moved(*, city_id: int, before: str) -> None:
    """The city ``city_id`` now stands in another country than ``before`` (inside the change's transaction): move
    its requests' needs cells to the country its row holds now. Each request is locked first, in the order the
    moves lock theirs, so a move in flight finishes before its request is read (and one that follows reads the
    new country). A few queries, and a read of the city's requests."""
    rows = list(SupportRequest.objects.select_for_update().filter(city_id=city_id).order_by("pk").values(*FIELDS))
    change: Counter[Key] = Counter()
    for row in rows:
        change.update(contributions(row))
        change.subtract(contributions({**row, "city__country": before}))
    tally_apply({key: delta for key, delta in change.items() if delta})


def tally_recount() -> Counter[Key]:
    """The tally as the requests give it today (one pass over every request: for a check or a rebuild)."""
    total: Counter[Key] = Counter()
    rows = SupportRequest.objects.order_by().values(*FIELDS).iterator(chunk_size=REBUILD_BATCH)
    for row in rows:
        total.update(contributions(row))
    return total


def tally_rebuild() -> int:
    """Recompute the whole tally from the requests, in one transaction; returns the number of cells."""
    with transaction.atomic():
        # Held to the end: no move may add to the tally between the recount and its replacement.
        list(SupportRequest.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
        recount = tally_recount()
        RequestTally.objects.all().delete()
        RequestTally.objects.bulk_create(
            (
                RequestTally(measure=m, dimension=d, month=month, value=v, n=n)
                for (m, d, month, v), n in recount.items()
            ),
            batch_size=REBUILD_BATCH,
        )
        # The outcome and grant tallies too, under the same locks (imported here: the outcome tally reads this
        # module's months).
        from workflows.tally_outcomes import outcome_tally_rebuild

        outcome_cells = outcome_tally_rebuild()
        from workflows.tally_grants import grant_tally_rebuild

        grant_cells = grant_tally_rebuild()
    return len(recount) + outcome_cells + grant_cells


@dataclass(frozen=True)
class Difference:
    key: Key
    tallied: int
    recounted: int

    def __str__(self) -> str:
        measure, dimension, month, value = self.key
        return f"{measure} {dimension}={value} {month:%Y-%m}: tally {self.tallied}, recount {self.recounted}"


def tally_differences() -> list[Difference | GrantDifference]:
    """Every cell where the tally and a recount of the requests disagree (empty: they agree)."""
    with transaction.atomic():
        tallied = {
            (m, d, month, v): n
            for m, d, month, v, n in RequestTally.objects.values_list("measure", "dimension", "month", "value", "n")
            if n
        }
        recount = tally_recount()
    keys = sorted(set(tallied) | set(recount))
    found = [
        Difference(key, tallied.get(key, 0), recount.get(key, 0))
        for key in keys
        if tallied.get(key, 0) != recount.get(key, 0)
    ]
    # The outcome and grant tallies' cells (imported here: the outcome tally reads this module's months).
    from workflows.tally_grants import grant_tally_differences
    from workflows.tally_outcomes import outcome_tally_differences

    return [*found, *outcome_tally_differences(), *grant_tally_differences()]


# --- Reading --------------------------------------------------------------------------------------------------


@dataclass
class TallySums:
    """The tally added up over a range of months: ``counts[(measure, dimension)][value]``."""

    counts: dict[tuple[str, str], dict[str, int]]

    def of(self, measure: str, dimension: str) -> dict[str, int]:
        return self.counts.get((measure, dimension), {})

    def median(self, measure: str) -> tuple[timedelta | None, int]:
        """The median of ``measure``'s durations and how many it is taken over."""
        return histogram_median(self.of(measure, "duration"))


def tally_sums(*, since: date | None = None, until: date | None = None) -> TallySums:
    """Every measure and dimension of the figures pages (not the needs map's) added up over the months from
    ``since`` to before ``until``: one query."""
    # The measures named (not "all but the needs map's"), so each is an index range.
    figures = [m for m in Measure if m not in NEED_MEASURES]
    rows = RequestTally.objects.filter(measure__in=figures).order_by()
    if since is not None:
        rows = rows.filter(month__gte=since)
    if until is not None:
        rows = rows.filter(month__lt=until)
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for measure, dimension, value, total in rows.values_list("measure", "dimension", "value").annotate(total=Sum("n")):
        if total:
            counts[(measure, dimension)][value] = total
    return TallySums(dict(counts))


def tally_by_month(*, since: date) -> tuple[dict[date, int], dict[date, int]]:
    """Requests filed and closed in each month from ``since``: one query."""
    rows = (
        RequestTally.objects.filter(month__gte=since)
        .filter(Q(measure=Measure.FILED, dimension="state") | Q(measure=Measure.CLOSED))
        .order_by()
        .values_list("measure", "month")
        .annotate(total=Sum("n"))
    )
    filed: dict[date, int] = {}
    closed: dict[date, int] = {}
    for measure, month, total in rows:
        (filed if measure == Measure.FILED else closed)[month] = total
    return filed, closed


def histogram_median(counts: Mapping[str, int]) -> tuple[timedelta | None, int]:
    """The median of a histogram of ``duration_bucket`` values (minutes as text) and how many it counts."""
    buckets = sorted((int(value), n) for value, n in counts.items() if n > 0)
    size = sum(n for _value, n in buckets)
    if not size:
        return None, 0
    wanted = sorted({(size - 1) // 2, size // 2})
    middle: list[int] = []
    seen = 0
    for minutes, n in buckets:
        while wanted and wanted[0] < seen + n:
            middle.append(minutes)
            wanted.pop(0)
        seen += n
    return timedelta(minutes=sum(middle) / len(middle)), size


# --- Reading the needs map's cells ------------------------------------------------------------------------------


def _need_cells(measure: str, *, year: int, region_id: int | None) -> QuerySet[RequestTally]:
    """The cells of ``measure`` in ``year``, of hub ``region_id`` or, None, of every hub: the page's measures
    have cells for every hub at once (``ALL_HUBS``); the exports' lines (``NEED``) add up each hub's."""
    rows = RequestTally.objects.filter(measure=measure, month__gte=date(year, 1, 1), month__lt=date(year + 1, 1, 1))
    if region_id is not None:
        return rows.filter(dimension=str(region_id)).order_by()
    if measure != Measure.NEED:
        return rows.filter(dimension=ALL_HUBS).order_by()
    # Every hub named (not left unfiltered), so each hub's year is an index range rather than every year's cells.
    hubs = Region.objects.order_by().annotate(key=Cast("pk", CharField())).values("key")
    return rows.filter(dimension__in=hubs).order_by()


def _year_cells(measure: str, *, year: int, region_id: int | None) -> list[tuple[str, int]]:
    """The page's cells of a year's ``measure`` (value, count): one per value, read as they are (no adding up)
    from one range of the ``tally_period`` index."""
    rows = _need_cells(measure, year=year, region_id=region_id).filter(month=date(year, 1, 1))
    return [(value, n) for value, n in rows.values_list("value", "n") if n]


def _quarter_cells(measure: str, *, year: int, region_id: int | None) -> list[tuple[int, str, int]]:
    """The page's cells of a quarter's ``measure`` in ``year`` (quarter, value, count): each is already a
    quarter's (at its first month), so read as it is."""
    rows = _need_cells(measure, year=year, region_id=region_id).values_list("month", "value", "n")
    return [(_quarter(month), value, n) for month, value, n in rows if n]


def _quarter(month: date) -> int:
    return (month.month - 1) // 3 + 1


def need_counts(*, year: int, region_id: int | None) -> dict[tuple[str, str], tuple[int, int, int]]:
    """The requests filed in ``year`` (in hub ``region_id``, None: every hub) by country and theme: (met, unmet,
    in progress) for each combination with any. One query, a row per combination and outcome whatever the
    number of requests, gathered here by combination (a map has some hundreds, read three times as many rows)."""
    found: dict[str, list[int]] = {}
    for value, total in _year_cells(Measure.NEED_YEAR, year=year, region_id=region_id):
        # "country:theme:outcome", the outcome one letter: the combination is all but its last two characters.
        combination = value[:-2]
        counts = found.get(combination)
        if counts is None:
            counts = found[combination] = [0, 0, 0]
        counts[OUTCOME_SLOT[value[-1]]] += total
    return {_pair(combination): (met, unmet, open_) for combination, (met, unmet, open_) in found.items()}


def _pair(combination: str) -> tuple[str, str]:
    country, theme = combination.split(":")
    return country, theme


def need_counts_by_quarter(*, year: int, region_id: int | None) -> list[tuple[int, str, int]]:
    """The same requests by quarter and outcome: one query, at most twelve rows."""
    return _quarter_cells(Measure.NEED_QUARTER, year=year, region_id=region_id)


def need_cells(*, year: int, region_id: int | None) -> list[tuple[str, str, int, str, int]]:
    """The same requests by country, theme, quarter and outcome (the exports' lines): one query."""
    rows = (
        _need_cells(Measure.NEED, year=year, region_id=region_id).values_list("value", "month").annotate(total=Sum("n"))
    )
    found = []
    for value, month, total in rows:
        if total:
            country, theme, outcome = value.split(":")
            found.append((country, theme, _quarter(month), outcome, total))
    return found


def need_answers_by_theme(*, year: int, region_id: int | None) -> dict[str, dict[str, int]]:
    """The answered requests filed in ``year`` by theme, then by rounded time to first answer (``duration_bucket``,
    minutes as text, as ``histogram_median`` reads them): one query."""
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for value, total in _year_cells(Measure.ANSWER_YEAR, year=year, region_id=region_id):
        theme, minutes = value.split(":")
        found[theme][minutes] = total  # a year's cell per theme and time, read as stored: each is read once
    return dict(found)


def need_answers_by_quarter(*, year: int, region_id: int | None) -> list[tuple[int, str, int]]:
    """The same by quarter: one query."""
    return _quarter_cells(Measure.ANSWER_QUARTER, year=year, region_id=region_id)
