"""The request lifecycle as one table: every state and every move, with everything the desk knows about each.

Every other part reads it (``workflows.spec`` says what each fact means); ``tests/workflows/test_lifecycle.py``
fails when one is missing. Adding a state: a line in ``STATES`` (its value in ``RequestState``, the choice
migration), the moves into and out of it, and their e-mails (``templates/notifications/email/events/``).
The follow-up moves after delivery are written in ``workflows.lifecycle_follow_ups``, the peer exchange's in
``workflows.lifecycle_peers``, the hub lead's decision on a declared conflict in ``workflows.lifecycle_conflicts``,
and listed here with the rest.
"""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext_lazy as _

from helpdesk.models import RequestState, SupportKind, Visibility
from workflows.lifecycle_conflicts import ANSWERING_STATES, CONFLICT_DECLARED, CONFLICT_MOVES
from workflows.lifecycle_follow_ups import FOLLOW_UP_MOVES
from workflows.lifecycle_peers import PEER_MOVES
from workflows.moves import assignments, closing, fast_track, funding, triage
from workflows.spec import (
    ALL_KINDS,
    NO_DEADLINE,
    OFF_ROAD,
    ActorCheck,
    Audience,
    DataField,
    Deadline,
    DeadlineKind,
    Event,
    Guard,
    Kind,
    MoveTone,
    Phrases,
    Road,
    Rule,
    StateSpec,
    Tone,
    TransitionSpec,
    event,
    hours,
    working_days,
)

S = RequestState
A = Audience
K = SupportKind
CITY = Visibility.CITY.value
INTERNAL = Visibility.INTERNAL.value
# Whose part a move may end: the experts (with those whose open proposal it closed), a closed application's deciders.
ENDING = (A.ENGAGED_EXPERTS, A.RELEASED_EXPERTS, A.FUND_DECIDERS)
INVOLVED = (A.CITY, A.OWNER_OR_HUB, *ENDING)  # "the people involved" in a request's end

STATES: tuple[StateSpec, ...] = (
    StateSpec(
        state=S.DRAFT,
        tone=Tone.DRAFT,
        phrases=Phrases(
            city=_("Not sent to the hub yet"),
            staff=_("the focal point to finish and submit the request"),
            expert=_("Not filed yet"),
        ),
        waits_on=(A.CITY,),
        deadline=NO_DEADLINE,
        road=OFF_ROAD,
    ),
    StateSpec(
        state=S.SUBMITTED,
        tone=Tone.ACTIVE,
        phrases=Phrases(
            city=_("With the hub for review"),
            staff=_("hub triage"),
            expert=_("With the hub for triage"),
        ),
        waits_on=(A.OWNER_OR_HUB,),
        deadline=working_days(5, "WORKFLOW_TRIAGE_DAYS"),
        road=Road(kinds=ALL_KINDS),
        fast_track=hours(24, "WORKFLOW_INCIDENT_FIRST_ANSWER_HOURS"),
    ),
    StateSpec(
        state=S.INFO_REQUESTED,
        tone=Tone.ATTENTION,
        phrases=Phrases(
            city=_("The hub is waiting for your answer"),
            staff=_("the city to answer the hub's question"),
            expert=_("The hub is waiting for the city's answer"),
        ),
        waits_on=(A.CITY,),
        deadline=working_days(10, "WORKFLOW_INFO_DAYS"),
        road=OFF_ROAD,
        fast_track=hours(24, "WORKFLOW_INCIDENT_INFO_HOURS"),
    ),
    StateSpec(
        state=S.EXPERT_MATCHING,
        tone=Tone.PENDING,
        phrases=Phrases(
            city=_("The hub is finding an expert"),
            staff=_("an expert to accept, or the hub to start delivery or apply for funding"),
            expert=_("You accepted: the hub will start the delivery with you. Ask it anything on the expert channel."),
        ),
        waits_on=(A.PROPOSED_EXPERTS, A.OWNER_OR_HUB),
        deadline=working_days(5, "WORKFLOW_MATCHING_DAYS"),
        road=Road(kinds=frozenset({K.EXPERT, K.TRAINING, K.PEER_EXCHANGE})),
        fast_track=hours(48, "WORKFLOW_INCIDENT_MATCHING_HOURS"),
    ),
    StateSpec(
        state=S.FUNDING_REVIEW,
        tone=Tone.PENDING,
        phrases=Phrases(
            city=_("Awaiting the fund decision of the management unit"),
            staff=_("a management-unit decision on the fund application"),
            expert=_("Awaiting the management unit's decision on funding: delivery starts once it is approved"),
        ),
        waits_on=(A.MANAGEMENT,),
        deadline=working_days(10, "WORKFLOW_FUNDING_DAYS"),
        road=Road(kinds=frozenset({K.FUND}), funded=True),
        fast_track=hours(48, "WORKFLOW_INCIDENT_FUNDING_HOURS"),
    ),
    StateSpec(
        state=S.IN_DELIVERY,
        tone=Tone.ACTIVE,
        phrases=Phrases(
            city=_("Support is under way"),
            staff=_("the expert or the hub to report delivery"),
            expert=_("Support is under way: deliver it with the city, then report delivery here"),
        ),
        waits_on=(A.ACCEPTED_EXPERTS, A.OWNER_OR_HUB),
        # Working days to the delivery date when nobody agreed one (and the city's wish has passed).
        deadline=Deadline(kind=DeadlineKind.DELIVERY_DATE, days=40, setting="WORKFLOW_DELIVERY_DEFAULT_DAYS"),
        road=Road(kinds=ALL_KINDS - {K.ADVICE}, funded=True),
    ),
    StateSpec(
        state=S.DELIVERED,
        tone=Tone.SUCCESS,
        phrases=Phrases(
            city=_("The desk is waiting for your evaluation"),
            staff=_("the city's evaluation"),
            expert=_("Delivered: waiting for the city's evaluation"),
        ),
        waits_on=(A.CITY,),
        # Calendar days, after which the desk closes the request itself.
        deadline=Deadline(kind=DeadlineKind.CLOSE_AFTER_DAYS, days=30, setting="WORKFLOW_AUTO_CLOSE_DAYS"),
        road=Road(kinds=ALL_KINDS),
    ),
    StateSpec(
        state=S.CLOSED,
        tone=Tone.ENDED,
        phrases=Phrases(city=_("Closed"), staff=_("nothing: the request is closed"), expert=_("Closed")),
        waits_on=(),
        deadline=NO_DEADLINE,
        road=Road(kinds=ALL_KINDS),
    ),
    StateSpec(
        state=S.DECLINED,
        tone=Tone.REFUSED,
        phrases=Phrases(city=_("Declined"), staff=_("nothing: the request was declined"), expert=_("Declined")),
        waits_on=(),
        deadline=NO_DEADLINE,
        road=OFF_ROAD,
    ),
    StateSpec(
        state=S.WITHDRAWN,
        tone=Tone.ENDED,
        phrases=Phrases(city=_("Withdrawn"), staff=_("nothing: the request was withdrawn"), expert=_("Withdrawn")),
        waits_on=(),
        deadline=NO_DEADLINE,
        road=OFF_ROAD,
    ),
)

BEFORE_DELIVERY = (S.DRAFT, S.SUBMITTED, S.INFO_REQUESTED, S.EXPERT_MATCHING, S.FUNDING_REVIEW)
# The states a request waits in before delivery, with a deadline the fast track shortens to hours.
WAITING_BEFORE_DELIVERY = BEFORE_DELIVERY[1:]
# Who is alerted at once when a request enters the incident fast track (filed after an incident, or put on it
# by the hub): the hub's lead first (their reason decides the e-mail's words), its staff, the management unit.
FAST_TRACK_ALERTED = (A.HUB_LEADS, A.HUB, A.MANAGEMENT)

REASON_HELP = _("Say why, so the people concerned understand the decision.")
EXPERTS = DataField(name="experts", kind=Kind.EXPERTS, label=_("Experts to propose"))
DELIVERY_DUE = DataField(
    name="delivery_due",
    kind=Kind.DATE,
    label=_("Agreed delivery date"),
    help_text=_("When the support should be delivered."),
    required=False,
)
# What the support aims to change, from the network's key indicators (required when the fund is asked).
INDICATORS = DataField(
    name="indicators",
    kind=Kind.INDICATORS,
    label=_("Key indicators this support aims to move"),
    help_text=_(
        "What this support should change in the city, from the network's key indicators; give a baseline and a"
        " target where you know them."
    ),
    # After an incident the hub routes first; the indicators can be planned later.
    optional_on_fast_track=True,
)
EXPERT_PROPOSED = event("expert_proposed", _("The hub proposed an expert assignment"), A.NAMED_EXPERTS)

TRANSITIONS: tuple[TransitionSpec, ...] = (
    TransitionSpec(
        name="submit",
        sources=(S.DRAFT,),
        target=S.SUBMITTED,
        rule=Rule.FOCAL_POINT,
        label=_("Submit to the hub"),
        event=event("submit", _("The city submitted the request to the hub"), A.HUB),
        handler=triage.submit,
        irreversible=False,
        tone=MoveTone.PRIMARY,
        guards=(Guard.SUBMISSION_COMPLETE,),
    ),
    TransitionSpec(
        name="request_info",
        sources=(S.SUBMITTED,),
        target=S.INFO_REQUESTED,
        rule=Rule.HUB_STAFF,
        label=_("Ask the city for information"),
        event=event("request_info", _("The hub asked the city for more information"), A.CITY),
        handler=triage.request_info,
        irreversible=False,
        tone=MoveTone.QUIET,
        fields=(
            DataField(
                name="question",
                kind=Kind.RICH_TEXT,
                label=_("Question for the city"),
                help_text=_("The city's focal points read this question."),
            ),
        ),
        triage=True,
        comment_field="question",
        comment_visibility=CITY,
    ),
    TransitionSpec(
        name="provide_info",
        sources=(S.INFO_REQUESTED,),
        target=S.SUBMITTED,
        rule=Rule.FOCAL_POINT,
        label=_("Answer the hub"),
        event=event("provide_info", _("The city answered the hub's question"), A.OWNER_OR_HUB),
        handler=triage.provide_info,
        irreversible=False,
        tone=MoveTone.PRIMARY,
        fields=(
            DataField(name="answer", kind=Kind.RICH_TEXT, label=_("Answer"), help_text=_("The hub reads your answer.")),
        ),
        comment_field="answer",
        comment_visibility=CITY,
    ),
    TransitionSpec(
        name="answer_directly",
        sources=(S.SUBMITTED,),
        target=S.DELIVERED,
        rule=Rule.HUB_STAFF,
        label=_("Answer directly"),
        # Delivered by the hub itself: the city's evaluation is invited.
        event=event("answer_directly", _("The hub answered the request"), A.CITY),
        handler=triage.answer_directly,
        irreversible=False,
        tone=MoveTone.PRIMARY,
        fields=(
            DataField(name="answer", kind=Kind.RICH_TEXT, label=_("Answer"), help_text=_("Shared with the city.")),
        ),
        triage=True,
        comment_field="answer",
        comment_visibility=CITY,
    ),
    *PEER_MOVES,
    TransitionSpec(
        name="route_to_experts",
        sources=(S.SUBMITTED,),
        target=S.EXPERT_MATCHING,
        rule=Rule.HUB_STAFF,
        label=_("Route to experts"),
        event=event("route_to_experts", _("The hub routed the request to the expert pool"), A.NAMED_EXPERTS),
        handler=assignments.experts_propose,
        irreversible=False,
        tone=MoveTone.PRIMARY,
        fields=(
            EXPERTS,
            replace(INDICATORS, required=False),
        ),
        triage=True,
        fast_track_primary=True,
    ),
    TransitionSpec(
        name="propose_expert",
        sources=(S.EXPERT_MATCHING,),
        target=None,
        rule=Rule.HUB_STAFF,
        label=_("Propose an expert"),
        event=EXPERT_PROPOSED,
        handler=assignments.experts_propose,
        irreversible=False,
        tone=MoveTone.QUIET,
        fields=(EXPERTS,),
    ),
    TransitionSpec(
        name="route_to_funding",
        sources=(S.SUBMITTED, S.EXPERT_MATCHING),
        target=S.FUNDING_REVIEW,
        rule=Rule.HUB_STAFF,
        label=_("Apply to the technical support fund"),
        event=event("route_to_funding", _("The hub applied to the technical support fund"), A.MANAGEMENT),
        handler=funding.route_to_funding,
        irreversible=False,
        tone=MoveTone.PRIMARY,
        fields=(
            DataField(name="amount", kind=Kind.DECIMAL, label=_("Amount"), default_from_request="funding_requested"),
            DataField(name="currency", kind=Kind.CURRENCY, label=_("Currency"), default_from_request="currency"),
            DataField(
                name="budget_lines",
                kind=Kind.BUDGET_LINES,
                label=_("Budget lines"),
                default_from_request="budget_lines",
            ),
            DataField(
                name="strategic_priority",
                kind=Kind.PRIORITY,
                label=_("Strategic priority"),
                default_from_request="strategic_priority",
            ),
            DataField(
                name="justification",
                kind=Kind.TEXT,
                label=_("Justification"),
                help_text=_("Why the fund should support this, against its priorities."),
            ),
            INDICATORS,
        ),
        triage=True,
        fast_track_primary=True,
    ),
    TransitionSpec(
        name="accept_assignment",
        sources=ANSWERING_STATES,
        target=None,
        rule=Rule.PROPOSED_EXPERT,
        label=_("Accept the assignment"),
        event=event("assignment_accepted", _("An expert accepted the assignment"), A.OWNER_OR_HUB),
        handler=assignments.accept_assignment,
        irreversible=False,
        tone=MoveTone.PRIMARY,
        fields=(
            DataField(
                name="declaration",
                kind=Kind.TEXT,
                label=_("Conflict-of-interest declaration"),
                help_text=_(
                    "Any tie to the city, its officials or the people involved; write “none” if there is none."
                ),
            ),
            DataField(name="has_conflict", kind=Kind.BOOL, label=_("I have a conflict of interest to declare")),
        ),
        # A declared conflict stops the acceptance: the hub lead is asked to decide instead.
        other_events=(CONFLICT_DECLARED,),
    ),
    TransitionSpec(
        name="decline_assignment",
        sources=ANSWERING_STATES,
        target=None,
        rule=Rule.PROPOSED_EXPERT,
        label=_("Decline the assignment"),
        event=event("assignment_declined", _("An expert declined the assignment"), A.OWNER_OR_HUB),
        handler=assignments.decline_assignment,
        irreversible=True,
        tone=MoveTone.DANGER,
        consequence=_("You turn this assignment down for good: the hub is told and your access to the brief ends."),
        fields=(DataField(name="reason", kind=Kind.TEXT, label=_("Reason"), help_text=REASON_HELP),),
    ),
    *CONFLICT_MOVES,
    TransitionSpec(
        name="start_delivery",
        sources=(S.EXPERT_MATCHING,),
        target=S.IN_DELIVERY,
        rule=Rule.HUB_STAFF,
        label=_("Start delivery"),
        event=event("start_delivery", _("Delivery of the support started"), A.CITY, A.ACCEPTED_EXPERTS),
        handler=assignments.start_delivery,
        irreversible=False,
        tone=MoveTone.PRIMARY,
        fields=(DELIVERY_DUE,),
        guards=(Guard.HAS_ACCEPTED_EXPERT, Guard.NO_PENDING_APPLICATION),
    ),
    TransitionSpec(
        name="approve_funding",
        sources=(S.FUNDING_REVIEW,),
        target=S.IN_DELIVERY,
        rule=Rule.MANAGEMENT,
        label=_("Approve the funding"),
        event=event("approve_funding", _("The management unit approved the funding"), A.CITY, A.OWNER),
        handler=funding.approve_funding,
        irreversible=True,
        tone=MoveTone.PRIMARY,
        consequence=_("You approve %(amount)s %(currency)s for %(city)s from the hub's envelope: no one can undo it."),
        fields=(
            DataField(
                name="amount_approved",
                kind=Kind.DECIMAL,
                label=_("Amount approved"),
                help_text=_("The amount asked (or the first approver's), at most what is left in the envelope."),
                required=False,
                default_from_application="amount_to_approve",
            ),
            DataField(
                name="conditions",
                kind=Kind.TEXT,
                label=_("Conditions"),
                help_text=_("Conditions attached to the grant, if any."),
                required=False,
            ),
            DELIVERY_DUE,
        ),
        guards=(Guard.HAS_PENDING_APPLICATION,),
        actor_checks=(ActorCheck.NOT_TRIAGER, ActorCheck.NOT_FIRST_APPROVER, ActorCheck.NOT_TIED_TO_CITY),
        may_stay=True,
        # Above the four-eyes threshold the first approval only records itself and asks for a second.
        stay_event=event(
            "funding_first_approval", _("The management unit gave the first of two approvals"), A.MANAGEMENT
        ),
    ),
    TransitionSpec(
        name="reject_funding",
        sources=(S.FUNDING_REVIEW,),
        target=S.DECLINED,
        rule=Rule.MANAGEMENT,
        label=_("Reject the funding"),
        event=event("reject_funding", _("The management unit rejected the funding"), A.CITY, A.OWNER, *ENDING),
        handler=funding.reject_funding,
        irreversible=True,
        tone=MoveTone.DANGER,
        consequence=_("The application is rejected and the request ends as declined; the city reads your reason."),
        fields=(DataField(name="reason", kind=Kind.TEXT, label=_("Reason"), help_text=REASON_HELP),),
        guards=(Guard.HAS_PENDING_APPLICATION,),
        actor_checks=(ActorCheck.NOT_TIED_TO_CITY,),
    ),
    TransitionSpec(
        name="report_delivery",
        sources=(S.IN_DELIVERY,),
        target=S.DELIVERED,
        rule=Rule.DELIVERY_TEAM,
        label=_("Report delivery"),
        # The city's evaluation is invited.
        event=event("report_delivery", _("Delivery of the support was reported"), A.CITY, *ENDING),
        handler=closing.report_delivery,
        irreversible=False,
        tone=MoveTone.PRIMARY,
        fields=(
            DataField(
                name="report",
                kind=Kind.RICH_TEXT,
                label=_("Delivery report"),
                help_text=_("What was delivered, when, and anything the hub should follow up."),
            ),
            DataField(
                name="values",
                kind=Kind.INDICATOR_VALUES,
                label=_("Values reached"),
                help_text=_("For each key indicator planned, the value reached; leave blank what you do not know."),
                required=False,
            ),
        ),
    ),
    TransitionSpec(
        name="evaluate",
        sources=(S.DELIVERED,),
        target=S.CLOSED,
        rule=Rule.FOCAL_POINT,
        label=_("Evaluate the support"),
        event=event("evaluate", _("The city evaluated the support and the request closed"), *INVOLVED),
        handler=closing.evaluate,
        # It closes the request, but filling the evaluation in is the deliberate act: the form says so.
        irreversible=False,
        tone=MoveTone.PRIMARY,
        consequence=_("Sending your evaluation closes the request."),
        fields=(
            DataField(name="rating", kind=Kind.RATING, label=_("Rating (1 = poor, 5 = excellent)")),
            DataField(
                name="outcomes",
                kind=Kind.TEXT,
                label=_("Outcomes"),
                help_text=_("What changed for your city thanks to this support."),
            ),
            DataField(
                name="would_recommend",
                kind=Kind.YES_NO,
                label=_("Would you recommend this support to another city?"),
            ),
            DataField(name="comments", kind=Kind.RICH_TEXT, label=_("Comments"), required=False),
            DataField(
                name="values",
                kind=Kind.INDICATOR_VALUES,
                label=_("Confirm the values reached"),
                help_text=_("Correct any figure that is not right; leave blank what you do not know."),
                required=False,
            ),
        ),
    ),
    TransitionSpec(
        name="auto_close",
        sources=(S.DELIVERED,),
        target=S.CLOSED,
        rule=Rule.SYSTEM,
        label=_("Close after the evaluation period"),
        event=event("auto_close", _("The request closed after its evaluation period"), *INVOLVED),
        handler=closing.auto_close,
        irreversible=True,
        tone=MoveTone.QUIET,
        guards=(Guard.DEADLINE_PASSED,),
        system_only=True,
    ),
    *FOLLOW_UP_MOVES,
    TransitionSpec(
        name="decline",
        sources=(S.SUBMITTED, S.INFO_REQUESTED, S.EXPERT_MATCHING),
        target=S.DECLINED,
        rule=Rule.HUB_STAFF,
        label=_("Decline the request"),
        event=event("decline", _("The hub declined the request"), *INVOLVED),
        handler=triage.decline,
        irreversible=True,
        tone=MoveTone.DANGER,
        consequence=_("The request ends as declined: the city and its experts are told, and it cannot be reopened."),
        fields=(DataField(name="reason", kind=Kind.RICH_TEXT, label=_("Reason"), help_text=REASON_HELP),),
        triage=True,
        comment_field="reason",
        comment_visibility=CITY,
    ),
    TransitionSpec(
        name="fast_track",
        sources=WAITING_BEFORE_DELIVERY,
        target=None,
        rule=Rule.HUB_STAFF,
        label=_("Put on the incident fast track"),
        event=event("fast_track", _("The hub put the request on the incident fast track"), *FAST_TRACK_ALERTED),
        handler=fast_track.fast_track,
        irreversible=True,
        tone=MoveTone.QUIET,
        consequence=_(
            "From now on this request's deadlines count in hours, nights and weekends included, and the hub's staff,"
            " its lead and the management unit are alerted at once. It cannot be taken off the fast track."
        ),
        fields=(
            DataField(
                name="reason",
                kind=Kind.RICH_TEXT,
                label=_("Why it is urgent"),
                help_text=_("Kept as an internal note for the hub and the management unit."),
            ),
        ),
        guards=(Guard.NOT_FAST_TRACKED,),
        comment_field="reason",
        comment_visibility=INTERNAL,
    ),
    TransitionSpec(
        name="withdraw",
        sources=BEFORE_DELIVERY,
        target=S.WITHDRAWN,
        rule=Rule.FOCAL_POINT,
        label=_("Withdraw the request"),
        event=event("withdraw", _("The city withdrew the request"), *INVOLVED),
        handler=triage.withdraw,
        irreversible=True,
        tone=MoveTone.DANGER,
        consequence=_("The request stops for good: the hub stops working on it and it cannot be reopened."),
    ),
)

STATE_SPECS: dict[str, StateSpec] = {state.name: state for state in STATES}
TRANSITION_SPECS: dict[str, TransitionSpec] = {spec.name: spec for spec in TRANSITIONS}
STATE_NAMES: frozenset[str] = frozenset(STATE_SPECS)
# Every event a move announces, by its name (the audit trail's and the notifications' word for it).
EVENTS: dict[str, Event] = {event.name: event for spec in TRANSITIONS for event in spec.events}
# The hub's triage decisions (see ``TransitionSpec.triage``).
TRIAGE: frozenset[str] = frozenset(spec.name for spec in TRANSITIONS if spec.triage)
# Where every request starts: the city's own draft, not yet filed with the hub.
INITIAL = STATES[0].state
