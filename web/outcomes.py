"""Outcome values as people read them, and a request's outcomes as its page shows them: per planned indicator
its unit, baseline and target, the value reached at delivery, the value the city confirmed, and what each
follow-up found months later.

A value is written in its indicator's unit: yes or no in words, a percentage with its sign, a count with the
reader's thousands grouping, a scale as "n out of 5".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from helpdesk.models import IndicatorUnit, RequestState, SupportRequest
from workflows.models import FollowUp, OutcomeTarget
from workflows.selectors import FollowUpValues, follow_up_values, outcome_targets

# The moves that plan outcomes: a request whose trail has neither has none.
PLANNING_MOVES = frozenset({"route_to_funding", "route_to_experts"})


class PlannedTargets:
    """A request's planned outcomes (``workflows.selectors.outcome_targets``), read once for a whole page: its
    record and its move forms (delivery, evaluation, follow-up) show the same rows, and a page that shows
    neither reads nothing. ``moves``: the request's trail, when the page has read it (a request never routed
    planned nothing, and is not asked)."""

    def __init__(self, request: SupportRequest, moves: frozenset[str] | set[str] | None = None) -> None:
        self.request = request
        self._rows: list[OutcomeTarget] | None = None if moves is None or PLANNING_MOVES & moves else []

    def __call__(self) -> list[OutcomeTarget]:
        if self._rows is None:
            self._rows = outcome_targets(self.request)
        return self._rows


def months_after_text(months: int) -> str:
    """A follow-up's point in time: "after 6 months"."""
    return ngettext("after %(months)s month", "after %(months)s months", months) % {"months": months}


def plain(value: Decimal | None) -> str:
    """``value`` as an input holds it: no exponent, no trailing zeros ("12", "12.5"); blank for unknown."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


def value_text(unit: str, value: Decimal | None) -> str:
    """``value`` in the reader's language and its unit's words; a dash for unknown."""
    if value is None:
        return "—"
    if unit == IndicatorUnit.YES_NO:
        return _("Yes") if value else _("No")
    whole = value == value.to_integral_value()
    number = number_format(value, decimal_pos=0 if whole else 1, use_l10n=True, force_grouping=True)
    if unit == IndicatorUnit.PERCENTAGE:
        return _("%(number)s%%") % {"number": number}
    if unit == IndicatorUnit.SCALE:
        return _("%(rating)s out of 5") % {"rating": number}
    return number


def sustained_text(unit: str, value: Decimal | None) -> str:
    """What a report says many answers hold of an indicator (``workflows.outcome_stats``): a sum, an average
    percentage or scale, written as one value is (``value_text``), and for a yes-or-no indicator the number of
    "yes" ("4 yes"); a dash for none (no answers, or hidden)."""
    if value is None or unit != IndicatorUnit.YES_NO:
        return value_text(unit, value)
    count = int(value)
    return ngettext("%(n)s yes", "%(n)s yes", count) % {"n": number_format(count, force_grouping=True)}


def after_delivery(months: int, days: int = 0) -> str:
    """A follow-up's point, as its column heading says it: "After 3 months", "After 14 days"."""
    if days:
        return ngettext("After %(days)s day", "After %(days)s days", days) % {"days": days}
    return ngettext("After %(months)s month", "After %(months)s months", months) % {"months": months}


@dataclass(frozen=True)
class FollowUpCell:
    months: int
    status: str
    status_label: str
    value: str  # the value given, a dash when none was
    heading: str = ""  # its column's heading ("After 3 months")
    days: int = 0  # a point in days (a check-in 14 days after an incident's support), months then 0


@dataclass(frozen=True)
class OutcomeRow:
    indicator: str
    unit: str
    baseline: str
    target: str
    delivered: str
    confirmed: str
    follow_ups: list[FollowUpCell]


@dataclass(frozen=True)
class FollowUpColumn:
    months: int
    status: str
    status_label: str
    heading: str = ""  # "After 3 months", "After 14 days"
    days: int = 0  # a point in days, months then 0


@dataclass(frozen=True)
class OutcomesView:
    rows: list[OutcomeRow]
    follow_ups: list[FollowUpColumn]
    delivered: bool = False  # support was delivered: the values reached are asked for
    confirmed: bool = False  # the request closed: the city's confirmation is in

    def __bool__(self) -> bool:
        return bool(self.rows)


# Follow-ups start once support is delivered: before that, there are none to read.
AFTER_DELIVERY = frozenset({RequestState.DELIVERED, RequestState.CLOSED})


def request_outcomes(request: SupportRequest, planned: Callable[[], list[OutcomeTarget]] | None = None) -> OutcomesView:
    """The request's outcomes, planned to sustained: one query for the planned indicators with their delivered
    and confirmed values (none if ``planned`` read them already), and once delivered one more for the
    follow-ups with their values."""
    targets = (planned or PlannedTargets(request))()
    if not targets:
        return OutcomesView([], [])
    follow_ups: list[FollowUpValues] = follow_up_values(request) if request.state in AFTER_DELIVERY else []
    labels = {value: str(label) for value, label in FollowUp.Status.choices}
    headings = [after_delivery(f.months, f.days) for f in follow_ups]
    columns = [
        FollowUpColumn(f.months, f.status, labels.get(f.status, f.status), heading, f.days)
        for f, heading in zip(follow_ups, headings, strict=True)
    ]
    rows = []
    for target in targets:
        unit = target.indicator.unit
        rows.append(
            OutcomeRow(
                indicator=target.indicator.localized_name,
                unit=target.indicator.get_unit_display(),
                baseline=value_text(unit, target.baseline),
                target=value_text(unit, target.target),
                delivered=value_text(unit, getattr(target, "delivered_value", None)),
                confirmed=value_text(unit, getattr(target, "confirmed_value", None)),
                follow_ups=[
                    FollowUpCell(
                        f.months,
                        f.status,
                        labels.get(f.status, f.status),
                        value_text(unit, f.values.get(target.indicator_id)),
                        heading,
                        f.days,
                    )
                    for f, heading in zip(follow_ups, headings, strict=True)
                ],
            )
        )
    return OutcomesView(
        rows, columns, delivered=request.state in AFTER_DELIVERY, confirmed=request.state == RequestState.CLOSED
    )
