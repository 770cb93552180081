"""When the demo's requests happened: the moments of their stories, and the desk's clock set to each."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest import mock

from django.conf import settings

# When the demo's story happened. Walked all at once, every move of every request took place in the same second,
# and the steering committee's medians read "less than a minute": each request is instead filed some days ago
# and each move follows the one before after a while (the first triage decision 1 to 5 days after filing).
# Requests still waiting (a delivered one waits for its evaluation) were filed in the last days, their deadlines
# still ahead; the ended ones spread over the fund's fiscal year, whose envelope their grants draw on.
TRIAGE_GAPS = (2, 1, 4, 3, 5, 2, 1)  # days from filing to the first decision, taken in turn
LATER_GAPS = (6, 9, 4, 12, 7)  # days between later moves
OPEN_AGES = (3, 5, 2, 6, 4, 1)  # days since a still-waiting request was filed


@contextmanager
def clock(at: datetime) -> Iterator[None]:
    """The desk's clock (``django.utils.timezone.now``, which the services and the models' stamps read) set to
    ``at``: the demo's moves happen at their moment of the story, with deadlines, audit rows and milestones
    computed as they were then."""
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield


def schedule(index: int, *, steps: int, waiting: bool, count: int, now: datetime, opened: int) -> list[datetime]:
    """When the ``index``-th of ``count`` demo requests was filed (created) and when each of its ``steps``
    happened, all before ``now``; ``waiting``: it has not ended, and ``opened`` more such came before it."""
    year_start = now.replace(month=settings.FUND_FISCAL_YEAR_START_MONTH, day=1, hour=9, minute=0)
    if year_start > now:
        year_start = year_start.replace(year=year_start.year - 1)
    if waiting:
        start = now - timedelta(days=OPEN_AGES[opened % len(OPEN_AGES)], hours=index)
    else:
        # Spread over the fiscal year so far, newest last, at least two weeks ago.
        span = max((now - year_start).days - 14, 1)
        start = year_start + timedelta(days=span * (index + 1) / (count + 1), hours=index)
    gaps = [timedelta(hours=3)][:steps]  # from the draft to its submission
    for number in range(1, steps):
        days = TRIAGE_GAPS[index % len(TRIAGE_GAPS)] if number == 1 else LATER_GAPS[(index + number) % len(LATER_GAPS)]
        gaps.append(timedelta(days=days, hours=number))
    room = now - timedelta(hours=1) - start
    total = sum(gaps, timedelta())
    if total > room:  # a late-filed request's story is told faster, never in the future
        gaps = [gap * (room / total) for gap in gaps]
    moments = [start]
    for gap in gaps:
        moments.append(moments[-1] + gap)
    return moments
