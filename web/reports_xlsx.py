"""The annual and grant reports as tables and as an Excel workbook (openpyxl): one sheet per table.

The page and the workbook read the same report (``workflows.reports``), and the workbook's tables are built
here once, so both say the same figures. Labels are in the active language (the reader's on the page, the
``--language`` of ``manage.py annual_report``); a suppressed count reads "fewer than 5" as on the page. Counts
and amounts are numbers in the sheet (a spreadsheet adds them up), durations a number of days.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal

from django.utils.translation import gettext

from web.charts import count_text
from web.downloads import Cell, Table
from web.outcomes import months_after_text, sustained_text
from workflows.outcome_stats import OutcomeFigures
from workflows.reports import AnnualReport, GrantReport, GrantRow
from workflows.stats import FigureRow


def _count(value: int | None) -> Cell:
    return value if value is not None else count_text(None)


def _amount(value: Decimal | None) -> Cell:
    return value if value is not None else gettext("not shown")


def _days(value: timedelta | None) -> Cell:
    return round(value.total_seconds() / 86400, 1) if value is not None else gettext("not shown")


def _figures(title: str, group: str, rows: Sequence[FigureRow]) -> Table:
    return Table(title, [group, gettext("Requests")], [[row.label, _count(row.count)] for row in rows])


def _grants(title: str, group: str, rows: Sequence[GrantRow], *, disbursed: bool = False) -> Table:
    columns = [group, gettext("Currency"), gettext("Grants"), gettext("Committed")]
    if disbursed:
        columns.append(gettext("Disbursed"))
    lines: list[list[Cell]] = []
    for row in rows:
        line: list[Cell] = [row.label, row.currency, _count(row.grants), _amount(row.committed)]
        if disbursed:
            line.append(_amount(row.disbursed))
        lines.append(line)
    return Table(title, columns, lines)


def outcome_tables(outcomes: OutcomeFigures) -> list[Table]:
    """The outcomes' two tables, as the page shows them."""
    reached = Table(
        gettext("Outcomes"),
        [
            gettext("Strategic priority"),
            gettext("Key indicator"),
            gettext("Unit"),
            gettext("Planned"),
            gettext("Value at delivery"),
            gettext("Confirmed by the city"),
            gettext("Target reached"),
        ],
        [
            [
                group.label,
                row.label,
                row.unit_label,
                _count(row.planned),
                _count(row.delivered),
                _count(row.confirmed),
                _count(row.reached),
            ]
            for group in outcomes.groups
            for row in group.rows
        ],
    )
    follow_rows: list[list[Cell]] = [
        [
            gettext("Every request"),
            months_after_text(point.months),
            _count(point.asked),
            _count(point.answered),
            _count(point.missing),
            "",
        ]
        for point in outcomes.follow_ups
    ]
    for row in outcomes.rows:
        if row.planned == 0:
            continue
        for point in row.points:
            value: Cell = "" if point.value is None else sustained_text(row.unit, point.value)
            if point.value is not None and row.unit == "count":
                value = point.value
            follow_rows.append(
                [
                    row.label,
                    months_after_text(point.months),
                    _count(point.asked),
                    _count(point.answered),
                    _count(point.missing),
                    value,
                ]
            )
    follow_ups = Table(
        gettext("Follow-ups"),
        [
            gettext("Key indicator"),
            gettext("Follow-up"),
            gettext("Asked"),
            gettext("Answered"),
            gettext("Missing"),
            gettext("Still there"),
        ],
        follow_rows,
    )
    return [reached, follow_ups]


def annual_tables(report: AnnualReport) -> list[Table]:
    summary = Table(
        gettext("Summary"),
        [gettext("Figure"), gettext("Value")],
        [
            [gettext("Year"), report.year],
            [gettext("Requests filed"), _count(report.filed)],
            [gettext("Support delivered"), _count(report.delivered)],
            [gettext("Median time to triage (days)"), _days(report.median_to_triage)],
            [gettext("Median time to delivery (days)"), _days(report.median_to_delivery)],
            [gettext("Evaluations"), _count(report.evaluations)],
            [
                gettext("Average rating (out of 5)"),
                round(report.average_rating, 1) if report.average_rating is not None else gettext("not shown"),
            ],
            [
                gettext("Would recommend (%)"),
                round(report.recommend_share * 100) if report.recommend_share is not None else gettext("not shown"),
            ],
        ],
    )
    return [
        summary,
        _figures(gettext("Requests by hub"), gettext("Hub"), report.filed_by_region),
        _figures(gettext("Requests by theme"), gettext("Theme"), report.filed_by_theme),
        _figures(gettext("Support given by kind"), gettext("Kind of support"), report.delivered_by_kind),
        _grants(gettext("Grants by strategic priority"), gettext("Strategic priority"), report.grants_by_priority),
        _grants(gettext("Grants by hub"), gettext("Hub"), report.grants_by_region),
        *outcome_tables(report.outcomes),
    ]


def grant_tables(report: GrantReport) -> list[Table]:
    return [
        _grants(gettext("Grants"), gettext("Funding source"), report.totals, disbursed=True),
        _grants(gettext("Grants by hub"), gettext("Hub"), report.by_region, disbursed=True),
        _grants(
            gettext("Grants by strategic priority"), gettext("Strategic priority"), report.by_priority, disbursed=True
        ),
        *outcome_tables(report.outcomes),
    ]
