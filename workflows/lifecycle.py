"""The request lifecycle as data: its states and its transitions, in one table.

The machine (``workflows.machine``) generates its django-fsm transition methods from ``TRANSITIONS``;
``perform``, ``available_transitions``, the deadlines, the diagram, the pages' move forms and the tests
read the same table, so each rule is written once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from helpdesk.models import TERMINAL_STATES, RequestState, Visibility

S = RequestState


class Rule(StrEnum):
    """Who may make a move (``workflows.rules.RULES`` holds the check for each)."""

    FOCAL_POINT = "focal_point"  # a focal point of the request's city
    HUB_STAFF = "hub_staff"  # hub staff of the request's region
    PROPOSED_EXPERT = "proposed_expert"  # an expert whose assignment on the request awaits their answer
    DELIVERY_TEAM = "delivery_team"  # an expert who accepted the assignment, or hub staff of the region
    MANAGEMENT = "management"  # the management unit
    SYSTEM = "system"  # nobody: the desk itself (``actor=None``)


class Guard(StrEnum):
    """A condition on the request alone; a move whose guards fail is not offered at all."""

    SUBMISSION_COMPLETE = "submission_complete"
    HAS_ACCEPTED_EXPERT = "has_accepted_expert"
    NO_PENDING_APPLICATION = "no_pending_application"
    HAS_PENDING_APPLICATION = "has_pending_application"
    DEADLINE_PASSED = "deadline_passed"


class ActorCheck(StrEnum):
    """Separation of duties: a check on the person beyond their role."""

    NOT_TRIAGER = "not_triager"  # whoever made a hub triage decision on the request may not approve its funding
    NOT_FIRST_APPROVER = "not_first_approver"  # four eyes: the second approval comes from someone else


class Kind(StrEnum):
    """How a move's data field is cleaned (``workflows.validation.CLEANERS``)."""

    TEXT = "text"  # plain text (``helpdesk.sanitize.clean_text``)
    RICH_TEXT = "rich_text"  # rich text (``helpdesk.sanitize.clean_html``)
    BOOL = "bool"
    DECIMAL = "decimal"
    CURRENCY = "currency"
    DATE = "date"
    RATING = "rating"
    PRIORITY = "priority"
    EXPERTS = "experts"
    BUDGET_LINES = "budget_lines"


class Deadline(StrEnum):
    """How a waiting state's deadline is computed (the numbers live in settings, block "Workflow")."""

    NONE = "none"
    WORKING_DAYS = "working_days"  # settings.WORKFLOW_DEADLINE_WORKING_DAYS[state]
    CLOSE_AFTER_DAYS = "close_after_days"  # settings.WORKFLOW_AUTO_CLOSE_DAYS calendar days, then auto-close
    DELIVERY_DATE = "delivery_date"  # the end of the agreed delivery date


@dataclass(frozen=True)
class DataField:
    name: str
    kind: Kind
    label: Promise
    required: bool = True
    # Left blank, the field takes the request's own value (what the city already gave).
    default_from_request: str = ""


@dataclass(frozen=True)
class StateSpec:
    name: str
    waits_for: Promise
    deadline: Deadline

    @property
    def label(self) -> str:
        return RequestState(self.name).label

    @property
    def is_terminal(self) -> bool:
        return self.name in TERMINAL_STATES


@dataclass(frozen=True)
class TransitionSpec:
    """One lifecycle move: what a page offers as a button and ``perform`` carries out.

    ``target`` is ``None`` for the moves on expert assignments, which leave the request's state as it is;
    ``may_stay`` marks the move that sometimes keeps it where it is (the first of two fund approvals).
    ``comment_field`` names the data field whose text is posted on the request as a message to
    ``comment_visibility`` readers (the audit trail itself never holds free text).
    """

    name: str
    sources: tuple[str, ...]
    target: str | None
    rule: Rule
    label: Promise
    fields: tuple[DataField, ...] = ()
    guards: tuple[Guard, ...] = ()
    actor_checks: tuple[ActorCheck, ...] = ()
    system_only: bool = False
    may_stay: bool = False
    event: str = ""
    comment_field: str = ""
    comment_visibility: str = ""

    @property
    def event_name(self) -> str:
        return self.event or self.name

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if not f.required)

    @property
    def targets(self) -> tuple[str, ...]:
        """Every state the request may be in after the move."""
        if self.target is None:
            return self.sources
        return (self.target, *self.sources) if self.may_stay else (self.target,)


def _text(name: str, label: Promise, *, required: bool = True) -> DataField:
    return DataField(name, Kind.TEXT, label, required)


def _rich(name: str, label: Promise, *, required: bool = True) -> DataField:
    return DataField(name, Kind.RICH_TEXT, label, required)


STATES: tuple[StateSpec, ...] = (
    StateSpec(S.DRAFT, _("the focal point to finish and submit the request"), Deadline.NONE),
    StateSpec(S.SUBMITTED, _("hub triage"), Deadline.WORKING_DAYS),
    StateSpec(S.INFO_REQUESTED, _("the city to answer the hub's question"), Deadline.WORKING_DAYS),
    StateSpec(
        S.EXPERT_MATCHING,
        _("an expert to accept, or the hub to start delivery or apply for funding"),
        Deadline.WORKING_DAYS,
    ),
    StateSpec(S.FUNDING_REVIEW, _("a management-unit decision on the fund application"), Deadline.WORKING_DAYS),
    StateSpec(S.IN_DELIVERY, _("the expert or the hub to report delivery"), Deadline.DELIVERY_DATE),
    StateSpec(S.DELIVERED, _("the city's evaluation"), Deadline.CLOSE_AFTER_DAYS),
    StateSpec(S.CLOSED, _("nothing: the request is closed"), Deadline.NONE),
    StateSpec(S.DECLINED, _("nothing: the request was declined"), Deadline.NONE),
    StateSpec(S.WITHDRAWN, _("nothing: the request was withdrawn"), Deadline.NONE),
)

BEFORE_DELIVERY = (S.DRAFT, S.SUBMITTED, S.INFO_REQUESTED, S.EXPERT_MATCHING, S.FUNDING_REVIEW)
# An expert may answer a proposal as long as the request still needs its expert.
ANSWERING_STATES = (S.EXPERT_MATCHING, S.FUNDING_REVIEW, S.IN_DELIVERY)
CITY = Visibility.CITY.value

REASON = _text("reason", _("Reason"))
REASON_FOR_CITY = _rich("reason", _("Reason"))
EXPERTS = DataField("experts", Kind.EXPERTS, _("Experts"))
DELIVERY_DUE = DataField("delivery_due", Kind.DATE, _("Agreed delivery date"), required=False)

TRANSITIONS: tuple[TransitionSpec, ...] = (
    TransitionSpec(
        "submit", (S.DRAFT,), S.SUBMITTED, Rule.FOCAL_POINT, _("Submit to the hub"), guards=(Guard.SUBMISSION_COMPLETE,)
    ),
    TransitionSpec(
        "request_info",
        (S.SUBMITTED,),
        S.INFO_REQUESTED,
        Rule.HUB_STAFF,
        _("Ask the city for information"),
        fields=(_rich("question", _("Question for the city")),),
        comment_field="question",
        comment_visibility=CITY,
    ),
    TransitionSpec(
        "provide_info",
        (S.INFO_REQUESTED,),
        S.SUBMITTED,
        Rule.FOCAL_POINT,
        _("Answer the hub"),
        fields=(_rich("answer", _("Answer")),),
        comment_field="answer",
        comment_visibility=CITY,
    ),
    TransitionSpec(
        "answer_directly",
        (S.SUBMITTED,),
        S.DELIVERED,
        Rule.HUB_STAFF,
        _("Answer directly"),
        fields=(_rich("answer", _("Answer")),),
        comment_field="answer",
        comment_visibility=CITY,
    ),
    TransitionSpec(
        "route_to_experts", (S.SUBMITTED,), S.EXPERT_MATCHING, Rule.HUB_STAFF, _("Route to experts"), fields=(EXPERTS,)
    ),
    TransitionSpec(
        "propose_expert",
        (S.EXPERT_MATCHING,),
        None,
        Rule.HUB_STAFF,
        _("Propose an expert"),
        fields=(EXPERTS,),
        event="expert_proposed",
    ),
    TransitionSpec(
        "route_to_funding",
        (S.SUBMITTED, S.EXPERT_MATCHING),
        S.FUNDING_REVIEW,
        Rule.HUB_STAFF,
        _("Apply to the technical support fund"),
        fields=(
            DataField("amount", Kind.DECIMAL, _("Amount"), default_from_request="funding_requested"),
            DataField("currency", Kind.CURRENCY, _("Currency"), default_from_request="currency"),
            DataField("budget_lines", Kind.BUDGET_LINES, _("Budget lines"), default_from_request="budget_lines"),
            DataField(
                "strategic_priority",
                Kind.PRIORITY,
                _("Strategic priority"),
                default_from_request="strategic_priority",
            ),
            _text("justification", _("Justification")),
        ),
    ),
    TransitionSpec(
        "accept_assignment",
        ANSWERING_STATES,
        None,
        Rule.PROPOSED_EXPERT,
        _("Accept the assignment"),
        fields=(
            _text("declaration", _("Conflict-of-interest declaration")),
            DataField("has_conflict", Kind.BOOL, _("Conflict of interest")),
        ),
        event="assignment_accepted",
    ),
    TransitionSpec(
        "decline_assignment",
        ANSWERING_STATES,
        None,
        Rule.PROPOSED_EXPERT,
        _("Decline the assignment"),
        fields=(REASON,),
        event="assignment_declined",
    ),
    TransitionSpec(
        "start_delivery",
        (S.EXPERT_MATCHING,),
        S.IN_DELIVERY,
        Rule.HUB_STAFF,
        _("Start delivery"),
        fields=(DELIVERY_DUE,),
        guards=(Guard.HAS_ACCEPTED_EXPERT, Guard.NO_PENDING_APPLICATION),
    ),
    TransitionSpec(
        "approve_funding",
        (S.FUNDING_REVIEW,),
        S.IN_DELIVERY,
        Rule.MANAGEMENT,
        _("Approve the funding"),
        fields=(
            DataField("amount_approved", Kind.DECIMAL, _("Amount approved"), required=False),
            _text("conditions", _("Conditions"), required=False),
            DELIVERY_DUE,
        ),
        guards=(Guard.HAS_PENDING_APPLICATION,),
        actor_checks=(ActorCheck.NOT_TRIAGER, ActorCheck.NOT_FIRST_APPROVER),
        may_stay=True,
    ),
    TransitionSpec(
        "reject_funding",
        (S.FUNDING_REVIEW,),
        S.DECLINED,
        Rule.MANAGEMENT,
        _("Reject the funding"),
        fields=(REASON,),
        guards=(Guard.HAS_PENDING_APPLICATION,),
    ),
    TransitionSpec(
        "report_delivery",
        (S.IN_DELIVERY,),
        S.DELIVERED,
        Rule.DELIVERY_TEAM,
        _("Report delivery"),
        fields=(_rich("report", _("Delivery report")),),
    ),
    TransitionSpec(
        "evaluate",
        (S.DELIVERED,),
        S.CLOSED,
        Rule.FOCAL_POINT,
        _("Evaluate the support"),
        fields=(
            DataField("rating", Kind.RATING, _("Rating")),
            _text("outcomes", _("Outcomes")),
            DataField("would_recommend", Kind.BOOL, _("Would recommend")),
            _rich("comments", _("Comments"), required=False),
        ),
    ),
    TransitionSpec(
        "auto_close",
        (S.DELIVERED,),
        S.CLOSED,
        Rule.SYSTEM,
        _("Close after the evaluation period"),
        guards=(Guard.DEADLINE_PASSED,),
        system_only=True,
    ),
    TransitionSpec(
        "decline",
        (S.SUBMITTED, S.INFO_REQUESTED, S.EXPERT_MATCHING),
        S.DECLINED,
        Rule.HUB_STAFF,
        _("Decline the request"),
        fields=(REASON_FOR_CITY,),
        comment_field="reason",
        comment_visibility=CITY,
    ),
    TransitionSpec("withdraw", BEFORE_DELIVERY, S.WITHDRAWN, Rule.FOCAL_POINT, _("Withdraw the request")),
)

STATE_SPECS: dict[str, StateSpec] = {state.name: state for state in STATES}
TRANSITION_SPECS: dict[str, TransitionSpec] = {spec.name: spec for spec in TRANSITIONS}
STATE_NAMES: frozenset[str] = frozenset(STATE_SPECS)
# The hub's triage decisions: whoever made one may not decide on the request's funding, and the first one
# ends "time to triage" in the figures.
TRIAGE: tuple[str, ...] = ("request_info", "answer_directly", "route_to_experts", "route_to_funding", "decline")
# The first of two fund approvals is announced under its own name: it asks for a second approver.
FIRST_APPROVAL_EVENT = "funding_first_approval"


def transitions_from(state: str) -> list[TransitionSpec]:
    return [spec for spec in TRANSITIONS if state in spec.sources]
