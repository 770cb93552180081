"""The peer exchange's move of the lifecycle table (``workflows.lifecycle`` lists it with the others): the hub
proposes a city open to a peer exchange on the request's theme, from the peers page; the introduction is made when
both cities' focal points accept (``workflows.peers``, outside the table: the peer city cannot see the request).

A part of the one table, kept in its own module for its length: the facts the move declares mean what
``workflows.spec`` says, and ``tests/workflows/test_lifecycle.py`` checks them as it checks every move.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from helpdesk.models import RequestState
from workflows.moves import peers
from workflows.spec import Audience, DataField, Guard, Kind, MoveTone, Rule, TransitionSpec, event

S = RequestState
A = Audience

PEER_MOVES: tuple[TransitionSpec, ...] = (
    TransitionSpec(
        # A peer exchange: the hub proposes a city open to it on the request's theme (from the peers page); the
        # introduction is made when both cities' focal points accept (``workflows.peers``).
        name="introduce_peer",
        sources=(S.SUBMITTED, S.EXPERT_MATCHING),
        target=S.EXPERT_MATCHING,
        rule=Rule.HUB_STAFF,
        label=_("Propose a peer city"),
        event=event("introduce_peer", _("The hub proposed a peer city for the exchange"), A.CITY),
        handler=peers.introduce_peer,
        irreversible=False,
        tone=MoveTone.PRIMARY,
        fields=(
            DataField(name="peer_city", kind=Kind.PEER_CITY, label=_("Peer city")),
            DataField(
                name="note",
                kind=Kind.TEXT,
                label=_("Note to both cities"),
                help_text=_(
                    "Why these two cities should talk: both focal points read it. Do not name a city that asked to"
                    " stay anonymous."
                ),
                required=False,
            ),
        ),
        guards=(Guard.PEER_EXCHANGE,),
        triage=True,
    ),
)
