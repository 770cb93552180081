"""Run one scenario repeatedly through Django's test client and summarise time and SQL queries."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext


@dataclass
class Result:
    scenario: str
    n: int
    median_ms: float
    p95_ms: float
    queries: int
    ratio_to_floor: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "scenario": self.scenario,
            "N": self.n,
            "median_ms": round(self.median_ms, 2),
            "p95_ms": round(self.p95_ms, 2),
            "queries": self.queries,
            "ratio_to_floor": round(self.ratio_to_floor, 2),
        }

    def line(self) -> str:
        return (
            f"{self.scenario:<34} {self.n:>7} {self.median_ms:>9.2f} {self.p95_ms:>9.2f}"
            f" {self.queries:>7} {self.ratio_to_floor:>7.2f}"
        )


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def measure(name: str, n: int, call: Callable[[int], object], *, warmup: int = 3, repeat: int = 25) -> Result:
    """Time ``call(i)`` ``repeat`` times after ``warmup`` calls; queries are counted on the last run.

    ``call`` gets the iteration number so that writes (a submission, a message) act on a fresh row each
    time instead of repeating a refused move.
    """
    for i in range(warmup):
        call(-1 - i)
    timings: list[float] = []
    for i in range(repeat - 1):
        reset_queries()
        start = time.perf_counter()
        call(i)
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        call(repeat - 1)
        timings.append((time.perf_counter() - start) * 1000)
    return Result(name, n, statistics.median(timings), percentile(timings, 0.95), len(captured.captured_queries))
