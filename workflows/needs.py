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
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from helpdesk.access import scope
from helpdesk.models import Region, RequestState, SupportRequest, Theme, User, country_name, localized_name
from helpdesk.selectors import visible_requests
from workflows.tally import (
    MET,
    MET_STATES,
    UNMET,
    UNMET_STATES,
    histogram_median,
    need_answers_by_quarter,
    need_answers_by_theme,
    need_cells,
    need_counts,
    need_counts_by_quarter,
)

# Filed and neither met nor unmet yet.
IN_PROGRESS_STATES = tuple(
    state for state in RequestState if state not in (RequestState.DRAFT, *MET_STATES, *UNMET_STATES)
)
QUARTERS = (1, 2, 3, 4)
# The year chooser offers this many years, the current one last (older years stay one address away).
YEARS_OFFERED = 5
EARLIEST_YEAR = 2000


@dataclass(slots=True)
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

    def merge(self, other: Counts) -> None:
        self.filed += other.filed
        self.met += other.met
        self.unmet += other.unmet
        self.open += other.open

    def add_outcome(self, outcome: str, count: int) -> None:
        """Add ``count`` requests of one outcome as the tally names it (``workflows.tally.MET`` …)."""
        self.filed += count
        if outcome == MET:
            self.met += count
        elif outcome == UNMET:
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


def _ordered_themes(values: Iterable[str]) -> list[Named]:
    present = set(values)
    return [Named(value, str(label)) for value, label in Theme.choices if value in present]


def needs_map(user: User, *, year: int, region_id: int | None = None, lines: bool = True) -> NeedsMap:
    """The needs map of ``year`` as ``user`` may see it (see ``needs_requests``), read from the tally
    (``workflows.tally``: cells per hub, month, country, theme and outcome, and the answered requests' rounded
    times to first answer), so a few hundred rows whatever the number of requests; ``lines=False`` leaves out
    the cells per quarter that only the exports list. Raises ``Region.DoesNotExist`` when the management unit
    chose no hub there is."""
    region_id = needs_region(user, region_id)
    management = scope(user).management
    hubs = _hubs() if management else None
    names = {hub.key: hub.label for hub in hubs or []}
    if hubs is None and region_id is not None:
        found = Region.objects.filter(pk=region_id).values_list("name", "name_fr", "name_ar").first()
        names = {str(region_id): localized_name(*found)} if found else {}
    if region_id is not None and str(region_id) not in names:
        raise Region.DoesNotExist
    cells: dict[tuple[str, str, int], Counts] = defaultdict(Counts)
    by_theme_country: dict[tuple[str, str], Counts] = {}
    by_theme: dict[str, Counts] = defaultdict(Counts)
    by_country: dict[str, Counts] = defaultdict(Counts)
    by_quarter: dict[int, Counts] = {q: Counts() for q in QUARTERS}
    total = Counts()
    theme_answers: dict[str, dict[str, int]] = {}
    quarter_answers: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    all_answers: dict[str, int] = defaultdict(int)
    # Hub staff without a hub read nothing (``needs_requests``).
    if region_id is not None or management:
        for (country, theme), (met, unmet, open_) in need_counts(year=year, region_id=region_id).items():
            cell = by_theme_country[(theme, country)] = Counts(met + unmet + open_, met, unmet, open_)
            # The lines and columns from the cells (a few hundred), not again from each row read.
            for counts in (by_theme[theme], by_country[country], total):
                counts.merge(cell)
        for q, outcome, count in need_counts_by_quarter(year=year, region_id=region_id):
            by_quarter[q].add_outcome(outcome, count)
        if lines:
            for country, theme, q, outcome, count in need_cells(year=year, region_id=region_id):
                cells[(theme, country, q)].add_outcome(outcome, count)
        theme_answers = need_answers_by_theme(year=year, region_id=region_id)
        for histogram in theme_answers.values():
            for minutes, count in histogram.items():
                all_answers[minutes] += count
        for q, minutes, count in need_answers_by_quarter(year=year, region_id=region_id):
            quarter_answers[q][minutes] += count
    by_theme_median = {theme: histogram_median(counts) for theme, counts in theme_answers.items()}
    by_quarter_median = {q: histogram_median(counts) for q, counts in quarter_answers.items()}
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
        median_by_theme={k: m for k, (m, _n) in by_theme_median.items() if m is not None},
        median_by_quarter={k: m for k, (m, _n) in by_quarter_median.items() if m is not None},
        median_total=histogram_median(all_answers)[0],
        answered_by_theme={k: n for k, (_m, n) in by_theme_median.items()},
        answered_by_quarter={k: n for k, (_m, n) in by_quarter_median.items()},
    )
