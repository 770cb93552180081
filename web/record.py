"""The record of a request beyond its messages: the fund's grant and decisions, the delivery reports and the
city's evaluation, each shown to the people ``helpdesk.access.can`` names and to nobody else.

- the city sees the grant it received (the amount approved, its conditions, what it reports and by when)
  and the delivery reports;
- hub staff of the region and the management unit see the delivery reports and the evaluation (and, in the
  fund's section of the page, every fund decision with its reason, who and when);
- an expert sees the delivery report they wrote;
- the city and those who oversee the request see its outcomes: the key indicators planned, the values reached
  at delivery, confirmed by the city and found by each follow-up.

Rows are read only when the request's trail shows the move that writes them (most requests never reach the
fund, few are delivered yet), so a page costs a fixed number of queries whatever the request's history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from helpdesk.access import can
from helpdesk.models import RequestState, SupportRequest, User
from helpdesk.sanitize import render_html
from web.outcomes import PLANNING_MOVES, OutcomesView, PlannedTargets, request_outcomes
from workflows.models import FundApplication
from workflows.selectors import TrailLine, delivery_record, evaluation_of

# The moves that plan a request's outcomes: without one in the trail there is nothing to read.


@dataclass(frozen=True)
class GrantView:
    """The grant the fund made to the request, as the city reads it."""

    amount: Decimal
    currency: str
    conditions: str
    decided_at: datetime | None
    delivery_due: datetime | None  # the deadline of the agreed delivery, while support is under way
    evaluate_by: datetime | None  # the city's evaluation is awaited until then (delivered, not yet evaluated)
    evaluated: bool


@dataclass(frozen=True)
class ReportView:
    pk: int
    author: str | None
    created_at: datetime
    report_html: SafeString


@dataclass(frozen=True)
class EvaluationView:
    rating: int
    outcomes: str
    would_recommend: bool
    comments_html: SafeString
    author: str | None
    created_at: datetime


@dataclass(frozen=True)
class RecordView:
    grant: GrantView | None = None
    reports: list[ReportView] = field(default_factory=list)
    evaluation: EvaluationView | None = None
    # The key indicators the support aims to move and the values reached (shown in a section of their own).
    outcomes: OutcomesView | None = None

    def __bool__(self) -> bool:
        return bool(self.grant or self.reports or self.evaluation)


def _name(user: User | None) -> str | None:
    return str(user) if user is not None else None


def _grant(request: SupportRequest, applications: list[FundApplication], *, evaluated: bool) -> GrantView | None:
    approved = [a for a in applications if a.status == FundApplication.Status.APPROVED]
    application = approved[-1] if approved else None
    if application is None or application.amount_approved is None:
        return None
    return GrantView(
        amount=application.amount_approved,
        currency=application.currency,
        conditions=application.conditions,
        decided_at=application.decided_at,
        delivery_due=request.due_at if request.state == RequestState.IN_DELIVERY else None,
        evaluate_by=request.due_at if request.state == RequestState.DELIVERED else None,
        evaluated=evaluated,
    )


def request_record(
    request: SupportRequest,
    user: User,
    *,
    trail: list[TrailLine],
    applications: list[FundApplication],
    planned: PlannedTargets | None = None,
) -> RecordView:
    """What ``user`` may read of ``request``'s grant, delivery reports and evaluation.

    ``trail``: the request's moves (``workflows.selectors.trail_lines``); ``applications``: its fund
    applications as ``request_lifecycle`` read them (with the people who decided); ``planned``: its planned
    outcomes, shared with the page's move forms.
    """
    moves = {line.transition for line in trail}
    evaluated = "evaluate" in moves
    wants_evaluation = evaluated and can(user, "view_evaluation", request)
    if "report_delivery" in moves:
        written, given = delivery_record(request, with_evaluation=wants_evaluation)
    else:
        written, given = [], evaluation_of(request) if wants_evaluation else None
    reports = [
        # Stored clean by the move (``workflows.validation``); cleaned again on the way out, as anything unsealed.
        ReportView(r.pk, _name(r.author), r.created_at, mark_safe(render_html(r.report)))
        for r in written
        if can(user, "view_delivery_report", request, author_id=r.author_id)
    ]
    evaluation = None
    if given is not None:
        evaluation = EvaluationView(
            rating=given.rating,
            outcomes=given.outcomes,
            would_recommend=given.would_recommend,
            comments_html=mark_safe(render_html(given.comments)),
            author=_name(given.author),
            created_at=given.created_at,
        )
    # Planned when the hub routed the request; read by those who read the evaluation (the city and overseers).
    reads_outcomes = bool(PLANNING_MOVES & moves) and can(user, "view_evaluation", request)
    return RecordView(
        # Those who see every fund decision read the grant with its application (the page's fund section).
        grant=_grant(request, applications, evaluated=evaluated)
        if can(user, "view_grant", request) and not can(user, "view_fund_decision", request)
        else None,
        reports=reports,
        evaluation=evaluation,
        outcomes=request_outcomes(request, planned) if reads_outcomes else None,
    )


def record_anchors(record: RecordView, *, decisions: bool) -> dict[str, tuple[str, Promise]]:
    """For the timeline: the moves whose record the page shows this reader, with where it is shown."""
    anchors: dict[str, tuple[str, Promise]] = {}
    if record.reports:
        anchors["report_delivery"] = ("#delivery-report", _("Read the delivery report"))
    if record.evaluation is not None:
        anchors["evaluate"] = ("#evaluation", _("Read the evaluation"))
    if decisions:
        for move in ("route_to_funding", "approve_funding", "reject_funding"):
            anchors[move] = ("#fund-title", _("See the fund application and its decision"))
    elif record.grant is not None:
        anchors["approve_funding"] = ("#grant", _("See the grant"))
    return anchors
