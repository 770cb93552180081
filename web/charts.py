"""The figures pages' charts: accessible SVG drawn on the server, each with the table it draws.

Each function here says what a chart shows (a ``web.chart_svg.Drawing``: its bars, labels, axis and links) and
``web.chart_svg`` writes it, as pygal drew it before (the tests draw both and compare them).

Why inline SVG without style or script (rather than a nonce, or one SVG file per chart behind ``<img>``): the
pages' Content-Security-Policy allows no inline script and no style without a nonce. An inline chart styled by
``desk.css`` (``.desk-chart``) needs neither, follows the page's colours and fonts, keeps its text real text in
the reader's language, costs no further request, and its bars can link to the queue they count (the management
unit's drill-down), which an ``<img>`` cannot. Each bar has an SVG ``<title>``, which browsers show on hover
without any script.

Every chart is ``role="img"`` (``role="group"`` when its bars link) named by its ``<title>`` and described
by a ``<desc>`` that reads its figures; its data table (``Chart.rows``) follows it on the page, so nothing
is only in the picture. A count the steering committee may not see (``workflows.stats.figures_suppressed``)
is drawn as no bar and reads "fewer than 5".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlencode

from django.core.cache import cache
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, pgettext

from web.chart_svg import Bar, Drawing, chart_svg
from workflows.outcome_stats import OutcomeFigures
from workflows.stats import FIGURES_SECONDS, SMALL_COUNT, FigureRow, FundRow, MonthRow, SteeringFigures

BAR_ROW = 30  # height per line of a horizontal bar chart
LABEL_CHARACTERS = 24  # longer axis labels are cut (with "…"); the table and the bar's tooltip say them whole


@dataclass(frozen=True)
class TableRow:
    label: str
    cells: list[str]
    url: str = ""  # the matching queue (management only)


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    description: str  # the figures in words: the chart's accessible description
    svg: SafeString
    columns: list[str]  # the table's headers after the first (the groups')
    group: str  # the first column's header
    rows: list[TableRow]
    legend: list[str] | None = None  # the series' names, in colour order, when there are several
    note: str = ""  # said in place of the drawing when it would draw nothing


def count_text(count: int | None) -> str:
    """A count as the page prints it; a suppressed one as "fewer than 5"."""
    if count is None:
        return gettext("fewer than %(n)s") % {"n": number_format(SMALL_COUNT)}
    return _grouped_count(count, get_language())


@lru_cache(maxsize=4096)
def _grouped_count(count: int, language: str | None) -> str:
    # ``number_format`` reads the language's format settings on every call (some 10 µs): a figures page prints
    # hundreds of counts, mostly the same few, in its charts' titles and tables.
    return number_format(count, force_grouping=True)


def amount_text(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return gettext("not shown (fewer than %(n)s grants)") % {"n": number_format(SMALL_COUNT)}
    return f"{number_format(amount, decimal_pos=0, force_grouping=True)} {currency}"


def _ticks(highest: float) -> list[float]:
    """At most six round values from 0 past ``highest``: 0, 2, 4…; 0, 5000, 10000…"""
    if highest <= 0:
        return [0, 1]
    magnitude = 10 ** math.floor(math.log10(highest))
    step = next(m * magnitude for m in (0.1, 0.2, 0.5, 1, 2, 5, 10) if highest / (m * magnitude) <= 5)
    step = max(step, 1)
    top = math.ceil(highest / step) * step
    return [i * step for i in range(int(top / step) + 1)]


def _labels(ticks: Sequence[float]) -> list[tuple[float, str]]:
    return [(tick, number_format(tick, decimal_pos=0, force_grouping=True)) for tick in ticks]


def _cut(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def _bar(count: float | None, url: str, label: str, text: Callable[[float], str]) -> Bar:
    # ``label``: the bar's whole name for its hover title (the axis may show it cut); no link without a bar.
    return Bar(count, f"{label}: {text(count)}" if count is not None else label, url if count is not None else "")


def _grouped(value: float) -> str:
    return count_text(value) if isinstance(value, int) else number_format(value, force_grouping=True)


def ranked_chart(
    key: str, title: str, group: str, rows: Sequence[FigureRow], *, url_for: Callable[[FigureRow], str] | None = None
) -> Chart:
    """Horizontal bars, one per line (a hub, a theme, a priority), biggest first."""
    urls = [url_for(row) if url_for else "" for row in rows]
    highest = max((row.count or 0 for row in rows), default=0)
    description = "; ".join(f"{row.label}: {count_text(row.count)}" for row in rows) or gettext("Nothing yet.")
    table = [TableRow(row.label, [count_text(row.count)], url) for row, url in zip(rows, urls, strict=True)]
    if rows and all(row.count is None for row in rows):
        # Nothing to draw but suppressed counts: the page says so instead of an empty frame.
        note = gettext("Every count here is fewer than %(n)s.") % {"n": number_format(SMALL_COUNT)}
        return Chart(key, title, description, SafeString(""), [gettext("Requests")], group, table, note=note)
    svg = chart_svg(
        Drawing(
            key=key,
            title=title,
            description=description,
            layout="horizontal",
            height=max(len(rows), 1) * BAR_ROW + 70,
            categories=[_cut(row.label) for row in rows],
            series=[[_bar(row.count, url, row.label, _grouped) for row, url in zip(rows, urls, strict=True)]],
            ticks=_labels(_ticks(highest)),
        )
    )
    return Chart(key, title, description, svg, [gettext("Requests")], group, table)


def month_chart(months: Sequence[MonthRow]) -> Chart:
    """Requests filed and closed in each of the last twelve months: pairs of columns, oldest month first."""
    filed, closed = pgettext("requests", "Filed"), pgettext("requests", "Closed")
    title = gettext("Requests filed and closed, month by month")
    highest = max((max(m.filed or 0, m.closed or 0) for m in months), default=0)
    long_names = [date_format(m.month, "YEAR_MONTH_FORMAT") for m in months]
    description = "; ".join(
        f"{name}: {filed} {count_text(m.filed)}, {closed} {count_text(m.closed)}"
        for name, m in zip(long_names, months, strict=True)
    )
    rows = [
        TableRow(name, [count_text(m.filed), count_text(m.closed)]) for name, m in zip(long_names, months, strict=True)
    ]
    svg = chart_svg(
        Drawing(
            key="months",
            title=title,
            description=description,
            layout="vertical",
            height=300,
            # The month's short name on the axis (its year in the table and the description), in the reader's
            # language.
            categories=[date_format(m.month, "M") for m in months],
            series=[
                [_bar(m.filed, "", f"{name}, {filed}", _grouped) for name, m in zip(long_names, months, strict=True)],
                [_bar(m.closed, "", f"{name}, {closed}", _grouped) for name, m in zip(long_names, months, strict=True)],
            ],
            ticks=_labels(_ticks(highest)),
            rotate_labels=True,
        )
    )
    return Chart("months", title, description, svg, [filed, closed], gettext("Month"), rows, legend=[filed, closed])


def fund_charts(
    rows: Sequence[FundRow], fiscal_year: int | None, *, url_for: Callable[[int], str] | None
) -> list[Chart]:
    """Each hub's envelope against what is committed from it, one chart per currency (amounts in different
    currencies are never drawn on one axis)."""
    charts = []
    for currency in sorted({row.currency for row in rows}):
        lines = [row for row in rows if row.currency == currency]
        urls = [url_for(row.region_id) if url_for else "" for row in lines]
        envelope, committed = gettext("Envelope"), gettext("Committed")
        title = gettext("Fund committed against envelopes, %(year)s (%(currency)s)") % {
            "year": fiscal_year,
            "currency": currency,
        }
        highest = float(max((row.envelope for row in lines), default=Decimal(0)))

        def whole(value: float) -> str:
            return number_format(value, decimal_pos=0, force_grouping=True)

        description = "; ".join(
            f"{row.label}: {envelope} {amount_text(row.envelope, currency)}, "
            f"{committed} {amount_text(row.committed, currency)}"
            for row in lines
        )
        table = [
            TableRow(row.label, [amount_text(row.envelope, currency), amount_text(row.committed, currency)], url)
            for row, url in zip(lines, urls, strict=True)
        ]
        key = f"fund-{currency.lower()}"
        svg = chart_svg(
            Drawing(
                key=key,
                title=title,
                description=description,
                layout="horizontal",
                height=len(lines) * BAR_ROW * 2 + 70,
                categories=[_cut(row.label) for row in lines],
                series=[
                    [
                        _bar(float(row.envelope), url, f"{row.label}, {envelope}", whole)
                        for row, url in zip(lines, urls, strict=True)
                    ],
                    [
                        _bar(
                            float(row.committed) if row.committed is not None else None,
                            url,
                            f"{row.label}, {committed}",
                            whole,
                        )
                        for row, url in zip(lines, urls, strict=True)
                    ],
                ],
                ticks=_labels(_ticks(highest)),
            )
        )
        charts.append(
            Chart(
                key, title, description, svg, [envelope, committed], gettext("Hub"), table, legend=[envelope, committed]
            )
        )
    return charts


def charts_recent(key: str, computed_at: datetime | None, draw: Callable[[], list[Chart]]) -> list[Chart]:
    """``draw()``'s charts, drawn once per computation of the figures they show (``computed_at``), ``key`` (the
    page and its copy) and language, like ``figures_charts_recent``."""
    stamp = computed_at.isoformat() if computed_at else "now"
    cache_key = f"web:charts:v1:{key}:{stamp}:{get_language()}"
    charts = cache.get(cache_key)
    if charts is None:
        charts = draw()
        cache.set(cache_key, charts, FIGURES_SECONDS)
    return charts


def outcome_chart_recent(figures: OutcomeFigures) -> Chart:
    """``outcome_chart``, drawn once per computation of the figures, copy and language (like the others)."""
    stamp = figures.computed_at.isoformat() if figures.computed_at else "now"
    key = f"web:outcome-chart:v1:{stamp}:{int(figures.suppressed)}:{get_language()}"
    chart = cache.get(key)
    if chart is None:
        chart = outcome_chart(figures)
        cache.set(key, chart, FIGURES_SECONDS)
    return chart


def outcome_chart(figures: OutcomeFigures) -> Chart:
    """Per key indicator, the requests that planned it against those that reached their target (the city's
    confirmed value, else the delivered one), in the catalogue's order (by strategic priority)."""
    planned, reached = gettext("Planned"), gettext("Target reached")
    title = gettext("Key indicators: requests that planned them and reached their target")
    rows = [row for row in figures.rows if row.planned != 0]
    highest = max((row.planned or 0 for row in rows), default=0)
    description = "; ".join(
        f"{row.label}: {planned} {count_text(row.planned)}, {reached} {count_text(row.reached)}" for row in rows
    ) or gettext("Nothing yet.")
    table = [TableRow(row.label, [count_text(row.planned), count_text(row.reached)]) for row in rows]
    columns = [planned, reached]
    if not rows:
        return Chart(
            "outcomes",
            title,
            description,
            SafeString(""),
            columns,
            gettext("Key indicator"),
            table,
            note=gettext("No request has planned a key indicator yet."),
        )
    if all(row.planned is None for row in rows):
        note = gettext("Every count here is fewer than %(n)s.") % {"n": number_format(SMALL_COUNT)}
        return Chart(
            "outcomes", title, description, SafeString(""), columns, gettext("Key indicator"), table, note=note
        )
    svg = chart_svg(
        Drawing(
            key="outcomes",
            title=title,
            description=description,
            layout="horizontal",
            height=max(len(rows), 1) * BAR_ROW * 2 + 70,
            categories=[_cut(row.label) for row in rows],
            series=[
                [_bar(row.planned, "", f"{row.label}, {planned}", _grouped) for row in rows],
                [_bar(row.reached, "", f"{row.label}, {reached}", _grouped) for row in rows],
            ],
            ticks=_labels(_ticks(highest)),
        )
    )
    return Chart(
        "outcomes", title, description, svg, columns, gettext("Key indicator"), table, legend=[planned, reached]
    )


def queue_url(**filters: object) -> str:
    """The hub queue showing every state's requests that match ``filters`` (a figure's drill-down)."""
    return _queue_url(**filters)


def _queue_url(**filters: object) -> str:
    # "state" given empty: every state (the queue opens on open requests when it is absent).
    return reverse("hub-queue") + "?" + urlencode({**filters, "state": ""})


def figures_charts_recent(figures: SteeringFigures, *, drill_down: bool) -> list[Chart]:
    """``figures_charts``, drawn once per computation of the figures (``workflows.stats`` keeps those five
    minutes), language and page: a page's charts are drawn once for all its readers (pygal took some 90 ms for
    the five; ``web.chart_svg`` writes them in about a millisecond)."""
    stamp = figures.computed_at.isoformat() if figures.computed_at else "now"
    key = f"web:figures-charts:v1:{stamp}:{int(figures.suppressed)}:{int(drill_down)}:{get_language()}"
    charts = cache.get(key)
    if charts is None:
        charts = figures_charts(figures, drill_down=drill_down)
        cache.set(key, charts, FIGURES_SECONDS)
    return charts


def figures_charts(figures: SteeringFigures, *, drill_down: bool) -> list[Chart]:
    """The figures pages' charts, in reading order. ``drill_down``: bars and table lines link to the matching
    hub queue (the management unit's page; the steering committee has no queue)."""
    by_hub = (lambda row: _queue_url(region=row.key)) if drill_down else None
    by_theme = (lambda row: _queue_url(theme=row.key)) if drill_down else None
    charts = [
        month_chart(figures.by_month),
        ranked_chart("hubs", gettext("Requests by hub"), gettext("Hub"), figures.by_region, url_for=by_hub),
        ranked_chart("themes", gettext("Requests by theme"), gettext("Theme"), figures.by_theme, url_for=by_theme),
        # The queue has no filter by priority: this chart has no drill-down.
        ranked_chart(
            "priorities", gettext("Requests by strategic priority"), gettext("Strategic priority"), figures.by_priority
        ),
    ]
    fund_url = (lambda region_id: _queue_url(region=region_id, funding="on")) if drill_down else None
    charts += fund_charts(figures.fund, figures.fiscal_year, url_for=fund_url)
    return charts


def quarter_label(year: int, quarter: int) -> str:
    """A calendar quarter as a reader names it: "Q1 2026", "T1 2026"."""
    return gettext("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year}


def needs_quarter_chart(
    year: int, quarters: Sequence[tuple[int, int, int, int]], *, url_for: Callable[[int, str], str]
) -> Chart:
    """Requests filed in each quarter of ``year``, stacked by how they stand: met, unmet, in progress.
    ``quarters``: (quarter, met, unmet, open); ``url_for(quarter, outcome)``: the matching queue."""
    met, unmet, still_open = gettext("Met"), gettext("Unmet"), gettext("In progress")
    names = [met, unmet, still_open]
    outcomes = ["met", "unmet", "open"]
    title = gettext("Demand by quarter, %(year)s") % {"year": year}
    highest = max((m + u + o for _q, m, u, o in quarters), default=0)
    labels = [quarter_label(year, q) for q, *_counts in quarters]
    series = [
        [
            _bar(line[index + 1], url_for(line[0], outcome), f"{label}, {name}", number_format)
            for label, line in zip(labels, quarters, strict=True)
        ]
        for index, (name, outcome) in enumerate(zip(names, outcomes, strict=True))
    ]
    description = "; ".join(
        f"{label}: {met} {count_text(m)}, {unmet} {count_text(u)}, {still_open} {count_text(o)}"
        for label, (_q, m, u, o) in zip(labels, quarters, strict=True)
    )
    filed = pgettext("requests", "Filed")
    rows = [
        TableRow(label, [count_text(m + u + o), count_text(m), count_text(u), count_text(o)], url_for(q, ""))
        for label, (q, m, u, o) in zip(labels, quarters, strict=True)
    ]
    svg = chart_svg(
        Drawing(
            key="quarters",
            title=title,
            description=description,
            layout="stacked",
            height=300,
            categories=labels,
            series=series,
            ticks=_labels(_ticks(highest)),
        )
    )
    return Chart("quarters", title, description, svg, [filed, *names], gettext("Quarter"), rows, legend=names)
