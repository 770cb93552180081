"""The charts written by ``web.chart_svg`` (a speed device) read as pygal drew them: the same names, labels and
ticks, and each bar with the same hover title, link, series and length against the axis, in every language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import translation

from tests.web.chart_reference import pygal_svg, reading
from web import charts
from web.chart_svg import Drawing, chart_svg
from workflows.outcome_stats import IndicatorRow, OutcomeFigures, PriorityGroup
from workflows.stats import FigureRow, FundRow, MonthRow

LONG = "East and Southern Africa & the <Indian> Ocean islands"


def _drawings(build) -> list[Drawing]:
    """The drawings a chart function hands to ``chart_svg``."""
    drawn: list[Drawing] = []

    def keep(drawing: Drawing):
        drawn.append(drawing)
        return chart_svg(drawing)

    with mock.patch("web.charts.chart_svg", side_effect=keep):
        build()
    assert drawn
    return drawn


def _url(**query: object) -> str:
    return charts.queue_url(**query)


def _outcomes() -> OutcomeFigures:
    rows = [
        IndicatorRow(1, "staff", "Staff trained", "count", "Count", 1, True, 40, 30, 20, 12, []),
        IndicatorRow(2, "plans", LONG, "yes_no", "Yes/no", 2, True, 7, 7, 7, 7, []),
        IndicatorRow(3, "few", "Few", "count", "Count", 2, True, None, None, None, None, []),
    ]
    return OutcomeFigures(groups=[PriorityGroup(1, "Priority", rows)], months=[], follow_ups=[])


BUILDS = {
    "ranked": lambda: charts.ranked_chart(
        "hubs",
        "Requests by hub",
        "Hub",
        [
            FigureRow(LONG, 1234, "1"),
            FigureRow("Western Balkans", None, "4"),
            FigureRow("Sahel", 0, "5"),
            FigureRow("MENA", 7, "2"),
        ],
        url_for=lambda row: _url(region=row.key),
    ),
    "months": lambda: charts.month_chart(
        [MonthRow(date(2026, m, 1), (m * 37) % 11 if m != 4 else None, (m * 13) % 7) for m in range(1, 13)]
    ),
    "fund": lambda: charts.fund_charts(
        [
            FundRow(1, LONG, "EUR", Decimal("150000"), Decimal("9500"), 6),
            FundRow(2, "South Asia", "EUR", Decimal("100000"), None, None),
            FundRow(3, "North America", "USD", Decimal("80000"), Decimal("0"), 0),
        ],
        2026,
        url_for=lambda region_id: _url(region=region_id, funding="on"),
    ),
    "outcomes": lambda: charts.outcome_chart(_outcomes()),
    "nothing-ranked": lambda: charts.ranked_chart("hubs", "Requests by hub", "Hub", []),
    "nothing-months": lambda: charts.month_chart([MonthRow(date(2026, m, 1), None, None) for m in range(1, 13)]),
    "zero-months": lambda: charts.month_chart([MonthRow(date(2026, m, 1), 0, 0) for m in range(1, 13)]),
    "quarters": lambda: charts.needs_quarter_chart(
        2026,
        [(1, 12, 3, 0), (2, 0, 0, 0), (3, 5, 1, 9), (4, 1500, 20, 300)],
        url_for=lambda q, outcome: _url(quarter=q, outcome=outcome),
    ),
}


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
@pytest.mark.parametrize("name", list(BUILDS))
def test_each_chart_reads_as_pygal_drew_it(name, language):
    with translation.override(language):
        for drawing in _drawings(BUILDS[name]):
            written, drawn = reading(str(chart_svg(drawing)), drawing), reading(pygal_svg(drawing), drawing)
            assert written.root == drawn.root
            assert (written.title, written.desc) == (drawn.title, drawn.desc)
            assert written.categories == drawn.categories
            assert written.ticks == drawn.ticks
            assert set(written.bars) == set(drawn.bars)  # the same bars: series, hover title and link
            for bar, length in drawn.bars.items():
                assert written.bars[bar] == pytest.approx(length, abs=0.5), bar  # within half a hundredth
            assert written.classes == drawn.classes
            assert written.empty == drawn.empty
