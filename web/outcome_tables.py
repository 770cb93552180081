"""The lines of the outcome tables (``templates/web/includes/outcome_tables.html``) written as HTML here rather
than by the template's loops.

The steering committee's figures, the management overview and the annual and grant reports each show the two
tables: a line per key indicator (planned, delivered, confirmed, reached) and one per indicator and follow-up
point, some 350 cells. Through the template's loops and filters they took 3.3 ms of the steering page's 25 ms at
100,000 requests, which left the page 10.6 to 10.8 times the floor against a target of 10 (``make bench``
``steering_aggregates``; ``report_annual`` 10.4 to 10.75). The template keeps the tables' frame (captions,
headings, the every-request lines); the lines are these, character for character
(``tests/web/test_outcome_tables.py`` renders the loops they replace for every kind of line, in each language).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString
from django.utils.translation import gettext

from web.charts import count_text
from web.outcomes import months_after_text, sustained_text
from workflows.outcome_stats import FollowUpPoint, IndicatorRow, OutcomeFigures

# The cells' markup, as the template writes them.
REACHED_CELL = '<td class="text-end text-nowrap">'
COUNT_CELL = '<td class="text-end">'


@dataclass(frozen=True)
class OutcomeLines:
    """The two tables' lines: ``reached`` the indicators' groups (``<tbody>`` each), ``sustained`` their
    follow-ups (a ``<tbody>`` per indicator planned)."""

    reached: SafeString
    sustained: SafeString


def _count(count: int | None) -> str:
    return escape(count_text(count))


def _cells(start: str, *counts: int | None) -> str:
    return "".join(f"{start}{_count(count)}</td>" for count in counts)


def _reached_line(row: IndicatorRow) -> str:
    label, unit = escape(row.label), escape(row.unit_label)
    return (
        "<tr>\n"
        f'        <th scope="row" class="fw-normal"><bdi>{label}</bdi></th><td>{unit}</td>\n'
        f"        {_cells(REACHED_CELL, row.planned, row.delivered)}\n"
        f"        {_cells(REACHED_CELL, row.confirmed, row.reached)}\n"
        "      </tr>"
    )


def _sustained_line(row: IndicatorRow, point: FollowUpPoint, first: bool, not_shown: str) -> str:
    head = (
        f'<th scope="rowgroup" rowspan="{len(row.points)}" class="fw-normal"><bdi>{escape(row.label)}</bdi></th>'
        if first
        else ""
    )
    counts = _cells(COUNT_CELL, point.asked, point.answered, point.missing)
    value = not_shown if point.value is None and point.values else escape(sustained_text(row.unit, point.value))
    return (
        "<tr>\n"
        f"      {head}\n"
        f'      <td class="text-nowrap">{escape(months_after_text(point.months))}</td>\n'
        f"      {counts}\n"
        f"      {REACHED_CELL}{value}</td>\n"
        "    </tr>"
    )


def outcome_lines(outcomes: OutcomeFigures) -> OutcomeLines:
    """The lines of both tables for ``outcomes``, in the reader's language."""
    reached = "".join(
        "<tbody>\n"
        f'      <tr class="table-light"><th scope="colgroup" colspan="6"><bdi>{escape(group.label)}</bdi></th></tr>\n'
        f"      {''.join(_reached_line(row) for row in group.rows)}\n"
        "    </tbody>"
        for group in outcomes.groups
    )
    not_shown = escape(gettext("not shown"))
    sustained = "".join(
        "<tbody>"
        + "".join(_sustained_line(row, point, i == 0, not_shown) for i, point in enumerate(row.points))
        + "</tbody>"
        for row in outcomes.rows
        if row.planned != 0
    )
    return OutcomeLines(SafeString(reached), SafeString(sustained))
