"""The follow-up moves of the lifecycle table (``workflows.lifecycle`` lists them with the others): months after
delivery the desk asks the city how the results are holding up, reminds it, tells the hub, and at last counts
the follow-up as not answered; the city answers. On the incident fast track the same steps are check-ins after
the incident (from two weeks after delivery: how is the city recovering, what does it still need), moves of their
own so that the city and the hub read what they are. None of them changes the request's state.

A part of the one table, kept in its own module for its length: the facts each move declares mean what
``workflows.spec`` says, and ``tests/workflows/test_lifecycle.py`` checks them as it checks every move.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from helpdesk.models import RequestState, Visibility
from workflows.moves import follow_ups
from workflows.spec import (
    Audience,
    DataField,
    Event,
    Guard,
    Handler,
    Kind,
    MoveTone,
    Rule,
    TransitionSpec,
    event,
)

S = RequestState
A = Audience
CITY = Visibility.CITY.value
# Follow-ups months after delivery keep the request where it is (delivered, or closed once evaluated).
FOLLOWING_UP = (S.DELIVERED, S.CLOSED)
OUTCOME = Guard.OUTCOME_FOLLOW_UPS
INCIDENT = Guard.INCIDENT_CHECK_INS


def _follow_up_step(
    name: str, label: Promise, announced: Event, handler: Handler, guards: tuple[Guard, ...]
) -> TransitionSpec:
    """One of the desk's own steps on a follow-up (the scheduled job makes them: ``outcomes_followups``)."""
    return TransitionSpec(
        name=name,
        sources=FOLLOWING_UP,
        target=None,
        rule=Rule.SYSTEM,
        label=label,
        event=announced,
        handler=handler,
        irreversible=False,
        tone=MoveTone.QUIET,
        guards=guards,
        system_only=True,
    )


# The values of the planned indicators, when the support planned some (a check-in's form shows them only then).
VALUES = DataField(
    name="values",
    kind=Kind.INDICATOR_VALUES,
    label=_("Where the key indicators stand now"),
    help_text=_("Leave a value blank if you do not know it."),
    required=False,
)

FOLLOW_UP_MOVES: tuple[TransitionSpec, ...] = (
    _follow_up_step(
        "follow_up_open",
        _("Ask the city how the results are holding up"),
        event("follow_up_due", _("The desk asked the city how the results are holding up"), A.CITY),
        follow_ups.follow_up_open,
        (Guard.FOLLOW_UP_DUE,),
    ),
    _follow_up_step(
        "follow_up_remind",
        _("Remind the city of its follow-up"),
        event("follow_up_reminder", _("The desk reminded the city of its follow-up"), A.CITY),
        follow_ups.follow_up_remind,
        (OUTCOME, Guard.FOLLOW_UP_REMINDER_DUE),
    ),
    _follow_up_step(
        "follow_up_escalate",
        _("Tell the hub the follow-up is unanswered"),
        event(
            "follow_up_escalated",
            _("The city has not answered its follow-up: the desk told the hub"),
            A.OWNER_OR_HUB,
            A.HUB_LEADS,
        ),
        follow_ups.follow_up_escalate,
        (OUTCOME, Guard.FOLLOW_UP_ESCALATION_DUE),
    ),
    _follow_up_step(
        "follow_up_miss",
        _("Count the follow-up as not answered"),
        event("follow_up_missed", _("The follow-up closed without an answer"), A.OWNER_OR_HUB),
        follow_ups.follow_up_miss,
        (OUTCOME, Guard.FOLLOW_UP_MISSED),
    ),
    TransitionSpec(
        name="answer_follow_up",
        sources=FOLLOWING_UP,
        target=None,
        rule=Rule.FOCAL_POINT,
        label=_("Answer the follow-up"),
        event=event("follow_up_answered", _("The city told the desk how the results are holding up"), A.OWNER_OR_HUB),
        handler=follow_ups.answer_follow_up,
        irreversible=False,
        tone=MoveTone.PRIMARY,
        fields=(
            VALUES,
            DataField(
                name="what_changed",
                kind=Kind.RICH_TEXT,
                label=_("What changed since the support?"),
                help_text=_(
                    "Is the plan still in force, are the people trained still working on it? The hub reads this."
                ),
            ),
        ),
        guards=(OUTCOME, Guard.HAS_OPEN_FOLLOW_UP),
        comment_field="what_changed",
        comment_visibility=CITY,
    ),
    # Check-ins after an incident (a request on the incident fast track): the same steps, in their own words.
    _follow_up_step(
        "check_in_open",
        _("Check in with the city after the incident"),
        event("check_in_due", _("The desk checked in with the city after the incident"), A.CITY),
        follow_ups.follow_up_open,
        (Guard.CHECK_IN_DUE,),
    ),
    _follow_up_step(
        "check_in_remind",
        _("Remind the city of its check-in after the incident"),
        event("check_in_reminder", _("The desk reminded the city of its check-in after the incident"), A.CITY),
        follow_ups.follow_up_remind,
        (INCIDENT, Guard.FOLLOW_UP_REMINDER_DUE),
    ),
    _follow_up_step(
        "check_in_escalate",
        _("Tell the hub the check-in after the incident is unanswered"),
        event(
            "check_in_escalated",
            _("The city has not answered its check-in after the incident: the desk told the hub"),
            A.OWNER_OR_HUB,
            A.HUB_LEADS,
        ),
        follow_ups.follow_up_escalate,
        (INCIDENT, Guard.FOLLOW_UP_ESCALATION_DUE),
    ),
    _follow_up_step(
        "check_in_miss",
        _("Count the check-in after the incident as not answered"),
        event("check_in_missed", _("The check-in after the incident closed without an answer"), A.OWNER_OR_HUB),
        follow_ups.follow_up_miss,
        (INCIDENT, Guard.FOLLOW_UP_MISSED),
    ),
    TransitionSpec(
        name="answer_check_in",
        sources=FOLLOWING_UP,
        target=None,
        rule=Rule.FOCAL_POINT,
        label=_("Answer the check-in after the incident"),
        event=event(
            "check_in_answered", _("The city told the desk how it is recovering after the incident"), A.OWNER_OR_HUB
        ),
        handler=follow_ups.answer_check_in,
        irreversible=False,
        tone=MoveTone.PRIMARY,
        fields=(
            VALUES,
            DataField(
                name="recovery",
                kind=Kind.RICH_TEXT,
                label=_("How is the city doing since the incident?"),
                help_text=_(
                    "How are the people affected, the services and the community recovering? The hub reads this."
                ),
            ),
            DataField(
                name="still_needed",
                kind=Kind.RICH_TEXT,
                label=_("What does the city still need?"),
                help_text=_("Support, contacts or resources the network could still help with."),
                required=False,
            ),
        ),
        guards=(INCIDENT, Guard.HAS_OPEN_FOLLOW_UP),
        comment_field="recovery",
        comment_visibility=CITY,
    ),
)
