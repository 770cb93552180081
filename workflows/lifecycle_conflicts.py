"""The hub lead's decision on a conflict of interest an expert declared while accepting (``workflows.lifecycle``
lists these moves with the others): a waiver with its reason lets the acceptance stand; otherwise the acceptance
ends and the hub proposes someone else. Neither changes the request's state.

A part of the one table, kept in its own module for its length: the facts each move declares mean what
``workflows.spec`` says, and ``tests/workflows/test_lifecycle.py`` checks them as it checks every move.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from helpdesk.models import RequestState
from workflows.moves import assignments
from workflows.spec import Audience, DataField, Guard, Kind, MoveTone, Rule, TransitionSpec, event

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

S = RequestState
A = Audience
# The states in which an expert may answer a proposal, as long as the request still needs its expert (the table's
# accept and decline moves); an acceptance that declared a conflict waits for the lead's decision in the same
# states, and leaving them winds it up with the other proposals. Named here, where ``workflows.lifecycle`` reads it.
ANSWERING_STATES = (S.EXPERT_MATCHING, S.FUNDING_REVIEW, S.IN_DELIVERY)


def _which(help_text: StrOrPromise) -> DataField:
    return DataField(name="assignment", kind=Kind.ASSIGNMENT, label=_("Expert"), help_text=help_text)


# What an acceptance that declares a conflict announces instead of "An expert accepted the assignment".
CONFLICT_DECLARED = event(
    assignments.CONFLICT_DECLARED,
    _("An expert declared a conflict of interest: a waiver or another expert is needed"),
    A.HUB_LEADS,
    A.OWNER_OR_HUB,
)

CONFLICT_MOVES: tuple[TransitionSpec, ...] = (
    TransitionSpec(
        name="waive_conflict",
        sources=ANSWERING_STATES,
        target=None,
        rule=Rule.HUB_LEAD,
        label=_("Record a waiver"),
        event=event(
            "conflict_waived",
            _("A waiver of an expert's declared conflict of interest was recorded"),
            A.NAMED_EXPERTS,
            A.OWNER_OR_HUB,
        ),
        handler=assignments.waive_conflict,
        irreversible=True,
        # Neither decision is the expected one: the lead weighs the declaration.
        tone=MoveTone.QUIET,
        consequence=_(
            "The expert's acceptance stands despite the conflict they declared. Your reason stays on the record and"
            " nothing undoes the waiver."
        ),
        fields=(
            _which(_("The expert whose declared conflict you waive.")),
            DataField(
                name="reason",
                kind=Kind.TEXT,
                label=_("Reason for the waiver"),
                help_text=_(
                    "Why this expert may advise all the same. Hub staff and the management unit read it; the"
                    " expert and the city do not."
                ),
            ),
        ),
        guards=(Guard.HAS_CONFLICT,),
    ),
    TransitionSpec(
        name="release_conflicted",
        sources=ANSWERING_STATES,
        target=None,
        rule=Rule.HUB_LEAD,
        label=_("Ask another expert instead"),
        event=event(
            "conflict_released",
            _("An expert's acceptance ended over their declared conflict of interest"),
            A.RELEASED_EXPERTS,
            A.OWNER_OR_HUB,
        ),
        handler=assignments.release_conflicted,
        irreversible=True,
        tone=MoveTone.DANGER,
        consequence=_(
            "The expert's acceptance ends and their access to the brief with it; they are told. Propose another"
            " expert from the matching page."
        ),
        fields=(
            _which(
                _("The expert whose acceptance ends."),
            ),
        ),
        guards=(Guard.HAS_CONFLICT,),
    ),
)
