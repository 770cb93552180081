"""Reads of the lifecycle: what a person may do with a request and what it went through, late requests, the
fund's queue and balances, experts' assignments (``workflows.selectors_assignments``, listed here).

Each returns a queryset or a list built in a fixed number of queries; callers scope what they show with
``helpdesk.selectors.visible_requests``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise

from helpdesk.access import sees_brief_only
from helpdesk.models import TERMINAL_STATES, Indicator, Region, RequestState, SupportRequest, User
from helpdesk.prepared import PreparedRead
from helpdesk.selectors import PERSON_NAME
from workflows.calendar import fiscal_year_of
from workflows.checks import ACTOR_CHECKS, refusal
from workflows.facts import RequestFacts
from workflows.lifecycle import STATE_SPECS, STATES, TRANSITION_SPECS, TRANSITIONS
from workflows.models import (
    DeliveryReport,
    Evaluation,
    ExpertAssignment,
    FollowUp,
    FundApplication,
    FundEnvelope,
    OutcomeTarget,
    OutcomeValue,
    TransitionLog,
)
from workflows.selectors_assignments import AssignmentLine as AssignmentLine
from workflows.selectors_assignments import accepted_experts as accepted_experts
from workflows.selectors_assignments import assignment_lines
from workflows.selectors_assignments import assignments_for_expert as assignments_for_expert
from workflows.selectors_assignments import conflicted_assignments as conflicted_assignments
from workflows.spec import ANNOUNCED, MoveTone, Party, Reader, TransitionSpec

MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=12, decimal_places=2)
Actor = User | AnonymousUser | None


def transitions_from(state: str) -> list[TransitionSpec]:
    """The moves the table allows out of ``state``, whoever asks."""
    return [spec for spec in TRANSITIONS if state in spec.sources]


def states_waiting_on(party: Party) -> list[str]:
    """The states in which ``party`` has something to do (a city's "waiting for you" list, reminders)."""
    return [spec.name for spec in STATES if party in spec.parties]


def follow_up_awaited(kind: str | None = None) -> Exists:
    """Whether the request of the outer query has a follow-up awaiting the city's answer (``answer_follow_up``,
    or ``answer_check_in``: ``kind`` says which of the two, both when None), as an expression: the city's
    "waiting for you" list adds these requests whatever their state."""
    awaited = FollowUp.objects.filter(request_id=OuterRef("pk"), status=FollowUp.Status.OPEN)
    return Exists(awaited if kind is None else awaited.filter(kind=kind))


# The states that lie on some request's usual road, in the table's order.
ROAD = [spec for spec in STATES if spec.road.kinds or spec.road.funded]


def road_ahead(request: SupportRequest) -> list[str]:
    """The states still ahead of ``request`` on its usual road (by its kind of support and whether it asks for
    money), in the table's order. The hub may take another road (ask for information, answer directly,
    decline): a timeline then shows the road actually taken."""
    # It goes through the fund if it asks for money, or already stands on the fund's road.
    through_fund = request.funding_requested is not None or STATE_SPECS[request.state].road.funded
    names = [
        spec.name for spec in ROAD if spec.road.passes(request, through_fund=through_fund) or spec.name == request.state
    ]
    if request.state not in names:  # a draft, or a question waiting for the city: the whole road is ahead
        return names
    return names[names.index(request.state) + 1 :]


def expected_move(request: SupportRequest, moves: list[TransitionSpec]) -> TransitionSpec | None:
    """Of ``moves`` (what a reader may do now), the one that is their expected next step, which a page shows
    as its one filled button: the move into the next state on the request's usual road (a fund request goes
    to the fund, an advice request is answered directly); else a forward move that keeps the state (an expert
    accepting a proposal). None when no move of theirs takes the request forward. On the incident fast track, the
    hub's expected step is to route it (``TransitionSpec.fast_track_primary``)."""
    ahead = road_ahead(request)
    forward = [spec for spec in moves if spec.tone is MoveTone.PRIMARY]
    if request.fast_tracked_at is not None and (routes := [spec for spec in forward if spec.fast_track_primary]):
        # On the incident fast track the hub routes straight to experts or to the fund (the one on the request's
        # road first): asking the city for information, or answering alone, is a side step there.
        return next((spec for spec in routes if ahead and spec.target == ahead[0]), routes[0])
    return next((spec for spec in forward if ahead and spec.target == ahead[0]), None) or next(
        (spec for spec in forward if spec.target is None), None
    )


def available_transitions(
    request: SupportRequest, actor: Actor, *, facts: RequestFacts | None = None
) -> list[TransitionSpec]:
    """The moves ``actor`` may make on ``request`` now, in the table's order: exactly a page's buttons, by the
    check chain ``workflows.services.transition_perform`` asks. ``facts``: what the caller already read of the
    request.

    The desk's own moves are never offered. Costs a fixed number of queries, whatever the request's history.
    """
    if actor is None or not actor.is_authenticated:
        return []
    facts = facts or RequestFacts(request)
    return [spec for spec in transitions_from(request.state) if refusal(spec, facts, actor) is None]


def current_fiscal_year(now: datetime | None = None) -> int:
    return fiscal_year_of(now or timezone.now())


def overdue_requests(*, region: Region | int | None = None, now: datetime | None = None) -> QuerySet[SupportRequest]:
    """Requests waiting past their step's deadline, most overdue first (optionally one hub's)."""
    qs = (
        SupportRequest.objects.filter(due_at__lt=now or timezone.now())
        .exclude(state__in=TERMINAL_STATES)
        .select_related("city", "region", "owner")
        .order_by("due_at", "pk")
    )
    if region is not None:
        qs = qs.filter(region_id=getattr(region, "pk", region))
    return qs


def pending_applications() -> QuerySet[FundApplication]:
    """Applications awaiting a decision, oldest first."""
    return FundApplication.objects.filter(status=FundApplication.Status.PENDING).order_by("created_at", "pk")


def envelope_balances(fiscal_year: int) -> QuerySet[FundEnvelope]:
    """Each region's envelope for ``fiscal_year``: amount, committed, remaining, and what pending asks total.

    The pending applications are joined on their status (not filtered inside the sums): the join reads the
    (envelope, status, amount) index for the few pending ones instead of every application of the year.
    """
    pending = FilteredRelation("applications", condition=Q(applications__status=FundApplication.Status.PENDING))
    return (
        FundEnvelope.objects.filter(fiscal_year=fiscal_year)
        .select_related("region")
        .annotate(pending_applications=pending)
        .annotate(
            remaining_amount=ExpressionWrapper(F("amount") - F("committed"), output_field=MONEY),
            pending_total=Coalesce(Sum("pending_applications__amount_requested"), Value(0), output_field=MONEY),
            pending_count=Count("pending_applications"),
        )
        .order_by("region__name")
    )


@dataclass(frozen=True)
class TrailLine:
    """One move of a request's trail, as its page shows it."""

    transition: str
    from_state: str
    to_state: str
    created_at: datetime
    comment: str
    actor: str | None  # the person's name; None for the desk's own moves
    # The event the move announced when it was not its usual one (``TransitionSpec.other_events``), else None.
    announced: str | None = None


# Read on every request page: a prepared read (``helpdesk.prepared``).
TRAIL_LINE = ("transition", "from_state", "to_state", "created_at", "comment", f"data__{ANNOUNCED}", "actor_id",
              *(f"actor__{name}" for name in PERSON_NAME))  # fmt: skip
_TRAIL_LINES = PreparedRead(
    "trail-lines",
    lambda request_id: TransitionLog.objects.filter(request_id=request_id).order_by("seq").values_list(*TRAIL_LINE),
)


def trail_lines(request: SupportRequest) -> list[TrailLine]:
    """The request's audit trail, oldest first, read as the few columns its page shows."""
    lines = _TRAIL_LINES.rows(request_id=request.pk)
    return [
        TrailLine(
            name,
            before,
            after,
            at,
            comment,
            User.display_name(*person) if actor_id is not None else None,
            announced if isinstance(announced, str) else None,
        )
        for name, before, after, at, comment, announced, actor_id, *person in lines
    ]


# The hub's question and the city's answer: while a request waits for information, a city's message is the
# answer (``workflows.services.reply_post``).
ASK_MOVE = "request_info"
ANSWER_MOVE = "provide_info"


def message_of_last(request: SupportRequest, transition: str) -> int | None:
    """The id of the message the last ``transition`` of ``request`` posted (its audit row names it), if any."""
    data = (
        TransitionLog.objects.filter(request_id=request.pk, transition=transition)
        .order_by("-seq")
        .values_list("data", flat=True)
        .first()
    )
    message_id = (data or {}).get("message")
    return message_id if isinstance(message_id, int) else None


def open_question(request: SupportRequest) -> int | None:
    """The id of the message holding the question the hub is waiting to have answered: the one the last "ask
    the city" move posted, while the request is in that state; else ``None``. One query, in that state only."""
    return message_of_last(request, ASK_MOVE) if request.state == RequestState.INFO_REQUESTED else None


def reply_answers(moves: list[TransitionSpec], visibility: str) -> bool:
    """Whether a message on channel ``visibility`` from someone who may make ``moves`` now answers the hub's
    question: it does when they may answer it and the city reads it."""
    spec = TRANSITION_SPECS[ANSWER_MOVE]
    return spec in moves and visibility == spec.comment_visibility


@dataclass(frozen=True)
class RequestLifecycleView:
    """What a request's page shows of its lifecycle, from one look at the request."""

    moves: list[TransitionSpec]  # what the reader may do now
    trail: list[TrailLine]  # what it went through, oldest first
    assignments: list[AssignmentLine]  # its experts and their answers (for those who oversee it)
    # its fund applications, with their envelope and deciders (for those who oversee it, and the city its grant)
    applications: list[FundApplication]
    expected: TransitionSpec | None  # of ``moves``, the reader's expected next step (``expected_move``)
    reader: Reader  # whose words the page speaks of where the request stands
    phrase: Promise | str  # where it stands, in the reader's words (empty once it ended)
    # Why a move the reader's role makes is not theirs on this request (``withheld_reasons``).
    withheld: list[str]


def request_lifecycle(
    request: SupportRequest, actor: Actor, *, oversees: bool, sees_grant: bool = False
) -> RequestLifecycleView:
    """The moves ``actor`` may make on ``request`` and its trail; for those who oversee it (``oversees``: hub
    staff of its region, the management unit), its experts and fund applications too; the applications also
    for the city that may see its grant (``sees_grant``: the page shows it only the approved one).

    Experts and applications come from the reads the moves' checks make; applications are read only when the
    trail went into funding review (the only way one is opened; most requests never take it).
    """
    facts = RequestFacts(request)
    moves = available_transitions(request, actor, facts=facts)
    trail = trail_lines(request)
    through_the_fund = any(line.to_state == RequestState.FUNDING_REVIEW for line in trail)
    return RequestLifecycleView(
        moves=moves,
        trail=trail,
        assignments=assignment_lines(request, facts=facts) if oversees else [],
        applications=facts.applications if (oversees or sees_grant) and through_the_fund else [],
        expected=expected_move(request, moves),
        reader=(reader := _reader(request, actor, facts, oversees=oversees)),
        phrase="" if STATE_SPECS[request.state].is_terminal else STATE_SPECS[request.state].phrases.of(reader),
        withheld=withheld_reasons(request, actor, moves, facts=facts) if oversees else [],
    )


# The refusals that are about the person, not the request: separation of duties (``workflows.checks.ACTOR_CHECKS``).
SEPARATION_OF_DUTIES = frozenset(check.code for check in ACTOR_CHECKS.values())


def withheld_reasons(
    request: SupportRequest, actor: Actor, moves: list[TransitionSpec], *, facts: RequestFacts
) -> list[str]:
    """Why moves the reader's role makes now are not theirs on this request: they triaged it, gave the first
    approval, declared a tie to its city. Each reason once; asked of the same facts as the moves, so it costs no
    query more than they did."""
    reasons: list[str] = []
    for spec in transitions_from(request.state):
        if spec in moves or not spec.actor_checks:
            continue
        refused = refusal(spec, facts, actor)
        if refused is not None and refused.code in SEPARATION_OF_DUTIES and str(refused) not in reasons:
            reasons.append(str(refused))
    return reasons


def _reader(request: SupportRequest, actor: Actor, facts: RequestFacts, *, oversees: bool) -> Reader:
    """Staff, the city, or an expert: one still asked to answer a proposal reads that answer as their next step
    (whatever the state), one whose acceptance awaits the hub lead's decision on a declared conflict reads that,
    one who accepted reads the state's words for experts."""
    if oversees or actor is None or not actor.is_authenticated:
        return "staff"
    if not sees_brief_only(actor, request):
        return "city"
    if facts.assignment_of(actor.pk, [ExpertAssignment.Status.PROPOSED]) is not None:
        return "proposed_expert"
    if facts.assignment_of(actor.pk, [ExpertAssignment.Status.CONFLICT]) is not None:
        return "conflicted_expert"
    return "expert"


def pending_application(request: SupportRequest) -> FundApplication | None:
    """The request's fund application awaiting a decision, with its envelope (what an approval confirms)."""
    return RequestFacts(request).pending_application


def delivery_record(
    request: SupportRequest, *, with_evaluation: bool = False
) -> tuple[list[DeliveryReport], Evaluation | None]:
    """The delivery reports of ``request``, oldest first, with their authors (who may read each is
    ``can(user, "view_delivery_report", request, author_id=...)``), and with ``with_evaluation`` the city's
    evaluation too, in the same query (an evaluated request with a report is read in one go)."""
    related = ["author", "request__evaluation__author"] if with_evaluation else ["author"]
    reports = list(
        DeliveryReport.objects.filter(request_id=request.pk).select_related(*related).order_by("created_at", "pk")
    )
    if not with_evaluation:
        return reports, None
    if not reports:
        # Delivered without a report (the hub answered directly): the evaluation alone.
        return reports, evaluation_of(request)
    try:
        return reports, reports[0].request.evaluation
    except Evaluation.DoesNotExist:
        return reports, None


def evaluation_of(request: SupportRequest) -> Evaluation | None:
    """The city's evaluation of ``request``, with its author, if it was given."""
    return Evaluation.objects.filter(request_id=request.pk).select_related("author").first()


def _stage_value(stage: OutcomeValue.Stage) -> Subquery:
    values = OutcomeValue.objects.filter(target_id=OuterRef("pk"), stage=stage, follow_up__isnull=True)
    return Subquery(values.order_by("-recorded_at", "-pk").values("value")[:1])


# Values are recorded from the delivery report on: before it, a request's planned outcomes have none to read.
VALUED_STATES = frozenset({RequestState.DELIVERED, RequestState.CLOSED})
_TARGET_COLUMNS = ("pk", "indicator_id", "baseline", "target", "planned_by_id", "created_at")
_INDICATOR_COLUMNS = tuple(field.attname for field in Indicator._meta.concrete_fields)


def _planned(request_id: int, *, valued: bool) -> QuerySet[OutcomeTarget, tuple[Any, ...]]:
    targets = OutcomeTarget.objects.filter(request_id=request_id)
    stages: tuple[str, ...] = ()
    if valued:
        targets = targets.annotate(
            delivered_value=_stage_value(OutcomeValue.Stage.DELIVERED),
            confirmed_value=_stage_value(OutcomeValue.Stage.CONFIRMED),
        )
        stages = ("delivered_value", "confirmed_value")
    return targets.order_by("indicator__priority", "indicator__position", "indicator__code").values_list(
        *_TARGET_COLUMNS, *(f"indicator__{name}" for name in _INDICATOR_COLUMNS), *stages
    )


# Read by every page of a routed request (its record and its move forms): prepared reads (``helpdesk.prepared``),
# with and without the values reached (the two subqueries cost as much to build as the rest of the read).
_PLANNED = PreparedRead("planned-outcomes", lambda request_id: _planned(request_id, valued=False))
_PLANNED_VALUED = PreparedRead("planned-outcomes-valued", lambda request_id: _planned(request_id, valued=True))


def outcome_targets(request: SupportRequest) -> list[OutcomeTarget]:
    """The request's planned outcomes in the catalogue's order, with their indicators and the value reached at
    delivery (``delivered_value``) and the one the city confirmed (``confirmed_value``), ``None`` where none was
    recorded (not looked for before delivery). One query; the rows are for reading, not saving."""
    valued = request.state in VALUED_STATES
    rows = (_PLANNED_VALUED if valued else _PLANNED).rows(request_id=request.pk)
    targets: list[OutcomeTarget] = []
    width = len(_TARGET_COLUMNS)
    for row in rows:
        pk, _indicator_id, baseline, target, planned_by_id, created_at = row[:width]
        planned = OutcomeTarget(
            pk=pk,
            request_id=request.pk,
            baseline=baseline,
            target=target,
            planned_by_id=planned_by_id,
            created_at=created_at,
        )
        indicator = row[width : width + len(_INDICATOR_COLUMNS)]
        planned.indicator = Indicator(**dict(zip(_INDICATOR_COLUMNS, indicator, strict=True)))
        delivered, confirmed = row[width + len(_INDICATOR_COLUMNS) :] if valued else (None, None)
        setattr(planned, "delivered_value", delivered)  # noqa: B010  (what the page reads of each stage)
        setattr(planned, "confirmed_value", confirmed)  # noqa: B010
        targets.append(planned)
    return targets


@dataclass(frozen=True)
class FollowUpValues:
    """One follow-up of a request with the values the city gave in it, by indicator id (none while open or
    when it went unanswered)."""

    pk: int
    months: int
    due_on: date
    status: str
    answered_at: datetime | None
    values: dict[int, Decimal]
    days: int = 0  # a check-in after an incident some days after delivery (``months`` is then 0)


def follow_up_values(request: SupportRequest) -> list[FollowUpValues]:
    """The request's follow-ups in time order, each with its values: one query (the follow-ups joined to their
    values, a follow-up without any still read once)."""
    rows = (
        FollowUp.objects.filter(request_id=request.pk)
        .order_by("months", "days", "pk")
        .values_list(
            "pk", "months", "days", "due_on", "status", "answered_at", "values__target__indicator_id", "values__value"
        )
    )
    found: dict[int, FollowUpValues] = {}
    for pk, months, days, due_on, status, answered_at, indicator_id, value in rows:
        follow_up = found.setdefault(pk, FollowUpValues(pk, months, due_on, status, answered_at, {}, days))
        if indicator_id is not None and value is not None:
            follow_up.values[indicator_id] = value
    return list(found.values())


def indicators_in_use() -> list[Indicator]:
    """The key indicators a hub may choose from, in the catalogue's order (by strategic priority): one query."""
    return list(Indicator.objects.filter(is_active=True).order_by("priority", "position", "code"))
