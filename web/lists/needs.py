"""The needs map page (``templates/web/hub/needs.html``) and its exports: the figures of ``workflows.needs`` laid
out as the page's tables and charts, each count a link to the queue it counts, and as the rows of the CSV and
XLSX files hub staff take to a regional workshop (the same figures, labels in the reader's language)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from html import escape
from urllib.parse import urlencode

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, pgettext

from helpdesk.access import scope
from helpdesk.models import User
from web.charts import Chart, needs_quarter_chart, quarter_label, ranked_chart
from web.forms.queue import QueueFilterForm
from workflows.needs import QUARTERS, Counts, NeedsMap, needs_map, needs_region, quarter_bounds, years_offered
from workflows.stats import FIGURES_SECONDS, FigureRow

# The queue's "state" for each outcome; "" is every state (the queue opens on open requests without one).
OUTCOME_STATES = {
    "": "",
    "met": QueueFilterForm.MET,
    "unmet": QueueFilterForm.UNMET,
    "open": QueueFilterForm.IN_PROGRESS,
}


@dataclass(slots=True)
class Link:
    """A count and the queue it counts ("" when there is nothing to link to). Slotted: a page builds thousands."""

    count: int
    url: str
    # The address as an HTML attribute holds it (escaped, as the template's autoescaping writes ``url``), for
    # ``CellWriter``: ``QueueLinks.row`` joins it from parts escaped once, since escaping each of a page's
    # thousands of whole addresses cost 1-2 ms; any other link escapes its own.
    href: str = field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.url and not self.href:
            self.href = escape(self.url)


@dataclass(frozen=True)
class MatrixRow:
    """A country's line of the theme × country table: one cell per theme, then the country's total."""

    label: str
    cells: list[tuple[Link, Link]]  # (filed, unmet) per theme
    total: tuple[Link, Link]
    html: SafeString  # the cells as ``<td>`` elements (``CellWriter.row``), the total last


class CellWriter:
    """The table's cells as HTML, written here rather than by including ``web/hub/needs_cell.html`` per cell.

    A hub's year fills up to 130 countries × 7 themes, two links a cell: at 100,000 requests nearly every cell
    holds requests, and the include per cell made the page's rendering grow with the data (86 ms at 100,000
    requests against 44 ms at 10,000, ``make bench`` ``hub_needs``). The markup is the template's, character
    for character (``tests/web/views/test_needs.py`` renders both for every kind of cell, in each language).
    """

    def __init__(self) -> None:
        # In the reader's language, once per page; the counts repeat from cell to cell, formatted once each.
        self.unmet = escape(gettext("unmet"))
        self.numbers: dict[int, str] = {}

    def _number(self, count: int) -> str:
        text = self.numbers.get(count)
        if text is None:
            # As the template's ``intcomma`` writes it (its output escaped as any variable).
            text = self.numbers[count] = escape(number_format(count, force_grouping=True))
        return text

    def cell(self, filed: Link, unmet: Link) -> SafeString:
        """``web/hub/needs_cell.html`` for these two counts (``html.escape``: what the template's escaping does,
        without the lazy-string wrapper of ``django.utils.html.escape`` on each of thousands of calls)."""
        if not filed.count:
            return SafeString('<span class="text-body-secondary">0</span>')
        html = f'<a href="{filed.href}">{self._number(filed.count)}</a>'
        if unmet.count:
            html += (
                f' <small>(<a href="{unmet.href}">{self._number(unmet.count)}'
                f'<span class="visually-hidden"> {self.unmet}</span></a>)</small>'
            )
        return SafeString(html)

    def row(self, cells: list[tuple[Link, Link]], total: tuple[Link, Link]) -> SafeString:
        """A line's ``<td>`` elements: one per theme, then the total (the table's style sets them at the end of
        the line, unbroken, the last in bold: ``.needs-matrix`` in ``desk.css``, not a class on each cell)."""
        parts = [f"<td>{self.cell(filed, unmet)}</td>" for filed, unmet in cells]
        parts.append(f"<td>{self.cell(*total)}</td>")
        return SafeString("".join(parts))


@dataclass(frozen=True)
class MedianRow:
    label: str
    median: timedelta | None
    answered: int


@dataclass(frozen=True)
class NeedsPage:
    needs: NeedsMap
    charts: list[Chart]
    matrix: list[MatrixRow]
    totals: list[tuple[Link, Link]]  # per theme, for the table's last line
    total: tuple[Link, Link]
    met: Link
    by_theme_median: list[MedianRow]
    by_quarter_median: list[MedianRow]


NO_LINK = Link(0, "")  # a count of none
NO_LINKS = (NO_LINK, NO_LINK)  # a cell of no request


@lru_cache(maxsize=4096)
def _param(name: str, value: str) -> str:
    """``name=value`` as ``urlencode`` writes it."""
    return urlencode({name: value})


class QueueLinks:
    """Addresses of the hub queue showing exactly the requests a figure counts."""

    def __init__(self, needs: NeedsMap) -> None:
        self.needs = needs
        # A page asks for thousands of addresses (two per cell of the theme × country table): the queue's path
        # and each parameter are encoded once, then joined as ``urlencode`` would join the whole query.
        self.path = reverse("hub-queue") + "?"
        # The management unit's queue spans hubs.
        self.region = (
            f"&{_param('region', str(needs.region_id))}"
            if needs.region_id is not None and needs.hubs is not None
            else ""
        )
        self.periods: dict[int | None, str] = {}
        self.themes: dict[str, tuple[str, str]] = {}  # a theme's part of an address, and the same escaped

    def _period(self, quarter: int | None) -> str:
        found = self.periods.get(quarter)
        if found is None:
            start, _end = quarter_bounds(self.needs.year, quarter or 1)
            _start, end = quarter_bounds(self.needs.year, quarter or 4)
            found = f"&{_param('filed_from', start.isoformat())}&{_param('filed_before', end.isoformat())}"
            self.periods[quarter] = found
        return found

    def url(self, *, theme: str = "", country: str = "", quarter: int | None = None, outcome: str = "") -> str:
        return self._prefix(outcome) + self._filters(theme, country) + self._period(quarter)

    def _prefix(self, outcome: str) -> str:
        return self.path + _param("state", OUTCOME_STATES[outcome]) + self.region

    @staticmethod
    def _filters(theme: str, country: str) -> str:
        return (f"&{_param('theme', theme)}" if theme else "") + (f"&{_param('country', country)}" if country else "")

    def pair(self, counts: Counts, *, theme: str = "", country: str = "") -> tuple[Link, Link]:
        """The cell's two links (the year's requests, and the unmet ones); a count of none links nowhere (the page
        prints it without a link)."""
        return self.row(country, [counts], [theme])[0]

    def row(self, country: str, counts: list[Counts | None], themes: list[str]) -> list[tuple[Link, Link]]:
        """``pair`` for each of a country's cells (``counts``, None for none, in the order of ``themes``; "" for
        no country or theme): the table's hundreds of cells share their parts, so each address is joined from
        parts encoded once, as ``url`` joins them."""
        filed_start, unmet_start = self._prefix(""), self._prefix("unmet")
        filed_start_html, unmet_start_html = escape(filed_start), escape(unmet_start)
        tail = self._filters("", country) + self._period(None)
        tail_html = escape(tail)
        cells = []
        for theme, c in zip(themes, counts, strict=True):
            if c is None:
                cells.append(NO_LINKS)
                continue
            # Escaping replaces characters one by one, so the escaped parts joined are the whole escaped.
            theme_part, theme_html = self._theme_part(theme)
            end, end_html = theme_part + tail, theme_html + tail_html
            cells.append(
                (
                    Link(c.filed, filed_start + end, filed_start_html + end_html) if c.filed else NO_LINK,
                    Link(c.unmet, unmet_start + end, unmet_start_html + end_html) if c.unmet else NO_LINK,
                )
            )
        return cells

    def _theme_part(self, theme: str) -> tuple[str, str]:
        found = self.themes.get(theme)
        if found is None:
            part = self._filters(theme, "")
            found = self.themes[theme] = (part, escape(part))
        return found


@dataclass(frozen=True)
class RenderedNeeds:
    """The needs map as its page shows it: the content rendered once, and the few figures a page reads besides."""

    year: int
    region_id: int | None
    hub: str
    total: Counts
    body: SafeString


def needs_rendered_recent(user: User, *, year: int, region_id: int | None) -> RenderedNeeds:
    """The needs page's content, at most ``FIGURES_SECONDS`` old, as HTML.

    Like the steering figures (``workflows.stats``), a hub's map is the same for everyone who may read it and
    moves slowly; computing it, drawing its two charts and writing a table of every country and theme takes
    100-300 ms at 20,000 requests, and even the figures kept as objects cost 30-50 ms to read back from the cache
    (thousands of objects unpickled). So each process renders the content once per hub (as ``needs_region``
    resolves it: hub staff and the management unit reading one hub share it, since it counts that hub's filed
    requests whoever asks), year, chooser (the management unit's pages have one) and language, and serves it as
    one string. Raises ``Region.DoesNotExist`` as ``needs_map`` does.
    """
    region_id = needs_region(user, region_id)
    chooser = scope(user).management
    key = f"web:needs:v1:{region_id or 'all'}:{year}:{int(chooser)}:{get_language()}"
    kept = cache.get(key)
    if kept is None:
        needs = needs_map(user, year=year, region_id=region_id, lines=False)
        years = years_offered()
        if needs.year not in years:
            years.insert(0, needs.year)
        query = {"year": needs.year, **({"region": needs.region_id} if chooser and needs.region_id else {})}
        context = {"page": needs_page(needs), "years": years, "query": urlencode(query)}
        body = render_to_string("web/hub/needs_body.html", context)
        kept = RenderedNeeds(needs.year, needs.region_id, needs.hub, needs.total, SafeString(body))
        cache.set(key, kept, FIGURES_SECONDS)
    return kept


def needs_page(needs: NeedsMap) -> NeedsPage:
    links = QueueLinks(needs)
    quarters = [(q, c.met, c.unmet, c.open) for q, c in sorted(needs.by_quarter.items())]
    themes = [FigureRow(theme.label, needs.by_theme[theme.key].filed, theme.key) for theme in needs.themes]
    themes.sort(key=lambda row: -(row.count or 0))
    charts = [
        needs_quarter_chart(needs.year, quarters, url_for=lambda q, outcome: links.url(quarter=q, outcome=outcome)),
        ranked_chart(
            "needs-themes",
            gettext("Demand by theme, %(year)s") % {"year": needs.year},
            gettext("Theme"),
            themes,
            url_for=lambda row: links.url(theme=row.key),
        ),
    ]
    writer = CellWriter()
    matrix = []
    theme_keys = [theme.key for theme in needs.themes]
    for country in needs.countries:
        counts = [needs.by_theme_country.get((theme, country.key)) for theme in theme_keys]
        cells = links.row(country.key, counts, theme_keys)
        total = links.pair(needs.by_country[country.key], country=country.key)
        matrix.append(MatrixRow(country.label, cells, total, writer.row(cells, total)))
    return NeedsPage(
        needs=needs,
        charts=charts,
        matrix=matrix,
        totals=[links.pair(needs.by_theme[theme.key], theme=theme.key) for theme in needs.themes],
        total=links.pair(needs.total),
        met=Link(needs.total.met, links.url(outcome="met") if needs.total.met else ""),
        by_theme_median=theme_medians(needs),
        by_quarter_median=quarter_medians(needs),
    )


def theme_medians(needs: NeedsMap) -> list[MedianRow]:
    return [
        MedianRow(theme.label, needs.median_by_theme.get(theme.key), needs.answered_by_theme.get(theme.key, 0))
        for theme in needs.themes
    ]


def quarter_medians(needs: NeedsMap) -> list[MedianRow]:
    return [
        MedianRow(quarter_label(needs.year, q), needs.median_by_quarter.get(q), needs.answered_by_quarter.get(q, 0))
        for q in QUARTERS
    ]


# --- the exports -------------------------------------------------------------------------------------------


# A spreadsheet's cell: a label, a count, a number of days, or empty.
Cell = str | int | float | None


def export_header() -> list[Cell]:
    return [
        gettext("Hub"),
        gettext("Country"),
        gettext("Theme"),
        gettext("Quarter"),
        pgettext("requests", "Filed"),
        gettext("Met (delivered or closed)"),
        gettext("Unmet (declined or withdrawn)"),
        gettext("In progress"),
    ]


def export_rows(needs: NeedsMap) -> list[list[Cell]]:
    """One line per country, theme and quarter with demand (countries by name, themes in the catalogue's order),
    then the year's total per country and theme."""
    hub = needs.hub or gettext("Every hub")
    rows: list[list[Cell]] = []
    for country in needs.countries:
        for theme in needs.themes:
            if not needs.counts(theme.key, country.key).filed:
                continue
            for quarter in QUARTERS:
                c = needs.cell(theme.key, country.key, quarter)
                if c.filed:
                    label = quarter_label(needs.year, quarter)
                    rows.append([hub, country.label, theme.label, label, c.filed, c.met, c.unmet, c.open])
            c = needs.counts(theme.key, country.key)
            rows.append([hub, country.label, theme.label, str(needs.year), c.filed, c.met, c.unmet, c.open])
    return rows


def median_days(value: timedelta | None) -> float | None:
    """A median as days with one decimal, as a spreadsheet sums and charts it."""
    return None if value is None else round(value.total_seconds() / 86400, 1)
