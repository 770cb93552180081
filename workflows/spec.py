"""The words the lifecycle table (``workflows.lifecycle``) is written in: what a state and a move can say.

This module holds the types (and two shorthands the table is written with), so that the table, the move
handlers and the checks can all import it without importing each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from helpdesk.models import TERMINAL_STATES, RequestState, SupportKind, SupportRequest

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, StrPromise

    from workflows.moves.base import Move


class Party(StrEnum):
    """Who a state waits on, in the words pages use ("waiting for the city")."""

    CITY = "city"
    HUB = "hub"
    EXPERT = "expert"
    MANAGEMENT = "management"


class Audience(StrEnum):
    """People the lifecycle names for a request: who a state waits on, who hears of a move.

    ``notifications.recipients`` turns each into people for a batch of requests.
    """

    CITY = "city"  # the focal points of the request's city
    OWNER = "owner"  # the hub staff member who owns the request
    OWNER_OR_HUB = "owner_or_hub"  # the owner; the region's hub staff while nobody owns it
    HUB = "hub"  # every hub staff member of the request's region
    HUB_LEADS = "hub_leads"  # the region's hub lead(s)
    MANAGEMENT = "management"  # the management unit
    NAMED_EXPERTS = "named_experts"  # the experts named in the event's data (``experts``)
    PROPOSED_EXPERTS = "proposed_experts"  # experts proposed and yet to answer
    ACCEPTED_EXPERTS = "accepted_experts"
    ENGAGED_EXPERTS = "engaged_experts"  # proposed, accepted (or awaiting a waiver) or completed
    # Experts who declared a conflict of interest when accepting, whose acceptance awaits the hub lead's decision.
    CONFLICTED_EXPERTS = "conflicted_experts"
    RELEASED_EXPERTS = "released_experts"  # experts whose open proposal the move closed (``released_experts``)
    FUND_DECIDERS = "fund_deciders"  # the management unit, when the move closed an application awaiting it
    WATCHERS = "watchers"  # colleagues who asked to follow the request

    @property
    def party(self) -> Party | None:
        """The side of the network this audience belongs to (watchers belong to none in particular)."""
        return _PARTIES.get(self)


_PARTIES = {
    Audience.CITY: Party.CITY,
    Audience.OWNER: Party.HUB,
    Audience.OWNER_OR_HUB: Party.HUB,
    Audience.HUB: Party.HUB,
    Audience.HUB_LEADS: Party.HUB,
    Audience.MANAGEMENT: Party.MANAGEMENT,
    Audience.NAMED_EXPERTS: Party.EXPERT,
    Audience.PROPOSED_EXPERTS: Party.EXPERT,
    Audience.ACCEPTED_EXPERTS: Party.EXPERT,
    Audience.ENGAGED_EXPERTS: Party.EXPERT,
    Audience.CONFLICTED_EXPERTS: Party.EXPERT,
    Audience.RELEASED_EXPERTS: Party.EXPERT,
    Audience.FUND_DECIDERS: Party.MANAGEMENT,
}


class Tone(StrEnum):
    """How a state's badge looks (pages map each tone to a colour; the badge always names the state too)."""

    DRAFT = "draft"  # not filed yet
    ACTIVE = "active"  # moving along
    ATTENTION = "attention"  # waiting for the city's answer
    PENDING = "pending"  # waiting for a decision
    SUCCESS = "success"  # support delivered
    ENDED = "ended"  # closed or withdrawn
    REFUSED = "refused"  # declined


class MoveTone(StrEnum):
    """How a move's button looks: the road forward, a side step, or something that ends or refuses."""

    PRIMARY = "primary"
    QUIET = "quiet"
    DANGER = "danger"


class Rule(StrEnum):
    """Who may make a move (``workflows.checks.RULES`` holds the check for each)."""

    FOCAL_POINT = "focal_point"  # a focal point of the request's city
    HUB_STAFF = "hub_staff"  # hub staff of the request's region
    PROPOSED_EXPERT = "proposed_expert"  # an expert whose assignment on the request awaits their answer
    DELIVERY_TEAM = "delivery_team"  # an expert who accepted the assignment, or hub staff of the region
    # The lead of the request's hub, or the management unit (which oversees every hub): a conflict of interest
    # an expert declared is theirs to waive.
    HUB_LEAD = "hub_lead"
    MANAGEMENT = "management"  # the management unit
    SYSTEM = "system"  # nobody: the desk itself (``actor=None``)


class Guard(StrEnum):
    """A condition on the request alone; a move whose guards fail is not offered at all."""

    SUBMISSION_COMPLETE = "submission_complete"
    HAS_ACCEPTED_EXPERT = "has_accepted_expert"  # or, for a peer exchange, an introduction both cities accepted
    PEER_EXCHANGE = "peer_exchange"  # the city asked for a peer exchange
    NO_PENDING_APPLICATION = "no_pending_application"
    HAS_PENDING_APPLICATION = "has_pending_application"
    HAS_CONFLICT = "has_conflict"  # an expert's acceptance awaits a decision on the conflict they declared
    DEADLINE_PASSED = "deadline_passed"
    # Follow-ups after delivery (``workflows.follow_ups`` says when each step is due).
    FOLLOW_UP_DUE = "follow_up_due"  # the support planned key indicators and a follow-up point has come
    HAS_OPEN_FOLLOW_UP = "has_open_follow_up"  # a follow-up (or a check-in) awaits the city's answer
    FOLLOW_UP_REMINDER_DUE = "follow_up_reminder_due"
    FOLLOW_UP_ESCALATION_DUE = "follow_up_escalation_due"
    FOLLOW_UP_MISSED = "follow_up_missed"  # open past the days the city has to answer
    # Which follow-ups the request gets: outcome ones, or check-ins after the incident on the incident fast track.
    OUTCOME_FOLLOW_UPS = "outcome_follow_ups"  # off the fast track
    INCIDENT_CHECK_INS = "incident_check_ins"  # on the fast track
    CHECK_IN_DUE = "check_in_due"  # on the fast track, delivered, and a check-in point has come
    NOT_FAST_TRACKED = "not_fast_tracked"  # the request is not on the incident fast track yet


class ActorCheck(StrEnum):
    """Separation of duties: a check on the person beyond their role."""

    NOT_TRIAGER = "not_triager"  # whoever made a hub triage decision on the request may not approve its funding
    NOT_FIRST_APPROVER = "not_first_approver"  # four eyes: the second approval comes from someone else
    # A management-unit member who declared a tie to the request's city (``User.tied_cities``) does not decide
    # its grant.
    NOT_TIED_TO_CITY = "not_tied_to_city"


class Kind(StrEnum):
    """What a move's data field holds: how it is cleaned (``workflows.validation``) and asked for on a page
    (``web.forms.moves``)."""

    TEXT = "text"  # plain text
    RICH_TEXT = "rich_text"  # rich text, sanitised
    BOOL = "bool"  # a box to tick (unticked is an answer: no)
    YES_NO = "yes_no"  # a question the person must answer yes or no
    DECIMAL = "decimal"  # an amount
    CURRENCY = "currency"
    DATE = "date"
    RATING = "rating"  # 1 to 5
    PRIORITY = "priority"  # one of the five strategic priorities
    EXPERTS = "experts"  # people from the expert pool (chosen on the matching page)
    BUDGET_LINES = "budget_lines"  # (item, amount) pairs
    INDICATORS = "indicators"  # key indicators the support aims to move, each with an optional baseline and target
    INDICATOR_VALUES = "indicator_values"  # a value for each of the request's planned indicators
    PEER_CITY = "peer_city"  # a city open to peer exchange on the request's theme (chosen on the peers page)
    # One of the request's expert assignments the move is about (a conflicted acceptance the hub lead decides on).
    ASSIGNMENT = "assignment"


class DeadlineKind(StrEnum):
    NONE = "none"  # nothing is awaited with a date
    WORKING_DAYS = "working_days"  # so many working days from entering the state
    CLOSE_AFTER_DAYS = "close_after_days"  # so many calendar days, then the desk closes the request itself
    DELIVERY_DATE = "delivery_date"  # the end of the agreed delivery date
    HOURS = "hours"  # so many hours from entering the state, every day counted (the incident fast track)


@dataclass(frozen=True, kw_only=True)
class Deadline:
    """When a state falls due. ``days`` is the default; the setting named ``setting`` (and the environment
    variable of the same name, see ``config/settings.py``) overrides it."""

    kind: DeadlineKind
    days: int = 0
    hours: int = 0
    setting: str = ""


NO_DEADLINE = Deadline(kind=DeadlineKind.NONE)


def hours(count: int, setting: str) -> Deadline:
    """Due ``count`` hours after the request entered the state, nights and weekends included (``setting``
    overrides them)."""
    return Deadline(kind=DeadlineKind.HOURS, hours=count, setting=setting)


def working_days(days: int, setting: str) -> Deadline:
    """Due ``days`` working days after the request entered the state (the setting ``setting`` overrides them)."""
    return Deadline(kind=DeadlineKind.WORKING_DAYS, days=days, setting=setting)


# Who reads a state's phrase: the city's focal points, the staff who oversee the request (hub, management
# unit), an expert reading the brief.
# "proposed_expert": an expert asked to advise who has not answered yet, whatever the state.
# "conflicted_expert": an expert who accepted declaring a conflict of interest, until the hub lead decides.
Reader = Literal["city", "staff", "expert", "proposed_expert", "conflicted_expert"]

# What a proposed expert reads until they answer: their own answer is the next step, not the request's state.
PROPOSED_EXPERT_PHRASE = _("You are asked to advise on this request: read the brief, then accept or decline.")
# What an expert who declared a conflict of interest reads until the hub lead decides, whatever the state.
CONFLICTED_EXPERT_PHRASE = _(
    "You declared a conflict of interest: your acceptance waits for the hub lead, who records a waiver or asks"
    " another expert. Nothing is expected of you meanwhile."
)


@dataclass(frozen=True, kw_only=True)
class Phrases:
    """What each reader is told of a request in a state, in plain words from their side."""

    city: Promise  # the city's focal points, about their own request: a sentence
    staff: Promise  # hub staff and the management unit: what the request is waiting for ("waiting for ...")
    # An expert who accepted (or completed) the assignment, about the request they advise on: a sentence that
    # says what happens next and what is theirs to do (their page shows it as their next step).
    expert: Promise

    def of(self, reader: Reader) -> Promise:
        if reader == "proposed_expert":
            return PROPOSED_EXPERT_PHRASE
        if reader == "conflicted_expert":
            return CONFLICTED_EXPERT_PHRASE
        phrase: Promise = getattr(self, reader)
        return phrase


@dataclass(frozen=True, kw_only=True)
class Road:
    """Whether a state lies on a request's usual road from filing to closing (the timeline shows the road
    ahead): for the kinds of support named, and (``funded``) for any request that goes through the fund."""

    kinds: frozenset[SupportKind] = frozenset()
    funded: bool = False

    def passes(self, request: SupportRequest, *, through_fund: bool) -> bool:
        return request.kind in self.kinds or (self.funded and through_fund)


ALL_KINDS = frozenset(SupportKind)
OFF_ROAD = Road()


@dataclass(frozen=True, kw_only=True)
class StateSpec:
    state: RequestState
    tone: Tone
    phrases: Phrases
    # Who must act now; a passed deadline reminds them. Empty when nobody is awaited.
    waits_on: tuple[Audience, ...]
    deadline: Deadline
    road: Road
    # The deadline on the incident fast track (``SupportRequest.fast_tracked_at``), in hours; none: the same as
    # off it (a delivery date, the evaluation period).
    fast_track: Deadline = NO_DEADLINE

    @property
    def name(self) -> str:
        return self.state.value

    @property
    def label(self) -> str:
        return str(self.state.label)

    @property
    def is_terminal(self) -> bool:
        return self.state in TERMINAL_STATES

    @property
    def parties(self) -> frozenset[Party]:
        return frozenset(party for audience in self.waits_on if (party := audience.party) is not None)


@dataclass(frozen=True, kw_only=True)
class DataField:
    """One piece of data a move takes; its label and help are what the page shows and errors name."""

    name: str
    kind: Kind
    # Lazy strings, as form fields take them.
    label: StrPromise
    help_text: StrOrPromise = ""
    required: bool = True
    # Left blank, the field takes the request's own value (what the city already gave).
    default_from_request: str = ""
    # Pre-filled from the pending fund application (its attribute of that name), capped by what is left in
    # its envelope: the approver confirms an amount instead of typing one.
    default_from_application: str = ""
    # Optional while the request is on the incident fast track (``SupportRequest.fast_tracked_at``): what can be
    # planned later (the key indicators) does not hold up routing a request the city needs answered in hours.
    optional_on_fast_track: bool = False

    def required_for(self, request: SupportRequest) -> bool:
        """Whether the move needs this field for ``request`` (``workflows.validation`` and the page's form ask)."""
        return self.required and not (self.optional_on_fast_track and request.fast_tracked_at is not None)


@dataclass(frozen=True, kw_only=True)
class Event:
    """What a move announces: the audit trail's and the signal's name for it, the line in the past tense that
    the timeline and the notification's subject show, who is told, and the e-mail's wording."""

    name: str
    line: Promise
    recipients: tuple[Audience, ...]
    template: str


def event(name: str, line: Promise, *recipients: Audience) -> Event:
    """The event ``name``, told to ``recipients`` with the e-mail ``notifications/email/events/<name>.txt``."""
    return Event(name=name, line=line, recipients=recipients, template=f"notifications/email/events/{name}.txt")


Handler = Callable[[SupportRequest, "Move"], "str | None"]

# The key of a move's record (``Move.record``) where its handler names the event it announces, when it is one of
# the move's ``other_events`` rather than its usual one: kept in the audit row, so the timeline words it alike.
ANNOUNCED = "announced"


@dataclass(frozen=True, kw_only=True)
class TransitionSpec:
    """One lifecycle move: what a page offers as a button and ``transition_perform`` carries out.

    ``target`` is ``None`` for the moves on expert assignments, which leave the request's state as it is;
    ``may_stay`` marks the move that sometimes keeps it where it is (the first of two fund approvals), which
    then announces ``stay_event``. ``comment_field`` names the data field whose text is posted on the request
    as a message to ``comment_visibility`` readers (the audit trail itself never holds free text).
    ``triage``: one of the hub's triage decisions (whoever made one may not decide on the request's funding,
    and the first one ends "time to triage" in the figures). ``other_events``: what the move announces instead
    of ``event`` when its handler says so (an acceptance declaring a conflict of interest tells the hub lead that
    a decision is needed, not that an expert accepted): the handler names it in ``Move.record[ANNOUNCED]``.
    """

    name: str
    sources: tuple[RequestState, ...]
    target: RequestState | None
    rule: Rule
    label: Promise  # the button, in the imperative
    event: Event
    handler: Handler
    irreversible: bool  # nothing undoes it: pages ask to confirm
    tone: MoveTone
    # What making the move does that cannot be taken back, in a sentence the confirmation shows (required of
    # an irreversible move a person makes). It may name ``%(amount)s``, ``%(currency)s`` and ``%(city)s``.
    consequence: Promise | None = None
    fields: tuple[DataField, ...] = ()
    guards: tuple[Guard, ...] = ()
    actor_checks: tuple[ActorCheck, ...] = ()
    system_only: bool = False
    may_stay: bool = False
    stay_event: Event | None = None
    triage: bool = False
    comment_field: str = ""
    comment_visibility: str = ""
    other_events: tuple[Event, ...] = ()
    # On the incident fast track, the hub's expected step is one of these moves (routing straight to experts or
    # to the fund), whatever the request's usual road (``workflows.selectors.expected_move``).
    fast_track_primary: bool = False

    @property
    def events(self) -> tuple[Event, ...]:
        stay = (self.stay_event,) if self.stay_event else ()
        return (self.event, *stay, *self.other_events)

    def announced(self, *, from_state: str, to_state: str, name: str | None = None) -> Event:
        """What the move announced when it took the request from ``from_state`` to ``to_state``: the one of its
        ``other_events`` its handler named (``name``, from its record), its ``stay_event`` when it kept the
        request where it was, else its event."""
        chosen = next((other for other in self.other_events if other.name == name), None) if name else None
        if chosen is not None:
            return chosen
        if self.stay_event is not None and from_state == to_state:
            return self.stay_event
        return self.event

    @property
    def targets(self) -> tuple[RequestState, ...]:
        """Every state the request may be in after the move."""
        if self.target is None:
            return self.sources
        return (self.target, *self.sources) if self.may_stay else (self.target,)

    @property
    def chooses_experts(self) -> bool:
        """Its data is a choice of experts: the hub makes it from the matching page."""
        return any(field.kind is Kind.EXPERTS for field in self.fields)

    @property
    def chooses_peer(self) -> bool:
        """Its data is a choice of peer city: the hub makes it from the request's peers page."""
        return any(field.kind is Kind.PEER_CITY for field in self.fields)
