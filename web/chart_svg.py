"""The figures pages' bar charts written as SVG text here, rather than drawn by pygal (a speed device).

Why: pygal took 8-14 ms a chart (its configuration is read through a ``__getattribute__`` on every access, and
its tree was then cleaned of style and script, ``web.charts`` before this module), so the steering page's six
charts cost 50-55 ms of the 85 ms it took with an empty cache, against its target of ten times the floor
(``make bench`` ``steering_aggregates``, 24× the floor at 10,000 and at 100,000 requests). Writing the same
drawing as text takes well under a millisecond a chart.

What it writes is what the pages showed with pygal, in the same classes (``desk.css`` styles ``.desk-chart-svg``
by pygal's class names): the same title and description, the same bars in the same series and colours, of the
same lengths against the same axis, with the same hover titles and links, and the same labels.
``tests/web/test_chart_svg.py`` draws each chart both ways and compares them bar by bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString
from django.utils.translation import gettext

WIDTH = 440  # the drawing's own units: it scales to its column (a phone's 330 px or a desktop's half page)
MARGIN = 6
MARGIN_RIGHT = 28  # room for the last value label, centred on the end of the axis
AXIS_ROW = 28  # below the plot: the tick or category labels
ROTATED_ROW = 40  # the same, for labels turned 60 degrees (month names)
CHARACTER = 8  # the width of a character of the 14 px labels, as the labels' room is reckoned
PAD = 0.02  # of the plot, between the axis and the first and last ticks
BAND = 0.8  # of a category's room taken by its bars


@dataclass(frozen=True)
class Bar:
    value: float | None  # None: not drawn (a count the reader may not see)
    title: str  # the hover title: the bar's whole name and its value as the page prints it
    url: str = ""  # where the bar leads (the management unit's drill-down)


@dataclass(frozen=True)
class Drawing:
    """A bar chart: ``categories`` in reading order (top to bottom, or left to right), and per series one bar a
    category in the same order."""

    key: str
    title: str
    description: str
    layout: str  # "horizontal", "vertical" (a series' bars side by side) or "stacked" (vertical, piled up)
    height: int
    categories: list[str]
    series: list[list[Bar]]
    ticks: list[tuple[float, str]]  # the value axis: (value, label), from 0 up
    rotate_labels: bool = False


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _bar(bar: Bar, x: float, y: float, width: float, height: float) -> str:
    rect = f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" class="rect" />'
    tip = f"<title>{escape(bar.title)}</title>"
    if bar.url:
        # Keyboard and screen-reader users follow the same link from the table (a link inside an image would be a
        # control nobody can name), so the bar is for pointers only.
        return f'<g class="bar"><a href="{escape(bar.url)}" tabindex="-1" aria-hidden="true">{tip}{rect}</a></g>'
    return f'<g class="bar">{tip}{rect}</g>'


def _series(index: int, bars: list[str]) -> str:
    if not bars:
        return ""
    return f'<g class="series serie-{index} color-{index}"><g class="bars">{"".join(bars)}</g></g>'


def _label_room(labels: Sequence[str]) -> float:
    return max((len(label) for label in labels), default=1) * CHARACTER + 12


def _horizontal(drawing: Drawing) -> tuple[str, float, str]:
    left = MARGIN + _label_room(drawing.categories)
    plot_w = WIDTH - left - MARGIN_RIGHT
    plot_h = drawing.height - MARGIN - AXIS_ROW
    top = drawing.ticks[-1][0] or 1
    pad = plot_w * PAD

    def x(value: float) -> float:
        return pad + value / top * (plot_w - 2 * pad)

    band = plot_h / max(len(drawing.categories), 1)
    parts = ['<g class="axis y">']
    for i, label in enumerate(drawing.categories):
        parts.append(f'<g class="guides"><text x="-5" y="{_n(band * i + band / 2 + 5)}">{escape(label)}</text></g>')
    parts.append('</g><g class="axis x always_show">')
    for i, (value, label) in enumerate(drawing.ticks):
        line = "axis major line" if i == 0 else "major guide line"
        parts.append(
            f'<g class="guides"><path d="M{_n(x(value))} 0 v{_n(plot_h)}" class="{line}" />'
            f'<text x="{_n(x(value))}" y="{_n(plot_h + 17)}" class="major">{escape(label)}</text></g>'
        )
    parts.append("</g>")
    count = max(len(drawing.series), 1)
    height = band * BAND / count
    for k, bars in enumerate(drawing.series):
        drawn = [
            _bar(bar, x(0), band * i + band * (1 - BAND) / 2 + height * k, x(bar.value) - x(0), height)
            for i, bar in enumerate(bars)
            if bar.value is not None
        ]
        parts.append(_series(k, drawn))
    return f"translate({_n(left)}, {MARGIN})", plot_w, "".join(parts)


def _vertical(drawing: Drawing) -> tuple[str, float, str]:
    left = MARGIN + _label_room([label for _value, label in drawing.ticks])
    plot_w = WIDTH - left - MARGIN_RIGHT
    plot_h = drawing.height - MARGIN - (ROTATED_ROW if drawing.rotate_labels else AXIS_ROW)
    top = drawing.ticks[-1][0] or 1
    pad = plot_h * PAD

    def y(value: float) -> float:
        return plot_h - pad - value / top * (plot_h - 2 * pad)

    band = plot_w / max(len(drawing.categories), 1)
    parts = ['<g class="axis y always_show">']
    for i, (value, label) in enumerate(drawing.ticks):
        line = "axis major line" if i == 0 else "guide line"
        parts.append(
            f'<g class="guides"><path d="M0 {_n(y(value))} h{_n(plot_w)}" class="{line}" />'
            f'<text x="-5" y="{_n(y(value) + 5)}">{escape(label)}</text></g>'
        )
    parts.append('</g><g class="axis x"><path d="M0 0 v' + _n(plot_h) + '" class="line" />')
    for i, label in enumerate(drawing.categories):
        middle, below = band * i + band / 2, plot_h + 17
        turned = f' class="backwards" transform="rotate(300 {_n(middle)} {_n(below)})"' if drawing.rotate_labels else ""
        parts.append(
            f'<g class="guides"><path d="M{_n(middle)} 0 v{_n(plot_h)}" class="guide line" />'
            f'<text x="{_n(middle)}" y="{_n(below)}"{turned}>{escape(label)}</text></g>'
        )
    parts.append("</g>")
    stacked = drawing.layout == "stacked"
    count = 1 if stacked else max(len(drawing.series), 1)
    width = band * BAND / count
    piled = [0.0] * len(drawing.categories)
    for k, bars in enumerate(drawing.series):
        drawn = []
        for i, bar in enumerate(bars):
            if bar.value is None:
                continue
            base = piled[i] if stacked else 0.0
            end = base + bar.value
            left_x = band * i + band * (1 - BAND) / 2 + (0 if stacked else width * k)
            drawn.append(_bar(bar, left_x, y(end), width, y(base) - y(end)))
            if stacked:
                piled[i] = end
        parts.append(_series(k, drawn))
    return f"translate({_n(left)}, {MARGIN})", plot_w, "".join(parts)


def chart_svg(drawing: Drawing) -> SafeString:
    """The chart as an inline ``<svg>``: ``role="img"`` named by its title and described by its figures, or
    ``role="group"`` when its bars link (an image's content is presentational, and a link inside one is a control
    nested in it, axe's nested-interactive)."""
    translate, plot_w, plot = (_horizontal if drawing.layout == "horizontal" else _vertical)(drawing)
    if not any(bar.value is not None for bars in drawing.series for bar in bars):
        # Nothing to draw: said in the middle of the empty frame.
        rows = AXIS_ROW + MARGIN + (ROTATED_ROW - AXIS_ROW if drawing.rotate_labels else 0)
        middle = (drawing.height - rows) / 2
        plot += f'<text x="{_n(plot_w / 2)}" y="{_n(middle)}" class="no_data">{escape(gettext("Nothing yet."))}</text>'

    linked = any(bar.url and bar.value is not None for bars in drawing.series for bar in bars)
    base = f"chart-{drawing.key}"
    graph = {"horizontal": "horizontalbar-graph horizontal", "vertical": "bar-graph vertical"}.get(
        drawing.layout, "stackedbar-graph vertical"
    )
    return SafeString(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="desk-chart-svg" viewBox="0 0 {WIDTH} {drawing.height}"'
        f' id="{base}" role="{"group" if linked else "img"}" aria-labelledby="{base}-title"'
        f' aria-describedby="{base}-desc">'
        f'<title id="{base}-title">{escape(drawing.title)}</title>'
        f'<desc id="{base}-desc">{escape(drawing.description)}</desc>'
        f'<g class="graph {graph}"><rect x="0" y="0" width="{WIDTH}" height="{drawing.height}" class="background" />'
        f'<g transform="{translate}" class="plot">{plot}</g></g></svg>'
    )
