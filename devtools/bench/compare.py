"""Two sizes of the benchmark compared (``manage.py bench --compare 10000,100000``).

A 2-core machine's speed drifts by a third or more between runs minutes apart (one slow minute made every page of
a run 1.7 times slower here), so one run at each size compares the machine's moods as much as the pages. The
command runs the two sizes side by side, taking turns call by call (``devtools.bench.timing.Turns``), for
one or more rounds, and this module adds the rounds up: each scenario's figure is the mean of its rounds' medians,
"× floor" that mean over the mean of the floors, and the growth is the larger size's figure over the smaller's (in
milliseconds, and in multiples of the floor).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import mean
from typing import Any

GROWTH_TARGET = 1.3  # every page within 1.3× from the smaller size to the larger (issue 18)


@dataclass(frozen=True)
class SizeFigures:
    runs: tuple[float, ...]  # each round's median, ms
    ms: float  # their mean
    ratio: float  # ``ms`` over the mean floor
    queries: int


@dataclass(frozen=True)
class ComparedRow:
    scenario: str
    small: SizeFigures
    large: SizeFigures

    @property
    def growth(self) -> float:
        return self.large.ms / self.small.ms

    @property
    def growth_in_floors(self) -> float:
        return self.large.ratio / self.small.ratio

    @property
    def within(self) -> bool:
        return self.growth <= GROWTH_TARGET


def compared(
    small: Sequence[Sequence[Mapping[str, Any]]], large: Sequence[Sequence[Mapping[str, Any]]]
) -> list[ComparedRow]:
    """The rows of the comparison from each size's rounds (each round: the ``--json`` figures of one run), in the
    order of the first round's scenarios; a scenario missing from a round is left out."""

    def by_name(rounds: Sequence[Sequence[Mapping[str, Any]]]) -> list[dict[str, Mapping[str, Any]]]:
        return [{row["scenario"]: row for row in figures} for figures in rounds]

    smalls, larges = by_name(small), by_name(large)
    floors = (mean(r["floor"]["median_ms"] for r in smalls), mean(r["floor"]["median_ms"] for r in larges))
    names = [name for name in smalls[0] if all(name in r for r in (*smalls, *larges))]

    def size(rounds: list[dict[str, Mapping[str, Any]]], name: str, floor: float) -> SizeFigures:
        runs = tuple(float(r[name]["median_ms"]) for r in rounds)
        return SizeFigures(runs, mean(runs), mean(runs) / floor, int(rounds[0][name]["queries"]))

    return [ComparedRow(name, size(smalls, name, floors[0]), size(larges, name, floors[1])) for name in names]


def compared_lines(rows: Sequence[ComparedRow], scales: tuple[int, int]) -> list[str]:
    """The comparison as the command prints it: a header, then one line per scenario."""
    small, large = (f"{scale:,}" for scale in scales)
    lines = [
        f"{'scenario':<28} {small + ' ms':>10} {'× floor':>8} {large + ' ms':>11} {'× floor':>8} "
        f"{'growth':>7} {'(floors)':>9}  within {GROWTH_TARGET}×"
    ]
    for row in rows:
        lines.append(
            f"{row.scenario:<28} {row.small.ms:>10.2f} {row.small.ratio:>8.2f} {row.large.ms:>11.2f} "
            f"{row.large.ratio:>8.2f} {row.growth:>7.2f} {row.growth_in_floors:>9.2f}  {'yes' if row.within else 'NO'}"
        )
    rounds = len(rows[0].small.runs) if rows else 0
    lines.append(f"Each figure: the mean of {rounds} rounds' medians, the two sizes taking turns call by call.")
    return lines
