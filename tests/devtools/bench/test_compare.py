"""The comparison of two benchmark sizes: each figure the mean of its rounds' medians, the growth from one to the
other, in milliseconds and in floors."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from devtools.bench.compare import compared, compared_lines


def _run(floor: float, **pages: float) -> list[dict[str, object]]:
    rows = [{"scenario": "floor", "median_ms": floor, "queries": 3}]
    return rows + [{"scenario": name, "median_ms": ms, "queries": 9} for name, ms in pages.items()]


def test_each_figure_is_the_mean_of_the_rounds_and_the_growth_is_measured_in_both_units():
    small = [_run(2.0, needs=10.0, queue=8.0), _run(3.0, needs=14.0, queue=8.0, only_here=1.0)]
    large = [_run(2.5, needs=15.0, queue=9.0), _run(2.5, needs=13.0, queue=9.0)]
    rows = {row.scenario: row for row in compared(small, large)}
    assert list(rows) == ["floor", "needs", "queue"]  # a scenario missing from a round is left out
    needs = rows["needs"]
    assert needs.small.runs == (10.0, 14.0) and needs.small.ms == 12.0 and needs.large.ms == 14.0
    assert needs.small.ratio == pytest.approx(12.0 / 2.5) and needs.large.ratio == pytest.approx(14.0 / 2.5)
    assert needs.growth == pytest.approx(14.0 / 12.0) and needs.within
    assert needs.growth_in_floors == pytest.approx((14.0 / 2.5) / (12.0 / 2.5))
    assert rows["queue"].growth == pytest.approx(9.0 / 8.0) and rows["needs"].small.queries == 9
    slow = compared([_run(2.0, page=10.0)], [_run(2.0, page=13.5)])[1]
    assert not slow.within
    lines = compared_lines(list(rows.values()), (10_000, 100_000))
    assert "10,000 ms" in lines[0] and "100,000 ms" in lines[0]
    assert lines[2].split()[:2] == ["needs", "12.00"] and lines[2].endswith("yes")
    assert lines[-1] == "Each figure: the mean of 2 rounds' medians, the two sizes taking turns call by call."


@pytest.mark.parametrize("value", ["10000", "10000,abc", "500,10000", "1000,2000,3000"])
def test_compare_takes_two_sizes(value):
    with pytest.raises(CommandError, match="two sizes"):
        call_command("bench", "--compare", value, stdout=StringIO())
