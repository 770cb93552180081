"""The needs map of a hub: demand by theme, country and quarter, met or unmet, and how long the first answer took.

Counts and durations only, never a request's content: hub staff bring it to regional workshops.

The period is a calendar year (the page's ``?year=``, the current one by default) in its four quarters, rather
than the last four quarters: a workshop compares one year with the next, the annual report and the fund's
fiscal year count by calendar year too, and a quarter's figures then never shift from one month to the next
(with "the last four quarters" the same page drops a quarter every three months).

A request belongs to the quarter it was filed in (``created_at``, in the desk's time zone, as the figures pages
count "filed"); its outcome is its state today: *met* once delivered or closed, *unmet* when declined or
withdrawn (the demand the network did not answer), *in progress* otherwise. The time to first answer is the time to
the hub's first triage decision that the lifecycle stamps (``workflows.milestones``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, Expression, F, IntegerField, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from helpdesk.access import scope
from helpdesk.models import Region, RequestState, SupportRequest, Theme, User, country_name, localized_name
from helpdesk.selectors import visible_requests

MET_STATES = (RequestState.DELIVERED, RequestState.CLOSED)
UNMET_STATES = (RequestState.DECLINED, RequestState.WITHDRAWN)
# Filed and neither met nor unmet yet.
IN_PROGRESS_STATES = tuple(
    state for state in RequestState if state not in (RequestState.DRAFT, *MET_STATES, *UNMET_STATES)
)
QUARTERS = (1, 2, 3, 4)
# The year chooser offers this many years, the current one last (older years stay one address away).
YEARS_OFFERED = 5
EARLIEST_YEAR = 2000


@dataclass
class Counts:
    """Requests filed, and how they stand today: ``filed == met + unmet + open`` (``open``: in progress)."""

    filed: int = 0
    met: int = 0
    unmet: int = 0
    open: int = 0

    def add(self, state: str, count: int) -> None:
        self.filed += count
        if state in MET_STATES:
            self.met += count
        elif state in UNMET_STATES:
            self.unmet += count
        else:
            self.open += count


@dataclass(frozen=True)
class Named:
    key: str  # the theme's value or the country's ISO code, for links to the queue
    label: str  # in the reader's language


@dataclass
class NeedsMap:
    year: int
    region_id: int | None  # None: every hub (the management unit's view of the network)
    hub: str  # the hub's name, in the reader's language; empty for every hub
    hubs: list[Named] | None  # the hub chooser (the management unit's); None for hub staff
    themes: list[Named]  # themes with demand, in the catalogue's order
    countries: list[Named]  # countries with demand, by name
    cells: dict[tuple[str, str, int], Counts]  # (theme, country, quarter)
    by_theme_country: dict[tuple[str, str], Counts]
    by_theme: dict[str, Counts]
    by_country: dict[str, Counts]
    by_quarter: dict[int, Counts]
    total: Counts
    # Medians of the time to first answer, and how many answered requests each is taken over.
    median_by_theme: dict[str, timedelta] = field(default_factory=dict)
    median_by_quarter: dict[int, timedelta] = field(default_factory=dict)
    median_total: timedelta | None = None
    answered_by_theme: dict[str, int] = field(default_factory=dict)
    answered_by_quarter: dict[int, int] = field(default_factory=dict)

    def counts(self, theme: str, country: str) -> Counts:
        return self.by_theme_country.get((theme, country)) or Counts()

    def cell(self, theme: str, country: str, quarter: int) -> Counts:
        return self.cells.get((theme, country, quarter)) or Counts()


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The first instant of ``year`` and of the next, in the desk's time zone."""
    zone = timezone.get_default_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """The first day of ``quarter`` and the first day after it."""
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end


def years_offered(*, now: datetime | None = None) -> list[int]:
    current = timezone.localtime(now or timezone.now()).year
    return list(range(current - YEARS_OFFERED + 1, current + 1))


def needs_region(user: User, region_id: int | None) -> int | None:
    """The hub whose needs ``user`` reads: hub staff always their own (a ``?region=`` of theirs is ignored, as
    the queue ignores it), the management unit the hub it chose, or every hub (None)."""
    s = scope(user)
    if s.management:
        return region_id
    return s.hub_region_id


def needs_requests(user: User, *, region_id: int | None) -> QuerySet[SupportRequest]:
    """The filed requests the needs map of ``user`` counts (``needs_region``): a hub's staff see its own only,
    whatever else they may see as a focal point; drafts never count."""
    qs = visible_requests(user).exclude(state=RequestState.DRAFT).order_by()
    region_id = needs_region(user, region_id)
    if region_id is not None:
        qs = qs.filter(region_id=region_id)
    elif not scope(user).management:
        return qs.none()
    return qs


def _hubs() -> list[Named]:
    rows = Region.objects.order_by().values_list("pk", "name", "name_fr", "name_ar")
    return sorted((Named(str(pk), localized_name(*names)) for pk, *names in rows), key=lambda hub: hub.label)


def _medians(
    rows: QuerySet[SupportRequest], group: F | Expression | Case | None
) -> tuple[dict[Hashable, timedelta], dict[Hashable, int]]:
    """The median ``time_to_triage`` per value of ``group`` (``None``: of all ``rows``) and how many answered
    requests each is taken over, in one query: the database ranks each group's rows and returns only the middle
    one or two of each."""
    partition = [group] if group is not None else None
    ranked = (
        rows.filter(time_to_triage__isnull=False)
        .annotate(
            group=group if group is not None else Value(0),
            position=Window(RowNumber(), partition_by=partition, order_by=[F("time_to_triage").asc(), F("pk").asc()]),
            size=Window(Count("*"), partition_by=partition),
        )
        # The middle row of an odd group; the two middle rows of an even one (integer division).
        .filter(Q(position=(F("size") + 1) / 2) | Q(position=F("size") / 2 + 1))
        .values_list("group", "time_to_triage", "size")
    )
    middles: dict[Hashable, list[timedelta]] = defaultdict(list)
    sizes: dict[Hashable, int] = {}
    for value, duration, size in ranked:
        if duration is not None:  # filtered out above: for the type checker
            middles[value].append(duration)
        sizes[value] = size
    return {value: sum(d, timedelta()) / len(d) for value, d in middles.items()}, sizes


def _ordered_themes(values: Iterable[str]) -> list[Named]:
    present = set(values)
    return [Named(value, str(label)) for value, label in Theme.choices if value in present]


def needs_map(user: User, *, year: int, region_id: int | None = None) -> NeedsMap:
    """The needs map of ``year`` as ``user`` may see it (see ``needs_requests``): a grouped count, three medians
    and the hubs' names. Raises ``Region.DoesNotExist`` when the management unit chose no hub there is."""
    region_id = needs_region(user, region_id)
    hubs = _hubs() if scope(user).management else None
    names = {hub.key: hub.label for hub in hubs or []}
    if hubs is None and region_id is not None:
        found = Region.objects.filter(pk=region_id).values_list("name", "name_fr", "name_ar").first()
        names = {str(region_id): localized_name(*found)} if found else {}
    if region_id is not None and str(region_id) not in names:
        raise Region.DoesNotExist
    start, end = year_bounds(year)
    rows = needs_requests(user, region_id=region_id).filter(created_at__gte=start, created_at__lt=end)
    # The quarter as comparisons of the indexed column with the quarters' first instants: plain SQL on every
    # database (SQLite would otherwise call back into Python for each row to extract it).
    starts = [datetime.combine(quarter_bounds(year, q)[0], time.min, tzinfo=start.tzinfo) for q in QUARTERS[1:]]
    quarter = Case(
        *(When(created_at__lt=first, then=Value(q)) for q, first in zip(QUARTERS[:-1], starts, strict=True)),
        default=Value(QUARTERS[-1]),
        output_field=IntegerField(),
    )
    groups = (
        rows.annotate(quarter=quarter)
        .values_list("theme", "city__country", "quarter", "state")
        .annotate(count=Count("*"))
        .order_by()
    )
    cells: dict[tuple[str, str, int], Counts] = defaultdict(Counts)
    by_theme_country: dict[tuple[str, str], Counts] = defaultdict(Counts)
    by_theme: dict[str, Counts] = defaultdict(Counts)
    by_country: dict[str, Counts] = defaultdict(Counts)
    by_quarter: dict[int, Counts] = {q: Counts() for q in QUARTERS}
    total = Counts()
    for theme, country, q, state, count in groups:
        country = country or ""
        for counts in (
            cells[(theme, country, q)],
            by_theme_country[(theme, country)],
            by_theme[theme],
            by_country[country],
            by_quarter[q],
            total,
        ):
            counts.add(state, count)
    by_theme_median, answered_theme = _medians(rows, F("theme"))
    by_quarter_median, answered_quarter = _medians(rows, quarter)
    overall, _answered = _medians(rows, None)
    countries = sorted((Named(code, country_name(code) or code) for code in by_country), key=lambda c: c.label)
    return NeedsMap(
        year=year,
        region_id=region_id,
        hub=names.get(str(region_id), "") if region_id is not None else "",
        hubs=hubs,
        themes=_ordered_themes(by_theme),
        countries=countries,
        cells=dict(cells),
        by_theme_country=dict(by_theme_country),
        by_theme=dict(by_theme),
        by_country=dict(by_country),
        by_quarter=by_quarter,
        total=total,
        median_by_theme={str(k): v for k, v in by_theme_median.items()},
        median_by_quarter={int(str(k)): v for k, v in by_quarter_median.items()},
        median_total=next(iter(overall.values()), None),
        answered_by_theme={str(k): v for k, v in answered_theme.items()},
        answered_by_quarter={int(str(k)): v for k, v in answered_quarter.items()},
    )
