"""The plain version of ``web.chart_svg``: the same ``Drawing`` drawn by pygal as the figures pages drew it before
(its configuration, then its tree cleaned of style, script and comments, with our title, description and hover
titles), and both drawings read back as what a reader gets from them, for ``tests/web/test_chart_svg.py``."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import pygal
from django.utils.formats import number_format
from django.utils.translation import gettext
from pygal.style import Style

from web.chart_svg import WIDTH, Drawing

FONT = 14
STYLE = Style(
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
SVG = "{http://www.w3.org/2000/svg}"


def _config(drawing: Drawing, texts: dict[float, str]) -> dict[str, Any]:
    return {
        "js": [],
        "width": WIDTH,
        "height": drawing.height,
        "explicit_size": False,
        "disable_xml_declaration": True,
        "style": STYLE,
        "margin": 6,
        "spacing": 8,
        "truncate_label": -1,
        "truncate_legend": -1,
        "show_legend": False,
        "no_data_text": gettext("Nothing yet."),
        "margin_right": 28,
        "y_labels": [{"value": value, "label": label} for value, label in drawing.ticks],
        "value_formatter": lambda v: texts.get(v, number_format(v)),
        **({"x_label_rotation": -60} if drawing.rotate_labels else {}),
    }


def pygal_svg(drawing: Drawing) -> str:
    """``drawing`` as pygal drew it (``web.charts`` before ``web.chart_svg``)."""
    # Each value's text as the drawing's hover titles give it ("<label>: <value>").
    texts = {
        bar.value: bar.title.rsplit(": ", 1)[1] for bars in drawing.series for bar in bars if bar.value is not None
    }
    kind = {"horizontal": pygal.HorizontalBar, "vertical": pygal.Bar, "stacked": pygal.StackedBar}[drawing.layout]
    chart = kind(**_config(drawing, texts))
    # pygal draws a horizontal chart's first category at the bottom: given in reverse, the first reads on top.
    order = list(reversed(range(len(drawing.categories)))) if drawing.layout == "horizontal" else None
    indexes = order if order is not None else list(range(len(drawing.categories)))
    chart.x_labels = [drawing.categories[i] for i in indexes]
    for k, bars in enumerate(drawing.series):
        values = []
        for i in indexes:
            bar = bars[i]
            value: dict[str, Any] = {"value": bar.value, "label": bar.title.rsplit(": ", 1)[0]}
            if bar.url and bar.value is not None:
                value["xlink"] = {"href": bar.url}
            values.append(value)
        chart.add(f"series {k}", values)
    return _clean(chart, key=drawing.key, title=drawing.title, description=drawing.description)


def _clean(chart: Any, *, key: str, title: str, description: str) -> str:
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
                not isinstance(child.tag, str)
                or child.tag in {"defs", "desc", "title"}
                or (child.tag == "g" and "tooltip-overlay" in child.get("class", ""))
            ):
                parent.remove(child)
    for holder, text in tips:
        tip = ET.Element("title")
        tip.text = text
        holder.insert(0, tip)
    linked = False
    for element in root.iter():
        element.attrib.pop("style", None)
        element.attrib.pop("id", None)
        if element.tag == "a" and XLINK_HREF in element.attrib:
            element.set("href", element.attrib.pop(XLINK_HREF))
            element.set("tabindex", "-1")
            element.set("aria-hidden", "true")
            linked = True
    base = f"chart-{key}"
    root.set("id", base)
    root.set("class", "desk-chart-svg")
    root.set("role", "group" if linked else "img")
    root.set("aria-labelledby", f"{base}-title")
    root.set("aria-describedby", f"{base}-desc")
    own_title = ET.Element("title", id=f"{base}-title")
    own_title.text = title
    desc = ET.Element("desc", id=f"{base}-desc")
    desc.text = description
    root.insert(0, own_title)
    root.insert(1, desc)
    return ET.tostring(root, encoding="unicode")


@dataclass(frozen=True)
class Reading:
    """What a reader gets from a drawing: its names, labels, and each bar's title, link and value as its length
    against the axis says it (to a hundredth of the axis)."""

    root: dict[str, str]
    title: str
    desc: str
    categories: list[str]
    ticks: list[str]
    bars: dict[tuple[int, str, str], float]
    classes: set[str]
    empty: str  # what an empty chart says


def _tag(element: ET.Element) -> str:
    return element.tag.replace(SVG, "")


def _numbers(d: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]


def reading(svg: str, drawing: Drawing) -> Reading:
    root = ET.fromstring(svg)  # noqa: S314 (the project's own drawings)
    horizontal = drawing.layout == "horizontal"
    elements = list(root.iter())
    own = [e for e in root if _tag(e) in {"title", "desc"}]
    value_axis = next(
        e for e in elements if _tag(e) == "g" and f"axis {'x' if horizontal else 'y'}" in e.get("class", "")
    )
    # (pygal draws no category axis when there is nothing to draw)
    category_axis = next(
        (e for e in elements if _tag(e) == "g" and f"axis {'y' if horizontal else 'x'}" in e.get("class", "")),
        ET.Element("g"),
    )
    # The ticks' positions along the value axis, from their guide lines.
    positions = [
        _numbers(path.get("d", ""))[0 if horizontal else 1]
        for path in value_axis.iter()
        if _tag(path) == "path" and "line" in path.get("class", "")
    ]
    zero, top = positions[0], positions[-1]
    placed = [
        (float(text.get("y" if horizontal else "x", 0)), text.text or "")
        for text in category_axis.iter()
        if _tag(text) == "text"
    ]
    bars: dict[tuple[int, str, str], float] = {}
    for series in (e for e in elements if _tag(e) == "g" and "series" in e.get("class", "").split()):
        index = int(re.search(r"serie-(\d+)", series.get("class", "")).group(1))
        for bar in (e for e in series.iter() if _tag(e) == "g" and e.get("class") == "bar"):
            link = next((e for e in bar.iter() if _tag(e) == "a"), None)
            tip = next(e for e in bar.iter() if _tag(e) == "title")
            rect = next(e for e in bar.iter() if _tag(e) == "rect")
            length = float(rect.get("width" if horizontal else "height", 0))
            # As a share of the axis, in hundredths.
            value = round(length / abs(top - zero) * 100, 1)
            bars[(index, tip.text or "", link.get("href", "") if link is not None else "")] = value
    classes = {c for e in elements for c in e.get("class", "").split() if c in {"rect", "bar", "bars", "backwards"}}
    return Reading(
        root={k: root.get(k, "") for k in ("id", "class", "role", "aria-labelledby", "aria-describedby", "viewBox")},
        title=own[0].text or "",
        desc=own[1].text or "",
        categories=[text for _position, text in sorted(placed)],
        ticks=[text.text or "" for text in value_axis.iter() if _tag(text) == "text"],
        bars=bars,
        classes=classes,
        empty=" ".join(e.text or "" for e in elements if "no_data" in e.get("class", "").split()),
    )
