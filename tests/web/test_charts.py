"""The figures pages' charts: SVG the strict CSP accepts, named and described for screen readers, with a table
that says exactly what the chart draws."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from web import charts
from web.charts import count_text, fund_charts, month_chart, ranked_chart
from workflows.stats import FigureRow, FundRow, MonthRow, period_for, steering_figures

HUBS = [FigureRow("East and Southern Africa", 12, "1"), FigureRow("Western Balkans", None, "4")]


def _svg(chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))  # noqa: S314 (the chart module's own output)


def _bars(chart) -> list[ET.Element]:
    return [g for g in _svg(chart).iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "bar"]


def test_the_svg_holds_nothing_the_content_security_policy_refuses():
    svg = str(ranked_chart("hubs", "Requests by hub", "Hub", HUBS).svg)
    assert "<script" not in svg and "<style" not in svg and "style=" not in svg
    assert "javascript:" not in svg and "<!--" not in svg  # nor pygal's comments (today's date)


def test_the_chart_is_an_image_named_and_described_by_its_figures():
    chart = ranked_chart("hubs", "Requests by hub", "Hub", HUBS)
    root = _svg(chart)
    assert root.get("role") == "img"
    title = root.find("{http://www.w3.org/2000/svg}title")
    desc = root.find("{http://www.w3.org/2000/svg}desc")
    assert root.get("aria-labelledby") == title.get("id") == "chart-hubs-title" and title.text == "Requests by hub"
    assert root.get("aria-describedby") == desc.get("id")
    assert desc.text == "East and Southern Africa: 12; Western Balkans: fewer than 5"
    # The drawing scales to its column: a viewBox, no fixed size.
    assert root.get("viewBox") and root.get("width") is None


def test_the_table_says_what_the_chart_draws_and_a_suppressed_count_draws_no_bar():
    chart = ranked_chart("hubs", "Requests by hub", "Hub", HUBS)
    assert [(row.label, row.cells) for row in chart.rows] == [
        ("East and Southern Africa", ["12"]),
        ("Western Balkans", ["fewer than 5"]),
    ]
    (bar,) = _bars(chart)  # one bar: the suppressed count has none
    assert bar.find("{http://www.w3.org/2000/svg}title").text == "East and Southern Africa: 12"


def test_drill_down_links_are_on_the_bars_and_the_table_lines_only_when_asked():
    plain = ranked_chart("hubs", "Requests by hub", "Hub", HUBS)
    assert "href" not in str(plain.svg) and not any(row.url for row in plain.rows)
    linked = ranked_chart("hubs", "Requests by hub", "Hub", HUBS, url_for=lambda row: f"/hub/queue/?region={row.key}")
    assert [row.url for row in linked.rows] == ["/hub/queue/?region=1", "/hub/queue/?region=4"]
    (link,) = _svg(linked).iter("{http://www.w3.org/2000/svg}a")
    # For pointers; keyboards and screen readers take the table's link (no control inside an image).
    assert (link.get("href"), link.get("tabindex"), link.get("aria-hidden")) == ("/hub/queue/?region=1", "-1", "true")
    # A drawing that links is a named group, not an image (a link nested in an image is a control nobody names).
    assert _svg(plain).get("role") == "img" and _svg(linked).get("role") == "group"


def test_names_are_escaped_and_long_ones_cut_on_the_axis_only():
    name = "<script>alert(1)</script> and a very long hub name indeed"
    chart = ranked_chart("hubs", "Requests by hub", "Hub", [FigureRow(name, 7, "9")])
    assert "<script>" not in str(chart.svg) and "&lt;script&gt;" in str(chart.svg)
    texts = [t.text for t in _svg(chart).iter("{http://www.w3.org/2000/svg}text")]
    assert any(text and text.endswith("…") for text in texts)
    assert chart.rows[0].label == name and name in chart.description


def test_months_read_in_the_readers_language_and_arabic_labels_stay_text():
    months = [MonthRow(date(2026, 11, 1), 7, 5), MonthRow(date(2026, 12, 1), None, 0)]
    with translation.override("fr"):
        chart = month_chart(months)
        suppressed = count_text(None)
    assert [row.label for row in chart.rows] == ["novembre 2026", "décembre 2026"]
    assert [row.cells for row in chart.rows] == [["7", "5"], [suppressed, "0"]]
    assert len(_bars(chart)) == 3  # November's two, December's closed (zero high); its suppressed count none
    with translation.override("ar"):
        chart = ranked_chart("themes", "x", "y", [FigureRow("مدن الشباب", 9, "young_cities")])
    assert "مدن الشباب" in str(chart.svg)


def test_fund_charts_draw_envelope_and_committed_per_currency():
    rows = [
        FundRow(1, "East and Southern Africa", "EUR", Decimal("150000"), Decimal("9500"), 6),
        FundRow(2, "South Asia", "EUR", Decimal("100000"), None, None),
        FundRow(3, "North America", "USD", Decimal("80000"), Decimal("0"), 0),
    ]
    charts = fund_charts(rows, 2026, url_for=None)
    assert [chart.key for chart in charts] == ["fund-eur", "fund-usd"]
    euro = charts[0]
    assert [row.cells for row in euro.rows] == [
        ["150,000 EUR", "9,500 EUR"],
        ["100,000 EUR", "not shown (fewer than 5 grants)"],
    ]
    assert len(_bars(euro)) == 3  # two envelopes, one committed total (the other is suppressed)


@pytest.mark.parametrize("highest", [0, 3, 14, 980, 150000])
def test_the_value_axis_reads_in_whole_round_numbers(highest):
    chart = ranked_chart("hubs", "t", "g", [FigureRow("A", highest, "1")])
    labels = [t.text for t in _svg(chart).iter("{http://www.w3.org/2000/svg}text") if t.text and t.text[0].isdigit()]
    assert labels and all(re.fullmatch(r"[\d,]+", label) for label in labels)
    assert len(labels) <= 7


def test_a_chart_of_suppressed_counts_only_is_a_sentence_and_its_table():
    chart = ranked_chart("themes", "Requests by theme", "Theme", [FigureRow("Other", None, "other")])
    assert chart.svg == "" and chart.note == "Every count here is fewer than 5."
    assert [row.cells for row in chart.rows] == [["fewer than 5"]]


def test_charts_of_several_series_name_them_for_the_pages_legend():
    chart = month_chart([MonthRow(date(2026, 12, 1), 7, 5)])
    assert chart.legend == ["Filed", "Closed"] and "legend" not in str(chart.svg)


@pytest.mark.django_db
def test_charts_are_drawn_once_per_computation_of_the_figures_and_language(monkeypatch):
    figures = steering_figures(period_for("all"))
    drawn = []
    monkeypatch.setattr(charts, "figures_charts", lambda f, drill_down: drawn.append((f, drill_down)) or [])
    for _ in range(2):
        charts.figures_charts_recent(figures, drill_down=True)
        charts.figures_charts_recent(figures, drill_down=False)
    with translation.override("ar"):
        charts.figures_charts_recent(figures, drill_down=True)
    later = steering_figures(period_for("all"))  # computed again once the five minutes are over
    charts.figures_charts_recent(later, drill_down=True)
    assert [drill_down for _, drill_down in drawn] == [True, False, True, True]


def test_the_needs_quarter_chart_stacks_met_unmet_and_in_progress_and_links_each_part():
    quarters = [(1, 4, 1, 2), (2, 0, 3, 0), (3, 0, 0, 0), (4, 1, 0, 5)]
    chart = charts.needs_quarter_chart(2025, quarters, url_for=lambda q, outcome: f"/hub/queue/?q{q}={outcome}")
    root = _svg(chart)
    assert root.get("role") == "group" and "<script" not in str(chart.svg)  # its bars link
    assert chart.legend == ["Met", "Unmet", "In progress"]
    assert chart.columns == ["Filed", "Met", "Unmet", "In progress"]
    first = chart.rows[0]
    assert (first.label, first.cells, first.url) == ("Q1 2025", ["7", "4", "1", "2"], "/hub/queue/?q1=")
    desc = root.find("{http://www.w3.org/2000/svg}desc").text
    assert desc.startswith("Q1 2025: Met 4, Unmet 1, In progress 2; Q2 2025: Met 0, Unmet 3")
    links = {a.get("href") for a in root.iter("{http://www.w3.org/2000/svg}a")}
    assert {"/hub/queue/?q1=met", "/hub/queue/?q2=unmet", "/hub/queue/?q4=open"} <= links
    with translation.override("fr"):
        assert charts.quarter_label(2025, 3) in {"T3 2025", "Q3 2025"}  # French once the catalogue has it
