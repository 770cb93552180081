"""The figures pages' charts: accessible SVG drawn on the server by pygal, each with the table it draws.

Why inline SVG with pygal's own ``<style>`` and ``<script>`` taken out (rather than a nonce, or one SVG file
per chart behind ``<img>``): the pages' Content-Security-Policy allows no inline script and no style without a
nonce. An inline chart styled by ``desk.css`` (``.desk-chart``) needs neither, follows the page's colours and
fonts, keeps its text real text in the reader's language, costs no further request, and its bars can link to
the queue they count (the management unit's drill-down), which an ``<img>`` cannot. pygal's script only drew
tooltips: each bar gets an SVG ``<title>`` instead, which browsers show on hover without any script.

Every chart is ``role="img"`` (``role="group"`` when its bars link) named by its ``<title>`` and described
by a ``<desc>`` that reads its figures; its data table (``Chart.rows``) follows it on the page, so nothing
is only in the picture. A count the steering committee may not see (``workflows.stats.figures_suppressed``)
is drawn as no bar and reads "fewer than 5".
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pygal
from django.core.cache import cache
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, pgettext
from pygal.style import Style

from workflows.outcome_stats import OutcomeFigures
from workflows.stats import FIGURES_SECONDS, SMALL_COUNT, FigureRow, FundRow, MonthRow, SteeringFigures

WIDTH = 440  # the drawing's own units: it scales to its column (a phone's 330 px or a desktop's half page)
BAR_ROW = 30  # height per line of a horizontal bar chart
FONT = 14  # the same size in desk.css, so that pygal's layout leaves the right room for the labels
LABEL_CHARACTERS = 24  # longer axis labels are cut (with "…"); the table and the bar's tooltip say them whole
_STYLE = Style(
    font_family="system-ui, sans-serif",
    label_font_size=FONT,
    major_label_font_size=FONT,
    legend_font_size=FONT,
    title_font_size=FONT,
    value_font_size=FONT,
    tooltip_font_size=FONT,
    no_data_font_size=FONT * 2,
)
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


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


def _labels(ticks: Sequence[float]) -> list[dict[str, Any]]:
    return [{"value": tick, "label": number_format(tick, decimal_pos=0, force_grouping=True)} for tick in ticks]


def _cut(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def _config(**more: Any) -> dict[str, Any]:
    return {
        "js": [],  # no script: nothing the page's policy would refuse, and the chart reads without it
        "width": WIDTH,
        "explicit_size": False,  # a viewBox only: the chart is as wide as its column
        "disable_xml_declaration": True,
        "style": _STYLE,
        "margin": 6,
        "spacing": 8,
        "truncate_label": -1,  # labels are cut by ``_cut``, values never
        "truncate_legend": -1,
        # The legend is the page's (``Chart.legend``): HTML text wraps, and reads in the page's direction.
        "show_legend": False,
        "no_data_text": gettext("Nothing yet."),
        "margin_right": 28,  # room for the last value label, centred on the end of the axis
        **more,
    }


def _clean(chart: pygal.graph.graph.Graph, *, key: str, title: str, description: str) -> SafeString:
    """pygal's drawing with its style, script, comments and data-for-script removed, a title and description
    of our own, and a hover title on each bar."""
    root = chart.render_tree()
    tips = []
    for bar in root.iter("g"):
        if "bar" in bar.get("class", "").split():
            holder = bar.find("a")
            holder = holder if holder is not None else bar
            texts = {d.get("class", ""): d.text or "" for d in holder.iter("desc")}
            name = texts.get("label") or texts.get("x_label")
            if name:
                tips.append((holder, f"{name}: {texts.get('value', '')}"))
    for parent in [root, *root.iter()]:
        for child in list(parent):
            if (
                not isinstance(child.tag, str)  # pygal's comments (its version and today's date)
                or child.tag in {"defs", "desc", "title"}  # the <style> and <script>; data for the script
                or (child.tag == "g" and "tooltip-overlay" in child.get("class", ""))  # the script's tooltip box
            ):
                parent.remove(child)
    for holder, text in tips:
        tip = ET.Element("title")
        tip.text = text
        holder.insert(0, tip)
    linked = False
    for element in root.iter():
        element.attrib.pop("style", None)
        element.attrib.pop("id", None)  # pygal's legend ids repeat from one chart to the next
        if element.tag == "a" and XLINK_HREF in element.attrib:
            # Keyboard and screen-reader users follow the same link from the table (a link inside an image
            # would be a control nobody can name), so the bar is for pointers only.
            element.set("href", element.attrib.pop(XLINK_HREF))
            element.set("tabindex", "-1")
            element.set("aria-hidden", "true")
            linked = True
    base = f"chart-{key}"
    root.set("id", base)
    root.set("class", "desk-chart-svg")
    # An image's content is presentational, and a link inside it is a control nested in one (axe's
    # nested-interactive); a chart whose bars link is a named group of the same drawing instead.
    root.set("role", "group" if linked else "img")
    root.set("aria-labelledby", f"{base}-title")
    root.set("aria-describedby", f"{base}-desc")
    own_title = ET.Element("title", id=f"{base}-title")
    own_title.text = title
    desc = ET.Element("desc", id=f"{base}-desc")
    desc.text = description
    root.insert(0, own_title)
    root.insert(1, desc)
    # ElementTree escapes every text and attribute it writes: the labels (hub names) cannot become markup.
    return mark_safe(ET.tostring(root, encoding="unicode"))


def _bar_value(count: float | None, url: str, label: str) -> dict[str, Any]:
    # ``label``: the bar's whole name for its hover title (the axis may show it cut).
    value: dict[str, Any] = {"value": count, "label": label}
    if url and count is not None:
        value["xlink"] = {"href": url}
    return value


def ranked_chart(
    key: str, title: str, group: str, rows: Sequence[FigureRow], *, url_for: Callable[[FigureRow], str] | None = None
) -> Chart:
    """Horizontal bars, one per line (a hub, a theme, a priority), biggest first."""
    urls = [url_for(row) if url_for else "" for row in rows]
    highest = max((row.count or 0 for row in rows), default=0)
    chart = pygal.HorizontalBar(
        **_config(
            height=max(len(rows), 1) * BAR_ROW + 70,
            y_labels=_labels(_ticks(highest)),
            value_formatter=lambda v: number_format(v, force_grouping=True),
        )
    )
    # pygal draws the first category at the bottom: given in reverse, the biggest reads first, as in the table.
    chart.x_labels = [_cut(row.label) for row in reversed(rows)]
    chart.add(
        gettext("Requests"),
        [_bar_value(row.count, url, row.label) for row, url in zip(reversed(rows), reversed(urls), strict=True)],
    )
    description = "; ".join(f"{row.label}: {count_text(row.count)}" for row in rows) or gettext("Nothing yet.")
    table = [TableRow(row.label, [count_text(row.count)], url) for row, url in zip(rows, urls, strict=True)]
    if rows and all(row.count is None for row in rows):
        # Nothing to draw but suppressed counts: the page says so instead of an empty frame.
        note = gettext("Every count here is fewer than %(n)s.") % {"n": number_format(SMALL_COUNT)}
        return Chart(key, title, description, SafeString(""), [gettext("Requests")], group, table, note=note)
    svg = _clean(chart, key=key, title=title, description=description)
    return Chart(key, title, description, svg, [gettext("Requests")], group, table)


def month_chart(months: Sequence[MonthRow]) -> Chart:
    """Requests filed and closed in each of the last twelve months: pairs of columns, oldest month first."""
    filed, closed = pgettext("requests", "Filed"), pgettext("requests", "Closed")
    title = gettext("Requests filed and closed, month by month")
    highest = max((max(m.filed or 0, m.closed or 0) for m in months), default=0)
    chart = pygal.Bar(
        **_config(
            height=300,
            x_label_rotation=-60,
            y_labels=_labels(_ticks(highest)),
            value_formatter=lambda v: number_format(v, force_grouping=True),
        )
    )
    # The month's short name on the axis (its year in the table and the description), in the reader's language.
    chart.x_labels = [date_format(m.month, "M") for m in months]
    long_names = [date_format(m.month, "YEAR_MONTH_FORMAT") for m in months]
    chart.add(filed, [_bar_value(m.filed, "", f"{name}, {filed}") for name, m in zip(long_names, months, strict=True)])
    chart.add(
        closed, [_bar_value(m.closed, "", f"{name}, {closed}") for name, m in zip(long_names, months, strict=True)]
    )
    description = "; ".join(
        f"{name}: {filed} {count_text(m.filed)}, {closed} {count_text(m.closed)}"
        for name, m in zip(long_names, months, strict=True)
    )
    rows = [
        TableRow(name, [count_text(m.filed), count_text(m.closed)]) for name, m in zip(long_names, months, strict=True)
    ]
    svg = _clean(chart, key="months", title=title, description=description)
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
        chart = pygal.HorizontalBar(
            **_config(
                height=len(lines) * BAR_ROW * 2 + 70,
                y_labels=_labels(_ticks(highest)),
                value_formatter=lambda v: number_format(v, decimal_pos=0, force_grouping=True),
            )
        )
        chart.x_labels = [_cut(row.label) for row in reversed(lines)]
        chart.add(
            envelope,
            [
                _bar_value(float(row.envelope), url, f"{row.label}, {envelope}")
                for row, url in zip(reversed(lines), reversed(urls), strict=True)
            ],
        )
        chart.add(
            committed,
            [
                _bar_value(
                    float(row.committed) if row.committed is not None else None, url, f"{row.label}, {committed}"
                )
                for row, url in zip(reversed(lines), reversed(urls), strict=True)
            ],
        )
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
        svg = _clean(chart, key=key, title=title, description=description)
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
    chart = pygal.HorizontalBar(
        **_config(
            height=max(len(rows), 1) * BAR_ROW * 2 + 70,
            y_labels=_labels(_ticks(highest)),
            value_formatter=lambda v: number_format(v, force_grouping=True),
        )
    )
    chart.x_labels = [_cut(row.label) for row in reversed(rows)]
    chart.add(planned, [_bar_value(row.planned, "", f"{row.label}, {planned}") for row in reversed(rows)])
    chart.add(reached, [_bar_value(row.reached, "", f"{row.label}, {reached}") for row in reversed(rows)])
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
    svg = _clean(chart, key="outcomes", title=title, description=description)
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
    minutes), language and page: drawing the five charts takes pygal some 90 ms, which every reader of the
    figures pages would otherwise wait for."""
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
    chart = pygal.StackedBar(
        **_config(height=300, y_labels=_labels(_ticks(highest)), value_formatter=lambda v: number_format(v))
    )
    labels = [quarter_label(year, q) for q, *_counts in quarters]
    chart.x_labels = labels
    for index, (name, outcome) in enumerate(zip(names, outcomes, strict=True)):
        chart.add(
            name,
            [
                _bar_value(line[index + 1], url_for(line[0], outcome), f"{label}, {name}")
                for label, line in zip(labels, quarters, strict=True)
            ],
        )
    description = "; ".join(
        f"{label}: {met} {count_text(m)}, {unmet} {count_text(u)}, {still_open} {count_text(o)}"
        for label, (_q, m, u, o) in zip(labels, quarters, strict=True)
    )
    filed = pgettext("requests", "Filed")
    rows = [
        TableRow(label, [count_text(m + u + o), count_text(m), count_text(u), count_text(o)], url_for(q, ""))
        for label, (q, m, u, o) in zip(labels, quarters, strict=True)
    ]
    svg = _clean(chart, key="quarters", title=title, description=description)
    return Chart("quarters", title, description, svg, [filed, *names], gettext("Quarter"), rows, legend=names)
