"""The countdown of a request on the incident fast track: "Answer due in 5 hours 20 minutes", "Overdue by
2 hours", in the reader's language.

One presenter (``countdown_text``) for every page that shows it: the request page (``web.presenters``), the hub's
queue (``web.lists.queue``, and its hand-written lines in ``web.fast``) and the focal point's home
(``web.lists.city``). Only a step the fast track times in hours counts down (``counts_down``); other deadlines
(a delivery date, the evaluation period) are shown as dates, as everywhere. Each unit is its own plural, so
every language agrees the noun with the number (Arabic's six forms), as ``|time_ago`` does.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, npgettext, pgettext

from helpdesk.models import SupportRequest
from workflows.lifecycle import STATE_SPECS
from workflows.spec import DeadlineKind

MINUTE, HOUR, DAY = 60, 3600, 86400


def _unit(seconds: int, unit: int) -> str:
    # Words of their own ("countdown"): after "in" and "by", Arabic puts the dual and the plural in other cases
    # than the durations elsewhere ("خلال ساعتين", not "ساعتان").
    n = seconds // unit
    number = number_format(n, force_grouping=True)
    if unit == DAY:
        return npgettext("countdown", "%(n)s day", "%(n)s days", n) % {"n": number}
    if unit == HOUR:
        return npgettext("countdown", "%(n)s hour", "%(n)s hours", n) % {"n": number}
    return npgettext("countdown", "%(n)s minute", "%(n)s minutes", n) % {"n": number}


def span_words(seconds: float) -> str:
    """A span of time in its two largest units, rounded down ("5 hours 20 minutes", "40 minutes"; in hours up to
    two days, as the fast track's deadlines are set: "47 hours", then "3 days 2 hours"); "less than a minute"
    under one."""
    whole = int(seconds)
    if whole < MINUTE:
        return gettext("less than a minute")
    larger = DAY if whole >= 2 * DAY else HOUR if whole >= HOUR else MINUTE
    smaller = {DAY: HOUR, HOUR: MINUTE, MINUTE: 0}[larger]
    first = _unit(whole, larger)
    rest = whole % larger
    if not smaller or rest < smaller:
        return first
    return pgettext("countdown", "%(larger)s %(smaller)s") % {"larger": first, "smaller": _unit(rest, smaller)}


def countdown_text(due_at: datetime | None, *, now: datetime | None = None) -> str:
    """How long is left before ``due_at`` ("Answer due in 5 hours 20 minutes"), or how late it is ("Overdue by
    2 hours"); empty without a deadline."""
    if due_at is None:
        return ""
    left = (due_at - (now or timezone.now())).total_seconds()
    if left >= 0:
        return gettext("Answer due in %(time)s") % {"time": span_words(left)}
    return gettext("Overdue by %(time)s") % {"time": span_words(-left)}


def counts_down(state: str, fast_tracked: bool) -> bool:
    """Whether a request in ``state`` shows a countdown: on the fast track, in a step timed in hours."""
    spec = STATE_SPECS.get(state)
    return fast_tracked and spec is not None and spec.fast_track.kind is DeadlineKind.HOURS


def request_countdown(request: SupportRequest, *, now: datetime | None = None) -> str:
    """The countdown a page shows for ``request`` (read with ``state``, ``due_at`` and ``fast_tracked_at``), or
    empty when it shows its deadline as a date."""
    if not counts_down(request.state, request.fast_tracked_at is not None):
        return ""
    return countdown_text(request.due_at, now=now)
