"""Run one scenario repeatedly through Django's test client and summarise time and SQL queries."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext


class Turns:
    """Call by call, the benchmark of one size waits for its turn, then hands it to the other size's (``manage.py
    bench --compare``), through two one-byte pipes to the command that runs both. The machine's slow seconds then
    fall on both sizes' calls alike, not on one size's run."""

    def __init__(self, go: int, done: int) -> None:
        self.go, self.done = go, done

    def wait(self) -> None:
        os.read(self.go, 1)

    def hand_over(self) -> None:
        os.write(self.done, b"d")

    def finish(self) -> None:
        """Its last turn: it says it is done."""
        self.wait()
        os.write(self.done, b"e")


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


def _nothing() -> None:
    pass


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def measure(
    name: str,
    n: int,
    call: Callable[[int], object],
    *,
    warmup: int = 3,
    repeat: int = 25,
    turns: Turns | None = None,
) -> Result:
    """Time ``call(i)`` ``repeat`` times after ``warmup`` calls; queries are counted on the last run. With
    ``turns``, each call waits for its turn (outside the timing) and hands it over after.

    ``call`` gets the iteration number so that writes (a submission, a message) act on a fresh row each
    time instead of repeating a refused move.
    """
    wait, hand_over = (turns.wait, turns.hand_over) if turns is not None else (_nothing, _nothing)
    for i in range(warmup):
        wait()
        call(-1 - i)
        hand_over()
    timings: list[float] = []
    for i in range(repeat - 1):
        reset_queries()
        wait()
        start = time.perf_counter()
        call(i)
        timings.append((time.perf_counter() - start) * 1000)
        hand_over()
    with CaptureQueriesContext(connection) as captured:
        wait()
        start = time.perf_counter()
        call(repeat - 1)
        timings.append((time.perf_counter() - start) * 1000)
        hand_over()
    return Result(name, n, statistics.median(timings), percentile(timings, 0.95), len(captured.captured_queries))
